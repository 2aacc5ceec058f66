//! The report's figures, one function per figure. Each takes plain data
//! (the library's own rows, or the small input structs defined beside it)
//! and returns a complete SVG document as a string:
//!
//! - fixed size ([`WIDTH`] × [`HEIGHT`]) and deterministic: the same input
//!   gives byte-identical output;
//! - a title, axes titled with their units, money as £38,700 or £1.15bn
//!   (see [`crate::report::format`]);
//! - `<title>` and `<desc>` as the first children of the root `<svg>`,
//!   which carries `role="img"` and `aria-labelledby`;
//! - colours from the Okabe–Ito palette, paired by lightness and told apart
//!   by dash and marker shape as well, so that greyscale prints still read;
//! - robust: empty data, a single value, negative values, NaN (skipped and
//!   said so in a note under the plot) and long names (cut with an
//!   ellipsis) all draw a figure; nothing panics.
//!
//! Drawing uses plotters with only its SVG backend; text is written as SVG
//! `<text>` for the viewer to render, so no font is needed.
//!
//! | function | input |
//! | --- | --- |
//! | [`draw_histogram`] | [`Histogram`]: `stats::Bin`s, claim, base case |
//! | [`draw_cdf`] | [`Cdf`]: `stats::QuantileRow`s, claim, P(meets claim) |
//! | [`draw_breakdown`] | [`Breakdown`]: [`DomainValue`]s |
//! | [`draw_tornado`] | [`Tornado`]: `sensitivity::tornado::TornadoRow`s |
//! | [`draw_sobol`] | [`SobolIndices`]: `sensitivity::sobol::SobolRow`s |
//! | [`draw_prcc`] | [`Prcc`]: `sensitivity::prcc::PrccRow`s |
//! | [`draw_forest`] | [`Forest`]: [`Difference`]s (from `compare::Comparison` by [`differences`]) |
//! | [`draw_evppi`] | [`Evppi`]: [`EvppiBar`]s and EVPI |
//! | [`draw_convergence_mean`], [`draw_convergence_percentiles`] | [`Convergence`]: `engine::Checkpoint`s |

mod accessibility;
mod breakdown;
mod cdf;
mod convergence;
mod forest;
mod frame;
mod histogram;
mod palette;
mod prcc;
mod rows;
mod sobol;
mod span;
#[cfg(test)]
mod testing;
mod text;
mod tornado;
mod voi;

pub(crate) use accessibility::escape;
pub use breakdown::{Breakdown, DomainValue, draw_breakdown};
pub use cdf::{Cdf, draw_cdf};
pub use convergence::{Convergence, draw_convergence_mean, draw_convergence_percentiles};
pub use forest::{Difference, Forest, differences, draw_forest};
pub use frame::{HEIGHT, WIDTH};
pub use histogram::{Histogram, draw_histogram};
pub use prcc::{Prcc, draw_prcc};
pub use sobol::{SobolIndices, draw_sobol};
pub use tornado::{Tornado, draw_tornado};
pub use voi::{Evppi, EvppiBar, draw_evppi};

/// Why a figure could not be drawn. Inputs never cause one (bad values are
/// skipped with a note); this reports a failure inside the drawing library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FigureError {
    /// plotters failed while drawing.
    #[error("cannot draw the {figure} figure: {message}")]
    Draw {
        /// Which figure.
        figure: &'static str,
        /// What plotters said.
        message: String,
    },
}

impl From<FigureError> for crate::Error {
    fn from(e: FigureError) -> crate::Error {
        match e {
            FigureError::Draw { figure, message } => crate::Error::Figure { figure, message },
        }
    }
}
