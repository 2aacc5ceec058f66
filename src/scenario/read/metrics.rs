//! `[derived]` and `[metrics]`, tables of named formulas, and `[claim]`, the
//! published figure for each metric that a run is checked against.

use super::Problems;
use super::values::{as_table, formula, number};
use crate::scenario::document::Item;
use crate::scenario::{Claim, Formula};

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
