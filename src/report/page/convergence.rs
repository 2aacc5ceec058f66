//! "Convergence": the running mean with its 95% Monte Carlo interval, and
//! the running 2.5th, 50th and 97.5th percentiles, against the number of
//! iterations on a log axis; and a sentence on whether the run has enough
//! iterations for the precision the page shows.

use super::{Report, in_sentence, show_all, unit_of};
use crate::error::Result;
use crate::report::document::{Block, Figure, heading, paragraph, strong, text};
use crate::report::figures::{self, Convergence};
use crate::report::format::{grouped, percent};
use crate::special::Z95;

/// The rounding step of a value shown at three significant figures
/// (`format::money` and `format::number` above 1,000): 100 for £38,700.
pub fn rounding_step(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return f64::NAN;
    }
    10f64.powi(x.abs().log10().floor() as i32 - 2)
}

/// Iterations for a 95% half-width of `target`, given a half-width `half`
/// at `n` (the half-width falls as 1/√n), rounded up to a round number.
pub fn iterations_for(n: u64, half: f64, target: f64) -> u64 {
    let needed = (n as f64 * (half / target).powi(2)).ceil();
    if !needed.is_finite() || needed <= 0.0 {
        return n;
    }
    let magnitude = 10f64.powi(needed.log10().floor() as i32);
    ((needed / magnitude).ceil() * magnitude) as u64
}

/// The section.
pub fn section(r: &Report<'_>) -> Result<Vec<Block>> {
    let k = r.metric_index();
    let name = &r.model.outputs[k].name;
    let label = r.label(name);
    let axis = super::axis_label(&label);
    let run = &r.analyses.run;
    let checkpoints: Vec<_> = run.convergence.iter().filter(|c| c.metric == k).cloned().collect();
    let c = Convergence {
        metric: &axis,
        unit: unit_of(&label),
        checkpoints: &checkpoints,
    };
    let mean_svg = figures::draw_convergence_mean(&c)?;
    let percentiles_svg = figures::draw_convergence_percentiles(&c)?;
    let m = &run.outputs[k].moments;
    let half = Z95 * m.mc_se();
    let step = rounding_step(m.mean);
    let enough = half <= step / 2.0;
    let v = show_all(&label, &[half]);
    let mut sentence = vec![text(format!(
        "With {} iterations the 95% Monte Carlo interval of the mean {} is ±{} ({} of the mean); the page rounds the mean to {}. ",
        grouped(run.iterations as f64, 0),
        in_sentence(&label.label),
        v[0],
        percent(half / m.mean.abs()),
        show_all(&label, &[step])[0]
    ))];
    if enough {
        sentence.push(strong("The run has enough iterations for the precision shown"));
        sentence.push(text(", and the curves below have settled."));
    } else {
        sentence.push(strong("The run is too short for the last digit shown"));
        sentence.push(text(format!(
            ": about {} iterations would pin it down (-n {}).",
            grouped(iterations_for(run.iterations, half, step / 2.0) as f64, 0),
            iterations_for(run.iterations, half, step / 2.0)
        )));
    }
    if let Some(p) = run.converged_at {
        sentence.push(text(format!(
            " The precision target was reached at {} iterations.",
            grouped(p as f64, 0)
        )));
    }
    Ok(vec![
        heading(2, "Convergence", "convergence"),
        paragraph(sentence),
        Block::Figure(Figure {
            file: "convergence-mean.svg".into(),
            svg: mean_svg,
            caption: "The running mean and its 95% Monte Carlo interval as iterations accumulate (log scale): the interval narrows as 1/√n.".into(),
        }),
        Block::Figure(Figure {
            file: "convergence-percentiles.svg".into(),
            svg: percentiles_svg,
            caption: "The running 2.5th, 50th and 97.5th percentiles: flat lines mean the range shown on this page is settled.".into(),
        }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_steps_follow_three_significant_figures() {
        assert_eq!(rounding_step(38_674.0), 100.0);
        assert_eq!(rounding_step(1.155e9), 1e7);
        assert!((rounding_step(16.05) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn iterations_scale_with_the_square_of_the_precision() {
        // Halving the interval takes four times the iterations.
        assert_eq!(iterations_for(1_000_000, 100.0, 50.0), 4_000_000);
        assert_eq!(iterations_for(1_000, 3.0, 1.0), 9_000);
    }
}
