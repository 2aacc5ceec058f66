//! Histogram of a metric's draws, as a probability density: every bar is
//! drawn at its true width with height count / (n · width), so the wide
//! tail bins that `stats::histogram` adds beyond the 0.5th and 99.5th
//! percentiles keep their true (small) area instead of towering like a
//! count would. Vertical lines mark the published claim and the base case.
//!
//! A tail that would squash the body of the histogram (wider than a quarter
//! of the body's span) is cut at the axis, and a note says how far it goes.

use plotters::element::Rectangle;
use plotters::style::Color;

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, RIGHT_MARGIN, Swatch, chart, draw_axes, draw_message, draw_vertical,
    label_vertical, tick_format,
};
use super::palette::{BLACK, BLUE, SKY_BLUE, VERMILLION};
use super::span::Span;
use crate::report::format::{Unit, grouped, money, number, percent};
use crate::stats::Bin;

/// The input of [`draw_histogram`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Histogram<'a> {
    /// The metric as a reader names it, e.g. "Value per child".
    pub metric: &'a str,
    /// How its values are written.
    pub unit: Unit,
    /// The bins, as `stats::histogram` returns them (ascending, adjacent).
    pub bins: &'a [Bin],
    /// The published value, drawn as a dashed line.
    pub claim: Option<f64>,
    /// The metric with every input at its base value, drawn as a solid line.
    pub base_case: Option<f64>,
}

/// A bar as drawn: its true extent and its height in display units.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bar {
    start: f64,
    end: f64,
    height: f64,
}

/// Everything the drawing needs, computed without drawing (and tested).
#[derive(Debug, Clone, PartialEq)]
struct Layout {
    frame: Frame,
    bars: Vec<Bar>,
    /// All draws equal this value (one bin of zero width).
    spike: Option<f64>,
    x: (f64, f64),
    y: (f64, f64),
    y_desc: String,
    claim: Option<f64>,
    base_case: Option<f64>,
}

/// Tails wider than this fraction of the body's span are cut at the axis.
const TAIL_LIMIT: f64 = 0.25;

/// The density unit: a power of 1,000 that makes the body's span between 1
/// and 1,000 units wide, so densities read as "share of draws per £1,000".
fn density_scale(span: f64) -> f64 {
    if !(span.is_finite() && span > 1.0) {
        return 1.0;
    }
    let k = (span.log10() / 3.0).floor().clamp(0.0, 4.0);
    1000f64.powf(k)
}

fn layout(h: &Histogram<'_>) -> Layout {
    let mut frame = Frame::new(format!("Distribution of {}", h.metric));
    let claim = h.claim.filter(|c| c.is_finite());
    let base_case = h.base_case.filter(|b| b.is_finite());
    if h.claim.is_some() && claim.is_none() {
        frame.note("The claim is not a finite number and is not drawn.");
    }
    if h.base_case.is_some() && base_case.is_none() {
        frame.note("The base case is not a finite number and is not drawn.");
    }
    let valid: Vec<&Bin> = h
        .bins
        .iter()
        .filter(|b| b.start.is_finite() && b.end.is_finite() && b.end >= b.start)
        .filter(|b| b.density.is_none_or(|d| d.is_finite() && d >= 0.0))
        .collect();
    let skipped = h.bins.len() - valid.len();
    if skipped > 0 {
        frame.note(format!(
            "{skipped} bins with missing or non-finite values are left out."
        ));
    }
    let n: u64 = valid.iter().map(|b| b.count).sum();
    let mut out = Layout {
        frame,
        bars: Vec::new(),
        spike: None,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
        y_desc: String::new(),
        claim,
        base_case,
    };
    if valid.is_empty() {
        out.frame.desc = format!("No draws of {} to show.", h.metric);
        return out;
    }
    if valid.iter().all(|b| b.end == b.start) {
        let v = valid[0].start;
        let span = Span::of([v, claim.unwrap_or(v), base_case.unwrap_or(v)]);
        out.spike = Some(v);
        out.x = span.padded(0.1);
        out.y = (0.0, 1.2);
        out.y_desc = "Share of draws".to_string();
        out.frame.note(format!(
            "Every draw equals {}: there is no spread to show.",
            h.unit.format(v)
        ));
        out.frame.desc = format!(
            "All {} draws of {} equal {}.",
            grouped(n as f64, 0),
            h.metric,
            h.unit.format(v)
        );
        return out;
    }

    // The body: every bin but a first or last one much wider than the rest.
    let mut widths: Vec<f64> = valid.iter().map(|b| b.end - b.start).collect();
    widths.sort_by(f64::total_cmp);
    let median = widths[widths.len() / 2];
    let is_tail = |b: &Bin| valid.len() >= 3 && b.end - b.start > 1.5 * median;
    let low_tail = is_tail(valid[0]).then_some(valid[0]);
    let high_tail = is_tail(valid[valid.len() - 1]).then_some(valid[valid.len() - 1]);
    let body_lo = if low_tail.is_some() {
        valid[1].start
    } else {
        valid[0].start
    };
    let body_hi = if high_tail.is_some() {
        valid[valid.len() - 2].end
    } else {
        valid[valid.len() - 1].end
    };
    let mut span = Span::of([body_lo, body_hi]);
    span.include(claim.unwrap_or(body_lo));
    span.include(base_case.unwrap_or(body_lo));
    let limit = TAIL_LIMIT * (span.hi() - span.lo());
    let (mut x_lo, mut x_hi) = span.padded(0.02);
    let mut cut = Vec::new();
    if let Some(t) = low_tail {
        if t.start < span.lo() - limit {
            x_lo = span.lo() - limit;
            cut.push(format!(
                "the lower tail ({} of draws) reaches down to {}",
                percent(t.count as f64 / n as f64),
                h.unit.format(t.start)
            ));
        } else {
            x_lo = x_lo.min(t.start);
        }
    }
    if let Some(t) = high_tail {
        if t.end > span.hi() + limit {
            x_hi = span.hi() + limit;
            cut.push(format!(
                "the upper tail ({} of draws) reaches up to {}",
                percent(t.count as f64 / n as f64),
                h.unit.format(t.end)
            ));
        } else {
            x_hi = x_hi.max(t.end);
        }
    }
    if !cut.is_empty() {
        out.frame.note(format!(
            "The outer bars are drawn at their true density but cut at the edge of the axis: {}.",
            cut.join("; ")
        ));
    }

    let scale = density_scale(body_hi - body_lo);
    for b in &valid {
        let width = b.end - b.start;
        let density = match b.density {
            Some(d) => d,
            None if width > 0.0 && n > 0 => b.count as f64 / (n as f64 * width),
            None => 0.0,
        };
        out.bars.push(Bar {
            start: b.start,
            end: b.end,
            height: density * scale,
        });
    }
    let top = Span::of(out.bars.iter().map(|b| b.height));
    // Headroom above the tallest bar for the labels of the claim and base lines.
    out.y = if top.hi() > 0.0 {
        (0.0, top.hi() * 1.2)
    } else {
        (0.0, 1.0)
    };
    out.x = (x_lo, x_hi);
    let per = match h.unit {
        Unit::Money => money(scale),
        Unit::Number if scale == 1.0 => "unit".to_string(),
        Unit::Number => number(scale),
    };
    out.y_desc = format!("Density (share of draws per {per})");

    let mut desc = format!(
        "Histogram of {}: the density of {} draws in {} bins from {} to {}.",
        h.metric,
        grouped(n as f64, 0),
        valid.len(),
        h.unit.format(valid[0].start),
        h.unit.format(valid[valid.len() - 1].end)
    );
    let (claim_text, base_text) = marks(h.unit, claim, base_case);
    if claim.is_some() {
        desc.push_str(&format!(" A dashed line marks the claim, {claim_text}."));
    }
    if base_case.is_some() {
        desc.push_str(&format!(" A solid line marks the base case, {base_text}."));
    }
    out.frame.desc = desc;
    out.frame.key(Swatch::Bar(SKY_BLUE), "Draws (density)");
    if claim.is_some() {
        out.frame.key(Swatch::Dashed(VERMILLION), "Claim");
    }
    if base_case.is_some() {
        out.frame.key(Swatch::Line(BLACK), "Base case");
    }
    out
}

/// The claim and the base case written so that they differ when they do.
fn marks(unit: Unit, claim: Option<f64>, base_case: Option<f64>) -> (String, String) {
    let v = unit.format_distinct(&[claim.unwrap_or(f64::NAN), base_case.unwrap_or(f64::NAN)]);
    (v[0].clone(), v[1].clone())
}

/// The histogram of a metric as an SVG document (see the module docs).
///
/// ```
/// use cradle::report::figures::{Histogram, draw_histogram};
/// use cradle::report::format::Unit;
/// use cradle::stats::Bin;
/// let bins = [
///     Bin { start: 30_000.0, end: 40_000.0, count: 40, density: Some(4e-5) },
///     Bin { start: 40_000.0, end: 50_000.0, count: 60, density: Some(6e-5) },
/// ];
/// let svg = draw_histogram(&Histogram {
///     metric: "Value per child",
///     unit: Unit::Money,
///     bins: &bins,
///     claim: Some(40_000.0),
///     base_case: Some(38_700.0),
/// })?;
/// assert!(svg.contains("<title"));
/// # Ok::<(), cradle::report::figures::FigureError>(())
/// ```
pub fn draw_histogram(h: &Histogram<'_>) -> Result<String, FigureError> {
    let l = layout(h);
    l.frame.render("histogram", |root| draw(root, h, &l))
}

fn draw(root: &Area<'_>, h: &Histogram<'_>, l: &Layout) -> DrawResult {
    let plot = l.frame.plot_box(Left::Ticks, RIGHT_MARGIN);
    if l.bars.is_empty() && l.spike.is_none() {
        return draw_message(root, &plot, "No draws to show");
    }
    let mut chart = chart(root, &plot, l.x.0..l.x.1, l.y.0..l.y.1)?;
    let x_format = tick_format(h.unit, l.x, X_TICKS);
    let y_format = tick_format(Unit::Number, l.y, Y_TICKS);
    let x_ticks = |v: &f64| x_format.format(*v);
    let y_ticks = |v: &f64| y_format.format(*v);
    let share_ticks = |v: &f64| if *v <= 1.0 { percent(*v) } else { String::new() };
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: format!("{}{}", h.metric, h.unit.axis_suffix()),
            y_desc: l.y_desc.clone(),
            x_ticks: &x_ticks,
            y_ticks: Some(if l.spike.is_some() { &share_ticks } else { &y_ticks }),
            x_count: X_TICKS,
            y_count: Y_TICKS,
        },
    )?;
    let area = chart.plotting_area();
    if let Some(v) = l.spike {
        let half = (l.x.1 - l.x.0) * 0.005;
        area.draw(&Rectangle::new([(v - half, 1.0), (v + half, 0.0)], SKY_BLUE.filled()))?;
        area.draw(&Rectangle::new(
            [(v - half, 1.0), (v + half, 0.0)],
            BLUE.stroke_width(1),
        ))?;
    }
    for b in &l.bars {
        let (start, end) = (b.start.max(l.x.0), b.end.min(l.x.1));
        if end <= start {
            continue;
        }
        area.draw(&Rectangle::new([(start, b.height), (end, 0.0)], SKY_BLUE.filled()))?;
        area.draw(&Rectangle::new([(start, b.height), (end, 0.0)], BLUE.stroke_width(1)))?;
    }
    let (claim, base) = marks(h.unit, l.claim, l.base_case);
    if let Some(c) = l.claim {
        draw_vertical(&chart, c, VERMILLION, true)?;
        label_vertical(root, &chart, &plot, c, 0, &format!("Claim {claim}"))?;
    }
    if let Some(b) = l.base_case {
        draw_vertical(&chart, b, BLACK, false)?;
        label_vertical(root, &chart, &plot, b, 1, &format!("Base case {base}"))?;
    }
    Ok(())
}

const X_TICKS: usize = 7;
const Y_TICKS: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;
    use crate::stats::Sketch;

    fn bins_of(values: &[f64]) -> Vec<Bin> {
        let mut s = Sketch::default();
        s.add_all(values);
        crate::stats::histogram(&s, 50)
    }

    fn skewed() -> Vec<Bin> {
        // A body around £38,000 and a long upper tail to £400,000.
        let mut xs: Vec<f64> = (0..10_000)
            .map(|i| 30_000.0 + 16_000.0 * (i as f64 / 10_000.0))
            .collect();
        xs.extend((0..60).map(|i| 100_000.0 + 5_000.0 * i as f64));
        bins_of(&xs)
    }

    fn figure(bins: &[Bin]) -> Histogram<'_> {
        Histogram {
            metric: "Value per child",
            unit: Unit::Money,
            bins,
            claim: Some(40_000.0),
            base_case: Some(38_700.0),
        }
    }

    #[test]
    fn draws_one_bar_per_bin_with_title_and_desc() {
        let bins = skewed();
        let svg = draw_histogram(&figure(&bins)).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Distribution of Value per child");
        assert!(desc.contains("£40,000") && desc.contains("£38,700"), "{desc}");
        let doc = parse(&svg);
        // One bar per bin, plus the legend swatch.
        assert_eq!(filled_rects(&doc, SKY_BLUE).len(), bins.len() + 1);
        assert!(has_text(&doc, "Claim £40,000"));
        assert!(has_text(&doc, "Base case £38,700"));
        assert!(has_text(&doc, "Value per child (£)"));
        assert!(has_text(&doc, "Density (share of draws per £1,000)"));
    }

    #[test]
    fn the_claim_line_is_drawn_at_the_claims_x() {
        let bins = skewed();
        let h = figure(&bins);
        let l = layout(&h);
        let plot = l.frame.plot_box(Left::Ticks, RIGHT_MARGIN);
        let svg = draw_histogram(&h).unwrap();
        let doc = parse(&svg);
        let expected = plot.x_pixel(40_000.0, l.x);
        let xs = vertical_lines(&doc, VERMILLION);
        assert!(
            !xs.is_empty() && xs.iter().all(|&x| x == expected),
            "{xs:?} vs {expected}"
        );
        let base = plot.x_pixel(38_700.0, l.x);
        assert!(vertical_lines(&doc, BLACK).contains(&base));
    }

    #[test]
    fn the_axes_contain_the_body_the_claim_and_the_base_case() {
        let bins = skewed();
        let l = layout(&figure(&bins));
        let (x, y) = (l.x, l.y);
        let body = &bins[1..bins.len() - 1];
        for b in body {
            assert!(x.0 <= b.start && b.end <= x.1, "{b:?} outside {x:?}");
        }
        assert!(x.0 < 38_700.0 && 40_000.0 < x.1);
        for b in &l.bars {
            assert!(0.0 <= b.height && b.height <= y.1);
        }
    }

    #[test]
    fn a_long_tail_is_cut_and_said_so() {
        let bins = skewed();
        let last = bins.last().unwrap().clone();
        let l = layout(&figure(&bins));
        assert!(l.x.1 < last.end, "the tail should be cut");
        let svg = draw_histogram(&figure(&bins)).unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("upper tail"), "{desc}");
        assert!(desc.contains(&money(last.end)), "{desc}");
        // No bar reaches past the frame.
        let doc = parse(&svg);
        let plot = l.frame.plot_box(Left::Ticks, RIGHT_MARGIN);
        for (x, _, w, _) in filled_rects(&doc, SKY_BLUE) {
            assert!(x + w <= f64::from(plot.right), "{x} + {w}");
        }
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        let empty = draw_histogram(&figure(&[])).unwrap();
        let (_, desc) = check_accessible(&empty);
        assert!(desc.contains("No draws"));
        assert!(has_text(&parse(&empty), "No draws to show"));

        let equal = bins_of(&[5.0; 100]);
        assert_eq!(equal.len(), 1);
        let svg = draw_histogram(&Histogram {
            unit: Unit::Number,
            claim: None,
            base_case: None,
            ..figure(&equal)
        })
        .unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("All 100 draws"), "{desc}");

        let single = [Bin {
            start: 1.0,
            end: 2.0,
            count: 3,
            density: Some(1.0),
        }];
        check_accessible(&draw_histogram(&figure(&single)).unwrap());

        let negative = bins_of(&(0..1000).map(|i| -50_000.0 + 40.0 * i as f64).collect::<Vec<_>>());
        let h = Histogram {
            claim: Some(-1_234.0),
            ..figure(&negative)
        };
        let svg = draw_histogram(&h).unwrap();
        assert!(has_text(&parse(&svg), "Claim −£1,234"));
        let l = layout(&h);
        assert!(l.x.0 <= -50_000.0);

        let mut nan = skewed();
        nan[3].density = Some(f64::NAN);
        nan[4].start = f64::NAN;
        let svg = draw_histogram(&Histogram {
            claim: Some(f64::NAN),
            metric: "a metric whose name is far longer than anyone would sensibly write in a title",
            ..figure(&nan)
        })
        .unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(
            desc.contains("2 bins with missing or non-finite values are left out"),
            "{desc}"
        );
        assert!(desc.contains("claim is not a finite number"), "{desc}");
    }

    #[test]
    fn markup_in_names_is_escaped() {
        let bins = skewed();
        let svg = draw_histogram(&Histogram {
            metric: "R&D <costs> \"per\" child's",
            ..figure(&bins)
        })
        .unwrap();
        let (title, _) = check_accessible(&svg);
        assert_eq!(title, "Distribution of R&D <costs> \"per\" child's");
        assert!(has_text(&parse(&svg), "R&D <costs>"));
    }

    #[test]
    fn output_is_deterministic() {
        let bins = skewed();
        assert_eq!(
            draw_histogram(&figure(&bins)).unwrap(),
            draw_histogram(&figure(&bins)).unwrap()
        );
    }
}
