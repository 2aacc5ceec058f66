//! `[derived]` and `[metrics]`, tables of named formulas, and `[claim]`, the
//! published figure for each metric that a run is checked against. A metric
//! is an expression, or a table `{ expr = "...", label = "...", unit = "..." }`
//! naming it and its unit for people (tables, figures, the report).

use super::Problems;
use super::values::{as_table, formula, number, required, string, unknown_keys};
use crate::scenario::document::{Item, Value};
use crate::scenario::{Claim, Formula, MetricLabel};

/// The keys of a metric written as a table.
const METRIC_KEYS: [&str; 3] = ["expr", "label", "unit"];

/// Read a table of named formulas (`[derived]` or `[metrics]`), in file order.
pub(super) fn read_formulas(item: &Item, section: &str, problems: &mut Problems) -> Vec<Formula> {
    let Some(t) = problems.keep(as_table(item, section)) else {
        return Vec::new();
    };
    t.entries
        .iter()
        .filter_map(|(name, v)| problems.keep(formula(v, &format!("{section}.{name}"), name)))
        .collect()
}

/// Read `[metrics]`: each entry an expression (a string or a number), or a
/// table with `expr` and an optional `label` and `unit`. Returns the
/// formulas in file order and a label for every metric (its name and no unit
/// when the entry gives none).
pub(super) fn read_metrics(item: &Item, problems: &mut Problems) -> (Vec<Formula>, Vec<MetricLabel>) {
    let (mut formulas, mut labels) = (Vec::new(), Vec::new());
    let Some(t) = problems.keep(as_table(item, "metrics")) else {
        return (formulas, labels);
    };
    for (name, v) in &t.entries {
        let key = format!("metrics.{name}");
        let Value::Table(table) = &v.value else {
            if let Some(f) = problems.keep(formula(v, &key, name)) {
                formulas.push(f);
                labels.push(MetricLabel::plain(name));
            }
            continue;
        };
        unknown_keys(table, &METRIC_KEYS, &format!("{key}."), problems);
        let expr = problems.keep(required(table, "expr", &format!("{key}."), v));
        let mut read = |k: &str| -> Option<String> {
            let item = table.get(k)?;
            let full = format!("{key}.{k}");
            match string(item, &full) {
                Ok(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Ok(_) => {
                    problems.add(
                        item.location(),
                        full,
                        "expected a non-empty string; leave the key out instead",
                    );
                    None
                }
                Err(e) => {
                    problems.0.push(e);
                    None
                }
            }
        };
        let label = read("label");
        let unit = read("unit");
        if let Some(f) = expr.and_then(|e| problems.keep(formula(e, &format!("{key}.expr"), name))) {
            formulas.push(f);
            labels.push(MetricLabel {
                metric: name.clone(),
                label: label.unwrap_or_else(|| name.clone()),
                unit: unit.unwrap_or_default(),
            });
        }
    }
    (formulas, labels)
}

/// Read `[claim]` into `out`: one number per metric.
pub(super) fn read_claims(item: &Item, out: &mut Vec<Claim>, problems: &mut Problems) {
    let Some(t) = problems.keep(as_table(item, "claim")) else {
        return;
    };
    for (metric, v) in &t.entries {
        if let Some(value) = problems.keep(number(v, &format!("claim.{metric}"))) {
            out.push(Claim {
                metric: metric.clone(),
                value,
                at: v.location(),
            });
        }
    }
}
