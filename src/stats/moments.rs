//! Mergeable running moments of one output: count, mean, M2 (Welford 1962;
//! merged with Chan, Golub & LeVeque 1979), min, max, and the counts behind
//! P(X > 0) and P(X ≥ claim). Non-finite values are counted, not averaged.
//!
//! Finite values give finite statistics, however large: M2 = Σ(x − mean)²
//! is kept in units of 4^`scale_exp` (a power of two, so the scaling is
//! exact), chosen from the largest magnitude seen. For values below 2^448
//! (about 7e134) the scale is 1 and the arithmetic is the textbook one; above
//! it, squares that would overflow the double range stay finite, and so do
//! the mean of values near ±1.8e308 and the standard deviation.

use serde::{Deserialize, Serialize};

/// Magnitudes at or above 2^LARGE_EXP are summarised on a scale: below it,
/// n·(2·max)² < 2^1024 for any n < 2^63, so nothing overflows unscaled.
const LARGE_EXP: i32 = 448;

/// Running moments and counts. Merge in a fixed order for bit-identical results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of finite values.
    pub n: u64,
    /// Their mean.
    pub mean: f64,
    /// Σ (x − mean)², in units of 4^`scale_exp` (see [`Moments::sum_sq_dev`]).
    pub m2: f64,
    /// The exponent of the scale of `m2` (0 unless values reach 2^448).
    pub scale_exp: i32,
    /// Smallest finite value.
    pub min: f64,
    /// Largest finite value.
    pub max: f64,
    /// Values > 0.
    pub positive: u64,
    /// Values ≥ the claim (when there is one).
    pub meets_claim: u64,
    /// Values that were NaN or infinite (left out of everything above).
    pub nonfinite: u64,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            scale_exp: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            positive: 0,
            meets_claim: 0,
            nonfinite: 0,
        }
    }
}

/// Partial sums kept by [`lane_sum`].
const LANES: usize = 8;

/// Σ f(x) over `values` in LANES interleaved partial sums, added pairwise:
/// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), then the remainder.
fn lane_sum(values: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut lanes = [0.0; LANES];
    let blocks = values.chunks_exact(LANES);
    let rest = blocks.remainder();
    for block in blocks {
        for (lane, &x) in lanes.iter_mut().zip(block) {
            *lane += f(x);
        }
    }
    let mut total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for &x in rest {
        total += f(x);
    }
    total
}

/// x·2^e, exactly (rounding only if the result leaves the normal range).
fn scaled(x: f64, e: i32) -> f64 {
    libm::ldexp(x, e)
}

/// The exponent e of x's binade (|x| in [2^e, 2^(e+1))), for normal x.
fn exponent(x: f64) -> i32 {
    ((x.abs().to_bits() >> 52) & 0x7ff) as i32 - 1023
}

impl Moments {
    /// Moments of a slice (one chunk), skipping non-finite values. Two
    /// passes, mean then Σ(x − mean)², which is as accurate as Welford's
    /// update for a slice and needs no division per value. Each pass keeps
    /// `LANES` partial sums (values i, i + LANES, …), added pairwise at
    /// the end: independent additions the compiler turns into vector
    /// instructions, and a smaller rounding error than one running sum.
    pub fn of(values: &[f64], claim: Option<f64>) -> Moments {
        let sum = lane_sum(values, |x| x);
        if !sum.is_finite() {
            return Moments::of_with_nonfinite(values, claim);
        }
        // A finite sum means every value is finite: branch-free loops.
        let n = values.len();
        let mut m = Moments {
            n: n as u64,
            ..Moments::default()
        };
        if n == 0 {
            return m;
        }
        let threshold = claim.unwrap_or(f64::INFINITY);
        let mean = sum / n as f64;
        m.mean = mean;
        let (mut min, mut max) = (values[0], values[0]);
        let (mut positive, mut meets) = (0u64, 0u64);
        for &x in values {
            min = if x < min { x } else { min };
            max = if x > max { x } else { max };
            positive += u64::from(x > 0.0);
            meets += u64::from(x >= threshold);
        }
        m.min = min;
        m.max = max;
        m.positive = positive;
        m.meets_claim = meets;
        m.m2 = lane_sum(values, |x| (x - mean) * (x - mean));
        if exponent(min).max(exponent(max)) >= LARGE_EXP {
            return Moments::of_large(values, claim);
        }
        m
    }

    /// Moments of finite values some of which reach 2^LARGE_EXP: computed on
    /// x / 2^s with 2^s the binade of the largest magnitude, then scaled back
    /// (exactly: s is a power of two).
    fn of_large(values: &[f64], claim: Option<f64>) -> Moments {
        let largest = values.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        let s = exponent(largest);
        let small: Vec<f64> = values.iter().map(|x| scaled(*x, -s)).collect();
        let mut m = Moments::of(&small, claim.map(|c| scaled(c, -s)));
        m.mean = scaled(m.mean, s);
        m.min = values.iter().copied().fold(f64::INFINITY, f64::min);
        m.max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        m.scale_exp = s;
        m
    }

    fn of_with_nonfinite(values: &[f64], claim: Option<f64>) -> Moments {
        let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if finite.len() == values.len() {
            // The sum overflowed although every value is finite.
            return Moments::of_large(values, claim);
        }
        let mut m = Moments::of(&finite, claim);
        m.nonfinite = (values.len() - finite.len()) as u64;
        m
    }

    /// Merge `other` into `self` (Chan et al.): exact up to rounding, and
    /// deterministic when the merge order is fixed. Both sides are brought to
    /// the larger scale first, so nothing overflows.
    pub fn merge(&mut self, other: &Moments) {
        if other.n > 0 {
            if self.n == 0 {
                let nonfinite = self.nonfinite;
                *self = other.clone();
                self.nonfinite += nonfinite;
                return;
            }
            let s = self.scale_exp.max(other.scale_exp);
            let n = self.n + other.n;
            let (na, nb) = (self.n as f64, other.n as f64);
            // δ in units of 2^s: (other.mean − self.mean) / 2^s, without overflow.
            let delta = scaled(other.mean, -s) - scaled(self.mean, -s);
            let m2a = scaled(self.m2, 2 * (self.scale_exp - s));
            let m2b = scaled(other.m2, 2 * (other.scale_exp - s));
            self.mean = scaled(scaled(self.mean, -s) + delta * nb / n as f64, s);
            self.m2 = m2a + (m2b + delta * delta * na * nb / n as f64);
            self.scale_exp = s;
            self.n = n;
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
            self.positive += other.positive;
            self.meets_claim += other.meets_claim;
        }
        self.nonfinite += other.nonfinite;
    }

    /// Σ (x − mean)² in plain units (may overflow to ∞ for values beyond
    /// ~1e154; use [`Moments::sd`], which does not).
    pub fn sum_sq_dev(&self) -> f64 {
        scaled(self.m2, 2 * self.scale_exp)
    }

    /// Sample variance (n − 1 denominator); ∞ when it exceeds the double range.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            scaled(self.m2 / (self.n - 1) as f64, 2 * self.scale_exp)
        }
    }

    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            scaled((self.m2 / (self.n - 1) as f64).sqrt(), self.scale_exp)
        }
    }

    /// Monte Carlo standard error of the mean, sd/√n.
    pub fn mc_se(&self) -> f64 {
        self.sd() / (self.n as f64).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_chunks_equal_one_pass() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 37) % 101) as f64 * 0.5 - 10.0).collect();
        let whole = Moments::of(&xs, Some(5.0));
        let mut merged = Moments::default();
        for chunk in xs.chunks(64) {
            merged.merge(&Moments::of(chunk, Some(5.0)));
        }
        assert_eq!(merged.n, whole.n);
        assert!((merged.mean - whole.mean).abs() < 1e-12);
        assert!((merged.m2 - whole.m2).abs() < 1e-9 * whole.m2);
        assert_eq!(
            (merged.positive, merged.meets_claim, merged.min, merged.max),
            (whole.positive, whole.meets_claim, whole.min, whole.max)
        );
        let mean: f64 = xs.iter().sum::<f64>() / xs.len() as f64;
        let var: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((whole.variance() - var).abs() < 1e-9 * var);
    }

    #[test]
    fn nonfinite_values_are_counted_not_averaged() {
        let m = Moments::of(&[1.0, f64::NAN, 3.0, f64::INFINITY], None);
        assert_eq!((m.n, m.nonfinite, m.mean), (2, 2, 2.0));
        let mut a = Moments::of(&[f64::NAN], None);
        a.merge(&Moments::of(&[4.0], None));
        assert_eq!((a.n, a.nonfinite, a.mean), (1, 1, 4.0));
    }

    /// Values near 1e154 (squares overflow) and near 1.8e308 (sums
    /// overflow) still give a finite mean, sd and standard error, equal to
    /// those of the same values scaled down, scaled back up.
    #[test]
    fn huge_finite_values_give_finite_statistics() {
        for scale in [1e154, 1e300, 1.7e308 / 4.0] {
            let small: Vec<f64> = (0..3000).map(|i| 1.0 + ((i * 7919) % 1000) as f64 / 1000.0).collect();
            let big: Vec<f64> = small.iter().map(|x| x * scale).collect();
            let (mut s, mut b) = (Moments::default(), Moments::default());
            for (cs, cb) in small.chunks(1024).zip(big.chunks(1024)) {
                s.merge(&Moments::of(cs, None));
                b.merge(&Moments::of(cb, Some(1.5 * scale)));
            }
            assert!(
                b.mean.is_finite() && b.sd().is_finite() && b.mc_se().is_finite(),
                "{scale}: {b:?}"
            );
            assert!((b.mean / scale - s.mean).abs() < 1e-12 * s.mean, "{scale}");
            assert!((b.sd() / scale - s.sd()).abs() < 1e-9 * s.sd(), "{scale}");
            assert_eq!(b.meets_claim, small.iter().filter(|x| **x >= 1.5).count() as u64);
        }
        // Mixed magnitudes, either sign, merged with ordinary chunks.
        let mut m = Moments::of(&[1.0, 2.0, 3.0], None);
        m.merge(&Moments::of(&[-1.5e308, 1.5e308], None));
        assert_eq!(m.n, 5);
        assert!(m.mean.is_finite() && m.sd().is_finite());
        assert!((m.sd() - 1.5e308 * (2.0f64 / 4.0).sqrt()).abs() < 1e-6 * 1.5e308);
    }
}
