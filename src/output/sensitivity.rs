//! The files of `cradle sensitivity`: tornado.csv, threshold.csv, sobol.csv,
//! s2.csv, prcc.csv, morris.csv (columns in the sensitivity issue; a
//! contract), written as one output set with sensitivity_run.csv last.

use std::path::PathBuf;

use serde::Serialize;

use super::{Num, OutputSet, opt, write_csv};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sensitivity::morris::MorrisRow;
use crate::sensitivity::prcc::PrccRow;
use crate::sensitivity::sobol::SobolResult;
use crate::sensitivity::threshold::ThresholdRow;
use crate::sensitivity::tornado::TornadoRow;
use crate::sensitivity::{SensitivityConfig, SensitivityResult};

#[derive(Serialize, Default)]
struct TornadoCsv<'a> {
    metric: &'a str,
    parameter: &'a str,
    low_input: Num,
    high_input: Num,
    metric_at_low: Num,
    metric_at_high: Num,
    base_metric: Num,
    swing: Num,
}

/// Write tornado.csv.
pub fn write_tornado(set: &mut OutputSet, rows: &[TornadoRow]) -> Result<PathBuf> {
    write_csv(
        set,
        "tornado.csv",
        rows.iter().map(|r| TornadoCsv {
            metric: &r.metric,
            parameter: &r.parameter,
            low_input: Num(r.low_input),
            high_input: Num(r.high_input),
            metric_at_low: Num(r.metric_at_low),
            metric_at_high: Num(r.metric_at_high),
            base_metric: Num(r.base_metric),
            swing: Num(r.swing),
        }),
    )
}

#[derive(Serialize, Default)]
struct ThresholdCsv<'a> {
    metric: &'a str,
    target: Num,
    parameter: &'a str,
    base_input: Num,
    switching_value: Num,
    quantile_of_switching_value: Num,
}

/// Write threshold.csv.
pub fn write_threshold(set: &mut OutputSet, rows: &[ThresholdRow]) -> Result<PathBuf> {
    write_csv(
        set,
        "threshold.csv",
        rows.iter().map(|r| ThresholdCsv {
            metric: &r.metric,
            target: Num(r.target),
            parameter: &r.parameter,
            base_input: Num(r.base_input),
            switching_value: opt(r.switching_value),
            quantile_of_switching_value: opt(r.quantile_of_switching_value),
        }),
    )
}

#[derive(Serialize, Default)]
struct SobolCsv<'a> {
    metric: &'a str,
    parameter: &'a str,
    s1: Num,
    s1_low: Num,
    s1_high: Num,
    st: Num,
    st_low: Num,
    st_high: Num,
}

#[derive(Serialize, Default)]
struct SecondOrderCsv<'a> {
    metric: &'a str,
    parameter_a: &'a str,
    parameter_b: &'a str,
    s2: Num,
    s2_low: Num,
    s2_high: Num,
}

/// Write sobol.csv, and s2.csv when second-order indices were estimated.
pub fn write_sobol(set: &mut OutputSet, result: &SobolResult) -> Result<Vec<PathBuf>> {
    let mut written = vec![write_csv(
        set,
        "sobol.csv",
        result.rows.iter().map(|r| SobolCsv {
            metric: &r.metric,
            parameter: &r.parameter,
            s1: Num(r.s1.value),
            s1_low: Num(r.s1.low),
            s1_high: Num(r.s1.high),
            st: Num(r.st.value),
            st_low: Num(r.st.low),
            st_high: Num(r.st.high),
        }),
    )?];
    if !result.second_order.is_empty() {
        written.push(write_csv(
            set,
            "s2.csv",
            result.second_order.iter().map(|r| SecondOrderCsv {
                metric: &r.metric,
                parameter_a: &r.parameter_a,
                parameter_b: &r.parameter_b,
                s2: Num(r.s2.value),
                s2_low: Num(r.s2.low),
                s2_high: Num(r.s2.high),
            }),
        )?);
    }
    Ok(written)
}

#[derive(Serialize, Default)]
struct PrccCsv<'a> {
    metric: &'a str,
    parameter: &'a str,
    prcc: Num,
    prcc_low: Num,
    prcc_high: Num,
    src: Num,
    p_value: Num,
}

/// Write prcc.csv.
pub fn write_prcc(set: &mut OutputSet, rows: &[PrccRow]) -> Result<PathBuf> {
    write_csv(
        set,
        "prcc.csv",
        rows.iter().map(|r| PrccCsv {
            metric: &r.metric,
            parameter: &r.parameter,
            prcc: Num(r.prcc),
            prcc_low: Num(r.prcc_low),
            prcc_high: Num(r.prcc_high),
            src: Num(r.src),
            p_value: Num(r.p_value),
        }),
    )
}

#[derive(Serialize, Default)]
struct MorrisCsv<'a> {
    metric: &'a str,
    parameter: &'a str,
    mu_star: Num,
    mu_star_low: Num,
    mu_star_high: Num,
    mu: Num,
    sigma: Num,
}

/// Write morris.csv.
pub fn write_morris(set: &mut OutputSet, rows: &[MorrisRow]) -> Result<PathBuf> {
    write_csv(
        set,
        "morris.csv",
        rows.iter().map(|r| MorrisCsv {
            metric: &r.metric,
            parameter: &r.parameter,
            mu_star: Num(r.mu_star),
            mu_star_low: Num(r.mu_star_low),
            mu_star_high: Num(r.mu_star_high),
            mu: Num(r.mu),
            sigma: Num(r.sigma),
        }),
    )
}

#[derive(Serialize, Default)]
struct KeyValue<'a> {
    key: &'a str,
    value: &'a str,
}

/// Write a key,value manifest (e.g. sensitivity_run.csv).
pub fn write_manifest(set: &mut OutputSet, name: &str, rows: &[(String, String)]) -> Result<PathBuf> {
    write_csv(set, name, rows.iter().map(|(key, value)| KeyValue { key, value }))
}

/// Every file `sensitivity` can write: its output set. Committing it
/// removes the files of methods that did not run this time, so that every
/// file beside sensitivity_run.csv comes from the analysis it describes.
pub const SENSITIVITY_FILES: [&str; 7] = [
    "tornado.csv",
    "threshold.csv",
    "sobol.csv",
    "s2.csv",
    "prcc.csv",
    "morris.csv",
    "sensitivity_run.csv",
];

/// Write every file of a sensitivity analysis into `set` (opened with
/// [`SENSITIVITY_FILES`]): the methods that ran, then sensitivity_run.csv;
/// returns the final paths in the order written.
pub fn write_sensitivity(
    set: &mut OutputSet,
    scenario: &Scenario,
    config: &SensitivityConfig,
    result: &SensitivityResult,
    elapsed_s: f64,
) -> Result<Vec<PathBuf>> {
    let mut manifest: Vec<(String, String)> = vec![
        ("scenario".into(), scenario.path.display().to_string()),
        ("scenario_sha256".into(), scenario.sha256.clone()),
        ("method".into(), config.method.name().into()),
        ("metrics".into(), result.metrics.join(";")),
        ("seed".into(), config.seed.to_string()),
        ("version".into(), env!("CARGO_PKG_VERSION").to_string()),
    ];
    let mut written = Vec::new();
    if let Some(rows) = &result.tornado {
        written.push(write_tornado(set, rows)?);
        manifest.push(("tornado_range".into(), format!("{},{}", config.range.0, config.range.1)));
    }
    if let Some(rows) = &result.threshold {
        written.push(write_threshold(set, rows)?);
    }
    if let Some((sobol, n)) = &result.sobol {
        for (metric, dropped) in &sobol.dropped {
            manifest.push((format!("sobol_nonfinite_{metric}"), dropped.to_string()));
        }
        manifest.push(("sobol_base_samples".into(), n.to_string()));
        manifest.push(("sobol_evaluations".into(), sobol.evaluations.to_string()));
        manifest.push(("bootstrap".into(), config.bootstrap.to_string()));
        written.extend(write_sobol(set, sobol)?);
    }
    if let Some((rows, dropped, n)) = &result.prcc {
        for (metric, count) in dropped {
            manifest.push((format!("prcc_nonfinite_{metric}"), count.to_string()));
        }
        manifest.push(("prcc_iterations".into(), n.to_string()));
        written.push(write_prcc(set, rows)?);
    }
    if let Some(rows) = &result.morris {
        written.push(write_morris(set, rows)?);
        manifest.push(("morris_trajectories".into(), config.trajectories.to_string()));
        manifest.push(("morris_levels".into(), config.levels.to_string()));
    }
    manifest.push(("elapsed_s".into(), format!("{elapsed_s:.3}")));
    written.push(write_manifest(set, "sensitivity_run.csv", &manifest)?);
    Ok(written)
}
