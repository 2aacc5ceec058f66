//! Switching values (HM Treasury Green Book, "switching values"): for each
//! uncertain input, the value at which a metric reaches a target with every
//! other input at base: net savings reach zero, or a published claim is met
//! exactly. Found by scanning the input's support for a sign change of
//! metric − target (256 points, equally spaced in probability), taking the
//! crossing nearest the base value, and refining it by bisection to machine
//! precision. Blank when the metric never crosses the target within the
//! support. `quantile_of_switching_value` = F(switching value): how far into
//! its own distribution the input must go.

use crate::dist::{Discrete, Dist};
use crate::model::Model;

/// One line of threshold.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdRow {
    /// The metric.
    pub metric: String,
    /// The value it must reach.
    pub target: f64,
    /// The input moved.
    pub parameter: String,
    /// The input's base value.
    pub base_input: f64,
    /// The input value at which metric = target (others at base), if any.
    pub switching_value: Option<f64>,
    /// F(switching value) under the input's own distribution.
    pub quantile_of_switching_value: Option<f64>,
}

const GRID: usize = 256;

/// Candidate input values spanning the support, in increasing order.
fn grid(dist: &Dist) -> Vec<f64> {
    if let Dist::Discrete(Discrete { values, .. }) = dist {
        let mut v = values.clone();
        v.sort_by(f64::total_cmp);
        v.dedup();
        return v;
    }
    let (lo, hi) = dist.support();
    let mut points = Vec::with_capacity(GRID + 2);
    if lo.is_finite() {
        points.push(lo);
    }
    for k in 0..GRID {
        points.push(dist.quantile((k as f64 + 0.5) / GRID as f64));
    }
    // Reach far into unbounded tails: a switching value may lie there.
    if !lo.is_finite() {
        points.insert(0, dist.quantile(1e-12));
    }
    if hi.is_finite() {
        points.push(hi);
    } else {
        points.push(dist.quantile(1.0 - 1e-12));
    }
    points.dedup();
    points
}

/// The x in [a, b] with f(x) = 0, given f(a) and f(b) of opposite signs.
fn bisect(f: &dyn Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let mut fa = f(a);
    for _ in 0..200 {
        let mid = 0.5 * (a + b);
        if mid <= a || mid >= b {
            break;
        }
        let fm = f(mid);
        if fm == 0.0 {
            return mid;
        }
        if (fm < 0.0) == (fa < 0.0) {
            a = mid;
            fa = fm;
        } else {
            b = mid;
        }
    }
    0.5 * (a + b)
}

/// The switching value of input `i` for output `metric` and `target`.
pub fn switching_value(model: &Model, i: usize, metric: usize, target: f64) -> Option<f64> {
    let input = &model.inputs[i];
    let f = |x: f64| model.evaluate_at(&[(i, x)])[metric] - target;
    let points = grid(&input.dist);
    let values: Vec<f64> = points.iter().map(|&x| f(x)).collect();
    let mut best: Option<f64> = None;
    let mut consider = |x: f64| {
        if best.is_none_or(|b| (x - input.base).abs() < (b - input.base).abs()) {
            best = Some(x);
        }
    };
    for k in 0..points.len() {
        if values[k] == 0.0 {
            consider(points[k]);
        }
        if k + 1 < points.len() && values[k].is_finite() && values[k + 1].is_finite() && values[k] * values[k + 1] < 0.0
        {
            if matches!(input.dist, Dist::Discrete(_)) {
                continue; // no value of a discrete input hits the target exactly
            }
            consider(bisect(&f, points[k], points[k + 1]));
        }
    }
    best
}

/// Switching values of every uncertain input for every (metric, target).
pub fn threshold(model: &Model, targets: &[(usize, f64)]) -> Vec<ThresholdRow> {
    let mut rows = Vec::new();
    for &(metric, target) in targets {
        for (i, input) in model.inputs.iter().enumerate() {
            if input.dist.is_fixed() {
                continue;
            }
            let switching = switching_value(model, i, metric, target);
            rows.push(ThresholdRow {
                metric: model.outputs[metric].name.clone(),
                target,
                parameter: input.name.clone(),
                base_input: input.base,
                switching_value: switching,
                quantile_of_switching_value: switching.map(|x| input.dist.cdf(x)),
            });
        }
    }
    rows
}

/// The default targets: net savings = 0 (when there is a programme), and
/// each `[claim]` met exactly; for a scenario with neither, each requested
/// metric = 0.
pub fn default_targets(model: &Model, requested: &[usize]) -> Vec<(usize, f64)> {
    let metrics = &model.outputs[..model.n_metrics];
    let mut targets: Vec<(usize, f64)> = Vec::new();
    if let Some(i) = metrics.iter().position(|m| m.name == "net_savings") {
        targets.push((i, 0.0));
    }
    for (i, m) in metrics.iter().enumerate() {
        if let Some(claim) = m.claim {
            targets.push((i, claim));
        }
    }
    if targets.is_empty() {
        targets = requested.iter().map(|&i| (i, 0.0)).collect();
    }
    targets
}
