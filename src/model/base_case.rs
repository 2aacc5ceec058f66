//! Finding where a non-finite base case comes from: the expression, domain
//! or metric that first goes non-finite, named with its key, file and line.

use std::collections::HashMap;

use super::Model;
use crate::error::{Error, Location};
use crate::expr::{Operand, Tape};
use crate::scenario::{DiscountChoice, DiscountSpec, Fade, Formula, Scenario, clip};

/// The value of `f` with every name it uses taken from `env`, by the
/// same arithmetic as evaluation (constant folding).
fn value(f: &Formula, env: &HashMap<String, f64>) -> f64 {
    let mut tape = Tape::default();
    match tape.compile(&f.expr, &|n| env.get(n).map(|v| Operand::Const(*v))) {
        Ok(Operand::Const(v)) => v,
        _ => f64::NAN,
    }
}

/// The names `f` uses, with their base values, for the message.
fn inputs(f: &Formula, env: &HashMap<String, f64>) -> String {
    let names = f.expr.names();
    if names.is_empty() {
        return String::new();
    }
    let mut shown: Vec<String> = names
        .iter()
        .take(5)
        .map(|n| format!("{} = {}", clip(n), env.get(n).copied().unwrap_or(f64::NAN)))
        .collect();
    if names.len() > 5 {
        shown.push("…".into());
    }
    format!(" (with {})", shown.join(", "))
}

/// Walks the scenario's expressions in evaluation order, keeping each
/// value, and records every expression that is non-finite although all
/// the names it uses are finite: where a non-finite value starts.
struct Walk<'a> {
    env: HashMap<String, f64>,
    origins: Vec<Error>,
    scenario: &'a Scenario,
}

impl Walk<'_> {
    fn visit(&mut self, f: &Formula, key: String) -> f64 {
        let v = value(f, &self.env);
        let inputs_finite = f
            .expr
            .names()
            .iter()
            .all(|n| self.env.get(n).is_some_and(|x| x.is_finite()));
        if !v.is_finite() && inputs_finite {
            let fix = if f.expr.names().is_empty() {
                "check the expression"
            } else {
                "check the expression and the base values of the names it uses"
            };
            self.origins.push(Error::Invalid {
                at: f.at.clone(),
                key,
                message: format!(
                    "\"{}\" is {v} at the base case{}; the base case (every parameter at its base value) must be finite: {fix}",
                    clip(&f.text),
                    inputs(f, &self.env),
                ),
            });
        }
        v
    }

    fn walk(&mut self, model: &Model, base: &[f64]) {
        let s = self.scenario;
        for p in &s.parameters {
            self.env.insert(p.name.clone(), p.base);
        }
        for d in &s.derived {
            let v = self.visit(d, format!("derived.{}", d.name));
            self.env.insert(d.name.clone(), v);
        }
        let schedules = [
            (&s.discounting.costs, DiscountChoice::Costs),
            (&s.discounting.health, DiscountChoice::Health),
        ];
        for (spec, choice) in schedules {
            if let DiscountSpec::Rate(f) = spec {
                let r = self.visit(f, f.name.clone());
                // 1/(1 + r)^t needs 1 + r > 0: a finite rate of −1 or less
                // makes every domain discounted by it non-finite, which
                // its own expressions would not explain.
                if r <= -1.0 && s.domains.iter().any(|d| d.discount == choice) {
                    self.origins.push(Error::Invalid {
                        at: f.at.clone(),
                        key: f.name.clone(),
                        message: format!(
                            "the discount rate \"{}\" is {r} at the base case{}; a rate must be above −1 (it is a fraction a year: 0.035 is 3.5%), or the discount factor 1/(1 + r)^t is not defined",
                            clip(&f.text),
                            inputs(f, &self.env),
                        ),
                    });
                }
            }
        }
        for d in &s.domains {
            let mut formulas = vec![&d.effect, &d.annual_cost];
            formulas.extend(&d.growth);
            match &d.fade {
                Fade::None => {}
                Fade::FloorRate { floor, rate } => formulas.extend([floor, rate]),
                Fade::HalfLife(h) => formulas.push(h),
            }
            for f in formulas {
                self.visit(f, f.name.clone());
            }
        }
        if let Some(p) = &s.programme {
            let mut formulas = vec![&p.reach, &p.cost_per_family];
            formulas.extend(&p.adjustment);
            for f in formulas {
                self.visit(f, f.name.clone());
            }
        }
        // Metrics may use the built-in metrics and the domains: take
        // those from the model's own base case.
        for (o, v) in model.outputs.iter().zip(base) {
            if s.metrics.iter().all(|m| m.name != o.name) {
                self.env.insert(o.name.clone(), *v);
            }
        }
        for m in &s.metrics {
            let v = self.visit(m, format!("metrics.{}", m.name));
            self.env.insert(m.name.clone(), v);
        }
    }
}

/// The error for a model whose base case `base` has a non-finite output.
pub(super) fn diagnose(scenario: &Scenario, model: &Model, base: &[f64]) -> Error {
    let mut walk = Walk {
        env: HashMap::new(),
        origins: Vec::new(),
        scenario,
    };
    walk.walk(model, base);
    if let Some(e) = Error::from_list(std::mem::take(&mut walk.origins)) {
        return e;
    }
    // Every expression is finite: the value went non-finite in the
    // model's own arithmetic, in a domain's discounted sum (domains come
    // after the metrics in `outputs`, but feed them, so look there
    // first) or in the programme's totals.
    let first = |range: std::ops::Range<usize>| range.into_iter().find(|&i| !base[i].is_finite());
    let i = first(model.n_metrics..base.len())
        .or_else(|| first(0..model.n_metrics))
        .expect("diagnose is called only for a non-finite base case");
    let v = base[i];
    let name = &model.outputs[i].name;
    let fallback = Location {
        file: scenario.path.clone(),
        line: 1,
    };
    if let Some(d) = scenario.domains.iter().find(|d| &d.name == name) {
        return Error::Invalid {
            at: d.at.clone(),
            key: format!("domain.{}", clip(&d.name)),
            message: format!(
                "its value per child is {v} at the base case, although its expressions are finite there: its discounted sum over ages [{}, {}) is not finite; check its growth and fade (a half-life of 0 or a very large growth rate, for example)",
                d.ages.0, d.ages.1
            ),
        };
    }
    let value_of = |n: &str| walk.env.get(n).copied().unwrap_or(f64::NAN);
    let detail = match name.as_str() {
        "benefit_cost_ratio" if value_of("programme_cost") == 0.0 => {
            " because programme_cost (reach × cost_per_family) is 0 there".to_string()
        }
        _ => format!(
            " (value_per_child = {}, programme_cost = {})",
            value_of("value_per_child"),
            value_of("programme_cost")
        ),
    };
    let (at, key) = match &scenario.programme {
        Some(p) => (p.reach.at.clone(), "programme".to_string()),
        None => (fallback, format!("metrics.{name}")),
    };
    Error::Invalid {
        at,
        key,
        message: format!(
            "{name} is {v} at the base case{detail}; the base case (every parameter at its base value) must be finite"
        ),
    }
}
