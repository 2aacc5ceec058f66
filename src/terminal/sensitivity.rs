//! The summary of `cradle sensitivity`: for each method that ran and each
//! metric, the top inputs ranked, with their intervals, in 80 columns.

use std::fmt::Write as _;

use cradle::Scenario;
use cradle::report::format::{number, percentile_name, percentile_rounded, probability};
use cradle::report::page::{show, show_all};
use cradle::sensitivity::SensitivityResult;

use super::{cell, right};

/// Inputs shown per table.
pub const TOP: usize = 8;

/// "0.45 (0.43–0.47)": an estimate with its interval, when there is one.
fn with_interval(value: f64, low: f64, high: f64) -> String {
    if low.is_finite() && high.is_finite() {
        format!("{} ({}–{})", number(value), number(low), number(high))
    } else {
        number(value)
    }
}

/// A table's title (wrapped) and column headings, each column `width` wide.
fn header(s: &mut String, title: &str, columns: &[(&str, usize)]) {
    s.push_str(&super::wrap(title, 2));
    let mut line = format!("  {}", cell("input", 26));
    for (c, width) in columns {
        line.push(' ');
        line.push_str(&right(c, *width));
    }
    let _ = writeln!(s, "{}", line.trim_end());
}

/// One row: the input, then each cell right-aligned in its column's width.
fn row(s: &mut String, input: &str, cells: &[String], widths: &[usize]) {
    let mut line = format!("  {}", cell(input, 26));
    for (c, width) in cells.iter().zip(widths) {
        line.push(' ');
        line.push_str(&right(c, *width));
    }
    let _ = writeln!(s, "{}", line.trim_end());
}

/// "… and 10 more (in tornado.csv)".
fn more(s: &mut String, shown: usize, total: usize, file: &str) {
    if total > shown {
        let _ = writeln!(s, "  … and {} more in {file}", total - shown);
    }
}

/// The tables of every method that ran, metric by metric.
pub fn tables(scenario: &Scenario, result: &SensitivityResult, range: (f64, f64)) -> String {
    let mut s = String::new();
    for metric in &result.metrics {
        let label = scenario.metric_label(metric);
        if let Some(rows) = &result.tornado {
            let rows: Vec<_> = rows.iter().filter(|r| &r.metric == metric).collect();
            header(
                &mut s,
                &format!(
                    "Tornado: {} with each input at its {} and {} percentiles",
                    label.label,
                    percentile_name(range.0 / 100.0),
                    percentile_name(range.1 / 100.0)
                ),
                &[("at low", 16), ("at high", 16), ("swing", 16)],
            );
            for r in rows.iter().take(TOP) {
                let v = show_all(&label, &[r.metric_at_low, r.metric_at_high]);
                row(
                    &mut s,
                    &r.parameter,
                    &[v[0].clone(), v[1].clone(), show(&label, r.swing)],
                    &[16, 16, 16],
                );
            }
            more(&mut s, TOP, rows.len(), "tornado.csv");
            s.push('\n');
        }
        if let Some(rows) = &result.threshold {
            let mut rows: Vec<_> = rows.iter().filter(|r| r.switching_value.is_some()).collect();
            rows.sort_by(|a, b| {
                let key = |q: Option<f64>| q.map_or(-1.0, |q| q.min(1.0 - q));
                key(b.quantile_of_switching_value).total_cmp(&key(a.quantile_of_switching_value))
            });
            let _ = writeln!(s, "Switching values (each input alone, the others at base)");
            if rows.is_empty() {
                let _ = writeln!(s, "  no single input reaches any target within its range");
            } else {
                let _ = writeln!(
                    s,
                    "  {} {} {} {}",
                    cell("input", 20),
                    cell("target", 28),
                    right("switching value", 15),
                    right("percentile", 10)
                );
                for r in rows.iter().take(TOP) {
                    let target_label = scenario.metric_label(&r.metric);
                    let target = format!("{} = {}", r.metric, show(&target_label, r.target));
                    let _ = writeln!(
                        s,
                        "  {} {} {} {}",
                        cell(&r.parameter, 20),
                        cell(&target, 28),
                        right(&number(r.switching_value.unwrap_or(f64::NAN)), 15),
                        right(
                            &r.quantile_of_switching_value
                                .map_or_else(String::new, percentile_rounded),
                            10
                        )
                    );
                }
                more(&mut s, TOP, rows.len(), "threshold.csv");
            }
            s.push('\n');
        }
        if let Some((sobol, n)) = &result.sobol {
            let mut rows: Vec<_> = sobol.rows.iter().filter(|r| &r.metric == metric).collect();
            rows.sort_by(|a, b| b.st.value.total_cmp(&a.st.value));
            header(
                &mut s,
                &format!("Sobol indices of {} (N = {n}), largest total first", label.label),
                &[("first order", 24), ("total", 24)],
            );
            for r in rows.iter().take(TOP) {
                row(
                    &mut s,
                    &r.parameter,
                    &[
                        with_interval(r.s1.value, r.s1.low, r.s1.high),
                        with_interval(r.st.value, r.st.low, r.st.high),
                    ],
                    &[24, 24],
                );
            }
            more(&mut s, TOP, rows.len(), "sobol.csv");
            s.push('\n');
        }
        if let Some((prcc, _, n)) = &result.prcc {
            let mut rows: Vec<_> = prcc.iter().filter(|r| &r.metric == metric).collect();
            rows.sort_by(|a, b| b.prcc.abs().total_cmp(&a.prcc.abs()));
            header(
                &mut s,
                &format!("PRCC with {} ({n} iterations), largest first", label.label),
                &[("PRCC (95% CI)", 24), ("SRC", 12), ("p-value", 12)],
            );
            for r in rows.iter().take(TOP) {
                row(
                    &mut s,
                    &r.parameter,
                    &[
                        with_interval(r.prcc, r.prcc_low, r.prcc_high),
                        number(r.src),
                        probability(r.p_value.clamp(0.0, 1.0)),
                    ],
                    &[24, 12, 12],
                );
            }
            more(&mut s, TOP, rows.len(), "prcc.csv");
            s.push('\n');
        }
        if let Some(morris) = &result.morris {
            let mut rows: Vec<_> = morris.iter().filter(|r| &r.metric == metric).collect();
            rows.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
            header(
                &mut s,
                &format!("Morris screening of {}, largest μ* first", label.label),
                &[("μ*", 14), ("μ* 95% CI", 20), ("σ", 14)],
            );
            for r in rows.iter().take(TOP) {
                let v = show_all(&label, &[r.mu_star, r.mu_star_low, r.mu_star_high, r.sigma]);
                row(
                    &mut s,
                    &r.parameter,
                    &[v[0].clone(), format!("{}–{}", v[1], v[2]), v[3].clone()],
                    &[14, 20, 14],
                );
            }
            more(&mut s, TOP, rows.len(), "morris.csv");
            s.push('\n');
        }
    }
    s
}
