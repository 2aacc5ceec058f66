//! Sums over bootstrap resamples, as one matrix product.
//!
//! An estimator built from sums over rows, Σ_j q_p(j) for a few per-row
//! quantities q_1..q_P, has on a bootstrap resample the sums
//!
//! ```text
//! S_rp = Σ_j w_rj · q_p(j),
//! ```
//!
//! where w_rj is how many times row j was drawn into resample r (the
//! multiplicities of n draws with replacement; Efron & Tibshirani 1993, *An
//! Introduction to the Bootstrap*, ch. 6). So every resample's sums are
//! the product S = W·Q of the B × n multiplicity matrix and the n × P
//! matrix of quantities. Computed that way, Q is read in order once per
//! block of resamples instead of gathered row by row for each resample,
//! which is what made the bootstrap of Sobol indices the slow part of an
//! analysis.
//!
//! Determinism: each resample draws from its own random stream, and each
//! S_rp is accumulated over j in ascending order, one lane per (r, p), so the
//! result is the same bit for bit for any thread count, block size or vector
//! width.

use rand::RngExt;
use rayon::prelude::*;

use crate::sampling::{Purpose, purpose_rng};

/// Resamples computed together: their multiplicities and partial sums stay
/// in cache while Q streams past.
const BLOCK: usize = 16;

/// Per-row quantities of an estimator: `rows` rows of `width` values, row-major.
#[derive(Debug, Clone)]
pub struct RowQuantities {
    width: usize,
    values: Vec<f64>,
}

impl RowQuantities {
    /// An empty table of `width` quantities per row.
    pub fn new(width: usize) -> Self {
        RowQuantities {
            width,
            values: Vec::new(),
        }
    }

    /// Append one row (`row.len()` must equal the width).
    pub fn push(&mut self, row: &[f64]) {
        assert_eq!(row.len(), self.width, "row width");
        self.values.extend_from_slice(row);
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.width).unwrap_or(0)
    }

    /// Quantities per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The column sums over all rows (the full sample's sums).
    pub fn sums(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.width];
        for row in self.values.chunks_exact(self.width.max(1)) {
            for (s, q) in sums.iter_mut().zip(row) {
                *s += q;
            }
        }
        sums
    }

    /// The sums S_r· of `resamples` bootstrap resamples: resample r draws
    /// `rows()` row indices uniformly with replacement (`random_range`, exact)
    /// from stream
    /// `first_stream + r` of [`Purpose::Bootstrap`] under `seed`. Returns
    /// `resamples` rows of `width` sums.
    pub fn resampled_sums(&self, resamples: usize, seed: u64, first_stream: u64) -> Vec<Vec<f64>> {
        let n = self.rows();
        let width = self.width;
        if n == 0 {
            return vec![vec![0.0; width]; resamples];
        }
        let blocks: Vec<usize> = (0..resamples).step_by(BLOCK).collect();
        blocks
            .into_par_iter()
            .flat_map_iter(|start| {
                let size = BLOCK.min(resamples - start);
                // Multiplicities, row-major by data row: w[j·size + r].
                let mut w = vec![0.0f64; n * size];
                let mut counts = vec![0u32; n];
                for r in 0..size {
                    let mut rng = purpose_rng(seed, Purpose::Bootstrap, first_stream + (start + r) as u64);
                    counts.fill(0);
                    for _ in 0..n {
                        counts[rng.random_range(0..n)] += 1;
                    }
                    for (j, &c) in counts.iter().enumerate() {
                        w[j * size + r] = f64::from(c);
                    }
                }
                let mut sums = vec![0.0f64; size * width];
                for (q_row, w_row) in self.values.chunks_exact(width.max(1)).zip(w.chunks_exact(size)) {
                    for (acc, &weight) in sums.chunks_exact_mut(width.max(1)).zip(w_row) {
                        for (s, q) in acc.iter_mut().zip(q_row) {
                            *s += weight * q;
                        }
                    }
                }
                sums.chunks_exact(width.max(1))
                    .map(<[f64]>::to_vec)
                    .collect::<Vec<_>>()
                    .into_iter()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same draws, gathered one by one: the definition of a resample.
    fn gathered(q: &RowQuantities, resamples: usize, seed: u64, first: u64) -> Vec<Vec<f64>> {
        let n = q.rows();
        (0..resamples)
            .map(|r| {
                let mut rng = purpose_rng(seed, Purpose::Bootstrap, first + r as u64);
                let mut counts = vec![0u64; n];
                for _ in 0..n {
                    counts[rng.random_range(0..n)] += 1;
                }
                let mut sums = vec![0.0; q.width()];
                for (j, &c) in counts.iter().enumerate() {
                    for (p, s) in sums.iter_mut().enumerate() {
                        *s += c as f64 * q.values[j * q.width() + p];
                    }
                }
                sums
            })
            .collect()
    }

    fn table(rows: usize, width: usize) -> RowQuantities {
        let mut q = RowQuantities::new(width);
        for j in 0..rows {
            let row: Vec<f64> = (0..width).map(|p| ((j * 31 + p * 7) % 97) as f64 / 7.0 - 3.0).collect();
            q.push(&row);
        }
        q
    }

    #[test]
    fn equals_the_resamples_drawn_one_by_one() {
        // A size that leaves a partial block.
        let q = table(1000 + 37, 5);
        let fast = q.resampled_sums(BLOCK + 3, 11, 40);
        let slow = gathered(&q, BLOCK + 3, 11, 40);
        assert_eq!(fast, slow);
    }

    #[test]
    fn every_resample_has_n_draws_and_the_same_on_any_thread_count() {
        let mut q = RowQuantities::new(1);
        for _ in 0..1000 {
            q.push(&[1.0]);
        }
        let sums = q.resampled_sums(40, 3, 0);
        assert!(sums.iter().all(|s| s == &[1000.0]));
        let q = table(3000, 4);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| q.resampled_sums(50, 9, 7));
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| q.resampled_sums(50, 9, 7));
        assert_eq!(one, three);
    }

    #[test]
    fn full_sample_sums() {
        let q = table(10, 3);
        let expected: Vec<f64> = (0..3).map(|p| (0..10).map(|j| q.values[j * 3 + p]).sum()).collect();
        assert_eq!(q.sums(), expected);
    }
}
