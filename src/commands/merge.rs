//! `cradle merge STATE...`: the state files of the shards of a run (or a
//! comparison, or a value-of-information run) merged into the CSV files a
//! single run writes, byte for byte (run.csv's and voi_run.csv's execution
//! keys aside), through the same output set and the same writers as
//! `cradle run` (or `compare`, or `voi`). Everything is read and
//! checked, and the merged result computed, before the output set is
//! opened: a refused merge writes nothing.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use cradle::output::comparison::COMPARISON_FILES;
use cradle::output::voi::{VOI_FILES, VoiRun, VoiSource};
use cradle::output::{RUN_FILES, RunInfo, SampleWriter};
use cradle::sampling::{Design, Sampler};
use cradle::shard::{Kind, ScenarioRecord, ShardSet};
use cradle::voi::VoiPlan;
use cradle::{Error, Model, Scenario};

use crate::cli::MergeArgs;

/// Run the command.
pub fn run(args: MergeArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let set = ShardSet::open(&args.states)?;
    let scenarios = load_recorded(&set.header().scenarios, &args.scenarios, args.quiet)?;
    match set.header().kind {
        Kind::Run => merge_run(&args, &set, &scenarios[0], start),
        Kind::Compare => merge_compare(&args, &set, &scenarios, start),
        Kind::Voi => merge_voi(&args, &set, &scenarios[0], start),
    }
}

/// Load the scenarios the states were computed from (or the `--scenario`
/// files given instead), check each has the SHA-256 the states recorded,
/// and give each the path and files the shards saw, which run.csv reports.
fn load_recorded(records: &[ScenarioRecord], overrides: &[PathBuf], quiet: bool) -> anyhow::Result<Vec<Scenario>> {
    if !overrides.is_empty() && overrides.len() != records.len() {
        return Err(Error::Config(format!(
            "the states are of {} scenario{}, but {} --scenario {} given: give one per scenario, in order",
            records.len(),
            if records.len() == 1 { "" } else { "s" },
            overrides.len(),
            if overrides.len() == 1 { "was" } else { "were" }
        ))
        .into());
    }
    let mut scenarios = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        let path = overrides.get(i).unwrap_or(&record.canonical);
        let mut scenario = super::load(path).with_context(|| {
            format!(
                "the shards ran on {}; if it is elsewhere now, pass --scenario PATH",
                record.canonical.display()
            )
        })?;
        if scenario.sha256 != record.sha256 {
            return Err(Error::Merge(format!(
                "scenario {} has SHA-256 {}, but the states were computed from {} with SHA-256 {}: the scenario (or a file it extends) changed since the shards ran; pass the files they ran with (--scenario PATH), or run the shards again",
                path.display(),
                scenario.sha256,
                record.path.display(),
                record.sha256
            ))
            .into());
        }
        scenario.path = record.path.clone();
        scenario.files = record.files.clone();
        super::show_notes(&scenario, quiet);
        scenarios.push(scenario);
    }
    Ok(scenarios)
}

fn merge_run(args: &MergeArgs, set: &ShardSet, scenario: &Scenario, start: Instant) -> anyhow::Result<()> {
    let header = set.header();
    let model = Model::new(scenario)?;
    let sampler = Sampler::parse(&header.sampler).expect("ShardSet::open checks the sampler");
    let design = Design::new(sampler, &model, header.iterations, header.seed)?;
    let out_dir = args.out.clone().unwrap_or_else(|| super::default_out(&scenario.path));
    let samples = set.samples()?;
    for part in samples.iter().flatten() {
        SampleWriter::check_part(&model, part)?;
    }
    let state = set.run_state(&model, &design)?;
    let result = state.finish(&model, &design, header.seed, set.threads() as usize)?;
    let mut out = super::open_set(&out_dir, &RUN_FILES)?;
    if let Some(parts) = &samples {
        SampleWriter::concatenate(&mut out, &model, parts)?;
    }
    let info = RunInfo {
        sampler: header.sampler.clone(),
        precision: None,
        iterations_cap: header.iterations,
        elapsed_s: start.elapsed().as_secs_f64(),
        samples: samples.is_some(),
        shards: set.len() as u64,
        hosts: set.hosts(),
        shard_elapsed_s_total: Some(set.elapsed_s()),
    };
    super::run::write_and_show(out, scenario, &model, &result, &info, args.quiet)
}

fn merge_compare(args: &MergeArgs, set: &ShardSet, scenarios: &[Scenario], start: Instant) -> anyhow::Result<()> {
    let models: Vec<Model> = scenarios.iter().map(Model::new).collect::<cradle::Result<_>>()?;
    let labelled: Vec<(String, &Model)> = scenarios.iter().map(Scenario::label).zip(&models).collect();
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("out").join("compare"));
    let state = set.compare_state(&labelled)?;
    let comparison = state.finish(&labelled, set.header().seed, set.threads() as usize)?;
    let out = super::open_set(&out_dir, &COMPARISON_FILES)?;
    super::compare::write_and_show(out, &comparison, scenarios, start, args.quiet)
}

fn merge_voi(args: &MergeArgs, set: &ShardSet, scenario: &Scenario, start: Instant) -> anyhow::Result<()> {
    let header = set.header();
    let model = Model::new(scenario)?;
    let sampler = Sampler::parse(&header.sampler).expect("ShardSet::open checks the sampler");
    let (plan, state) = set.voi_state(|settings| {
        let config = settings.config(header.iterations, header.seed, sampler);
        VoiPlan::new(scenario, &model, &config)
    })?;
    let result = plan.finish(&state)?;
    let out_dir = args.out.clone().unwrap_or_else(|| super::default_out(&scenario.path));
    let out = super::open_set(&out_dir, &VOI_FILES)?;
    let hosts = set.hosts();
    let run = VoiRun {
        source: VoiSource::Scenario {
            scenario,
            config: plan.config(),
        },
        threads: set.threads() as usize,
        elapsed_s: start.elapsed().as_secs_f64(),
        shards: set.len() as u64,
        hosts: &hosts,
        shard_elapsed_s_total: Some(set.elapsed_s()),
    };
    super::voi::write_and_show(out, scenario, plan.config(), &result, &run, args.quiet)
}
