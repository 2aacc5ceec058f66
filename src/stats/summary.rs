//! What the CSV files report for one output, read off its moments and sketch.
//!
//! - Mean interval: mean ± 1.96·mc_se (the Monte Carlo error of the mean).
//! - Quantile intervals: distribution-free, from order statistics. For the
//!   p-quantile of n draws the ranks j = ⌊np − 1.96√(np(1−p))⌋ and
//!   k = ⌈np + 1.96√(np(1−p))⌉ bracket it with about 95% confidence
//!   (normal approximation to the binomial; Conover 1999, §3.2).

use super::{Moments, OutputStats, Sketch};
use crate::special::Z95;

/// The percentiles in summary.csv, in column order (p2_5 … p97_5).
pub const SUMMARY_PROBS: [f64; 7] = [0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975];

/// The quantiles in quantiles.csv.
pub const QUANTILE_PROBS: [f64; 19] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995,
];

/// One line of summary.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Mean of the finite draws.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Monte Carlo standard error of the mean.
    pub mc_se: f64,
    /// mean − 1.96·mc_se.
    pub mean_ci_low: f64,
    /// mean + 1.96·mc_se.
    pub mean_ci_high: f64,
    /// Percentiles at [`SUMMARY_PROBS`].
    pub percentiles: [f64; 7],
    /// Smallest draw.
    pub min: f64,
    /// Largest draw.
    pub max: f64,
    /// P(X > 0).
    pub prob_positive: f64,
    /// P(X ≥ claim), when there is a claim.
    pub prob_meets_claim: Option<f64>,
}

/// Summarise one output.
pub fn summarise(stats: &OutputStats, claim: Option<f64>) -> SummaryRow {
    let m: &Moments = &stats.moments;
    let n = m.n as f64;
    let se = m.mc_se();
    let mut percentiles = [0.0; 7];
    for (p, q) in percentiles.iter_mut().zip(SUMMARY_PROBS) {
        *p = stats.sketch.quantile(q);
    }
    SummaryRow {
        mean: if m.n > 0 { m.mean } else { f64::NAN },
        sd: m.sd(),
        mc_se: se,
        mean_ci_low: m.mean - Z95 * se,
        mean_ci_high: m.mean + Z95 * se,
        percentiles,
        min: m.min,
        max: m.max,
        prob_positive: m.positive as f64 / n,
        prob_meets_claim: claim.map(|_| m.meets_claim as f64 / n),
    }
}

/// One line of quantiles.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileRow {
    /// The probability p.
    pub quantile: f64,
    /// The p-quantile.
    pub value: f64,
    /// Lower end of its 95% order-statistic interval.
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
}

/// The p-quantile and its order-statistic interval.
pub fn quantile_with_interval(sketch: &Sketch, p: f64) -> QuantileRow {
    let n = sketch.count() as f64;
    let half = Z95 * (n * p * (1.0 - p)).sqrt();
    // 1-based ranks j and k, read as 0-based order statistics j − 1, k − 1.
    let j = (n * p - half).floor().max(1.0);
    let k = (n * p + half).ceil().min(n);
    QuantileRow {
        quantile: p,
        value: sketch.quantile(p),
        ci_low: sketch.value_at_rank(j - 1.0),
        ci_high: sketch.value_at_rank(k - 1.0),
    }
}

/// All rows of quantiles.csv for one output.
pub fn quantile_rows(sketch: &Sketch) -> Vec<QuantileRow> {
    QUANTILE_PROBS
        .iter()
        .map(|&p| quantile_with_interval(sketch, p))
        .collect()
}

/// One histogram bin [start, end).
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    /// Lower edge.
    pub start: f64,
    /// Upper edge (the last bin includes it).
    pub end: f64,
    /// Draws in the bin.
    pub count: u64,
    /// count / (n · width): integrates to 1 over all bins.
    pub density: Option<f64>,
}

/// Equal-width bins between the 0.5th and 99.5th percentiles, plus a bin
/// for each tail beyond them when it holds draws, so that the counts add up
/// to n and a long tail does not squash the body of the histogram.
pub fn histogram(sketch: &Sketch, bins: usize) -> Vec<Bin> {
    let n = sketch.count();
    if n == 0 {
        return Vec::new();
    }
    let (min, max) = (sketch.min(), sketch.max());
    if min == max {
        return vec![Bin {
            start: min,
            end: max,
            count: n,
            density: None,
        }];
    }
    let (mut lo, mut hi) = (sketch.quantile(0.005), sketch.quantile(0.995));
    if lo >= hi {
        lo = min;
        hi = max;
    }
    let mut edges = Vec::with_capacity(bins + 3);
    if min < lo {
        edges.push(min);
    }
    let width = (hi - lo) / bins as f64;
    for i in 0..bins {
        edges.push(lo + width * i as f64);
    }
    edges.push(hi);
    if max > hi {
        edges.push(max);
    }
    let mut counts = vec![0u64; edges.len() - 1];
    for (value, count) in sketch.buckets() {
        let i = edges.partition_point(|e| *e <= value).clamp(1, edges.len() - 1) - 1;
        counts[i] += count;
    }
    edges
        .windows(2)
        .zip(counts)
        .map(|(e, count)| Bin {
            start: e[0],
            end: e[1],
            count,
            density: Some(count as f64 / (n as f64 * (e[1] - e[0]))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_add_up_and_density_integrates() {
        let xs: Vec<f64> = (0..10_000).map(|i| (i as f64 / 100.0).powi(2)).collect();
        let mut s = Sketch::default();
        s.add_all(&xs);
        let bins = histogram(&s, 40);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 10_000);
        let area: f64 = bins.iter().map(|b| b.density.unwrap() * (b.end - b.start)).sum();
        assert!((area - 1.0).abs() < 1e-12);
        assert!(bins.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn quantile_interval_brackets_the_estimate() {
        let xs: Vec<f64> = (0..100_000).map(|i| i as f64).collect();
        let mut s = Sketch::default();
        s.add_all(&xs);
        let row = quantile_with_interval(&s, 0.5);
        assert!(row.ci_low < row.value && row.value < row.ci_high);
        // half-width of ±1.96·√(n/4) ≈ 310 ranks
        assert!(((row.ci_high - row.ci_low) / 2.0 - 310.0).abs() < 3.0, "{row:?}");
    }
}
