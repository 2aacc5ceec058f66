//! `cradle compare SCENARIO...`: several scenarios side by side on common
//! random numbers; with `--shard I/N --state FILE`, one shard of the
//! comparison, written as a state file for `cradle merge`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cradle::chunk::chunk_count;
use cradle::compare::{Comparison, compare_range, compare_with};
use cradle::engine::RunConfig;
use cradle::output::comparison::COMPARISON_FILES;
use cradle::output::{self, OutputSet};
use cradle::sampling::Sampler;
use cradle::shard::{Body, Kind, Shard, StateWriter};
use cradle::{Error, Model, Scenario};

use crate::cli::CompareArgs;
use crate::terminal;

/// Run the command.
pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let scenarios: Vec<Scenario> = args
        .scenarios
        .iter()
        .map(|p| super::load(p))
        .collect::<anyhow::Result<_>>()?;
    for scenario in &scenarios {
        super::show_notes(scenario, args.quiet);
    }
    let models: Vec<Model> = scenarios.iter().map(Model::new).collect::<cradle::Result<_>>()?;
    let labelled: Vec<(String, &Model)> = scenarios.iter().map(Scenario::label).zip(&models).collect();
    let config = RunConfig {
        iterations: args.iterations.unwrap_or(scenarios[0].settings.iterations),
        seed: args.seed.unwrap_or(scenarios[0].settings.seed),
        threads: args.threads,
        keep_samples: false,
        ..RunConfig::default()
    };
    if config.iterations == 0 {
        return Err(Error::Config("-n/--iterations must be at least 1".into()).into());
    }
    if let Some((shard, state)) = super::shard_of(&args.shard)? {
        return compare_shard(&args, &scenarios, &labelled, &config, shard, &state);
    }
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("out").join("compare"));
    let pool = super::pool(args.threads)?;
    let set = super::open_set(&out_dir, &COMPARISON_FILES)?;
    let start = Instant::now();
    let mut observer: terminal::RunObserver = terminal::RunObserver::new(args.quiet, "compare", None);
    let comparison = compare_with(&labelled, &config, &pool, &mut observer);
    observer.finish();
    write_and_show(set, &comparison?, &scenarios, start, args.quiet)
}

/// Write compare.csv and compare_diff.csv into `set` and commit it, then
/// (unless `quiet`) show the table of `scenarios` (whose labels and units
/// the metrics take), with the seconds since `start`, and the files
/// written. Shared with `cradle merge`.
pub fn write_and_show(
    mut set: OutputSet,
    comparison: &Comparison,
    scenarios: &[Scenario],
    start: Instant,
    quiet: bool,
) -> anyhow::Result<()> {
    let out_dir = set.dir().to_path_buf();
    output::comparison::write_comparison(&mut set, comparison)?;
    let written = set.commit()?;
    if !quiet {
        // A metric's label and unit from the first scenario that has it.
        let labels = |metric: &str| {
            scenarios
                .iter()
                .find(|s| s.metric_names().iter().any(|m| m == metric))
                .unwrap_or(&scenarios[0])
                .metric_label(metric)
        };
        let mut text = terminal::compare_table(comparison, &labels, start.elapsed().as_secs_f64());
        text.push_str(&terminal::wrote(&out_dir, &written));
        terminal::print(&text)?;
    }
    Ok(())
}

/// Run shard `shard` of the comparison and write its state to `state_path`.
fn compare_shard(
    args: &CompareArgs,
    scenarios: &[Scenario],
    labelled: &[(String, &Model)],
    config: &RunConfig,
    shard: Shard,
    state_path: &Path,
) -> anyhow::Result<()> {
    super::check_shardable(config.iterations, "comparison")?;
    let records = scenarios
        .iter()
        .map(super::scenario_record)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let chunks = shard.chunks(chunk_count(config.iterations));
    let pool = super::pool(args.threads)?;
    // Everything is checked: from here on the shard writes its state.
    let writer = StateWriter::create(state_path)?;
    let start = Instant::now();
    let state = compare_range(labelled, config, chunks, &pool)?;
    let elapsed_s = start.elapsed().as_secs_f64();
    let header = super::shard_header(
        Kind::Compare,
        records,
        (config.seed, Sampler::MonteCarlo, config.iterations),
        (shard, chunks),
        &pool,
        elapsed_s,
    );
    writer.commit(&header, &Body::Compare(state), None)?;
    if !args.quiet {
        super::show_shard(shard, chunks, config.iterations, elapsed_s, state_path)?;
    }
    Ok(())
}
