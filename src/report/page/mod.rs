//! The report's content, one module per part of the page, in the page's
//! order: [`claim`] (does the claim hold?), [`origin`] (where the value
//! comes from), [`drivers`] (what it rests on), [`scenarios`] (with
//! variants), [`voi`] (value of information, when that analysis exists),
//! [`convergence`], [`inputs`] (CHEERS 2022 item 22) and [`reproduce`].
//! Each returns document blocks; every sentence is generated from the
//! numbers and rounded as an economist writes them (`report::format`).

pub mod claim;
pub mod convergence;
pub mod drivers;
pub mod inputs;
pub mod origin;
pub mod reproduce;
pub mod scenarios;
pub mod voi;

use super::analysis::{Analyses, ReportConfig};
use super::document::{Block, Inline, heading, paragraph, text};
use super::format::{self, Unit};
use crate::error::Result;
use crate::model::Model;
use crate::scenario::{MetricLabel, Scenario};

/// Facts about how the report was made that are not results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInfo {
    /// The command line, as the user would type it again.
    pub command_line: String,
    /// When the report was made (the one line that differs run to run).
    pub date: String,
}

/// Everything the page is made from.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Its model.
    pub model: &'a Model,
    /// The variants compared with it (in the order given).
    pub variants: &'a [&'a Scenario],
    /// The sizes and seed.
    pub config: &'a ReportConfig,
    /// What was computed.
    pub analyses: &'a Analyses,
    /// How it was made.
    pub info: &'a ReportInfo,
}

impl Report<'_> {
    /// The label and unit of output `name`.
    pub fn label(&self, name: &str) -> MetricLabel {
        self.scenario.metric_label(name)
    }

    /// The index in `Model::outputs` of the report's metric.
    pub fn metric_index(&self) -> usize {
        self.model
            .metric_index(&self.analyses.metric)
            .expect("the report's metric was resolved by the analysis")
    }
}

/// How values of a metric are written: money, or a plain number.
pub fn unit_of(label: &MetricLabel) -> Unit {
    if label.is_money() { Unit::Money } else { Unit::Number }
}

/// `values` of the metric `label` written alike (see `Unit::format_distinct`),
/// with a unit other than £ after each number ("3.2 QALYs").
pub fn show_all(label: &MetricLabel, values: &[f64]) -> Vec<String> {
    let unit = unit_of(label);
    unit.format_distinct(values)
        .into_iter()
        .map(|v| {
            if label.unit.is_empty() || label.is_money() || v == format::MISSING {
                v
            } else {
                format!("{v} {}", label.unit)
            }
        })
        .collect()
}

/// One value of the metric `label`.
pub fn show(label: &MetricLabel, x: f64) -> String {
    show_all(label, &[x]).remove(0)
}

/// The metric's label for use inside a sentence: "value per child"
/// (a first capital lowered, unless the word is an acronym such as "QALYs").
pub fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            let mut out: String = first.to_lowercase().collect();
            out.push(second);
            out.extend(chars);
            out
        }
        _ => label.to_string(),
    }
}

/// The metric's label with its unit for a figure's axis: the figure adds
/// " (£)" for money itself; any other unit is added here.
pub fn axis_label(label: &MetricLabel) -> String {
    if label.unit.is_empty() || label.is_money() {
        label.label.clone()
    } else {
        format!("{} ({})", label.label, label.unit)
    }
}

/// The whole report, in the page's order.
pub fn build(r: &Report<'_>) -> Result<Vec<Block>> {
    let mut blocks = vec![heading(1, &format!("Stress test: {}", r.scenario.name), "top")];
    if !r.scenario.description.trim().is_empty() {
        blocks.push(Block::Paragraph {
            text: vec![text(r.scenario.description.trim())],
            class: Some("subtitle"),
        });
    }
    blocks.push(paragraph(intro(r)));
    blocks.extend(claim::section(r)?);
    blocks.extend(origin::section(r)?);
    blocks.extend(drivers::section(r)?);
    if let Some(c) = &r.analyses.comparison {
        blocks.extend(scenarios::section(r, c)?);
    }
    if let Some(v) = &r.analyses.voi {
        blocks.extend(voi::section(r, &v.result)?);
    }
    blocks.extend(convergence::section(r)?);
    blocks.extend(inputs::section(r));
    blocks.extend(reproduce::section(r));
    Ok(blocks)
}

/// What was run, in one sentence: the sizes used.
fn intro(r: &Report<'_>) -> Vec<Inline> {
    let a = r.analyses;
    let n = format::grouped(a.run.iterations as f64, 0);
    let mut s = format!(
        "cradle ran the scenario {n} times (seed {}, {} sampling), varied each uncertain input on its own (tornado and switching values), estimated Sobol indices on N = {} base samples ({} model evaluations, {} bootstrap resamples) and partial rank correlations on {} draws",
        r.config.seed,
        sampler_words(r.config.sampler),
        format::grouped(r.config.sobol_samples as f64, 0),
        a.sensitivity
            .sobol
            .as_ref()
            .map_or_else(|| "no".to_string(), |(s, _)| format::grouped(s.evaluations as f64, 0)),
        format::grouped(r.config.bootstrap as f64, 0),
        format::grouped(r.config.prcc_iterations as f64, 0),
    );
    if a.voi.is_some() {
        s.push_str(
            ", valued the information that would settle the decision to fund (EVPI and EVPPI, on the same draws)",
        );
    }
    if let Some(c) = &a.comparison {
        s.push_str(&format!(
            ", and compared it with {} on common random numbers ({} draws each)",
            plural(c.scenarios.len() - 1, "variant", "variants"),
            format::grouped(c.iterations as f64, 0)
        ));
    }
    s.push_str(". Money is in the scenario's prices");
    if let Some(y) = r.scenario.price_year {
        s.push_str(&format!(" ({y})"));
    }
    s.push_str("; ranges are the 2.5th to 97.5th percentiles of the draws.");
    vec![text(s)]
}

/// "1 variant", "2 variants".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The sampler in words.
pub fn sampler_words(s: crate::sampling::Sampler) -> &'static str {
    match s {
        crate::sampling::Sampler::MonteCarlo => "plain Monte Carlo",
        crate::sampling::Sampler::LatinHypercube => "Latin hypercube",
        crate::sampling::Sampler::Sobol => "scrambled Sobol",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_inside_sentences() {
        assert_eq!(in_sentence("Value per child"), "value per child");
        assert_eq!(in_sentence("QALYs gained"), "QALYs gained");
        assert_eq!(in_sentence("x"), "x");
        assert_eq!(in_sentence(""), "");
    }

    #[test]
    fn values_carry_their_unit() {
        let money = MetricLabel {
            metric: "v".into(),
            label: "V".into(),
            unit: "£".into(),
        };
        assert_eq!(show(&money, 38_674.25), "£38,700");
        let qalys = MetricLabel {
            metric: "q".into(),
            label: "Q".into(),
            unit: "QALYs".into(),
        };
        assert_eq!(show(&qalys, 3.21), "3.21 QALYs");
        assert_eq!(axis_label(&qalys), "Q (QALYs)");
        assert_eq!(show(&MetricLabel::plain("r"), 16.05), "16.1");
    }
}
