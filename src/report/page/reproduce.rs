//! "How to reproduce": everything needed to get the same numbers again:
//! cradle's version, the command line, seed, sizes, sampler, the scenario's
//! files and their SHA-256, and the date (the one line that changes from
//! one report to the next; everything else is deterministic).

use super::{Report, sampler_words};
use crate::report::document::{Block, Inline, code, heading, paragraph, text};
use crate::report::format::grouped;

/// The text that starts the date line (tests mask the line that starts so).
pub const DATE_PREFIX: &str = "Made on ";

/// The section.
pub fn section(r: &Report<'_>) -> Vec<Block> {
    let c = r.config;
    let s = r.scenario;
    let mut items: Vec<Vec<Inline>> = vec![
        vec![text(format!("cradle {}", env!("CARGO_PKG_VERSION")))],
        vec![text(format!("Seed {}", c.seed))],
        vec![text(format!(
            "Run: {} iterations, {} sampling",
            grouped(r.analyses.run.iterations as f64, 0),
            sampler_words(c.sampler)
        ))],
        vec![text(format!(
            "Tornado at the {}th and {}th percentiles; switching values by bisection",
            crate::report::format::number(c.range.0),
            crate::report::format::number(c.range.1)
        ))],
        vec![text(format!(
            "Sobol indices: N = {} base samples (Saltelli design, scrambled Sobol points), {} bootstrap resamples",
            grouped(c.sobol_samples as f64, 0),
            grouped(c.bootstrap as f64, 0)
        ))],
        vec![text(format!(
            "PRCC: {} iterations",
            grouped(c.prcc_iterations as f64, 0)
        ))],
    ];
    if let Some(cmp) = &r.analyses.comparison {
        items.push(vec![text(format!(
            "Comparison: {} iterations per scenario, plain Monte Carlo on common random numbers",
            grouped(cmp.iterations as f64, 0)
        ))]);
    }
    items.push(vec![
        text("Scenario SHA-256 (over every file it reads): "),
        code(s.sha256.clone()),
    ]);
    let mut files = vec![text("Files: ")];
    for (i, f) in s.files.iter().enumerate() {
        if i > 0 {
            files.push(text(", "));
        }
        files.push(code(f.display().to_string()));
    }
    items.push(files);
    for v in r.variants {
        items.push(vec![
            text("Variant "),
            code(v.path.display().to_string()),
            text(": SHA-256 "),
            code(v.sha256.clone()),
        ]);
    }
    vec![
        heading(2, "How to reproduce", "reproduce"),
        paragraph(vec![text(
            "The same command with the same scenario files gives the same numbers, to the bit, on any machine and any number of threads:",
        )]),
        Block::Code(r.info.command_line.clone()),
        Block::List(items),
        paragraph(vec![text(format!("{DATE_PREFIX}{}.", r.info.date))]),
    ]
}
