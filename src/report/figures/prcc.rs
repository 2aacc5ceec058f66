//! Partial rank correlation (prcc.csv): for each input, the rank
//! correlation between it and the metric once the other inputs are
//! accounted for, between −1 and 1, with its 95% interval (Fisher's z).
//! Bars grow from zero, rightwards for inputs that raise the metric and
//! leftwards for those that lower it; the strongest is on top.

use plotters::element::{PathElement, Rectangle};
use plotters::style::Color;

use super::FigureError;
use super::frame::{Area, Axes, DrawResult, Frame, Left, RIGHT_MARGIN, Swatch, chart, draw_axes, draw_message};
use super::palette::{BLACK, BLUE, ORANGE};
use super::rows::{MAX_ROWS, RowName, draw_names, draw_value, draw_whisker, y_of, y_range};
use crate::report::format::{MINUS, number};
use crate::sensitivity::prcc::PrccRow;

/// The input of [`draw_prcc`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prcc<'a> {
    /// The metric as a reader names it, e.g. "Value per child".
    pub metric: &'a str,
    /// The rows of one metric (`sensitivity::prcc::prcc`), any order; rows
    /// of any other metric than the first row's are left out.
    pub rows: &'a [PrccRow],
}

#[derive(Debug, Clone, PartialEq)]
struct Layout {
    frame: Frame,
    rows: Vec<PrccRow>,
}

/// Correlations live in [−1, 1]; a little room beyond for the values written at the bar ends.
const X: (f64, f64) = (-1.2, 1.2);
const HALF_HEIGHT: f64 = 0.3;

/// A correlation with its sign and two decimals: +0.82, −0.35.
fn signed(r: f64) -> String {
    if r < 0.0 {
        format!("{MINUS}{:.2}", -r)
    } else {
        format!("+{r:.2}")
    }
}

fn layout(p: &Prcc<'_>) -> Layout {
    let mut frame = Frame::new(format!("Partial rank correlations with {}", p.metric));
    let metric = p.rows.first().map(|r| r.metric.as_str()).unwrap_or_default();
    let same: Vec<&PrccRow> = p.rows.iter().filter(|r| r.metric == metric).collect();
    if same.len() < p.rows.len() {
        frame.note(format!(
            "{} rows for other metrics than {metric} are left out.",
            p.rows.len() - same.len()
        ));
    }
    let total = same.len();
    let mut rows: Vec<PrccRow> = same.into_iter().filter(|r| r.prcc.is_finite()).cloned().collect();
    if rows.len() < total {
        frame.note(format!(
            "{} inputs without a finite PRCC are left out.",
            total - rows.len()
        ));
    }
    rows.sort_by(|a, b| b.prcc.abs().total_cmp(&a.prcc.abs()));
    if rows.len() > MAX_ROWS {
        frame.note(format!(
            "{} more inputs with weaker correlations are not shown.",
            rows.len() - MAX_ROWS
        ));
        rows.truncate(MAX_ROWS);
    }
    if rows.is_empty() {
        frame.desc = format!("No partial rank correlations to show for {}.", p.metric);
    } else {
        let list: Vec<String> = rows
            .iter()
            .take(3)
            .map(|r| format!("{} {}", r.parameter, signed(r.prcc)))
            .collect();
        frame.desc = format!(
            "Bars of the partial rank correlation coefficient (PRCC) of each input with {}, strongest first: {}.",
            p.metric,
            list.join(", ")
        );
        frame.key(Swatch::Bar(BLUE), "Raises the metric");
        frame.key(Swatch::Bar(ORANGE), "Lowers the metric");
        frame.key(Swatch::Whisker(BLACK), "95% interval");
    }
    Layout { frame, rows }
}

/// The partial rank correlations with a metric as an SVG document (see the module docs).
pub fn draw_prcc(p: &Prcc<'_>) -> Result<String, FigureError> {
    let l = layout(p);
    l.frame.render("prcc", |root| draw(root, p, &l))
}

fn draw(root: &Area<'_>, p: &Prcc<'_>, l: &Layout) -> DrawResult {
    let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
    if l.rows.is_empty() {
        return draw_message(root, &plot, "No correlations to show");
    }
    let n = l.rows.len();
    let y = y_range(n);
    let mut chart = chart(root, &plot, X.0..X.1, y.0..y.1)?;
    let x_ticks = |v: &f64| {
        if v.abs() > 1.0 + 1e-9 {
            String::new()
        } else if v.abs() < 1e-9 {
            "0".to_string()
        } else {
            number(*v)
        }
    };
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: format!("Partial rank correlation with {}", p.metric),
            y_desc: String::new(),
            x_ticks: &x_ticks,
            y_ticks: None,
            x_count: 9,
            y_count: 0,
        },
    )?;
    let names: Vec<RowName> = l.rows.iter().map(|r| RowName::plain(&r.parameter)).collect();
    draw_names(root, &chart, &plot, &names)?;
    let area = chart.plotting_area();
    for (i, r) in l.rows.iter().enumerate() {
        let yc = y_of(i, n);
        let v = r.prcc.clamp(-1.0, 1.0);
        let colour = if v >= 0.0 { BLUE } else { ORANGE };
        let corners = [(0.0, yc + HALF_HEIGHT), (v, yc - HALF_HEIGHT)];
        area.draw(&Rectangle::new(corners, colour.filled()))?;
        area.draw(&Rectangle::new(corners, BLUE.stroke_width(1)))?;
        draw_whisker(&chart, (r.prcc_low, r.prcc_high), yc, HALF_HEIGHT * 0.5, BLACK)?;
        let end = if v >= 0.0 {
            v.max(r.prcc_high)
        } else {
            v.min(r.prcc_low)
        };
        let end = if end.is_finite() { end.clamp(-1.0, 1.0) } else { v };
        draw_value(root, &chart, (end, yc), v >= 0.0, &signed(r.prcc))?;
    }
    area.draw(&PathElement::new(vec![(0.0, y.0), (0.0, y.1)], BLACK.stroke_width(1)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;

    fn row(parameter: &str, prcc: f64) -> PrccRow {
        PrccRow {
            metric: "value_per_child".to_string(),
            parameter: parameter.to_string(),
            prcc,
            prcc_low: prcc - 0.05,
            prcc_high: prcc + 0.05,
            src: prcc,
            p_value: 0.001,
        }
    }

    fn figure(rows: &[PrccRow]) -> Prcc<'_> {
        Prcc {
            metric: "Value per child",
            rows,
        }
    }

    #[test]
    fn signed_bars_sorted_by_strength() {
        let rows = vec![row("weak", 0.1), row("negative", -0.7), row("strong", 0.9)];
        let svg = draw_prcc(&figure(&rows)).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Partial rank correlations with Value per child");
        assert!(
            desc.contains("strongest first: strong +0.90, negative −0.70, weak +0.10"),
            "{desc}"
        );
        let doc = parse(&svg);
        assert_eq!(filled_rects(&doc, BLUE).len(), 2 + 1);
        assert_eq!(filled_rects(&doc, ORANGE).len(), 1 + 1);
        let l = layout(&figure(&rows));
        let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
        // The negative bar ends at −0.7 and starts at zero.
        let (x, _, w, _) = filled_rects(&doc, ORANGE)
            .into_iter()
            .find(|r| r.0 > f64::from(plot.left))
            .unwrap();
        assert_eq!(x as i32, plot.x_pixel(-0.7, X));
        assert_eq!((x + w) as i32, plot.x_pixel(0.0, X));
        assert!(has_text(&doc, "−0.70") && has_text(&doc, "+0.90"));
        assert!(has_text(&doc, "−1") && has_text(&doc, "0.5"), "{:?}", texts(&doc));
    }

    #[test]
    fn the_axis_holds_every_correlation() {
        let rows = vec![row("a", 1.0), row("b", -1.0)];
        for r in &rows {
            assert!(X.0 < r.prcc_low && r.prcc_high < X.1);
        }
        check_accessible(&draw_prcc(&figure(&rows)).unwrap());
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        check_accessible(&draw_prcc(&figure(&[])).unwrap());
        let mut odd = vec![row("nan", f64::NAN), row(&"long_".repeat(30), 0.0)];
        odd[1].prcc_low = f64::NAN;
        let svg = draw_prcc(&figure(&odd)).unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("1 inputs without a finite PRCC"), "{desc}");
        let rows = vec![row("a", 0.3)];
        assert_eq!(draw_prcc(&figure(&rows)).unwrap(), draw_prcc(&figure(&rows)).unwrap());
    }
}
