//! The files of `cradle report`: every CSV that `run`, `sensitivity` and
//! `compare` write (the same files, the same columns, from the same
//! library writers), report.md and report.html in DIR, and each figure as
//! its own SVG in DIR/figures/.
//!
//! They are one output set on DIR ([`report_files`]): opened (and locked)
//! before any work, staged until everything is written, and swapped in
//! together by one commit, report.html last, so a new report.html means
//! that every file of the report is in place. A crash or a signal before
//! the commit leaves the previous report whole.

use std::io::Write;
use std::path::PathBuf;

use super::analysis::Analyses;
use super::document::Block;
use super::page::{self, Report};
use super::{html, markdown};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::output::comparison::{COMPARISON_FILES, write_comparison};
use crate::output::sensitivity::{SENSITIVITY_FILES, write_sensitivity};
use crate::output::voi::{VOI_FILES, VoiRun, VoiSource, write_voi};
use crate::output::{OutputSet, RUN_FILES, RunInfo, write_run};

/// The report's page, as HTML.
pub const REPORT_HTML: &str = "report.html";
/// The report's findings, as Markdown.
pub const REPORT_MD: &str = "report.md";
/// The folder of the figures, inside the output directory.
pub const FIGURES_DIR: &str = "figures";

/// Every file the report can write for `model`, relative to DIR: the sets
/// of `run`, `sensitivity`, `voi` and `compare`, every figure it can draw
/// (figures/..., see [`figure_files`]), then report.md and report.html.
pub fn report_files(model: &Model) -> Vec<String> {
    RUN_FILES
        .iter()
        .chain(&SENSITIVITY_FILES)
        .chain(&VOI_FILES)
        .chain(&COMPARISON_FILES)
        .map(|n| n.to_string())
        .chain(figure_files(model).iter().map(|f| format!("{FIGURES_DIR}/{f}")))
        .chain([REPORT_MD.to_string(), REPORT_HTML.to_string()])
        .collect()
}

/// Every figure the report can draw for `model`, as file names in
/// DIR/figures: the histogram and CDF of each metric, the breakdown, the
/// tornado, Sobol and PRCC charts, the forest plot, the EVPPI bars and the
/// two convergence charts.
pub fn figure_files(model: &Model) -> Vec<String> {
    let mut names = Vec::new();
    for o in &model.outputs[..model.n_metrics] {
        names.push(format!("histogram-{}.svg", o.name));
        names.push(format!("cdf-{}.svg", o.name));
    }
    for fixed in [
        "breakdown.svg",
        "tornado.svg",
        "sobol.svg",
        "prcc.svg",
        "forest.svg",
        "evppi.svg",
        "convergence-mean.svg",
        "convergence-percentiles.svg",
    ] {
        names.push(fixed.to_string());
    }
    names
}

/// The report's pages: (HTML, Markdown), and the figures to write.
pub fn render(report: &Report<'_>) -> Result<(String, String, Vec<super::document::Figure>)> {
    let blocks = page::build(report)?;
    let title = format!("Stress test: {}", report.scenario.name);
    let figures = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    Ok((html::render(&title, &blocks), markdown::render(&blocks), figures))
}

/// Write `text` as `name` in `set`; returns its final path.
fn write_text(set: &mut OutputSet, name: &str, text: &str) -> Result<PathBuf> {
    let mut file = set.create(name)?;
    let path = file.target().to_path_buf();
    file.write_all(text.as_bytes())
        .map_err(|source| Error::Write { path, source })?;
    set.finish(file)
}

/// Write every file of a report into `set` (opened on DIR with
/// [`report_files`]): the run's, the sensitivity analysis's, the value of
/// information's (with net savings) and (with variants) the comparison's
/// CSV files, the figures, report.md and, last,
/// report.html. Nothing lands until the caller commits `set`. Returns the
/// paths the files will have, in the order written.
pub fn write_report(set: &mut OutputSet, report: &Report<'_>, run_info: &RunInfo) -> Result<Vec<PathBuf>> {
    let a: &Analyses = report.analyses;
    let (page_html, page_md, drawn) = render(report)?;
    let mut written = write_run(set, report.scenario, report.model, &a.run, run_info)?;
    written.extend(write_sensitivity(
        set,
        report.scenario,
        &a.sensitivity_config,
        &a.sensitivity,
        a.elapsed_s[1],
    )?);
    if let Some(v) = &a.voi {
        let run = VoiRun {
            source: VoiSource::Scenario {
                scenario: report.scenario,
                config: &v.config,
            },
            threads: a.threads,
            elapsed_s: a.elapsed_s[2],
            shards: run_info.shards,
            hosts: &run_info.hosts,
            shard_elapsed_s_total: None,
        };
        written.extend(write_voi(set, &v.result, &run)?);
    }
    if let Some(c) = &a.comparison {
        written.extend(write_comparison(set, c)?);
    }
    for f in &drawn {
        written.push(write_text(set, &format!("{FIGURES_DIR}/{}", f.file), &f.svg)?);
    }
    written.push(write_text(set, REPORT_MD, &page_md)?);
    written.push(write_text(set, REPORT_HTML, &page_html)?);
    Ok(written)
}
