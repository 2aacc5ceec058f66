//! The report: the whole stress test of a claim in one page. It runs the
//! analyses (`analysis`), turns their results into sentences, tables and
//! figures (`page`, one module per part of the page, over the `document`
//! blocks), renders them as one self-contained HTML page and as Markdown
//! (`html`, `markdown`), and writes them with every CSV of the analyses
//! (`files`).
//!
//! ```text
//! Scenario (+ variants) -> analysis::analyse -> Analyses
//!     -> page::build -> [Block] -> html::render / markdown::render
//!     -> files::write_report (CSV files, report.html, report.md, figures/*.svg)
//! ```
//!
//! The figures (one function per figure, each returning a self-contained,
//! accessible SVG document) and the number formats that figures and pages
//! share are usable on their own.

pub mod analysis;
pub mod describe;
pub mod document;
pub mod figures;
pub mod files;
pub mod format;
mod html;
mod markdown;
pub mod page;

pub use analysis::{Analyses, ReportConfig, Stage, Voi, analyse, headline_metric};
pub use files::{FIGURES_DIR, REPORT_HTML, REPORT_MD, figure_files, render, report_files, write_report};
pub use page::{Report, ReportInfo};
