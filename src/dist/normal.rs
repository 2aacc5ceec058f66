//! The normal law N(mean, sd²), optionally truncated to [min, max].
//!
//! F(x) = Φ((x − mean)/sd) and Q(u) = mean + sd·Φ⁻¹(u), with Φ⁻¹ Wichura's
//! AS 241 (see `crate::special`); draws are mean + sd·Z with Z from
//! rand_distr's `StandardNormal` (ziggurat). From a symmetric interval
//! [lo, hi] at level z: mean = (lo + hi)/2, sd = (hi − lo)/(2z). Truncated to
//! [a, b], with α = (a − μ)/σ, β = (b − μ)/σ and Z = Φ(β) − Φ(α):
//! E = μ + σ(φ(α) − φ(β))/Z and
//! Var = σ²[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]
//! (Johnson, Kotz & Balakrishnan 1994, *Continuous Univariate
//! Distributions* vol. 1, ch. 13, §10.1). Truncated draws and quantiles are in
//! [`truncation`](super::truncation).

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::truncation::{Range, conditioned_cdf, conditioned_support, truncated, within};
use super::{DResult, DistError, finite, ordered, positive};
use crate::special::{norm_cdf, norm_inv};

/// Normal N(mean, sd²), optionally truncated.
#[derive(Debug, Clone, PartialEq)]
pub struct Normal {
    /// Mean before truncation.
    pub mean: f64,
    /// Standard deviation before truncation.
    pub sd: f64,
    /// Optional truncation.
    pub range: Option<Range>,
}

impl Normal {
    /// Normal with a finite mean and a positive sd.
    pub(super) fn new(mean: f64, sd: f64) -> DResult<Normal> {
        finite("mean", mean)?;
        positive("sd", sd)?;
        Ok(Normal { mean, sd, range: None })
    }

    /// Normal from a symmetric interval: mean = (lo + hi)/2, sd = (hi − lo)/(2z).
    pub(super) fn from_interval(lo: f64, hi: f64, z: f64) -> DResult<Normal> {
        ordered(lo, hi).map_err(|_| {
            DistError(format!(
                "interval must be [low, high] with low < high, got [{lo}, {hi}]"
            ))
        })?;
        // halved where lo + hi or hi − lo would overflow: the same numbers otherwise
        let sum = lo + hi;
        let mean = if sum.is_finite() {
            sum / 2.0
        } else {
            lo / 2.0 + hi / 2.0
        };
        Normal::new(mean, (hi / 2.0 - lo / 2.0) / z)
            .map_err(|e| DistError(format!("the interval [{lo}, {hi}]: the implied {}", e.0)))
    }

    /// One draw: mean + sd·Z, conditioned on the range if truncated.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let Normal { mean, sd, range } = self;
        truncated(
            range,
            rng,
            |u| self.quantile(u),
            |r| {
                let z: f64 = StandardNormal.sample(r);
                mean + sd * z
            },
        )
    }

    /// Independent draws, the same as [`Normal::sample`] once per element,
    /// with the untruncated case as its own loop.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            Normal { mean, sd, range: None } => {
                for x in out.iter_mut() {
                    let z: f64 = StandardNormal.sample(rng);
                    *x = mean + sd * z;
                }
            }
            _ => {
                for x in out.iter_mut() {
                    *x = self.sample(rng);
                }
            }
        }
    }

    /// Q(u) = mean + sd·Φ⁻¹(u), on [F(min), F(max)] if truncated.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let Normal { mean, sd, range } = self;
        mean + sd * norm_inv(within(range, u))
    }

    /// [`Normal::quantile`] over a column of u, in place, with the
    /// untruncated case as its own loop.
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        match self {
            Normal { mean, sd, range: None } => {
                for x in values.iter_mut() {
                    *x = mean + sd * norm_inv(*x);
                }
            }
            _ => {
                for x in values.iter_mut() {
                    *x = self.quantile(*x);
                }
            }
        }
    }

    /// F(x) = Φ((x − mean)/sd), conditioned on the range if truncated.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let Normal { mean, sd, range } = self;
        conditioned_cdf(range, norm_cdf((x - mean) / sd))
    }

    /// E[X^k] for k = 1, 2 of the (truncated) normal: see the module docs.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let (mu, sigma) = (self.mean, self.sd);
        let Some(r) = self.range.as_ref() else {
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

    /// The base value is the mean (before truncation).
    pub(super) fn default_base(&self) -> f64 {
        self.mean
    }

    /// The support: the whole line, cut to the range if truncated.
    pub(super) fn support(&self) -> (f64, f64) {
        conditioned_support(&self.range, f64::NEG_INFINITY, f64::INFINITY)
    }
}

#[cfg(test)]
mod tests {
    use super::Normal;
    use crate::dist::{Dist, Z95};

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::normal(0.0, 0.0).unwrap_err().0.contains("sd must be positive"));
        assert!(Dist::normal(0.0, -1.0).is_err());
    }

    #[test]
    fn parameter_forms_match_hand_computation() {
        // normal from ci95: Facompré 2018 d = 0.35 (0.10–0.61)
        let Dist::Normal(Normal { mean, sd, .. }) = Dist::normal_from_interval(0.10, 0.60, Z95).unwrap() else {
            panic!()
        };
        assert!((mean - 0.35).abs() < 1e-15 && (sd - 0.5 / (2.0 * 1.959_963_984_540_054)).abs() < 1e-15);
    }
}
