//! A Gaussian copula: rows of independent uniforms turned into rows whose
//! rank correlation is a target, one row at a time.
//!
//! Iman–Conover (`super::correlation`) correlates a whole chunk by reordering
//! its columns, so a row's values depend on the other rows. The Saltelli
//! design of Sobol indices needs the opposite: each row of a group's columns
//! drawn jointly on its own, so that the block can be swapped between the
//! matrices A and B row by row and still have the joint law. A Gaussian
//! copula does this (Nelsen 2006, *An Introduction to Copulas*, §2.9):
//!
//! ```text
//! z = Φ⁻¹(u)            (independent standard normals)
//! u' = Φ(L·z)           L·Lᵀ = P, the normal-score correlation
//! x_m = F_m⁻¹(u'_m)     (each member's quantile function, by the caller)
//! ```
//!
//! P = 2·sin(π·ρ_s/6) entry by entry, the conversion Iman–Conover uses too:
//! for normal scores with Pearson correlation ρ, Spearman's correlation is
//! (6/π)·arcsin(ρ/2) (Pearson 1907; Kruskal 1958), and ranks survive the
//! monotone maps Φ and F_m⁻¹, so the members' rank correlation is the target
//! whatever their marginals. Each u'_m is exactly uniform, so each marginal
//! is unchanged. A target that is not positive semi-definite is repaired as
//! for Iman–Conover (Higham 2002), with the same warning.

use nalgebra::DMatrix;

use super::correlation::{NormalScores, repair_warning};
use crate::error::Result;
use crate::special::{norm_cdf, norm_inv};

/// The largest f64 below 1: Φ rounds to 1 beyond z ≈ 8.3, and a quantile
/// function at 1 may be infinite.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// A Gaussian copula for a set of named inputs.
#[derive(Debug, Clone)]
pub struct GaussianCopula {
    /// The inputs, in matrix order.
    pub names: Vec<String>,
    /// The rank correlations imposed (after any repair).
    pub target: DMatrix<f64>,
    /// The rank correlations as written, when they had to be repaired.
    pub original: Option<DMatrix<f64>>,
    cholesky: DMatrix<f64>,
}

impl GaussianCopula {
    /// The copula with rank correlations `rank` (k × k, symmetric, unit
    /// diagonal, entries in [−1, 1], as a validated scenario gives them)
    /// between `names`.
    pub fn new(names: Vec<String>, rank: &DMatrix<f64>) -> Result<GaussianCopula> {
        let scores = NormalScores::new(rank.clone())?;
        Ok(GaussianCopula {
            names,
            target: scores.target,
            original: scores.original,
            cholesky: scores.cholesky,
        })
    }

    /// Number of inputs.
    pub fn dims(&self) -> usize {
        self.names.len()
    }

    /// A warning that describes a repair of the target, if there was one.
    pub fn repair_warning(&self) -> Option<String> {
        repair_warning(&self.names, self.original.as_ref(), &self.target)
    }

    /// Correlate, in place, the rows of `columns` (one column of uniforms in
    /// (0, 1) per input, in `names` order, all of the same length): row j
    /// becomes Φ(L·Φ⁻¹(u_j)). Each row is mapped on its own, so the result
    /// does not depend on how rows are split between threads.
    pub fn correlate(&self, columns: &mut [Vec<f64>]) {
        let k = self.dims();
        assert_eq!(columns.len(), k, "one column per input of the copula");
        let n = columns.first().map_or(0, Vec::len);
        let mut z = vec![0.0; k];
        for row in 0..n {
            for (zm, column) in z.iter_mut().zip(columns.iter()) {
                *zm = norm_inv(column[row]);
            }
            for (m, column) in columns.iter_mut().enumerate() {
                let mut correlated = 0.0;
                for (i, zi) in z.iter().enumerate().take(m + 1) {
                    correlated += self.cholesky[(m, i)] * zi;
                }
                column[row] = norm_cdf(correlated).clamp(f64::MIN_POSITIVE, BELOW_ONE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::uniform01;
    use crate::stats::spearman;
    use rand::SeedableRng;

    fn uniforms(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
        (0..k).map(|_| (0..n).map(|_| uniform01(&mut rng)).collect()).collect()
    }

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn the_identity_leaves_uniforms_unchanged() {
        let copula = GaussianCopula::new(names(3), &DMatrix::identity(3, 3)).unwrap();
        let before = uniforms(1000, 3, 1);
        let mut after = before.clone();
        copula.correlate(&mut after);
        for (x, y) in before.iter().flatten().zip(after.iter().flatten()) {
            assert!((x - y).abs() < 1e-14, "{x} -> {y}");
        }
        assert!(copula.repair_warning().is_none());
    }

    #[test]
    fn rank_correlations_reach_the_target_and_marginals_stay_uniform() {
        // n = 50,000: the standard error of a Spearman correlation is below
        // 1/√n ≈ 0.0045, so 4 standard errors is 0.018.
        let n = 50_000;
        let rank = DMatrix::from_row_slice(3, 3, &[1.0, 0.7, -0.3, 0.7, 1.0, 0.0, -0.3, 0.0, 1.0]);
        let copula = GaussianCopula::new(names(3), &rank).unwrap();
        let mut columns = uniforms(n, 3, 7);
        copula.correlate(&mut columns);
        for i in 0..3 {
            for j in i + 1..3 {
                let achieved = spearman(&columns[i], &columns[j]);
                assert!(
                    (achieved - rank[(i, j)]).abs() < 4.0 / (n as f64).sqrt(),
                    "x{i}–x{j}: {achieved} vs {}",
                    rank[(i, j)]
                );
            }
        }
        // Kolmogorov–Smirnov against U(0, 1), critical value 1.95/√n (α ≈ 0.001).
        for column in &columns {
            let mut sorted = column.clone();
            sorted.sort_by(f64::total_cmp);
            let d = sorted
                .iter()
                .enumerate()
                .map(|(i, &u)| {
                    (u - i as f64 / n as f64)
                        .abs()
                        .max(((i + 1) as f64 / n as f64 - u).abs())
                })
                .fold(0.0, f64::max);
            assert!(d < 1.95 / (n as f64).sqrt(), "KS {d}");
            assert!(sorted[0] > 0.0 && sorted[n - 1] < 1.0);
        }
    }

    #[test]
    fn extreme_points_stay_inside_the_unit_interval() {
        let rank = DMatrix::from_row_slice(2, 2, &[1.0, 0.99, 0.99, 1.0]);
        let copula = GaussianCopula::new(names(2), &rank).unwrap();
        let tiny = 0.5 / 4_294_967_296.0;
        let mut columns = vec![vec![1.0 - tiny, tiny], vec![1.0 - tiny, tiny]];
        copula.correlate(&mut columns);
        for u in columns.iter().flatten() {
            assert!(*u > 0.0 && *u < 1.0 && norm_inv(*u).is_finite(), "{u}");
        }
    }

    #[test]
    fn an_impossible_target_is_repaired_with_a_warning() {
        let rank = DMatrix::from_row_slice(3, 3, &[1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0]);
        let copula = GaussianCopula::new(names(3), &rank).unwrap();
        let warning = copula.repair_warning().expect("repaired");
        assert!(warning.contains("x0–x1: 0.9000 ->"), "{warning}");
    }
}
