//! One-way (tornado) analysis: each uncertain input in turn at a low and a
//! high percentile of its own distribution (default the 5th and 95th), every
//! other input at its base value. The swing |metric(high) − metric(low)|
//! ranks the inputs; fixed inputs are left out.

use crate::model::Model;

/// One line of tornado.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    /// The metric.
    pub metric: String,
    /// The input moved.
    pub parameter: String,
    /// Its value at the low percentile.
    pub low_input: f64,
    /// Its value at the high percentile.
    pub high_input: f64,
    /// The metric with the input low.
    pub metric_at_low: f64,
    /// The metric with the input high.
    pub metric_at_high: f64,
    /// The metric at base values.
    pub base_metric: f64,
    /// |metric_at_high − metric_at_low|.
    pub swing: f64,
}

/// Tornado rows for each metric (indices into `Model::outputs`), sorted by
/// swing, largest first, within each metric. `range` is in percent, e.g. (5, 95).
pub fn tornado(model: &Model, metrics: &[usize], range: (f64, f64)) -> Vec<TornadoRow> {
    let base = model.base_case();
    let mut rows = Vec::new();
    for &m in metrics {
        let mut block = Vec::new();
        for (i, input) in model.inputs.iter().enumerate() {
            if input.dist.is_fixed() {
                continue;
            }
            let low_input = input.dist.quantile(range.0 / 100.0);
            let high_input = input.dist.quantile(range.1 / 100.0);
            let metric_at_low = model.evaluate_at(&[(i, low_input)])[m];
            let metric_at_high = model.evaluate_at(&[(i, high_input)])[m];
            block.push(TornadoRow {
                metric: model.outputs[m].name.clone(),
                parameter: input.name.clone(),
                low_input,
                high_input,
                metric_at_low,
                metric_at_high,
                base_metric: base[m],
                swing: (metric_at_high - metric_at_low).abs(),
            });
        }
        // Stable sort: ties keep the scenario's order.
        block.sort_by(|a, b| b.swing.total_cmp(&a.swing));
        rows.extend(block);
    }
    rows
}
