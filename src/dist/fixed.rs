//! The degenerate law: a known value v, with no uncertainty.
//!
//! P(X = v) = 1, so F(x) = 1 for x ≥ v and 0 below, every quantile is v,
//! E[X^k] = v^k and Var(X) = 0. The model compiles a fixed input to a
//! constant rather than a column.

use super::{DResult, finite};

/// A known value.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    /// The value.
    pub value: f64,
}

impl Fixed {
    /// A fixed value; it must be finite.
    pub(super) fn new(value: f64) -> DResult<Fixed> {
        finite("value", value)?;
        Ok(Fixed { value })
    }

    /// Every draw is the value.
    pub(super) fn sample(&self) -> f64 {
        self.value
    }

    /// Every quantile is the value.
    pub(super) fn quantile(&self) -> f64 {
        self.value
    }

    /// F(x) = 1 if x ≥ value, else 0.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        f64::from(u8::from(x >= self.value))
    }

    /// E[X^k] = value^k.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        self.value.powi(k)
    }

    /// The base value is the value.
    pub(super) fn default_base(&self) -> f64 {
        self.value
    }

    /// The support is the single point [value, value].
    pub(super) fn support(&self) -> (f64, f64) {
        (self.value, self.value)
    }
}

#[cfg(test)]
mod tests {
    use crate::dist::Dist;

    #[test]
    fn a_fixed_value_is_certain() {
        assert!(Dist::fixed(f64::NAN).is_err());
        let d = Dist::fixed(2.5).unwrap();
        assert!(d.is_fixed());
        assert_eq!(
            (d.quantile(0.3), d.mean(), d.variance(), d.default_base()),
            (2.5, 2.5, 0.0, 2.5)
        );
        assert_eq!((d.cdf(2.4), d.cdf(2.5)), (0.0, 1.0));
    }
}
