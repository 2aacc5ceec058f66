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

use crate::cli::{Cli, Cmd, RunArgs};

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
    }
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
    };
    if config.iterations == 0 {
        return Err(cradle::Error::Config("-n/--iterations must be at least 1".into()).into());
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
        sampler: "mc".into(),
        elapsed_s,
        samples: args.samples,
    };
    output::write_run(&out_dir, &scenario, &model, &result, &info)?;
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
