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
//! [`VoiState::append`]. A state read from a file is user input: before it
//! is joined or finished, `VoiPlan::check_state` compares its every size and count with the
//! plan's, so that a damaged or foreign state is an error, never a panic
//! or a silently wrong result.

use serde::{Deserialize, Serialize};

use super::{BinnedEvppi, EvpiAccumulator};
use crate::chunk::{Merge, Reduction, chunk_count, first_iteration};
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

    /// Check a state read from a file against `shape`, the plan's, as the
    /// state of chunks `first..end`: the run's n and R; the tree's blocks
    /// aligned and covering exactly those chunks; in every block, EVPI, one
    /// binned accumulator per parameter (the plan's bins) and one EVPI per
    /// sweep value, each of the right sizes, without NaN, and counting
    /// exactly the block's draws; and the regression rows, one column per
    /// input and the net benefit, each holding exactly the range's rows
    /// among the run's first R. Returns what is wrong.
    pub(crate) fn check(&self, shape: &Shape<'_>, (first, end): (u64, u64)) -> std::result::Result<(), String> {
        if self.iterations != shape.iterations || self.regression_cap != shape.regression_cap {
            return Err(format!(
                "a state of n = {} with a regression sample of {}, not n = {} and {}",
                self.iterations, self.regression_cap, shape.iterations, shape.regression_cap
            ));
        }
        if first > end || end > chunk_count(self.iterations) {
            return Err(format!(
                "chunks {first}..{end} are not chunks of a run of {} iterations",
                self.iterations
            ));
        }
        self.sums.check_shape()?;
        let range = self.sums.range();
        if range != Some((first, end)).filter(|_| first < end) {
            return Err(format!("its sums cover chunks {range:?}, not {first}..{end}"));
        }
        let iterations = |chunk: u64| first_iteration(chunk).min(self.iterations);
        for ((a, b), block) in self.sums.blocks() {
            let draws = iterations(b) - iterations(a);
            let at = |e: String| format!("chunks {a}..{b}: {e}");
            block.evpi.check(1, draws).map_err(at)?;
            if block.binned.len() != shape.templates.len() || block.sweep.len() != shape.sweep {
                return Err(at(format!(
                    "{} parameters and {} sweep values, not {} and {}",
                    block.binned.len(),
                    block.sweep.len(),
                    shape.templates.len(),
                    shape.sweep
                )));
            }
            for (acc, template) in block.binned.iter().zip(shape.templates) {
                acc.check(template, draws).map_err(at)?;
            }
            for acc in &block.sweep {
                acc.check(1, draws).map_err(at)?;
            }
        }
        if self.rows.len() != shape.columns {
            return Err(format!(
                "{} columns of regression rows, not {}",
                self.rows.len(),
                shape.columns
            ));
        }
        let kept = |chunk: u64| iterations(chunk).min(self.regression_cap);
        let expected = kept(end) - kept(first);
        if let Some(column) = self.rows.iter().find(|c| c.len() as u64 != expected) {
            return Err(format!(
                "a column of regression rows holds {} values where chunks {first}..{end} hold {expected}",
                column.len()
            ));
        }
        Ok(())
    }
}

/// What the state of a plan looks like: the sizes [`VoiState::check`]
/// compares a state with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape<'a> {
    /// n.
    pub iterations: u64,
    /// R (0 without groups).
    pub regression_cap: u64,
    /// Columns of regression rows: one per regression input, then the net benefit.
    pub columns: usize,
    /// An empty binned accumulator per parameter analysed.
    pub templates: &'a [BinnedEvppi],
    /// Values of the sweep (0 without one).
    pub sweep: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::{CHUNK_SIZE, chunk_len};

    const N: u64 = 3000; // chunks 0..3, the last of 952 draws
    const R: u64 = 1500;

    fn template() -> BinnedEvppi {
        BinnedEvppi::new(vec![0.0], 1).unwrap()
    }

    /// The shape of the states `state` builds: n = N, R rows of 2 columns,
    /// one sweep value, one parameter per template.
    fn shape(templates: &[BinnedEvppi]) -> Shape<'_> {
        Shape {
            iterations: N,
            regression_cap: R,
            columns: 2,
            templates,
            sweep: 1,
        }
    }

    /// A chunk's sums: `draws` values of θ and NB, and the chunk's first R rows.
    fn chunk(index: u64, draws: usize) -> (ChunkVoi, Option<Vec<Vec<f64>>>) {
        let theta: Vec<f64> = (0..draws).map(|i| (i as f64 * 0.37).sin()).collect();
        let nb: Vec<f64> = theta.iter().map(|t| 10.0 * t + 1.0).collect();
        let mut evpi = EvpiAccumulator::new(1);
        evpi.add(&[&nb]);
        let mut binned = template();
        binned.add(first_iteration(index), &theta, &[&nb]);
        let first = first_iteration(index);
        let rows = (first < R).then(|| {
            let keep = draws.min((R - first) as usize);
            vec![theta[..keep].to_vec(), nb[..keep].to_vec()]
        });
        let sums = ChunkVoi {
            evpi: evpi.clone(),
            binned: vec![binned],
            sweep: vec![evpi],
        };
        (sums, rows)
    }

    fn state(first: u64, end: u64) -> VoiState {
        let mut state = VoiState::new(N, R, 2);
        for k in first..end {
            let (sums, rows) = chunk(k, chunk_len(N, k));
            state.push_chunk(k, sums, rows);
        }
        state
    }

    #[test]
    fn states_of_any_range_pass_and_join_into_the_whole() {
        let templates = [template()];
        let shape = shape(&templates);
        for (a, b) in [(0, 3), (0, 1), (1, 3), (2, 3), (3, 3)] {
            assert_eq!(state(a, b).check(&shape, (a, b)), Ok(()), "{a}..{b}");
        }
        let mut joined = state(0, 1);
        joined.append(state(1, 3)).unwrap();
        assert_eq!(joined, state(0, 3));
        assert_eq!(CHUNK_SIZE, 1024, "the counts below assume chunks of 1024");
    }

    #[test]
    fn a_state_of_another_shape_is_refused() {
        let templates = [template()];
        let shape = shape(&templates);
        let refused = |state: &VoiState, chunks: (u64, u64)| state.check(&shape, chunks).unwrap_err();
        assert!(refused(&state(0, 2), (0, 3)).contains("cover chunks"));
        assert!(refused(&state(1, 3), (0, 3)).contains("cover chunks"));
        assert!(refused(&state(0, 3), (0, 4)).contains("not chunks of a run"));
        // A chunk that counts fewer draws than it holds.
        let mut short = VoiState::new(N, R, 2);
        let (sums, rows) = chunk(0, 1000);
        short.push_chunk(0, sums, rows);
        assert!(refused(&short, (0, 1)).contains("not 1024 in all"));
        // Regression rows: a column too short, a column too many.
        let mut rows = state(0, 3);
        rows.rows[1].pop();
        assert!(refused(&rows, (0, 3)).contains("1499 values"));
        let mut rows = state(0, 3);
        rows.rows.push(Vec::new());
        assert!(refused(&rows, (0, 3)).contains("3 columns"));
        // Another n, another R; another number of parameters or sweep values.
        let mut other = state(0, 3);
        other.iterations = N + 1;
        assert!(refused(&other, (0, 3)).contains("n = 3001"));
        let mut other = state(0, 3);
        other.regression_cap = R - 1;
        assert!(refused(&other, (0, 3)).contains("regression sample"));
        let mut more = VoiState::new(N, R, 2);
        let (mut sums, rows) = chunk(2, chunk_len(N, 2));
        sums.sweep.push(sums.evpi.clone());
        more.push_chunk(2, sums, rows);
        assert!(refused(&more, (2, 3)).contains("2 sweep values"));
        let other_bins = [BinnedEvppi::new(vec![0.5], 1).unwrap()];
        let shape = Shape {
            templates: &other_bins,
            ..shape
        };
        assert!(
            state(0, 3)
                .check(&shape, (0, 3))
                .unwrap_err()
                .contains("bin boundaries")
        );
    }
}
