//! The tables of `check`, `run`, `compare` and `report`, each fitting 80
//! columns, numbers rounded as in the report and labelled with each
//! metric's label and unit (`Scenario::metric_label`).

use std::fmt::Write as _;

use cradle::compare::Comparison;
use cradle::engine::Precision;
use cradle::report::format::{self, grouped, percent, probability};
use cradle::report::page::{show, show_all};
use cradle::scenario::MetricLabel;
use cradle::stats::summarise;
use cradle::{Model, RunResult, Scenario};

use super::progress::rate;
use super::{cell, right, wrap};

/// A base-case value in full: pounds to the pound below £1m, then four
/// significant figures (£72.00m, £1.155bn); other units as `show`.
fn long(label: &MetricLabel, x: f64) -> String {
    if !label.is_money() {
        return show(label, x);
    }
    let a = x.abs();
    if !x.is_finite() || a < 1e6 {
        let sign = if x < 0.0 && a >= 0.5 { "−" } else { "" };
        return format!("{sign}£{}", grouped(a, 0));
    }
    let (scaled, suffix) = if a >= 1e9 { (a / 1e9, "bn") } else { (a / 1e6, "m") };
    let decimals = 3usize.saturating_sub(scaled.log10().floor() as usize);
    let sign = if x < 0.0 { "−" } else { "" };
    format!("{sign}£{scaled:.decimals$}{suffix}")
}

/// The deterministic base case, one labelled line per quantity.
pub fn base_case_table(scenario: &Scenario, model: &Model) -> String {
    let values = model.base_case();
    let mut s = String::new();
    let _ = writeln!(s, "{}: scenario is valid", scenario.path.display());
    if !scenario.name.is_empty() {
        s.push_str(&wrap(&scenario.name, 0));
    }
    let random = model.inputs.iter().filter(|i| !i.dist.is_fixed()).count();
    let _ = writeln!(
        s,
        "{} parameters ({} uncertain), {} domains\n",
        model.inputs.len(),
        random,
        model.domains.len()
    );
    let _ = writeln!(s, "Base case (every parameter at its base value):");
    for (o, v) in model.outputs[..model.n_metrics].iter().zip(&values) {
        let label = scenario.metric_label(&o.name);
        let claim = o.claim.map_or_else(String::new, |c| {
            let diff = (v - c) / c * 100.0;
            format!("   claim {}: {diff:+.1}%", show(&label, c))
        });
        let _ = writeln!(
            s,
            "  {} {}{claim}",
            cell(&label.label, 30),
            right(&long(&label, *v), 14)
        );
    }
    if !model.domains.is_empty() {
        let _ = writeln!(s, "\nValue per child by domain (after the programme adjustment):");
        let total: f64 = values[model.n_metrics..].iter().sum();
        for (d, v) in model.domains.iter().zip(&values[model.n_metrics..]) {
            let share = if total != 0.0 {
                percent(v / total)
            } else {
                format::MISSING.into()
            };
            let line = format!(
                "  {} {}   {}   payer: {}",
                cell(&d.name, 30),
                right(&long(&scenario.metric_label(&d.name), *v), 14),
                right(&share, 5),
                d.payer
            );
            let _ = writeln!(s, "{}", format::ellipsis(&line, super::WIDTH));
        }
    }
    s
}

/// "metric  mean  95% range  P(> 0)  P(claim)": the header of a summary.
fn summary_header(s: &mut String, first: &str) {
    let _ = writeln!(
        s,
        "  {} {} {} {} {}",
        cell(first, 27),
        right("mean", 10),
        right("95% range", 21),
        right("P(> 0)", 7),
        right("P(claim)", 8)
    );
}

/// One summary line of a metric.
fn summary_line(
    s: &mut String,
    name: &str,
    label: &MetricLabel,
    stats: &cradle::stats::OutputStats,
    claim: Option<f64>,
) {
    let r = summarise(stats, claim);
    let v = show_all(label, &[r.mean, r.percentiles[0], r.percentiles[6]]);
    let _ = writeln!(
        s,
        "  {} {} {} {} {}",
        cell(name, 27),
        right(&v[0], 10),
        right(&format!("{} – {}", v[1], v[2]), 21),
        right(&probability(r.prob_positive), 7),
        right(&r.prob_meets_claim.map_or_else(String::new, probability), 8)
    );
}

/// Whether a `--precision` run converged, and at what n.
fn precision_line(model: &Model, result: &RunResult, precision: &Precision, cap: u64) -> String {
    let name = &model.outputs[precision.metric].name;
    let m = &result.outputs[precision.metric].moments;
    let achieved = cradle::special::Z95 * m.mc_se() / m.mean.abs();
    let target = percent(precision.relative);
    match result.converged_at {
        Some(n) => wrap(
            &format!(
                "Converged: the 95% interval of the mean of {name} was within ±{target} after {} iterations (±{} at the end).",
                grouped(n as f64, 0),
                percent(achieved)
            ),
            2,
        ),
        None => wrap(
            &format!(
                "Not converged: the cap of {} iterations was reached with the 95% interval of the mean of {name} at ±{}, wider than ±{target}; raise -n.",
                grouped(cap as f64, 0),
                percent(achieved)
            ),
            2,
        ),
    }
}

/// The closing summary of a run (the "Wrote ..." line is added by the command).
pub fn run_table(
    scenario: &Scenario,
    model: &Model,
    result: &RunResult,
    elapsed_s: f64,
    precision: Option<(&Precision, u64)>,
) -> String {
    let mut s = String::new();
    s.push_str(&wrap(&scenario.name, 0));
    let _ = writeln!(
        s,
        "{} iterations, seed {}, {} threads, {:.2} s ({})\n",
        grouped(result.iterations as f64, 0),
        result.seed,
        result.threads,
        elapsed_s,
        rate(result.iterations as f64 / elapsed_s.max(1e-9))
    );
    summary_header(&mut s, "metric");
    for (o, st) in model.outputs[..model.n_metrics].iter().zip(&result.outputs) {
        let label = scenario.metric_label(&o.name);
        summary_line(&mut s, &label.label, &label, st, o.claim);
    }
    if let Some((p, cap)) = precision {
        s.push('\n');
        s.push_str(&precision_line(model, result, p, cap));
    }
    s.push('\n');
    s
}

/// The side-by-side table of `compare`: each metric's levels by scenario,
/// then each scenario's paired difference from the first.
pub fn compare_table(c: &Comparison, labels: &dyn Fn(&str) -> MetricLabel, elapsed_s: f64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} scenarios, {} iterations each on common random numbers, seed {}, {:.2} s\n",
        c.scenarios.len(),
        grouped(c.iterations as f64, 0),
        c.seed,
        elapsed_s
    );
    for (k, metric) in c.metrics.iter().enumerate() {
        let label = labels(metric);
        let _ = writeln!(s, "{}", label.label);
        summary_header(&mut s, "scenario");
        for (i, scenario) in c.scenarios.iter().enumerate() {
            if let Some(stats) = &c.levels[i][k] {
                summary_line(&mut s, scenario, &label, stats, c.claims[i][k]);
            }
        }
        let diffs: Vec<(usize, &cradle::stats::OutputStats)> = c
            .differences
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d[k].as_ref().map(|d| (i, d)))
            .collect();
        if !diffs.is_empty() {
            let _ = writeln!(s, "  difference from {} (mean, 95% CI):", c.scenarios[0]);
            for (i, d) in diffs {
                let d = summarise(d, None);
                let v = show_all(&label, &[d.mean, d.mean_ci_low, d.mean_ci_high]);
                let _ = writeln!(
                    s,
                    "    {} {} ({} to {})",
                    cell(&c.scenarios[i], 27),
                    right(&v[0], 10),
                    v[1],
                    v[2]
                );
            }
        }
        let _ = writeln!(s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money() -> MetricLabel {
        MetricLabel {
            metric: "m".into(),
            label: "M".into(),
            unit: "£".into(),
        }
    }

    #[test]
    fn base_case_values_in_full() {
        assert_eq!(long(&money(), 40_113.4), "£40,113");
        assert_eq!(long(&money(), 1_155_268_010.0), "£1.155bn");
        assert_eq!(long(&money(), 72_000_000.0), "£72.00m");
        assert_eq!(long(&money(), -1_234.0), "−£1,234");
        assert_eq!(long(&MetricLabel::plain("r"), 16.0453), "16");
    }
}
