//! Truncation: a normal, lognormal or gamma *conditioned* on [min, max],
//! X | min ≤ X ≤ max. It never clips, so no mass piles up on the bounds.
//!
//! A [`Range`] keeps the bounds with their probabilities under the untruncated
//! law, p_min = F(min) and p_max = F(max). The conditioned law then has
//! CDF (F(x) − p_min)/(p_max − p_min) on the range and quantile
//! F⁻¹(p_min + u·(p_max − p_min)). Draws come from rejection when the range
//! holds at least a quarter of the mass (at most four tries on average), and
//! otherwise from that inverse CDF; both give exactly the conditional law
//! (Devroye 1986, *Non-Uniform Random Variate Generation*, §II.2 inversion,
//! §II.3 rejection). The truncated moments live with each law.

use rand::Rng;

use super::{DResult, Dist, fail, uniform01};

/// A truncation range with its probabilities under the untruncated law.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// Lower bound (may be −∞).
    pub min: f64,
    /// Upper bound (may be +∞).
    pub max: f64,
    p_min: f64,
    p_max: f64,
}

impl Range {
    /// The range [min, max] under `dist`: fails for a range that is empty,
    /// has a NaN bound, or has zero probability.
    pub(super) fn new(dist: &Dist, min: f64, max: f64) -> DResult<Range> {
        if min.is_nan() || max.is_nan() || min >= max {
            return fail(format!("min must be below max, got min = {min}, max = {max}"));
        }
        let p_min = dist.cdf(min);
        let p_max = dist.cdf(max);
        if p_max - p_min <= 1e-300 || (p_max - p_min).is_nan() {
            return fail(format!(
                "the range [{min}, {max}] has zero probability under this distribution"
            ));
        }
        Ok(Range { min, max, p_min, p_max })
    }

    /// P(min ≤ X ≤ max) under the untruncated law: F(max) − F(min).
    pub(super) fn mass(&self) -> f64 {
        self.p_max - self.p_min
    }

    fn by_rejection(&self) -> bool {
        self.mass() >= 0.25
    }

    fn contains(&self, x: f64) -> bool {
        self.min <= x && x <= self.max
    }
}

/// Map u ∈ (0,1) into [F(min), F(max)] for inverse-CDF sampling of a
/// truncated law.
pub(super) fn within(range: &Option<Range>, u: f64) -> f64 {
    match range {
        None => u,
        Some(r) => r.p_min + u * r.mass(),
    }
}

/// The CDF of the conditioned law from the untruncated one, `raw` = F(x):
/// (F(x) − F(min))/(F(max) − F(min)), clamped to [0, 1].
pub(super) fn conditioned_cdf(range: &Option<Range>, raw: f64) -> f64 {
    match range {
        Some(r) => ((raw - r.p_min) / r.mass()).clamp(0.0, 1.0),
        None => raw,
    }
}

/// The support (lo, hi) of the untruncated law, cut to the range.
pub(super) fn conditioned_support(range: &Option<Range>, lo: f64, hi: f64) -> (f64, f64) {
    match range {
        Some(r) => (lo.max(r.min), hi.min(r.max)),
        None => (lo, hi),
    }
}

/// Draw from a possibly truncated law: rejection when the range is likely,
/// inverse CDF otherwise. Both give exactly the conditional law. `quantile`
/// is the law's (truncation-honouring) quantile function, `draw` its
/// untruncated sampler.
pub(super) fn truncated<R: Rng + ?Sized>(
    range: &Option<Range>,
    rng: &mut R,
    quantile: impl Fn(f64) -> f64,
    draw: impl Fn(&mut R) -> f64,
) -> f64 {
    match range {
        None => draw(rng),
        Some(r) if r.by_rejection() => loop {
            let x = draw(rng);
            if r.contains(x) {
                return x;
            }
        },
        Some(_) => quantile(uniform01(rng)),
    }
}

#[cfg(test)]
mod tests {
    use crate::dist::Dist;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    #[test]
    fn invalid_ranges_are_rejected() {
        assert!(
            Dist::normal(0.0, 1.0)
                .unwrap()
                .truncate(50.0, 60.0)
                .unwrap_err()
                .0
                .contains("zero probability")
        );
        assert!(Dist::uniform(0.0, 1.0).unwrap().truncate(0.2, 0.5).is_err());
    }

    #[test]
    fn truncation_conditions_not_clips() {
        let d = Dist::normal(0.0, 1.0).unwrap().truncate(-1.0, 0.5).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut at_edge = 0;
        for _ in 0..20_000 {
            let x = d.sample(&mut rng);
            assert!((-1.0..=0.5).contains(&x));
            if x == -1.0 || x == 0.5 {
                at_edge += 1;
            }
        }
        assert_eq!(at_edge, 0, "clipping would pile mass on the bounds");
        assert!((d.quantile(1e-12) - -1.0).abs() < 1e-9 && (d.quantile(1.0 - 1e-12) - 0.5).abs() < 1e-9);
        // a range far in the tail uses the inverse CDF and still stays inside
        let tail = Dist::lognormal(0.0, 1.0)
            .unwrap()
            .truncate(20.0, f64::INFINITY)
            .unwrap();
        for _ in 0..1000 {
            assert!(tail.sample(&mut rng) >= 20.0);
        }
    }
}
