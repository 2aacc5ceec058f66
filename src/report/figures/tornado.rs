//! One-way sensitivity (tornado.csv): for each uncertain input, a bar from
//! the metric with that input at its low value to the metric with it at its
//! high value, every other input at base. The bars hang from the base case,
//! the largest swing on top; the input's own range is written under its
//! name. A dashed line marks the claim when there is one.

use plotters::element::Rectangle;
use plotters::style::Color;

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, RIGHT_MARGIN, Swatch, chart, draw_axes, draw_message, draw_vertical,
    tick_format,
};
use super::palette::{BLACK, BLUE, SKY_BLUE, VERMILLION};
use super::rows::{MAX_ROWS, RowName, draw_names, draw_value, y_of, y_range};
use super::span::Span;
use crate::report::format::{Unit, number};
use crate::sensitivity::tornado::TornadoRow;

/// The input of [`draw_tornado`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tornado<'a> {
    /// The metric as a reader names it, e.g. "Value per child".
    pub metric: &'a str,
    /// How its values are written.
    pub unit: Unit,
    /// The rows of one metric (`sensitivity::tornado::tornado`), any order;
    /// rows of any other metric than the first row's are left out.
    pub rows: &'a [TornadoRow],
    /// The published value, drawn as a dashed line.
    pub claim: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
struct Layout {
    frame: Frame,
    rows: Vec<TornadoRow>,
    base: f64,
    x: (f64, f64),
    claim: Option<f64>,
}

const HALF_HEIGHT: f64 = 0.32;
const X_TICKS: usize = 7;

fn swing(r: &TornadoRow) -> f64 {
    (r.metric_at_high - r.metric_at_low).abs()
}

fn layout(t: &Tornado<'_>) -> Layout {
    let mut frame = Frame::new(format!("One-way sensitivity of {}", t.metric));
    let metric = t.rows.first().map(|r| r.metric.as_str()).unwrap_or_default();
    let same: Vec<&TornadoRow> = t.rows.iter().filter(|r| r.metric == metric).collect();
    if same.len() < t.rows.len() {
        frame.note(format!(
            "{} rows for other metrics than {metric} are left out.",
            t.rows.len() - same.len()
        ));
    }
    let mut rows: Vec<TornadoRow> = same
        .into_iter()
        .filter(|r| r.metric_at_low.is_finite() && r.metric_at_high.is_finite() && r.base_metric.is_finite())
        .cloned()
        .collect();
    let skipped = t.rows.iter().filter(|r| r.metric == metric).count() - rows.len();
    if skipped > 0 {
        frame.note(format!("{skipped} inputs with a non-finite result are left out."));
    }
    // Stable: ties keep the given order.
    rows.sort_by(|a, b| swing(b).total_cmp(&swing(a)));
    if rows.len() > MAX_ROWS {
        frame.note(format!(
            "{} more inputs with smaller swings are not shown.",
            rows.len() - MAX_ROWS
        ));
        rows.truncate(MAX_ROWS);
    }
    let base = rows.first().map_or(f64::NAN, |r| r.base_metric);
    let claim = t.claim.filter(|c| c.is_finite());
    if t.claim.is_some() && claim.is_none() {
        frame.note("The claim is not a finite number and is not drawn.");
    }
    let mut span = Span::of([base]);
    for r in &rows {
        span.include(r.metric_at_low);
        span.include(r.metric_at_high);
    }
    if let Some(c) = claim {
        span.include(c);
    }
    // Room at both ends for the values written beside the bars.
    let x = span.padded(0.14);
    if rows.is_empty() {
        frame.desc = format!("No inputs to show for {}.", t.metric);
    } else {
        let top: Vec<String> = rows
            .iter()
            .take(3)
            .map(|r| {
                format!(
                    "{} ({} to {})",
                    r.parameter,
                    t.unit.format(r.metric_at_low),
                    t.unit.format(r.metric_at_high)
                )
            })
            .collect();
        let mut desc = format!(
            "Tornado diagram of {}: each input moved alone from its low to its high value, the others at base \
             (base case {}). Largest swings: {}.",
            t.metric,
            t.unit.format(base),
            top.join(", ")
        );
        if let Some(c) = claim {
            desc.push_str(&format!(" A dashed line marks the claim, {}.", t.unit.format(c)));
        }
        frame.desc = desc;
        frame.key(Swatch::Bar(SKY_BLUE), "Input at its low value");
        frame.key(Swatch::Bar(BLUE), "Input at its high value");
        frame.key(Swatch::Line(BLACK), format!("Base case {}", t.unit.format(base)));
        if let Some(c) = claim {
            frame.key(Swatch::Dashed(VERMILLION), format!("Claim {}", t.unit.format(c)));
        }
    }
    Layout {
        frame,
        rows,
        base,
        x,
        claim,
    }
}

/// The tornado diagram of a metric as an SVG document (see the module docs).
pub fn draw_tornado(t: &Tornado<'_>) -> Result<String, FigureError> {
    let l = layout(t);
    l.frame.render("tornado", |root| draw(root, t, &l))
}

fn draw(root: &Area<'_>, t: &Tornado<'_>, l: &Layout) -> DrawResult {
    let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
    if l.rows.is_empty() {
        return draw_message(root, &plot, "No inputs to show");
    }
    let n = l.rows.len();
    let y = y_range(n);
    let mut chart = chart(root, &plot, l.x.0..l.x.1, y.0..y.1)?;
    let x_format = tick_format(t.unit, l.x, X_TICKS);
    let x_ticks = |v: &f64| x_format.format(*v);
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: format!("{}{}", t.metric, t.unit.axis_suffix()),
            y_desc: String::new(),
            x_ticks: &x_ticks,
            y_ticks: None,
            x_count: X_TICKS,
            y_count: 0,
        },
    )?;
    let names: Vec<RowName> = l
        .rows
        .iter()
        .map(|r| RowName {
            name: r.parameter.clone(),
            detail: Some(format!("{} to {}", number(r.low_input), number(r.high_input))),
        })
        .collect();
    draw_names(root, &chart, &plot, &names)?;
    let area = chart.plotting_area();
    for (i, r) in l.rows.iter().enumerate() {
        let yc = y_of(i, n);
        // The longer half first, so that a shorter one on the same side stays visible.
        let mut halves = [(r.metric_at_low, SKY_BLUE), (r.metric_at_high, BLUE)];
        if (r.metric_at_low - l.base).abs() < (r.metric_at_high - l.base).abs() {
            halves.swap(0, 1);
        }
        for (end, colour) in halves {
            let corners = [(l.base, yc + HALF_HEIGHT), (end, yc - HALF_HEIGHT)];
            area.draw(&Rectangle::new(corners, colour.filled()))?;
            area.draw(&Rectangle::new(corners, BLUE.stroke_width(1)))?;
        }
        let (lo, hi) = (
            r.metric_at_low.min(r.metric_at_high),
            r.metric_at_low.max(r.metric_at_high),
        );
        draw_value(root, &chart, (lo.min(l.base), yc), false, &t.unit.format(lo))?;
        draw_value(root, &chart, (hi.max(l.base), yc), true, &t.unit.format(hi))?;
    }
    draw_vertical(&chart, l.base, BLACK, false)?;
    if let Some(c) = l.claim {
        draw_vertical(&chart, c, VERMILLION, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;

    fn row(parameter: &str, low: f64, high: f64) -> TornadoRow {
        TornadoRow {
            metric: "value_per_child".to_string(),
            parameter: parameter.to_string(),
            low_input: 0.05,
            high_input: 0.3,
            metric_at_low: low,
            metric_at_high: high,
            base_metric: 40_100.0,
            swing: (high - low).abs(),
        }
    }

    fn rows() -> Vec<TornadoRow> {
        vec![
            row("reach", 40_100.0, 40_100.0),
            row("secure_uplift", 21_000.0, 62_000.0),
            row("deadweight", 45_000.0, 33_000.0),
            row("cost_conduct", 36_000.0, 44_500.0),
        ]
    }

    fn figure(rows: &[TornadoRow]) -> Tornado<'_> {
        Tornado {
            metric: "Value per child",
            unit: Unit::Money,
            rows,
            claim: Some(40_000.0),
        }
    }

    #[test]
    fn bars_are_sorted_by_swing_and_hang_from_the_base_case() {
        let rows = rows();
        let t = figure(&rows);
        let l = layout(&t);
        let order: Vec<&str> = l.rows.iter().map(|r| r.parameter.as_str()).collect();
        assert_eq!(order, ["secure_uplift", "deadweight", "cost_conduct", "reach"]);
        let svg = draw_tornado(&t).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "One-way sensitivity of Value per child");
        assert!(desc.starts_with("Tornado diagram"), "{desc}");
        assert!(desc.contains("secure_uplift (£21,000 to £62,000)"), "{desc}");
        let doc = parse(&svg);
        // One bar each way per input, plus the legend's swatches.
        assert_eq!(filled_rects(&doc, BLUE).len(), 4 + 1);
        assert_eq!(filled_rects(&doc, SKY_BLUE).len(), 4 + 1);
        assert!(has_text(&doc, "secure_uplift (0.05 to 0.3)"));
        assert!(has_text(&doc, "Base case £40,100"));
        let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
        assert!(vertical_lines(&doc, BLACK).contains(&plot.x_pixel(40_100.0, l.x)));
        let claim = vertical_lines(&doc, VERMILLION);
        assert!(!claim.is_empty() && claim.iter().all(|&x| x == plot.x_pixel(40_000.0, l.x)));
        // The widest bar is the top one.
        let top = filled_rects(&doc, BLUE)
            .into_iter()
            .filter(|r| r.0 >= f64::from(plot.left))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        assert!(top.2 > 100.0, "{top:?}");
    }

    #[test]
    fn the_axis_holds_every_bar() {
        let rows = rows();
        let l = layout(&figure(&rows));
        for r in &l.rows {
            assert!(l.x.0 < r.metric_at_low.min(r.metric_at_high));
            assert!(r.metric_at_low.max(r.metric_at_high) < l.x.1);
        }
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        check_accessible(&draw_tornado(&figure(&[])).unwrap());
        let mut many: Vec<TornadoRow> = (0..20)
            .map(|i| {
                row(
                    &format!("parameter_with_a_very_long_name_number_{i}"),
                    -f64::from(i),
                    f64::from(i),
                )
            })
            .collect();
        many[0].metric_at_low = f64::NAN;
        many[1].metric = "net_savings".to_string();
        let svg = draw_tornado(&Tornado {
            claim: Some(f64::NAN),
            ..figure(&many)
        })
        .unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("1 rows for other metrics"), "{desc}");
        assert!(desc.contains("1 inputs with a non-finite result"), "{desc}");
        assert!(desc.contains("6 more inputs"), "{desc}");
        let doc = parse(&svg);
        assert!(texts(&doc).iter().any(|t| t.contains('…')));
        let flat = vec![row("a", 40_100.0, 40_100.0)];
        check_accessible(&draw_tornado(&figure(&flat)).unwrap());
        let rows = rows();
        assert_eq!(
            draw_tornado(&figure(&rows)).unwrap(),
            draw_tornado(&figure(&rows)).unwrap()
        );
    }
}
