//! "Inputs" (CHEERS 2022, item 22: "describe how uncertainty about
//! analytic judgments, inputs, or projections is characterised"): every
//! parameter with its distribution in words, base value, 95% range, unit and
//! source, parameters without a source flagged; then the fixed inputs'
//! formulas: derived expressions and the scenario's own metrics.

use super::Report;
use crate::report::describe::{describe, exact};
use crate::report::document::{Align, Block, Row, Table, code, heading, paragraph, text};
use crate::report::format::number;

/// The section.
pub fn section(r: &Report<'_>) -> Vec<Block> {
    let s = r.scenario;
    let uncertain = s.parameters.iter().filter(|p| !p.dist.is_fixed()).count();
    let unsourced: Vec<&str> = s
        .parameters
        .iter()
        .filter(|p| p.source.as_deref().is_none_or(|t| t.trim().is_empty()))
        .map(|p| p.name.as_str())
        .collect();
    let mut out = vec![
        heading(2, "Inputs", "inputs"),
        paragraph(vec![text(format!(
            "{} parameters, {} of them uncertain; {} (CHEERS 2022, item 22).",
            s.parameters.len(),
            uncertain,
            match unsourced.len() {
                0 => "every one cites a source".to_string(),
                1 => "one has no source and is highlighted".to_string(),
                n => format!("{n} have no source and are highlighted"),
            }
        ))]),
    ];
    let rows = s
        .parameters
        .iter()
        .map(|p| {
            let range = if p.dist.is_fixed() {
                "—".to_string()
            } else {
                format!(
                    "{} to {}",
                    number(p.dist.quantile(0.025)),
                    number(p.dist.quantile(0.975))
                )
            };
            let source = p.source.clone().filter(|t| !t.trim().is_empty());
            let mut note = source.unwrap_or_else(|| "No source given".to_string());
            if let Some(n) = &p.note {
                note.push_str(&format!(" Note: {n}"));
            }
            Row {
                cells: vec![
                    vec![code(p.name.clone())],
                    vec![text(describe(&p.dist))],
                    vec![text(exact(p.base))],
                    vec![text(range)],
                    vec![text(p.unit.clone().unwrap_or_default())],
                    vec![text(note)],
                ],
                flagged: p.source.as_deref().is_none_or(|t| t.trim().is_empty()),
            }
        })
        .collect();
    out.push(Block::Table(Table {
        caption: "Parameters".into(),
        header: vec![
            "Parameter".into(),
            "Distribution".into(),
            "Base value".into(),
            "95% range".into(),
            "Unit".into(),
            "Source".into(),
        ],
        align: vec![
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Prose,
        ],
        rows,
        flag_note: Some(
            "Highlighted: no source given. Add `source = \"...\"` to the parameter in the scenario file.".into(),
        ),
    }));
    let formulas: Vec<Row> = s
        .derived
        .iter()
        .map(|f| (f, "derived"))
        .chain(s.metrics.iter().map(|f| (f, "metric")))
        .map(|(f, kind)| Row {
            cells: vec![vec![code(f.name.clone())], vec![text(kind)], vec![code(f.text.clone())]],
            flagged: false,
        })
        .collect();
    if !formulas.is_empty() {
        out.push(Block::Table(Table {
            caption: "Derived quantities and metrics".into(),
            header: vec!["Name".into(), "Kind".into(), "Expression".into()],
            align: vec![Align::Left, Align::Left, Align::Left],
            rows: formulas,
            flag_note: None,
        }));
    }
    out
}
