//! `cradle compare`: several scenarios side by side on common random numbers.
//!
//! Every parameter draws from its own stream, keyed by the seed and its
//! name (`sampling::parameter_rng`), so a parameter that two scenarios share
//! takes the same random numbers in both. Iteration i of every scenario is
//! evaluated in the same chunk, and the paired difference from the first
//! scenario, metric_s(i) − metric_1(i), is summarised like any other output.
//! Differences therefore come from the assumptions, not from the noise: the
//! interval of a difference is much narrower than the intervals of the two
//! scenarios it separates.
//!
//! Like a run, a comparison accumulates a [`CompareState`] over a range of
//! chunks; the states of a comparison cut into shards join into exactly the
//! state of a single comparison.

use serde::{Deserialize, Serialize};

use crate::chunk::{CHUNK_SIZE, Merge, Reduction, chunk_count, first_iteration};
use crate::engine::{Observer, RunConfig, output_slice, run_chunks, thread_pool};
use crate::error::{Error, Result};
use crate::model::{Model, Workspace};
use crate::sampling::{Design, Sampler};
use crate::stats::{Moments, OutputStats, Sketch};

/// The result of a comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Scenario labels, in the order given (the first is the baseline).
    pub scenarios: Vec<String>,
    /// Every metric any scenario has, in order of first appearance.
    pub metrics: Vec<String>,
    /// `[scenario][metric]`: the published value to test against, if any.
    pub claims: Vec<Vec<Option<f64>>>,
    /// `[scenario][metric]`: statistics of the metric (None where the scenario lacks it).
    pub levels: Vec<Vec<Option<OutputStats>>>,
    /// `[scenario][metric]`: statistics of metric_s − metric_first (None for the
    /// baseline itself and where either lacks the metric).
    pub differences: Vec<Vec<Option<OutputStats>>>,
    /// Iterations per scenario.
    pub iterations: u64,
    /// Seed.
    pub seed: u64,
    /// Threads used.
    pub threads: usize,
}

struct State {
    workspaces: Vec<Workspace>,
    /// `[scenario][metric]` level sketches, then difference sketches.
    levels: Vec<Vec<Sketch>>,
    differences: Vec<Vec<Sketch>>,
}

/// `[scenario][metric]` moments of the levels and of the differences over a
/// block of chunks (empty moments where a scenario lacks a metric).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkMoments {
    levels: Vec<Vec<Moments>>,
    differences: Vec<Vec<Moments>>,
}

impl Merge for ChunkMoments {
    fn merge(&mut self, right: &Self) {
        let pairs = self.levels.iter_mut().zip(&right.levels);
        for (mine, theirs) in pairs.chain(self.differences.iter_mut().zip(&right.differences)) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.merge(t);
            }
        }
    }
}

/// Which metrics a comparison reports and where each scenario keeps them.
struct Layout {
    /// Every metric any scenario has, in order of first appearance.
    metrics: Vec<String>,
    /// `[scenario][metric]`: position of the metric in the scenario's outputs.
    index: Vec<Vec<Option<usize>>>,
    /// `[scenario][metric]`: the claim, if any.
    claims: Vec<Vec<Option<f64>>>,
}

impl Layout {
    fn new(models: &[(String, &Model)]) -> Result<Layout> {
        if models.is_empty() {
            return Err(Error::Config("compare needs at least one scenario".into()));
        }
        let mut metrics: Vec<String> = Vec::new();
        for (_, m) in models {
            for o in &m.outputs[..m.n_metrics] {
                if !metrics.contains(&o.name) {
                    metrics.push(o.name.clone());
                }
            }
        }
        let index: Vec<Vec<Option<usize>>> = models
            .iter()
            .map(|(_, m)| {
                metrics
                    .iter()
                    .map(|name| m.outputs[..m.n_metrics].iter().position(|o| &o.name == name))
                    .collect()
            })
            .collect();
        let claims = models
            .iter()
            .zip(&index)
            .map(|((_, m), idx)| idx.iter().map(|i| i.and_then(|i| m.outputs[i].claim)).collect())
            .collect();
        Ok(Layout { metrics, index, claims })
    }
}

/// Everything a comparison accumulated over a contiguous range of chunks:
/// moments in a [`Reduction`] (a fixed tree over chunk indices) and sketches
/// of integer counts, so that the states of adjacent ranges join
/// ([`CompareState::append`]) into exactly the state of their union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareState {
    /// Iterations of the whole comparison (not only of this range).
    iterations: u64,
    moments: Reduction<ChunkMoments>,
    /// `[scenario][metric]` sketches of the levels and of the differences.
    levels: Vec<Vec<Sketch>>,
    differences: Vec<Vec<Sketch>>,
}

impl CompareState {
    /// Iterations of the whole comparison.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// The chunks covered, `first..end` (`None` when empty).
    pub fn chunk_range(&self) -> Option<(u64, u64)> {
        self.moments.range()
    }

    /// Join `next`, the state of the chunks that directly follow this one's.
    pub fn append(&mut self, next: CompareState) -> Result<()> {
        if let (Some((_, end)), Some((first, _))) = (self.chunk_range(), next.chunk_range())
            && end != first
        {
            return Err(Error::Config(format!(
                "states cover chunks ..{end} and {first}.., which do not meet"
            )));
        }
        let shape = |s: &CompareState| (s.iterations, s.levels.len(), s.levels.first().map_or(0, Vec::len));
        if shape(self) != shape(&next) {
            return Err(Error::Config("the states belong to different comparisons".into()));
        }
        self.moments.append(next.moments);
        for (mine, theirs) in self.levels.iter_mut().zip(&next.levels) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.merge(t);
            }
        }
        for (mine, theirs) in self.differences.iter_mut().zip(&next.differences) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.merge(t);
            }
        }
        Ok(())
    }

    /// Check a state read from a file against `models` and the chunks
    /// `first..end` its file says it covers, so that it merges without
    /// panicking. Returns what is wrong.
    pub fn check(&self, models: &[(String, &Model)], (first, end): (u64, u64)) -> std::result::Result<(), String> {
        let layout = Layout::new(models).map_err(|e| e.to_string())?;
        let (n_s, n_m) = (models.len(), layout.metrics.len());
        let dims = |v: &Vec<Vec<Sketch>>| v.len() == n_s && v.iter().all(|row| row.len() == n_m);
        if !dims(&self.levels) || !dims(&self.differences) {
            return Err(format!("its sketches are not {n_s} scenarios × {n_m} metrics"));
        }
        if first > end || end > chunk_count(self.iterations) {
            return Err(format!(
                "chunks {first}..{end} are not chunks of a run of {} iterations",
                self.iterations
            ));
        }
        self.moments.check_shape()?;
        let range = self.moments.range();
        if range != Some((first, end)).filter(|_| first < end) {
            return Err(format!("its moments cover chunks {range:?}, not {first}..{end}"));
        }
        let iterations_in = |a: u64, b: u64| first_iteration(b).min(self.iterations) - first_iteration(a);
        let present = |s: usize, k: usize, diff: bool| {
            layout.index[s][k].is_some() && (!diff || (s > 0 && layout.index[0][k].is_some()))
        };
        for ((a, b), block) in self.moments.blocks() {
            let n = iterations_in(a, b);
            for (diff, table) in [(false, &block.levels), (true, &block.differences)] {
                if table.len() != n_s || table.iter().any(|row| row.len() != n_m) {
                    return Err(format!(
                        "chunks {a}..{b}: moments are not {n_s} scenarios × {n_m} metrics"
                    ));
                }
                for (s, row) in table.iter().enumerate() {
                    for (k, m) in row.iter().enumerate() {
                        let expected = if present(s, k, diff) { n } else { 0 };
                        if m.n.checked_add(m.nonfinite) != Some(expected) {
                            return Err(format!(
                                "chunks {a}..{b}: {} counts {} values, not {expected}",
                                layout.metrics[k],
                                m.n.saturating_add(m.nonfinite)
                            ));
                        }
                    }
                }
            }
        }
        let total = self.moments.total();
        for (diff, sketches) in [(false, &self.levels), (true, &self.differences)] {
            for (s, row) in sketches.iter().enumerate() {
                for (k, sketch) in row.iter().enumerate() {
                    sketch
                        .check()
                        .map_err(|e| format!("sketch of {}: {e}", layout.metrics[k]))?;
                    let n = total
                        .as_ref()
                        .map_or(0, |t| if diff { t.differences[s][k].n } else { t.levels[s][k].n });
                    if sketch.count() != n {
                        return Err(format!(
                            "the sketch of {} holds {} values, its moments count {n}",
                            layout.metrics[k],
                            sketch.count()
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The comparison of `models` (labelled, in order) once the state covers
    /// every chunk.
    pub fn finish(self, models: &[(String, &Model)], seed: u64, threads: usize) -> Result<Comparison> {
        let layout = Layout::new(models)?;
        if self.chunk_range() != Some((0, chunk_count(self.iterations))) {
            return Err(Error::Config(format!(
                "the comparison covers chunks {:?}, not all {} of them",
                self.chunk_range(),
                chunk_count(self.iterations)
            )));
        }
        let ChunkMoments {
            levels: level_moments,
            differences: diff_moments,
        } = self.moments.total().expect("at least one chunk");
        let index = &layout.index;
        let assemble =
            |moments: Vec<Vec<Moments>>, sketches: Vec<Vec<Sketch>>, present: &dyn Fn(usize, usize) -> bool| {
                moments
                    .into_iter()
                    .zip(sketches)
                    .enumerate()
                    .map(|(s, (ms, ss))| {
                        ms.into_iter()
                            .zip(ss)
                            .enumerate()
                            .map(|(k, (moments, sketch))| present(s, k).then_some(OutputStats { moments, sketch }))
                            .collect()
                    })
                    .collect()
            };
        let levels = assemble(level_moments, self.levels, &|s, k| index[s][k].is_some());
        let differences = assemble(diff_moments, self.differences, &|s, k| {
            s > 0 && index[s][k].is_some() && index[0][k].is_some()
        });
        Ok(Comparison {
            scenarios: models.iter().map(|(label, _)| label.clone()).collect(),
            metrics: layout.metrics,
            claims: layout.claims,
            levels,
            differences,
            iterations: self.iterations,
            seed,
            threads,
        })
    }
}

/// Run `models` (label, model) on common random numbers, on a pool of
/// `cfg.threads` workers (see [`compare_on`]).
pub fn compare(models: &[(String, &Model)], cfg: &RunConfig) -> Result<Comparison> {
    compare_on(models, cfg, &thread_pool(cfg.threads)?)
}

/// Run `models` (label, model) on common random numbers on `pool`
/// (`cfg.threads` is not read).
pub fn compare_on(models: &[(String, &Model)], cfg: &RunConfig, pool: &rayon::ThreadPool) -> Result<Comparison> {
    let state = compare_range(models, cfg, (0, chunk_count(cfg.iterations)), pool)?;
    state.finish(models, cfg.seed, pool.current_num_threads())
}

/// [`compare_on`], telling `observer` how many of the `cfg.iterations`
/// iterations (of every scenario) are done after each of about twenty
/// ranges of chunks. The ranges' states join into exactly the state of one
/// range over all of them ([`CompareState::append`]), so the comparison is
/// the same, to the bit, as [`compare_on`]'s.
pub fn compare_with(
    models: &[(String, &Model)],
    cfg: &RunConfig,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
) -> Result<Comparison> {
    let chunks = chunk_count(cfg.iterations);
    let step = chunks.div_ceil(20).max(1);
    let mut state: Option<CompareState> = None;
    let mut first = 0;
    while first < chunks {
        let end = (first + step).min(chunks);
        let part = compare_range(models, cfg, (first, end), pool)?;
        match &mut state {
            None => state = Some(part),
            Some(s) => s.append(part)?,
        }
        observer.progress(first_iteration(end).min(cfg.iterations), cfg.iterations);
        first = end;
    }
    match state {
        Some(state) => state.finish(models, cfg.seed, pool.current_num_threads()),
        // No chunk: compare_on says why (no iterations).
        None => compare_on(models, cfg, pool),
    }
}

/// Run chunks `first..end` of the comparison `cfg` describes on `pool`, and
/// return what they accumulated (see [`CompareState`]).
pub fn compare_range(
    models: &[(String, &Model)],
    cfg: &RunConfig,
    (first, end): (u64, u64),
    pool: &rayon::ThreadPool,
) -> Result<CompareState> {
    let layout = Layout::new(models)?;
    if cfg.iterations == 0 {
        return Err(Error::Config("iterations must be at least 1".into()));
    }
    let (index, claims) = (&layout.index, &layout.claims);
    let (n_s, n_m) = (models.len(), layout.metrics.len());
    // Plain Monte Carlo keeps common random numbers by parameter name.
    let designs: Vec<Design> = models
        .iter()
        .map(|(_, m)| Design::new(Sampler::MonteCarlo, m, cfg.iterations, cfg.seed))
        .collect::<Result<_>>()?;
    let mut reduction: Reduction<ChunkMoments> = Reduction::default();
    let mut next = first;
    let (states, _) = run_chunks(
        cfg.iterations,
        (first, end),
        pool,
        || State {
            workspaces: models.iter().map(|(_, m)| m.workspace(CHUNK_SIZE)).collect(),
            levels: vec![vec![Sketch::default(); n_m]; n_s],
            differences: vec![vec![Sketch::default(); n_m]; n_s],
        },
        |state, chunk, len| -> ChunkMoments {
            for (((_, model), ws), design) in models.iter().zip(state.workspaces.iter_mut()).zip(&designs) {
                design.fill(model, ws, chunk, len);
                model.evaluate(ws, len);
            }
            let mut levels = vec![vec![Moments::default(); n_m]; n_s];
            let mut differences = vec![vec![Moments::default(); n_m]; n_s];
            let (mut scratch, mut base_scratch) = (Vec::new(), Vec::new());
            let mut difference = vec![0.0; len];
            for s in 0..n_s {
                let model = models[s].1;
                for k in 0..n_m {
                    let Some(o) = index[s][k] else { continue };
                    let values = output_slice(&state.workspaces[s], model.outputs[o].operand, len, &mut scratch);
                    levels[s][k] = Moments::of(values, claims[s][k]);
                    state.levels[s][k].add_all(values);
                    if s == 0 {
                        continue;
                    }
                    let Some(b) = index[0][k] else { continue };
                    let base = output_slice(
                        &state.workspaces[0],
                        models[0].1.outputs[b].operand,
                        len,
                        &mut base_scratch,
                    );
                    for ((d, v), b) in difference.iter_mut().zip(values).zip(base) {
                        *d = v - b;
                    }
                    differences[s][k] = Moments::of(&difference, None);
                    state.differences[s][k].add_all(&difference);
                }
            }
            ChunkMoments { levels, differences }
        },
        |chunks, _chunks_done, _states| {
            for chunk in chunks {
                reduction.push(next, chunk);
                next += 1;
            }
            Ok(false)
        },
    )?;
    let mut level_sketches = vec![vec![Sketch::default(); n_m]; n_s];
    let mut diff_sketches = vec![vec![Sketch::default(); n_m]; n_s];
    for state in &states {
        for s in 0..n_s {
            for k in 0..n_m {
                level_sketches[s][k].merge(&state.levels[s][k]);
                diff_sketches[s][k].merge(&state.differences[s][k]);
            }
        }
    }
    Ok(CompareState {
        iterations: cfg.iterations,
        moments: reduction,
        levels: level_sketches,
        differences: diff_sketches,
    })
}
