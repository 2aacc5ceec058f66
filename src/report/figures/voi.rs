//! Value of information: the expected value of partial perfect information
//! (EVPPI) of each parameter or group of parameters, as bars with their
//! intervals, largest on top, and the expected value of perfect
//! information (EVPI, resolving every uncertainty at once) as a dashed
//! reference line: no EVPPI can exceed it beyond estimation noise.
//!
//! The estimates come from the `voi` analysis; this figure takes them as
//! plain numbers so that it does not depend on how they were computed.

use plotters::element::{PathElement, Rectangle};
use plotters::style::Color;

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, RIGHT_MARGIN, Swatch, chart, draw_axes, draw_message, draw_vertical,
    tick_format,
};
use super::palette::{BLACK, BLUE, VERMILLION};
use super::rows::{MAX_ROWS, RowName, draw_names, draw_value, draw_whisker, y_of, y_range};
use super::span::{Span, clamp};
use crate::report::format::{Unit, money};

/// The EVPPI of one parameter or group, with an interval (e.g. bootstrap 95%).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvppiBar<'a> {
    /// The parameter or group.
    pub factor: &'a str,
    /// The EVPPI estimate, £.
    pub evppi: f64,
    /// Lower end of its interval (NaN: none).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// The input of [`draw_evppi`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evppi<'a> {
    /// What the values are per, for the axis and the text, e.g. "per cohort".
    pub per: &'a str,
    /// One bar per parameter or group, any order.
    pub bars: &'a [EvppiBar<'a>],
    /// The EVPI, drawn as a reference line.
    pub evpi: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
struct Layout<'a> {
    frame: Frame,
    bars: Vec<EvppiBar<'a>>,
    evpi: Option<f64>,
    x: (f64, f64),
}

const HALF_HEIGHT: f64 = 0.3;
const X_TICKS: usize = 7;

/// " per cohort", or nothing.
fn per(e: &Evppi<'_>) -> String {
    let p = e.per.trim();
    if p.is_empty() { String::new() } else { format!(" {p}") }
}

fn layout<'a>(e: &Evppi<'a>) -> Layout<'a> {
    let mut frame = Frame::new("Expected value of partial perfect information");
    let mut bars: Vec<EvppiBar<'a>> = e.bars.iter().filter(|b| b.evppi.is_finite()).copied().collect();
    if bars.len() < e.bars.len() {
        frame.note(format!(
            "{} factors without a finite EVPPI are left out.",
            e.bars.len() - bars.len()
        ));
    }
    bars.sort_by(|a, b| b.evppi.total_cmp(&a.evppi));
    if bars.len() > MAX_ROWS {
        frame.note(format!(
            "{} more factors with smaller EVPPI are not shown.",
            bars.len() - MAX_ROWS
        ));
        bars.truncate(MAX_ROWS);
    }
    let evpi = e.evpi.filter(|v| v.is_finite());
    if e.evpi.is_some() && evpi.is_none() {
        frame.note("The EVPI is not a finite number and is not drawn.");
    }
    let mut span = Span::of([0.0]);
    for b in &bars {
        span.include(b.evppi);
        if b.low.is_finite() && b.high.is_finite() {
            span.include(b.low);
            span.include(b.high);
        }
    }
    if let Some(v) = evpi {
        span.include(v);
    }
    // Room on the right for the values written at the bar ends.
    let (lo, hi) = span.padded_from_zero(0.05);
    let x = (lo, hi + 0.12 * (hi - lo));
    let per = per(e);
    if bars.is_empty() {
        frame.desc = "No EVPPI estimates to show.".to_string();
    } else {
        let list: Vec<String> = bars
            .iter()
            .take(5)
            .map(|b| {
                if b.low.is_finite() && b.high.is_finite() {
                    format!(
                        "{} {} ({} to {})",
                        b.factor,
                        money(b.evppi),
                        money(b.low),
                        money(b.high)
                    )
                } else {
                    format!("{} {}", b.factor, money(b.evppi))
                }
            })
            .collect();
        let mut desc = format!(
            "Bars of the expected value of partial perfect information (EVPPI) of each parameter or group, \
             £{per}, largest first: {}.",
            list.join("; ")
        );
        if let Some(v) = evpi {
            desc.push_str(&format!(
                " A dashed line marks the EVPI, the value of resolving every uncertainty: {}{per}.",
                money(v)
            ));
        }
        frame.desc = desc;
        frame.key(Swatch::Bar(BLUE), "EVPPI");
        if bars.iter().any(|b| b.low.is_finite() && b.high.is_finite()) {
            frame.key(Swatch::Whisker(BLACK), "95% interval");
        }
        if let Some(v) = evpi {
            frame.key(Swatch::Dashed(VERMILLION), format!("EVPI {}{per}", money(v)));
        }
        if bars.iter().any(|b| b.evppi < 0.0) {
            frame.note("Negative estimates are estimation noise around zero.");
        }
    }
    Layout { frame, bars, evpi, x }
}

/// The EVPPI bars and EVPI line as an SVG document (see the module docs).
pub fn draw_evppi(e: &Evppi<'_>) -> Result<String, FigureError> {
    let l = layout(e);
    l.frame.render("evppi", |root| draw(root, e, &l))
}

fn draw(root: &Area<'_>, e: &Evppi<'_>, l: &Layout<'_>) -> DrawResult {
    let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
    if l.bars.is_empty() {
        return draw_message(root, &plot, "No EVPPI estimates to show");
    }
    let n = l.bars.len();
    let y = y_range(n);
    let mut chart = chart(root, &plot, l.x.0..l.x.1, y.0..y.1)?;
    let x_format = tick_format(Unit::Money, l.x, X_TICKS);
    let x_ticks = |v: &f64| x_format.format(*v);
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: format!("Expected value of information (£{})", per(e)),
            y_desc: String::new(),
            x_ticks: &x_ticks,
            y_ticks: None,
            x_count: X_TICKS,
            y_count: 0,
        },
    )?;
    let names: Vec<RowName> = l.bars.iter().map(|b| RowName::plain(b.factor)).collect();
    draw_names(root, &chart, &plot, &names)?;
    let area = chart.plotting_area();
    for (i, b) in l.bars.iter().enumerate() {
        let yc = y_of(i, n);
        let v = clamp(b.evppi, l.x);
        let corners = [(0.0, yc + HALF_HEIGHT), (v, yc - HALF_HEIGHT)];
        area.draw(&Rectangle::new(corners, BLUE.filled()))?;
        draw_whisker(&chart, (b.low, b.high), yc, HALF_HEIGHT * 0.5, BLACK)?;
        let end = if b.high.is_finite() {
            b.evppi.max(b.high)
        } else {
            b.evppi
        };
        draw_value(root, &chart, (clamp(end.max(0.0), l.x), yc), true, &money(b.evppi))?;
    }
    area.draw(&PathElement::new(vec![(0.0, y.0), (0.0, y.1)], BLACK.stroke_width(1)))?;
    if let Some(v) = l.evpi {
        draw_vertical(&chart, v, VERMILLION, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;

    fn bar(factor: &str, evppi: f64) -> EvppiBar<'_> {
        EvppiBar {
            factor,
            evppi,
            low: evppi * 0.8,
            high: evppi * 1.2,
        }
    }

    fn figure<'a>(bars: &'a [EvppiBar<'a>]) -> Evppi<'a> {
        Evppi {
            per: "per cohort",
            bars,
            evpi: Some(95e6),
        }
    }

    #[test]
    fn bars_sorted_with_the_evpi_line() {
        let bars = [bar("fade", 12e6), bar("effect_sizes", 60e6), bar("costs", 3e6)];
        let e = figure(&bars);
        let l = layout(&e);
        let order: Vec<&str> = l.bars.iter().map(|b| b.factor).collect();
        assert_eq!(order, ["effect_sizes", "fade", "costs"]);
        let svg = draw_evppi(&e).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Expected value of partial perfect information");
        assert!(desc.contains("effect_sizes £60m (£48m to £72m)"), "{desc}");
        assert!(
            desc.contains("EVPI, the value of resolving every uncertainty: £95m per cohort"),
            "{desc}"
        );
        let doc = parse(&svg);
        assert_eq!(filled_rects(&doc, BLUE).len(), 3 + 1);
        let plot = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
        let evpi = vertical_lines(&doc, VERMILLION);
        assert!(
            !evpi.is_empty() && evpi.iter().all(|&x| x == plot.x_pixel(95e6, l.x)),
            "{evpi:?}"
        );
        assert!(has_text(&doc, "EVPI £95m per cohort"));
        assert!(has_text(&doc, "Expected value of information (£ per cohort)"));
    }

    #[test]
    fn the_axis_holds_every_bar_interval_and_the_evpi() {
        let bars = [bar("a", 120e6), bar("b", 1e6)];
        let l = layout(&figure(&bars));
        for b in &bars {
            assert!(l.x.0 <= b.low && b.high <= l.x.1);
        }
        assert!(95e6 <= l.x.1 && l.x.0 <= 0.0);
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        check_accessible(&draw_evppi(&figure(&[])).unwrap());
        let long = "group_".repeat(20);
        let bars = [
            EvppiBar {
                factor: &long,
                evppi: -5.0,
                low: f64::NAN,
                high: f64::NAN,
            },
            bar("nan", f64::NAN),
        ];
        let svg = draw_evppi(&Evppi {
            per: "",
            bars: &bars,
            evpi: Some(f64::NAN),
        })
        .unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("1 factors without a finite EVPPI"), "{desc}");
        assert!(desc.contains("EVPI is not a finite number"), "{desc}");
        assert!(desc.contains("Negative estimates"), "{desc}");
        let zero = [bar("z", 0.0)];
        check_accessible(&draw_evppi(&figure(&zero)).unwrap());
        assert_eq!(draw_evppi(&figure(&zero)).unwrap(), draw_evppi(&figure(&zero)).unwrap());
    }
}
