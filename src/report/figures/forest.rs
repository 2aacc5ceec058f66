//! Paired differences between scenarios (compare_diff.csv) as a forest
//! plot: one row per scenario, its mean difference from the baseline as a
//! square, the 95% Monte Carlo interval of that mean as a thick bar, and
//! the 2.5th–97.5th percentiles of the difference as whiskers. The value
//! and its range are written in a column on the right, and a line marks no
//! difference.
//!
//! The scenarios share random numbers (`compare`), so the interval of the
//! mean is narrow: it says how precisely the difference is known, while the
//! whiskers say how much it varies with the uncertain inputs.

use plotters::element::{Rectangle, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, Marker, SMALL_PX, Swatch, chart, draw_axes, draw_marker, draw_message,
    draw_vertical, text_style, tick_format,
};
use super::palette::{BLACK, BLUE, SKY_BLUE};
use super::rows::{MAX_ROWS, RowName, draw_names, draw_whisker, y_of, y_range};
use super::span::{Span, clamp};
use super::text::text_width;
use crate::compare::Comparison;
use crate::report::format::Unit;
use crate::stats::summarise;

/// One scenario's paired difference from the baseline (a row of compare_diff.csv).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference<'a> {
    /// The scenario.
    pub scenario: &'a str,
    /// Mean of metric(scenario) − metric(baseline) over iterations.
    pub mean: f64,
    /// Lower end of the mean's 95% Monte Carlo interval.
    pub mean_ci_low: f64,
    /// Upper end.
    pub mean_ci_high: f64,
    /// 2.5th percentile of the difference.
    pub p2_5: f64,
    /// 97.5th percentile.
    pub p97_5: f64,
}

/// The differences of every later scenario from the first, for `metric`
/// (scenarios without it are left out).
pub fn differences<'a>(comparison: &'a Comparison, metric: &str) -> Vec<Difference<'a>> {
    let Some(k) = comparison.metrics.iter().position(|m| m == metric) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (s, scenario) in comparison.scenarios.iter().enumerate() {
        let Some(stats) = comparison
            .differences
            .get(s)
            .and_then(|d| d.get(k))
            .and_then(Option::as_ref)
        else {
            continue;
        };
        let r = summarise(stats, None);
        out.push(Difference {
            scenario,
            mean: r.mean,
            mean_ci_low: r.mean_ci_low,
            mean_ci_high: r.mean_ci_high,
            p2_5: r.percentiles[0],
            p97_5: r.percentiles[6],
        });
    }
    out
}

/// The input of [`draw_forest`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forest<'a> {
    /// The metric as a reader names it, e.g. "Value per child".
    pub metric: &'a str,
    /// How its values are written.
    pub unit: Unit,
    /// The scenario the differences are taken from.
    pub baseline: &'a str,
    /// One row per scenario, in the order to show.
    pub differences: &'a [Difference<'a>],
}

#[derive(Debug, Clone, PartialEq)]
struct Layout<'a> {
    frame: Frame,
    rows: Vec<Difference<'a>>,
    x: (f64, f64),
    /// Pixels right of the plot, for the values column.
    right: i32,
}

/// Room right of the plot for the values column: at least this, at most 300 px.
const VALUES_MARGIN: i32 = 160;
const HALF_HEIGHT: f64 = 0.12;
const X_TICKS: usize = 6;

/// "£2,300 (−£5,100 to £9,400)".
fn summary(unit: Unit, d: &Difference<'_>) -> String {
    let v = unit.format_distinct(&[d.mean, d.p2_5, d.p97_5]);
    format!("{} ({} to {})", v[0], v[1], v[2])
}

fn layout<'a>(f: &Forest<'a>) -> Layout<'a> {
    let mut frame = Frame::new(format!("{}: difference from {}", f.metric, f.baseline));
    let valid: Vec<Difference<'a>> = f.differences.iter().filter(|d| d.mean.is_finite()).copied().collect();
    if valid.len() < f.differences.len() {
        frame.note(format!(
            "{} scenarios without a finite mean difference are left out.",
            f.differences.len() - valid.len()
        ));
    }
    let mut valid = valid;
    if valid.len() > MAX_ROWS {
        frame.note(format!("{} more scenarios are not shown.", valid.len() - MAX_ROWS));
        valid.truncate(MAX_ROWS);
    }
    let mut span = Span::of([0.0]);
    for d in &valid {
        for v in [d.mean, d.mean_ci_low, d.mean_ci_high, d.p2_5, d.p97_5] {
            span.include(v);
        }
    }
    let x = span.padded(0.05);
    if valid.is_empty() {
        frame.desc = format!("No differences in {} from {} to show.", f.metric, f.baseline);
    } else {
        let list: Vec<String> = valid
            .iter()
            .map(|d| format!("{} {}", d.scenario, summary(f.unit, d)))
            .collect();
        frame.desc = format!(
            "Forest plot of the paired difference in {} of each scenario from {}: mean (2.5th to 97.5th \
             percentile). {}.",
            f.metric,
            f.baseline,
            list.join("; ")
        );
        frame.key(Swatch::Marked(BLACK, Marker::Square, false), "Mean difference");
        frame.key(Swatch::Bar(SKY_BLUE), "Its 95% Monte Carlo interval");
        frame.key(Swatch::Whisker(BLACK), "2.5th to 97.5th percentile");
        frame.key(Swatch::Line(BLACK), "No difference");
    }
    let widest = valid
        .iter()
        .map(|d| text_width(&summary(f.unit, d), SMALL_PX))
        .max()
        .unwrap_or(0);
    let right = (widest + 20).clamp(VALUES_MARGIN, 300);
    Layout {
        frame,
        rows: valid,
        x,
        right,
    }
}

/// The forest plot of paired differences as an SVG document (see the module docs).
pub fn draw_forest(f: &Forest<'_>) -> Result<String, FigureError> {
    let l = layout(f);
    l.frame.render("forest", |root| draw(root, f, &l))
}

fn draw(root: &Area<'_>, f: &Forest<'_>, l: &Layout<'_>) -> DrawResult {
    let plot = l.frame.plot_box(Left::Names, l.right);
    if l.rows.is_empty() {
        return draw_message(root, &plot, "No differences to show");
    }
    let n = l.rows.len();
    let y = y_range(n);
    let mut chart = chart(root, &plot, l.x.0..l.x.1, y.0..y.1)?;
    let x_format = tick_format(f.unit, l.x, X_TICKS);
    let x_ticks = |v: &f64| x_format.format(*v);
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: format!("Difference in {} from {}{}", f.metric, f.baseline, f.unit.axis_suffix()),
            y_desc: String::new(),
            x_ticks: &x_ticks,
            y_ticks: None,
            x_count: X_TICKS,
            y_count: 0,
        },
    )?;
    let names: Vec<RowName> = l.rows.iter().map(|d| RowName::plain(d.scenario)).collect();
    draw_names(root, &chart, &plot, &names)?;
    draw_vertical(&chart, 0.0, BLACK, false)?;
    let area = chart.plotting_area();
    for (i, d) in l.rows.iter().enumerate() {
        let yc = y_of(i, n);
        draw_whisker(&chart, (d.p2_5, d.p97_5), yc, 0.2, BLACK)?;
        if d.mean_ci_low.is_finite() && d.mean_ci_high.is_finite() {
            let (a, b) = (clamp(d.mean_ci_low, l.x), clamp(d.mean_ci_high, l.x));
            let corners = [(a, yc + HALF_HEIGHT), (b, yc - HALF_HEIGHT)];
            area.draw(&Rectangle::new(corners, SKY_BLUE.filled()))?;
            area.draw(&Rectangle::new(corners, BLUE.stroke_width(1)))?;
        }
        draw_marker(&chart, Marker::Square, (d.mean, yc), BLACK)?;
        let (_, py) = chart.backend_coord(&(d.mean, yc));
        let style = text_style(SMALL_PX, BLACK, HPos::Left, VPos::Center);
        root.draw(&Text::new(summary(f.unit, d), (plot.right + 10, py), style))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;

    fn diff(scenario: &str, mean: f64) -> Difference<'_> {
        Difference {
            scenario,
            mean,
            mean_ci_low: mean - 150.0,
            mean_ci_high: mean + 150.0,
            p2_5: mean - 6_000.0,
            p97_5: mean + 7_000.0,
        }
    }

    fn figure<'a>(d: &'a [Difference<'a>]) -> Forest<'a> {
        Forest {
            metric: "Value per child",
            unit: Unit::Money,
            baseline: "headline",
            differences: d,
        }
    }

    #[test]
    fn one_row_per_scenario_with_its_values_written() {
        let d = [diff("no_fade", 8_000.0), diff("evidence", -12_500.0)];
        let svg = draw_forest(&figure(&d)).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Value per child: difference from headline");
        assert!(desc.contains("evidence −£12,500 (−£18,500 to −£5,500)"), "{desc}");
        let doc = parse(&svg);
        assert_eq!(filled_rects(&doc, SKY_BLUE).len(), 2 + 1);
        assert!(has_text(&doc, "£8,000 (£2,000 to £15,000)"));
        // The no-difference line is at zero.
        let l = layout(&figure(&d));
        let plot = l.frame.plot_box(Left::Names, l.right);
        assert!(vertical_lines(&doc, BLACK).contains(&plot.x_pixel(0.0, l.x)));
    }

    #[test]
    fn the_axis_holds_every_interval_and_zero() {
        let d = [diff("a", 8_000.0), diff("b", -12_500.0)];
        let l = layout(&figure(&d));
        for r in &d {
            assert!(l.x.0 < r.p2_5 && r.p97_5 < l.x.1);
        }
        assert!(l.x.0 < 0.0 && 0.0 < l.x.1);
    }

    #[test]
    fn differences_come_from_a_comparison() {
        use crate::stats::{Moments, OutputStats, Sketch};
        let stats = |values: &[f64]| {
            let mut sketch = Sketch::default();
            sketch.add_all(values);
            OutputStats {
                moments: Moments::of(values, None),
                sketch,
            }
        };
        let c = Comparison {
            scenarios: vec!["base".into(), "variant".into()],
            metrics: vec!["value_per_child".into()],
            claims: vec![vec![None], vec![None]],
            levels: vec![vec![None], vec![None]],
            differences: vec![vec![None], vec![Some(stats(&[1.0, 2.0, 3.0]))]],
            iterations: 3,
            seed: 1,
            threads: 1,
        };
        let d = differences(&c, "value_per_child");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].scenario, "variant");
        assert!((d[0].mean - 2.0).abs() < 1e-12);
        assert!(differences(&c, "nothing").is_empty());
        check_accessible(&draw_forest(&figure(&d)).unwrap());
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        check_accessible(&draw_forest(&figure(&[])).unwrap());
        let long = "scenario_".repeat(20);
        let mut d = vec![diff(&long, 0.0), diff("nan", f64::NAN)];
        d[0].p2_5 = f64::NAN;
        d[0].mean_ci_low = f64::INFINITY;
        let svg = draw_forest(&figure(&d)).unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("1 scenarios without a finite mean"), "{desc}");
        assert!(texts(&parse(&svg)).iter().any(|t| t.ends_with('…')));
        assert_eq!(draw_forest(&figure(&d)).unwrap(), draw_forest(&figure(&d)).unwrap());
    }
}
