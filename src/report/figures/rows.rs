//! Figures with one row per input, factor or scenario (tornado, Sobol,
//! PRCC, forest, EVPPI, breakdown): rows run top to bottom in the order
//! given, at most [`MAX_ROWS`] of them, with names cut to fit left of the plot.

use plotters::coord::ranged1d::Ranged;
use plotters::element::{PathElement, Text};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{Area, Chart, DrawResult, LABEL_PX, NAMES_AREA, PlotBox, SMALL_PX, text_style};
use super::palette::{BLACK, MUTED};
use super::span::clamp;
use super::text::{fit, text_width};

/// Most rows a figure shows; the rest are counted in a note.
pub(crate) const MAX_ROWS: usize = 12;

/// Pixels for a row's name, left of the plot.
const NAME_WIDTH: i32 = NAMES_AREA - 14;

/// The y range for `n` rows: one unit per row.
pub(crate) fn y_range(n: usize) -> (f64, f64) {
    (-0.5, n.max(1) as f64 - 0.5)
}

/// The y coordinate of row `i` of `n` (row 0 at the top).
pub(crate) fn y_of(i: usize, n: usize) -> f64 {
    (n.max(1) - 1 - i.min(n.max(1) - 1)) as f64
}

/// A row's label: its name and an optional detail (an input's range)
/// written after it in parentheses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowName {
    /// The name (cut to fit, the detail kept whole).
    pub name: String,
    /// Written after the name, e.g. "0.05 to 0.3".
    pub detail: Option<String>,
}

impl RowName {
    /// A name without detail.
    pub(crate) fn plain(name: &str) -> RowName {
        RowName {
            name: name.to_string(),
            detail: None,
        }
    }

    /// The label as drawn in `width` pixels at `px`: the name cut so that
    /// the detail still fits.
    pub(crate) fn text(&self, px: f64, width: i32) -> String {
        match &self.detail {
            None => fit(&self.name, px, width),
            Some(d) => {
                let detail = format!(" ({d})");
                let room = width - text_width(&detail, px);
                format!("{}{detail}", fit(&self.name, px, room))
            }
        }
    }
}

/// Draw the row names right-aligned against the plot's left edge.
pub(crate) fn draw_names<X, Y>(
    root: &Area<'_>,
    chart: &Chart<'_, '_, X, Y>,
    plot: &PlotBox,
    names: &[RowName],
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let x = plot.left - 8;
    let x0 = chart.x_range().start;
    // Smaller text when a detail shares the line.
    let px = if names.iter().any(|r| r.detail.is_some()) {
        SMALL_PX
    } else {
        LABEL_PX
    };
    for (i, row) in names.iter().enumerate() {
        let (_, y) = chart.backend_coord(&(x0, y_of(i, names.len())));
        let style = text_style(px, BLACK, HPos::Right, VPos::Center);
        root.draw(&Text::new(row.text(px, NAME_WIDTH), (x, y), style))?;
    }
    Ok(())
}

/// An interval from `lo` to `hi` at height `y`, with end caps `cap` high
/// (in row units); cut at the x range, and skipped unless both ends are finite.
pub(crate) fn draw_whisker<X, Y>(
    chart: &Chart<'_, '_, X, Y>,
    (lo, hi): (f64, f64),
    y: f64,
    cap: f64,
    color: RGBColor,
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    if !(lo.is_finite() && hi.is_finite()) {
        return Ok(());
    }
    let range = chart.x_range();
    let (a, b) = (clamp(lo, (range.start, range.end)), clamp(hi, (range.start, range.end)));
    let area = chart.plotting_area();
    let style = color.stroke_width(1);
    area.draw(&PathElement::new(vec![(a, y), (b, y)], style))?;
    // A cap only where the interval really ends (not where the axis cuts it).
    if a == lo {
        area.draw(&PathElement::new(vec![(a, y - cap), (a, y + cap)], style))?;
    }
    if b == hi {
        area.draw(&PathElement::new(vec![(b, y - cap), (b, y + cap)], style))?;
    }
    Ok(())
}

/// A value written just outside the end of a bar at `x` on row height `y`:
/// right of it when `right`, else left of it.
pub(crate) fn draw_value<X, Y>(
    root: &Area<'_>,
    chart: &Chart<'_, '_, X, Y>,
    (x, y): (f64, f64),
    right: bool,
    text: &str,
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let (px, py) = chart.backend_coord(&(x, y));
    let (anchor, tx) = if right {
        (HPos::Left, px + 4)
    } else {
        (HPos::Right, px - 4)
    };
    root.draw(&Text::new(
        text.to_string(),
        (tx, py),
        text_style(SMALL_PX, MUTED, anchor, VPos::Center),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_run_top_down_inside_the_range() {
        let (lo, hi) = y_range(3);
        assert_eq!(y_of(0, 3), 2.0);
        assert_eq!(y_of(2, 3), 0.0);
        assert!(lo < y_of(2, 3) && y_of(0, 3) < hi);
        assert_eq!(y_of(0, 0), 0.0);
    }

    #[test]
    fn long_names_are_cut_and_details_kept() {
        let name = "a_parameter_name_far_too_long_to_fit_left_of_any_reasonable_plot";
        let cut = RowName::plain(name).text(LABEL_PX, NAME_WIDTH);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() < name.chars().count());
        let row = RowName {
            name: name.to_string(),
            detail: Some("0.05 to 0.3".to_string()),
        };
        let text = row.text(SMALL_PX, NAME_WIDTH);
        assert!(text.ends_with("… (0.05 to 0.3)"), "{text}");
        assert!(text_width(&text, SMALL_PX) <= NAME_WIDTH + 7);
        assert_eq!(RowName::plain("short").text(LABEL_PX, NAME_WIDTH), "short");
    }
}
