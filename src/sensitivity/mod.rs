//! Sensitivity analysis: which inputs drive a metric, and how far each can
//! move before a conclusion flips.
//!
//! - [`tornado`]: one-way swings, each input at a low and a high percentile;
//! - [`threshold`]: switching values (the Green Book's term), by root finding;
//! - [`sobol`]: variance-based first-order and total indices (Saltelli 2010;
//!   Jansen 1999) on an Owen-scrambled Sobol design, with bootstrap intervals;
//! - [`prcc`]: partial rank correlation and standardised regression
//!   coefficients from a plain Monte Carlo sample;
//! - [`morris`]: elementary effects on a p-level grid (Morris 1991;
//!   μ* of Campolongo, Cariboni & Saltelli 2007).
//!
//! Everything here is deterministic for a seed, whatever the thread count.

mod analysis;
pub mod bootstrap;
pub mod morris;
pub mod prcc;
pub mod sobol;
pub mod threshold;
pub mod tornado;

use rayon::prelude::*;

use crate::chunk::CHUNK_SIZE;
use crate::error::Result;

use crate::model::Model;
use crate::scenario::Scenario;
pub use analysis::{
    DEFAULT_PRCC_ITERATIONS, DEFAULT_SOBOL_SAMPLES, MAX_PRCC_ITERATIONS, Method, SensitivityConfig, SensitivityResult,
    analyse, analyse_with,
};

/// The most bootstrap resamples accepted (`--bootstrap`). Percentile
/// intervals settle by a few thousand; the cap keeps a typo from running
/// (and holding) billions of resamples.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// An input factor: one uncertain parameter, or a `[[group]]` of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// The parameter's or group's name.
    pub name: String,
    /// Indices into `Model::inputs`.
    pub inputs: Vec<usize>,
}

/// The factors of a Sobol analysis of a scenario: each uncertain parameter on
/// its own, except those in a `[[group]]`, which form one factor placed at
/// its first member, and those correlated with each other but in no group:
/// each set of them linked by non-zero `[[correlation]]`s is grouped
/// automatically, as one factor named by its members joined with `+` (e.g.
/// `a+b`), since variance can be apportioned only to sets of inputs that are
/// independent of the rest. (A correlation between a group's member and a
/// parameter outside the group is an error when the scenario loads.)
pub fn factors(scenario: &Scenario, model: &Model) -> Vec<Factor> {
    let automatic = correlated_sets(scenario, model);
    let mut out: Vec<Factor> = Vec::new();
    for (i, input) in model.inputs.iter().enumerate() {
        if input.dist.is_fixed() {
            continue;
        }
        let name = match scenario.groups.iter().find(|g| g.parameters.contains(&input.name)) {
            Some(group) => group.name.clone(),
            None => match automatic.iter().find(|set| set.contains(&input.name)) {
                Some(set) => set.join("+"),
                None => input.name.clone(),
            },
        };
        match out.iter_mut().find(|f| f.name == name) {
            Some(f) => f.inputs.push(i),
            None => out.push(Factor { name, inputs: vec![i] }),
        }
    }
    out
}

/// The sets of uncertain parameters in no `[[group]]` that are linked by
/// non-zero correlations (connected components), each in model input order.
fn correlated_sets(scenario: &Scenario, model: &Model) -> Vec<Vec<String>> {
    let Some(target) = &model.correlation else {
        return Vec::new();
    };
    let grouped = |name: &String| scenario.groups.iter().any(|g| g.parameters.contains(name));
    let k = target.parameters.len();
    // Label each ungrouped correlated parameter with the smallest index of its set.
    let mut label: Vec<Option<usize>> = (0..k).map(|i| (!grouped(&target.parameters[i])).then_some(i)).collect();
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..k {
            for j in 0..k {
                if let (Some(a), Some(b)) = (label[i], label[j])
                    && target.matrix[i][j] != 0.0
                    && b < a
                {
                    label[i] = Some(b);
                    changed = true;
                }
            }
        }
    }
    let mut sets: Vec<(usize, Vec<String>)> = Vec::new();
    for input in &model.inputs {
        let Some(t) = target.parameters.iter().position(|p| p == &input.name) else {
            continue;
        };
        let Some(l) = label[t] else { continue };
        match sets.iter_mut().find(|(id, _)| *id == l) {
            Some((_, set)) => set.push(input.name.clone()),
            None => sets.push((l, vec![input.name.clone()])),
        }
    }
    sets.into_iter()
        .map(|(_, set)| set)
        .filter(|set| set.len() > 1)
        .collect()
}

/// One factor per uncertain parameter (groups ignored).
pub fn single_factors(model: &Model) -> Vec<Factor> {
    model
        .inputs
        .iter()
        .enumerate()
        .filter(|(_, input)| !input.dist.is_fixed())
        .map(|(i, input)| Factor {
            name: input.name.clone(),
            inputs: vec![i],
        })
        .collect()
}

/// The metric analysed when none is named: net_savings, else the first metric.
pub fn default_metric(model: &Model) -> String {
    model.metric_or_first("net_savings")
}

/// Indices into `Model::outputs` of the named metrics.
pub fn resolve_metrics(model: &Model, names: &[String]) -> Result<Vec<usize>> {
    names.iter().map(|name| model.metric_index(name)).collect()
}

/// Evaluate the model at `n` points given column-wise (one column of length
/// n per model input), returning one column per requested output. Chunks run
/// in parallel and are concatenated in order, so the result does not depend
/// on the thread count.
pub fn evaluate_columns(model: &Model, columns: &[Vec<f64>], outputs: &[usize]) -> Vec<Vec<f64>> {
    let n = columns.iter().map(Vec::len).max().unwrap_or(0);
    let chunks: Vec<Vec<Vec<f64>>> = (0..n.div_ceil(CHUNK_SIZE))
        .into_par_iter()
        .map_init(
            || model.workspace(CHUNK_SIZE),
            |ws, k| {
                let start = k * CHUNK_SIZE;
                let len = CHUNK_SIZE.min(n - start);
                for (input, column) in model.inputs.iter().zip(columns) {
                    if column.len() == n {
                        ws.cols[input.slot][..len].copy_from_slice(&column[start..start + len]);
                    } else {
                        ws.cols[input.slot][..len].fill(input.base);
                    }
                }
                model.evaluate(ws, len);
                outputs
                    .iter()
                    .map(|&o| (0..len).map(|i| ws.value(model.outputs[o].operand, i)).collect())
                    .collect()
            },
        )
        .collect();
    let mut result: Vec<Vec<f64>> = outputs.iter().map(|_| Vec::with_capacity(n)).collect();
    for chunk in chunks {
        for (out, part) in result.iter_mut().zip(chunk) {
            out.extend(part);
        }
    }
    result
}

/// The p-th percentile (0–100) of sorted values, interpolating linearly
/// between order statistics (numpy's default).
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The 2.5th and 97.5th percentiles of `values` (NaNs ignored).
pub fn percentile_interval(values: &mut Vec<f64>) -> (f64, f64) {
    values.retain(|v| !v.is_nan());
    values.sort_by(f64::total_cmp);
    (percentile_sorted(values, 2.5), percentile_sorted(values, 97.5))
}
