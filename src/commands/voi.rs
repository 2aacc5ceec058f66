//! `cradle voi SCENARIO` and `cradle voi --from-csv FILE`: the value of
//! information of the fund-or-not decision (EVPI, EVPPI, the decision
//! curve); with `--shard I/N --state FILE`, one shard of a scenario's
//! draws, written as a state file for `cradle merge`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cradle::output::OutputSet;
use cradle::output::voi::{VOI_FILES, VoiRun, VoiSource, write_voi};
use cradle::scenario::{DEFAULT_SEED, MetricLabel};
use cradle::shard::{Body, Kind, Shard, StateWriter};
use cradle::voi::{
    GroupSpec, PsaTable, SweepSpec, TableRequest, VoiConfig, VoiPlan, VoiResult, VoiSettings, analyse_given,
};
use cradle::{Error, Model, Scenario};

use crate::cli::VoiArgs;
use crate::terminal;

/// Run the command.
pub fn run(args: VoiArgs) -> anyhow::Result<()> {
    let groups: Vec<GroupSpec> = args
        .groups
        .iter()
        .map(|g| GroupSpec::parse(g))
        .collect::<Result<_, _>>()?;
    let parameters = (!args.parameters.is_empty()).then(|| args.parameters.clone());
    match &args.from_csv {
        Some(_) if args.shard.shard.is_some() => Err(Error::Config(
            "--shard cannot be combined with --from-csv: a table of draws made elsewhere is analysed whole, in one process (its parameters are binned on the whole table's quantiles, and its rows are not cradle's chunks); run `cradle voi --from-csv` without --shard, or shard a scenario instead".into(),
        )
        .into()),
        Some(table) => given(&args, table, parameters, groups),
        None => scenario(&args, parameters, groups),
    }
}

/// The default output directory for an input file: out/<file stem>/.
fn out_dir(args: &VoiArgs, input: &Path) -> PathBuf {
    args.out.clone().unwrap_or_else(|| super::default_out(input))
}

fn scenario(args: &VoiArgs, parameters: Option<Vec<String>>, groups: Vec<GroupSpec>) -> anyhow::Result<()> {
    let path = args
        .scenario
        .as_ref()
        .expect("clap asks for SCENARIO without --from-csv");
    let scenario = super::load(path)?;
    super::show_notes(&scenario, args.quiet);
    let model = Model::new(&scenario)?;
    let defaults = VoiConfig::for_scenario(&scenario);
    let config = VoiConfig {
        metric: args.metric.clone(),
        parameters,
        groups,
        horizon: args.horizon,
        sweep: args.sweep.as_deref().map(SweepSpec::parse).transpose()?,
        iterations: args.iterations.unwrap_or(defaults.iterations),
        seed: args.seed.unwrap_or(defaults.seed),
        sampler: args.sampler.map_or(defaults.sampler, Into::into),
        ..defaults
    };
    let plan = VoiPlan::new(&scenario, &model, &config)?;
    super::warn_unbalanced_sobol(config.sampler, config.iterations);
    if let Some((shard, state)) = super::shard_of(&args.shard)? {
        return voi_shard(args, &scenario, &plan, shard, &state);
    }
    let dir = out_dir(args, path);
    let pool = super::pool(args.threads)?;
    let set = super::open_set(&dir, &VOI_FILES)?;
    let start = Instant::now();
    let result = plan.analyse(&pool)?;
    let hosts = [super::host()];
    let run = VoiRun {
        source: VoiSource::Scenario {
            scenario: &scenario,
            config: &config,
        },
        threads: pool.current_num_threads(),
        elapsed_s: start.elapsed().as_secs_f64(),
        shards: 1,
        hosts: &hosts,
        shard_elapsed_s_total: None,
    };
    write_and_show(set, &scenario, &config, &result, &run, args.quiet)
}

/// Write the files of a scenario's value-of-information run into `set`
/// and commit it, then show its notes, warnings and (unless `quiet`) its
/// table. Shared with `cradle merge`, so that a merge writes exactly what
/// a single run writes, the same way.
pub fn write_and_show(
    mut set: OutputSet,
    scenario: &Scenario,
    config: &VoiConfig,
    result: &VoiResult,
    run: &VoiRun<'_>,
    quiet: bool,
) -> anyhow::Result<()> {
    let dir = set.dir().to_path_buf();
    write_voi(&mut set, result, run)?;
    let written = set.commit()?;
    let title = format!(
        "{}\n{} draws, seed {}, {}, {} threads, {:.2} s",
        scenario.name,
        terminal::grouped(config.iterations as f64),
        config.seed,
        config.sampler.name(),
        run.threads,
        run.elapsed_s
    );
    let label = scenario.metric_label(&result.metric);
    show(quiet, result, &label, &title, &written, &dir)
}

/// Run shard `shard` of `plan`'s draws and write its state, with the
/// settings merge rebuilds the plan from, to `state_path`. No CSV.
fn voi_shard(
    args: &VoiArgs,
    scenario: &Scenario,
    plan: &VoiPlan<'_>,
    shard: Shard,
    state_path: &Path,
) -> anyhow::Result<()> {
    let config = plan.config();
    super::check_shardable(config.iterations, "value-of-information run")?;
    let record = super::scenario_record(scenario)?;
    let chunks = shard.chunks(plan.chunks());
    let pool = super::pool(args.threads)?;
    // Everything is checked: from here on the shard writes its state.
    let writer = StateWriter::create(state_path)?;
    let start = Instant::now();
    let state = plan.run_range(chunks, &pool)?;
    let elapsed_s = start.elapsed().as_secs_f64();
    let header = super::shard_header(
        Kind::Voi,
        vec![record],
        (config.seed, config.sampler, config.iterations),
        (shard, chunks),
        &pool,
        elapsed_s,
    );
    let body = Body::Voi {
        settings: VoiSettings::of(config),
        state,
    };
    writer.commit(&header, &body, None)?;
    if !args.quiet {
        super::show_shard(shard, chunks, config.iterations, elapsed_s, state_path)?;
    }
    Ok(())
}

fn given(args: &VoiArgs, path: &Path, parameters: Option<Vec<String>>, groups: Vec<GroupSpec>) -> anyhow::Result<()> {
    if args.nb.is_empty() {
        return Err(Error::Config(
            "--from-csv needs --nb COL: the net-benefit column (one per option; one column means fund or not)".into(),
        )
        .into());
    }
    if parameters.is_none() && groups.is_empty() {
        return Err(Error::Config(
            "--from-csv needs --parameters P ... (the input columns to analyse) or --group NAME=P1,P2,...".into(),
        )
        .into());
    }
    let table = PsaTable::read(path)?;
    let request = TableRequest {
        nb: args.nb.clone(),
        parameters: Some(parameters.unwrap_or_default()),
        groups,
        ..TableRequest::default()
    };
    request.check(&table)?;
    let seed = args.seed.unwrap_or(DEFAULT_SEED);
    let dir = out_dir(args, path);
    let pool = super::pool(args.threads)?;
    let mut set = super::open_set(&dir, &VOI_FILES)?;
    let start = Instant::now();
    let result = pool.install(|| analyse_given(&table, &request, seed))?;
    let hosts = [super::host()];
    let run = VoiRun {
        source: VoiSource::Table { table: &table, seed },
        threads: pool.current_num_threads(),
        elapsed_s: start.elapsed().as_secs_f64(),
        shards: 1,
        hosts: &hosts,
        shard_elapsed_s_total: None,
    };
    write_voi(&mut set, &result, &run)?;
    let written = set.commit()?;
    let title = format!(
        "{}\n{} draws ({} dropped for nan or inf)",
        path.display(),
        terminal::grouped(table.rows() as f64),
        table.dropped()
    );
    let label = MetricLabel::plain(&result.metric);
    show(args.quiet, &result, &label, &title, &written, &dir)
}

/// Notes, warnings and (unless quiet) the table.
fn show(
    quiet: bool,
    result: &VoiResult,
    label: &MetricLabel,
    title: &str,
    written: &[PathBuf],
    dir: &Path,
) -> anyhow::Result<()> {
    if !quiet {
        for note in &result.notes {
            terminal::note(note);
        }
    }
    for warning in &result.warnings {
        terminal::warn(warning);
    }
    if !quiet {
        terminal::print(&terminal::voi_table(result, label, title, written, dir))?;
    }
    Ok(())
}
