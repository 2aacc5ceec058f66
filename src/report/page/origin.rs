//! "Where the value comes from": the mean value per child split by domain
//! and by payer (a stacked bar with each share), and the domains as a table
//! with their 95% ranges (breakdown.csv, for people).

use super::{Report, show_all};
use crate::error::Result;
use crate::report::document::{Align, Block, Figure, Row, Table, code, heading, paragraph, text};
use crate::report::figures::{self, Breakdown, DomainValue};
use crate::report::format::percent;

/// The section (a sentence only, for a scenario without domains).
pub fn section(r: &Report<'_>) -> Result<Vec<Block>> {
    let mut out = vec![heading(2, "Where the value comes from", "origin")];
    let m = r.model;
    if m.domains.is_empty() {
        out.push(paragraph(vec![text(
            "The scenario has no domains: its value is not split into avoided costs.",
        )]));
        return Ok(out);
    }
    let stats = &r.analyses.run.outputs[m.n_metrics..];
    let means: Vec<f64> = stats.iter().map(|s| s.moments.mean).collect();
    let total: f64 = means.iter().sum();
    let values: Vec<DomainValue> = m
        .domains
        .iter()
        .zip(&means)
        .map(|(d, &mean)| DomainValue {
            domain: &d.name,
            payer: &d.payer,
            mean,
        })
        .collect();
    let svg = figures::draw_breakdown(&Breakdown { domains: &values })?;

    // The largest domains, in words.
    let mut order: Vec<usize> = (0..means.len()).collect();
    order.sort_by(|&a, &b| means[b].total_cmp(&means[a]));
    let money = r.label(&m.domains[0].name);
    let top: Vec<String> = order
        .iter()
        .take(3)
        .map(|&i| {
            format!(
                "{} ({}, {})",
                m.domains[i].name,
                show_all(&money, &[means[i]])[0],
                percent(means[i] / total)
            )
        })
        .collect();
    let mut payers: Vec<(String, f64)> = Vec::new();
    for (d, &v) in m.domains.iter().zip(&means) {
        match payers.iter_mut().find(|(p, _)| *p == d.payer) {
            Some((_, sum)) => *sum += v,
            None => payers.push((d.payer.clone(), v)),
        }
    }
    payers.sort_by(|a, b| b.1.total_cmp(&a.1));
    let payer_words: Vec<String> = payers
        .iter()
        .map(|(p, v)| format!("{p} {}", percent(v / total)))
        .collect();
    out.push(paragraph(vec![text(format!(
        "Of a mean value per child of {}, the largest parts are {}. By who bears the avoided cost: {}.",
        show_all(&money, &[total])[0],
        top.join(", "),
        payer_words.join(", ")
    ))]));
    out.push(Block::Figure(Figure {
        file: "breakdown.svg".into(),
        svg,
        caption: "Mean value per child split by domain (upper bar) and by payer (lower bar); each segment is labelled with its share of the total.".into(),
    }));
    let rows = order
        .iter()
        .map(|&i| {
            let s = &stats[i];
            let v = show_all(&money, &[means[i], s.sketch.quantile(0.025), s.sketch.quantile(0.975)]);
            Row {
                cells: vec![
                    vec![code(m.domains[i].name.clone())],
                    vec![text(m.domains[i].payer.clone())],
                    vec![text(v[0].clone())],
                    vec![text(percent(means[i] / total))],
                    vec![text(format!("{} to {}", v[1], v[2]))],
                ],
                flagged: false,
            }
        })
        .collect();
    out.push(Block::Table(Table {
        caption: "Value per child by domain".into(),
        header: vec![
            "Domain".into(),
            "Payer".into(),
            "Mean".into(),
            "Share".into(),
            "95% range".into(),
        ],
        align: vec![Align::Left, Align::Left, Align::Right, Align::Right, Align::Right],
        rows,
        flag_note: None,
    }));
    Ok(out)
}
