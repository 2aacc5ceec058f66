//! Morris elementary effects (M. D. Morris 1991, "Factorial sampling plans
//! for preliminary computational experiments", Technometrics 33:161–174),
//! with μ* = mean |EE| (Campolongo, Cariboni & Saltelli 2007).
//!
//! Each of r trajectories starts at a random point of a p-level grid and
//! moves one input at a time, in random order, by p/2 levels (Morris's
//! Δ = p/(2(p − 1)) of the range). Level l of p maps to the probability
//! u = ε + (1 − 2ε)·l/(p − 1), with ε = 0.005 so that the grid spans the 0.5th
//! to 99.5th percentiles (unbounded inputs never sit at ±∞), and then through
//! the input's quantile function. An elementary effect is the change in the
//! metric per unit change of probability, EE_i = (f(x + Δe_i) − f(x))/Δ_u with
//! Δ_u = (1 − 2ε)·(p/2)/(p − 1): the same scale for every input. μ* ranks inputs by importance, σ flags
//! interactions and non-linearity; μ*'s interval is a bootstrap over
//! trajectories.

use rand::Rng;

use super::{Factor, MAX_BOOTSTRAP, evaluate_columns, percentile_interval};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::sampling::{Purpose, purpose_rng};

/// Settings of a Morris screening.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisConfig {
    /// Number of trajectories r.
    pub trajectories: usize,
    /// Grid levels p (even).
    pub levels: usize,
    /// Seed.
    pub seed: u64,
    /// Bootstrap resamples for μ*'s interval.
    pub bootstrap: usize,
}

/// One line of morris.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisRow {
    /// The metric.
    pub metric: String,
    /// The input.
    pub parameter: String,
    /// μ* = mean |EE|.
    pub mu_star: f64,
    /// 2.5th bootstrap percentile of μ*.
    pub mu_star_low: f64,
    /// 97.5th bootstrap percentile of μ*.
    pub mu_star_high: f64,
    /// μ = mean EE (signed).
    pub mu: f64,
    /// σ = sd of EE.
    pub sigma: f64,
}

/// ε: the grid spans the ε and 1 − ε quantiles of each input.
const EDGE: f64 = 0.005;

/// The most trajectories accepted. The design is held in memory
/// (r·(k + 1) points of k levels each); a screening rarely needs more than
/// 100, and 10,000 is far beyond any use.
pub const MAX_TRAJECTORIES: usize = 10_000;

/// The most grid levels accepted. Morris designs use 4 to 10; a finer grid
/// adds nothing a screening can use.
pub const MAX_LEVELS: usize = 100;

fn below(rng: &mut impl Rng, n: usize) -> usize {
    (rng.next_u64() % n as u64) as usize
}

/// Run a Morris screening of `metrics` over `factors` (one input each).
pub fn morris(model: &Model, factors: &[Factor], metrics: &[usize], config: &MorrisConfig) -> Result<Vec<MorrisRow>> {
    let (r, p, k) = (config.trajectories, config.levels, factors.len());
    if p < 2 || p % 2 == 1 || p > MAX_LEVELS {
        return Err(Error::Config(format!(
            "Morris needs an even number of levels from 2 to {MAX_LEVELS} (4 is usual), got {p}"
        )));
    }
    if !(2..=MAX_TRAJECTORIES).contains(&r) {
        return Err(Error::Config(format!(
            "Morris needs from 2 to {MAX_TRAJECTORIES} trajectories (σ needs two; 10 to 50 is usual), got {r}"
        )));
    }
    if k == 0 {
        return Err(Error::Config(
            "Morris needs at least one uncertain input; the scenario has none".into(),
        ));
    }
    if config.bootstrap > MAX_BOOTSTRAP {
        return Err(Error::Config(format!(
            "--bootstrap must be at most {MAX_BOOTSTRAP}, got {}",
            config.bootstrap
        )));
    }
    let jump = p / 2;
    let delta = (1.0 - 2.0 * EDGE) * jump as f64 / (p - 1) as f64; // the move in probability units
    // Levels of every point: trajectory t, step s (0..=k), factor i.
    let mut levels = vec![0usize; r * (k + 1) * k];
    let mut moved = vec![(0usize, 1.0f64); r * k]; // (factor, direction) of each step
    for t in 0..r {
        let mut rng = purpose_rng(config.seed, Purpose::Morris, t as u64);
        let mut point: Vec<usize> = Vec::with_capacity(k);
        let mut up = Vec::with_capacity(k);
        for _ in 0..k {
            let l = below(&mut rng, jump);
            let going_up = rng.next_u64() & 1 == 0;
            point.push(if going_up { l } else { l + jump });
            up.push(going_up);
        }
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, below(&mut rng, i + 1));
        }
        let base = t * (k + 1) * k;
        levels[base..base + k].copy_from_slice(&point);
        for (s, &i) in order.iter().enumerate() {
            if up[i] {
                point[i] += jump;
            } else {
                point[i] -= jump;
            }
            let at = base + (s + 1) * k;
            levels[at..at + k].copy_from_slice(&point);
            moved[t * k + s] = (i, if up[i] { 1.0 } else { -1.0 });
        }
    }
    let points = r * (k + 1);
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); model.inputs.len()];
    for (i, factor) in factors.iter().enumerate() {
        let input = factor.inputs[0];
        let dist = &model.inputs[input].dist;
        columns[input] = (0..points)
            .map(|q| dist.quantile(EDGE + (1.0 - 2.0 * EDGE) * levels[q * k + i] as f64 / (p - 1) as f64))
            .collect();
    }
    let outputs = evaluate_columns(model, &columns, metrics);

    let mut rows = Vec::new();
    for (mi, &metric) in metrics.iter().enumerate() {
        let f = &outputs[mi];
        // effects[i][t]
        let mut effects = vec![vec![0.0; r]; k];
        for t in 0..r {
            for s in 0..k {
                let (i, direction) = moved[t * k + s];
                let (before, after) = (f[t * (k + 1) + s], f[t * (k + 1) + s + 1]);
                effects[i][t] = direction * (after - before) / delta;
            }
        }
        for (i, factor) in factors.iter().enumerate() {
            let ee = &effects[i];
            let mean = ee.iter().sum::<f64>() / r as f64;
            let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / r as f64;
            let sigma = (ee.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (r - 1) as f64).sqrt();
            let mut boot: Vec<f64> = (0..config.bootstrap)
                .map(|b| {
                    let mut rng = purpose_rng(
                        config.seed,
                        Purpose::Bootstrap,
                        (1 << 40) + (mi * k * config.bootstrap + i * config.bootstrap + b) as u64,
                    );
                    (0..r).map(|_| ee[below(&mut rng, r)].abs()).sum::<f64>() / r as f64
                })
                .collect();
            let (low, high) = if boot.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                percentile_interval(&mut boot)
            };
            rows.push(MorrisRow {
                metric: model.outputs[metric].name.clone(),
                parameter: factor.name.clone(),
                mu_star,
                mu_star_low: low,
                mu_star_high: high,
                mu: mean,
                sigma,
            });
        }
    }
    Ok(rows)
}
