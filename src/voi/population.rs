//! Population EVPI of a scenario (`--horizon YEARS`): the per-cohort EVPI
//! times the discounted number of annual cohorts the decision affects,
//! Σ_{t=0}^{H−1} DF(t), on the scenario's cost schedule (`[discounting]
//! costs`), as in Claxton & Posnett (1996) and the NICE/SAVI convention
//! ([`super::population_evpi`]).
//!
//! A cost rate written as an uncertain expression (e.g. `costs = "r"` with
//! `r` a distribution) has no single schedule: the population factor then
//! uses the rate at base values (every parameter at its base, `[derived]`
//! values computed from them), and the result says so.

use std::collections::HashMap;

use super::{Estimate, population_evpi};
use crate::discount::{Schedule, Years};
use crate::error::{Error, Result};
use crate::expr::{Operand, Tape};
use crate::scenario::{DiscountSpec, Scenario};

/// The population EVPI over a horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationEvpi {
    /// H, in years (one cohort a year).
    pub horizon: Years,
    /// Σ_{t=0}^{H−1} DF(t): the discounted number of cohorts.
    pub cohorts: f64,
    /// The schedule used, in words (e.g. `green-book`).
    pub schedule: String,
    /// Whether the cost rate was uncertain and its base value was used.
    pub base_value_of_uncertain_rate: bool,
    /// Per-cohort EVPI × cohorts, with its standard error scaled alike.
    pub evpi: Estimate,
}

/// The discount schedule of `[discounting] costs`, in words, and whether it
/// is the base value of an uncertain rate.
pub fn cost_schedule(scenario: &Scenario) -> Result<(Schedule, String, bool)> {
    match &scenario.discounting.costs {
        DiscountSpec::GreenBook => Ok((Schedule::green_book(), "green-book".into(), false)),
        DiscountSpec::GreenBookHealth => Ok((Schedule::green_book_health(), "green-book-health".into(), false)),
        DiscountSpec::Rate(formula) => {
            if let Some(r) = value_at_base(scenario, &formula.expr, false) {
                return Ok((Schedule::constant(r), format!("constant {r}"), false));
            }
            let r = value_at_base(scenario, &formula.expr, true).ok_or_else(|| {
                Error::Config(format!(
                    "--horizon: the cost discount rate '{}' has no value at base values",
                    formula.text
                ))
            })?;
            let text = format!("constant {r} (the base value of the uncertain rate '{}')", formula.text);
            Ok((Schedule::constant(r), text, true))
        }
    }
}

/// The value of `expr` with fixed parameters at their values, `[derived]`
/// values computed from them and, when `uncertain_at_base`, the uncertain
/// parameters at their base values too (constants fold at compile time).
/// `None` when the value depends on an uncertain parameter that was not
/// given a value, or is not finite.
fn value_at_base(scenario: &Scenario, expr: &crate::expr::Expr, uncertain_at_base: bool) -> Option<f64> {
    let mut tape = Tape::default();
    let mut env: HashMap<&str, Operand> = HashMap::new();
    for p in &scenario.parameters {
        let operand = if uncertain_at_base || p.dist.is_fixed() {
            Operand::Const(p.base)
        } else {
            Operand::Slot(tape.new_slot())
        };
        env.insert(p.name.as_str(), operand);
    }
    for d in &scenario.derived {
        let value = tape.compile(&d.expr, &|n| env.get(n).copied()).ok()?;
        env.insert(d.name.as_str(), value);
    }
    match tape.compile(expr, &|n| env.get(n).copied()).ok()? {
        Operand::Const(r) if r.is_finite() => Some(r),
        _ => None,
    }
}

impl PopulationEvpi {
    /// The population EVPI of `per_cohort` over `horizon` years on the
    /// scenario's cost schedule.
    pub fn new(scenario: &Scenario, per_cohort: Estimate, horizon: Years) -> Result<PopulationEvpi> {
        let (schedule, text, uncertain) = cost_schedule(scenario)?;
        let cohorts = population_evpi(1.0, &schedule, horizon);
        Ok(PopulationEvpi {
            horizon,
            cohorts,
            schedule: text,
            base_value_of_uncertain_rate: uncertain,
            evpi: Estimate {
                value: per_cohort.value * cohorts,
                se: per_cohort.se * cohorts,
            },
        })
    }
}
