//! One sensitivity analysis of a scenario: which methods, on which metrics,
//! with which sizes, and everything they found. This is what `cradle
//! sensitivity` calls; another program can call [`analyse`] the same way.

use super::morris::{self, MorrisConfig, MorrisRow};
use super::prcc::{self, Dropped, PrccRow};
use super::sobol::{self, SobolConfig, SobolResult};
use super::threshold::{self, ThresholdRow};
use super::tornado::{self, TornadoRow};
use super::{default_metric, factors, resolve_metrics, single_factors};
use crate::error::Result;
use crate::model::Model;
use crate::scenario::Scenario;

/// A sensitivity method (`--method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// One-way swings, each input at a low and a high percentile.
    Tornado,
    /// Switching values: where net savings reach 0 or a claim is met exactly.
    Threshold,
    /// Variance-based first-order and total indices (Saltelli design).
    Sobol,
    /// Partial rank correlation and standardised regression coefficients.
    Prcc,
    /// Morris elementary effects.
    Morris,
    /// All of the above.
    All,
}

impl Method {
    /// The name on the command line and in sensitivity_run.csv.
    pub fn name(self) -> &'static str {
        match self {
            Method::Tornado => "tornado",
            Method::Threshold => "threshold",
            Method::Sobol => "sobol",
            Method::Prcc => "prcc",
            Method::Morris => "morris",
            Method::All => "all",
        }
    }

    /// Whether this choice runs `method`.
    pub fn includes(self, method: Method) -> bool {
        self == method || self == Method::All
    }
}

/// Sobol base samples N when `samples` is not given.
pub const DEFAULT_SOBOL_SAMPLES: u64 = 8192;
/// PRCC iterations when `samples` is not given.
pub const DEFAULT_PRCC_ITERATIONS: u64 = 10_000;

/// What to analyse.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityConfig {
    /// The method (or all of them).
    pub method: Method,
    /// Metric names; empty means net_savings, else the first metric.
    pub metrics: Vec<String>,
    /// Sobol base samples N (rounded up to a power of two) or PRCC iterations;
    /// `None` for each method's default.
    pub samples: Option<u64>,
    /// Seed of every random stream.
    pub seed: u64,
    /// Tornado range, in percentiles of each input's distribution.
    pub range: (f64, f64),
    /// Also estimate second-order Sobol indices.
    pub second_order: bool,
    /// Bootstrap resamples for Sobol and Morris intervals.
    pub bootstrap: usize,
    /// Morris trajectories r.
    pub trajectories: usize,
    /// Morris grid levels p.
    pub levels: usize,
}

/// Everything one analysis found; a method that did not run is `None`.
#[derive(Debug, Clone)]
pub struct SensitivityResult {
    /// The metrics analysed.
    pub metrics: Vec<String>,
    /// One-way swings.
    pub tornado: Option<Vec<TornadoRow>>,
    /// Switching values.
    pub threshold: Option<Vec<ThresholdRow>>,
    /// Sobol indices, with the base sample size N actually used.
    pub sobol: Option<(SobolResult, usize)>,
    /// PRCC/SRC, the non-finite rows dropped per metric, and the iterations.
    pub prcc: Option<(Vec<PrccRow>, Dropped, u64)>,
    /// Morris elementary effects.
    pub morris: Option<Vec<MorrisRow>>,
    /// Remarks on how the analysis was done (e.g. a rounded sample size).
    pub notes: Vec<String>,
    /// Problems with the results (e.g. non-finite outputs dropped).
    pub warnings: Vec<String>,
}

/// Run the sensitivity methods of `config` on `pool`. Deterministic for a
/// seed, whatever the pool's size.
pub fn analyse(
    scenario: &Scenario,
    model: &Model,
    config: &SensitivityConfig,
    pool: &rayon::ThreadPool,
) -> Result<SensitivityResult> {
    analyse_with(scenario, model, config, pool, &mut |_, _, _| {})
}

/// [`analyse`], calling `progress(method, done, total)` as each method
/// advances: tornado, switching values and Morris once at their start and
/// once at their end (they take milliseconds); Sobol after each evaluated
/// matrix and each metric's bootstrap (`sobol::progress_steps`); PRCC in
/// iterations of its sample. The callback runs on the calling thread; the
/// library prints nothing.
pub fn analyse_with(
    scenario: &Scenario,
    model: &Model,
    config: &SensitivityConfig,
    pool: &rayon::ThreadPool,
    progress: &mut (dyn FnMut(Method, u64, u64) + Send),
) -> Result<SensitivityResult> {
    let names = if config.metrics.is_empty() {
        vec![default_metric(model)]
    } else {
        config.metrics.clone()
    };
    let metrics = resolve_metrics(model, &names)?;
    let method = config.method;
    let mut result = SensitivityResult {
        metrics: names,
        tornado: None,
        threshold: None,
        sobol: None,
        prcc: None,
        morris: None,
        notes: Vec::new(),
        warnings: Vec::new(),
    };
    let independent = [Method::Tornado, Method::Threshold, Method::Morris];
    if model.correlation.is_some() && independent.iter().any(|m| method.includes(*m)) {
        result.notes.push(
            "tornado, switching values and Morris treat inputs as independent, so [[correlation]] is not applied there (Sobol indices and PRCC use it)".into(),
        );
    }
    if method.includes(Method::Tornado) {
        progress(Method::Tornado, 0, 1);
        result.tornado = Some(tornado::tornado(model, &metrics, config.range));
        progress(Method::Tornado, 1, 1);
    }
    if method.includes(Method::Threshold) {
        progress(Method::Threshold, 0, 1);
        let targets = threshold::default_targets(model, &metrics);
        result.threshold = Some(threshold::threshold(model, &targets));
        progress(Method::Threshold, 1, 1);
    }
    if method.includes(Method::Sobol) {
        let requested = config.samples.unwrap_or(DEFAULT_SOBOL_SAMPLES) as usize;
        let n = sobol::round_to_power_of_two(requested);
        if n != requested {
            result.notes.push(format!(
                "Sobol base sample size rounded up from {requested} to {n} (a power of two keeps the Sobol points balanced)"
            ));
        }
        let sobol_config = SobolConfig {
            base_samples: n,
            seed: config.seed,
            bootstrap: config.bootstrap,
            second_order: config.second_order,
        };
        let factors = factors(scenario, model);
        if model.correlation.is_some() {
            result.notes.push(
                "Sobol indices: the parameters of each group are drawn jointly with their [[correlation]] (a Gaussian copula) and swapped as one block, so a group's index is the share of variance of the group as a whole".into(),
            );
        }
        for f in &factors {
            if f.inputs.len() > 1 && !scenario.groups.iter().any(|g| g.name == f.name) {
                result.notes.push(format!(
                    "Sobol indices: the correlated parameters {} are in no [[group]], so they are analysed as one factor, '{}'; name it with a [[group]]",
                    f.inputs
                        .iter()
                        .map(|&i| format!("'{}'", model.inputs[i].name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    f.name
                ));
            }
        }
        let found = pool.install(|| {
            sobol::sobol_with(model, &factors, &metrics, &sobol_config, &mut |done, total| {
                progress(Method::Sobol, done, total)
            })
        })?;
        result
            .warnings
            .extend(found.warnings.iter().map(|w| format!("Sobol: {w}")));
        for (metric, dropped) in &found.dropped {
            if *dropped > 0 {
                result.warnings.push(format!(
                    "Sobol: {dropped} of {n} rows gave a non-finite {metric}; dropped from every matrix"
                ));
            }
        }
        result.sobol = Some((found, n));
    }
    if method.includes(Method::Prcc) {
        let n = config.samples.unwrap_or(DEFAULT_PRCC_ITERATIONS);
        let (rows, dropped) = prcc::prcc_with(model, &metrics, n, config.seed, pool, &mut |done, total| {
            progress(Method::Prcc, done, total)
        })?;
        for (metric, count) in &dropped {
            if *count > 0 {
                result.warnings.push(format!(
                    "PRCC: {count} of {n} iterations gave a non-finite {metric}; left out"
                ));
            }
        }
        result.prcc = Some((rows, dropped, n));
    }
    if method.includes(Method::Morris) {
        let morris_config = MorrisConfig {
            trajectories: config.trajectories,
            levels: config.levels,
            seed: config.seed,
            bootstrap: config.bootstrap,
        };
        progress(Method::Morris, 0, 1);
        result.morris = Some(pool.install(|| morris::morris(model, &single_factors(model), &metrics, &morris_config))?);
        progress(Method::Morris, 1, 1);
    }
    Ok(result)
}
