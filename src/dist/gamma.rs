//! The gamma law with shape k and scale θ (mean kθ), optionally truncated to
//! [min, max].
//!
//! Density x^(k−1)e^(−x/θ)/(Γ(k)θ^k) on x > 0; F(x) = P(k, x/θ), the
//! regularised lower incomplete gamma. E[X^j] = θ^j·Γ(k + j)/Γ(k), so
//! E(X) = kθ and Var(X) = kθ²; from a mean m and sd s, k = (m/s)², θ = s²/m.
//! Truncated to [a, b], E[X^j | a ≤ X ≤ b] = θ^j·Γ(k + j)/Γ(k)·[P(k + j, b/θ)
//! − P(k + j, a/θ)]/P(a ≤ X ≤ b) (Johnson, Kotz & Balakrishnan 1994,
//! *Continuous Univariate Distributions* vol. 1, ch. 17). Draws come from
//! rand_distr's `Gamma` (Marsaglia & Tsang 2000). The CDF is
//! [`GammaTails`] (series and continued fraction, in logarithms); the
//! quantile has no closed form: a verified [`QuantileTable`](super::QuantileTable) of ln x inside
//! |Φ⁻¹(u)| ≤ 6, built on first use, else the exact inverse
//! ([`invert`]), which is right over all of (0, 1): in the lower tail of a
//! shape below 1, x ≈ θ·(u·Γ(k + 1))^(1/k) is far below 2^−30 (for k = 0.01
//! and u = 1e-9, about 10^−900, which rounds to 0).
//!
//! Limits: [`MIN_SHAPE`] ≤ k ≤ [`MAX_SHAPE`], and the mean kθ must be a
//! positive normal number (above 2.2e-308 and finite).

use rand::Rng;
use rand_distr::Distribution;
use statrs::function::gamma::gamma_lr;

use super::incomplete::GammaTails;
use super::inverse::invert;
use super::table::LazyTable;
use super::truncation::{Range, conditioned_cdf, conditioned_support, truncated, within};
use super::{DResult, DistError, fail, positive, show};

/// The smallest shape accepted (gamma and beta): below it 1/shape, which the
/// samplers and the lower-tail quantile use, overflows.
pub const MIN_SHAPE: f64 = 1e-300;

/// The largest shape accepted (gamma and beta). A gamma with shape 10⁷ has
/// a coefficient of variation of 1/√k = 0.03% and is a normal to within its
/// skewness 2/√k = 0.06%; no cost, rate or count an economist estimates is
/// that precise, and beyond it the CDF's series need more than 10⁵ terms.
pub const MAX_SHAPE: f64 = 1e7;

/// Gamma with shape k and scale θ (mean kθ), optionally truncated.
#[derive(Debug, Clone, PartialEq)]
pub struct Gamma {
    /// Shape k.
    pub shape: f64,
    /// Scale θ.
    pub scale: f64,
    /// Optional truncation.
    pub range: Option<Range>,
    /// Sampler.
    sampler: rand_distr::Gamma<f64>,
    /// CDF of the standard gamma (θ = 1) in y = ln x.
    law: GammaTails,
    /// Verified fast inverse CDF (see [`QuantileTable`](super::QuantileTable)), built on first use.
    table: LazyTable,
}

impl Gamma {
    /// Gamma with shape k in [MIN_SHAPE, MAX_SHAPE] and scale θ > 0 whose
    /// mean kθ is a positive normal number.
    pub(super) fn new(shape: f64, scale: f64) -> DResult<Gamma> {
        positive("shape", shape)?;
        positive("scale", scale)?;
        if !(MIN_SHAPE..=MAX_SHAPE).contains(&shape) {
            return fail(format!(
                "shape must lie between {MIN_SHAPE:e} and {MAX_SHAPE:e}, got {}: {}",
                show(shape),
                if shape > MAX_SHAPE {
                    "a gamma that narrow (coefficient of variation below 0.03%) is a normal to within its skewness; use dist = \"normal\" with the same mean and sd"
                } else {
                    "below that, 1/shape overflows"
                }
            ));
        }
        let mean = shape * scale;
        if !(mean.is_normal()) {
            return fail(format!(
                "the mean shape × scale = {} × {} is {}; it must be a positive number between 2.2e-308 and 1.8e308 (give the quantity in units that bring its mean into that range)",
                show(shape),
                show(scale),
                if mean.is_infinite() {
                    "too large to represent"
                } else {
                    "below the smallest positive number"
                }
            ));
        }
        Ok(Gamma {
            shape,
            scale,
            range: None,
            sampler: rand_distr::Gamma::new(shape, scale).map_err(|e| DistError(e.to_string()))?,
            law: GammaTails::new(shape),
            table: LazyTable::default(),
        })
    }

    /// Gamma from its mean and sd: k = (mean/sd)², θ = sd²/mean.
    pub(super) fn from_moments(mean: f64, sd: f64) -> DResult<Gamma> {
        positive("mean", mean)?;
        positive("sd", sd)?;
        let shape = (mean / sd).powi(2);
        if shape > MAX_SHAPE {
            return fail(format!(
                "sd = {sd} is too small for a gamma with mean {mean}: the shape (mean/sd)² = {shape:e} is above {MAX_SHAPE:e}; such a narrow gamma is a normal to within 0.06%: use dist = \"normal\" with this mean and sd"
            ));
        }
        Gamma::new(shape, sd * sd / mean).map_err(|e| DistError(format!("mean = {mean}, sd = {sd}: {}", e.0)))
    }

    /// One draw, conditioned on the range if truncated.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        truncated(&self.range, rng, |u| self.quantile(u), |r| self.sampler.sample(r))
    }

    /// The quantile: the verified table inside |Φ⁻¹(u)| ≤ 6, else the
    /// exact inverse; on [F(min), F(max)] if truncated.
    // Forced into `Dist::quantile`, which the LHS and Sobol loops call per
    // element: left to itself LLVM keeps it out of line, at ~2% more
    // instructions per gamma quantile.
    #[inline(always)]
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let v = within(&self.range, u);
        let table = self.table.get(&self.law);
        self.scaled_exp(
            table
                .and_then(|t| t.at(v))
                .unwrap_or_else(|| invert(&self.law, v, 1.0 - v)),
        )
    }

    /// [`Gamma::quantile`] over a column of u, in place (the table looked up once).
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        let table = self.table.get(&self.law);
        for x in values.iter_mut() {
            let v = within(&self.range, *x);
            *x = self.scaled_exp(
                table
                    .and_then(|t| t.at(v))
                    .unwrap_or_else(|| invert(&self.law, v, 1.0 - v)),
            );
        }
    }

    /// x = θ·e^y, through logarithms where θ·e^y would leave the normal range.
    #[inline]
    fn scaled_exp(&self, y: f64) -> f64 {
        let x = y.exp() * self.scale;
        if x.is_normal() { x } else { (y + self.scale.ln()).exp() }
    }

    /// Whether the quantile table has been built (tables are built on first use).
    pub(super) fn has_table(&self) -> bool {
        self.table.is_built()
    }

    /// F(x) = P(k, x/θ) for x > 0, else 0; conditioned on the range if
    /// truncated.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let raw = if x <= 0.0 {
            0.0
        } else {
            let standard = x / self.scale;
            let tails = if standard.is_normal() {
                self.law.at_value(standard)
            } else {
                self.law.at_log(x.ln() - self.scale.ln())
            };
            tails.ln_lower.exp()
        };
        conditioned_cdf(&self.range, raw)
    }

    /// E[X^k] for k = 1, 2 of the (truncated) gamma: see the module docs.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let Gamma {
            shape, scale, range, ..
        } = self;
        let kf = f64::from(k);
        // E[X^k] = θ^k Γ(s+k)/Γ(s) = θ·s (k = 1), θ²·s(s + 1) (k = 2), restricted
        // by regularised incomplete gammas.
        let full = if k == 1 {
            scale * shape
        } else {
            (scale * shape) * (scale * (shape + 1.0))
        };
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

    /// The base value is the mean kθ.
    pub(super) fn default_base(&self) -> f64 {
        self.shape * self.scale
    }

    /// The support: (0, ∞), cut to the range if truncated.
    pub(super) fn support(&self) -> (f64, f64) {
        conditioned_support(&self.range, 0.0, f64::INFINITY)
    }
}

#[cfg(test)]
mod tests {
    use super::Gamma;
    use crate::dist::Dist;

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::gamma(-1.0, 1.0).is_err());
    }

    #[test]
    fn parameter_forms_match_hand_computation() {
        // gamma from mean/sd: 10, 5 -> shape 4, scale 2.5
        let Dist::Gamma(Gamma { shape, scale, .. }) = Dist::gamma_from_moments(10.0, 5.0).unwrap() else {
            panic!()
        };
        assert!((shape - 4.0).abs() < 1e-12 && (scale - 2.5).abs() < 1e-12);
    }
}
