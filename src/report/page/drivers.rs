//! "What it rests on": which inputs drive the metric, seen four ways. The
//! tornado (each input alone at its 5th and 95th percentile), the switching
//! values (how far an input must move, alone, for the conclusion to flip,
//! and where that lies in its own distribution: inside its 5–95% range is
//! highlighted), Sobol first-order and total indices (shares of variance,
//! with bootstrap intervals) and PRCC beside them.

use super::{Report, in_sentence, show_all, unit_of};
use crate::error::Result;
use crate::report::describe::exact;
use crate::report::document::{Align, Block, Figure, Inline, Row, Table, code, heading, paragraph, strong, text};
use crate::report::figures::{self, Prcc, SobolIndices, Tornado};
use crate::report::format::{number, percent, percentile_name, percentile_rounded};
use crate::sensitivity::sobol::SobolRow;
use crate::sensitivity::threshold::ThresholdRow;

/// The percentile range within which a switching value is highlighted.
const PLAUSIBLE: (f64, f64) = (0.05, 0.95);

/// "delta_p (total 45%, 95% interval 43% to 47%)" for the top factors by
/// total index.
fn ranking(rows: &[&SobolRow]) -> Vec<Inline> {
    let mut sorted: Vec<&&SobolRow> = rows.iter().collect();
    sorted.sort_by(|a, b| b.st.value.total_cmp(&a.st.value));
    let mut out = Vec::new();
    for (i, row) in sorted.iter().take(3).enumerate() {
        if i > 0 {
            out.push(text(if i + 1 == sorted.len().min(3) { " and " } else { ", " }));
        }
        out.push(code(row.parameter.clone()));
        let interval = if row.st.low.is_finite() && row.st.high.is_finite() {
            format!(", 95% interval {} to {}", percent(row.st.low), percent(row.st.high))
        } else {
            String::new()
        };
        out.push(text(format!(" (total index {}{interval})", percent(row.st.value))));
    }
    out
}

/// The switching values of the report's metric (its claim met exactly)
/// and of net savings (reaching zero), as a table.
fn switching_table(r: &Report<'_>, rows: &[ThresholdRow]) -> Option<Block> {
    if rows.is_empty() {
        return None;
    }
    let mut sorted: Vec<&ThresholdRow> = rows.iter().collect();
    // Those that can flip the conclusion first, the most plausible on top
    // (the switching value nearest the middle of its distribution).
    let key = |t: &ThresholdRow| t.quantile_of_switching_value.map_or(-1.0, |q| q.min(1.0 - q));
    sorted.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let mut out = Vec::new();
    for t in sorted {
        let label = r.label(&t.metric);
        let target = format!("{} = {}", label.label, show_all(&label, &[t.target])[0]);
        let base = exact_short(t.base_input);
        let (value, where_, flagged) = match (t.switching_value, t.quantile_of_switching_value) {
            (Some(v), Some(q)) => (
                exact_short(v),
                format!("{} percentile", percentile_rounded(q)),
                (PLAUSIBLE.0..=PLAUSIBLE.1).contains(&q),
            ),
            _ => ("none".to_string(), "outside its range".to_string(), false),
        };
        out.push(Row {
            cells: vec![
                vec![code(t.parameter.clone())],
                vec![text(target)],
                vec![text(base)],
                vec![text(value)],
                vec![text(where_)],
            ],
            flagged,
        });
    }
    Some(Block::Table(Table {
        caption: "Switching values: each input alone, the others at base".into(),
        header: vec![
            "Input".into(),
            "Target".into(),
            "Base value".into(),
            "Switching value".into(),
            "Where in its distribution".into(),
        ],
        align: vec![Align::Left, Align::Left, Align::Right, Align::Right, Align::Right],
        rows: out,
        flag_note: Some(format!(
            "Highlighted: the switching value lies between the {} and {} percentiles of the input's own distribution, so the conclusion flips within the input's plausible range.",
            percentile_name(PLAUSIBLE.0),
            percentile_name(PLAUSIBLE.1)
        )),
    }))
}

/// A number at four significant figures unless written shorter.
fn exact_short(x: f64) -> String {
    let e = exact(x);
    if e.chars().filter(|c| c.is_ascii_digit()).count() <= 5 {
        e
    } else {
        number(x)
    }
}

/// The section.
pub fn section(r: &Report<'_>) -> Result<Vec<Block>> {
    let k = r.metric_index();
    let name = &r.model.outputs[k].name;
    let label = r.label(name);
    let metric = super::axis_label(&label);
    let s = &r.analyses.sensitivity;
    let mut out = vec![heading(2, "What it rests on", "drivers")];

    if let Some((sobol, _)) = &s.sobol {
        let rows: Vec<&SobolRow> = sobol.rows.iter().filter(|row| &row.metric == name).collect();
        if !rows.is_empty() {
            let first: f64 = rows.iter().map(|row| row.s1.value).sum();
            let mut sentence = vec![text(format!(
                "Ranked by their Sobol total index (the share of the variance of {} that an input accounts for, alone and with others), the inputs that matter most are ",
                in_sentence(&label.label)
            ))];
            sentence.extend(ranking(&rows));
            sentence.push(text(format!(
                ". The first-order indices add up to {}: ",
                percent(first)
            )));
            sentence.push(strong(if first >= 0.9 {
                "the inputs act mostly on their own"
            } else {
                "interactions between inputs carry a real part of the variance"
            }));
            sentence.push(text("."));
            out.push(paragraph(sentence));
        }
    }

    if let Some(rows) = &s.tornado {
        let rows: Vec<_> = rows.iter().filter(|row| &row.metric == name).cloned().collect();
        let svg = figures::draw_tornado(&Tornado {
            metric: &metric,
            unit: unit_of(&label),
            rows: &rows,
            claim: r.model.outputs[k].claim,
        })?;
        out.push(Block::Figure(Figure {
            file: "tornado.svg".into(),
            svg,
            caption: format!(
                "Tornado: each input alone at the {} and {} percentiles of its distribution, every other input at its base value; bars run from the metric with the input low to the metric with it high, widest swing on top.",
                percentile_name(r.config.range.0 / 100.0),
                percentile_name(r.config.range.1 / 100.0)
            ),
        }));
    }

    if let Some(rows) = &s.threshold {
        let claim = r.model.outputs[k].claim;
        let relevant: Vec<ThresholdRow> = rows
            .iter()
            .filter(|t| {
                (&t.metric == name && Some(t.target) == claim) || (t.metric == "net_savings" && t.target == 0.0)
            })
            .cloned()
            .collect();
        let (flip, never): (Vec<ThresholdRow>, Vec<ThresholdRow>) =
            relevant.into_iter().partition(|t| t.switching_value.is_some());
        let inside = flip
            .iter()
            .filter(|t| {
                t.quantile_of_switching_value
                    .is_some_and(|q| (PLAUSIBLE.0..=PLAUSIBLE.1).contains(&q))
            })
            .count();
        let mut sentence = format!(
            "Switching values (HM Treasury Green Book): the value an input must take, alone, for the conclusion to flip. {} can flip it within its range; for {} the switching value lies between its {} and {} percentiles.",
            super::plural(flip.len(), "input–target pair", "input–target pairs"),
            inside,
            percentile_name(PLAUSIBLE.0),
            percentile_name(PLAUSIBLE.1)
        );
        // Targets no input can reach are a sentence, not rows of "none".
        let mut targets: Vec<(String, f64)> = Vec::new();
        for t in &never {
            if !targets.iter().any(|(m, v)| *m == t.metric && *v == t.target) {
                targets.push((t.metric.clone(), t.target));
            }
        }
        for (metric, target) in targets {
            let l = r.label(&metric);
            let count = never
                .iter()
                .filter(|t| t.metric == metric && t.target == target)
                .count();
            sentence.push_str(&format!(
                " No value within its range of {} brings {} to {}.",
                super::plural(count, "input", "inputs"),
                in_sentence(&l.label),
                show_all(&l, &[target])[0]
            ));
        }
        out.push(paragraph(vec![text(sentence)]));
        if let Some(table) = switching_table(r, &flip) {
            out.push(table);
        }
    }

    if let Some((sobol, n)) = &s.sobol {
        let rows: Vec<SobolRow> = sobol.rows.iter().filter(|row| &row.metric == name).cloned().collect();
        let svg = figures::draw_sobol(&SobolIndices {
            metric: &metric,
            rows: &rows,
        })?;
        out.push(Block::Figure(Figure {
            file: "sobol.svg".into(),
            svg,
            caption: format!(
                "Sobol indices: the first-order index is the share of variance an input explains on its own, the total index adds its interactions; whiskers are 95% bootstrap intervals (N = {} base samples).",
                crate::report::format::grouped(*n as f64, 0)
            ),
        }));
    }
    if let Some((rows, _, n)) = &s.prcc {
        let rows: Vec<_> = rows.iter().filter(|row| &row.metric == name).cloned().collect();
        let svg = figures::draw_prcc(&Prcc {
            metric: &metric,
            rows: &rows,
        })?;
        out.push(Block::Figure(Figure {
            file: "prcc.svg".into(),
            svg,
            caption: format!(
                "Partial rank correlation of each input with the metric, the other inputs held fixed (95% intervals, {} draws): the sign says which way the input pushes.",
                crate::report::format::grouped(*n as f64, 0)
            ),
        }));
    }
    Ok(out)
}
