//! Distributions of uncertain inputs: sampling, quantile (inverse CDF), CDF,
//! mean, variance and the base value used by the deterministic base case.
//!
//! Every constructor validates its parameters (`new`-style, returning
//! `Result`), so a `Dist` that exists can be sampled without checks.
//!
//! Truncation (`min`/`max` on normal, lognormal and gamma) *conditions* the
//! distribution on the range: X | min ≤ X ≤ max. It never clips. Draws come
//! from rejection when the range holds at least a quarter of the mass, and
//! otherwise from the inverse CDF on [F(min), F(max)].

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use statrs::distribution::{Beta as StatBeta, ContinuousCDF, Gamma as StatGamma};
use statrs::function::gamma::{gamma_lr, ln_gamma};

use crate::special::{norm_cdf, norm_inv};

mod table;

use std::sync::Arc;
pub use table::{QuantileTable, polished_inverse};

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

/// The triangular quantile: min + √(u·w·(mode − min)) left of the mode,
/// max − √((1 − u)·w·(max − mode)) right of it, w = max − min. Both branches
/// are computed and one is selected, so loops over it vectorise.
#[inline]
fn triangular_quantile(u: f64, min: f64, mode: f64, max: f64) -> f64 {
    let width = max - min;
    let low = min + (u * width * (mode - min)).sqrt();
    let high = max - ((1.0 - u) * width * (max - mode)).sqrt();
    if u * width < mode - min { low } else { high }
}

/// A truncation range with its probabilities under the untruncated law.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// Lower bound (may be −∞).
    pub min: f64,
    /// Upper bound (may be +∞).
    pub max: f64,
    p_min: f64,
    p_max: f64,
}

impl Range {
    fn mass(&self) -> f64 {
        self.p_max - self.p_min
    }
    fn by_rejection(&self) -> bool {
        self.mass() >= 0.25
    }
    fn contains(&self, x: f64) -> bool {
        self.min <= x && x <= self.max
    }
}

/// Beta(α, β) shape parameters with the gamma samplers for X/(X+Y).
#[derive(Debug, Clone, PartialEq)]
pub struct BetaShape {
    /// α > 0
    pub alpha: f64,
    /// β > 0
    pub beta: f64,
    gamma_a: rand_distr::Gamma<f64>,
    gamma_b: rand_distr::Gamma<f64>,
    quantile: StatBeta,
    table: Option<Arc<QuantileTable>>,
}

impl BetaShape {
    fn new(alpha: f64, beta: f64) -> DResult<BetaShape> {
        if !(alpha > 0.0 && beta > 0.0 && alpha.is_finite() && beta.is_finite()) {
            return fail(format!(
                "alpha and beta must be positive, got alpha = {alpha}, beta = {beta}"
            ));
        }
        let gamma = |shape| rand_distr::Gamma::new(shape, 1.0).map_err(|e| DistError(e.to_string()));
        Ok(BetaShape {
            alpha,
            beta,
            gamma_a: gamma(alpha)?,
            gamma_b: gamma(beta)?,
            quantile: StatBeta::new(alpha, beta).map_err(|e| DistError(e.to_string()))?,
            table: None,
        }
        .with_table())
    }

    fn with_table(mut self) -> BetaShape {
        let d = &self.quantile;
        let pdf = |x| statrs::distribution::Continuous::pdf(d, x);
        let exact = |u| polished_inverse(&|v| d.inverse_cdf(v), &|x| d.cdf(x), &pdf, u);
        self.table = QuantileTable::build(&exact, &pdf, self.variance().sqrt()).map(Arc::new);
        self
    }

    /// The Beta quantile: the verified table inside |Φ⁻¹(u)| ≤ 6, else the
    /// polished exact inverse.
    fn inverse_cdf(&self, u: f64) -> f64 {
        let d = &self.quantile;
        self.table.as_ref().and_then(|t| t.quantile(u)).unwrap_or_else(|| {
            polished_inverse(
                &|v| d.inverse_cdf(v),
                &|x| d.cdf(x),
                &|x| statrs::distribution::Continuous::pdf(d, x),
                u,
            )
        })
    }

    /// Beta as a ratio of gammas: X/(X+Y), X ~ Γ(α), Y ~ Γ(β).
    /// Faster than rand_distr's Beta (Cheng's algorithm) for our shapes.
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = self.gamma_a.sample(rng);
        let y = self.gamma_b.sample(rng);
        x / (x + y)
    }
    fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }
    fn variance(&self) -> f64 {
        let s = self.alpha + self.beta;
        self.alpha * self.beta / (s * s * (s + 1.0))
    }
}

/// A validated distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// A known value.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on [min, max] with peak at mode.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// PERT: min + (max − min)·Beta(α, β), α = 1 + λ(mode − min)/(max − min),
    /// β = 1 + λ(max − mode)/(max − min) (Vose 2008, ch. 9; λ = 4 classically).
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// The scaled Beta.
        shape: BetaShape,
    },
    /// Normal N(mean, sd²), optionally truncated.
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        sd: f64,
        /// Optional truncation.
        range: Option<Range>,
    },
    /// Lognormal: ln X ~ N(meanlog, sdlog²), optionally truncated.
    LogNormal {
        /// μ of ln X.
        meanlog: f64,
        /// σ of ln X.
        sdlog: f64,
        /// Optional truncation.
        range: Option<Range>,
    },
    /// Beta(α, β) on [0, 1].
    Beta(BetaShape),
    /// Gamma with shape k and scale θ (mean kθ), optionally truncated.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale θ.
        scale: f64,
        /// Optional truncation.
        range: Option<Range>,
        /// Sampler.
        sampler: rand_distr::Gamma<f64>,
        /// Inverse CDF.
        quantile: StatGamma,
        /// Verified fast inverse CDF (see [`QuantileTable`]).
        table: Option<Arc<QuantileTable>>,
    },
    /// A finite set of values with weights.
    Discrete {
        /// The values.
        values: Vec<f64>,
        /// Normalised weights.
        probs: Vec<f64>,
        /// Cumulative probabilities, last = 1.
        cumulative: Vec<f64>,
    },
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
    } else {
        fail(format!("{name} must be positive, got {x}"))
    }
}

impl Dist {
    /// A fixed value.
    pub fn fixed(value: f64) -> DResult<Dist> {
        finite("value", value)?;
        Ok(Dist::Fixed { value })
    }

    /// Uniform on [min, max].
    pub fn uniform(min: f64, max: f64) -> DResult<Dist> {
        ordered(min, max)?;
        Ok(Dist::Uniform { min, max })
    }

    /// Triangular(min, mode, max).
    pub fn triangular(min: f64, mode: f64, max: f64) -> DResult<Dist> {
        mode_inside(min, mode, max)?;
        Ok(Dist::Triangular { min, mode, max })
    }

    /// PERT(min, mode, max) with shape λ (4 by default).
    pub fn pert(min: f64, mode: f64, max: f64, lambda: f64) -> DResult<Dist> {
        mode_inside(min, mode, max)?;
        positive("lambda", lambda)?;
        let width = max - min;
        let shape = BetaShape::new(1.0 + lambda * (mode - min) / width, 1.0 + lambda * (max - mode) / width)?;
        Ok(Dist::Pert { min, mode, max, shape })
    }

    /// Normal with mean and sd.
    pub fn normal(mean: f64, sd: f64) -> DResult<Dist> {
        finite("mean", mean)?;
        positive("sd", sd)?;
        Ok(Dist::Normal { mean, sd, range: None })
    }

    /// Normal from a symmetric interval: mean = (lo + hi)/2, sd = (hi − lo)/(2z).
    pub fn normal_from_interval(lo: f64, hi: f64, z: f64) -> DResult<Dist> {
        ordered(lo, hi).map_err(|_| {
            DistError(format!(
                "interval must be [low, high] with low < high, got [{lo}, {hi}]"
            ))
        })?;
        Dist::normal((lo + hi) / 2.0, (hi - lo) / (2.0 * z))
    }

    /// Lognormal with ln X ~ N(meanlog, sdlog²).
    pub fn lognormal(meanlog: f64, sdlog: f64) -> DResult<Dist> {
        finite("meanlog", meanlog)?;
        positive("sdlog", sdlog)?;
        Ok(Dist::LogNormal {
            meanlog,
            sdlog,
            range: None,
        })
    }

    /// Lognormal from the mean and sd of X itself:
    /// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
    pub fn lognormal_from_moments(mean: f64, sd: f64) -> DResult<Dist> {
        positive("mean", mean)?;
        positive("sd", sd)?;
        let var_log = (sd / mean).powi(2).ln_1p();
        Dist::lognormal(mean.ln() - var_log / 2.0, var_log.sqrt())
    }

    /// Lognormal from a confidence interval read off a paper: median = √(lo·hi),
    /// σ = ln(hi/lo)/(2z).
    pub fn lognormal_from_interval(lo: f64, hi: f64, z: f64) -> DResult<Dist> {
        if !(lo > 0.0 && hi > lo && hi.is_finite()) {
            return fail(format!(
                "interval must be [low, high] with 0 < low < high, got [{lo}, {hi}]"
            ));
        }
        Dist::lognormal((lo.ln() + hi.ln()) / 2.0, (hi / lo).ln() / (2.0 * z))
    }

    /// Beta(α, β).
    pub fn beta(alpha: f64, beta: f64) -> DResult<Dist> {
        Ok(Dist::Beta(BetaShape::new(alpha, beta)?))
    }

    /// Beta from its mean m and sd s: ν = m(1 − m)/s² − 1, α = mν, β = (1 − m)ν.
    pub fn beta_from_moments(mean: f64, sd: f64) -> DResult<Dist> {
        if !(mean > 0.0 && mean < 1.0) {
            return fail(format!("a beta mean must lie in (0, 1), got {mean}"));
        }
        positive("sd", sd)?;
        let limit = (mean * (1.0 - mean)).sqrt();
        if sd >= limit {
            return fail(format!(
                "sd = {sd} is too large for a beta with mean {mean}: it must be below √(m(1−m)) = {limit:.6}"
            ));
        }
        let nu = mean * (1.0 - mean) / (sd * sd) - 1.0;
        Dist::beta(mean * nu, (1.0 - mean) * nu)
    }

    /// Gamma with shape k and scale θ.
    pub fn gamma(shape: f64, scale: f64) -> DResult<Dist> {
        positive("shape", shape)?;
        positive("scale", scale)?;
        let quantile = StatGamma::new(shape, 1.0 / scale).map_err(|e| DistError(e.to_string()))?;
        let pdf = |x| statrs::distribution::Continuous::pdf(&quantile, x);
        let exact = |u| polished_inverse(&|v| quantile.inverse_cdf(v), &|x| quantile.cdf(x), &pdf, u);
        let table = QuantileTable::build(&exact, &pdf, shape.sqrt() * scale).map(Arc::new);
        Ok(Dist::Gamma {
            shape,
            scale,
            range: None,
            sampler: rand_distr::Gamma::new(shape, scale).map_err(|e| DistError(e.to_string()))?,
            quantile,
            table,
        })
    }

    /// Gamma from its mean and sd: k = (mean/sd)², θ = sd²/mean.
    pub fn gamma_from_moments(mean: f64, sd: f64) -> DResult<Dist> {
        positive("mean", mean)?;
        positive("sd", sd)?;
        Dist::gamma((mean / sd).powi(2), sd * sd / mean)
    }

    /// Discrete values with weights (normalised; they must sum to a positive number).
    pub fn discrete(values: Vec<f64>, weights: Vec<f64>) -> DResult<Dist> {
        if values.is_empty() {
            return fail("values must not be empty");
        }
        if values.len() != weights.len() {
            return fail(format!(
                "values and weights must have the same length, got {} and {}",
                values.len(),
                weights.len()
            ));
        }
        for &v in &values {
            finite("each value", v)?;
        }
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return fail("weights must be finite and non-negative");
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return fail("weights must sum to a positive number");
        }
        let probs: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let mut cumulative = Vec::with_capacity(probs.len());
        let mut acc = 0.0;
        for p in &probs {
            acc += p;
            cumulative.push(acc);
        }
        *cumulative.last_mut().expect("values is not empty") = 1.0;
        Ok(Dist::Discrete {
            values,
            probs,
            cumulative,
        })
    }

    /// Condition a normal, lognormal or gamma on [min, max] (either may be
    /// infinite). Fails for other distributions or a range of zero probability.
    pub fn truncate(self, min: f64, max: f64) -> DResult<Dist> {
        if min.is_nan() || max.is_nan() || min >= max {
            return fail(format!("min must be below max, got min = {min}, max = {max}"));
        }
        let p_min = self.cdf(min);
        let p_max = self.cdf(max);
        if p_max - p_min <= 1e-300 || (p_max - p_min).is_nan() {
            return fail(format!(
                "the range [{min}, {max}] has zero probability under this distribution"
            ));
        }
        let range = Some(Range { min, max, p_min, p_max });
        Ok(match self {
            Dist::Normal { mean, sd, .. } => Dist::Normal { mean, sd, range },
            Dist::LogNormal { meanlog, sdlog, .. } => Dist::LogNormal { meanlog, sdlog, range },
            Dist::Gamma {
                shape,
                scale,
                sampler,
                quantile,
                table,
                ..
            } => Dist::Gamma {
                shape,
                scale,
                range,
                sampler,
                quantile,
                table,
            },
            _ => return fail("min/max truncation applies to normal, lognormal and gamma only"),
        })
    }

    /// The truncation range, if any.
    pub fn range(&self) -> Option<&Range> {
        match self {
            Dist::Normal { range, .. } | Dist::LogNormal { range, .. } | Dist::Gamma { range, .. } => range.as_ref(),
            _ => None,
        }
    }

    /// The base value DESIGN.md assigns when the scenario gives no `base`:
    /// fixed value, uniform midpoint, triangular/PERT mode, normal mean,
    /// lognormal median e^μ, beta/gamma mean, discrete most likely value.
    pub fn default_base(&self) -> f64 {
        match self {
            Dist::Fixed { value } => *value,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { mode, .. } | Dist::Pert { mode, .. } => *mode,
            Dist::Normal { mean, .. } => *mean,
            Dist::LogNormal { meanlog, .. } => meanlog.exp(),
            Dist::Beta(b) => b.mean(),
            Dist::Gamma { shape, scale, .. } => shape * scale,
            Dist::Discrete { values, probs, .. } => {
                let mut best = 0;
                for (i, p) in probs.iter().enumerate() {
                    if *p > probs[best] {
                        best = i;
                    }
                }
                values[best]
            }
        }
    }

    /// True for a fixed value (no uncertainty).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed { .. })
    }

    /// Smallest and largest possible values (the support).
    pub fn support(&self) -> (f64, f64) {
        let (lo, hi) = match self {
            Dist::Fixed { value } => (*value, *value),
            Dist::Uniform { min, max } | Dist::Triangular { min, max, .. } | Dist::Pert { min, max, .. } => {
                (*min, *max)
            }
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::LogNormal { .. } | Dist::Gamma { .. } => (0.0, f64::INFINITY),
            Dist::Beta(_) => (0.0, 1.0),
            Dist::Discrete { values, .. } => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v))),
        };
        match self.range() {
            Some(r) => (lo.max(r.min), hi.min(r.max)),
            None => (lo, hi),
        }
    }

    /// Draw one value.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed { value } => *value,
            Dist::Uniform { min, max } => min + (max - min) * uniform01(rng),
            Dist::Triangular { .. } | Dist::Discrete { .. } => self.quantile(uniform01(rng)),
            Dist::Pert { min, max, shape, .. } => min + (max - min) * shape.sample(rng),
            Dist::Beta(shape) => shape.sample(rng),
            Dist::Normal { mean, sd, range } => truncated(range, rng, self, |r| {
                let z: f64 = StandardNormal.sample(r);
                mean + sd * z
            }),
            Dist::LogNormal { meanlog, sdlog, range } => truncated(range, rng, self, |r| {
                let z: f64 = StandardNormal.sample(r);
                (meanlog + sdlog * z).exp()
            }),
            Dist::Gamma { sampler, range, .. } => truncated(range, rng, self, |r| sampler.sample(r)),
        }
    }

    /// Fill `out` with independent draws: the same values, in the same
    /// order, as calling [`Dist::sample`] once per element, with the match
    /// on the distribution hoisted out of the loop for the common laws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            Dist::Fixed { value } => out.fill(*value),
            Dist::Uniform { min, max } => {
                for x in out.iter_mut() {
                    *x = min + (max - min) * uniform01(rng);
                }
            }
            Dist::Triangular { .. } => {
                // Uniforms first, then the quantile over the whole column.
                for x in out.iter_mut() {
                    *x = uniform01(rng);
                }
                self.quantile_in_place(out);
            }
            Dist::Normal { mean, sd, range: None } => {
                for x in out.iter_mut() {
                    let z: f64 = StandardNormal.sample(rng);
                    *x = mean + sd * z;
                }
            }
            Dist::LogNormal {
                meanlog,
                sdlog,
                range: None,
            } => {
                for x in out.iter_mut() {
                    let z: f64 = StandardNormal.sample(rng);
                    *x = (meanlog + sdlog * z).exp();
                }
            }
            Dist::Pert { min, max, shape, .. } => {
                for x in out.iter_mut() {
                    *x = min + (max - min) * shape.sample(rng);
                }
            }
            _ => {
                for x in out.iter_mut() {
                    *x = self.sample(rng);
                }
            }
        }
    }

    /// The quantile function (inverse CDF) at u ∈ (0, 1), honouring truncation.
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Dist::Fixed { value } => *value,
            Dist::Uniform { min, max } => min + (max - min) * u,
            Dist::Triangular { min, mode, max } => triangular_quantile(u, *min, *mode, *max),
            Dist::Pert { min, max, shape, .. } => min + (max - min) * shape.inverse_cdf(u),
            Dist::Beta(shape) => shape.inverse_cdf(u),
            Dist::Normal { mean, sd, range } => mean + sd * norm_inv(within(range, u)),
            Dist::LogNormal { meanlog, sdlog, range } => (meanlog + sdlog * norm_inv(within(range, u))).exp(),
            Dist::Gamma {
                quantile, range, table, ..
            } => {
                let v = within(range, u);
                table.as_ref().and_then(|t| t.quantile(v)).unwrap_or_else(|| {
                    let pdf = |x| statrs::distribution::Continuous::pdf(quantile, x);
                    polished_inverse(&|w| quantile.inverse_cdf(w), &|x| quantile.cdf(x), &pdf, v)
                })
            }
            Dist::Discrete { values, cumulative, .. } => {
                let i = cumulative.partition_point(|c| *c <= u).min(values.len() - 1);
                values[i]
            }
        }
    }

    /// Replace each u in `values` by quantile(u): the same numbers as
    /// [`Dist::quantile`], with the match hoisted out of the loop for the
    /// common laws.
    pub fn quantile_in_place(&self, values: &mut [f64]) {
        match self {
            Dist::Uniform { min, max } => {
                for x in values.iter_mut() {
                    *x = min + (max - min) * *x;
                }
            }
            Dist::Triangular { min, mode, max } => {
                for x in values.iter_mut() {
                    *x = triangular_quantile(*x, *min, *mode, *max);
                }
            }
            Dist::Normal { mean, sd, range: None } => {
                for x in values.iter_mut() {
                    *x = mean + sd * norm_inv(*x);
                }
            }
            Dist::LogNormal {
                meanlog,
                sdlog,
                range: None,
            } => {
                for x in values.iter_mut() {
                    *x = (meanlog + sdlog * norm_inv(*x)).exp();
                }
            }
            _ => {
                for x in values.iter_mut() {
                    *x = self.quantile(*x);
                }
            }
        }
    }

    /// The CDF, P(X ≤ x), honouring truncation.
    pub fn cdf(&self, x: f64) -> f64 {
        let raw = match self {
            Dist::Fixed { value } => f64::from(u8::from(x >= *value)),
            Dist::Uniform { min, max } => ((x - min) / (max - min)).clamp(0.0, 1.0),
            Dist::Triangular { min, mode, max } => {
                if x <= *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Dist::Pert { min, max, shape, .. } => shape.quantile.cdf(((x - min) / (max - min)).clamp(0.0, 1.0)),
            Dist::Beta(shape) => shape.quantile.cdf(x.clamp(0.0, 1.0)),
            Dist::Normal { mean, sd, .. } => norm_cdf((x - mean) / sd),
            Dist::LogNormal { meanlog, sdlog, .. } => {
                if x <= 0.0 {
                    0.0
                } else {
                    norm_cdf((x.ln() - meanlog) / sdlog)
                }
            }
            Dist::Gamma { quantile, .. } => {
                if x <= 0.0 {
                    0.0
                } else {
                    quantile.cdf(x)
                }
            }
            Dist::Discrete { values, probs, .. } => {
                values.iter().zip(probs).filter(|(v, _)| **v <= x).map(|(_, p)| p).sum()
            }
        };
        match self.range() {
            Some(r) => ((raw - r.p_min) / r.mass()).clamp(0.0, 1.0),
            None => raw,
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
        let kf = f64::from(k);
        match self {
            Dist::Fixed { value } => value.powi(k),
            Dist::Uniform { min, max } => (max.powi(k + 1) - min.powi(k + 1)) / ((kf + 1.0) * (max - min)),
            Dist::Triangular {
                min: a,
                mode: c,
                max: b,
            } => {
                let mean = (a + b + c) / 3.0;
                if k == 1 {
                    mean
                } else {
                    (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0 + mean * mean
                }
            }
            Dist::Pert { min, max, shape, .. } => {
                let (m, v) = (shape.mean(), shape.variance());
                let w = max - min;
                let mean = min + w * m;
                if k == 1 { mean } else { w * w * v + mean * mean }
            }
            Dist::Beta(shape) => {
                let (m, v) = (shape.mean(), shape.variance());
                if k == 1 { m } else { v + m * m }
            }
            Dist::Normal { mean, sd, range } => normal_moment(*mean, *sd, range.as_ref(), k),
            Dist::LogNormal { meanlog, sdlog, range } => {
                // E[X^k; a<X<b] = e^{kμ + k²σ²/2}·[Φ((ln b − μ − kσ²)/σ) − Φ((ln a − μ − kσ²)/σ)] / P(a<X<b)
                let scale = (kf * meanlog + kf * kf * sdlog * sdlog / 2.0).exp();
                match range {
                    None => scale,
                    Some(r) => {
                        let shifted = |x: f64| {
                            if x <= 0.0 {
                                0.0
                            } else {
                                norm_cdf((x.ln() - meanlog - kf * sdlog * sdlog) / sdlog)
                            }
                        };
                        scale * (shifted(r.max) - shifted(r.min)) / r.mass()
                    }
                }
            }
            Dist::Gamma {
                shape, scale, range, ..
            } => {
                // E[X^k] = θ^k Γ(s+k)/Γ(s), restricted by regularised incomplete gammas.
                let full = scale.powi(k) * (ln_gamma(shape + kf) - ln_gamma(*shape)).exp();
                match range {
                    None => full,
                    Some(r) => {
                        let p = |x: f64| {
                            if x <= 0.0 {
                                0.0
                            } else if x.is_infinite() {
                                1.0
                            } else {
                                gamma_lr(shape + kf, x / scale)
                            }
                        };
                        full * (p(r.max) - p(r.min)) / r.mass()
                    }
                }
            }
            Dist::Discrete { values, probs, .. } => values.iter().zip(probs).map(|(v, p)| v.powi(k) * p).sum(),
        }
    }
}

/// Map u ∈ (0,1) into [F(min), F(max)] for inverse-CDF sampling of a
/// truncated law.
fn within(range: &Option<Range>, u: f64) -> f64 {
    match range {
        None => u,
        Some(r) => r.p_min + u * r.mass(),
    }
}

/// Draw from a possibly truncated law: rejection when the range is likely,
/// inverse CDF otherwise. Both give exactly the conditional law.
fn truncated<R: Rng + ?Sized>(range: &Option<Range>, rng: &mut R, dist: &Dist, draw: impl Fn(&mut R) -> f64) -> f64 {
    match range {
        None => draw(rng),
        Some(r) if r.by_rejection() => loop {
            let x = draw(rng);
            if r.contains(x) {
                return x;
            }
        },
        Some(_) => dist.quantile(uniform01(rng)),
    }
}

/// Moments of a (truncated) normal. With α = (a − μ)/σ, β = (b − μ)/σ,
/// Z = Φ(β) − Φ(α): E = μ + σ(φ(α) − φ(β))/Z and
/// Var = σ²[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]
/// (Johnson, Kotz & Balakrishnan 1994, §10.1).
fn normal_moment(mu: f64, sigma: f64, range: Option<&Range>, k: i32) -> f64 {
    let Some(r) = range else {
        return if k == 1 { mu } else { sigma * sigma + mu * mu };
    };
    let pdf = |z: f64| {
        if z.is_infinite() {
            0.0
        } else {
            (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
        }
    };
    let z_pdf = |z: f64| if z.is_infinite() { 0.0 } else { z * pdf(z) };
    let (a, b) = ((r.min - mu) / sigma, (r.max - mu) / sigma);
    let z = r.mass();
    let shift = (pdf(a) - pdf(b)) / z;
    let mean = mu + sigma * shift;
    if k == 1 {
        return mean;
    }
    let var = sigma * sigma * (1.0 + (z_pdf(a) - z_pdf(b)) / z - shift * shift);
    var + mean * mean
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::normal(0.0, 0.0).unwrap_err().0.contains("sd must be positive"));
        assert!(Dist::normal(0.0, -1.0).is_err());
        assert!(Dist::uniform(2.0, 1.0).unwrap_err().0.contains("min must be below max"));
        assert!(Dist::triangular(0.0, 2.0, 1.0).unwrap_err().0.contains("mode must lie"));
        assert!(Dist::pert(0.0, -1.0, 1.0, 4.0).is_err());
        assert!(Dist::beta_from_moments(1.2, 0.1).unwrap_err().0.contains("(0, 1)"));
        assert!(Dist::beta_from_moments(0.5, 0.6).unwrap_err().0.contains("too large"));
        assert!(Dist::gamma(-1.0, 1.0).is_err());
        assert!(
            Dist::discrete(vec![1.0, 2.0], vec![0.0, 0.0])
                .unwrap_err()
                .0
                .contains("positive")
        );
        assert!(Dist::discrete(vec![1.0], vec![1.0, 2.0]).is_err());
        assert!(Dist::lognormal_from_interval(0.0, 2.0, Z95).is_err());
        assert!(
            Dist::normal(0.0, 1.0)
                .unwrap()
                .truncate(50.0, 60.0)
                .unwrap_err()
                .0
                .contains("zero probability")
        );
        assert!(Dist::uniform(0.0, 1.0).unwrap().truncate(0.2, 0.5).is_err());
    }

    #[test]
    fn parameter_forms_match_hand_computation() {
        // normal from ci95: Facompré 2018 d = 0.35 (0.10–0.61)
        let Dist::Normal { mean, sd, .. } = Dist::normal_from_interval(0.10, 0.60, Z95).unwrap() else {
            panic!()
        };
        assert!((mean - 0.35).abs() < 1e-15 && (sd - 0.5 / (2.0 * 1.959_963_984_540_054)).abs() < 1e-15);
        // lognormal from ci95 [1.3, 2.4]: median √(1.3·2.4) = 1.76635..., σ = ln(2.4/1.3)/3.919928
        let d = Dist::lognormal_from_interval(1.3, 2.4, Z95).unwrap();
        assert!((d.default_base() - (1.3f64 * 2.4).sqrt()).abs() < 1e-12);
        let Dist::LogNormal { sdlog, .. } = d else { panic!() };
        assert!((sdlog - (2.4f64 / 1.3).ln() / 3.919_927_969_080_108).abs() < 1e-14);
        // lognormal from ci90 reproduces its own 5th and 95th percentiles
        let d = Dist::lognormal_from_interval(3500.0, 14000.0, Z90).unwrap();
        assert!((d.quantile(0.05) - 3500.0).abs() < 1e-6 && (d.quantile(0.95) - 14000.0).abs() < 1e-6);
        // lognormal from mean/sd keeps the mean and sd of X
        let d = Dist::lognormal_from_moments(7000.0, 2000.0).unwrap();
        assert!((d.mean() - 7000.0).abs() < 1e-8 && (d.variance().sqrt() - 2000.0).abs() < 1e-8);
        // beta from mean/sd: m = 0.55, s = 0.1 -> ν = 0.2475/0.01 − 1 = 23.75
        let Dist::Beta(b) = Dist::beta_from_moments(0.55, 0.1).unwrap() else {
            panic!()
        };
        assert!((b.alpha - 0.55 * 23.75).abs() < 1e-12 && (b.beta - 0.45 * 23.75).abs() < 1e-12);
        // gamma from mean/sd: 10, 5 -> shape 4, scale 2.5
        let Dist::Gamma { shape, scale, .. } = Dist::gamma_from_moments(10.0, 5.0).unwrap() else {
            panic!()
        };
        assert!((shape - 4.0).abs() < 1e-12 && (scale - 2.5).abs() < 1e-12);
        // PERT(0, 1, 4): α = 1 + 4/4 = 2, β = 1 + 4·3/4 = 4, mean = (0 + 4 + 4)/6
        let d = Dist::pert(0.0, 1.0, 4.0, 4.0).unwrap();
        assert!((d.mean() - 8.0 / 6.0).abs() < 1e-12);
    }

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
    fn truncation_conditions_not_clips() {
        let d = Dist::normal(0.0, 1.0).unwrap().truncate(-1.0, 0.5).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut at_edge = 0;
        for _ in 0..20_000 {
            let x = d.sample(&mut rng);
            assert!((-1.0..=0.5).contains(&x));
            if x == -1.0 || x == 0.5 {
                at_edge += 1;
            }
        }
        assert_eq!(at_edge, 0, "clipping would pile mass on the bounds");
        assert!((d.quantile(1e-12) - -1.0).abs() < 1e-9 && (d.quantile(1.0 - 1e-12) - 0.5).abs() < 1e-9);
        // a range far in the tail uses the inverse CDF and still stays inside
        let tail = Dist::lognormal(0.0, 1.0)
            .unwrap()
            .truncate(20.0, f64::INFINITY)
            .unwrap();
        for _ in 0..1000 {
            assert!(tail.sample(&mut rng) >= 20.0);
        }
    }

    #[test]
    fn discrete_quantile_steps() {
        let d = Dist::discrete(vec![10.0, 20.0, 30.0], vec![1.0, 1.0, 2.0]).unwrap();
        assert_eq!(d.quantile(0.1), 10.0);
        assert_eq!(d.quantile(0.3), 20.0);
        assert_eq!(d.quantile(0.6), 30.0);
        assert_eq!(d.mean(), 22.5);
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
