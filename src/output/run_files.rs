//! The files of a run: summary.csv, quantiles.csv, histogram.csv,
//! breakdown.csv, convergence.csv and run.csv, plus samples.csv with
//! `--samples` (README.md#outputs gives the columns; they are a contract).

use std::path::PathBuf;

use serde::Serialize;

use super::{Num, OutputSet, opt, write_csv};
use crate::chunk::CHUNK_SIZE;
use crate::engine::RunResult;
use crate::error::Result;
use crate::model::Model;
use crate::scenario::Scenario;
use crate::stats::{histogram, quantile_rows, summarise};

/// Bins in the body of each histogram.
pub const HISTOGRAM_BINS: usize = 50;

/// Facts about a run that are not statistics, for run.csv.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Sampling design.
    pub sampler: String,
    /// Seconds the run took.
    pub elapsed_s: f64,
    /// Whether samples.csv was written.
    pub samples: bool,
    /// The stopping rule, if any.
    pub precision: Option<crate::engine::Precision>,
    /// Iterations asked for (the cap with a stopping rule).
    pub iterations_cap: u64,
    /// Shards the run was cut into (1 for a run in one piece).
    pub shards: u64,
    /// Host names it ran on (each once, in shard order).
    pub hosts: Vec<String>,
    /// For merged shards: the seconds the shards took, added up
    /// (`elapsed_s` is then the merge's own time).
    pub shard_elapsed_s_total: Option<f64>,
}

#[derive(Serialize, Default)]
struct SummaryCsv<'a> {
    metric: &'a str,
    mean: Num,
    sd: Num,
    mc_se: Num,
    mean_ci_low: Num,
    mean_ci_high: Num,
    p2_5: Num,
    p5: Num,
    p25: Num,
    p50: Num,
    p75: Num,
    p95: Num,
    p97_5: Num,
    min: Num,
    max: Num,
    prob_positive: Num,
    prob_meets_claim: Num,
}

#[derive(Serialize, Default)]
struct QuantileCsv<'a> {
    metric: &'a str,
    quantile: Num,
    value: Num,
    ci_low: Num,
    ci_high: Num,
}

#[derive(Serialize, Default)]
struct HistogramCsv<'a> {
    metric: &'a str,
    bin_start: Num,
    bin_end: Num,
    count: u64,
    density: Num,
}

#[derive(Serialize, Default)]
struct BreakdownCsv<'a> {
    domain: &'a str,
    payer: &'a str,
    mean: Num,
    p2_5: Num,
    p50: Num,
    p97_5: Num,
    share_of_value: Num,
}

#[derive(Serialize, Default)]
struct ConvergenceCsv<'a> {
    n: u64,
    metric: &'a str,
    mean: Num,
    mean_ci_low: Num,
    mean_ci_high: Num,
    p2_5: Num,
    p50: Num,
    p97_5: Num,
}

#[derive(Serialize, Default)]
struct KeyValue {
    key: String,
    value: String,
}

/// The worst relative accuracy of the metrics' sketches (2^−14 unless a
/// metric's values spanned more than a factor of 2^8 of one sign).
fn sketch_accuracy(stats: &[crate::stats::OutputStats]) -> f64 {
    stats
        .iter()
        .map(|s| s.sketch.relative_accuracy())
        .fold(crate::stats::RELATIVE_ACCURACY, f64::max)
}

/// Every file `run` can write: its output set. Committing it removes
/// samples.csv when this run was made without `--samples`.
pub const RUN_FILES: [&str; 7] = [
    "summary.csv",
    "quantiles.csv",
    "histogram.csv",
    "breakdown.csv",
    "convergence.csv",
    "samples.csv",
    "run.csv",
];

/// Write every file of a run but samples.csv into `set` (opened with
/// [`RUN_FILES`]), run.csv last; returns the final paths.
pub fn write_run(
    set: &mut OutputSet,
    scenario: &Scenario,
    model: &Model,
    result: &RunResult,
    info: &RunInfo,
) -> Result<Vec<PathBuf>> {
    let metrics = &model.outputs[..model.n_metrics];
    let metric_stats = &result.outputs[..model.n_metrics];
    let mut written = Vec::new();

    let summary = metrics.iter().zip(metric_stats).map(|(m, s)| {
        let r = summarise(s, m.claim);
        let p = r.percentiles;
        SummaryCsv {
            metric: &m.name,
            mean: Num(r.mean),
            sd: Num(r.sd),
            mc_se: Num(r.mc_se),
            mean_ci_low: Num(r.mean_ci_low),
            mean_ci_high: Num(r.mean_ci_high),
            p2_5: Num(p[0]),
            p5: Num(p[1]),
            p25: Num(p[2]),
            p50: Num(p[3]),
            p75: Num(p[4]),
            p95: Num(p[5]),
            p97_5: Num(p[6]),
            min: Num(r.min),
            max: Num(r.max),
            prob_positive: Num(r.prob_positive),
            prob_meets_claim: opt(r.prob_meets_claim),
        }
    });
    written.push(write_csv(set, "summary.csv", summary)?);

    let quantiles = metrics.iter().zip(metric_stats).flat_map(|(m, s)| {
        quantile_rows(&s.sketch).into_iter().map(move |q| QuantileCsv {
            metric: &m.name,
            quantile: Num(q.quantile),
            value: Num(q.value),
            ci_low: Num(q.ci_low),
            ci_high: Num(q.ci_high),
        })
    });
    written.push(write_csv(set, "quantiles.csv", quantiles)?);

    let bins = metrics.iter().zip(metric_stats).flat_map(|(m, s)| {
        histogram(&s.sketch, HISTOGRAM_BINS)
            .into_iter()
            .map(move |b| HistogramCsv {
                metric: &m.name,
                bin_start: Num(b.start),
                bin_end: Num(b.end),
                count: b.count,
                density: opt(b.density),
            })
    });
    written.push(write_csv(set, "histogram.csv", bins)?);

    let value_per_child = metrics
        .iter()
        .position(|m| m.name == "value_per_child")
        .map(|i| metric_stats[i].moments.mean);
    let breakdown = model
        .domains
        .iter()
        .zip(&result.outputs[model.n_metrics..])
        .map(|(d, s)| BreakdownCsv {
            domain: &d.name,
            payer: &d.payer,
            mean: Num(s.moments.mean),
            p2_5: Num(s.sketch.quantile(0.025)),
            p50: Num(s.sketch.quantile(0.5)),
            p97_5: Num(s.sketch.quantile(0.975)),
            share_of_value: opt(value_per_child.map(|v| s.moments.mean / v)),
        });
    written.push(write_csv(set, "breakdown.csv", breakdown)?);

    let convergence = result.convergence.iter().map(|c| ConvergenceCsv {
        n: c.n,
        metric: &model.outputs[c.metric].name,
        mean: Num(c.mean),
        mean_ci_low: Num(c.mean_ci_low),
        mean_ci_high: Num(c.mean_ci_high),
        p2_5: Num(c.p2_5),
        p50: Num(c.p50),
        p97_5: Num(c.p97_5),
    });
    written.push(write_csv(set, "convergence.csv", convergence)?);

    let files: Vec<String> = scenario.files.iter().map(|f| f.display().to_string()).collect();
    let mut rows = vec![
        ("scenario", scenario.path.display().to_string()),
        ("scenario_name", scenario.name.clone()),
        ("scenario_sha256", scenario.sha256.clone()),
        ("scenario_files", files.join(";")),
        ("seed", result.seed.to_string()),
        ("iterations", result.iterations.to_string()),
        ("sampler", info.sampler.clone()),
        ("threads", result.threads.to_string()),
        ("version", env!("CARGO_PKG_VERSION").to_string()),
        ("elapsed_s", format!("{:.3}", info.elapsed_s)),
        ("shards", info.shards.to_string()),
        ("hosts", info.hosts.join(";")),
        ("nonfinite", result.nonfinite_iterations.to_string()),
        ("chunk_size", CHUNK_SIZE.to_string()),
        ("sketch_relative_accuracy", sketch_accuracy(metric_stats).to_string()),
        ("samples", info.samples.to_string()),
    ];
    if let Some(y) = scenario.price_year {
        rows.push(("price_year", y.to_string()));
    }
    let mut extra: Vec<(String, String)> = Vec::new();
    if let Some(total) = info.shard_elapsed_s_total {
        extra.push(("shard_elapsed_s_total".into(), format!("{total:.3}")));
    }
    if let Some(p) = &info.precision {
        extra.push(("precision".into(), p.relative.to_string()));
        extra.push(("precision_metric".into(), model.outputs[p.metric].name.clone()));
        extra.push(("converged".into(), result.converged_at.is_some().to_string()));
        extra.push((
            "converged_at".into(),
            result.converged_at.map_or_else(String::new, |n| n.to_string()),
        ));
        extra.push(("iterations_cap".into(), info.iterations_cap.to_string()));
    }
    for c in &result.correlations {
        extra.push((format!("spearman_target:{}:{}", c.a, c.b), c.target.to_string()));
        extra.push((format!("spearman_achieved:{}:{}", c.a, c.b), c.achieved.to_string()));
    }
    if !result.correlations.is_empty() {
        extra.push(("correlation_repaired".into(), result.correlation_repaired.to_string()));
    }
    let nonfinite = metrics
        .iter()
        .zip(metric_stats)
        .filter(|(_, s)| s.moments.nonfinite > 0);
    extra.extend(nonfinite.map(|(m, s)| (format!("nonfinite_{}", m.name), s.moments.nonfinite.to_string())));
    // Metrics whose sketch had to work coarser than 2^-14 (values spanning
    // more than 2^8 of one sign): their own accuracy.
    for (m, s) in metrics.iter().zip(metric_stats) {
        let accuracy = s.sketch.relative_accuracy();
        if accuracy > crate::stats::RELATIVE_ACCURACY {
            extra.push((format!("sketch_relative_accuracy:{}", m.name), accuracy.to_string()));
        }
    }
    let all = rows
        .into_iter()
        .map(|(k, v)| KeyValue {
            key: k.to_string(),
            value: v,
        })
        .chain(extra.into_iter().map(|(key, value)| KeyValue { key, value }));
    written.push(write_csv(set, "run.csv", all)?);
    Ok(written)
}
