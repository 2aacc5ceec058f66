//! The continuous uniform law on [min, max].
//!
//! Density 1/(max − min) on the interval; F(x) = (x − min)/(max − min),
//! quantile Q(u) = min + (max − min)·u, E[X^k] = (max^(k+1) − min^(k+1)) /
//! ((k + 1)(max − min)), so E(X) = (min + max)/2 and Var(X) = (max − min)²/12
//! (Johnson, Kotz & Balakrishnan 1995, *Continuous Univariate Distributions*
//! vol. 2, ch. 26).
//!
//! Ranges wider than the largest double (min = −1.7e308, max = 1.7e308) work:
//! draws, quantiles and the CDF are evaluated on min/2 and max/2 and doubled,
//! which is exact (halving a double only changes its exponent) and so gives
//! the same numbers as the plain formulas wherever those do not overflow; the
//! midpoint is min/2 + max/2 where (min + max)/2 would overflow.

use rand::Rng;

use super::{DResult, ordered, uniform01};

/// Uniform on [min, max].
#[derive(Debug, Clone, PartialEq)]
pub struct Uniform {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
}

impl Uniform {
    /// Uniform on [min, max]; both finite, min < max.
    pub(super) fn new(min: f64, max: f64) -> DResult<Uniform> {
        ordered(min, max)?;
        Ok(Uniform { min, max })
    }

    /// (min/2, max/2 − min/2): min + (max − min)·u = 2·(min/2 + (max/2 − min/2)·u)
    /// exactly, and the right side never overflows.
    #[inline]
    fn halves(&self) -> (f64, f64) {
        (self.min / 2.0, self.max / 2.0 - self.min / 2.0)
    }

    /// One draw: min + (max − min)·U.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let (half_min, half_width) = self.halves();
        2.0 * (half_min + half_width * uniform01(rng))
    }

    /// Independent draws, the same as [`Uniform::sample`] once per element.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        let (half_min, half_width) = self.halves();
        for x in out.iter_mut() {
            *x = 2.0 * (half_min + half_width * uniform01(rng));
        }
    }

    /// Q(u) = min + (max − min)·u.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let (half_min, half_width) = self.halves();
        2.0 * (half_min + half_width * u)
    }

    /// [`Uniform::quantile`] over a column of u, in place.
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        let (half_min, half_width) = self.halves();
        for x in values.iter_mut() {
            *x = 2.0 * (half_min + half_width * *x);
        }
    }

    /// F(x) = (x − min)/(max − min), clamped to [0, 1].
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let (half_min, half_width) = self.halves();
        if half_width == 0.0 {
            // A width of a subnormal or two (max − min ≤ 1e-323) rounds
            // to 0 when halved: the plain formula cannot overflow there,
            // and 0/0 would be NaN.
            return ((x - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
        }
        ((x / 2.0 - half_min) / half_width).clamp(0.0, 1.0)
    }

    /// E[X^k] = (max^(k+1) − min^(k+1)) / ((k + 1)(max − min)); where that
    /// overflows, E(X) = min/2 + max/2 and E(X²) = (min² + min·max + max²)/3
    /// (which may be +∞, never NaN).
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let Uniform { min, max } = self;
        let kf = f64::from(k);
        let plain = (max.powi(k + 1) - min.powi(k + 1)) / ((kf + 1.0) * (max - min));
        if plain.is_finite() {
            plain
        } else if k == 1 {
            min / 2.0 + max / 2.0
        } else {
            (min * min + min * max + max * max) / 3.0
        }
    }

    /// The base value is the midpoint (min + max)/2 (min/2 + max/2 where
    /// min + max overflows).
    pub(super) fn default_base(&self) -> f64 {
        let sum = self.min + self.max;
        if sum.is_finite() {
            sum / 2.0
        } else {
            self.min / 2.0 + self.max / 2.0
        }
    }

    /// The support [min, max].
    pub(super) fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use crate::dist::Dist;

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::uniform(2.0, 1.0).unwrap_err().0.contains("min must be below max"));
    }

    #[test]
    fn a_subnormal_width_has_a_cdf() {
        // max/2 − min/2 rounds to 0 here; F was 0/0 = NaN at x = min.
        let d = Dist::uniform(0.0, 5e-324).unwrap();
        assert_eq!(
            [d.cdf(-1.0), d.cdf(0.0), d.cdf(5e-324), d.cdf(1.0)],
            [0.0, 0.0, 1.0, 1.0]
        );
    }
}
