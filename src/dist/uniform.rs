//! The continuous uniform law on [min, max].
//!
//! Density 1/(max − min) on the interval; F(x) = (x − min)/(max − min),
//! quantile Q(u) = min + (max − min)·u, E[X^k] = (max^(k+1) − min^(k+1)) /
//! ((k + 1)(max − min)), so E(X) = (min + max)/2 and Var(X) = (max − min)²/12
//! (Johnson, Kotz & Balakrishnan 1995, *Continuous Univariate Distributions*
//! vol. 2, ch. 26).

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

    /// One draw: min + (max − min)·U.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let Uniform { min, max } = self;
        min + (max - min) * uniform01(rng)
    }

    /// Independent draws, the same as [`Uniform::sample`] once per element.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        let Uniform { min, max } = self;
        for x in out.iter_mut() {
            *x = min + (max - min) * uniform01(rng);
        }
    }

    /// Q(u) = min + (max − min)·u.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let Uniform { min, max } = self;
        min + (max - min) * u
    }

    /// [`Uniform::quantile`] over a column of u, in place.
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        let Uniform { min, max } = self;
        for x in values.iter_mut() {
            *x = min + (max - min) * *x;
        }
    }

    /// F(x) = (x − min)/(max − min), clamped to [0, 1].
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let Uniform { min, max } = self;
        ((x - min) / (max - min)).clamp(0.0, 1.0)
    }

    /// E[X^k] = (max^(k+1) − min^(k+1)) / ((k + 1)(max − min)).
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let Uniform { min, max } = self;
        let kf = f64::from(k);
        (max.powi(k + 1) - min.powi(k + 1)) / ((kf + 1.0) * (max - min))
    }

    /// The base value is the midpoint (min + max)/2.
    pub(super) fn default_base(&self) -> f64 {
        (self.min + self.max) / 2.0
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
}
