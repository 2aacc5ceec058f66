//! Variance-based sensitivity (sobol.csv): for each input factor, its
//! first-order index S1 (the share of the metric's variance it explains
//! alone) and its total index ST (alone and through interactions) as a
//! pair of bars, with their bootstrap 95% intervals as whiskers. Factors
//! are ordered by total index, largest on top.

use plotters::element::{PathElement, Rectangle};
use plotters::style::Color;

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, RIGHT_MARGIN, Swatch, chart, draw_axes, draw_message, tick_format,
};
use super::palette::{BLACK, BLUE, ORANGE};
use super::rows::{MAX_ROWS, RowName, draw_names, draw_whisker, y_of, y_range};
use super::span::{Span, clamp};
use crate::report::format::{Unit, number};
use crate::sensitivity::sobol::{Estimate, SobolRow};

/// The input of [`draw_sobol`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndices<'a> {
    /// The metric as a reader names it, e.g. "Value per child".
    pub metric: &'a str,
    /// The rows of one metric (`SobolResult::rows`), any order; rows of any
    /// other metric than the first row's are left out.
    pub rows: &'a [SobolRow],
}

#[derive(Debug, Clone, PartialEq)]
struct Layout {
    frame: Frame,
    rows: Vec<SobolRow>,
    x: (f64, f64),
}

/// Offset of each bar of a pair from the row's centre, and its half height.
const OFFSET: f64 = 0.19;
const HALF_HEIGHT: f64 = 0.16;
const X_TICKS: usize = 7;

fn has_interval(e: &Estimate) -> bool {
    e.low.is_finite() && e.high.is_finite()
}

fn layout(s: &SobolIndices<'_>) -> Layout {
    let mut frame = Frame::new(format!("Sobol indices of {}", s.metric));
    let metric = s.rows.first().map(|r| r.metric.as_str()).unwrap_or_default();
    let same: Vec<&SobolRow> = s.rows.iter().filter(|r| r.metric == metric).collect();
    if same.len() < s.rows.len() {
        frame.note(format!(
            "{} rows for other metrics than {metric} are left out.",
            s.rows.len() - same.len()
        ));
    }
    let total = same.len();
    let mut rows: Vec<SobolRow> = same
        .into_iter()
        .filter(|r| r.s1.value.is_finite() && r.st.value.is_finite())
        .cloned()
        .collect();
    if rows.len() < total {
        frame.note(format!(
            "{} factors without finite indices are left out.",
            total - rows.len()
        ));
    }
    rows.sort_by(|a, b| b.st.value.total_cmp(&a.st.value));
    if rows.len() > MAX_ROWS {
        frame.note(format!(
            "{} more factors with smaller total indices are not shown.",
            rows.len() - MAX_ROWS
        ));
        rows.truncate(MAX_ROWS);
    }
    let mut span = Span::of([0.0]);
    for r in &rows {
        for e in [r.s1, r.st] {
            span.include(e.value);
            if has_interval(&e) {
                span.include(e.low);
                span.include(e.high);
            }
        }
    }
    let x = span.padded_from_zero(0.05);
    let intervals = rows.iter().any(|r| has_interval(&r.s1) || has_interval(&r.st));
    if rows.is_empty() {
        frame.desc = format!("No Sobol indices to show for {}.", s.metric);
    } else {
        let sum_s1: f64 = rows.iter().map(|r| r.s1.value).sum();
        let top: Vec<String> = rows
            .iter()
            .take(3)
            .map(|r| format!("{} (S1 {}, ST {})", r.parameter, number(r.s1.value), number(r.st.value)))
            .collect();
        frame.desc = format!(
            "Paired bars of first-order (S1) and total (ST) Sobol indices of {} for {} factors, largest total first: \
             {}. The first-order indices shown add up to {}; the rest of the variance comes from interactions.",
            s.metric,
            rows.len(),
            top.join(", "),
            number(sum_s1)
        );
        frame.key(Swatch::Bar(BLUE), "First order (S1): alone");
        frame.key(Swatch::Bar(ORANGE), "Total (ST): with interactions");
        if intervals {
            frame.key(Swatch::Whisker(BLACK), "95% bootstrap interval");
        } else {
            frame.note("No bootstrap intervals were computed.");
        }
        if rows.iter().any(|r| r.s1.value < 0.0 || r.st.value < 0.0) {
            frame.note("Small negative indices are sampling noise around zero.");
        }
    }
    Layout { frame, rows, x }
}

/// The Sobol indices of a metric as an SVG document (see the module docs).
pub fn draw_sobol(s: &SobolIndices<'_>) -> Result<String, FigureError> {
    let l = layout(s);
    l.frame.render("sobol", |root| draw(root, s, &l))
}

fn draw(root: &Area<'_>, s: &SobolIndices<'_>, l: &Layout) -> DrawResult {
    let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
    if l.rows.is_empty() {
        return draw_message(root, &plot, "No Sobol indices to show");
    }
    let n = l.rows.len();
    let y = y_range(n);
    let mut chart = chart(root, &plot, l.x.0..l.x.1, y.0..y.1)?;
    let x_format = tick_format(Unit::Number, l.x, X_TICKS);
    let x_ticks = |v: &f64| x_format.format(*v);
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: format!("Share of the variance of {}", s.metric),
            y_desc: String::new(),
            x_ticks: &x_ticks,
            y_ticks: None,
            x_count: X_TICKS,
            y_count: 0,
        },
    )?;
    let names: Vec<RowName> = l.rows.iter().map(|r| RowName::plain(&r.parameter)).collect();
    draw_names(root, &chart, &plot, &names)?;
    let area = chart.plotting_area();
    for (i, r) in l.rows.iter().enumerate() {
        let yc = y_of(i, n);
        for (e, colour, y) in [(r.s1, BLUE, yc + OFFSET), (r.st, ORANGE, yc - OFFSET)] {
            let v = clamp(e.value, l.x);
            let corners = [(0.0, y + HALF_HEIGHT), (v, y - HALF_HEIGHT)];
            area.draw(&Rectangle::new(corners, colour.filled()))?;
            area.draw(&Rectangle::new(corners, BLUE.stroke_width(1)))?;
            draw_whisker(&chart, (e.low, e.high), y, HALF_HEIGHT * 0.6, BLACK)?;
        }
    }
    area.draw(&PathElement::new(vec![(0.0, y.0), (0.0, y.1)], BLACK.stroke_width(1)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;

    fn e(value: f64, low: f64, high: f64) -> Estimate {
        Estimate { value, low, high }
    }

    fn row(parameter: &str, s1: Estimate, st: Estimate) -> SobolRow {
        SobolRow {
            metric: "value_per_child".to_string(),
            parameter: parameter.to_string(),
            s1,
            st,
        }
    }

    fn rows() -> Vec<SobolRow> {
        vec![
            row("x3", e(-0.004, -0.02, 0.01), e(0.24, 0.22, 0.27)),
            row("x1", e(0.31, 0.28, 0.34), e(0.56, 0.53, 0.6)),
            row("x2", e(0.44, 0.41, 0.47), e(0.44, 0.42, 0.46)),
        ]
    }

    fn figure(rows: &[SobolRow]) -> SobolIndices<'_> {
        SobolIndices {
            metric: "Value per child",
            rows,
        }
    }

    #[test]
    fn two_bars_and_two_whiskers_per_factor() {
        let rows = rows();
        let svg = draw_sobol(&figure(&rows)).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Sobol indices of Value per child");
        assert!(desc.contains("largest total first: x1 (S1 0.31, ST 0.56)"), "{desc}");
        let doc = parse(&svg);
        assert_eq!(filled_rects(&doc, BLUE).len(), 3 + 1);
        assert_eq!(filled_rects(&doc, ORANGE).len(), 3 + 1);
        // Each whisker: a line and two caps (the legend's included).
        let l = layout(&figure(&rows));
        let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
        let caps: Vec<i32> = vertical_lines(&doc, BLACK)
            .into_iter()
            .filter(|&x| x > plot.left)
            .collect();
        assert!(caps.contains(&plot.x_pixel(0.53, l.x)) && caps.contains(&plot.x_pixel(0.6, l.x)));
        assert!(desc.contains("sampling noise"), "{desc}");
    }

    #[test]
    fn the_axis_holds_every_estimate_and_interval() {
        let rows = rows();
        let l = layout(&figure(&rows));
        for r in &rows {
            for v in [r.s1.value, r.s1.low, r.s1.high, r.st.value, r.st.low, r.st.high] {
                assert!(l.x.0 <= v && v <= l.x.1, "{v} {:?}", l.x);
            }
        }
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        check_accessible(&draw_sobol(&figure(&[])).unwrap());
        let nan = f64::NAN;
        let odd = vec![
            row("no_interval", e(0.5, nan, nan), e(0.6, nan, nan)),
            row("nan", e(nan, nan, nan), e(0.2, 0.1, 0.3)),
            row(&"long_name_".repeat(12), e(0.0, nan, nan), e(0.0, nan, nan)),
        ];
        let svg = draw_sobol(&figure(&odd)).unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("1 factors without finite indices"), "{desc}");
        assert!(desc.contains("No bootstrap intervals"), "{desc}");
        assert!(texts(&parse(&svg)).iter().any(|t| t.ends_with('…')));
        let rows = rows();
        assert_eq!(draw_sobol(&figure(&rows)).unwrap(), draw_sobol(&figure(&rows)).unwrap());
    }
}
