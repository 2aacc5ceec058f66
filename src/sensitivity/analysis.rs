//! One sensitivity analysis of a scenario: which methods, on which metrics,
//! with which sizes, and everything they found. This is what `cradle
//! sensitivity` calls; another program can call [`analyse`] the same way.

use super::morris::{self, MorrisConfig, MorrisRow};
use super::prcc::{self, Dropped, PrccRow};
use super::sobol::{self, SobolConfig, SobolResult};
use super::threshold::{self, ThresholdRow};
use super::tornado::{self, TornadoRow};
use super::{MAX_BOOTSTRAP, default_metric, factors, resolve_metrics, single_factors};
use crate::error::{Error, Result};
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
/// The most PRCC iterations accepted. PRCC keeps every sample in memory
/// (and ranks a copy), so `-n` is bounded to keep a typo from exhausting
/// it; at 10^7 the standard error of a PRCC is below 3·10^-4.
pub const MAX_PRCC_ITERATIONS: u64 = 10_000_000;

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

impl SensitivityConfig {
    /// Check every setting against `model` before any work starts; returns
    /// the Sobol base sample size N to use (rounded up to a power of two)
    /// when Sobol indices are asked for.
    ///
    /// Limits: Sobol N from 64 to 2^24 (`sobol::MIN_BASE_SAMPLES`,
    /// `sobol::MAX_BASE_SAMPLES`); PRCC iterations from k + 3 to 10^7
    /// (`prcc::min_iterations`, [`MAX_PRCC_ITERATIONS`]); Morris trajectories
    /// from 2 to 10,000 and an even number of levels from 2 to 100;
    /// bootstrap resamples up to 100,000 ([`super::MAX_BOOTSTRAP`]); the
    /// tornado range 0 < low < high < 100.
    pub fn validate(&self, model: &Model) -> Result<Option<usize>> {
        let (low, high) = self.range;
        if !(0.0 < low && low < high && high < 100.0) {
            return Err(Error::Config(format!(
                "the tornado range must be percentiles with 0 < low < high < 100, got ({low}, {high})"
            )));
        }
        if self.bootstrap > MAX_BOOTSTRAP {
            return Err(Error::Config(format!(
                "--bootstrap must be at most {MAX_BOOTSTRAP} (percentile intervals settle by a few thousand), got {}",
                self.bootstrap
            )));
        }
        let mut sobol_n = None;
        if self.method.includes(Method::Sobol) {
            let requested = self.samples.unwrap_or(DEFAULT_SOBOL_SAMPLES);
            let (min, max) = (sobol::MIN_BASE_SAMPLES as u64, sobol::MAX_BASE_SAMPLES as u64);
            if requested < min {
                return Err(Error::Config(format!(
                    "Sobol indices need at least {min} base samples (-n), got {requested}: their Monte Carlo error is of order 1/√N, over 0.1 below {min}, so the indices would be noise (1024 or more is usual)"
                )));
            }
            if requested > max {
                return Err(Error::Config(format!(
                    "Sobol base samples (-n) must be at most 2^24 = {max} (the design is held in memory), got {requested}"
                )));
            }
            let requested = usize::try_from(requested).expect("at most 2^24");
            sobol_n = Some(sobol::round_to_power_of_two(requested).expect("at most 2^24"));
        }
        if self.method.includes(Method::Prcc) {
            let n = self.samples.unwrap_or(DEFAULT_PRCC_ITERATIONS);
            let k = single_factors(model).len();
            let min = prcc::min_iterations(k);
            if n < min {
                return Err(Error::Config(format!(
                    "PRCC on {k} uncertain inputs needs at least k + 3 = {min} iterations (-n), got {n}: with fewer, the partial correlations and their intervals are not defined ({} or more is advisable)",
                    (10 * k as u64).max(min)
                )));
            }
            if n > MAX_PRCC_ITERATIONS {
                return Err(Error::Config(format!(
                    "PRCC iterations (-n) must be at most {MAX_PRCC_ITERATIONS} (every sample is held in memory), got {n}"
                )));
            }
        }
        if self.method.includes(Method::Morris) {
            let (r, p) = (self.trajectories, self.levels);
            if !(2..=morris::MAX_TRAJECTORIES).contains(&r) {
                return Err(Error::Config(format!(
                    "Morris needs from 2 to {} trajectories (--trajectories; σ needs two, 10 to 50 is usual), got {r}",
                    morris::MAX_TRAJECTORIES
                )));
            }
            if p < 2 || p % 2 == 1 || p > morris::MAX_LEVELS {
                return Err(Error::Config(format!(
                    "Morris needs an even number of levels from 2 to {} (--levels; 4 is usual), got {p}",
                    morris::MAX_LEVELS
                )));
            }
        }
        Ok(sobol_n)
    }
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
    let sobol_n = config.validate(model)?;
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
    if let Some(n) = sobol_n {
        let requested = config.samples.unwrap_or(DEFAULT_SOBOL_SAMPLES);
        if n as u64 != requested {
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
        let k = single_factors(model).len();
        if n < 10 * k as u64 {
            result.warnings.push(format!(
                "PRCC: {n} iterations for {k} uncertain inputs is fewer than 10 per input ({}); the partial correlations are imprecise (see their intervals)",
                10 * k
            ));
        }
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
        let warnings = prcc_undefined_warnings(&result.metrics, &rows);
        result.warnings.extend(warnings);
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

/// Why some PRCCs are undefined (NaN, an empty field in prcc.csv), per metric.
fn prcc_undefined_warnings(metrics: &[String], rows: &[PrccRow]) -> Vec<String> {
    let mut warnings = Vec::new();
    for metric in metrics {
        let block: Vec<&PrccRow> = rows.iter().filter(|r| &r.metric == metric).collect();
        let exact: Vec<&str> = block
            .iter()
            .filter(|r| r.prcc.abs() == 1.0)
            .map(|r| r.parameter.as_str())
            .collect();
        let undefined: Vec<&str> = block
            .iter()
            .filter(|r| r.prcc.is_nan())
            .map(|r| r.parameter.as_str())
            .collect();
        if undefined.is_empty() {
            continue;
        }
        warnings.push(if exact.is_empty() {
            format!(
                "PRCC: the partial correlations of {} with {metric} are undefined (left empty): the rank correlation matrix is singular",
                undefined.join(", ")
            )
        } else {
            format!(
                "PRCC: the ranks of {metric} follow those of {} exactly ({metric} is a monotone function of it, at least in this sample), so its PRCC is ±1 with p = 0 and the partial correlations of {} are undefined (left empty): nothing is left for them to explain",
                exact.join(", "),
                undefined.join(", ")
            )
        });
    }
    warnings
}
