//! Mergeable running moments of one output: count, mean, M2 (Welford 1962;
//! merged with Chan, Golub & LeVeque 1979), min, max, and the counts behind
//! P(X > 0) and P(X ≥ claim). Non-finite values are counted, not averaged.

/// Running moments and counts. Merge in a fixed order for bit-identical results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Moments {
    /// Number of finite values.
    pub n: u64,
    /// Their mean.
    pub mean: f64,
    /// Σ (x − mean)².
    pub m2: f64,
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
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            positive: 0,
            meets_claim: 0,
            nonfinite: 0,
        }
    }
}

impl Moments {
    /// Moments of a slice (one chunk), skipping non-finite values. Two
    /// passes, mean then Σ(x − mean)², which is as accurate as Welford's
    /// update for a slice and needs no division per value.
    pub fn of(values: &[f64], claim: Option<f64>) -> Moments {
        let sum: f64 = values.iter().sum();
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
        m.mean = sum / n as f64;
        let (mut min, mut max) = (values[0], values[0]);
        let (mut positive, mut meets, mut m2) = (0u64, 0u64, 0.0);
        for &x in values {
            min = if x < min { x } else { min };
            max = if x > max { x } else { max };
            positive += u64::from(x > 0.0);
            meets += u64::from(x >= threshold);
            m2 += (x - m.mean) * (x - m.mean);
        }
        m.min = min;
        m.max = max;
        m.positive = positive;
        m.meets_claim = meets;
        m.m2 = m2;
        m
    }

    fn of_with_nonfinite(values: &[f64], claim: Option<f64>) -> Moments {
        let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let mut m = if finite.len() == values.len() {
            // The sum overflowed although every value is finite: fall back to Welford.
            let mut m = Moments::default();
            for &x in values {
                m.merge(&Moments::of(&[x], claim));
            }
            return m;
        } else {
            Moments::of(&finite, claim)
        };
        m.nonfinite = (values.len() - finite.len()) as u64;
        m
    }

    /// Merge `other` into `self` (Chan et al.): exact up to rounding, and
    /// deterministic when the merge order is fixed.
    pub fn merge(&mut self, other: &Moments) {
        if other.n > 0 {
            if self.n == 0 {
                let nonfinite = self.nonfinite;
                *self = other.clone();
                self.nonfinite += nonfinite;
                return;
            }
            let n = self.n + other.n;
            let delta = other.mean - self.mean;
            let (na, nb) = (self.n as f64, other.n as f64);
            self.mean += delta * nb / n as f64;
            self.m2 += other.m2 + delta * delta * na * nb / n as f64;
            self.n = n;
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
            self.positive += other.positive;
            self.meets_claim += other.meets_claim;
        }
        self.nonfinite += other.nonfinite;
    }

    /// Sample variance (n − 1 denominator).
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }

    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
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
}
