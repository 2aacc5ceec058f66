//! The page every figure is drawn on: a fixed size, a title, a legend strip
//! under it, the plot box where the axes go, notes under the plot, and the
//! step that turns the drawing into a labelled SVG string.
//!
//! ```text
//!  ┌──────────────────────────────────────────────┐
//!  │ Title                                        │  TITLE_Y
//!  │ ■ key  ─ key  ┄ key                          │  LEGEND_Y
//!  │      ┌─────────────────────────────────┐     │  PLOT_TOP
//!  │ y    │            plot box             │     │
//!  │ area │                                 │     │
//!  │      └─────────────────────────────────┘     │  plot.bottom
//!  │        ticks, x-axis title                   │  X_AXIS_AREA
//!  │ notes (wrapped)                              │  NOTE_LINE each
//!  └──────────────────────────────────────────────┘
//! ```
//!
//! The plot box is computed here from constants, and the plotters chart is
//! built with margins that make its plotting area exactly that box, so the
//! tests can map a value to its pixel without asking plotters.

use std::io;

use plotters::backend::SVGBackend;
use plotters::chart::{ChartBuilder, ChartContext};
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters::element::{Circle, DashedPathElement, EmptyElement, PathElement, Rectangle, Text, TriangleMarker};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, ShapeStyle, TextStyle};

use super::FigureError;
use super::accessibility;
use super::palette::{BLACK, GRID, MUTED, WHITE, luma};
use super::text::text_width;
use crate::report::format::{TickFormat, Unit};

/// Width of every figure, in pixels.
pub const WIDTH: u32 = 720;
/// Height of every figure, in pixels.
pub const HEIGHT: u32 = 400;

const TITLE_Y: i32 = 10;
const LEGEND_Y: i32 = 40;
const PLOT_TOP: i32 = 56;
const LEFT_MARGIN: i32 = 12;
/// Height under the plot for tick labels and the x-axis title.
const X_AXIS_AREA: i32 = 44;
const NOTE_LINE: i32 = 15;
const BOTTOM_MARGIN: i32 = 6;
/// Characters of note text per line (11 px sans-serif over 696 px).
const NOTE_CHARS: usize = 118;
const MAX_NOTE_LINES: usize = 4;

/// Right margin of most figures.
pub(crate) const RIGHT_MARGIN: i32 = 24;
/// Width left of the plot for numeric tick labels and a rotated axis title.
pub(crate) const NUMERIC_Y_AREA: i32 = 78;
/// Width left of the plot for row names (figures with one row per input).
pub(crate) const NAMES_AREA: i32 = 216;

/// Text sizes, in SVG pixels.
pub(crate) const TITLE_PX: f64 = 16.0;
pub(crate) const LABEL_PX: f64 = 12.0;
pub(crate) const SMALL_PX: f64 = 11.0;

/// The drawing area of a whole figure.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// What drawing on an [`Area`] returns.
pub(crate) type DrawResult = Result<(), DrawingAreaErrorKind<io::Error>>;
/// A chart on a figure.
pub(crate) type Chart<'a, 'b, X, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>;

/// The pixels of the plotting area (right and bottom exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlotBox {
    /// First pixel column.
    pub left: i32,
    /// First pixel row.
    pub top: i32,
    /// One past the last column.
    pub right: i32,
    /// One past the last row.
    pub bottom: i32,
    /// Width of the label area left of the plot (0: the figure draws its own names).
    pub y_area: i32,
}

impl PlotBox {
    /// The pixel column of `v` on a linear axis over `range`: the rule of
    /// plotters' `RangedCoordf64::map` over the columns left..right−1.
    #[cfg(test)]
    pub(crate) fn x_pixel(&self, v: f64, range: (f64, f64)) -> i32 {
        let t = (v - range.0) / (range.1 - range.0);
        self.left + (f64::from(self.right - 1 - self.left) * t + 1e-3).floor() as i32
    }

    /// The pixel row of `v` on a linear axis over `range` (upwards).
    #[cfg(test)]
    pub(crate) fn y_pixel(&self, v: f64, range: (f64, f64)) -> i32 {
        let t = (v - range.0) / (range.1 - range.0);
        (self.bottom - 1) + (f64::from(self.top - (self.bottom - 1)) * t - 1e-3).ceil() as i32
    }

    /// The pixel column of `v` on a log axis over `range`.
    #[cfg(test)]
    pub(crate) fn x_pixel_log(&self, v: f64, range: (f64, f64)) -> i32 {
        self.x_pixel(v.ln(), (range.0.ln(), range.1.ln()))
    }

    /// Middle of the box.
    pub(crate) fn centre(&self) -> (i32, i32) {
        ((self.left + self.right) / 2, (self.top + self.bottom) / 2)
    }
}

/// What is left of the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Left {
    /// Numeric tick labels and a rotated axis title (drawn by plotters).
    Ticks,
    /// Row names (drawn by the figure).
    Names,
}

/// How a legend key is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Swatch {
    /// A filled box (bars), outlined when light.
    Bar(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A line with a marker on it.
    Marked(RGBColor, Marker, bool),
    /// An interval: a line with end caps.
    Whisker(RGBColor),
    /// A translucent band.
    Band(RGBColor),
}

/// A marker shape: series also differ by shape, not by hue alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    Triangle,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    swatch: Swatch,
    label: String,
}

/// The text around a figure: title, description for screen readers, notes
/// printed under the plot (also read out after the description), legend.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Frame {
    /// Shown at the top and in `<title>`.
    pub title: String,
    /// What the figure shows, in words, for `<desc>`.
    pub desc: String,
    notes: Vec<String>,
    legend: Vec<Key>,
}

impl Frame {
    /// A frame titled `title`.
    pub(crate) fn new(title: impl Into<String>) -> Frame {
        Frame {
            title: title.into(),
            ..Frame::default()
        }
    }

    /// Add a note under the plot (what was skipped, clipped or assumed).
    pub(crate) fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    /// Add a legend key.
    pub(crate) fn key(&mut self, swatch: Swatch, label: impl Into<String>) {
        self.legend.push(Key {
            swatch,
            label: label.into(),
        });
    }

    /// The notes, wrapped into lines of at most NOTE_CHARS characters, and
    /// at most MAX_NOTE_LINES lines (the last cut with an ellipsis).
    fn note_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for note in &self.notes {
            let mut line = String::new();
            for word in note.split_whitespace() {
                if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > NOTE_CHARS {
                    lines.push(std::mem::take(&mut line));
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
            if !line.is_empty() {
                lines.push(line);
            }
        }
        if lines.len() > MAX_NOTE_LINES {
            lines.truncate(MAX_NOTE_LINES);
            let last = &mut lines[MAX_NOTE_LINES - 1];
            *last = crate::report::format::ellipsis(&format!("{last} …"), NOTE_CHARS);
        }
        lines
    }

    /// The plot box of this frame, with `left` to the left of it and
    /// `right_margin` pixels right of it.
    pub(crate) fn plot_box(&self, left: Left, right_margin: i32) -> PlotBox {
        let notes = self.note_lines().len() as i32;
        let bottom = HEIGHT as i32 - BOTTOM_MARGIN - notes * NOTE_LINE - X_AXIS_AREA;
        let (width, y_area) = match left {
            Left::Ticks => (NUMERIC_Y_AREA, NUMERIC_Y_AREA),
            Left::Names => (NAMES_AREA, 0),
        };
        PlotBox {
            left: LEFT_MARGIN + width,
            top: PLOT_TOP,
            right: WIDTH as i32 - right_margin,
            bottom,
            y_area,
        }
    }

    /// The full description: `desc` and then every note.
    fn full_desc(&self) -> String {
        let mut d = self.desc.trim().to_string();
        for n in &self.notes {
            if !d.is_empty() {
                d.push(' ');
            }
            d.push_str(n.trim());
        }
        d
    }

    /// Draw the frame and then `draw` (the plot) on a fresh figure, and
    /// return the labelled SVG document. `figure` names the figure in errors.
    pub(crate) fn render<F>(&self, figure: &'static str, draw: F) -> Result<String, FigureError>
    where
        F: FnOnce(&Area<'_>) -> DrawResult,
    {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            let drawn = self
                .draw_decorations(&root)
                .and_then(|()| draw(&root))
                .and_then(|()| root.present());
            drawn.map_err(|e| FigureError::Draw {
                figure,
                message: e.to_string(),
            })?;
        }
        let id = accessibility::slug(&self.title);
        accessibility::label(&svg, &id, &self.title, &self.full_desc()).ok_or(FigureError::Draw {
            figure,
            message: "plotters wrote no <svg> root element".to_string(),
        })
    }

    fn draw_decorations(&self, root: &Area<'_>) -> DrawResult {
        root.fill(&WHITE)?;
        root.draw(&Text::new(self.title.clone(), (LEFT_MARGIN, TITLE_Y), title_style()))?;
        let mut x = LEFT_MARGIN;
        for key in &self.legend {
            draw_swatch(root, key.swatch, (x, LEGEND_Y))?;
            root.draw(&Text::new(
                key.label.clone(),
                (x + 24, LEGEND_Y),
                text_style(SMALL_PX, BLACK, HPos::Left, VPos::Center),
            ))?;
            x += 24 + text_width(&key.label, SMALL_PX) + 12;
        }
        let lines = self.note_lines();
        let first = HEIGHT as i32 - BOTTOM_MARGIN - lines.len() as i32 * NOTE_LINE;
        for (i, line) in lines.iter().enumerate() {
            root.draw(&Text::new(
                line.clone(),
                (LEFT_MARGIN, first + i as i32 * NOTE_LINE + 2),
                text_style(SMALL_PX, MUTED, HPos::Left, VPos::Top),
            ))?;
        }
        Ok(())
    }
}

/// A text style of `px` SVG pixels. (plotters writes a font size of
/// size/1.24 into SVG, so the size is scaled up by that factor here.)
pub(crate) fn text_style(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, px * 1.24, FontStyle::Normal)
        .color(&color)
        .pos(Pos::new(h, v))
}

/// The title's style: bold, top left.
fn title_style() -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, TITLE_PX * 1.24, FontStyle::Bold)
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Top))
}

fn draw_swatch(root: &Area<'_>, swatch: Swatch, (x, y): (i32, i32)) -> DrawResult {
    match swatch {
        Swatch::Bar(c) => {
            root.draw(&Rectangle::new([(x + 2, y - 6), (x + 18, y + 6)], c.filled()))?;
            if luma(c) > 150.0 {
                root.draw(&Rectangle::new(
                    [(x + 2, y - 6), (x + 18, y + 6)],
                    BLACK.stroke_width(1),
                ))?;
            }
        }
        Swatch::Band(c) => {
            root.draw(&Rectangle::new([(x + 2, y - 6), (x + 18, y + 6)], c.mix(0.35).filled()))?;
        }
        Swatch::Line(c) => {
            root.draw(&PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)))?;
        }
        Swatch::Dashed(c) => {
            root.draw(&DashedPathElement::new(
                vec![(x, y), (x + 20, y)],
                5,
                3,
                c.stroke_width(2),
            ))?;
        }
        Swatch::Marked(c, marker, dashed) => {
            if dashed {
                root.draw(&DashedPathElement::new(
                    vec![(x, y), (x + 20, y)],
                    5,
                    3,
                    c.stroke_width(2),
                ))?;
            } else {
                root.draw(&PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)))?;
            }
            draw_marker_px(root, marker, (x + 10, y), c)?;
        }
        Swatch::Whisker(c) => {
            let style = c.stroke_width(1);
            root.draw(&PathElement::new(vec![(x, y), (x + 20, y)], style))?;
            root.draw(&PathElement::new(vec![(x, y - 4), (x, y + 4)], style))?;
            root.draw(&PathElement::new(vec![(x + 20, y - 4), (x + 20, y + 4)], style))?;
        }
    }
    Ok(())
}

/// A marker at a pixel position.
fn draw_marker_px(root: &Area<'_>, marker: Marker, (x, y): (i32, i32), color: RGBColor) -> DrawResult {
    let at = EmptyElement::at((x, y));
    draw_marker_element(root, at, marker, color)
}

fn draw_marker_element<'b, C: Clone, T: CoordTranslate<From = C>>(
    area: &DrawingArea<SVGBackend<'b>, T>,
    at: EmptyElement<C, SVGBackend<'b>>,
    marker: Marker,
    color: RGBColor,
) -> DrawResult {
    let style: ShapeStyle = color.filled();
    match marker {
        Marker::Circle => area.draw(&(at + Circle::new((0, 0), 4, style))),
        Marker::Square => area.draw(&(at + Rectangle::new([(-4, -4), (4, 4)], style))),
        Marker::Triangle => area.draw(&(at + TriangleMarker::new((0, 0), 5, style))),
    }
}

/// A marker at a data position of a chart.
pub(crate) fn draw_marker<X, Y>(
    chart: &Chart<'_, '_, X, Y>,
    marker: Marker,
    at: (f64, f64),
    color: RGBColor,
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    draw_marker_element(chart.plotting_area(), EmptyElement::at(at), marker, color)
}

/// A chart whose plotting area is exactly `plot`, over `x` and `y`.
pub(crate) fn chart<'a, 'b, X, Y>(
    root: &'a Area<'b>,
    plot: &PlotBox,
    x: X,
    y: Y,
) -> Result<Chart<'a, 'b, X::CoordDescType, Y::CoordDescType>, DrawingAreaErrorKind<io::Error>>
where
    X: AsRangedCoord,
    Y: AsRangedCoord,
{
    ChartBuilder::on(root)
        .margin_top(plot.top as u32)
        .margin_right((WIDTH as i32 - plot.right) as u32)
        .margin_left((plot.left - plot.y_area) as u32)
        .margin_bottom((HEIGHT as i32 - plot.bottom - X_AXIS_AREA) as u32)
        .x_label_area_size(X_AXIS_AREA as u32)
        .y_label_area_size(plot.y_area as u32)
        .build_cartesian_2d(x, y)
}

/// What the axes say.
pub(crate) struct Axes<'f> {
    /// Title under the x axis, with its unit.
    pub x_desc: String,
    /// Title of the y axis, with its unit (empty for named rows).
    pub y_desc: String,
    /// Labels of x ticks.
    pub x_ticks: &'f dyn Fn(&f64) -> String,
    /// Labels of y ticks (None: no y tick labels, as for named rows).
    pub y_ticks: Option<&'f dyn Fn(&f64) -> String>,
    /// Most x ticks.
    pub x_count: usize,
    /// Most y ticks.
    pub y_count: usize,
}

/// Draw the axes, the ticks and their labels, and a light grid at the ticks.
pub(crate) fn draw_axes<X, Y>(chart: &mut Chart<'_, '_, X, Y>, axes: &Axes<'_>) -> DrawResult
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let no_label = |_: &f64| String::new();
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(axes.x_count)
        .x_label_formatter(axes.x_ticks)
        .x_desc(axes.x_desc.clone())
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(BLACK.stroke_width(1))
        .label_style(text_style(SMALL_PX, BLACK, HPos::Center, VPos::Top))
        .axis_desc_style(text_style(LABEL_PX, BLACK, HPos::Center, VPos::Top));
    match axes.y_ticks {
        Some(f) => {
            mesh.y_labels(axes.y_count)
                .y_label_formatter(f)
                .y_desc(axes.y_desc.clone());
        }
        None => {
            mesh.disable_y_mesh().y_labels(0).y_label_formatter(&no_label);
        }
    }
    mesh.draw()
}

/// The label format for the ticks plotters puts on a linear axis over
/// `range` when asked for at most `count` of them.
pub(crate) fn tick_format(unit: Unit, range: (f64, f64), count: usize) -> TickFormat {
    let points = RangedCoordf64::from(range.0..range.1).key_points(count);
    TickFormat::new(unit, &points)
}

/// A vertical line at `x` across the plot, dashed or solid.
pub(crate) fn draw_vertical<X, Y>(chart: &Chart<'_, '_, X, Y>, x: f64, color: RGBColor, dashed: bool) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let y = chart.y_range();
    let points = vec![(x, y.start), (x, y.end)];
    let style = color.stroke_width(2);
    if dashed {
        chart.plotting_area().draw(&DashedPathElement::new(points, 6, 4, style))
    } else {
        chart.plotting_area().draw(&PathElement::new(points, style))
    }
}

/// A label beside a vertical line at `x`, on text row `row` (0 = top of the
/// plot), on the right of the line unless it would run off the plot.
pub(crate) fn label_vertical<X, Y>(
    root: &Area<'_>,
    chart: &Chart<'_, '_, X, Y>,
    plot: &PlotBox,
    x: f64,
    row: i32,
    text: &str,
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let (px, _) = chart.backend_coord(&(x, chart.y_range().end));
    draw_label(root, plot, (px, plot.top + 4 + row * 15), text)
}

/// A one-line label whose top-left corner is 5 px right of `(x, y)`, or
/// whose top-right corner is 5 px left of it when the plot ends first; on
/// a white box so that it reads over lines and bars.
pub(crate) fn draw_label(root: &Area<'_>, plot: &PlotBox, (x, y): (i32, i32), text: &str) -> DrawResult {
    let width = text_width(text, SMALL_PX);
    let on_right = x + 5 + width <= plot.right;
    let (anchor, tx) = if on_right {
        (HPos::Left, x + 5)
    } else {
        (HPos::Right, x - 5)
    };
    let x0 = if on_right { tx - 1 } else { tx - width - 1 };
    root.draw(&Rectangle::new(
        [(x0, y - 1), (x0 + width + 2, y + 13)],
        WHITE.mix(0.85).filled(),
    ))?;
    root.draw(&Text::new(
        text.to_string(),
        (tx, y),
        text_style(SMALL_PX, BLACK, anchor, VPos::Top),
    ))
}

/// A message in the middle of the plot box (for figures with nothing to draw).
pub(crate) fn draw_message(root: &Area<'_>, plot: &PlotBox, text: &str) -> DrawResult {
    root.draw(&Rectangle::new(
        [(plot.left, plot.top), (plot.right, plot.bottom)],
        GRID.stroke_width(1),
    ))?;
    root.draw(&Text::new(
        text.to_string(),
        plot.centre(),
        text_style(LABEL_PX, MUTED, HPos::Center, VPos::Center),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_wrap_and_shrink_the_plot() {
        let mut f = Frame::new("t");
        let empty = f.plot_box(Left::Ticks, RIGHT_MARGIN);
        f.note("word ".repeat(60));
        let lines = f.note_lines();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.chars().count() <= NOTE_CHARS));
        assert_eq!(
            f.plot_box(Left::Ticks, RIGHT_MARGIN).bottom,
            empty.bottom - 3 * NOTE_LINE
        );
        for _ in 0..5 {
            f.note("another note");
        }
        assert_eq!(f.note_lines().len(), MAX_NOTE_LINES);
        assert!(f.note_lines()[MAX_NOTE_LINES - 1].ends_with('…'));
    }

    #[test]
    fn pixel_mapping_spans_the_box() {
        let b = PlotBox {
            left: 90,
            top: 56,
            right: 696,
            bottom: 306,
            y_area: 78,
        };
        assert_eq!(b.x_pixel(0.0, (0.0, 1.0)), 90);
        assert_eq!(b.x_pixel(1.0, (0.0, 1.0)), 695);
        assert_eq!(b.y_pixel(0.0, (0.0, 1.0)), 305);
        assert_eq!(b.y_pixel(1.0, (0.0, 1.0)), 56);
        assert_eq!(b.x_pixel_log(100.0, (10.0, 1000.0)), b.x_pixel(0.5, (0.0, 1.0)));
    }
}
