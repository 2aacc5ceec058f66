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

use crate::chunk::{CHUNK_SIZE, Merge, Reduction, chunk_count, first_iteration};
use crate::engine::{Observer, RunConfig, Silent, output_slice, run_chunks, thread_pool};
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
#[derive(Debug, Clone, PartialEq)]
struct ChunkMoments {
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

/// Run `models` (label, model) on common random numbers, on a pool of
/// `cfg.threads` workers (see [`compare_on`]).
pub fn compare(models: &[(String, &Model)], cfg: &RunConfig) -> Result<Comparison> {
    compare_on(models, cfg, &thread_pool(cfg.threads)?)
}

/// Run `models` (label, model) on common random numbers on `pool`
/// (`cfg.threads` is not read).
pub fn compare_on(models: &[(String, &Model)], cfg: &RunConfig, pool: &rayon::ThreadPool) -> Result<Comparison> {
    compare_with(models, cfg, pool, &mut Silent)
}

/// [`compare_on`], telling `observer` after each wave of chunks how many of
/// the `cfg.iterations` iterations (of every scenario) are done.
pub fn compare_with(
    models: &[(String, &Model)],
    cfg: &RunConfig,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
) -> Result<Comparison> {
    if models.is_empty() {
        return Err(Error::Config("compare needs at least one scenario".into()));
    }
    if cfg.iterations == 0 {
        return Err(Error::Config("iterations must be at least 1".into()));
    }
    let mut metrics: Vec<String> = Vec::new();
    for (_, m) in models {
        for o in &m.outputs[..m.n_metrics] {
            if !metrics.contains(&o.name) {
                metrics.push(o.name.clone());
            }
        }
    }
    // index[s][k]: position of metric k in model s's outputs.
    let index: Vec<Vec<Option<usize>>> = models
        .iter()
        .map(|(_, m)| {
            metrics
                .iter()
                .map(|name| m.outputs[..m.n_metrics].iter().position(|o| &o.name == name))
                .collect()
        })
        .collect();
    let claims: Vec<Vec<Option<f64>>> = models
        .iter()
        .zip(&index)
        .map(|((_, m), idx)| idx.iter().map(|i| i.and_then(|i| m.outputs[i].claim)).collect())
        .collect();
    let (n_s, n_m) = (models.len(), metrics.len());
    // Plain Monte Carlo keeps common random numbers by parameter name.
    let designs: Vec<Design> = models
        .iter()
        .map(|(_, m)| Design::new(Sampler::MonteCarlo, m, cfg.iterations, cfg.seed))
        .collect::<Result<_>>()?;
    let mut reduction: Reduction<ChunkMoments> = Reduction::default();
    let mut next = 0;
    let (states, _) = run_chunks(
        cfg.iterations,
        (0, chunk_count(cfg.iterations)),
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
        |chunks, chunks_done, _states| {
            for chunk in chunks {
                reduction.push(next, chunk);
                next += 1;
            }
            observer.progress(first_iteration(chunks_done).min(cfg.iterations), cfg.iterations);
            Ok(false)
        },
    )?;
    let ChunkMoments {
        levels: level_moments,
        differences: diff_moments,
    } = reduction.total().expect("at least one chunk");
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
    let assemble = |moments: Vec<Vec<Moments>>, sketches: Vec<Vec<Sketch>>, present: &dyn Fn(usize, usize) -> bool| {
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
    let levels = assemble(level_moments, level_sketches, &|s, k| index[s][k].is_some());
    let differences = assemble(diff_moments, diff_sketches, &|s, k| {
        s > 0 && index[s][k].is_some() && index[0][k].is_some()
    });
    Ok(Comparison {
        scenarios: models.iter().map(|(label, _)| label.clone()).collect(),
        metrics,
        claims,
        levels,
        differences,
        iterations: cfg.iterations,
        seed: cfg.seed,
        threads: pool.current_num_threads(),
    })
}
