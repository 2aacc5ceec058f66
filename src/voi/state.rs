//! What a value-of-information run has accumulated over a range of chunks
//! ([`VoiState`]), and how the states of adjacent ranges join.
//!
//! - The sums behind EVPI, each parameter's binned EVPPI and each value of
//!   a sweep ([`ChunkVoi`]) are kept per chunk and merged along the fixed
//!   binary tree over chunk indices of [`Reduction`], so the result depends
//!   only on the chunks, never on threads or on how a run is cut into
//!   ranges (shards).
//! - The regression of a group needs the draws themselves: the state keeps
//!   the run's first R rows (iterations 0 … R − 1) of the groups' inputs
//!   and of the net benefit, in iteration order. A range that starts at or
//!   beyond row R keeps none; joining ranges concatenates them.
//!
//! The state is serde-serialisable, like `engine::RunState`, so that the
//! ranges of one run can be computed apart and joined with
//! [`VoiState::append`].

use serde::{Deserialize, Serialize};

use super::{BinnedEvppi, EvpiAccumulator};
use crate::chunk::{Merge, Reduction};
use crate::error::{Error, Result};

/// The value-of-information sums of one chunk, or of an aligned block of
/// chunks once merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkVoi {
    /// EVPI of the metric.
    pub evpi: EvpiAccumulator,
    /// Binned EVPPI, one per parameter analysed.
    pub binned: Vec<BinnedEvppi>,
    /// EVPI (with the mean and P(NB > 0)) at each value of the sweep.
    pub sweep: Vec<EvpiAccumulator>,
}

impl Merge for ChunkVoi {
    fn merge(&mut self, right: &Self) {
        self.evpi.merge(&right.evpi);
        for (mine, theirs) in self.binned.iter_mut().zip(&right.binned) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.sweep.iter_mut().zip(&right.sweep) {
            mine.merge(theirs);
        }
    }
}

/// Everything a value-of-information run accumulated over a contiguous
/// range of chunks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiState {
    /// Iterations of the whole run (not only of this range).
    iterations: u64,
    /// R: the regression uses the run's first R rows.
    regression_cap: u64,
    sums: Reduction<ChunkVoi>,
    /// The range's rows among the run's first R, one column per regression
    /// input and then the net benefit.
    rows: Vec<Vec<f64>>,
}

impl VoiState {
    /// An empty state for a run of `iterations` whose regression uses the
    /// first `regression_cap` rows of `columns` columns.
    pub(crate) fn new(iterations: u64, regression_cap: u64, columns: usize) -> VoiState {
        VoiState {
            iterations,
            regression_cap,
            sums: Reduction::default(),
            rows: vec![Vec::new(); columns],
        }
    }

    /// Iterations of the whole run.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// The chunks covered, `first..end` (`None` when empty).
    pub fn chunk_range(&self) -> Option<(u64, u64)> {
        self.sums.range()
    }

    /// Add chunk `index`'s sums and, while the run is within its first R
    /// rows, the chunk's regression rows (chunks arrive in order).
    pub(crate) fn push_chunk(&mut self, index: u64, sums: ChunkVoi, rows: Option<Vec<Vec<f64>>>) {
        self.sums.push(index, sums);
        if let Some(columns) = rows {
            for (all, part) in self.rows.iter_mut().zip(columns) {
                all.extend_from_slice(&part);
            }
        }
    }

    /// Join `next`, the state of the chunks that directly follow this one's.
    pub fn append(&mut self, next: VoiState) -> Result<()> {
        if let (Some((_, end)), Some((first, _))) = (self.chunk_range(), next.chunk_range())
            && end != first
        {
            return Err(Error::Config(format!(
                "value-of-information states cover chunks ..{end} and {first}.., which do not meet"
            )));
        }
        if self.iterations != next.iterations
            || self.regression_cap != next.regression_cap
            || self.rows.len() != next.rows.len()
        {
            return Err(Error::Config(
                "the value-of-information states belong to different runs".into(),
            ));
        }
        self.sums.append(next.sums);
        for (all, part) in self.rows.iter_mut().zip(next.rows) {
            all.extend(part);
        }
        Ok(())
    }

    /// The sums over the whole range (`None` when empty).
    pub(crate) fn total(&self) -> Option<ChunkVoi> {
        self.sums.total()
    }

    /// The regression rows held: one column per regression input, then the
    /// net benefit.
    pub(crate) fn rows(&self) -> &[Vec<f64>] {
        &self.rows
    }
}
