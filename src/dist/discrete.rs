//! A discrete law: finitely many values v_i with weights w_i, normalised to
//! probabilities p_i = w_i/Σw.
//!
//! F(x) = Σ_{v_i ≤ x} p_i. The values are kept in increasing order (each
//! with its weight), whatever order they were written in, so that the
//! quantile is the generalised inverse of F, and monotone: Q(u) = v_i for
//! the first i with C_i > u, C_i = p_1 + … + p_i the cumulative
//! probabilities (the last set to exactly 1), found by binary search
//! (Devroye 1986, *Non-Uniform Random Variate Generation*, §III.2); draws
//! are Q(U). E[X^k] = Σ p_i·v_i^k. The base value is the most likely value
//! (the smallest one on ties).

use rand::Rng;

use super::{DResult, fail, finite, uniform01};

/// A finite set of values with weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Discrete {
    /// The values, in increasing order.
    pub values: Vec<f64>,
    /// Normalised weights.
    pub probs: Vec<f64>,
    /// Cumulative probabilities, last = 1.
    cumulative: Vec<f64>,
}

impl Discrete {
    /// Discrete values with weights (normalised; they must sum to a positive number).
    pub(super) fn new(values: Vec<f64>, weights: Vec<f64>) -> DResult<Discrete> {
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
        // In increasing order of value, so that Q is monotone (tornado
        // percentiles, LHS strata, rank correlations and the Sobol and
        // Morris designs all read Q(u) as the u-th smallest value).
        let mut pairs: Vec<(f64, f64)> = values.into_iter().zip(weights).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (values, weights): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
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
        Ok(Discrete {
            values,
            probs,
            cumulative,
        })
    }

    /// One draw by inversion: Q(U).
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(uniform01(rng))
    }

    /// Q(u): the first value whose cumulative probability exceeds u.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let Discrete { values, cumulative, .. } = self;
        let i = cumulative.partition_point(|c| *c <= u).min(values.len() - 1);
        values[i]
    }

    /// F(x) = Σ_{v_i ≤ x} p_i.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let Discrete { values, probs, .. } = self;
        values.iter().zip(probs).filter(|(v, _)| **v <= x).map(|(_, p)| p).sum()
    }

    /// E[X^k] = Σ p_i·v_i^k.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let Discrete { values, probs, .. } = self;
        values.iter().zip(probs).map(|(v, p)| v.powi(k) * p).sum()
    }

    /// The base value is the most likely value (the smallest on ties).
    pub(super) fn default_base(&self) -> f64 {
        let Discrete { values, probs, .. } = self;
        let mut best = 0;
        for (i, p) in probs.iter().enumerate() {
            if *p > probs[best] {
                best = i;
            }
        }
        values[best]
    }

    /// The support [smallest value, largest value].
    pub(super) fn support(&self) -> (f64, f64) {
        self.values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)))
    }
}

#[cfg(test)]
mod tests {
    use crate::dist::Dist;

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(
            Dist::discrete(vec![1.0, 2.0], vec![0.0, 0.0])
                .unwrap_err()
                .0
                .contains("positive")
        );
        assert!(Dist::discrete(vec![1.0], vec![1.0, 2.0]).is_err());
    }

    #[test]
    fn values_in_any_order_give_the_same_monotone_law() {
        // Written out of order, Q(u) was the values in that order: Q(0.1) = 3
        // above Q(0.9) = 2, and a tornado's low input sat above its high one.
        let d = Dist::discrete(vec![3.0, 1.0, 2.0], vec![1.0, 1.0, 2.0]).unwrap();
        let sorted = Dist::discrete(vec![1.0, 2.0, 3.0], vec![1.0, 2.0, 1.0]).unwrap();
        assert_eq!(d, sorted);
        let q: Vec<f64> = [0.1, 0.3, 0.6, 0.9].iter().map(|&u| d.quantile(u)).collect();
        assert_eq!(q, [1.0, 2.0, 2.0, 3.0]);
    }

    #[test]
    fn discrete_quantile_steps() {
        let d = Dist::discrete(vec![10.0, 20.0, 30.0], vec![1.0, 1.0, 2.0]).unwrap();
        assert_eq!(d.quantile(0.1), 10.0);
        assert_eq!(d.quantile(0.3), 20.0);
        assert_eq!(d.quantile(0.6), 30.0);
        assert_eq!(d.mean(), 22.5);
    }
}
