//! Cumulative distribution of a metric, read off its quantiles (the rows of
//! quantiles.csv, from the 0.5th to the 99.5th percentile), with each
//! quantile's 95% order-statistic interval as a band. Guides at the claim
//! show the probability that the claim is met: a vertical line at the claim
//! meets the curve at height 1 − P(metric ≥ claim), and a horizontal line
//! carries that height to the axis.

use plotters::element::{DashedPathElement, PathElement, Polygon};
use plotters::style::Color;

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, Marker, RIGHT_MARGIN, Swatch, chart, draw_axes, draw_label, draw_marker,
    draw_message, label_vertical, tick_format,
};
use super::palette::{BLUE, SKY_BLUE, VERMILLION};
use super::span::Span;
use crate::report::format::{Unit, percentile_name, probability};
use crate::stats::QuantileRow;

/// The input of [`draw_cdf`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cdf<'a> {
    /// The metric as a reader names it, e.g. "Value per child".
    pub metric: &'a str,
    /// How its values are written.
    pub unit: Unit,
    /// Its quantiles (`stats::quantile_rows`), in any order.
    pub quantiles: &'a [QuantileRow],
    /// The published value.
    pub claim: Option<f64>,
    /// P(metric ≥ claim), from summary.csv's `prob_meets_claim`.
    pub prob_meets_claim: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
struct Layout {
    frame: Frame,
    rows: Vec<QuantileRow>,
    x: (f64, f64),
    claim: Option<f64>,
    /// 1 − P(meets claim): where the claim's vertical guide meets the curve.
    below_claim: Option<f64>,
}

const Y: (f64, f64) = (0.0, 1.0);
const X_TICKS: usize = 7;

fn layout(c: &Cdf<'_>) -> Layout {
    let mut frame = Frame::new(format!("Cumulative distribution of {}", c.metric));
    let mut rows: Vec<QuantileRow> = c
        .quantiles
        .iter()
        .filter(|q| q.value.is_finite() && (0.0..=1.0).contains(&q.quantile))
        .cloned()
        .collect();
    rows.sort_by(|a, b| a.quantile.total_cmp(&b.quantile));
    let skipped = c.quantiles.len() - rows.len();
    if skipped > 0 {
        frame.note(format!(
            "{skipped} quantiles with missing or non-finite values are left out."
        ));
    }
    let claim = c.claim.filter(|v| v.is_finite());
    if c.claim.is_some() && claim.is_none() {
        frame.note("The claim is not a finite number and is not drawn.");
    }
    let below_claim = claim
        .and(c.prob_meets_claim)
        .filter(|p| (0.0..=1.0).contains(p))
        .map(|p| 1.0 - p);
    let mut span = Span::of(rows.iter().map(|q| q.value));
    for q in &rows {
        span.include(q.ci_low);
        span.include(q.ci_high);
    }
    if let Some(v) = claim {
        span.include(v);
    }
    let x = span.padded(0.03);
    if rows.is_empty() {
        frame.desc = format!("No quantiles of {} to show.", c.metric);
    } else {
        let (first, last) = (&rows[0], &rows[rows.len() - 1]);
        let mut desc = format!(
            "Cumulative distribution of {} from {} quantiles: {} at the {} percentile to {} at the {}.",
            c.metric,
            rows.len(),
            c.unit.format(first.value),
            percentile_name(first.quantile),
            c.unit.format(last.value),
            percentile_name(last.quantile)
        );
        if let Some(m) = rows.iter().find(|q| q.quantile == 0.5) {
            desc.push_str(&format!(" The median is {}.", c.unit.format(m.value)));
        }
        if let Some(v) = claim {
            match c.prob_meets_claim.filter(|p| (0.0..=1.0).contains(p)) {
                Some(p) => desc.push_str(&format!(
                    " The probability of meeting the claim of {} is {}.",
                    c.unit.format(v),
                    probability(p)
                )),
                None => desc.push_str(&format!(" A dashed line marks the claim, {}.", c.unit.format(v))),
            }
        }
        frame.desc = desc;
        frame.key(Swatch::Marked(BLUE, Marker::Circle, false), "Quantiles");
        if rows.iter().any(|q| q.ci_low.is_finite() && q.ci_high.is_finite()) {
            frame.key(Swatch::Band(SKY_BLUE), "95% interval of each quantile");
        }
        if claim.is_some() {
            frame.key(Swatch::Dashed(VERMILLION), "Claim");
        }
    }
    Layout {
        frame,
        rows,
        x,
        claim,
        below_claim,
    }
}

/// The cumulative distribution of a metric as an SVG document (see the module docs).
pub fn draw_cdf(c: &Cdf<'_>) -> Result<String, FigureError> {
    let l = layout(c);
    l.frame.render("cdf", |root| draw(root, c, &l))
}

fn draw(root: &Area<'_>, c: &Cdf<'_>, l: &Layout) -> DrawResult {
    let plot = l.frame.plot_box(Left::Ticks, RIGHT_MARGIN);
    if l.rows.is_empty() {
        return draw_message(root, &plot, "No quantiles to show");
    }
    let mut chart = chart(root, &plot, l.x.0..l.x.1, Y.0..Y.1)?;
    let x_format = tick_format(c.unit, l.x, X_TICKS);
    let x_ticks = |v: &f64| x_format.format(*v);
    let y_ticks = |v: &f64| format!("{:.0}%", v * 100.0);
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: format!("{}{}", c.metric, c.unit.axis_suffix()),
            y_desc: "Cumulative probability".to_string(),
            x_ticks: &x_ticks,
            y_ticks: Some(&y_ticks),
            x_count: X_TICKS,
            y_count: 6,
        },
    )?;
    let area = chart.plotting_area();
    let banded: Vec<&QuantileRow> = l
        .rows
        .iter()
        .filter(|q| q.ci_low.is_finite() && q.ci_high.is_finite())
        .collect();
    if banded.len() >= 2 {
        let mut outline: Vec<(f64, f64)> = banded.iter().map(|q| (q.ci_low, q.quantile)).collect();
        outline.extend(banded.iter().rev().map(|q| (q.ci_high, q.quantile)));
        area.draw(&Polygon::new(outline, SKY_BLUE.mix(0.35).filled()))?;
    }
    let curve: Vec<(f64, f64)> = l.rows.iter().map(|q| (q.value, q.quantile)).collect();
    area.draw(&PathElement::new(curve.clone(), BLUE.stroke_width(2)))?;
    for point in curve {
        draw_marker(&chart, Marker::Circle, point, BLUE)?;
    }
    if let Some(v) = l.claim {
        let top = l.below_claim.unwrap_or(Y.1);
        let style = VERMILLION.stroke_width(2);
        area.draw(&DashedPathElement::new(vec![(v, Y.0), (v, top)], 6, 4, style))?;
        let claim = format!("Claim {}", c.unit.format(v));
        match l.below_claim {
            Some(q) => {
                area.draw(&DashedPathElement::new(vec![(l.x.0, q), (v, q)], 6, 4, style))?;
                // Below and right of where the guides meet: a rising curve leaves that corner empty.
                let (px, py) = chart.backend_coord(&(v, q));
                let y = (py + 6).min(plot.bottom - 34);
                draw_label(root, &plot, (px, y), &claim)?;
                draw_label(
                    root,
                    &plot,
                    (px, y + 15),
                    &format!("P(meets claim) = {}", probability(1.0 - q)),
                )?;
            }
            None => label_vertical(root, &chart, &plot, v, 0, &claim)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;
    use crate::stats::{Sketch, quantile_rows};

    fn rows() -> Vec<QuantileRow> {
        let xs: Vec<f64> = (0..20_000).map(|i| 20_000.0 + 3.0 * i as f64).collect();
        let mut s = Sketch::default();
        s.add_all(&xs);
        quantile_rows(&s)
    }

    fn figure(rows: &[QuantileRow]) -> Cdf<'_> {
        Cdf {
            metric: "Value per child",
            unit: Unit::Money,
            quantiles: rows,
            claim: Some(62_000.0),
            prob_meets_claim: Some(0.3),
        }
    }

    #[test]
    fn one_marker_per_quantile_and_a_labelled_claim() {
        let rows = rows();
        let svg = draw_cdf(&figure(&rows)).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Cumulative distribution of Value per child");
        assert!(desc.contains("claim of £62,000 is 30%"), "{desc}");
        let doc = parse(&svg);
        let markers = elements(&doc, "circle")
            .into_iter()
            .filter(|c| c.attribute("fill") == Some(hex(BLUE).as_str()))
            .count();
        assert_eq!(markers, rows.len() + 1); // and the legend's
        assert!(has_text(&doc, "P(meets claim) = 30%"));
        assert!(has_text(&doc, "Claim £62,000"));
        assert!(has_text(&doc, "100%"));
    }

    #[test]
    fn the_claim_guides_meet_at_the_claim_and_one_minus_p() {
        let rows = rows();
        let c = figure(&rows);
        let l = layout(&c);
        let plot = l.frame.plot_box(Left::Ticks, RIGHT_MARGIN);
        let doc_text = draw_cdf(&c).unwrap();
        let doc = parse(&doc_text);
        let x = plot.x_pixel(62_000.0, l.x);
        let y = plot.y_pixel(0.7, Y);
        let xs = vertical_lines(&doc, VERMILLION);
        assert!(!xs.is_empty() && xs.iter().all(|&v| v == x), "{xs:?} vs {x}");
        assert!(horizontal_lines(&doc, VERMILLION).contains(&y));
    }

    #[test]
    fn the_axis_contains_every_quantile_and_interval() {
        let rows = rows();
        let l = layout(&figure(&rows));
        for q in &rows {
            for v in [q.value, q.ci_low, q.ci_high] {
                assert!(l.x.0 < v && v < l.x.1, "{v} outside {:?}", l.x);
            }
        }
        assert!(l.x.0 < 62_000.0 && 62_000.0 < l.x.1);
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        check_accessible(&draw_cdf(&figure(&[])).unwrap());
        let one = [QuantileRow {
            quantile: 0.5,
            value: -3.0,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        }];
        check_accessible(&draw_cdf(&figure(&one)).unwrap());
        let mut bad = rows();
        bad[0].value = f64::NAN;
        bad[1].quantile = 7.0;
        let svg = draw_cdf(&Cdf {
            claim: Some(f64::INFINITY),
            prob_meets_claim: Some(f64::NAN),
            ..figure(&bad)
        })
        .unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("2 quantiles with missing"), "{desc}");
        let same = vec![
            QuantileRow {
                quantile: 0.1,
                value: 4.0,
                ci_low: 4.0,
                ci_high: 4.0
            };
            5
        ];
        check_accessible(&draw_cdf(&figure(&same)).unwrap());
        assert_eq!(draw_cdf(&figure(&bad)).unwrap(), draw_cdf(&figure(&bad)).unwrap());
    }
}
