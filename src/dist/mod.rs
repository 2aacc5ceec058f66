//! Distributions of uncertain inputs: sampling, quantile (inverse CDF), CDF,
//! mean, variance and the base value used by the deterministic base case.
//!
//! [`Dist`] is the enum the rest of the crate sees; each variant wraps one
//! family's struct, in its own file (as rand_distr does), and `Dist` only
//! dispatches to it:
//!
//! | variant      | file            | law                                            |
//! |--------------|-----------------|------------------------------------------------|
//! | `Fixed`      | `fixed.rs`      | a known value                                  |
//! | `Uniform`    | `uniform.rs`    | uniform on [min, max]                          |
//! | `Triangular` | `triangular.rs` | triangular(min, mode, max)                     |
//! | `Pert`       | `pert.rs`       | PERT: a beta scaled to [min, max]              |
//! | `Normal`     | `normal.rs`     | N(mean, sd²), optionally truncated             |
//! | `LogNormal`  | `lognormal.rs`  | ln X ~ N(meanlog, sdlog²), optionally truncated |
//! | `Beta`       | `beta.rs`       | Beta(α, β) on [0, 1] (also PERT's shape)       |
//! | `Gamma`      | `gamma.rs`      | shape k, scale θ, optionally truncated         |
//! | `Discrete`   | `discrete.rs`   | finitely many values with weights              |
//!
//! `truncation.rs` holds the [`Range`] a law is conditioned on and the
//! truncated draw; `incomplete.rs` the CDFs of the gamma and beta (in
//! logarithms, both tails); `inverse.rs` their exact quantile functions;
//! `table.rs` the verified quantile tables that make those fast, built on
//! first use.
//!
//! Every quantile function is right over all of (0, 1), down to the
//! smallest u any sampler produces (the Gaussian copula of Sobol groups
//! clamps at 2.2e-308; `uniform01` gives 2^−53, LHS (k + U)/n): in closed
//! form for the uniform, triangular, normal, lognormal and discrete laws,
//! and for the gamma, beta and PERT to a relative 1e-10 in whichever of u and
//! 1 − u is smaller ([`table::TOLERANCE`]), up to the rounding of x. No valid
//! distribution draws NaN: ranges wider than the largest double are
//! evaluated on halved bounds, tiny beta shapes in logarithms, and shapes
//! beyond [`gamma::MAX_SHAPE`] are rejected with the reason.
//!
//! Every constructor validates its parameters (`new`-style, returning
//! `Result`), so a `Dist` that exists can be sampled without checks.
//!
//! Truncation (`min`/`max` on normal, lognormal and gamma) *conditions* the
//! distribution on the range: X | min ≤ X ≤ max. It never clips. Draws come
//! from rejection when the range holds at least a quarter of the mass, and
//! otherwise from the inverse CDF on [F(min), F(max)].

use rand::Rng;

mod beta;
mod discrete;
mod fixed;
mod gamma;
mod incomplete;
mod inverse;
mod lognormal;
mod normal;
mod pert;
mod table;
mod triangular;
mod truncation;
mod uniform;

pub use beta::BetaShape;
pub use discrete::Discrete;
pub use fixed::Fixed;
pub use gamma::Gamma;
pub use gamma::{MAX_SHAPE, MIN_SHAPE};
pub use lognormal::LogNormal;
pub use normal::Normal;
pub use pert::MAX_LAMBDA;
pub use pert::Pert;
pub use table::{QuantileTable, TOLERANCE};
pub use triangular::Triangular;
pub use truncation::Range;
pub use uniform::Uniform;

pub use crate::special::{Z90, Z95};

/// Why a distribution cannot be built.
#[derive(Debug, Clone, PartialEq)]
pub struct DistError(pub String);

impl std::fmt::Display for DistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type DResult<T> = Result<T, DistError>;

fn fail<T>(message: impl Into<String>) -> DResult<T> {
    Err(DistError(message.into()))
}

/// A uniform draw on the open interval (0, 1): 52 random bits, centred in
/// their cell ((k + ½)/2^52), so that inverse CDFs never see 0 or 1.
pub fn uniform01<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // `as i64` first: the value is < 2^52, and i64 -> f64 is one instruction.
    (((rng.next_u64() >> 12) as i64) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// A validated distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// A known value.
    Fixed(Fixed),
    /// Uniform on [min, max].
    Uniform(Uniform),
    /// Triangular on [min, max] with peak at mode.
    Triangular(Triangular),
    /// PERT: min + (max − min)·Beta(α, β), α = 1 + λ(mode − min)/(max − min),
    /// β = 1 + λ(max − mode)/(max − min) (Vose 2008, ch. 9; λ = 4 classically).
    Pert(Pert),
    /// Normal N(mean, sd²), optionally truncated.
    Normal(Normal),
    /// Lognormal: ln X ~ N(meanlog, sdlog²), optionally truncated.
    LogNormal(LogNormal),
    /// Beta(α, β) on [0, 1].
    Beta(BetaShape),
    /// Gamma with shape k and scale θ (mean kθ), optionally truncated.
    Gamma(Gamma),
    /// A finite set of values with weights.
    Discrete(Discrete),
}

/// A number as a message shows it: plainly between 1e-4 and 1e15, else in
/// exponent form (so that 1e300 is not echoed as 301 digits).
fn show(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-4..1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

fn finite(name: &str, x: f64) -> DResult<()> {
    if x.is_finite() {
        Ok(())
    } else {
        fail(format!("{name} must be a finite number, got {x}"))
    }
}

fn ordered(min: f64, max: f64) -> DResult<()> {
    finite("min", min)?;
    finite("max", max)?;
    if min >= max {
        return fail(format!("min must be below max, got min = {min}, max = {max}"));
    }
    Ok(())
}

fn mode_inside(min: f64, mode: f64, max: f64) -> DResult<()> {
    ordered(min, max)?;
    finite("mode", mode)?;
    if !(min <= mode && mode <= max) {
        return fail(format!("mode must lie in [min, max] = [{min}, {max}], got {mode}"));
    }
    Ok(())
}

fn positive(name: &str, x: f64) -> DResult<()> {
    if x > 0.0 && x.is_finite() {
        Ok(())
    } else if x.is_infinite() {
        fail(format!("{name} must be a positive finite number, got {x}"))
    } else {
        fail(format!("{name} must be positive, got {x}"))
    }
}

impl Dist {
    /// A fixed value.
    pub fn fixed(value: f64) -> DResult<Dist> {
        Ok(Dist::Fixed(Fixed::new(value)?))
    }

    /// Uniform on [min, max].
    pub fn uniform(min: f64, max: f64) -> DResult<Dist> {
        Ok(Dist::Uniform(Uniform::new(min, max)?))
    }

    /// Triangular(min, mode, max).
    pub fn triangular(min: f64, mode: f64, max: f64) -> DResult<Dist> {
        Ok(Dist::Triangular(Triangular::new(min, mode, max)?))
    }

    /// PERT(min, mode, max) with shape λ (4 by default).
    pub fn pert(min: f64, mode: f64, max: f64, lambda: f64) -> DResult<Dist> {
        Ok(Dist::Pert(Pert::new(min, mode, max, lambda)?))
    }

    /// Normal with mean and sd.
    pub fn normal(mean: f64, sd: f64) -> DResult<Dist> {
        Ok(Dist::Normal(Normal::new(mean, sd)?))
    }

    /// Normal from a symmetric interval: mean = (lo + hi)/2, sd = (hi − lo)/(2z).
    pub fn normal_from_interval(lo: f64, hi: f64, z: f64) -> DResult<Dist> {
        Ok(Dist::Normal(Normal::from_interval(lo, hi, z)?))
    }

    /// Lognormal with ln X ~ N(meanlog, sdlog²).
    pub fn lognormal(meanlog: f64, sdlog: f64) -> DResult<Dist> {
        Ok(Dist::LogNormal(LogNormal::new(meanlog, sdlog)?))
    }

    /// Lognormal from the mean and sd of X itself:
    /// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
    pub fn lognormal_from_moments(mean: f64, sd: f64) -> DResult<Dist> {
        Ok(Dist::LogNormal(LogNormal::from_moments(mean, sd)?))
    }

    /// Lognormal from a confidence interval read off a paper: median = √(lo·hi),
    /// σ = ln(hi/lo)/(2z).
    pub fn lognormal_from_interval(lo: f64, hi: f64, z: f64) -> DResult<Dist> {
        Ok(Dist::LogNormal(LogNormal::from_interval(lo, hi, z)?))
    }

    /// Beta(α, β).
    pub fn beta(alpha: f64, beta: f64) -> DResult<Dist> {
        Ok(Dist::Beta(BetaShape::new(alpha, beta)?))
    }

    /// Beta from its mean m and sd s: ν = m(1 − m)/s² − 1, α = mν, β = (1 − m)ν.
    pub fn beta_from_moments(mean: f64, sd: f64) -> DResult<Dist> {
        Ok(Dist::Beta(BetaShape::from_moments(mean, sd)?))
    }

    /// Gamma with shape k and scale θ.
    pub fn gamma(shape: f64, scale: f64) -> DResult<Dist> {
        Ok(Dist::Gamma(Gamma::new(shape, scale)?))
    }

    /// Gamma from its mean and sd: k = (mean/sd)², θ = sd²/mean.
    pub fn gamma_from_moments(mean: f64, sd: f64) -> DResult<Dist> {
        Ok(Dist::Gamma(Gamma::from_moments(mean, sd)?))
    }

    /// Discrete values with weights (normalised; they must sum to a positive number).
    pub fn discrete(values: Vec<f64>, weights: Vec<f64>) -> DResult<Dist> {
        Ok(Dist::Discrete(Discrete::new(values, weights)?))
    }

    /// Condition a normal, lognormal or gamma on [min, max] (either may be
    /// infinite). Fails for other distributions or a range of zero probability.
    pub fn truncate(self, min: f64, max: f64) -> DResult<Dist> {
        let range = Some(Range::new(&self, min, max)?);
        let mut dist = self;
        match &mut dist {
            Dist::Normal(Normal { range: r, .. })
            | Dist::LogNormal(LogNormal { range: r, .. })
            | Dist::Gamma(Gamma { range: r, .. }) => *r = range,
            _ => return fail("min/max truncation applies to normal, lognormal and gamma only"),
        }
        Ok(dist)
    }

    /// The truncation range, if any.
    pub fn range(&self) -> Option<&Range> {
        match self {
            Dist::Normal(Normal { range, .. })
            | Dist::LogNormal(LogNormal { range, .. })
            | Dist::Gamma(Gamma { range, .. }) => range.as_ref(),
            _ => None,
        }
    }

    /// The base value used when the scenario gives no `base` (the README's distribution table):
    /// fixed value, uniform midpoint, triangular/PERT mode, normal mean,
    /// lognormal median e^μ, beta/gamma mean, discrete most likely value.
    pub fn default_base(&self) -> f64 {
        match self {
            Dist::Fixed(d) => d.default_base(),
            Dist::Uniform(d) => d.default_base(),
            Dist::Triangular(d) => d.default_base(),
            Dist::Pert(d) => d.default_base(),
            Dist::Normal(d) => d.default_base(),
            Dist::LogNormal(d) => d.default_base(),
            Dist::Beta(d) => d.default_base(),
            Dist::Gamma(d) => d.default_base(),
            Dist::Discrete(d) => d.default_base(),
        }
    }

    /// True for a fixed value (no uncertainty).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed(_))
    }

    /// Smallest and largest possible values (the support).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Fixed(d) => d.support(),
            Dist::Uniform(d) => d.support(),
            Dist::Triangular(d) => d.support(),
            Dist::Pert(d) => d.support(),
            Dist::Normal(d) => d.support(),
            Dist::LogNormal(d) => d.support(),
            Dist::Beta(d) => d.support(),
            Dist::Gamma(d) => d.support(),
            Dist::Discrete(d) => d.support(),
        }
    }

    /// Draw one value.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(d) => d.sample(),
            Dist::Uniform(d) => d.sample(rng),
            Dist::Triangular(d) => d.sample(rng),
            Dist::Pert(d) => d.sample(rng),
            Dist::Normal(d) => d.sample(rng),
            Dist::LogNormal(d) => d.sample(rng),
            Dist::Beta(d) => d.sample(rng),
            Dist::Gamma(d) => d.sample(rng),
            Dist::Discrete(d) => d.sample(rng),
        }
    }

    /// Fill `out` with independent draws: the same values, in the same
    /// order, as calling [`Dist::sample`] once per element, with the match
    /// on the distribution hoisted out of the loop for the common laws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            Dist::Fixed(d) => out.fill(d.value),
            Dist::Uniform(d) => d.fill(rng, out),
            Dist::Triangular(d) => d.fill(rng, out),
            Dist::Normal(d) => d.fill(rng, out),
            Dist::LogNormal(d) => d.fill(rng, out),
            Dist::Pert(d) => d.fill(rng, out),
            Dist::Beta(_) | Dist::Gamma(_) | Dist::Discrete(_) => {
                for x in out.iter_mut() {
                    *x = self.sample(rng);
                }
            }
        }
    }

    /// The quantile function (inverse CDF) at u ∈ (0, 1), honouring truncation.
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Dist::Fixed(d) => d.quantile(),
            Dist::Uniform(d) => d.quantile(u),
            Dist::Triangular(d) => d.quantile(u),
            Dist::Pert(d) => d.quantile(u),
            Dist::Beta(d) => d.quantile(u),
            Dist::Normal(d) => d.quantile(u),
            Dist::LogNormal(d) => d.quantile(u),
            Dist::Gamma(d) => d.quantile(u),
            Dist::Discrete(d) => d.quantile(u),
        }
    }

    /// Replace each u in `values` by quantile(u): the same numbers as
    /// [`Dist::quantile`], with the match hoisted out of the loop for the
    /// common laws.
    pub fn quantile_in_place(&self, values: &mut [f64]) {
        match self {
            Dist::Uniform(d) => d.quantile_in_place(values),
            Dist::Triangular(d) => d.quantile_in_place(values),
            Dist::Normal(d) => d.quantile_in_place(values),
            Dist::LogNormal(d) => d.quantile_in_place(values),
            Dist::Pert(d) => d.quantile_in_place(values),
            Dist::Beta(d) => d.quantile_in_place(values),
            Dist::Gamma(d) => d.quantile_in_place(values),
            Dist::Fixed(_) | Dist::Discrete(_) => {
                for x in values.iter_mut() {
                    *x = self.quantile(*x);
                }
            }
        }
    }

    /// Whether this law's quantile table has been built: tables (beta, PERT,
    /// gamma) are built on the first quantile, so loading, `check` and Monte
    /// Carlo sampling never build one. False for laws without a table.
    pub fn has_quantile_table(&self) -> bool {
        match self {
            Dist::Pert(d) => d.shape.has_table(),
            Dist::Beta(d) => d.has_table(),
            Dist::Gamma(d) => d.has_table(),
            _ => false,
        }
    }

    /// The CDF, P(X ≤ x), honouring truncation.
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            Dist::Fixed(d) => d.cdf(x),
            Dist::Uniform(d) => d.cdf(x),
            Dist::Triangular(d) => d.cdf(x),
            Dist::Pert(d) => d.cdf(x),
            Dist::Beta(d) => d.cdf(x),
            Dist::Normal(d) => d.cdf(x),
            Dist::LogNormal(d) => d.cdf(x),
            Dist::Gamma(d) => d.cdf(x),
            Dist::Discrete(d) => d.cdf(x),
        }
    }

    /// E(X) (of the truncated law where truncated).
    pub fn mean(&self) -> f64 {
        self.raw_moment(1)
    }

    /// Var(X) (of the truncated law where truncated).
    pub fn variance(&self) -> f64 {
        let m = self.raw_moment(1);
        (self.raw_moment(2) - m * m).max(0.0)
    }

    /// E[X^k] for k = 1, 2, in closed form.
    fn raw_moment(&self, k: i32) -> f64 {
        match self {
            Dist::Fixed(d) => d.raw_moment(k),
            Dist::Uniform(d) => d.raw_moment(k),
            Dist::Triangular(d) => d.raw_moment(k),
            Dist::Pert(d) => d.raw_moment(k),
            Dist::Beta(d) => d.raw_moment(k),
            Dist::Normal(d) => d.raw_moment(k),
            Dist::LogNormal(d) => d.raw_moment(k),
            Dist::Gamma(d) => d.raw_moment(k),
            Dist::Discrete(d) => d.raw_moment(k),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_values_follow_the_design_table() {
        assert_eq!(Dist::uniform(2.0, 4.0).unwrap().default_base(), 3.0);
        assert_eq!(Dist::triangular(0.0, 0.3, 1.0).unwrap().default_base(), 0.3);
        assert_eq!(Dist::pert(0.0, 0.3, 1.0, 4.0).unwrap().default_base(), 0.3);
        assert_eq!(Dist::normal(5.0, 1.0).unwrap().default_base(), 5.0);
        assert!((Dist::lognormal(2.0, 0.5).unwrap().default_base() - 2f64.exp()).abs() < 1e-15);
        assert_eq!(Dist::beta(2.0, 6.0).unwrap().default_base(), 0.25);
        assert_eq!(Dist::gamma(3.0, 2.0).unwrap().default_base(), 6.0);
        assert_eq!(
            Dist::discrete(vec![1.0, 2.0, 3.0], vec![1.0, 3.0, 3.0])
                .unwrap()
                .default_base(),
            2.0
        );
    }

    #[test]
    fn uniform01_is_open() {
        struct Const(u64);
        impl rand::TryRng for Const {
            type Error = std::convert::Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok(self.0 as u32)
            }
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(self.0)
            }
            fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
                Ok(())
            }
        }
        assert!(uniform01(&mut Const(0)) > 0.0);
        assert!(uniform01(&mut Const(u64::MAX)) < 1.0);
    }
}
