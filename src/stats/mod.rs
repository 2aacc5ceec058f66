//! Summaries of model outputs: mergeable moments and quantile sketches, and
//! what is read off them (intervals, quantiles with order-statistic
//! confidence intervals, histograms); ranks and rank correlation.

mod counts;
mod moments;
mod rank;
mod sketch;
mod summary;

pub use moments::Moments;
pub use rank::{ranks, spearman};
pub use sketch::{MAX_BUCKETS, MIN_INDEXABLE, RELATIVE_ACCURACY, Sketch};
pub use summary::{
    Bin, QuantileRow, SUMMARY_PROBS, SummaryRow, histogram, quantile_rows, quantile_with_interval, summarise,
};

/// Everything kept about one output during a run.
#[derive(Debug, Clone, Default)]
pub struct OutputStats {
    /// Moments and counts (merged in chunk order).
    pub moments: Moments,
    /// Quantile sketch (exact integer merge).
    pub sketch: Sketch,
}
