//! The summary of `cradle voi` on the terminal: the decision now, EVPI per
//! cohort and over the horizon, the top EVPPIs, the decision curve.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cradle::report::format::{ellipsis, grouped};
use cradle::report::page::{in_sentence, show};
use cradle::scenario::MetricLabel;
use cradle::voi::VoiResult;

/// Rows of the EVPPI table shown; the rest are in evppi.csv.
const TOP_EVPPI: usize = 10;

/// The summary of `cradle voi`: the decision now, EVPI per cohort and over
/// the horizon, the top EVPPIs with their intervals and shares, and the
/// decision curve's switch point, in the metric's unit (`label`). Fits 80
/// columns.
pub fn voi_table(r: &VoiResult, label: &MetricLabel, title: &str, written: &[PathBuf], dir: &Path) -> String {
    let mut s = String::new();
    let metric = r.metric.as_str();
    let value = |x: f64| show(label, x);
    let e = &r.evpi;
    let _ = writeln!(
        s,
        "{title}
"
    );
    let fund = e.prob_best.get(1).copied().unwrap_or(f64::NAN);
    if e.options == 2 {
        let decision = if e.best_on_average == 1 { "fund" } else { "do not fund" };
        let _ = writeln!(
            s,
            "Decision now: {decision} (mean {}: {}; P({} > 0) = {fund:.3})",
            in_sentence(&label.label),
            value(e.mean_increment[1]),
            metric
        );
    } else {
        let _ = writeln!(
            s,
            "Decision now: option {} of {} ({} options: columns {})",
            e.best_on_average + 1,
            e.options,
            e.options,
            metric.replace(';', ", ")
        );
    }
    let _ = writeln!(
        s,
        "{:<22}{:>16}   95% CI {} to {}",
        "EVPI per cohort:",
        value(e.evpi.value),
        value(e.evpi.low()),
        value(e.evpi.high())
    );
    if let Some(p) = &r.population {
        let _ = writeln!(
            s,
            "{:<22}{:>16}   ({:.2} discounted cohorts, {})",
            format!("EVPI over {} years:", p.horizon),
            value(p.evpi.value),
            p.cohorts,
            ellipsis(&p.schedule, 24)
        );
    }
    let mut rows = r.evppi_rows();
    rows.sort_by(|a, b| b.evppi.total_cmp(&a.evppi));
    let settled = e.evpi.value == 0.0 && e.prob_best.contains(&1.0);
    if settled {
        let _ = writeln!(
            s,
            "The same option is best in every draw: no information could change the\ndecision, so every value of information is 0 (evppi.csv lists each)."
        );
    }
    if !rows.is_empty() && !settled {
        let _ = writeln!(
            s,
            "\n  {:<20} {:>14}  {:^31}  {:>6}",
            "parameter or group", "EVPPI", "95% interval", "share"
        );
        for row in rows.iter().take(TOP_EVPPI) {
            let share = if row.share_of_evpi.is_finite() {
                format!("{:.1}%", 100.0 * row.share_of_evpi)
            } else {
                String::new()
            };
            let interval = format!("{} to {}", value(row.evppi_low), value(row.evppi_high));
            let _ = writeln!(
                s,
                "  {:<20} {:>14}  {:>31}  {:>6}",
                ellipsis(&row.parameter_or_group, 20),
                value(row.evppi),
                interval,
                share
            );
        }
        if rows.len() > TOP_EVPPI {
            let _ = writeln!(s, "  ({} more in evppi.csv)", rows.len() - TOP_EVPPI);
        }
        let _ = write!(
            s,
            "  Single parameters: {} equal-probability bins each, cross-fitted",
            r.bins
        );
        if r.grouped.is_empty() {
            let _ = writeln!(s, ".");
        } else {
            let _ = writeln!(
                s,
                ";\n  groups: regression on the first {} draws.",
                grouped(r.regression_rows as f64, 0)
            );
        }
    }
    if let Some(first) = r.sweep.first() {
        let _ = writeln!(
            s,
            "\nDecision curve over {} ({} values):",
            first.parameter,
            r.sweep.len()
        );
        let switch = r
            .sweep
            .windows(2)
            .find(|w| (w[0].mean_nb > 0.0) != (w[1].mean_nb > 0.0));
        match switch {
            Some(w) => {
                let _ = writeln!(
                    s,
                    "  mean {metric} changes sign between {} = {} and {}",
                    first.parameter, w[0].value, w[1].value
                );
            }
            None => {
                let _ = writeln!(s, "  mean {metric} keeps its sign over the whole grid");
            }
        }
        let most = r
            .sweep
            .iter()
            .max_by(|a, b| a.evpi.total_cmp(&b.evpi))
            .expect("not empty");
        let _ = writeln!(
            s,
            "  EVPI is largest, {}, at {} = {}\n  (where P({metric} > 0) = {:.3})",
            value(most.evpi),
            first.parameter,
            most.value,
            most.prob_positive
        );
    }
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .collect();
    let _ = writeln!(s, "\nWrote {} to {}", names.join(", "), dir.display());
    s
}
