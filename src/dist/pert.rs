//! The PERT law: a beta scaled to [min, max] with its mode at `mode`.
//!
//! X = min + (max − min)·B, B ~ Beta(α, β) with α = 1 + λ(mode − min)/(max − min)
//! and β = 1 + λ(max − mode)/(max − min); λ = 4 classically (Vose 2008,
//! *Risk Analysis*, ch. 9). So F(x) = F_B((x − min)/(max − min)),
//! Q(u) = min + (max − min)·Q_B(u), E(X) = min + (max − min)·E(B) and
//! Var(X) = (max − min)²·Var(B); with λ = 4, E(X) = (min + 4·mode + max)/6.
//! The beta itself (sampler, table-backed quantile) is [`BetaShape`].

use rand::Rng;

use super::{BetaShape, DResult, mode_inside, positive};

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
        let width = max - min;
        let shape = BetaShape::new(1.0 + lambda * (mode - min) / width, 1.0 + lambda * (max - mode) / width)?;
        Ok(Pert { min, mode, max, shape })
    }

    /// One draw: min + (max − min)·B.
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let Pert { min, max, shape, .. } = self;
        min + (max - min) * shape.sample(rng)
    }

    /// Independent draws, the same as [`Pert::sample`] once per element.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        let Pert { min, max, shape, .. } = self;
        for x in out.iter_mut() {
            *x = min + (max - min) * shape.sample(rng);
        }
    }

    /// Q(u) = min + (max − min)·Q_B(u).
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let Pert { min, max, shape, .. } = self;
        min + (max - min) * shape.quantile(u)
    }

    /// F(x) = F_B((x − min)/(max − min)).
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let Pert { min, max, shape, .. } = self;
        shape.cdf((x - min) / (max - min))
    }

    /// E(X) = min + w·E(B); E(X²) = w²·Var(B) + E(X)², w = max − min.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let Pert { min, max, shape, .. } = self;
        let (m, v) = (shape.mean(), shape.variance());
        let w = max - min;
        let mean = min + w * m;
        if k == 1 { mean } else { w * w * v + mean * mean }
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
