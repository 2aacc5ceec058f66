//! Convergence of a run (convergence.csv), on a log scale of iterations:
//! the running mean with its 95% Monte Carlo interval narrowing as draws
//! accumulate, and the running 2.5th, 50th and 97.5th percentiles settling.
//! Two figures, so that the mean's interval is not squashed by the spread
//! of the percentiles.

use plotters::coord::combinators::{BindKeyPoints, IntoLogRange};
use plotters::element::{DashedPathElement, PathElement, Polygon};
use plotters::style::{Color, RGBColor};

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, Marker, RIGHT_MARGIN, Swatch, chart, draw_axes, draw_marker, draw_message,
    tick_format,
};
use super::palette::{BLACK, BLUE, ORANGE, SKY_BLUE};
use super::span::Span;
use crate::engine::Checkpoint;
use crate::report::format::{Unit, grouped, percent};

/// The input of [`draw_convergence_mean`] and [`draw_convergence_percentiles`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Convergence<'a> {
    /// The metric as a reader names it, e.g. "Value per child".
    pub metric: &'a str,
    /// How its values are written.
    pub unit: Unit,
    /// The checkpoints of one metric (`RunResult::convergence`), any order;
    /// checkpoints of any other metric than the first one's are left out.
    pub checkpoints: &'a [Checkpoint],
}

/// Which figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    Mean,
    Percentiles,
}

#[derive(Debug, Clone, PartialEq)]
struct Layout {
    frame: Frame,
    points: Vec<Checkpoint>,
    /// Iterations, log scale.
    x: (f64, f64),
    y: (f64, f64),
}

const X_TICKS: usize = 12;
const Y_TICKS: usize = 6;

/// The values a panel draws from one checkpoint.
fn values(panel: Panel, c: &Checkpoint) -> Vec<f64> {
    match panel {
        Panel::Mean => vec![c.mean, c.mean_ci_low, c.mean_ci_high],
        Panel::Percentiles => vec![c.p2_5, c.p50, c.p97_5],
    }
}

/// Ticks of a log axis of iterations over `range`: labelled ones at 1, 2
/// and 5 times a power of ten (powers of ten alone over more than three
/// decades, so that labels do not crowd), and unlabelled grid lines at the
/// other multiples. (plotters' own log ticks repeat each power of ten.)
fn log_ticks((lo, hi): (f64, f64)) -> (Vec<f64>, Vec<f64>) {
    let (mut bold, mut light) = (Vec::new(), Vec::new());
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return (bold, light);
    }
    let labelled: &[u32] = if hi / lo > 1e3 { &[1] } else { &[1, 2, 5] };
    let mut power = 10f64.powf(lo.log10().floor());
    while power <= hi {
        for m in 1..10u32 {
            let v = power * f64::from(m);
            if v < lo || v > hi {
                continue;
            }
            if labelled.contains(&m) {
                bold.push(v);
            } else {
                light.push(v);
            }
        }
        power *= 10.0;
    }
    (bold, light)
}

fn layout(c: &Convergence<'_>, panel: Panel) -> Layout {
    let title = match panel {
        Panel::Mean => format!("Convergence of the mean of {}", c.metric),
        Panel::Percentiles => format!("Convergence of the percentiles of {}", c.metric),
    };
    let mut frame = Frame::new(title);
    let metric = c.checkpoints.first().map_or(0, |p| p.metric);
    let same: Vec<&Checkpoint> = c.checkpoints.iter().filter(|p| p.metric == metric).collect();
    if same.len() < c.checkpoints.len() {
        frame.note(format!(
            "{} checkpoints of other metrics are left out.",
            c.checkpoints.len() - same.len()
        ));
    }
    let total = same.len();
    let mut points: Vec<Checkpoint> = same
        .into_iter()
        .filter(|p| p.n > 0 && values(panel, p).iter().any(|v| v.is_finite()))
        .cloned()
        .collect();
    if points.len() < total {
        frame.note(format!(
            "{} checkpoints without iterations or finite values are left out.",
            total - points.len()
        ));
    }
    points.sort_by_key(|p| p.n);
    let (n0, n1) = match (points.first(), points.last()) {
        (Some(a), Some(b)) => (a.n as f64, b.n as f64),
        _ => (1.0, 10.0),
    };
    // A little room each side in log terms (and a decade's width for a single point).
    let x = if n1 > n0 {
        (n0 / 1.15, n1 * 1.15)
    } else {
        (n0 / 3.0, n0 * 3.0)
    };
    let y = Span::of(points.iter().flat_map(|p| values(panel, p))).padded(0.08);
    let Some(last) = points.last().cloned() else {
        frame.desc = format!("No checkpoints of {} to show.", c.metric);
        return Layout { frame, points, x, y };
    };
    let range = format!(
        "{} checkpoints from {} to {} iterations (log scale)",
        points.len(),
        grouped(n0, 0),
        grouped(n1, 0)
    );
    match panel {
        Panel::Mean => {
            let half = (last.mean_ci_high - last.mean_ci_low) / 2.0;
            let relative = if last.mean != 0.0 {
                half / last.mean.abs()
            } else {
                f64::NAN
            };
            let v = c
                .unit
                .format_distinct(&[last.mean, last.mean_ci_low, last.mean_ci_high]);
            frame.desc = format!(
                "Running mean of {} and its 95% Monte Carlo interval against the number of iterations, {range}. \
                 Final mean {}, 95% interval {} to {} (±{}).",
                c.metric,
                v[0],
                v[1],
                v[2],
                percent(relative)
            );
            frame.key(Swatch::Marked(BLUE, Marker::Circle, false), "Running mean");
            frame.key(Swatch::Band(SKY_BLUE), "95% interval of the mean");
            frame.key(
                Swatch::Dashed(BLACK),
                format!("Final mean {} (±{})", v[0], percent(relative)),
            );
        }
        Panel::Percentiles => {
            let v = c.unit.format_distinct(&[last.p2_5, last.p50, last.p97_5]);
            frame.desc = format!(
                "Running 2.5th, 50th and 97.5th percentiles of {} against the number of iterations, {range}. \
                 Final values {}, {} and {}.",
                c.metric, v[0], v[1], v[2]
            );
            frame.key(Swatch::Marked(ORANGE, Marker::Triangle, true), "97.5th percentile");
            frame.key(Swatch::Marked(BLUE, Marker::Circle, false), "Median");
            frame.key(Swatch::Marked(ORANGE, Marker::Square, true), "2.5th percentile");
        }
    }
    Layout { frame, points, x, y }
}

/// The running mean and its 95% interval against iterations, as an SVG document.
pub fn draw_convergence_mean(c: &Convergence<'_>) -> Result<String, FigureError> {
    let l = layout(c, Panel::Mean);
    l.frame
        .render("convergence of the mean", |root| draw(root, c, &l, Panel::Mean))
}

/// The running 2.5th, 50th and 97.5th percentiles against iterations, as an SVG document.
pub fn draw_convergence_percentiles(c: &Convergence<'_>) -> Result<String, FigureError> {
    let l = layout(c, Panel::Percentiles);
    l.frame.render("convergence of the percentiles", |root| {
        draw(root, c, &l, Panel::Percentiles)
    })
}

/// One series: a line through its finite points, dashed or solid, with a marker at each.
struct Series {
    points: Vec<(f64, f64)>,
    colour: RGBColor,
    marker: Marker,
    dashed: bool,
}

fn draw(root: &Area<'_>, c: &Convergence<'_>, l: &Layout, panel: Panel) -> DrawResult {
    let plot = l.frame.plot_box(Left::Ticks, RIGHT_MARGIN);
    if l.points.is_empty() {
        return draw_message(root, &plot, "No checkpoints to show");
    }
    let (bold, light) = log_ticks(l.x);
    let x = (l.x.0..l.x.1)
        .log_scale()
        .with_key_points(bold)
        .with_light_points(light);
    let mut chart = chart(root, &plot, x, l.y.0..l.y.1)?;
    let y_format = tick_format(c.unit, l.y, Y_TICKS);
    let y_ticks = |v: &f64| y_format.format(*v);
    let x_ticks = |v: &f64| grouped(*v, 0);
    let y_desc = match panel {
        Panel::Mean => format!("Running mean{}", c.unit.axis_suffix()),
        Panel::Percentiles => format!("{}{}", c.metric, c.unit.axis_suffix()),
    };
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: "Iterations (log scale)".to_string(),
            y_desc,
            x_ticks: &x_ticks,
            y_ticks: Some(&y_ticks),
            x_count: X_TICKS,
            y_count: Y_TICKS,
        },
    )?;
    let area = chart.plotting_area();
    let at = |f: fn(&Checkpoint) -> f64| -> Vec<(f64, f64)> {
        l.points
            .iter()
            .filter(|p| f(p).is_finite())
            .map(|p| (p.n as f64, f(p)))
            .collect()
    };
    let series = match panel {
        Panel::Mean => {
            let banded: Vec<&Checkpoint> = l
                .points
                .iter()
                .filter(|p| p.mean_ci_low.is_finite() && p.mean_ci_high.is_finite())
                .collect();
            if banded.len() >= 2 {
                let mut outline: Vec<(f64, f64)> = banded.iter().map(|p| (p.n as f64, p.mean_ci_low)).collect();
                outline.extend(banded.iter().rev().map(|p| (p.n as f64, p.mean_ci_high)));
                area.draw(&Polygon::new(outline, SKY_BLUE.mix(0.35).filled()))?;
            }
            if let Some(last) = l.points.iter().rev().find(|p| p.mean.is_finite()) {
                let line = vec![(l.x.0, last.mean), (l.x.1, last.mean)];
                area.draw(&DashedPathElement::new(line, 4, 4, BLACK.stroke_width(1)))?;
            }
            vec![Series {
                points: at(|p| p.mean),
                colour: BLUE,
                marker: Marker::Circle,
                dashed: false,
            }]
        }
        Panel::Percentiles => vec![
            Series {
                points: at(|p| p.p97_5),
                colour: ORANGE,
                marker: Marker::Triangle,
                dashed: true,
            },
            Series {
                points: at(|p| p.p50),
                colour: BLUE,
                marker: Marker::Circle,
                dashed: false,
            },
            Series {
                points: at(|p| p.p2_5),
                colour: ORANGE,
                marker: Marker::Square,
                dashed: true,
            },
        ],
    };
    for s in series {
        let style = s.colour.stroke_width(2);
        if s.dashed {
            area.draw(&DashedPathElement::new(s.points.clone(), 6, 4, style))?;
        } else {
            area.draw(&PathElement::new(s.points.clone(), style))?;
        }
        for p in s.points {
            draw_marker(&chart, s.marker, p, s.colour)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::frame::PlotBox;
    use crate::report::figures::testing::*;

    fn checkpoint(n: u64, metric: usize) -> Checkpoint {
        let half = 40_000.0 / (n as f64).sqrt();
        let mean = 40_000.0 + 2_000.0 / (n as f64).sqrt();
        Checkpoint {
            n,
            metric,
            mean,
            mean_ci_low: mean - half,
            mean_ci_high: mean + half,
            p2_5: 18_000.0 - 1_000.0 / (n as f64).ln(),
            p50: 38_000.0,
            p97_5: 70_000.0 + 1_000.0 / (n as f64).ln(),
        }
    }

    fn points() -> Vec<Checkpoint> {
        [
            1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
        ]
        .iter()
        .map(|&n| checkpoint(n, 0))
        .collect()
    }

    fn figure(points: &[Checkpoint]) -> Convergence<'_> {
        Convergence {
            metric: "Value per child",
            unit: Unit::Money,
            checkpoints: points,
        }
    }

    fn circles_x(svg: &str, colour: RGBColor) -> Vec<i32> {
        let doc = parse(svg);
        elements(&doc, "circle")
            .into_iter()
            .filter(|c| c.attribute("fill") == Some(hex(colour).as_str()))
            .filter_map(|c| c.attribute("cx")?.parse().ok())
            .collect()
    }

    #[test]
    fn the_mean_is_drawn_at_each_checkpoint_on_a_log_axis() {
        let p = points();
        let c = figure(&p);
        let svg = draw_convergence_mean(&c).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Convergence of the mean of Value per child");
        assert!(
            desc.contains("10 checkpoints from 1,000 to 1,000,000 iterations"),
            "{desc}"
        );
        assert!(
            desc.contains("Final mean £40,000, 95% interval £39,960 to £40,040 (±0.1%)"),
            "{desc}"
        );
        let l = layout(&c, Panel::Mean);
        let plot: PlotBox = l.frame.plot_box(Left::Ticks, RIGHT_MARGIN);
        let xs = circles_x(&svg, BLUE);
        // One marker per checkpoint and the legend's.
        assert_eq!(xs.len(), p.len() + 1);
        for cp in &p {
            let x = plot.x_pixel_log(cp.n as f64, l.x);
            assert!(xs.contains(&x), "n = {}: {x} not in {xs:?}", cp.n);
        }
        let doc = parse(&svg);
        assert!(has_text(&doc, "100,000") && has_text(&doc, "Iterations (log scale)"));
        // Each labelled tick once.
        assert_eq!(texts(&doc).iter().filter(|t| *t == "10,000").count(), 1);
        assert_eq!(elements(&doc, "polygon").len(), 1, "the interval band");
    }

    #[test]
    fn three_percentile_series_told_apart_by_marker() {
        let p = points();
        let svg = draw_convergence_percentiles(&figure(&p)).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Convergence of the percentiles of Value per child");
        assert!(desc.contains("Final values £17,900, £38,000 and £70,100"), "{desc}");
        let doc = parse(&svg);
        assert_eq!(circles_x(&svg, BLUE).len(), p.len() + 1);
        assert_eq!(filled_rects(&doc, ORANGE).len(), p.len() + 1, "squares");
        let triangles = elements(&doc, "polygon")
            .into_iter()
            .filter(|t| t.attribute("fill") == Some(hex(ORANGE).as_str()))
            .count();
        assert_eq!(triangles, p.len() + 1);
    }

    #[test]
    fn the_axes_hold_every_checkpoint() {
        let p = points();
        for panel in [Panel::Mean, Panel::Percentiles] {
            let l = layout(&figure(&p), panel);
            for cp in &p {
                assert!(l.x.0 < cp.n as f64 && (cp.n as f64) < l.x.1);
                for v in values(panel, cp) {
                    assert!(l.y.0 < v && v < l.y.1, "{v} {:?}", l.y);
                }
            }
        }
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        for f in [draw_convergence_mean, draw_convergence_percentiles] {
            check_accessible(&f(&figure(&[])).unwrap());
            check_accessible(&f(&figure(&[checkpoint(1_000, 0)])).unwrap());
            let mut odd = points();
            odd[0].n = 0;
            odd[1].metric = 3;
            odd[2].mean = f64::NAN;
            odd[2].p50 = f64::NAN;
            odd[3] = Checkpoint {
                mean: f64::NAN,
                mean_ci_low: f64::NAN,
                mean_ci_high: f64::NAN,
                p2_5: f64::NAN,
                p50: f64::NAN,
                p97_5: f64::NAN,
                ..odd[3]
            };
            let (_, desc) = check_accessible(&f(&figure(&odd)).unwrap());
            assert!(desc.contains("1 checkpoints of other metrics"), "{desc}");
            assert!(
                desc.contains("2 checkpoints without iterations or finite values"),
                "{desc}"
            );
            let flat: Vec<Checkpoint> = (1..4)
                .map(|i| Checkpoint {
                    mean: -5.0,
                    mean_ci_low: -5.0,
                    mean_ci_high: -5.0,
                    p2_5: -5.0,
                    p50: -5.0,
                    p97_5: -5.0,
                    ..checkpoint(1_000 * i, 0)
                })
                .collect();
            check_accessible(&f(&figure(&flat)).unwrap());
            assert_eq!(f(&figure(&odd)).unwrap(), f(&figure(&odd)).unwrap());
        }
        let (bold, light) = log_ticks((900.0, 21_000.0));
        assert_eq!(bold, [1_000.0, 2_000.0, 5_000.0, 10_000.0, 20_000.0]);
        assert_eq!(light.len(), 6 + 1);
        let (bold, _) = log_ticks((900.0, 2.1e6));
        assert_eq!(bold, [1e3, 1e4, 1e5, 1e6]);
        assert_eq!(log_ticks((0.0, 1.0)), (vec![], vec![]));
    }
}
