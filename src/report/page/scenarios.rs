//! "Scenarios": with `--compare`, the paired differences of each variant
//! from the scenario (same random numbers, so the difference is the effect
//! of the changed assumptions alone) as a forest plot, and each scenario's
//! mean, 95% range and P(claim) as a table.

use super::{Report, in_sentence, show_all, unit_of};
use crate::compare::Comparison;
use crate::error::Result;
use crate::report::document::{Align, Block, Figure, Row, Table, code, heading, paragraph, text};
use crate::report::figures::{self, Forest, differences};
use crate::report::format::probability;
use crate::stats::summarise;

/// The section, for the report's metric.
pub fn section(r: &Report<'_>, c: &Comparison) -> Result<Vec<Block>> {
    let metric = &r.analyses.metric;
    let label = r.label(metric);
    let mut out = vec![heading(2, "Scenarios", "scenarios")];
    let Some(k) = c.metrics.iter().position(|m| m == metric) else {
        out.push(paragraph(vec![text(format!(
            "The variants do not have {}.",
            in_sentence(&label.label)
        ))]));
        return Ok(out);
    };
    out.push(paragraph(vec![text(format!(
        "Each variant changes some assumptions of the scenario and is run on the same random numbers ({} draws each, seed {}), so that the difference between two scenarios comes from the assumptions and not from noise. Differences are variant minus {}.",
        crate::report::format::grouped(c.iterations as f64, 0),
        c.seed,
        c.scenarios[0]
    ))]));
    let diffs = differences(c, metric);
    let axis = super::axis_label(&label);
    let svg = figures::draw_forest(&Forest {
        metric: &axis,
        unit: unit_of(&label),
        baseline: &c.scenarios[0],
        differences: &diffs,
    })?;
    out.push(Block::Figure(Figure {
        file: "forest.svg".into(),
        svg,
        caption: "Paired difference of each variant from the scenario: the square is the mean difference, the thick bar its 95% Monte Carlo interval, the whiskers the 2.5th to 97.5th percentiles of the difference over the draws.".into(),
    }));
    let mut rows = Vec::new();
    for (s, scenario) in c.scenarios.iter().enumerate() {
        let Some(stats) = &c.levels[s][k] else { continue };
        let row = summarise(stats, c.claims[s][k]);
        let v = show_all(&label, &[row.mean, row.percentiles[0], row.percentiles[6]]);
        let diff = c.differences[s][k].as_ref().map_or_else(
            || "—".to_string(),
            |d| {
                let d = summarise(d, None);
                let w = show_all(&label, &[d.mean, d.mean_ci_low, d.mean_ci_high]);
                format!("{} ({} to {})", w[0], w[1], w[2])
            },
        );
        rows.push(Row {
            cells: vec![
                vec![code(scenario.clone())],
                vec![text(v[0].clone())],
                vec![text(format!("{} to {}", v[1], v[2]))],
                vec![text(row.prob_meets_claim.map_or_else(|| "—".to_string(), probability))],
                vec![text(diff)],
            ],
            flagged: false,
        });
    }
    out.push(Block::Table(Table {
        caption: format!("{} by scenario", label.label),
        header: vec![
            "Scenario".into(),
            "Mean".into(),
            "95% range".into(),
            "P(claim)".into(),
            "Difference from the scenario (95% CI)".into(),
        ],
        align: vec![Align::Left, Align::Right, Align::Right, Align::Right, Align::Right],
        rows,
        flag_note: None,
    }));
    Ok(out)
}
