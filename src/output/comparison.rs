//! compare.csv and compare_diff.csv (columns in the scenario-library issue;
//! a contract), written as one output set.

use std::path::PathBuf;

use serde::Serialize;

use super::{Num, OutputSet, opt, write_csv};
use crate::compare::Comparison;
use crate::error::Result;
use crate::stats::summarise;

#[derive(Serialize, Default)]
struct CompareCsv<'a> {
    scenario: &'a str,
    metric: &'a str,
    mean: Num,
    mean_ci_low: Num,
    mean_ci_high: Num,
    p2_5: Num,
    p50: Num,
    p97_5: Num,
    prob_meets_claim: Num,
    prob_positive: Num,
}

#[derive(Serialize, Default)]
struct DiffCsv<'a> {
    scenario: &'a str,
    baseline: &'a str,
    metric: &'a str,
    mean: Num,
    mean_ci_low: Num,
    mean_ci_high: Num,
    p2_5: Num,
    p50: Num,
    p97_5: Num,
    prob_positive: Num,
}

/// Every file `compare` writes: its output set.
pub const COMPARISON_FILES: [&str; 2] = ["compare.csv", "compare_diff.csv"];

/// Write compare.csv (every scenario × metric) and compare_diff.csv (the
/// paired difference of every later scenario from the first).
pub fn write_comparison(set: &mut OutputSet, c: &Comparison) -> Result<Vec<PathBuf>> {
    let mut levels = Vec::new();
    let mut diffs = Vec::new();
    for (s, scenario) in c.scenarios.iter().enumerate() {
        for (k, metric) in c.metrics.iter().enumerate() {
            if let Some(stats) = &c.levels[s][k] {
                let r = summarise(stats, c.claims[s][k]);
                levels.push(CompareCsv {
                    scenario,
                    metric,
                    mean: Num(r.mean),
                    mean_ci_low: Num(r.mean_ci_low),
                    mean_ci_high: Num(r.mean_ci_high),
                    p2_5: Num(r.percentiles[0]),
                    p50: Num(r.percentiles[3]),
                    p97_5: Num(r.percentiles[6]),
                    prob_meets_claim: opt(r.prob_meets_claim),
                    prob_positive: Num(r.prob_positive),
                });
            }
            if let Some(stats) = &c.differences[s][k] {
                let r = summarise(stats, None);
                diffs.push(DiffCsv {
                    scenario,
                    baseline: &c.scenarios[0],
                    metric,
                    mean: Num(r.mean),
                    mean_ci_low: Num(r.mean_ci_low),
                    mean_ci_high: Num(r.mean_ci_high),
                    p2_5: Num(r.percentiles[0]),
                    p50: Num(r.percentiles[3]),
                    p97_5: Num(r.percentiles[6]),
                    prob_positive: Num(r.prob_positive),
                });
            }
        }
    }
    Ok(vec![
        write_csv(set, "compare.csv", levels)?,
        write_csv(set, "compare_diff.csv", diffs)?,
    ])
}
