//! The beta law Beta(α, β) on [0, 1], shared by `dist = "beta"` and PERT
//! (a scaled beta).
//!
//! Density x^(α−1)(1 − x)^(β−1)/B(α, β). E(X) = α/(α + β) and
//! Var(X) = αβ/((α + β)²(α + β + 1)); from a mean m and sd s,
//! ν = m(1 − m)/s² − 1, α = mν, β = (1 − m)ν (Johnson, Kotz & Balakrishnan
//! 1995, *Continuous Univariate Distributions* vol. 2, ch. 25). Draws are
//! X/(X + Y) with X ~ Γ(α), Y ~ Γ(β) (Devroye 1986, *Non-Uniform Random
//! Variate Generation*, §IX.4). The CDF is statrs' regularised incomplete
//! beta; the quantile has no closed form and is read from a verified
//! [`QuantileTable`] inside |Φ⁻¹(u)| ≤ 6, else statrs' inverse polished by
//! Newton steps ([`polished_inverse`]).

use std::sync::Arc;

use rand::Rng;
use rand_distr::Distribution;
use statrs::distribution::{Beta as StatBeta, ContinuousCDF};

use super::{DResult, DistError, fail, positive};
use super::{QuantileTable, polished_inverse};

/// Beta(α, β) shape parameters with the gamma samplers for X/(X+Y).
#[derive(Debug, Clone, PartialEq)]
pub struct BetaShape {
    /// α > 0
    pub alpha: f64,
    /// β > 0
    pub beta: f64,
    gamma_a: rand_distr::Gamma<f64>,
    gamma_b: rand_distr::Gamma<f64>,
    law: StatBeta,
    table: Option<Arc<QuantileTable>>,
}

impl BetaShape {
    /// Beta(α, β); both positive and finite.
    pub(super) fn new(alpha: f64, beta: f64) -> DResult<BetaShape> {
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
            law: StatBeta::new(alpha, beta).map_err(|e| DistError(e.to_string()))?,
            table: None,
        }
        .with_table())
    }

    /// Beta from its mean m and sd s: ν = m(1 − m)/s² − 1, α = mν, β = (1 − m)ν.
    pub(super) fn from_moments(mean: f64, sd: f64) -> DResult<BetaShape> {
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
        BetaShape::new(mean * nu, (1.0 - mean) * nu)
    }

    fn with_table(mut self) -> BetaShape {
        let d = &self.law;
        let pdf = |x| statrs::distribution::Continuous::pdf(d, x);
        let exact = |u| polished_inverse(&|v| d.inverse_cdf(v), &|x| d.cdf(x), &pdf, u);
        self.table = QuantileTable::build(&exact, &pdf, self.variance().sqrt()).map(Arc::new);
        self
    }

    /// The Beta quantile: the verified table inside |Φ⁻¹(u)| ≤ 6, else the
    /// polished exact inverse.
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let d = &self.law;
        self.table.as_ref().and_then(|t| t.quantile(u)).unwrap_or_else(|| {
            polished_inverse(
                &|v| d.inverse_cdf(v),
                &|x| d.cdf(x),
                &|x| statrs::distribution::Continuous::pdf(d, x),
                u,
            )
        })
    }

    /// F(x), the regularised incomplete beta I_x(α, β), with x clamped to [0, 1].
    pub(super) fn cdf(&self, x: f64) -> f64 {
        self.law.cdf(x.clamp(0.0, 1.0))
    }

    /// Beta as a ratio of gammas: X/(X+Y), X ~ Γ(α), Y ~ Γ(β).
    /// Faster than rand_distr's Beta (Cheng's algorithm) for our shapes.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = self.gamma_a.sample(rng);
        let y = self.gamma_b.sample(rng);
        x / (x + y)
    }

    /// E(X) = α/(α + β).
    pub(super) fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// Var(X) = αβ/((α + β)²(α + β + 1)).
    pub(super) fn variance(&self) -> f64 {
        let s = self.alpha + self.beta;
        self.alpha * self.beta / (s * s * (s + 1.0))
    }

    /// E(X) and E(X²) = Var(X) + E(X)².
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let (m, v) = (self.mean(), self.variance());
        if k == 1 { m } else { v + m * m }
    }

    /// The base value is the mean.
    pub(super) fn default_base(&self) -> f64 {
        self.mean()
    }

    /// The support [0, 1].
    pub(super) fn support(&self) -> (f64, f64) {
        (0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use crate::dist::Dist;

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::beta_from_moments(1.2, 0.1).unwrap_err().0.contains("(0, 1)"));
        assert!(Dist::beta_from_moments(0.5, 0.6).unwrap_err().0.contains("too large"));
    }

    #[test]
    fn parameter_forms_match_hand_computation() {
        // beta from mean/sd: m = 0.55, s = 0.1 -> ν = 0.2475/0.01 − 1 = 23.75
        let Dist::Beta(b) = Dist::beta_from_moments(0.55, 0.1).unwrap() else {
            panic!()
        };
        assert!((b.alpha - 0.55 * 23.75).abs() < 1e-12 && (b.beta - 0.45 * 23.75).abs() < 1e-12);
    }
}
