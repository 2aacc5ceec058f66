//! Where the value per child comes from: two stacked bars of the mean value
//! per child, one split by domain and one by payer (breakdown.csv), each
//! segment labelled with its name and share of the total. Positive parts
//! stack rightwards from zero and negative parts (a domain that adds cost)
//! leftwards, so the bar's net length is the total. A segment too narrow
//! for its label is listed in a note instead, so every share is written.

use plotters::element::{Rectangle, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::FigureError;
use super::frame::{
    Area, Axes, DrawResult, Frame, Left, PlotBox, RIGHT_MARGIN, SMALL_PX, chart, draw_axes, draw_message, text_style,
    tick_format,
};
use super::palette::{BLACK, SEQUENCE, WHITE, text_on};
use super::rows::{RowName, draw_names, y_of, y_range};
use super::span::Span;
use super::text::{text_width, wrap};
use crate::report::format::{Unit, money, percent};

/// One domain's mean contribution to the value per child (a row of breakdown.csv).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DomainValue<'a> {
    /// The domain.
    pub domain: &'a str,
    /// Who bears the avoided cost (`model::DomainInfo::payer`).
    pub payer: &'a str,
    /// Its mean value per child, £.
    pub mean: f64,
}

/// The input of [`draw_breakdown`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakdown<'a> {
    /// The domains, in the scenario's order.
    pub domains: &'a [DomainValue<'a>],
}

#[derive(Debug, Clone, PartialEq)]
struct Segment {
    name: String,
    value: f64,
    start: f64,
    end: f64,
    /// value / total, when the total is positive.
    share: Option<f64>,
    /// Label inside the segment: the name's lines (wrapped to fit; none
    /// when even a few characters do not fit) and the share.
    label: Option<(Vec<String>, String)>,
}

#[derive(Debug, Clone, PartialEq)]
struct Layout {
    frame: Frame,
    /// Row 0: by domain; row 1: by payer.
    bars: [Vec<Segment>; 2],
    x: (f64, f64),
}

const ROWS: [&str; 2] = ["By domain", "By payer"];
const HALF_HEIGHT: f64 = 0.3;
/// Lines a segment's name may take.
const NAME_LINES: usize = 2;
const X_TICKS: usize = 7;

/// Stack `parts` (name, value) from zero: positives rightwards, negatives leftwards.
fn stack(parts: &[(String, f64)], total: f64) -> Vec<Segment> {
    let (mut right, mut left) = (0.0, 0.0);
    parts
        .iter()
        .map(|(name, value)| {
            let (start, end) = if *value >= 0.0 {
                right += value;
                (right - value, right)
            } else {
                left += value;
                (left, left - value)
            };
            Segment {
                name: name.clone(),
                value: *value,
                start,
                end,
                share: (total > 0.0).then(|| value / total),
                label: None,
            }
        })
        .collect()
}

/// What a segment says: its share of the total, or its value when shares mean nothing.
fn amount(s: &Segment) -> String {
    s.share.map_or_else(|| money(s.value), percent)
}

fn layout(b: &Breakdown<'_>) -> Layout {
    let mut frame = Frame::new("Where the value per child comes from");
    let valid: Vec<&DomainValue> = b.domains.iter().filter(|d| d.mean.is_finite()).collect();
    let skipped = b.domains.len() - valid.len();
    if skipped > 0 {
        frame.note(format!("{skipped} domains without a finite mean are left out."));
    }
    let total: f64 = valid.iter().map(|d| d.mean).sum();
    let by_domain: Vec<(String, f64)> = valid.iter().map(|d| (d.domain.to_string(), d.mean)).collect();
    let mut by_payer: Vec<(String, f64)> = Vec::new();
    for d in &valid {
        match by_payer.iter_mut().find(|(p, _)| p == d.payer) {
            Some((_, v)) => *v += d.mean,
            None => by_payer.push((d.payer.to_string(), d.mean)),
        }
    }
    let mut bars = [stack(&by_domain, total), stack(&by_payer, total)];
    let mut span = Span::of([0.0]);
    for s in bars.iter().flatten() {
        span.include(s.start);
        span.include(s.end);
    }
    let x = span.padded_from_zero(0.03);

    // Labels: inside when they fit (width is independent of the notes).
    let plot = frame.plot_box(Left::Names, RIGHT_MARGIN);
    let px_per_unit = f64::from(plot.right - 1 - plot.left) / (x.1 - x.0);
    let mut unlabelled: Vec<String> = Vec::new();
    for (row, bar) in bars.iter_mut().enumerate() {
        let mut missing = Vec::new();
        for s in bar.iter_mut() {
            let width = ((s.end - s.start) * px_per_unit).floor() as i32 - 6;
            let share = amount(s);
            if width < text_width(&share, SMALL_PX) {
                missing.push(format!("{} {}", s.name, share));
                continue;
            }
            let mut name = wrap(&s.name, SMALL_PX, width, NAME_LINES);
            if name
                .first()
                .is_some_and(|first| first.chars().count() < 4 && first != &s.name)
            {
                name.clear();
            }
            s.label = Some((name, share));
        }
        if !missing.is_empty() {
            unlabelled.push(format!("{}: {}", ROWS[row].to_lowercase(), missing.join(", ")));
        }
    }
    if !unlabelled.is_empty() {
        frame.note(format!("Too narrow to label: {}.", unlabelled.join("; ")));
    }
    if valid.is_empty() {
        frame.desc = "No domains to show.".to_string();
    } else {
        let list = |bar: &[Segment]| {
            bar.iter()
                .map(|s| match s.share {
                    Some(p) => format!("{} {} ({})", s.name, money(s.value), percent(p)),
                    None => format!("{} {}", s.name, money(s.value)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        frame.desc = format!(
            "Stacked bars of the mean value per child, {} in total. By domain: {}. By payer: {}.",
            money(total),
            list(&bars[0]),
            list(&bars[1])
        );
    }
    if total <= 0.0 && !valid.is_empty() {
        frame.note("The total is not positive, so segments show values rather than shares.");
    }
    Layout { frame, bars, x }
}

/// The breakdown by domain and by payer as an SVG document (see the module docs).
pub fn draw_breakdown(b: &Breakdown<'_>) -> Result<String, FigureError> {
    let l = layout(b);
    l.frame.render("breakdown", |root| draw(root, &l))
}

fn draw(root: &Area<'_>, l: &Layout) -> DrawResult {
    let plot: PlotBox = l.frame.plot_box(Left::Names, RIGHT_MARGIN);
    if l.bars[0].is_empty() {
        return draw_message(root, &plot, "No domains to show");
    }
    let y = y_range(2);
    let mut chart = chart(root, &plot, l.x.0..l.x.1, y.0..y.1)?;
    let x_format = tick_format(Unit::Money, l.x, X_TICKS);
    let x_ticks = |v: &f64| x_format.format(*v);
    draw_axes(
        &mut chart,
        &Axes {
            x_desc: "Mean value per child (£)".to_string(),
            y_desc: String::new(),
            x_ticks: &x_ticks,
            y_ticks: None,
            x_count: X_TICKS,
            y_count: 0,
        },
    )?;
    draw_names(root, &chart, &plot, &ROWS.map(RowName::plain))?;
    let area = chart.plotting_area();
    for (row, bar) in l.bars.iter().enumerate() {
        let yc = y_of(row, 2);
        for (i, s) in bar.iter().enumerate() {
            let fill = SEQUENCE[i % SEQUENCE.len()];
            let corners = [(s.start, yc + HALF_HEIGHT), (s.end, yc - HALF_HEIGHT)];
            area.draw(&Rectangle::new(corners, fill.filled()))?;
            area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))?;
            if let Some((name, share)) = &s.label {
                let (px, py) = chart.backend_coord(&((s.start + s.end) / 2.0, yc));
                let style = text_style(SMALL_PX, text_on(fill), HPos::Center, VPos::Center);
                // Lines 14 px apart, centred on the bar: the name's lines, then the share.
                let lines = name.len() as i32 + 1;
                let top = py - 7 * (lines - 1);
                for (j, line) in name.iter().chain(std::iter::once(share)).enumerate() {
                    root.draw(&Text::new(line.clone(), (px, top + 14 * j as i32), style.clone()))?;
                }
            }
        }
    }
    // The zero line, over the bars, for negative parts.
    if l.x.0 < 0.0 {
        area.draw(&plotters::element::PathElement::new(
            vec![(0.0, y.0), (0.0, y.1)],
            BLACK.stroke_width(1),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testing::*;

    fn domains() -> Vec<DomainValue<'static>> {
        vec![
            DomainValue {
                domain: "conduct_problems",
                payer: "education",
                mean: 13_600.0,
            },
            DomainValue {
                domain: "maternal_depression",
                payer: "nhs",
                mean: 12_000.0,
            },
            DomainValue {
                domain: "child_protection",
                payer: "social_care",
                mean: 9_700.0,
            },
            DomainValue {
                domain: "earnings",
                payer: "economy",
                mean: 4_000.0,
            },
            DomainValue {
                domain: "youth_justice",
                payer: "justice",
                mean: 400.0,
            },
            DomainValue {
                domain: "camhs",
                payer: "nhs",
                mean: 300.0,
            },
        ]
    }

    #[test]
    fn every_segment_is_drawn_and_every_share_written() {
        let d = domains();
        let b = Breakdown { domains: &d };
        let svg = draw_breakdown(&b).unwrap();
        let (title, desc) = check_accessible(&svg);
        assert_eq!(title, "Where the value per child comes from");
        assert!(desc.contains("£40,000 in total"), "{desc}");
        let doc = parse(&svg);
        let segments: usize = SEQUENCE.iter().map(|c| filled_rects(&doc, *c).len()).sum();
        assert_eq!(segments, 6 + 5); // six domains, five payers
        let l = layout(&b);
        for s in l.bars.iter().flatten() {
            let share = percent(s.share.unwrap());
            let written = has_text(&doc, &share) || desc.contains(&format!("{} {share}", s.name));
            assert!(written, "{} {share}", s.name);
        }
        assert!(has_text(&doc, "34%"));
        assert!(desc.contains("nhs £12,300 (31%)"), "{desc}");
        assert!(desc.contains("Too narrow to label"), "{desc}");
    }

    #[test]
    fn the_axis_holds_both_stacks() {
        let mut d = domains();
        d[3].mean = -4_000.0;
        let l = layout(&Breakdown { domains: &d });
        for s in l.bars.iter().flatten() {
            assert!(l.x.0 <= s.start && s.end <= l.x.1, "{s:?} {:?}", l.x);
        }
        assert!(l.x.0 <= -4_000.0);
        let svg = draw_breakdown(&Breakdown { domains: &d }).unwrap();
        check_accessible(&svg);
        // Segments stack end to end from zero.
        let payers = &l.bars[1];
        assert_eq!(payers[0].start, 0.0);
        assert_eq!(payers[1].start, payers[0].end);
    }

    #[test]
    fn edge_cases_draw_without_panicking() {
        check_accessible(&draw_breakdown(&Breakdown { domains: &[] }).unwrap());
        let long = "a_domain_with_a_long_name_".repeat(10);
        let one = [DomainValue {
            domain: &long,
            payer: "nhs",
            mean: 5.0,
        }];
        let svg = draw_breakdown(&Breakdown { domains: &one }).unwrap();
        let doc = parse(&svg);
        assert!(texts(&doc).iter().any(|t| t.ends_with('…')), "{:?}", texts(&doc));
        assert!(has_text(&doc, "100%"));
        let bad = [
            DomainValue {
                domain: "a",
                payer: "x",
                mean: f64::NAN,
            },
            DomainValue {
                domain: "b",
                payer: "x",
                mean: -10.0,
            },
        ];
        let svg = draw_breakdown(&Breakdown { domains: &bad }).unwrap();
        let (_, desc) = check_accessible(&svg);
        assert!(desc.contains("1 domains without a finite mean"), "{desc}");
        assert!(desc.contains("values rather than shares"), "{desc}");
        let zero = [DomainValue {
            domain: "a",
            payer: "x",
            mean: 0.0,
        }];
        check_accessible(&draw_breakdown(&Breakdown { domains: &zero }).unwrap());
        let d = domains();
        let b = Breakdown { domains: &d };
        assert_eq!(draw_breakdown(&b).unwrap(), draw_breakdown(&b).unwrap());
    }
}
