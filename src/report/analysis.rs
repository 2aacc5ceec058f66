//! What `cradle report` computes: the run, the one-way analyses (tornado,
//! switching values), Sobol indices, PRCC (and Morris, which costs nothing
//! beside them), the value of information of the decision to fund (when
//! the scenario has a programme, so net savings), and with variants the
//! paired comparison on common random numbers; each by the library
//! function its own command calls, on one pool, so that the report's CSV
//! files are those commands' files.
//!
//! The default sizes keep the headline scenario with two variants to about
//! ten seconds on two cores (README, "Report"): 10^6 iterations (or the
//! scenario's `[settings] iterations`), Sobol N = 2^17 with 1,000 bootstrap
//! resamples, PRCC on 10^5 iterations, the value of information on the
//! run's own draws (same iterations, seed and sampler) with a population
//! EVPI over 10 years.

use crate::chunk::CHUNK_SIZE;
use crate::compare::{Comparison, compare_with};
use crate::discount::Years;
use crate::engine::{self, Observer, RunConfig, RunResult};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::sampling::Sampler;
use crate::scenario::Scenario;
use crate::sensitivity::{self, Method, SensitivityConfig, SensitivityResult};
use crate::voi::{VoiConfig, VoiPlan, VoiResult, VoiState};

/// Sobol base samples N of a report (a power of two).
pub const DEFAULT_SOBOL_SAMPLES: u64 = 1 << 17;
/// PRCC iterations of a report.
pub const DEFAULT_PRCC_ITERATIONS: u64 = 100_000;
/// Bootstrap resamples of a report's Sobol and Morris intervals.
pub const DEFAULT_BOOTSTRAP: usize = 1000;
/// Years of annual cohorts over which a report states the population EVPI.
pub const DEFAULT_HORIZON: Years = 10;
/// The metric whose sign is the decision to fund, for the value of information.
pub const DECISION_METRIC: &str = "net_savings";

/// What to compute, and how big.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportConfig {
    /// Iterations of the run and of each scenario in the comparison.
    pub iterations: u64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Sampling design of the run (the comparison is plain Monte Carlo, to
    /// keep common random numbers).
    pub sampler: Sampler,
    /// Sobol base samples N (a power of two).
    pub sobol_samples: u64,
    /// PRCC iterations.
    pub prcc_iterations: u64,
    /// Bootstrap resamples for Sobol and Morris intervals.
    pub bootstrap: usize,
    /// Tornado range, in percentiles.
    pub range: (f64, f64),
    /// The metric the report is about; `None`: see [`headline_metric`].
    pub metric: Option<String>,
    /// Years of annual cohorts for the population EVPI (`None`: per cohort only).
    pub horizon: Option<Years>,
}

impl ReportConfig {
    /// The report's defaults for `scenario`: its seed, sampler and
    /// iterations (10^6 when `[settings]` does not say), and the sizes above.
    pub fn for_scenario(scenario: &Scenario) -> ReportConfig {
        ReportConfig {
            iterations: scenario.settings.iterations,
            seed: scenario.settings.seed,
            sampler: scenario.settings.sampler,
            sobol_samples: DEFAULT_SOBOL_SAMPLES,
            prcc_iterations: DEFAULT_PRCC_ITERATIONS,
            bootstrap: DEFAULT_BOOTSTRAP,
            range: (5.0, 95.0),
            metric: None,
            horizon: Some(DEFAULT_HORIZON),
        }
    }

    /// Check every setting against `model` before any work starts (and
    /// before any output file is opened): at least one iteration, a metric
    /// the model has, and the sizes of each sensitivity method
    /// ([`SensitivityConfig::validate`]: Sobol N from 64 to 2^24, PRCC
    /// iterations from k + 3 to 10^7, bootstrap resamples up to 100,000, the
    /// tornado range), and the value-of-information plan (the horizon).
    /// Returns the Sobol base sample size N to use: the requested one
    /// rounded up to a power of two.
    pub fn validate(&self, scenario: &Scenario, model: &Model) -> Result<u64> {
        if self.iterations == 0 {
            return Err(Error::Config("-n/--iterations must be at least 1".into()));
        }
        let metric = match &self.metric {
            Some(m) => {
                model.metric_index(m)?;
                m.clone()
            }
            None => headline_metric(model),
        };
        let mut sobol_n = self.sobol_samples;
        for method in [Method::Sobol, Method::Prcc, Method::Morris, Method::Tornado] {
            let checked = self.sensitivity_config(&metric, method).validate(model);
            let checked = checked.map_err(|e| match e {
                // The report's flags for the sample sizes are its own.
                Error::Config(text) => Error::Config(text.replace(
                    "(-n)",
                    if method == Method::Sobol {
                        "(--sobol-samples)"
                    } else {
                        "(--prcc-iterations)"
                    },
                )),
                other => other,
            })?;
            if let Some(n) = checked {
                sobol_n = n as u64;
            }
        }
        if let Some(voi) = self.voi_config(scenario, model) {
            VoiPlan::new(scenario, model, &voi)?;
        }
        Ok(sobol_n)
    }

    /// The value-of-information analysis of the report: the decision to
    /// fund (net savings > 0) on the run's own draws, every uncertain
    /// parameter and the scenario's groups, EVPI over the horizon; `None`
    /// when the model has no net savings (no programme, so no decision).
    pub fn voi_config(&self, scenario: &Scenario, model: &Model) -> Option<VoiConfig> {
        model.metric_index(DECISION_METRIC).ok()?;
        Some(VoiConfig {
            metric: Some(DECISION_METRIC.to_string()),
            horizon: self.horizon,
            iterations: self.iterations,
            seed: self.seed,
            sampler: self.sampler,
            ..VoiConfig::for_scenario(scenario)
        })
    }

    /// The configuration of the run.
    pub fn run_config(&self) -> RunConfig {
        RunConfig {
            iterations: self.iterations,
            seed: self.seed,
            threads: None,
            keep_samples: false,
            sampler: self.sampler,
            precision: None,
        }
    }

    /// The configuration of the sensitivity analysis of `metric`.
    pub fn sensitivity_config(&self, metric: &str, method: Method) -> SensitivityConfig {
        SensitivityConfig {
            method,
            metrics: vec![metric.to_string()],
            samples: Some(match method {
                Method::Prcc => self.prcc_iterations,
                _ => self.sobol_samples,
            }),
            seed: self.seed,
            range: self.range,
            second_order: false,
            bootstrap: self.bootstrap,
            trajectories: 50,
            levels: 4,
        }
    }
}

/// The metric a report is about when none is named: the first metric with
/// a `[claim]`, else value_per_child, else the first metric.
pub fn headline_metric(model: &Model) -> String {
    let metrics = &model.outputs[..model.n_metrics];
    match metrics.iter().find(|m| m.claim.is_some()) {
        Some(m) => m.name.clone(),
        None => model.metric_or_first("value_per_child"),
    }
}

/// A stage of the report's work, for progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The Monte Carlo run.
    Run,
    /// A sensitivity method.
    Sensitivity(Method),
    /// The value of information.
    Voi,
    /// The comparison with the variants.
    Compare,
}

impl Stage {
    /// A short name for a progress bar.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Run => "run",
            Stage::Sensitivity(Method::Tornado) => "tornado",
            Stage::Sensitivity(Method::Threshold) => "switching values",
            Stage::Sensitivity(Method::Sobol) => "Sobol indices",
            Stage::Sensitivity(Method::Prcc) => "PRCC",
            Stage::Sensitivity(Method::Morris) => "Morris",
            Stage::Sensitivity(Method::All) => "sensitivity",
            Stage::Voi => "value of info",
            Stage::Compare => "compare",
        }
    }
}

/// Everything a report found.
#[derive(Debug, Clone)]
pub struct Analyses {
    /// The metric the report is about.
    pub metric: String,
    /// The run.
    pub run: RunResult,
    /// The sensitivity configuration used (for sensitivity_run.csv).
    pub sensitivity_config: SensitivityConfig,
    /// Tornado, switching values, Sobol, PRCC and Morris of `metric`.
    pub sensitivity: SensitivityResult,
    /// The value of information, when the model has net savings.
    pub voi: Option<Voi>,
    /// Worker threads of the pool (for voi_run.csv; nothing depends on it).
    pub threads: usize,
    /// The scenario against each variant, when there are variants.
    pub comparison: Option<Comparison>,
    /// Seconds each part took: run, sensitivity, value of information,
    /// comparison (for run.csv, sensitivity_run.csv and voi_run.csv; the
    /// page itself shows no timings).
    pub elapsed_s: [f64; 4],
}

/// The value-of-information analysis of a report: what was asked, and what
/// it found.
#[derive(Debug, Clone)]
pub struct Voi {
    /// The configuration (for voi_run.csv).
    pub config: VoiConfig,
    /// EVPI, population EVPI and EVPPI.
    pub result: VoiResult,
}

/// Run the value-of-information plan (of `iterations` draws) in about
/// twenty ranges of chunks, calling `progress` after each: joined, the ranges give exactly the
/// result of one run over all of them (`voi::VoiState`).
fn value_of_information(
    plan: &VoiPlan<'_>,
    iterations: u64,
    pool: &rayon::ThreadPool,
    progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
) -> Result<VoiResult> {
    let chunks = plan.chunks();
    let step = chunks.div_ceil(20).max(1);
    let mut state: Option<VoiState> = None;
    let mut first = 0;
    while first < chunks {
        let end = (first + step).min(chunks);
        let part = plan.run_range((first, end), pool)?;
        match &mut state {
            None => state = Some(part),
            Some(s) => s.append(part)?,
        }
        progress(Stage::Voi, (end * CHUNK_SIZE as u64).min(iterations), iterations);
        first = end;
    }
    plan.finish(&state.expect("at least one chunk"))
}

/// Passes the engine's progress on as a stage's.
struct StageObserver<'p> {
    stage: Stage,
    progress: &'p mut (dyn FnMut(Stage, u64, u64) + Send),
}

impl Observer for StageObserver<'_> {
    fn progress(&mut self, done: u64, total: u64) {
        (self.progress)(self.stage, done, total);
    }
}

/// Run every analysis of a report of `scenario` (compiled as `model`),
/// compared with `variants` (each a scenario and its model) when there are
/// any, on `pool`. `progress(stage, done, total)` is called on the calling
/// thread as each stage advances; nothing is printed. Deterministic for a
/// seed, whatever the pool's size.
pub fn analyse(
    scenario: &Scenario,
    model: &Model,
    variants: &[(&Scenario, &Model)],
    config: &ReportConfig,
    pool: &rayon::ThreadPool,
    progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
) -> Result<Analyses> {
    if config.validate(scenario, model)? != config.sobol_samples {
        return Err(Error::Config(format!(
            "the Sobol base sample size must be a power of two, got {} (ReportConfig::validate gives the rounded size)",
            config.sobol_samples
        )));
    }
    let metric = config.metric.clone().unwrap_or_else(|| headline_metric(model));
    let clock = std::time::Instant::now();
    let run = engine::run_on(
        model,
        &config.run_config(),
        pool,
        &mut StageObserver {
            stage: Stage::Run,
            progress: &mut *progress,
        },
    )?;
    let run_s = clock.elapsed().as_secs_f64();

    let clock = std::time::Instant::now();
    // Sobol and PRCC have their own sample sizes, so they are run one by one
    // and their results put together as one `--method all` would be.
    let mut sensitivity = sensitivity::analyse_with(
        scenario,
        model,
        &config.sensitivity_config(&metric, Method::Sobol),
        pool,
        &mut |m, d, t| progress(Stage::Sensitivity(m), d, t),
    )?;
    for method in [Method::Tornado, Method::Threshold, Method::Morris, Method::Prcc] {
        let part = sensitivity::analyse_with(
            scenario,
            model,
            &config.sensitivity_config(&metric, method),
            pool,
            &mut |m, d, t| progress(Stage::Sensitivity(m), d, t),
        )?;
        sensitivity.tornado = sensitivity.tornado.or(part.tornado);
        sensitivity.threshold = sensitivity.threshold.or(part.threshold);
        sensitivity.morris = sensitivity.morris.or(part.morris);
        sensitivity.prcc = sensitivity.prcc.or(part.prcc);
        for note in part.notes {
            if !sensitivity.notes.contains(&note) {
                sensitivity.notes.push(note);
            }
        }
        sensitivity.warnings.extend(part.warnings);
    }
    let mut sensitivity_config = config.sensitivity_config(&metric, Method::All);
    sensitivity_config.samples = None;
    let sensitivity_s = clock.elapsed().as_secs_f64();

    let clock = std::time::Instant::now();
    let voi = match config.voi_config(scenario, model) {
        Some(voi_config) => {
            let plan = VoiPlan::new(scenario, model, &voi_config)?;
            let result = value_of_information(&plan, voi_config.iterations, pool, progress)?;
            Some(Voi {
                config: voi_config,
                result,
            })
        }
        None => None,
    };
    let voi_s = clock.elapsed().as_secs_f64();

    let clock = std::time::Instant::now();
    let comparison = if variants.is_empty() {
        None
    } else {
        let mut labelled: Vec<(String, &Model)> = vec![(scenario.label(), model)];
        for (s, m) in variants {
            let mut label = s.label();
            // Two variants with one file stem (from different folders) need
            // distinct labels in compare.csv.
            let mut n = 2;
            while labelled.iter().any(|(l, _)| *l == label) {
                label = format!("{}-{n}", s.label());
                n += 1;
            }
            labelled.push((label, m));
        }
        let cfg = RunConfig {
            sampler: Sampler::MonteCarlo,
            ..config.run_config()
        };
        Some(compare_with(
            &labelled,
            &cfg,
            pool,
            &mut StageObserver {
                stage: Stage::Compare,
                progress: &mut *progress,
            },
        )?)
    };
    let compare_s = clock.elapsed().as_secs_f64();
    Ok(Analyses {
        metric,
        run,
        sensitivity_config,
        sensitivity,
        voi,
        threads: pool.current_num_threads(),
        comparison,
        elapsed_s: [run_s, sensitivity_s, voi_s, compare_s],
    })
}
