//! The beta law Beta(α, β) on [0, 1], shared by `dist = "beta"` and PERT
//! (a scaled beta).
//!
//! Density x^(α−1)(1 − x)^(β−1)/B(α, β). E(X) = α/(α + β) and
//! Var(X) = αβ/((α + β)²(α + β + 1)); from a mean m and sd s,
//! ν = m(1 − m)/s² − 1, α = mν, β = (1 − m)ν (Johnson, Kotz & Balakrishnan
//! 1995, *Continuous Univariate Distributions* vol. 2, ch. 25). Draws are
//! X/(X + Y) with X ~ Γ(α), Y ~ Γ(β) (Devroye 1986, *Non-Uniform Random
//! Variate Generation*, §IX.4); when α + β < 0.1 the two gammas can both
//! underflow to 0 (0/0), so the ratio is formed from their logarithms,
//! X = 1/(1 + e^(ln Y − ln X)) ([`logistic`]), with ln Γ(k) drawn as
//! ln Γ(k + 1) + ln(U)/k (Marsaglia & Tsang 2000, §6), which never
//! overflows: draws are then 0 or 1 exactly where the true value rounds to
//! them. The CDF is [`BetaTails`] (the continued fraction, in logarithms);
//! the quantile has no closed form: a verified [`QuantileTable`] of
//! logit x inside |Φ⁻¹(u)| ≤ 6, built on first use, else the exact inverse
//! ([`invert`]), right over all of (0, 1).
//!
//! Limits: [`MIN_SHAPE`] ≤ α, β ≤ [`MAX_SHAPE`] (as for the gamma: a beta
//! with a shape above 10⁷ has an sd below 1/(2√10⁷) ≈ 1.6e-4 and is a
//! normal or, when the other shape is small, a gamma to within its
//! skewness; no proportion an economist estimates is that precise).

use rand::Rng;
use rand_distr::Distribution;

use super::gamma::{MAX_SHAPE, MIN_SHAPE};
use super::incomplete::BetaTails;
use super::inverse::invert;
use super::table::{LazyTable, QuantileTable};
use super::{DResult, DistError, fail, positive, show, uniform01};

/// Below this α + β the sampler works in logarithms (see the module docs):
/// above it, both gammas fall below 1e-300 with probability below
/// e^(−690·0.1) ≈ 1e-30, and the plain ratio is kept (and with it every
/// draw of the ordinary shapes).
const LOG_SAMPLER_BELOW: f64 = 0.1;

/// x = 1/(1 + e^(−y)), the inverse of y = logit x, from t = e^(−|y|)/(1 + e^(−|y|)):
/// x = t for y < 0, which reaches the subnormal numbers instead of
/// underflowing through 1/(1 + ∞), and x = 1 − t for y ≥ 0, which rounds
/// to the nearest double below 1 (spaced 2^−53) rather than through 1 + t
/// (spaced 2^−52): near 1 the plain form is off by up to two doubles.
#[inline]
pub(super) fn logistic(y: f64) -> f64 {
    let e = (-y.abs()).exp();
    let t = e * (1.0 / (1.0 + e));
    if y >= 0.0 { 1.0 - t } else { t }
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
    /// Γ(α + 1) and Γ(β + 1), for the logarithmic sampler of tiny shapes.
    boosted: Option<(rand_distr::Gamma<f64>, rand_distr::Gamma<f64>)>,
    law: BetaTails,
    table: LazyTable,
}

impl BetaShape {
    /// Beta(α, β); both in [MIN_SHAPE, MAX_SHAPE].
    pub(super) fn new(alpha: f64, beta: f64) -> DResult<BetaShape> {
        if !(alpha > 0.0 && beta > 0.0 && alpha.is_finite() && beta.is_finite()) {
            return fail(format!(
                "alpha and beta must be positive, got alpha = {alpha}, beta = {beta}"
            ));
        }
        for (name, value) in [("alpha", alpha), ("beta", beta)] {
            if value > MAX_SHAPE {
                return fail(format!(
                    "{name} must be at most {MAX_SHAPE:e}, got {}: a beta that narrow is a normal (or, when the other shape is small, a gamma) to well within its own spread; use dist = \"normal\" or \"gamma\" with the same mean and sd",
                    show(value)
                ));
            }
            if value < MIN_SHAPE {
                return fail(format!(
                    "{name} must be at least {MIN_SHAPE:e}, got {}: below that, 1/{name} overflows",
                    show(value)
                ));
            }
        }
        let gamma = |shape| rand_distr::Gamma::new(shape, 1.0).map_err(|e| DistError(e.to_string()));
        let boosted = if alpha + beta < LOG_SAMPLER_BELOW {
            Some((gamma(alpha + 1.0)?, gamma(beta + 1.0)?))
        } else {
            None
        };
        Ok(BetaShape {
            alpha,
            beta,
            gamma_a: gamma(alpha)?,
            gamma_b: gamma(beta)?,
            boosted,
            law: BetaTails::new(alpha, beta),
            table: LazyTable::default(),
        })
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
        let (alpha, beta) = (mean * nu, (1.0 - mean) * nu);
        if alpha.max(beta) > MAX_SHAPE {
            return fail(format!(
                "sd = {sd} is too small for a beta with mean {mean}: it gives alpha = {alpha:e} and beta = {beta:e}, and a shape above {MAX_SHAPE:e} is a normal (or a gamma) to well within its own spread; use dist = \"normal\" with this mean and sd"
            ));
        }
        if alpha.min(beta) < MIN_SHAPE {
            return fail(format!(
                "sd = {sd} is too close to its limit √(m(1−m)) = {limit:.6} for a beta with mean {mean}: it gives alpha = {alpha:e} and beta = {beta:e}, below the smallest shape {MIN_SHAPE:e}"
            ));
        }
        BetaShape::new(alpha, beta)
    }

    /// The Beta quantile: the verified table (of logit x) inside
    /// |Φ⁻¹(u)| ≤ 6, else the exact inverse.
    #[inline]
    pub(super) fn quantile(&self, u: f64) -> f64 {
        logistic(self.logit_quantile(self.table.get(&self.law), u))
    }

    /// The table, built on first use (None when it did not verify).
    #[inline]
    pub(super) fn table(&self) -> Option<&QuantileTable> {
        self.table.get(&self.law)
    }

    /// logit of the quantile at u, from `table` where it covers u.
    #[inline]
    pub(super) fn logit_quantile(&self, table: Option<&QuantileTable>, u: f64) -> f64 {
        table
            .and_then(|t| t.at(u))
            .unwrap_or_else(|| invert(&self.law, u, 1.0 - u))
    }

    /// [`BetaShape::quantile`] over a column of u, in place (the table looked up once).
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        let table = self.table();
        for x in values.iter_mut() {
            *x = logistic(self.logit_quantile(table, *x));
        }
    }

    /// Whether the quantile table has been built (tables are built on first use).
    pub(super) fn has_table(&self) -> bool {
        self.table.is_built()
    }

    /// F(x), the regularised incomplete beta I_x(α, β), with x clamped to [0, 1].
    pub(super) fn cdf(&self, x: f64) -> f64 {
        self.law.at_value(x.clamp(0.0, 1.0)).ln_lower.exp()
    }

    /// Beta as a ratio of gammas: X/(X+Y), X ~ Γ(α), Y ~ Γ(β); in logarithms
    /// for tiny shapes (see the module docs).
    /// Faster than rand_distr's Beta (Cheng's algorithm) for our shapes.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if let Some((boost_a, boost_b)) = &self.boosted {
            // ln Γ(k) = ln Γ(k + 1) + ln(U)/k
            let ln_x = boost_a.sample(rng).ln() + uniform01(rng).ln() / self.alpha;
            let ln_y = boost_b.sample(rng).ln() + uniform01(rng).ln() / self.beta;
            return logistic(ln_x - ln_y);
        }
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
