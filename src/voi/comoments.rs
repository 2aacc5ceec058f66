//! Mergeable running means and co-moments of a small vector (the
//! incremental net benefits of the options, and for EVPI their maximum):
//! the multivariate form of `stats::Moments`.
//!
//! For a block of rows x₁ … x_n (each a vector of `dim` numbers) it keeps
//! n, the mean vector x̄ and the co-moment matrix C = Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ.
//! Two blocks merge exactly (up to rounding) by Chan, Golub & LeVeque (1979):
//!
//! ```text
//! n = n_a + n_b,  δ = x̄_b − x̄_a,  x̄ = x̄_a + δ·n_b/n,  C = C_a + C_b + δδᵀ·n_a·n_b/n
//! ```
//!
//! so merging chunk summaries in a fixed order is deterministic. A block's
//! mean is computed as x₁ + Σ(xᵢ − x₁)/n, so a constant column has exactly
//! its value as mean and exactly zero co-moments: a constant net benefit
//! then gives a value of information of exactly zero.

use serde::{Deserialize, Serialize};

/// n, means and co-moments of a vector-valued sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CoMoments {
    /// Number of rows.
    pub n: u64,
    /// Mean of each component.
    pub mean: Vec<f64>,
    /// Σ (x − x̄)(x − x̄)ᵀ, row-major, `dim × dim`.
    pub comoment: Vec<f64>,
}

impl CoMoments {
    /// An empty summary of vectors of `dim` components.
    pub fn empty(dim: usize) -> CoMoments {
        CoMoments {
            n: 0,
            mean: vec![0.0; dim],
            comoment: vec![0.0; dim * dim],
        }
    }

    /// Number of components.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Check a summary read from a file: `dim` components, a `dim × dim`
    /// co-moment matrix, and no NaN (a summary of finite rows has none).
    /// Returns what is wrong.
    pub fn check(&self, dim: usize) -> Result<(), String> {
        if self.mean.len() != dim || self.comoment.len() != dim * dim {
            return Err(format!(
                "co-moments of {} means and {} products, not {dim} and {}",
                self.mean.len(),
                self.comoment.len(),
                dim * dim
            ));
        }
        if self.mean.iter().chain(&self.comoment).any(|x| x.is_nan()) {
            return Err("NaN in the means or co-moments, which sums of finite values never give".into());
        }
        Ok(())
    }

    /// Summary of the rows `rows` of `data`, a row-major table with `dim`
    /// columns. Two passes: the mean (shifted by the first row), then the
    /// centred products.
    pub fn of_rows(dim: usize, data: &[f64], rows: &[usize]) -> CoMoments {
        let mut m = CoMoments::empty(dim);
        let Some(&first) = rows.first() else {
            return m;
        };
        let shift = &data[first * dim..(first + 1) * dim];
        let mut sum = vec![0.0; dim];
        for &r in rows {
            let x = &data[r * dim..(r + 1) * dim];
            for c in 0..dim {
                sum[c] += x[c] - shift[c];
            }
        }
        let n = rows.len();
        for c in 0..dim {
            m.mean[c] = shift[c] + sum[c] / n as f64;
        }
        let mut centred = vec![0.0; dim];
        for &r in rows {
            let x = &data[r * dim..(r + 1) * dim];
            for c in 0..dim {
                centred[c] = x[c] - m.mean[c];
            }
            for a in 0..dim {
                for b in 0..dim {
                    m.comoment[a * dim + b] += centred[a] * centred[b];
                }
            }
        }
        m.n = n as u64;
        m
    }

    /// Merge `other` into `self` (Chan et al. 1979).
    pub fn merge(&mut self, other: &CoMoments) {
        debug_assert_eq!(self.dim(), other.dim(), "co-moments of different sizes");
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = other.clone();
            return;
        }
        let dim = self.dim();
        let n = self.n + other.n;
        let (na, nb) = (self.n as f64, other.n as f64);
        let delta: Vec<f64> = (0..dim).map(|c| other.mean[c] - self.mean[c]).collect();
        let weight = na * nb / n as f64;
        for (mean, d) in self.mean.iter_mut().zip(&delta) {
            *mean += d * nb / n as f64;
        }
        for a in 0..dim {
            for b in 0..dim {
                self.comoment[a * dim + b] += other.comoment[a * dim + b] + delta[a] * delta[b] * weight;
            }
        }
        self.n = n;
    }

    /// Mean of the difference x[a] − x[b] (an index of `None` stands for a
    /// component that is always zero: the reference option).
    pub fn mean_difference(&self, a: Option<usize>, b: Option<usize>) -> f64 {
        let at = |i: Option<usize>| i.map_or(0.0, |i| self.mean[i]);
        at(a) - at(b)
    }

    /// Σ over rows of (d − d̄)², for d = x[a] − x[b]:
    /// C_aa − 2·C_ab + C_bb (`None` as in [`CoMoments::mean_difference`]).
    pub fn squares_of_difference(&self, a: Option<usize>, b: Option<usize>) -> f64 {
        let dim = self.dim();
        let c = |i: Option<usize>, j: Option<usize>| match (i, j) {
            (Some(i), Some(j)) => self.comoment[i * dim + j],
            _ => 0.0,
        };
        (c(a, a) - 2.0 * c(a, b) + c(b, b)).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(n: usize) -> Vec<f64> {
        (0..n)
            .flat_map(|i| {
                let x = ((i * 37) % 101) as f64 * 0.5 - 10.0;
                [x, 3.0 * x + ((i * 13) % 7) as f64, 1e6 + x]
            })
            .collect()
    }

    #[test]
    fn merged_blocks_equal_one_pass() {
        let data = table(1000);
        let all: Vec<usize> = (0..1000).collect();
        let whole = CoMoments::of_rows(3, &data, &all);
        let mut merged = CoMoments::empty(3);
        for block in all.chunks(97) {
            merged.merge(&CoMoments::of_rows(3, &data, block));
        }
        assert_eq!(merged.n, whole.n);
        for c in 0..3 {
            assert!((merged.mean[c] - whole.mean[c]).abs() <= 1e-12 * whole.mean[c].abs().max(1.0));
        }
        for (a, b) in merged.comoment.iter().zip(&whole.comoment) {
            assert!((a - b).abs() <= 1e-10 * b.abs().max(1.0), "{a} vs {b}");
        }
        // By hand: the variance of column 0 and its covariance with column 2.
        let xs: Vec<f64> = (0..1000).map(|i| data[3 * i]).collect();
        let mean = xs.iter().sum::<f64>() / 1000.0;
        let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
        assert!((whole.comoment[0] - ss).abs() < 1e-9 * ss);
        assert!((whole.comoment[2] - ss).abs() < 1e-9 * ss);
    }

    #[test]
    fn constant_columns_are_exact() {
        let data = vec![0.1; 3 * 500];
        let rows: Vec<usize> = (0..500).collect();
        let mut m = CoMoments::empty(3);
        for block in rows.chunks(33) {
            m.merge(&CoMoments::of_rows(3, &data, block));
        }
        assert_eq!(m.mean, vec![0.1; 3]);
        assert!(m.comoment.iter().all(|c| *c == 0.0));
    }

    #[test]
    fn differences_against_the_reference() {
        let data = vec![1.0, 4.0, 3.0, 8.0];
        let m = CoMoments::of_rows(2, &data, &[0, 1]);
        // rows (1, 4) and (3, 8): d = x0 − x1 is −3, −5.
        assert_eq!(m.mean_difference(Some(0), Some(1)), -4.0);
        assert_eq!(m.squares_of_difference(Some(0), Some(1)), 2.0);
        assert_eq!(m.mean_difference(Some(1), None), 6.0);
        assert_eq!(m.squares_of_difference(None, Some(1)), 8.0);
        assert_eq!(m.squares_of_difference(None, None), 0.0);
    }
}
