//! Mergeable running moments of one output: count, mean, M2 (Welford 1962;
//! merged with Chan, Golub & LeVeque 1979), min, max, and the counts behind
//! P(X > 0) and P(X ≥ claim). Non-finite values are counted, not averaged.

/// Running moments and counts. Merge in a fixed order for bit-identical results.
#[derive(Debug, Clone, PartialEq)]
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
        Moments { n: 0, mean: 0.0, m2: 0.0, min: f64::INFINITY, max: f64::NEG_INFINITY, positive: 0, meets_claim: 0, nonfinite: 0 }
    }
}

impl Moments {
    /// Moments of a slice, in one pass (Welford), skipping non-finite values.
    pub fn of(values: &[f64], claim: Option<f64>) -> Moments {
        let mut m = Moments::default();
        let threshold = claim.unwrap_or(f64::INFINITY);
        for &x in values {
            if !x.is_finite() {
                m.nonfinite += 1;
                continue;
            }
            m.n += 1;
            let delta = x - m.mean;
            m.mean += delta / m.n as f64;
            m.m2 += delta * (x - m.mean);
            m.min = m.min.min(x);
            m.max = m.max.max(x);
            m.positive += u64::from(x > 0.0);
            m.meets_claim += u64::from(x >= threshold);
        }
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
        if self.n < 2 { f64::NAN } else { self.m2 / (self.n - 1) as f64 }
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
        assert_eq!((merged.positive, merged.meets_claim, merged.min, merged.max), (whole.positive, whole.meets_claim, whole.min, whole.max));
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
