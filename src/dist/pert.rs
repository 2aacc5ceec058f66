//! The PERT law: a beta scaled to [min, max] with its mode at `mode`.
//!
//! X = min + (max − min)·B, B ~ Beta(α, β) with α = 1 + λ(mode − min)/(max − min)
//! and β = 1 + λ(max − mode)/(max − min); λ = 4 classically (Vose 2008,
//! *Risk Analysis*, ch. 9). So F(x) = F_B((x − min)/(max − min)),
//! Q(u) = min + (max − min)·Q_B(u), E(X) = min + (max − min)·E(B) and
//! Var(X) = (max − min)²·Var(B); with λ = 4, E(X) = (min + 4·mode + max)/6.
//! The beta itself (sampler, table-backed quantile) is [`BetaShape`].
//!
//! Ranges wider than the largest double (min = −1.7e308, max = 1.7e308) work:
//! every formula is evaluated on min/2, mode/2 and max/2 and doubled, which
//! is exact (halving a double only changes its exponent) and so gives the
//! same numbers as the plain formula wherever that one does not overflow.
//! λ is at most [`MAX_LAMBDA`], which keeps α and β below the beta's limit.

use rand::Rng;

use super::beta::logistic;
use super::{BetaShape, DResult, fail, mode_inside, positive, show};

/// The largest λ accepted: α and β are at most 1 + λ, so they stay within
/// the beta's limit of 10⁷. Vose's λ is 4; values above 100 already make
/// the PERT a spike at the mode.
pub const MAX_LAMBDA: f64 = 1e6;

/// PERT: min + (max − min)·Beta(α, β), α = 1 + λ(mode − min)/(max − min),
/// β = 1 + λ(max − mode)/(max − min) (Vose 2008, ch. 9; λ = 4 classically).
#[derive(Debug, Clone, PartialEq)]
pub struct Pert {
    /// Lower bound.
    pub min: f64,
    /// Most likely value.
    pub mode: f64,
    /// Upper bound.
    pub max: f64,
    /// The scaled Beta.
    pub shape: BetaShape,
}

impl Pert {
    /// PERT(min, mode, max) with shape λ > 0.
    pub(super) fn new(min: f64, mode: f64, max: f64, lambda: f64) -> DResult<Pert> {
        mode_inside(min, mode, max)?;
        positive("lambda", lambda)?;
        if lambda > MAX_LAMBDA {
            return fail(format!(
                "lambda must be at most {MAX_LAMBDA:e}, got {} (the classical PERT has lambda = 4; above 100 it is already a spike at the mode)",
                show(lambda)
            ));
        }
        // halved, so that a range wider than the largest double does not overflow
        let half_width = max / 2.0 - min / 2.0;
        // α, β = 1 + λ·side/half-width; λ·side overflows only for ranges near
        // the largest double, and only there is the division done first (which
        // rounds differently, so ordinary PERTs keep their exact shapes).
        let shape_of = |side: f64| {
            let plain = 1.0 + lambda * side / half_width;
            if plain.is_finite() {
                plain
            } else {
                1.0 + lambda * (side / half_width)
            }
        };
        let shape = BetaShape::new(shape_of(mode / 2.0 - min / 2.0), shape_of(max / 2.0 - mode / 2.0))?;
        Ok(Pert { min, mode, max, shape })
    }

    /// min + (max − min)·b, as 2·(min/2 + (max/2 − min/2)·b): the same
    /// number, without overflow for the widest ranges.
    #[inline]
    fn scaled(&self, b: f64) -> f64 {
        let (half_min, half_width) = (self.min / 2.0, self.max / 2.0 - self.min / 2.0);
        2.0 * (half_min + half_width * b)
    }

    /// One draw: min + (max − min)·B.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.scaled(self.shape.sample(rng))
    }

    /// Independent draws, the same as [`Pert::sample`] once per element.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        for x in out.iter_mut() {
            *x = self.scaled(self.shape.sample(rng));
        }
    }

    /// Q(u) = min + (max − min)·Q_B(u).
    pub(super) fn quantile(&self, u: f64) -> f64 {
        self.scaled(self.shape.quantile(u))
    }

    /// [`Pert::quantile`] over a column of u, in place (the table looked up once).
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        let table = self.shape.table();
        for x in values.iter_mut() {
            *x = self.scaled(logistic(self.shape.logit_quantile(table, *x)));
        }
    }

    /// F(x) = F_B((x − min)/(max − min)).
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let Pert { min, max, shape, .. } = self;
        shape.cdf((x / 2.0 - min / 2.0) / (max / 2.0 - min / 2.0))
    }

    /// E(X) = min + w·E(B); E(X²) = w²·Var(B) + E(X)², w = max − min.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let Pert { min, max, shape, .. } = self;
        let (m, v) = (shape.mean(), shape.variance());
        let mean = self.scaled(m);
        let half_width = max / 2.0 - min / 2.0;
        if k == 1 {
            mean
        } else {
            4.0 * (half_width * half_width * v) + mean * mean
        }
    }

    /// The base value is the mode.
    pub(super) fn default_base(&self) -> f64 {
        self.mode
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
        assert!(Dist::pert(0.0, -1.0, 1.0, 4.0).is_err());
    }

    #[test]
    fn parameter_forms_match_hand_computation() {
        // PERT(0, 1, 4): α = 1 + 4/4 = 2, β = 1 + 4·3/4 = 4, mean = (0 + 4 + 4)/6
        let d = Dist::pert(0.0, 1.0, 4.0, 4.0).unwrap();
        assert!((d.mean() - 8.0 / 6.0).abs() < 1e-12);
    }
}
