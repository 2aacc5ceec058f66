//! What a run has accumulated over a range of chunks ([`RunState`]), and how
//! the states of adjacent ranges join into the state of their union.
//!
//! Every piece merges exactly:
//!
//! - per-chunk moments go into a [`Reduction`], a fixed binary tree over
//!   chunk indices, so the floating-point result depends only on the chunks,
//!   never on threads, waves or how the run was cut into shards;
//! - sketches and counts are integers, whose sums do not depend on order;
//! - convergence checkpoints inside a range that does not start at chunk 0
//!   are kept as partial prefixes (the moments and sketches from the range's
//!   start to the checkpoint) and completed when the ranges before them are
//!   joined on.
//!
//! A single run is the state of chunks 0..n, finished into a [`RunResult`];
//! a run cut into shards is the same state assembled from pieces, and so
//! gives the same bits.

use serde::{Deserialize, Serialize};

use super::{AchievedCorrelation, Checkpoint, RunResult};
use crate::chunk::{CHUNK_SIZE, Merge, Reduction, chunk_count, first_iteration};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::sampling::{Design, Sampler};
use crate::stats::{
    Moments, OutputStats, RELATIVE_ACCURACY, SUMMARY_PROBS, Sketch, quantile_with_interval, spearman, summarise,
};

/// The moments of every output over one chunk or a block of chunks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkStats {
    /// One per model output, in `Model::outputs` order.
    pub outputs: Vec<Moments>,
}

impl Merge for ChunkStats {
    fn merge(&mut self, right: &Self) {
        for (mine, theirs) in self.outputs.iter_mut().zip(&right.outputs) {
            mine.merge(theirs);
        }
    }
}

/// A convergence checkpoint after `iterations` iterations of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum CheckpointState {
    /// The rows of convergence.csv, one per metric (the range starts at chunk 0).
    Done(Vec<Checkpoint>),
    /// The range starts later: its moments and metric sketches from the
    /// range's start to the checkpoint, to be completed by the ranges before.
    Partial {
        iterations: u64,
        moments: Reduction<ChunkStats>,
        sketches: Vec<Sketch>,
    },
}

/// Everything a run accumulated over a contiguous range of chunks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    /// Iterations of the whole run (not only of this range).
    iterations: u64,
    /// Metrics among the outputs (the rest are domains).
    n_metrics: usize,
    moments: Reduction<ChunkStats>,
    /// One per output: counts over the range.
    sketches: Vec<Sketch>,
    /// Iterations in which some metric was not finite.
    nonfinite_iterations: u64,
    /// Correlated input columns over the range's part of the first
    /// [`SPEARMAN_CHUNKS`] chunks.
    correlated: Vec<Vec<f64>>,
    checkpoints: Vec<CheckpointState>,
    /// With a precision target: where it was reached.
    converged_at: Option<u64>,
}

/// Chunks over which achieved rank correlations are measured.
pub const SPEARMAN_CHUNKS: u64 = 100;

impl RunState {
    /// An empty state for a run of `iterations` of `model` (`n_correlated`
    /// correlated inputs).
    pub(crate) fn new(iterations: u64, model: &Model, n_correlated: usize) -> RunState {
        RunState {
            iterations,
            n_metrics: model.n_metrics,
            moments: Reduction::default(),
            sketches: vec![Sketch::default(); model.outputs.len()],
            nonfinite_iterations: 0,
            correlated: vec![Vec::new(); n_correlated],
            checkpoints: Vec::new(),
            converged_at: None,
        }
    }

    /// Iterations of the whole run.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// The chunks covered, `first..end` (`None` when empty).
    pub fn chunk_range(&self) -> Option<(u64, u64)> {
        self.moments.range()
    }

    /// Add chunk `index`'s results (chunks arrive in order).
    pub(crate) fn push_chunk(
        &mut self,
        index: u64,
        stats: ChunkStats,
        nonfinite_rows: u64,
        correlated: Option<Vec<Vec<f64>>>,
    ) {
        self.moments.push(index, stats);
        self.nonfinite_iterations += nonfinite_rows;
        if let Some(columns) = correlated {
            for (all, part) in self.correlated.iter_mut().zip(columns) {
                all.extend_from_slice(&part);
            }
        }
    }

    /// The moments of every output so far.
    pub(crate) fn total(&self) -> Option<ChunkStats> {
        self.moments.total()
    }

    /// Record a checkpoint after `iterations` iterations of the run, with
    /// `sketches` the metric sketches of the range so far.
    pub(crate) fn checkpoint(&mut self, iterations: u64, sketches: Vec<Sketch>) {
        let starts_at_zero = self.moments.range().is_some_and(|(first, _)| first == 0);
        let state = if starts_at_zero {
            let total = self.total().expect("a checkpoint follows at least one chunk");
            CheckpointState::Done(rows(iterations, &total, &sketches))
        } else {
            CheckpointState::Partial {
                iterations,
                moments: self.moments.clone(),
                sketches,
            }
        };
        self.checkpoints.push(state);
    }

    /// Mark where a precision target was reached.
    pub(crate) fn converged(&mut self, at: u64) {
        self.converged_at = Some(at);
    }

    /// Add a worker's (or a later range's) sketches. The first are moved in
    /// rather than merged into empty ones, so the peak memory holds one copy
    /// fewer.
    pub(crate) fn add_sketches(&mut self, sketches: Vec<Sketch>) {
        if self.sketches.iter().all(|s| s.count() == 0) {
            self.sketches = sketches;
            return;
        }
        for (mine, theirs) in self.sketches.iter_mut().zip(&sketches) {
            mine.merge(theirs);
        }
    }

    /// Join `next`, the state of the chunks that directly follow this one's.
    pub fn append(&mut self, next: RunState) -> Result<()> {
        let (mine, theirs) = (self.chunk_range(), next.chunk_range());
        if let (Some((_, end)), Some((first, _))) = (mine, theirs)
            && end != first
        {
            return Err(Error::Config(format!(
                "states cover chunks ..{end} and {first}.., which do not meet"
            )));
        }
        if self.iterations != next.iterations || self.sketches.len() != next.sketches.len() {
            return Err(Error::Config("the states belong to different runs".into()));
        }
        for checkpoint in next.checkpoints {
            let joined = match checkpoint {
                CheckpointState::Partial {
                    iterations,
                    moments,
                    sketches,
                } => {
                    let mut prefix = self.moments.clone();
                    prefix.append(moments);
                    let mut merged: Vec<Sketch> = self.sketches[..self.n_metrics].to_vec();
                    for (m, s) in merged.iter_mut().zip(&sketches) {
                        m.merge(s);
                    }
                    if prefix.range().is_some_and(|(first, _)| first == 0) {
                        let total = prefix.total().expect("not empty");
                        CheckpointState::Done(rows(iterations, &total, &merged))
                    } else {
                        CheckpointState::Partial {
                            iterations,
                            moments: prefix,
                            sketches: merged,
                        }
                    }
                }
                done => done,
            };
            self.checkpoints.push(joined);
        }
        self.moments.append(next.moments);
        self.add_sketches(next.sketches);
        self.nonfinite_iterations += next.nonfinite_iterations;
        for (all, part) in self.correlated.iter_mut().zip(next.correlated) {
            all.extend(part);
        }
        self.converged_at = self.converged_at.or(next.converged_at);
        Ok(())
    }

    /// Check a state that did not come from [`run_range`](super::run_range)
    /// in this process (one read from a file) against the run it claims to
    /// be part of: `model`'s outputs, `n_correlated` correlated inputs, and
    /// the chunks `first..end` its file says it covers. Everything that
    /// [`RunState::append`] and [`RunState::finish`] rely on is checked, and
    /// every count is checked against the iterations of its chunks, so a
    /// state that passes merges without panicking. Returns what is wrong.
    pub fn check(
        &self,
        model: &Model,
        n_correlated: usize,
        (first, end): (u64, u64),
    ) -> std::result::Result<(), String> {
        let n_outputs = model.outputs.len();
        if self.n_metrics != model.n_metrics || self.sketches.len() != n_outputs {
            return Err(format!(
                "it has {} outputs ({} metrics), the model {n_outputs} ({} metrics)",
                self.sketches.len(),
                self.n_metrics,
                model.n_metrics
            ));
        }
        if self.correlated.len() != n_correlated {
            return Err(format!(
                "it has {} correlated inputs, the model {n_correlated}",
                self.correlated.len()
            ));
        }
        if first > end || end > chunk_count(self.iterations) {
            return Err(format!(
                "chunks {first}..{end} are not chunks of a run of {} iterations",
                self.iterations
            ));
        }
        let iterations_in = |a: u64, b: u64| first_iteration(b).min(self.iterations) - first_iteration(a);
        check_moments(&self.moments, n_outputs, (first, end), &iterations_in).map_err(|e| format!("moments: {e}"))?;
        let finite: Vec<u64> = match self.total() {
            Some(total) => total.outputs.iter().map(|m| m.n).collect(),
            None => vec![0; n_outputs],
        };
        for (i, (sketch, n)) in self.sketches.iter().zip(&finite).enumerate() {
            check_sketch(sketch, *n).map_err(|e| format!("sketch of {}: {e}", model.outputs[i].name))?;
        }
        if self.nonfinite_iterations > iterations_in(first, end) {
            return Err(format!(
                "{} non-finite iterations in {} iterations",
                self.nonfinite_iterations,
                iterations_in(first, end)
            ));
        }
        let spearman_end = end.min(SPEARMAN_CHUNKS).max(first);
        let expected = iterations_in(first, spearman_end);
        if let Some(column) = self.correlated.iter().find(|c| c.len() as u64 != expected) {
            return Err(format!(
                "a correlated input has {} values where chunks {first}..{spearman_end} hold {expected}",
                column.len()
            ));
        }
        let mut last = first_iteration(first);
        for checkpoint in &self.checkpoints {
            let at = match (checkpoint, first) {
                (CheckpointState::Done(rows), 0) => {
                    let at = rows.first().map_or(0, |r| r.n);
                    let good = rows.len() == self.n_metrics
                        && rows.iter().enumerate().all(|(m, r)| r.metric == m && r.n == at);
                    if !good {
                        return Err("a convergence checkpoint does not have one row per metric".into());
                    }
                    at
                }
                (
                    CheckpointState::Partial {
                        iterations,
                        moments,
                        sketches,
                    },
                    1..,
                ) => {
                    let Some((from, to)) = moments.range() else {
                        return Err("an empty convergence checkpoint".into());
                    };
                    if from != first || to > end || *iterations != first_iteration(to).min(self.iterations) {
                        return Err(format!(
                            "a convergence checkpoint covers chunks {from}..{to} of {first}..{end}"
                        ));
                    }
                    check_moments(moments, n_outputs, (from, to), &iterations_in)
                        .map_err(|e| format!("convergence checkpoint: {e}"))?;
                    let total = moments.total().expect("not empty");
                    if sketches.len() != self.n_metrics {
                        return Err("a convergence checkpoint does not have one sketch per metric".into());
                    }
                    for (sketch, m) in sketches.iter().zip(&total.outputs) {
                        check_sketch(sketch, m.n).map_err(|e| format!("convergence checkpoint: {e}"))?;
                    }
                    *iterations
                }
                _ => {
                    return Err(format!(
                        "a convergence checkpoint is {} although the state starts at chunk {first}",
                        if first == 0 { "partial" } else { "complete" }
                    ));
                }
            };
            if at <= last || at > first_iteration(end).min(self.iterations) {
                return Err(format!("a convergence checkpoint at {at} iterations is out of order"));
            }
            last = at;
        }
        if self.converged_at.is_some() {
            return Err("it records a precision target, which a shard cannot have".into());
        }
        Ok(())
    }

    /// The result of a complete run (chunk 0 up to the end, or to where the
    /// precision target stopped it).
    pub fn finish(self, model: &Model, design: &Design, seed: u64, threads: usize) -> Result<RunResult> {
        let Some((0, end)) = self.chunk_range() else {
            return Err(Error::Config("the run's first chunk is missing".into()));
        };
        let done = (end * CHUNK_SIZE as u64).min(self.iterations);
        let total = self.total().expect("the range is not empty");
        let outputs: Vec<OutputStats> = total
            .outputs
            .into_iter()
            .zip(self.sketches)
            .map(|(moments, sketch)| OutputStats { moments, sketch })
            .collect();
        let mut convergence = Vec::new();
        for checkpoint in self.checkpoints {
            match checkpoint {
                CheckpointState::Done(rows) => convergence.extend(rows),
                CheckpointState::Partial { .. } => unreachable!("a range from chunk 0 completes every checkpoint"),
            }
        }
        let mut warnings = statistics_warnings(model, &outputs);
        let mut correlations = Vec::new();
        if let Some(c) = &design.correlator {
            warnings.extend(c.repair_warning());
            for i in 0..c.inputs.len() {
                for j in i + 1..c.inputs.len() {
                    correlations.push(AchievedCorrelation {
                        a: c.names[i].clone(),
                        b: c.names[j].clone(),
                        target: c.target[(i, j)],
                        achieved: spearman(&self.correlated[i], &self.correlated[j]),
                    });
                }
            }
        }
        let sampler: Sampler = design.sampler();
        let correlation_repaired = design.correlator.as_ref().is_some_and(|c| c.original.is_some());
        Ok(RunResult {
            iterations: done,
            convergence,
            converged_at: self.converged_at,
            seed,
            outputs,
            nonfinite_iterations: self.nonfinite_iterations,
            threads,
            sampler,
            warnings,
            correlations,
            correlation_repaired,
        })
    }
}

/// Plain words for two ways a reported statistic can fall short: a value that
/// overflowed the double range (left empty in the CSV), and a quantile sketch
/// coarsened so far that its error is not far below the Monte Carlo error.
fn statistics_warnings(model: &Model, outputs: &[OutputStats]) -> Vec<String> {
    let mut warnings = Vec::new();
    for (output, stats) in model.outputs[..model.n_metrics].iter().zip(outputs) {
        let row = summarise(stats, output.claim);
        let named = [
            ("mean", row.mean),
            ("sd", row.sd),
            ("mc_se", row.mc_se),
            ("mean_ci_low", row.mean_ci_low),
            ("mean_ci_high", row.mean_ci_high),
        ];
        let overflowed: Vec<&str> = named.iter().filter(|(_, v)| !v.is_finite()).map(|(k, _)| *k).collect();
        if stats.moments.n >= 2 && !overflowed.is_empty() {
            warnings.push(format!(
                "{}: {} exceeded the range of a double (±1.8e308) and {} left empty in summary.csv",
                output.name,
                overflowed.join(", "),
                if overflowed.len() == 1 { "is" } else { "are" }
            ));
        }
        let accuracy = stats.sketch.relative_accuracy();
        if accuracy > RELATIVE_ACCURACY {
            let coarse = SUMMARY_PROBS.iter().find(|&&p| {
                let q = quantile_with_interval(&stats.sketch, p);
                accuracy * q.value.abs() > (q.ci_high - q.ci_low) / 8.0
            });
            if let Some(p) = coarse {
                warnings.push(format!(
                    "{}: its values span so wide a range that quantiles are read at a relative accuracy of {accuracy:.1e}, not far below the Monte Carlo error of its {} percentile; treat the last digits of its percentiles with care",
                    output.name,
                    p * 100.0
                ));
            }
        }
    }
    warnings
}

/// Check a reduction read from a file: its shape, its range, one moment per
/// output in each block, and each output's finite and non-finite values
/// adding up to the iterations of the block.
fn check_moments(
    moments: &Reduction<ChunkStats>,
    n_outputs: usize,
    (first, end): (u64, u64),
    iterations_in: &dyn Fn(u64, u64) -> u64,
) -> std::result::Result<(), String> {
    moments.check_shape()?;
    let range = moments.range();
    if range != Some((first, end)).filter(|_| first < end) {
        return Err(format!("they cover chunks {range:?}, not {first}..{end}"));
    }
    for ((a, b), block) in moments.blocks() {
        if block.outputs.len() != n_outputs {
            return Err(format!(
                "chunks {a}..{b} have {} outputs, not {n_outputs}",
                block.outputs.len()
            ));
        }
        let expected = iterations_in(a, b);
        if let Some(m) = block
            .outputs
            .iter()
            .find(|m| m.n.checked_add(m.nonfinite) != Some(expected))
        {
            return Err(format!(
                "chunks {a}..{b} count {} finite and {} non-finite values, not {expected} in all",
                m.n, m.nonfinite
            ));
        }
    }
    Ok(())
}

/// Check a sketch read from a file, and that it holds the `n` finite values
/// its moments count.
fn check_sketch(sketch: &Sketch, n: u64) -> std::result::Result<(), String> {
    sketch.check()?;
    if sketch.count() != n {
        return Err(format!("it holds {} values, its moments count {n}", sketch.count()));
    }
    Ok(())
}

/// The convergence rows after `iterations` iterations: one per metric.
fn rows(iterations: u64, total: &ChunkStats, sketches: &[Sketch]) -> Vec<Checkpoint> {
    sketches
        .iter()
        .enumerate()
        .map(|(m, sketch)| Checkpoint::new(iterations, m, &total.outputs[m], sketch))
        .collect()
}
