//! The files of `cradle voi`: voi.csv, evppi.csv, voi_sweep.csv (with a
//! sweep) and voi_run.csv (columns in the value-of-information issue and
//! README.md#value-of-information; a contract), written as one output set.

use std::path::PathBuf;

use serde::Serialize;

use super::{Num, OutputSet, write_csv};
use crate::chunk::CHUNK_SIZE;
use crate::discount::Years;
use crate::error::Result;
use crate::scenario::Scenario;
use crate::voi::binned::FOLDS;
use crate::voi::{PsaTable, VoiConfig, VoiResult};

/// Where the draws of a value-of-information analysis came from, for voi_run.csv.
#[derive(Debug, Clone, Copy)]
pub enum VoiSource<'a> {
    /// A scenario run by the engine.
    Scenario {
        /// The scenario.
        scenario: &'a Scenario,
        /// What was asked.
        config: &'a VoiConfig,
    },
    /// A table of PSA draws (`--from-csv`).
    Table {
        /// The table.
        table: &'a PsaTable,
        /// Seed of the regressions' replicates.
        seed: u64,
    },
}

/// Facts about an analysis that are not estimates, for voi_run.csv.
#[derive(Debug, Clone, Copy)]
pub struct VoiRun<'a> {
    /// Where the draws came from.
    pub source: VoiSource<'a>,
    /// Worker threads (for merged shards, the shards' added up).
    pub threads: usize,
    /// Seconds the analysis (or the merge) took.
    pub elapsed_s: f64,
    /// Shards the run was cut into (1 for a single run).
    pub shards: u64,
    /// Host names the run (or its shards) ran on, each once.
    pub hosts: &'a [String],
    /// For merged shards: the seconds the shards took, added up.
    pub shard_elapsed_s_total: Option<f64>,
}

#[derive(Serialize, Default)]
struct VoiCsv<'a> {
    metric: &'a str,
    options: usize,
    n: u64,
    evpi: Num,
    evpi_se: Num,
    evpi_population: Num,
    horizon_years: Option<Years>,
    prob_best_is_fund: Num,
}

#[derive(Serialize, Default)]
struct EvppiCsv<'a> {
    metric: &'a str,
    parameter_or_group: &'a str,
    method: &'a str,
    bins_or_basis: &'a str,
    evppi: Num,
    evppi_low: Num,
    evppi_high: Num,
    share_of_evpi: Num,
}

#[derive(Serialize, Default)]
struct SweepCsv<'a> {
    parameter: &'a str,
    value: Num,
    mean_nb: Num,
    prob_positive: Num,
    evpi: Num,
}

#[derive(Serialize, Default)]
struct KeyValue<'a> {
    key: &'a str,
    value: &'a str,
}

/// The rows of voi_run.csv.
fn manifest(result: &VoiResult, run: &VoiRun<'_>) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut put = |key: &str, value: String| rows.push((key.to_string(), value));
    match run.source {
        VoiSource::Scenario { scenario, config } => {
            let files: Vec<String> = scenario.files.iter().map(|f| f.display().to_string()).collect();
            put("mode", "scenario".into());
            put("scenario", scenario.path.display().to_string());
            put("scenario_name", scenario.name.clone());
            put("scenario_sha256", scenario.sha256.clone());
            put("scenario_files", files.join(";"));
            put("seed", config.seed.to_string());
            put("iterations", config.iterations.to_string());
            put("sampler", config.sampler.name().into());
            put("chunk_size", CHUNK_SIZE.to_string());
            if let Some(y) = scenario.price_year {
                put("price_year", y.to_string());
            }
        }
        VoiSource::Table { table, seed } => {
            put("mode", "given".into());
            put("table", table.path().display().to_string());
            put("table_sha256", table.sha256().to_string());
            put("rows", table.rows().to_string());
            put("dropped_rows", table.dropped().to_string());
            put("seed", seed.to_string());
        }
    }
    put("threads", run.threads.to_string());
    put("version", env!("CARGO_PKG_VERSION").to_string());
    put("elapsed_s", format!("{:.3}", run.elapsed_s));
    put("shards", run.shards.to_string());
    put("hosts", run.hosts.join(";"));
    if let Some(total) = run.shard_elapsed_s_total {
        put("shard_elapsed_s_total", format!("{total:.3}"));
    }
    put("metric", result.metric.clone());
    put(
        "decision",
        if result.evpi.options == 2 {
            "fund or not (net benefit of not funding = 0)".into()
        } else {
            format!(
                "{} options (the first net-benefit column is the reference)",
                result.evpi.options
            )
        },
    );
    put("n", result.evpi.n.to_string());
    put("nonfinite", result.evpi.nonfinite.to_string());
    put("bins", result.bins.to_string());
    put("folds", FOLDS.to_string());
    put("regression_rows", result.regression_rows.to_string());
    put("regression_draws", result.regression_draws.to_string());
    for (group, _) in &result.grouped {
        put(&format!("group:{}", group.name), group.members());
    }
    if let Some(p) = &result.population {
        put("horizon_years", p.horizon.to_string());
        put("population_discount", p.schedule.clone());
        put("population_cohorts", p.cohorts.to_string());
        put("evpi_population_se", Num(p.evpi.se).text());
    }
    if let Some(first) = result.sweep.first() {
        put("sweep_parameter", first.parameter.clone());
        put("sweep_values", result.sweep.len().to_string());
    }
    rows
}

/// Every file `voi` can write: its output set (voi_sweep.csv only with a
/// sweep; a set that lands without it removes an earlier run's).
pub const VOI_FILES: [&str; 4] = ["voi.csv", "evppi.csv", "voi_sweep.csv", "voi_run.csv"];

/// Write every file of a value-of-information analysis into `set`:
/// voi.csv, evppi.csv, voi_sweep.csv when there is a sweep, and
/// voi_run.csv; returns the final paths in the order written.
pub fn write_voi(set: &mut OutputSet, result: &VoiResult, run: &VoiRun<'_>) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let voi = result.voi_row();
    written.push(write_csv(
        set,
        "voi.csv",
        [VoiCsv {
            metric: &voi.metric,
            options: voi.options,
            n: voi.n,
            evpi: Num(voi.evpi),
            evpi_se: Num(voi.evpi_se),
            evpi_population: super::opt(voi.evpi_population),
            horizon_years: voi.horizon_years,
            prob_best_is_fund: Num(voi.prob_best_is_fund),
        }],
    )?);
    let evppi = result.evppi_rows();
    written.push(write_csv(
        set,
        "evppi.csv",
        evppi.iter().map(|r| EvppiCsv {
            metric: &r.metric,
            parameter_or_group: &r.parameter_or_group,
            method: r.method,
            bins_or_basis: &r.bins_or_basis,
            evppi: Num(r.evppi),
            evppi_low: Num(r.evppi_low),
            evppi_high: Num(r.evppi_high),
            share_of_evpi: Num(r.share_of_evpi),
        }),
    )?);
    if !result.sweep.is_empty() {
        written.push(write_csv(
            set,
            "voi_sweep.csv",
            result.sweep.iter().map(|r| SweepCsv {
                parameter: &r.parameter,
                value: Num(r.value),
                mean_nb: Num(r.mean_nb),
                prob_positive: Num(r.prob_positive),
                evpi: Num(r.evpi),
            }),
        )?);
    }
    let rows = manifest(result, run);
    written.push(write_csv(
        set,
        "voi_run.csv",
        rows.iter().map(|(key, value)| KeyValue { key, value }),
    )?);
    Ok(written)
}
