//! The lognormal law, ln X ~ N(meanlog, sdlog²), optionally truncated to
//! [min, max].
//!
//! F(x) = Φ((ln x − μ)/σ) for x > 0 and Q(u) = exp(μ + σ·Φ⁻¹(u)); draws are
//! exp(μ + σZ) with Z from rand_distr's `StandardNormal`. E[X^k] =
//! exp(kμ + k²σ²/2), so E(X) = e^(μ + σ²/2) and the median is e^μ; truncated
//! to [a, b], E[X^k | a ≤ X ≤ b] = exp(kμ + k²σ²/2)·[Φ((ln b − μ − kσ²)/σ) −
//! Φ((ln a − μ − kσ²)/σ)]/P(a ≤ X ≤ b) (Johnson, Kotz & Balakrishnan 1994,
//! *Continuous Univariate Distributions* vol. 1, ch. 14). Two other forms
//! read parameters as economists report them: from the mean m and sd s of X,
//! σ² = ln(1 + s²/m²), μ = ln m − σ²/2; from an interval [lo, hi] at level z,
//! μ = (ln lo + ln hi)/2 (the median is √(lo·hi)), σ = ln(hi/lo)/(2z).

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::truncation::{Range, conditioned_cdf, conditioned_support, truncated, within};
use super::{DResult, DistError, fail, finite, positive, show};
use crate::special::{norm_cdf, norm_inv};

/// The largest |meanlog|: e^±708 (3e307, 3.3e-308) is still a normal double,
/// so the median (the default base value) is finite and positive.
pub const MAX_MEANLOG: f64 = 708.0;

/// Lognormal: ln X ~ N(meanlog, sdlog²), optionally truncated.
#[derive(Debug, Clone, PartialEq)]
pub struct LogNormal {
    /// μ of ln X.
    pub meanlog: f64,
    /// σ of ln X.
    pub sdlog: f64,
    /// Optional truncation.
    pub range: Option<Range>,
}

impl LogNormal {
    /// Lognormal with ln X ~ N(meanlog, sdlog²); meanlog finite, sdlog positive.
    pub(super) fn new(meanlog: f64, sdlog: f64) -> DResult<LogNormal> {
        finite("meanlog", meanlog)?;
        positive("sdlog", sdlog)?;
        if meanlog.abs() > MAX_MEANLOG {
            return fail(format!(
                "meanlog must lie within ±{MAX_MEANLOG}, got {}: the median e^meanlog would be {} the range of double-precision numbers (2.2e-308 to 1.8e308)",
                show(meanlog),
                if meanlog > 0.0 { "above" } else { "below" }
            ));
        }
        Ok(LogNormal {
            meanlog,
            sdlog,
            range: None,
        })
    }

    /// Lognormal from the mean and sd of X itself:
    /// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
    pub(super) fn from_moments(mean: f64, sd: f64) -> DResult<LogNormal> {
        positive("mean", mean)?;
        positive("sd", sd)?;
        let var_log = (sd / mean).powi(2).ln_1p();
        LogNormal::new(mean.ln() - var_log / 2.0, var_log.sqrt())
            .map_err(|e| DistError(format!("mean = {mean}, sd = {sd}: the implied {}", e.0)))
    }

    /// Lognormal from a confidence interval read off a paper: median = √(lo·hi),
    /// σ = ln(hi/lo)/(2z).
    pub(super) fn from_interval(lo: f64, hi: f64, z: f64) -> DResult<LogNormal> {
        if !(lo > 0.0 && hi > lo && hi.is_finite()) {
            return fail(format!(
                "interval must be [low, high] with 0 < low < high, got [{lo}, {hi}]"
            ));
        }
        let ratio = hi / lo;
        let width = if ratio.is_finite() {
            ratio.ln()
        } else {
            hi.ln() - lo.ln()
        };
        LogNormal::new((lo.ln() + hi.ln()) / 2.0, width / (2.0 * z))
            .map_err(|e| DistError(format!("the interval [{lo}, {hi}]: the implied {}", e.0)))
    }

    /// One draw: exp(μ + σZ), conditioned on the range if truncated.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let LogNormal { meanlog, sdlog, range } = self;
        truncated(
            range,
            rng,
            |u| self.quantile(u),
            |r| {
                let z: f64 = StandardNormal.sample(r);
                (meanlog + sdlog * z).exp()
            },
        )
    }

    /// Independent draws, the same as [`LogNormal::sample`] once per
    /// element, with the untruncated case as its own loop.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            LogNormal {
                meanlog,
                sdlog,
                range: None,
            } => {
                for x in out.iter_mut() {
                    let z: f64 = StandardNormal.sample(rng);
                    *x = (meanlog + sdlog * z).exp();
                }
            }
            _ => {
                for x in out.iter_mut() {
                    *x = self.sample(rng);
                }
            }
        }
    }

    /// Q(u) = exp(μ + σ·Φ⁻¹(u)), on [F(min), F(max)] if truncated.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let LogNormal { meanlog, sdlog, range } = self;
        (meanlog + sdlog * norm_inv(within(range, u))).exp()
    }

    /// [`LogNormal::quantile`] over a column of u, in place, with the
    /// untruncated case as its own loop.
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        match self {
            LogNormal {
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

    /// F(x) = Φ((ln x − μ)/σ) for x > 0, else 0; conditioned on the range if
    /// truncated.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let LogNormal { meanlog, sdlog, range } = self;
        let raw = if x <= 0.0 {
            0.0
        } else {
            norm_cdf((x.ln() - meanlog) / sdlog)
        };
        conditioned_cdf(range, raw)
    }

    /// E[X^k] for k = 1, 2 of the (truncated) lognormal: see the module docs.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let LogNormal { meanlog, sdlog, range } = self;
        let kf = f64::from(k);
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

    /// The base value is the median e^μ.
    pub(super) fn default_base(&self) -> f64 {
        self.meanlog.exp()
    }

    /// The support: (0, ∞), cut to the range if truncated.
    pub(super) fn support(&self) -> (f64, f64) {
        conditioned_support(&self.range, 0.0, f64::INFINITY)
    }
}

#[cfg(test)]
mod tests {
    use super::LogNormal;
    use crate::dist::{Dist, Z90, Z95};

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::lognormal_from_interval(0.0, 2.0, Z95).is_err());
    }

    #[test]
    fn parameter_forms_match_hand_computation() {
        // lognormal from ci95 [1.3, 2.4]: median √(1.3·2.4) = 1.76635..., σ = ln(2.4/1.3)/3.919928
        let d = Dist::lognormal_from_interval(1.3, 2.4, Z95).unwrap();
        assert!((d.default_base() - (1.3f64 * 2.4).sqrt()).abs() < 1e-12);
        let Dist::LogNormal(LogNormal { sdlog, .. }) = d else {
            panic!()
        };
        assert!((sdlog - (2.4f64 / 1.3).ln() / 3.919_927_969_080_108).abs() < 1e-14);
        // lognormal from ci90 reproduces its own 5th and 95th percentiles
        let d = Dist::lognormal_from_interval(3500.0, 14000.0, Z90).unwrap();
        assert!((d.quantile(0.05) - 3500.0).abs() < 1e-6 && (d.quantile(0.95) - 14000.0).abs() < 1e-6);
        // lognormal from mean/sd keeps the mean and sd of X
        let d = Dist::lognormal_from_moments(7000.0, 2000.0).unwrap();
        assert!((d.mean() - 7000.0).abs() < 1e-8 && (d.variance().sqrt() - 2000.0).abs() < 1e-8);
    }
}
