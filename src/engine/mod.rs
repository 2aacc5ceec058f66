//! The deterministic parallel runner.
//!
//! Iterations are cut into chunks of [`CHUNK_SIZE`] (a constant, never
//! derived from n or the thread count; the last chunk may be short). Chunk k
//! draws from its own streams (`sampling::parameter_rng(seed, name, k)`),
//! fills its input columns, evaluates the model column-wise and reduces its
//! outputs into a [`RunState`]:
//!
//! - moments are computed per chunk and merged along a fixed binary tree over
//!   chunk indices ([`crate::chunk::Reduction`]), so the floating-point sums
//!   are the same on 1 thread or 16, and for a run cut into shards;
//! - sketches hold integer counts, whose merge is exact in any order.
//!
//! Chunks run in waves of [`WAVE_CHUNKS`] so memory stays bounded (and
//! `--samples` rows stream to disk in order) whatever n is.

mod chunk_loop;
mod state;

use rayon::prelude::*;

use crate::chunk::{chunk_count, first_iteration};
use crate::error::{Error, Result};
use crate::expr::Operand;
use crate::model::{Model, Workspace};
use crate::sampling::{Design, Sampler};
use crate::stats::{Moments, OutputStats, Sketch};

pub(crate) use chunk_loop::run_chunks;
pub use state::{ChunkStats, RunState, SPEARMAN_CHUNKS};

pub use crate::chunk::CHUNK_SIZE;
/// Chunks per wave (bounds memory and sets how often progress is reported).
pub const WAVE_CHUNKS: u64 = 256;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    /// Number of iterations (≥ 1).
    pub iterations: u64,
    /// Seed of the random streams.
    pub seed: u64,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// Hand every iteration's inputs and metrics to the observer.
    pub keep_samples: bool,
    /// How inputs are sampled.
    pub sampler: Sampler,
    /// Stop early once the mean of a metric is this precise (`-n` is then a cap).
    pub precision: Option<Precision>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            iterations: 100_000,
            seed: 20_260_209,
            threads: None,
            keep_samples: false,
            sampler: Sampler::MonteCarlo,
            precision: None,
        }
    }
}

/// A stopping rule: the 95% interval of the mean of metric `metric` (an
/// index into `Model::outputs`) lies within ±`relative`·|mean|. Checked at
/// the end of every wave, so the stopping point depends only on the seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// Index of the metric in `Model::outputs`.
    pub metric: usize,
    /// Relative half-width, e.g. 0.01 for ±1%.
    pub relative: f64,
}

impl Precision {
    /// The `--precision` rule for `model`: ±`relative`·|mean| on `metric`
    /// (default value_per_child, else the first metric).
    pub fn new(model: &Model, relative: f64, metric: Option<&str>) -> Result<Precision> {
        if !(relative > 0.0 && relative < 1.0) {
            return Err(Error::Config(format!(
                "--precision expects a fraction in (0, 1) such as 0.01, got {relative}"
            )));
        }
        let name = metric.map_or_else(|| model.metric_or_first("value_per_child"), str::to_string);
        Ok(Precision {
            metric: model.metric_index(&name)?,
            relative,
        })
    }

    /// True once 1.96·mc_se ≤ relative·|mean| (with at least two chunks).
    pub fn reached(&self, m: &Moments) -> bool {
        m.n >= 2 * CHUNK_SIZE as u64 && crate::special::Z95 * m.mc_se() <= self.relative * m.mean.abs()
    }
}

/// A metric's running estimates after `n` iterations (a row of convergence.csv).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// Iterations so far.
    pub n: u64,
    /// Index of the metric in `Model::outputs`.
    pub metric: usize,
    /// Running mean.
    pub mean: f64,
    /// mean − 1.96·mc_se.
    pub mean_ci_low: f64,
    /// mean + 1.96·mc_se.
    pub mean_ci_high: f64,
    /// 2.5th percentile so far.
    pub p2_5: f64,
    /// Median so far.
    pub p50: f64,
    /// 97.5th percentile so far.
    pub p97_5: f64,
}

impl Checkpoint {
    fn new(n: u64, metric: usize, m: &Moments, sketch: &Sketch) -> Checkpoint {
        let half = crate::special::Z95 * m.mc_se();
        Checkpoint {
            n,
            metric,
            mean: m.mean,
            mean_ci_low: m.mean - half,
            mean_ci_high: m.mean + half,
            p2_5: sketch.quantile(0.025),
            p50: sketch.quantile(0.5),
            p97_5: sketch.quantile(0.975),
        }
    }
}

/// The per-iteration values of one chunk: inputs, then metrics, row-major by column.
#[derive(Debug, Clone)]
pub struct SampleBlock {
    /// Index of the first iteration (0-based).
    pub first: u64,
    /// One column per input, then one per metric.
    pub columns: Vec<Vec<f64>>,
}

/// Receives progress and, with `keep_samples`, the samples in iteration order.
pub trait Observer {
    /// `done` of `total` iterations are finished.
    fn progress(&mut self, _done: u64, _total: u64) {}
    /// The next block of samples, in order.
    fn samples(&mut self, _block: &SampleBlock) -> Result<()> {
        Ok(())
    }
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Iterations run (fewer than asked when `--precision` was reached).
    pub iterations: u64,
    /// Running estimates at log-spaced checkpoints (convergence.csv).
    pub convergence: Vec<Checkpoint>,
    /// With a precision target: the iterations at which it was reached.
    pub converged_at: Option<u64>,
    /// The seed.
    pub seed: u64,
    /// Statistics of each model output, in `Model::outputs` order.
    pub outputs: Vec<OutputStats>,
    /// Iterations in which at least one metric was NaN or infinite.
    pub nonfinite_iterations: u64,
    /// Threads used.
    pub threads: usize,
    /// Sampling design used.
    pub sampler: Sampler,
    /// Warnings for the user (e.g. a repaired correlation matrix).
    pub warnings: Vec<String>,
    /// Target and achieved Spearman correlation of each correlated pair.
    pub correlations: Vec<AchievedCorrelation>,
    /// Whether the `[[correlation]]` matrix had to be repaired (Higham 2002).
    pub correlation_repaired: bool,
}

/// A rank correlation asked for in `[[correlation]]`, and what the run achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct AchievedCorrelation {
    /// First parameter.
    pub a: String,
    /// Second parameter.
    pub b: String,
    /// The target imposed (after any repair).
    pub target: f64,
    /// Spearman's ρ over the first [`SPEARMAN_CHUNKS`] chunks (at most
    /// 102,400 iterations, so memory stays bounded).
    pub achieved: f64,
}

/// One chunk's results, before they join the run's state.
struct ChunkSummary {
    /// Correlated input columns, for the first SPEARMAN_CHUNKS chunks only.
    correlated: Option<Vec<Vec<f64>>>,
    stats: ChunkStats,
    nonfinite_rows: u64,
    samples: Option<SampleBlock>,
}

/// What one worker thread keeps across chunks: its workspace and its own
/// sketches. Sketches hold integer counts, so which thread added a value
/// does not change the merged result.
struct ThreadState {
    ws: Workspace,
    sketches: Vec<Sketch>,
}

/// The values of an output over a chunk (a constant is spread into `scratch`).
pub(crate) fn output_slice<'a>(ws: &'a Workspace, op: Operand, len: usize, scratch: &'a mut Vec<f64>) -> &'a [f64] {
    match op {
        Operand::Slot(s) => &ws.cols[s][..len],
        Operand::Const(c) => {
            scratch.clear();
            scratch.resize(len, c);
            scratch
        }
    }
}

fn run_chunk(
    model: &Model,
    keep_samples: bool,
    design: &Design,
    index: u64,
    len: usize,
    state: &mut ThreadState,
) -> ChunkSummary {
    let ws = &mut state.ws;
    design.fill(model, ws, index, len);
    let correlated = design.correlator.as_ref().filter(|_| index < SPEARMAN_CHUNKS).map(|c| {
        c.inputs
            .iter()
            .map(|&i| ws.cols[model.inputs[i].slot][..len].to_vec())
            .collect::<Vec<_>>()
    });
    model.evaluate(ws, len);

    let mut scratch = Vec::new();
    let mut moments = Vec::with_capacity(model.outputs.len());
    for (output, sketch) in model.outputs.iter().zip(state.sketches.iter_mut()) {
        let values = output_slice(ws, output.operand, len, &mut scratch);
        moments.push(Moments::of(values, output.claim));
        sketch.add_all(values);
    }
    let metrics = &model.outputs[..model.n_metrics];
    // Rows with any non-finite metric: only looked for when some metric had one.
    let nonfinite_rows = if moments[..model.n_metrics].iter().any(|m| m.nonfinite > 0) {
        (0..len)
            .filter(|&i| metrics.iter().any(|m| !ws.value(m.operand, i).is_finite()))
            .count() as u64
    } else {
        0
    };
    let samples = keep_samples.then(|| {
        let mut columns: Vec<Vec<f64>> = model
            .inputs
            .iter()
            .map(|input| ws.cols[input.slot][..len].to_vec())
            .collect();
        for m in metrics {
            columns.push(output_slice(ws, m.operand, len, &mut scratch).to_vec());
        }
        SampleBlock {
            first: first_iteration(index),
            columns,
        }
    });
    ChunkSummary {
        correlated,
        stats: ChunkStats { outputs: moments },
        nonfinite_rows,
        samples,
    }
}

/// The most worker threads a pool may have (`--threads`). Results never
/// depend on the thread count and more threads than cores only cost memory,
/// so the cap is there to stop a typo (`--threads 10000`) from starting
/// thousands of OS threads; it is fixed, not a multiple of this machine's
/// cores, so that a command valid on one machine is valid on every other.
pub const MAX_THREADS: usize = 1024;

/// A rayon pool of `threads` workers (all cores when `None`), 1 to
/// [`MAX_THREADS`]. Every analysis runs on a pool passed in by its caller;
/// results never depend on its size.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        if t == 0 || t > MAX_THREADS {
            return Err(Error::Config(format!(
                "--threads must be between 1 and {MAX_THREADS}, got {t}; results do not depend on it, so the number of cores is plenty"
            )));
        }
        builder = builder.num_threads(t);
    }
    builder.build().map_err(|e| {
        let count = threads.map_or_else(|| "the default number of".to_string(), |t| t.to_string());
        Error::Config(format!("cannot start {count} worker threads: {e}"))
    })
}

/// Run the model `cfg.iterations` times on a pool of `cfg.threads` workers
/// (see [`run_on`]).
pub fn run(model: &Model, cfg: &RunConfig, observer: &mut dyn Observer) -> Result<RunResult> {
    run_on(model, cfg, &thread_pool(cfg.threads)?, observer)
}

/// Run the model `cfg.iterations` times on `pool` (`cfg.threads` is not
/// read). Results are bit-identical for any thread count.
pub fn run_on(
    model: &Model,
    cfg: &RunConfig,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
) -> Result<RunResult> {
    if cfg.iterations == 0 {
        return Err(Error::Config("iterations must be at least 1".into()));
    }
    let design = Design::new(cfg.sampler, model, cfg.iterations, cfg.seed)?;
    let state = run_range(model, cfg, &design, (0, chunk_count(cfg.iterations)), pool, observer)?;
    state.finish(model, &design, cfg.seed, pool.current_num_threads())
}

/// Run chunks `first..end` of the run `cfg` describes, and return what
/// they accumulated. A precision target is honoured only from chunk 0.
pub fn run_range(
    model: &Model,
    cfg: &RunConfig,
    design: &Design,
    (first, end): (u64, u64),
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
) -> Result<RunState> {
    let n_outputs = model.outputs.len();
    let n_correlated = design.correlator.as_ref().map_or(0, |c| c.inputs.len());
    let mut state = RunState::new(cfg.iterations, model, n_correlated);
    let range_first = first_iteration(first);
    let range_iterations = first_iteration(end).min(cfg.iterations) - range_first;
    let precision = cfg.precision.as_ref().filter(|_| first == 0);
    let mut next = first;
    let (threads, stopped) = run_chunks(
        cfg.iterations,
        (first, end),
        pool,
        || ThreadState {
            ws: model.workspace(CHUNK_SIZE),
            sketches: vec![Sketch::default(); n_outputs],
        },
        |thread, index, len| run_chunk(model, cfg.keep_samples, design, index, len, thread),
        |chunks, chunks_done, threads| {
            for chunk in chunks {
                if let Some(block) = &chunk.samples {
                    observer.samples(block)?;
                }
                state.push_chunk(next, chunk.stats, chunk.nonfinite_rows, chunk.correlated);
                next += 1;
            }
            let done = first_iteration(chunks_done).min(cfg.iterations);
            observer.progress(done - range_first, range_iterations);
            let precise = precision.is_some_and(|p| {
                let total = state.total().expect("a wave holds at least one chunk");
                p.reached(&total.outputs[p.metric])
            });
            // Log-spaced checkpoints (powers of two of chunks), the stopping point and the end.
            if chunks_done.is_power_of_two() || done == cfg.iterations || precise {
                // Each metric's merge on its own worker (the workers are idle
                // between waves); integer counts, so the order is immaterial.
                let guards: Vec<_> = threads.iter().map(|t| t.lock().expect("a worker panicked")).collect();
                let per_thread: Vec<&[Sketch]> = guards.iter().map(|g| g.sketches.as_slice()).collect();
                let sketches: Vec<Sketch> = pool.install(|| {
                    (0..model.n_metrics)
                        .into_par_iter()
                        .map(|k| {
                            let mut merged = Sketch::default();
                            for sketches in &per_thread {
                                merged.merge(&sketches[k]);
                            }
                            merged
                        })
                        .collect()
                });
                drop(guards);
                state.checkpoint(done, sketches);
            }
            if precise {
                state.converged(done);
            }
            Ok(precise)
        },
    )?;
    debug_assert!(stopped <= end);
    for thread in threads {
        state.add_sketches(thread.sketches);
    }
    Ok(state)
}
