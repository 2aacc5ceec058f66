//! "Does the claim hold?": one paragraph generated from the numbers (the
//! base case against the claim, the mean and 95% range, P(claim) with its
//! Monte Carlo interval, P(net savings > 0)), then the histogram and the
//! CDF of the metric, and the same for every other metric with a claim.

use super::{Report, in_sentence, show_all, unit_of};
use crate::error::Result;
use crate::output::HISTOGRAM_BINS;
use crate::report::document::{Block, Figure, Inline, heading, paragraph, strong, text};
use crate::report::figures::{self, Cdf, Histogram};
use crate::report::format::{grouped, percent, probability};
use crate::special::Z95;
use crate::stats::{SummaryRow, histogram, quantile_rows, summarise};

/// The Wilson score interval of a proportion `p` of `n` draws (95%): it
/// stays inside [0, 1] and is sound near 0 and 1, where p ± 1.96·√(p(1−p)/n)
/// is not (Wilson 1927; Brown, Cai & DasGupta 2001).
pub fn proportion_interval(p: f64, n: u64) -> (f64, f64) {
    if n == 0 || !p.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    let n = n as f64;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At p = 0 (or 1) the bound is exactly 0 (or 1); rounding in
    // centre − half must not make it 2e-19.
    let low = if p <= 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let high = if p >= 1.0 { 1.0 } else { (centre + half).min(1.0) };
    (low, high)
}

/// Probabilities written with the fewest decimals (at least those of
/// [`probability`]) at which values that differ read differently:
/// "40.3%" and "40.5%" rather than "40%" twice.
pub fn probabilities_distinct(values: &[f64]) -> Vec<String> {
    let mut out: Vec<String> = values.iter().map(|&p| probability(p)).collect();
    for decimals in 1..=4 {
        let clash = values.iter().zip(&out).enumerate().any(|(i, (a, sa))| {
            values[i + 1..]
                .iter()
                .zip(&out[i + 1..])
                .any(|(b, sb)| a != b && sa == sb)
        });
        if !clash {
            break;
        }
        out = values
            .iter()
            .map(|&p| {
                if (0.0..=1.0).contains(&p) {
                    format!("{:.*}%", decimals, p * 100.0)
                } else {
                    probability(p)
                }
            })
            .collect();
    }
    out
}

/// How likely the claim is, in words, from P(claim holds).
pub fn verdict(p: f64) -> &'static str {
    match p {
        p if p >= 0.95 => "the claim holds in almost every draw: it is robust to the uncertainty in its inputs",
        p if p >= 0.8 => "the claim is likely to hold, but not certain",
        p if p >= 0.5 => "the claim is somewhat more likely to hold than not",
        p if p >= 0.2 => {
            "the claim is less likely to hold than not: it rests on inputs at the favourable end of their ranges"
        }
        p if p >= 0.05 => "the claim is unlikely to hold",
        _ => "the claim almost never holds under the stated uncertainty",
    }
}

/// The sentences about one metric: base case against the claim, mean and
/// range, P(claim) with its interval. `mark` marks the P(claim) for the
/// browser test (only the report's own metric).
fn metric_sentences(r: &Report<'_>, k: usize, mark: bool) -> Vec<Inline> {
    let output = &r.model.outputs[k];
    let label = r.label(&output.name);
    let name = in_sentence(&label.label);
    let stats = &r.analyses.run.outputs[k];
    let row: SummaryRow = summarise(stats, output.claim);
    let base = r.model.base_case()[k];
    let n = stats.moments.n;
    let mut out = Vec::new();
    match output.claim {
        Some(claim) => {
            let v = show_all(&label, &[base, claim]);
            let side = if base >= claim { "above" } else { "below" };
            let gap = if claim != 0.0 {
                format!(" ({} {side} it)", percent(((base - claim) / claim).abs()))
            } else {
                String::new()
            };
            out.push(text(format!(
                "The scenario claims a {name} of {} or more. With every input at its base value the model gives {}{gap}. ",
                v[1], v[0]
            )));
        }
        None => {
            let v = show_all(&label, &[base]);
            out.push(text(format!(
                "The scenario states no claim for {name}; with every input at its base value the model gives {}. ",
                v[0]
            )));
        }
    }
    let v = show_all(&label, &[row.mean, row.percentiles[0], row.percentiles[6]]);
    out.push(text(format!(
        "Letting every input vary over its range ({} draws), the mean is {} and 95% of the draws lie between {} and {}. ",
        grouped(n as f64, 0),
        v[0],
        v[1],
        v[2]
    )));
    if let Some(p) = row.prob_meets_claim {
        let (lo, hi) = proportion_interval(p, n);
        let interval = probabilities_distinct(&[p, lo, hi]);
        out.push(text("The claim holds in "));
        let shown = probability(p);
        if mark {
            out.push(Inline::Marked {
                class: "p-claim",
                text: shown,
            });
        } else {
            out.push(text(shown));
        }
        out.push(text(format!(
            " of the draws (Monte Carlo 95% interval {} to {}): ",
            interval[1], interval[2]
        )));
        out.push(strong(verdict(p)));
        out.push(text(". "));
    }
    out
}

/// P(net savings > 0), when the model has net savings.
fn net_savings_sentence(r: &Report<'_>) -> Option<Inline> {
    let k = r.model.outputs[..r.model.n_metrics]
        .iter()
        .position(|o| o.name == "net_savings")?;
    let stats = &r.analyses.run.outputs[k];
    let p = summarise(stats, None).prob_positive;
    let (lo, hi) = proportion_interval(p, stats.moments.n);
    let v = probabilities_distinct(&[p, lo, hi]);
    Some(text(format!(
        "Net savings (gross savings less the programme's cost) are positive in {} of the draws ({} to {}).",
        v[0], v[1], v[2]
    )))
}

/// The histogram and the CDF of output `k`.
fn figures_of(r: &Report<'_>, k: usize) -> Result<Vec<Block>> {
    let output = &r.model.outputs[k];
    let label = r.label(&output.name);
    let metric = super::axis_label(&label);
    let stats = &r.analyses.run.outputs[k];
    let bins = histogram(&stats.sketch, HISTOGRAM_BINS);
    let base = r.model.base_case()[k];
    let hist = figures::draw_histogram(&Histogram {
        metric: &metric,
        unit: unit_of(&label),
        bins: &bins,
        claim: output.claim,
        base_case: Some(base),
    })?;
    let quantiles = quantile_rows(&stats.sketch);
    let cdf = figures::draw_cdf(&Cdf {
        metric: &metric,
        unit: unit_of(&label),
        quantiles: &quantiles,
        claim: output.claim,
        prob_meets_claim: summarise(stats, output.claim).prob_meets_claim,
    })?;
    let claim_words = if output.claim.is_some() {
        " and the claim (dashed)"
    } else {
        ""
    };
    Ok(vec![
        Block::Figure(Figure {
            file: format!("histogram-{}.svg", output.name),
            svg: hist,
            caption: format!(
                "How the {} is spread over the draws: bars are densities (share of draws per unit), so the wide bins of the two tails keep their true area; lines mark the base case (solid){claim_words}.",
                in_sentence(&label.label)
            ),
        }),
        Block::Figure(Figure {
            file: format!("cdf-{}.svg", output.name),
            svg: cdf,
            caption: format!(
                "The share of draws at or below each {}; where the claim is drawn, the share at or above it is P(claim holds).",
                in_sentence(&label.label)
            ),
        }),
    ])
}

/// The section.
pub fn section(r: &Report<'_>) -> Result<Vec<Block>> {
    let k = r.metric_index();
    let mut verdict = metric_sentences(r, k, true);
    if let Some(s) = net_savings_sentence(r) {
        verdict.push(s);
    }
    let mut out = vec![
        heading(2, "Does the claim hold?", "claim"),
        Block::Paragraph {
            text: verdict,
            class: Some("verdict"),
        },
    ];
    out.extend(figures_of(r, k)?);
    // Every other metric with a published figure (e.g. gross savings
    // against £1.15bn), the same way.
    for (j, o) in r.model.outputs[..r.model.n_metrics].iter().enumerate() {
        if j == k || o.claim.is_none() {
            continue;
        }
        let label = r.label(&o.name);
        out.push(heading(3, &label.label, &format!("claim-{}", o.name)));
        out.push(paragraph(metric_sentences(r, j, false)));
        out.extend(figures_of(r, j)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_brackets_the_proportion() {
        let (lo, hi) = proportion_interval(0.404, 1_000_000);
        // ±1.96·√(p(1−p)/n) ≈ ±0.00096 for n = 10^6.
        assert!((0.404 - lo - 0.00096).abs() < 2e-5 && (hi - 0.404 - 0.00096).abs() < 2e-5);
        let (lo, hi) = proportion_interval(0.0, 1000);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.0 && hi < 0.005);
        let (lo, hi) = proportion_interval(1.0, 1000);
        assert!(lo < 1.0 && hi == 1.0);
    }

    #[test]
    fn probabilities_get_the_decimals_that_tell_them_apart() {
        assert_eq!(
            probabilities_distinct(&[0.404, 0.403, 0.405]),
            ["40.4%", "40.3%", "40.5%"]
        );
        assert_eq!(probabilities_distinct(&[0.4, 0.3, 0.5]), ["40%", "30%", "50%"]);
        assert_eq!(probabilities_distinct(&[1.0, 0.9996, 1.0]), ["100%", ">99.9%", "100%"]);
    }

    #[test]
    fn verdicts_follow_the_probability() {
        assert!(verdict(0.99).contains("robust"));
        assert!(verdict(0.404).contains("less likely"));
        assert!(verdict(0.01).contains("almost never"));
    }
}
