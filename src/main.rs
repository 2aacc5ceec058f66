//! The `cradle` binary: parse the command line, call the library, report.
//! Exit codes: 0 success, 2 bad input (scenario, arguments, output), 1 other.

mod cli;
mod terminal;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;

use cradle::output::{self, RunInfo, SampleWriter};
use cradle::{Model, RunConfig, Scenario, engine};

use crate::cli::{Cli, Cmd, CompareArgs, Method, RunArgs, SensitivityArgs};
use cradle::output::sensitivity as sens_out;
use cradle::sensitivity::{self, morris, prcc, sobol, threshold, tornado};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            let bad_input = err.chain().any(|e| {
                e.downcast_ref::<cradle::Error>()
                    .is_some_and(cradle::Error::is_bad_input)
            });
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.cmd {
        Cmd::Check { scenario } => check(&scenario),
        Cmd::Run(args) => run(args),
        Cmd::Sensitivity(args) => sensitivity(args),
        Cmd::Compare(args) => compare(args),
    }
}

fn compare(args: CompareArgs) -> anyhow::Result<()> {
    let scenarios: Vec<Scenario> = args.scenarios.iter().map(load).collect::<anyhow::Result<_>>()?;
    let models: Vec<Model> = scenarios.iter().map(Model::compile).collect();
    let labelled: Vec<(String, &Model)> = scenarios
        .iter()
        .zip(&models)
        .map(|(s, m)| {
            (
                s.path
                    .file_stem()
                    .map_or_else(|| s.path.display().to_string(), |x| x.to_string_lossy().into_owned()),
                m,
            )
        })
        .collect();
    let config = RunConfig {
        iterations: args.iterations.unwrap_or(scenarios[0].settings.iterations),
        seed: args.seed.unwrap_or(scenarios[0].settings.seed),
        threads: args.threads,
        keep_samples: false,
        ..RunConfig::default()
    };
    if config.iterations == 0 {
        return Err(cradle::Error::Config("-n/--iterations must be at least 1".into()).into());
    }
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("out").join("compare"));
    output::prepare_dir(&out_dir).context("preparing the output directory")?;
    let start = Instant::now();
    let comparison = cradle::compare::compare(&labelled, &config)?;
    output::comparison::write_comparison(&out_dir, &comparison)?;
    if !args.quiet {
        print!(
            "{}",
            terminal::compare_table(&comparison, start.elapsed().as_secs_f64(), &out_dir)
        );
    }
    Ok(())
}

fn default_out(scenario: &std::path::Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("out").join(stem)
}

fn parse_range(text: &str) -> Result<(f64, f64), cradle::Error> {
    let bad = || {
        cradle::Error::Config(format!(
            "--range expects LO,HI percentiles with 0 < LO < HI < 100, got '{text}'"
        ))
    };
    let (lo, hi) = text.split_once(',').ok_or_else(bad)?;
    let (lo, hi): (f64, f64) = (
        lo.trim().parse().map_err(|_| bad())?,
        hi.trim().parse().map_err(|_| bad())?,
    );
    if !(0.0 < lo && lo < hi && hi < 100.0) {
        return Err(bad());
    }
    Ok((lo, hi))
}

/// The --precision stopping rule, if asked for.
fn precision(
    model: &Model,
    relative: Option<f64>,
    metric: Option<&str>,
) -> Result<Option<cradle::engine::Precision>, cradle::Error> {
    let Some(relative) = relative else { return Ok(None) };
    if !(relative > 0.0 && relative < 1.0) {
        return Err(cradle::Error::Config(format!(
            "--precision expects a fraction in (0, 1) such as 0.01, got {relative}"
        )));
    }
    let name = metric.map_or_else(|| model.metric_or_first("value_per_child"), str::to_string);
    let index = sensitivity::resolve_metrics(model, std::slice::from_ref(&name))?[0];
    Ok(Some(cradle::engine::Precision {
        metric: index,
        relative,
    }))
}

fn sensitivity(args: SensitivityArgs) -> anyhow::Result<()> {
    let scenario = load(&args.scenario)?;
    let model = Model::compile(&scenario);
    let names = if args.metrics.is_empty() {
        vec![sensitivity::default_metric(&model)]
    } else {
        args.metrics.clone()
    };
    let metrics = sensitivity::resolve_metrics(&model, &names)?;
    let independent = [Method::Tornado, Method::Threshold, Method::Sobol, Method::Morris];
    if model.correlation.is_some()
        && independent
            .iter()
            .any(|m| args.method == *m || args.method == Method::All)
        && !args.quiet
    {
        eprintln!(
            "note: tornado, switching values, Sobol indices and Morris treat inputs as independent, so [[correlation]] is not applied there (PRCC uses it); for Sobol indices of correlated inputs, put them in a [[group]]"
        );
    }
    let range = parse_range(&args.range)?;
    let seed = args.seed.unwrap_or(scenario.settings.seed);
    if let Some(t) = args.threads {
        if t == 0 {
            return Err(cradle::Error::Config("--threads must be at least 1".into()).into());
        }
        // Results never depend on the thread count; this only sets the pool size.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(t).build_global();
    }
    let wants = |m: Method| args.method == m || args.method == Method::All;
    let out_dir = args.out.clone().unwrap_or_else(|| default_out(&args.scenario));
    output::prepare_dir(&out_dir).context("preparing the output directory")?;
    let start = Instant::now();
    let mut manifest: Vec<(String, String)> = vec![
        ("scenario".into(), scenario.path.display().to_string()),
        ("scenario_sha256".into(), scenario.sha256.clone()),
        ("method".into(), format!("{:?}", args.method).to_lowercase()),
        ("metrics".into(), names.join(";")),
        ("seed".into(), seed.to_string()),
        ("version".into(), env!("CARGO_PKG_VERSION").to_string()),
    ];
    let mut written = Vec::new();
    if wants(Method::Tornado) {
        written.push(sens_out::write_tornado(
            &out_dir,
            &tornado::tornado(&model, &metrics, range),
        )?);
        manifest.push(("tornado_range".into(), format!("{},{}", range.0, range.1)));
    }
    if wants(Method::Threshold) {
        let targets = threshold::default_targets(&model, &metrics);
        written.push(sens_out::write_threshold(
            &out_dir,
            &threshold::threshold(&model, &targets),
        )?);
    }
    if wants(Method::Sobol) {
        let requested = args.iterations.unwrap_or(8192) as usize;
        let n = sobol::round_to_power_of_two(requested);
        if n != requested && !args.quiet {
            eprintln!(
                "note: Sobol base sample size rounded up from {requested} to {n} (a power of two keeps the Sobol points balanced)"
            );
        }
        let factors = sensitivity::factors(&scenario, &model);
        let config = sobol::SobolConfig {
            base_samples: n,
            seed,
            bootstrap: args.bootstrap,
            second_order: args.second_order,
        };
        let result = sobol::sobol(&model, &factors, &metrics, &config)?;
        for (metric, dropped) in &result.dropped {
            manifest.push((format!("sobol_nonfinite_{metric}"), dropped.to_string()));
            if *dropped > 0 {
                eprintln!(
                    "warning: Sobol: {dropped} of {n} rows gave a non-finite {metric}; dropped from every matrix"
                );
            }
        }
        manifest.push(("sobol_base_samples".into(), n.to_string()));
        manifest.push(("sobol_evaluations".into(), result.evaluations.to_string()));
        manifest.push(("bootstrap".into(), args.bootstrap.to_string()));
        written.extend(sens_out::write_sobol(&out_dir, &result)?);
    }
    if wants(Method::Prcc) {
        let n = args.iterations.unwrap_or(10_000);
        let (rows, dropped) = prcc::prcc(&model, &metrics, n, seed, args.threads)?;
        for (metric, count) in dropped {
            manifest.push((format!("prcc_nonfinite_{metric}"), count.to_string()));
            if count > 0 {
                eprintln!("warning: PRCC: {count} of {n} iterations gave a non-finite {metric}; left out");
            }
        }
        manifest.push(("prcc_iterations".into(), n.to_string()));
        written.push(sens_out::write_prcc(&out_dir, &rows)?);
    }
    if wants(Method::Morris) {
        let factors = sensitivity::single_factors(&model);
        let config = morris::MorrisConfig {
            trajectories: args.trajectories,
            levels: args.levels,
            seed,
            bootstrap: args.bootstrap,
        };
        written.push(sens_out::write_morris(
            &out_dir,
            &morris::morris(&model, &factors, &metrics, &config)?,
        )?);
        manifest.push(("morris_trajectories".into(), args.trajectories.to_string()));
        manifest.push(("morris_levels".into(), args.levels.to_string()));
    }
    manifest.push(("elapsed_s".into(), format!("{:.3}", start.elapsed().as_secs_f64())));
    written.push(sens_out::write_manifest(&out_dir, "sensitivity_run.csv", &manifest)?);
    if !args.quiet {
        for path in written {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

fn load(path: &PathBuf) -> anyhow::Result<Scenario> {
    Scenario::load(path).with_context(|| format!("loading scenario {}", path.display()))
}

fn check(path: &PathBuf) -> anyhow::Result<()> {
    let scenario = load(path)?;
    let model = Model::compile(&scenario);
    print!("{}", terminal::base_case_table(&scenario, &model));
    Ok(())
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let scenario = load(&args.scenario)?;
    let model = Model::compile(&scenario);
    let config = RunConfig {
        iterations: args.iterations.unwrap_or(scenario.settings.iterations),
        seed: args.seed.unwrap_or(scenario.settings.seed),
        threads: args.threads,
        keep_samples: args.samples,
        sampler: args.sampler.map_or(scenario.settings.sampler, Into::into),
        precision: precision(&model, args.precision, args.metric.as_deref())?,
    };
    if config.iterations == 0 {
        return Err(cradle::Error::Config("-n/--iterations must be at least 1".into()).into());
    }
    if config.sampler == cradle::sampling::Sampler::Sobol && !config.iterations.is_power_of_two() {
        eprintln!(
            "warning: {} iterations is not a power of two: Sobol points are balanced only at powers of two (next: {})",
            config.iterations,
            config.iterations.next_power_of_two()
        );
    }
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .scenario
            .file_stem()
            .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("out").join(stem)
    });
    output::prepare_dir(&out_dir).context("preparing the output directory")?;

    let samples = if args.samples {
        Some(SampleWriter::create(&out_dir, &model)?)
    } else {
        None
    };
    let mut observer = terminal::RunObserver::new(args.quiet, samples);
    let start = Instant::now();
    let result = engine::run(&model, &config, &mut observer)?;
    let elapsed_s = start.elapsed().as_secs_f64();
    let samples = observer.finish();
    if let Some(writer) = samples {
        writer.commit()?;
    }
    let info = RunInfo {
        sampler: config.sampler.name().into(),
        precision: config.precision.clone(),
        iterations_cap: config.iterations,
        elapsed_s,
        samples: args.samples,
    };
    output::write_run(&out_dir, &scenario, &model, &result, &info)?;
    for warning in &result.warnings {
        eprintln!("warning: {warning}");
    }
    if result.nonfinite_iterations > 0 {
        eprintln!(
            "warning: {} of {} iterations gave a non-finite result (NaN or infinite); they are left out of the statistics and counted in run.csv (nonfinite)",
            result.nonfinite_iterations, result.iterations
        );
    }
    if !args.quiet {
        print!(
            "{}",
            terminal::run_table(&scenario, &model, &result, elapsed_s, &out_dir)
        );
    }
    Ok(())
}
