//! "Value of information": what resolving the uncertainty would be worth to
//! the decision to fund the programme (fund when net savings are
//! positive), from the `voi` analysis run on the report's own draws. The
//! decision now and how often it is the wrong one; the expected value of
//! perfect information (EVPI) per annual cohort and over the horizon; the
//! expected value of partial perfect information (EVPPI) of each input and
//! group as bars, EVPI as their ceiling. Research that would cost more than
//! an input's EVPPI is not worth doing for this decision (Claxton 1999;
//! Strong, Oakley & Brennan 2014).
//!
//! When the same option is best in every draw no information can change the
//! decision: the section says so and draws no bars (they would all be 0).

use super::{Report, in_sentence, plural, show, show_all};
use crate::error::Result;
use crate::report::document::{Block, Figure, Inline, code, heading, paragraph, strong, text};
use crate::report::figures::{self, Evppi, EvppiBar};
use crate::report::format::{grouped, percent, probability};
use crate::voi::VoiResult;

/// How to ask for the decision curve, which the report does not draw (it
/// costs a full run per value of the input).
fn sweep_hint(r: &Report<'_>) -> Vec<Inline> {
    vec![
        text(
            "The decision curve (P(net savings > 0), mean net savings and EVPI as one input is held at each value of a grid) costs a run per value, so the report leaves it out: ",
        ),
        code(format!(
            "cradle voi {} --sweep PARAM=LO:HI:STEP",
            r.scenario.path.display()
        )),
        text(" draws it into voi_sweep.csv."),
    ]
}

/// The section, for the report `r` and its value-of-information result `v`.
pub fn section(r: &Report<'_>, v: &VoiResult) -> Result<Vec<Block>> {
    let label = r.label(&v.metric);
    let e = &v.evpi;
    let mut out = vec![heading(2, "Value of information", "voi")];

    // The decision now, and how often it is the wrong one.
    let fund = e.best_on_average == 1;
    let p_best_now = e.prob_best.get(e.best_on_average).copied().unwrap_or(f64::NAN);
    let mean = e.mean_increment.get(1).copied().unwrap_or(f64::NAN);
    out.push(paragraph(vec![text(format!(
        "The decision is whether to fund the programme: funding is the better choice in a draw where {} are positive. On the current evidence the choice is {} (mean {} {}), and it is the better one in {} of the {} draws.",
        in_sentence(&label.label),
        if fund { "to fund" } else { "not to fund" },
        in_sentence(&label.label),
        show(&label, mean),
        probability(p_best_now),
        grouped(e.n as f64, 0)
    ))]));

    let settled = e.evpi.value == 0.0 && e.prob_best.contains(&1.0);
    if settled {
        out.push(paragraph(vec![
            strong("No draw reverses the decision, so no research could change it"),
            text(format!(
                ": the expected value of perfect information (EVPI) is {} per cohort, and so is that of each of the {} (evppi.csv lists them).",
                show(&label, 0.0),
                plural(v.binned.len() + v.grouped.len(), "input or group", "inputs and groups")
            )),
        ]));
        return Ok(out);
    }

    let ev = show_all(&label, &[e.evpi.value, e.evpi.low().max(0.0), e.evpi.high()]);
    let mut sentence = format!(
        "Resolving every uncertainty before deciding would be worth {} per annual cohort (the expected value of perfect information, EVPI; 95% interval {} to {})",
        ev[0], ev[1], ev[2]
    );
    if let Some(p) = &v.population {
        sentence.push_str(&format!(
            ", or {} over {} years of cohorts ({} discounted cohorts on the {} schedule)",
            show(&label, p.evpi.value),
            p.horizon,
            crate::report::format::number(p.cohorts),
            p.schedule
        ));
    }
    sentence.push_str(". Resolving one input, or one group of inputs, alone would be worth its EVPPI, shown below");
    let mut rows = v.evppi_rows();
    rows.sort_by(|a, b| b.evppi.total_cmp(&a.evppi));
    let mut inlines = vec![text(sentence)];
    let top: Vec<_> = rows.iter().filter(|row| row.evppi > 0.0).take(3).collect();
    if !top.is_empty() {
        inlines.push(text(": the largest are "));
        for (i, row) in top.iter().enumerate() {
            if i > 0 {
                inlines.push(text(if i + 1 == top.len() { " and " } else { ", " }));
            }
            inlines.push(code(row.parameter_or_group.clone()));
            let share = if row.share_of_evpi.is_finite() {
                format!(", {} of the EVPI", percent(row.share_of_evpi))
            } else {
                String::new()
            };
            inlines.push(text(format!(" ({}{share})", show(&label, row.evppi))));
        }
    }
    inlines.push(text(
        ". Research that would cost more than an input's EVPPI is not worth doing for this decision.",
    ));
    out.push(paragraph(inlines));

    let bars: Vec<EvppiBar<'_>> = rows
        .iter()
        .map(|row| EvppiBar {
            factor: &row.parameter_or_group,
            evppi: row.evppi,
            low: row.evppi_low,
            high: row.evppi_high,
        })
        .collect();
    let svg = figures::draw_evppi(&Evppi {
        per: "per cohort",
        bars: &bars,
        evpi: Some(e.evpi.value),
    })?;
    let groups = if v.grouped.is_empty() {
        String::new()
    } else {
        format!(
            "; groups by regression on the first {} draws",
            grouped(v.regression_rows as f64, 0)
        )
    };
    out.push(Block::Figure(Figure {
        file: "evppi.svg".into(),
        svg,
        caption: format!(
            "EVPPI per annual cohort of each input and group, with its 95% interval (single inputs: {} equal-probability bins each, cross-fitted; the interval reaches over the estimate's downward bias{groups}); the dashed line is the EVPI, which no EVPPI exceeds beyond estimation noise.",
            v.bins
        ),
    }));
    out.push(paragraph(sweep_hint(r)));
    Ok(out)
}
