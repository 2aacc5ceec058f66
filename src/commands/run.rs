//! `cradle run SCENARIO`: the Monte Carlo run, its CSV files and its
//! summary; with `--shard I/N --state FILE`, one shard of it, written as a
//! state file for `cradle merge`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cradle::chunk::chunk_count;
use cradle::engine::{self, Precision, RunConfig};
use cradle::output::{self, OutputSet, RUN_FILES, RunInfo, SampleWriter};
use cradle::sampling::Design;
use cradle::shard::{Body, Header, Kind, PendingFile, SamplesRecord, Shard, StateWriter};
use cradle::{Error, Model, RunResult, Scenario};

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
    let shard = super::shard_of(&args.shard)?;
    if shard.is_some() && config.precision.is_some() {
        return Err(Error::Config(
            "--precision cannot be combined with --shard: it stops the run on its running mean, which needs every chunk before the stopping point on one machine; give -n instead (a run of n iterations can be cut into shards)".into(),
        )
        .into());
    }
    super::warn_unbalanced_sobol(config.sampler, config.iterations);
    if let Some((shard, state)) = shard {
        return run_shard(&args, &scenario, &model, &config, shard, &state);
    }
    let out_dir = args.out.clone().unwrap_or_else(|| super::default_out(&args.scenario));
    let pool = super::pool(args.threads)?;
    let mut set = super::open_set(&out_dir, &RUN_FILES)?;

    let samples = if args.samples {
        Some(SampleWriter::create(&mut set, &model)?)
    } else {
        None
    };
    let mut observer = terminal::RunObserver::new(args.quiet, "run", samples);
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
        shards: 1,
        hosts: vec![super::host()],
        shard_elapsed_s_total: None,
    };
    write_and_show(set, &scenario, &model, &result, &info, args.quiet)
}

/// Write the run's CSV files into `set` (which may already hold
/// samples.csv) and commit it, then show the run's warnings and (unless
/// `quiet`) its summary table. Shared with `cradle merge`, so that a merge
/// writes exactly what a run writes, the same way.
pub fn write_and_show(
    mut set: OutputSet,
    scenario: &Scenario,
    model: &Model,
    result: &RunResult,
    info: &RunInfo,
    quiet: bool,
) -> anyhow::Result<()> {
    let out_dir = set.dir().to_path_buf();
    output::write_run(&mut set, scenario, model, result, info)?;
    let written = set.commit()?;
    for warning in &result.warnings {
        terminal::warn(warning);
    }
    if result.nonfinite_iterations > 0 {
        terminal::warn(&format!(
            "{} of {} iterations gave a non-finite result (NaN or infinite); they are left out of the statistics and counted in run.csv (nonfinite)",
            result.nonfinite_iterations, result.iterations
        ));
    }
    if !quiet {
        let precision = info.precision.as_ref().map(|p| (p, info.iterations_cap));
        let mut text = terminal::run_table(scenario, model, result, info.elapsed_s, precision);
        text.push_str(&terminal::wrote(&out_dir, &written));
        terminal::print(&text)?;
    }
    Ok(())
}

/// A shard's rows file with `--samples`: beside its state, `FILE.samples.csv`.
pub fn samples_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".samples.csv");
    state.with_file_name(name)
}

/// Run shard `shard` of the run `config` describes and write its state to
/// `state_path` (and, with `--samples`, its rows beside it). No CSV.
fn run_shard(
    args: &RunArgs,
    scenario: &Scenario,
    model: &Model,
    config: &RunConfig,
    shard: Shard,
    state_path: &Path,
) -> anyhow::Result<()> {
    super::check_shardable(config.iterations, "run")?;
    let record = super::scenario_record(scenario)?;
    let design = Design::new(config.sampler, model, config.iterations, config.seed)?;
    let chunks = shard.chunks(chunk_count(config.iterations));
    let pool = super::pool(args.threads)?;
    // Everything is checked: from here on the shard writes (its state, and
    // its rows beside it), each file appearing only when complete.
    let writer = StateWriter::create(state_path)?;
    let samples = if args.samples {
        Some(SampleWriter::for_shard(
            PendingFile::create(&samples_path(state_path))?,
            model,
        )?)
    } else {
        None
    };
    let mut observer = terminal::RunObserver::new(args.quiet, "run", samples);
    let start = Instant::now();
    let state = engine::run_range(model, config, &design, chunks, &pool, &mut observer)?;
    let elapsed_s = start.elapsed().as_secs_f64();
    let mut rows = observer.finish().map(SampleWriter::into_file);
    let samples = match &mut rows {
        Some(rows) => {
            let file = rows
                .path()
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Some(SamplesRecord {
                file,
                bytes: rows.written()?,
            })
        }
        None => None,
    };
    let header = Header {
        samples,
        ..super::shard_header(
            Kind::Run,
            vec![record],
            (config.seed, config.sampler, config.iterations),
            (shard, chunks),
            &pool,
            elapsed_s,
        )
    };
    writer.commit(&header, &Body::Run(state), rows)?;
    if !args.quiet {
        super::show_shard(shard, chunks, config.iterations, elapsed_s, state_path)?;
    }
    Ok(())
}
