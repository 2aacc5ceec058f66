//! `cradle run SCENARIO`: the Monte Carlo run, its CSV files and its summary.

use std::time::Instant;

use cradle::engine::{self, Precision, RunConfig};
use cradle::output::{self, RUN_FILES, RunInfo, SampleWriter};
use cradle::sampling::Sampler;
use cradle::{Error, Model};

use crate::cli::RunArgs;
use crate::terminal;

/// Run the command.
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let scenario = super::load(&args.scenario)?;
    super::show_notes(&scenario, args.quiet);
    let model = Model::new(&scenario)?;
    let precision = args
        .precision
        .map(|p| Precision::new(&model, p, args.metric.as_deref()))
        .transpose()?;
    let config = RunConfig {
        iterations: args.iterations.unwrap_or(scenario.settings.iterations),
        seed: args.seed.unwrap_or(scenario.settings.seed),
        threads: args.threads,
        keep_samples: args.samples,
        sampler: args.sampler.map_or(scenario.settings.sampler, Into::into),
        precision,
    };
    if config.iterations == 0 {
        return Err(Error::Config("-n/--iterations must be at least 1".into()).into());
    }
    if config.sampler == Sampler::Sobol && !config.iterations.is_power_of_two() {
        // checked: past 2^63 there is no next power of two in u64 (the
        // sampler then refuses the run: it has 2^32 points).
        let next = config
            .iterations
            .checked_next_power_of_two()
            .map_or_else(|| "none below 2^64".to_string(), |n| n.to_string());
        terminal::warn(&format!(
            "{} iterations is not a power of two: Sobol points are balanced only at powers of two (next: {next})",
            config.iterations,
        ));
    }
    let out_dir = args.out.clone().unwrap_or_else(|| super::default_out(&args.scenario));
    let pool = super::pool(args.threads)?;
    let mut set = super::open_set(&out_dir, &RUN_FILES)?;

    let samples = if args.samples {
        Some(SampleWriter::create(&mut set, &model)?)
    } else {
        None
    };
    let mut observer = terminal::RunObserver::new(args.quiet, samples);
    let start = Instant::now();
    let result = engine::run_on(&model, &config, &pool, &mut observer)?;
    let elapsed_s = start.elapsed().as_secs_f64();
    if let Some(writer) = observer.finish() {
        writer.finish(&mut set)?;
    }
    let info = RunInfo {
        sampler: config.sampler.name().into(),
        precision: config.precision.clone(),
        iterations_cap: config.iterations,
        elapsed_s,
        samples: args.samples,
    };
    output::write_run(&mut set, &scenario, &model, &result, &info)?;
    set.commit()?;
    for warning in &result.warnings {
        terminal::warn(warning);
    }
    if result.nonfinite_iterations > 0 {
        terminal::warn(&format!(
            "{} of {} iterations gave a non-finite result (NaN or infinite); they are left out of the statistics and counted in run.csv (nonfinite)",
            result.nonfinite_iterations, result.iterations
        ));
    }
    if !args.quiet {
        terminal::print(&terminal::run_table(&scenario, &model, &result, elapsed_s, &out_dir))?;
    }
    Ok(())
}
