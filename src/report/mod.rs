//! The report: its figures (one function per figure, each returning a
//! self-contained, accessible SVG document) and the number formats that
//! figures and pages share.
//!
//! ```text
//! run / sensitivity / compare results -> figures::draw_* -> SVG strings
//! ```

pub mod figures;
pub mod format;
