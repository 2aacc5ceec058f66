//! The lifetime-savings model, compiled from a [`Scenario`] into a column
//! program that evaluates a whole chunk of iterations at once.
//!
//! For one iteration with parameter draws θ (README.md#the-model):
//!
//! ```text
//! value_d            = effect_d(θ) · Σ_{t=a_d}^{b_d−1} annual_cost_d(θ)·(1+g_d)^t · fade_d(t) · DF_d(t)
//! value_per_child    = adjustment(θ) · Σ_d value_d
//! gross_savings      = reach(θ) · value_per_child     (present value of one year's cohort)
//! programme_cost     = reach(θ) · cost_per_family(θ)
//! net_savings        = gross_savings − programme_cost
//! benefit_cost_ratio = gross_savings / programme_cost
//! ```
//!
//! with fade_d(t) = ρ + (1 − ρ)·e^{−λt}. Because the fade is a sum of two
//! exponentials in t, the stream's sum is ρ·S(1+g) + (1 − ρ)·S((1+g)e^{−λ}),
//! where S(q) = Σ_t q^t·DF(t) is a sum of geometric series, one per discount
//! band ([`crate::discount::Segments`]). When growth, fade and the schedule
//! are all fixed, S is computed once at compile time and a domain costs two
//! multiplications per iteration.

use std::collections::HashMap;

use crate::discount::{Schedule, Segments, Years, constant_rate_sum};
use crate::dist::{Dist, Fixed};
use crate::error::Result;
use crate::expr::{BinOp, Op, OpKind, Operand, Tape};
use crate::scenario::{DiscountChoice, DiscountSpec, Fade, Formula, Scenario};

/// An uncertain input and the column it is sampled into.
#[derive(Debug, Clone)]
pub struct Input {
    /// Parameter name.
    pub name: String,
    /// Its distribution.
    pub dist: Dist,
    /// Its base value.
    pub base: f64,
    /// The column its draws go into.
    pub slot: usize,
}

/// A quantity the engine summarises.
#[derive(Debug, Clone)]
pub struct Output {
    /// Its name (a metric, or a domain's name).
    pub name: String,
    /// Where its value is after evaluation.
    pub operand: Operand,
    /// The published value to test against, if any.
    pub claim: Option<f64>,
}

/// A domain in the breakdown by payer.
#[derive(Debug, Clone)]
pub struct DomainInfo {
    /// Domain name.
    pub name: String,
    /// Who bears the avoided cost.
    pub payer: String,
}

#[derive(Debug, Clone)]
enum Discount {
    Fixed(Segments),
    Rate(Operand, Years, Years),
}

impl Discount {
    fn sum(&self, ln_q: f64, rate: f64) -> f64 {
        match self {
            Discount::Fixed(segments) => segments.sum(ln_q),
            Discount::Rate(_, start, end) => constant_rate_sum(rate, *start, *end, ln_q),
        }
    }
    fn rate_operand(&self) -> Operand {
        match self {
            Discount::Fixed(_) => Operand::Const(0.0),
            Discount::Rate(op, _, _) => *op,
        }
    }
}

/// The present-value factor of one domain when any of growth, fade or the
/// discount rate varies per iteration.
#[derive(Debug, Clone)]
struct StreamStep {
    out: usize,
    growth: Operand,
    floor: Operand,
    rate: Operand,
    discount: Discount,
}

impl StreamStep {
    /// factor = ρ·S(ln(1+g)) + (1 − ρ)·S(ln(1+g) − λ)
    fn factor(&self, g: f64, floor: f64, lambda: f64, r: f64) -> f64 {
        let ln_q = g.ln_1p();
        let mut f = 0.0;
        if floor != 0.0 {
            f += floor * self.discount.sum(ln_q, r);
        }
        if floor != 1.0 {
            f += (1.0 - floor) * self.discount.sum(ln_q - lambda, r);
        }
        f
    }

    fn eval(&self, cols: &mut [Vec<f64>], len: usize) {
        let mut out = std::mem::take(&mut cols[self.out]);
        let rate = self.discount.rate_operand();
        let get = |op: Operand, i: usize, cols: &[Vec<f64>]| match op {
            Operand::Const(c) => c,
            Operand::Slot(s) => cols[s][i],
        };
        for (i, o) in out[..len].iter_mut().enumerate() {
            *o = self.factor(
                get(self.growth, i, cols),
                get(self.floor, i, cols),
                get(self.rate, i, cols),
                get(rate, i, cols),
            );
        }
        cols[self.out] = out;
    }
}

#[derive(Debug, Clone)]
enum Step {
    Math(Op),
    Stream(StreamStep),
}

/// The compiled model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Uncertain inputs, in scenario order (fixed ones included).
    pub inputs: Vec<Input>,
    /// Metrics (built-in, then the scenario's own), then each domain's
    /// contribution to value per child.
    pub outputs: Vec<Output>,
    /// How many of `outputs` are metrics; the rest are domains.
    pub n_metrics: usize,
    /// Domains, in the order of their outputs.
    pub domains: Vec<DomainInfo>,
    /// Target rank correlations between inputs (`[[correlation]]`).
    pub correlation: Option<crate::scenario::CorrelationTarget>,
    steps: Vec<Step>,
    slots: usize,
}

/// Column storage for one chunk.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// One column per slot.
    pub cols: Vec<Vec<f64>>,
}

impl Workspace {
    /// The value of `op` at row `i`.
    pub fn value(&self, op: Operand, i: usize) -> f64 {
        match op {
            Operand::Const(c) => c,
            Operand::Slot(s) => self.cols[s][i],
        }
    }
}

fn compile_formula(tape: &mut Tape, f: &Formula, env: &HashMap<String, Operand>) -> Operand {
    tape.compile(&f.expr, &|n| env.get(n).copied())
        .expect("names were resolved when the scenario loaded")
}

fn fixed_schedule(spec: &DiscountSpec, env: &HashMap<String, Operand>, tape: &mut Tape) -> Result<Schedule, Operand> {
    match spec {
        DiscountSpec::GreenBook => Ok(Schedule::green_book()),
        DiscountSpec::GreenBookHealth => Ok(Schedule::green_book_health()),
        DiscountSpec::Rate(f) => match compile_formula(tape, f, env) {
            Operand::Const(r) => Ok(Schedule::constant(r)),
            op => Err(op),
        },
    }
}

impl Model {
    /// Compile a validated scenario and check its base case: every output
    /// must be finite with every parameter at its base value. What every
    /// command uses.
    ///
    /// A Monte Carlo run may meet a non-finite value in some iterations
    /// (they are counted and left out), but a non-finite *base case* means
    /// the scenario itself is broken (e.g. an annual cost of `logit(0)`), so
    /// it is an error naming the expression that produced it (its key, file
    /// and line), or the domain or metric where it first appeared.
    pub fn new(scenario: &Scenario) -> Result<Model> {
        let model = Model::compile(scenario);
        let base = model.base_case();
        if base.iter().all(|v| v.is_finite()) {
            return Ok(model);
        }
        Err(base_case::diagnose(scenario, &model, &base))
    }

    /// Compile a validated scenario (no base-case check: see [`Model::new`]).
    pub fn compile(scenario: &Scenario) -> Model {
        let mut tape = Tape::default();
        let mut env: HashMap<String, Operand> = HashMap::new();
        let mut inputs = Vec::new();
        for p in &scenario.parameters {
            let slot = tape.new_slot();
            inputs.push(Input {
                name: p.name.clone(),
                dist: p.dist.clone(),
                base: p.base,
                slot,
            });
            let operand = match p.dist {
                Dist::Fixed(Fixed { value }) => Operand::Const(value),
                _ => Operand::Slot(slot),
            };
            env.insert(p.name.clone(), operand);
        }
        for d in &scenario.derived {
            let op = compile_formula(&mut tape, d, &env);
            env.insert(d.name.clone(), op);
        }

        let costs = fixed_schedule(&scenario.discounting.costs, &env, &mut tape);
        let health = fixed_schedule(&scenario.discounting.health, &env, &mut tape);
        let mut steps: Vec<Step> = Vec::new();
        let flush = |tape: &mut Tape, steps: &mut Vec<Step>| {
            steps.extend(tape.ops.drain(..).map(Step::Math));
        };

        let mut domain_values = Vec::new();
        for d in &scenario.domains {
            let effect = compile_formula(&mut tape, &d.effect, &env);
            let cost = compile_formula(&mut tape, &d.annual_cost, &env);
            let growth = d
                .growth
                .as_ref()
                .map_or(Operand::Const(0.0), |g| compile_formula(&mut tape, g, &env));
            let (floor, rate) = match &d.fade {
                Fade::None => (Operand::Const(1.0), Operand::Const(0.0)),
                Fade::FloorRate { floor, rate } => (
                    compile_formula(&mut tape, floor, &env),
                    compile_formula(&mut tape, rate, &env),
                ),
                Fade::HalfLife(h) => {
                    let h = compile_formula(&mut tape, h, &env);
                    (
                        Operand::Const(0.0),
                        tape.push(OpKind::Bin(BinOp::Div, Operand::Const(std::f64::consts::LN_2), h)),
                    )
                }
            };
            let schedule = match d.discount {
                DiscountChoice::Costs => &costs,
                DiscountChoice::Health => &health,
            };
            let (start, end) = d.ages;
            let discount = match schedule {
                Ok(s) => Discount::Fixed(s.segments(start, end)),
                Err(rate) => Discount::Rate(*rate, start, end),
            };
            let all_fixed = matches!(
                (growth, floor, rate, &discount),
                (
                    Operand::Const(_),
                    Operand::Const(_),
                    Operand::Const(_),
                    Discount::Fixed(_)
                )
            );
            let mut step = StreamStep {
                out: 0,
                growth,
                floor,
                rate,
                discount,
            };
            let factor = if let (true, Operand::Const(g), Operand::Const(fl), Operand::Const(l)) =
                (all_fixed, growth, floor, rate)
            {
                Operand::Const(step.factor(g, fl, l, 0.0))
            } else {
                step.out = tape.new_slot();
                flush(&mut tape, &mut steps);
                let out = step.out;
                steps.push(Step::Stream(step));
                Operand::Slot(out)
            };
            let per_case = tape.mul(cost, factor);
            domain_values.push(tape.mul(effect, per_case));
        }

        let mut metric_ops: Vec<(String, Operand)> = Vec::new();
        let mut contributions = Vec::new();
        if let Some(p) = &scenario.programme {
            let adjustment = p
                .adjustment
                .as_ref()
                .map_or(Operand::Const(1.0), |a| compile_formula(&mut tape, a, &env));
            let mut value_per_child = Operand::Const(0.0);
            for (d, value) in scenario.domains.iter().zip(&domain_values) {
                let contribution = tape.mul(adjustment, *value);
                env.insert(d.name.clone(), contribution);
                contributions.push(contribution);
                value_per_child = match value_per_child {
                    Operand::Const(0.0) => contribution,
                    acc => tape.push(OpKind::Bin(BinOp::Add, acc, contribution)),
                };
            }
            let reach = compile_formula(&mut tape, &p.reach, &env);
            let cost_per_family = compile_formula(&mut tape, &p.cost_per_family, &env);
            let gross = tape.mul(reach, value_per_child);
            let programme_cost = tape.mul(reach, cost_per_family);
            let net = tape.push(OpKind::Bin(BinOp::Sub, gross, programme_cost));
            let bcr = tape.push(OpKind::Bin(BinOp::Div, gross, programme_cost));
            for (name, op) in [
                ("value_per_child", value_per_child),
                ("gross_savings", gross),
                ("programme_cost", programme_cost),
                ("net_savings", net),
                ("benefit_cost_ratio", bcr),
            ] {
                env.insert(name.to_string(), op);
                metric_ops.push((name.to_string(), op));
            }
        }
        for m in &scenario.metrics {
            let op = compile_formula(&mut tape, m, &env);
            env.insert(m.name.clone(), op);
            metric_ops.push((m.name.clone(), op));
        }
        flush(&mut tape, &mut steps);

        let n_metrics = metric_ops.len();
        let mut outputs: Vec<Output> = metric_ops
            .into_iter()
            .map(|(name, operand)| Output {
                claim: scenario.claim(&name),
                name,
                operand,
            })
            .collect();
        let mut domains = Vec::new();
        for (d, op) in scenario.domains.iter().zip(contributions) {
            outputs.push(Output {
                name: d.name.clone(),
                operand: op,
                claim: None,
            });
            domains.push(DomainInfo {
                name: d.name.clone(),
                payer: d.payer.clone(),
            });
        }
        Model {
            inputs,
            outputs,
            n_metrics,
            domains,
            correlation: scenario.correlation.clone(),
            steps,
            slots: tape.slots,
        }
    }

    /// The name of metric `preferred` if the model has it, else of the first
    /// metric. A model without metrics (which `Scenario::load` never gives)
    /// returns `preferred`, so that looking it up fails with "unknown metric"
    /// rather than a panic.
    pub fn metric_or_first(&self, preferred: &str) -> String {
        let metrics = &self.outputs[..self.n_metrics];
        metrics
            .iter()
            .find(|m| m.name == preferred)
            .or(metrics.first())
            .map_or_else(|| preferred.to_string(), |m| m.name.clone())
    }

    /// The index in `outputs` of metric `name`, or an error listing the metrics.
    pub fn metric_index(&self, name: &str) -> crate::error::Result<usize> {
        let metrics = &self.outputs[..self.n_metrics];
        metrics.iter().position(|m| m.name == name).ok_or_else(|| {
            let known: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
            crate::error::Error::Config(format!("unknown metric '{name}' (metrics: {})", known.join(", ")))
        })
    }

    /// A workspace of `rows` rows per column.
    pub fn workspace(&self, rows: usize) -> Workspace {
        Workspace {
            cols: (0..self.slots).map(|_| vec![0.0; rows]).collect(),
        }
    }

    /// Evaluate the model over the first `len` rows; the input columns must
    /// already hold the parameter values.
    pub fn evaluate(&self, ws: &mut Workspace, len: usize) {
        for step in &self.steps {
            match step {
                Step::Math(op) => op.eval(&mut ws.cols, len),
                Step::Stream(s) => s.eval(&mut ws.cols, len),
            }
        }
    }

    /// Evaluate once with every parameter at its base value (or with the
    /// values in `overrides`), returning each output's value.
    pub fn evaluate_at(&self, overrides: &[(usize, f64)]) -> Vec<f64> {
        let mut ws = self.workspace(1);
        for input in &self.inputs {
            ws.cols[input.slot][0] = input.base;
        }
        for &(i, v) in overrides {
            ws.cols[self.inputs[i].slot][0] = v;
        }
        self.evaluate(&mut ws, 1);
        self.outputs.iter().map(|o| ws.value(o.operand, 0)).collect()
    }

    /// The deterministic base case: every output at base values.
    pub fn base_case(&self) -> Vec<f64> {
        self.evaluate_at(&[])
    }
}

/// Finding where a non-finite base case comes from.
mod base_case {
    use std::collections::HashMap;

    use super::Model;
    use crate::error::{Error, Location};
    use crate::expr::{Operand, Tape};
    use crate::scenario::{DiscountSpec, Fade, Formula, Scenario, clip};

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
            for spec in [&s.discounting.costs, &s.discounting.health] {
                if let DiscountSpec::Rate(f) = spec {
                    self.visit(f, f.name.clone());
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn model_of(toml: &str) -> Model {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(toml.as_bytes()).unwrap();
        let s = Scenario::load(f.path()).unwrap();
        Model::compile(&s)
    }

    fn output(m: &Model, values: &[f64], name: &str) -> f64 {
        values[m.outputs.iter().position(|o| o.name == name).unwrap()]
    }

    #[test]
    fn a_non_finite_base_case_names_where_it_starts() {
        let text = r#"
            [parameters]
            p = { dist = "uniform", min = 0.4, max = 0.6, base = 0.5 }
            [derived]
            zero = "p - 0.5"
            ok = "min(1 / zero, 3)"
            bad = "ln(zero)"
            [metrics]
            y = "p * ok"
            z = "bad + 1"
            "#;
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let s = Scenario::load(f.path()).unwrap();
        let e = Model::new(&s).unwrap_err().to_string();
        // 1/zero is infinite but absorbed by min(); ln(zero) is where z's -inf starts,
        // and z (which only propagates it) is not blamed.
        assert!(
            e.contains(":7: derived.bad: \"ln(zero)\" is -inf at the base case (with zero = 0)"),
            "{e}"
        );
        assert!(!e.contains("metrics.z") && !e.contains("derived.ok"), "{e}");
    }

    #[test]
    fn annuity_without_fade_matches_closed_form() {
        // 1000 a year for years 1..=10 at 3.5%: 1000·(1 − 1.035^−10)/0.035
        let m = model_of(
            r#"
            [discounting]
            costs = 0.035
            [parameters]
            p = { dist = "uniform", min = 0.4, max = 0.6 }
            [[domain]]
            name = "d"
            effect = "p"
            annual_cost = 1000
            ages = [1, 11]
            [programme]
            reach = 10
            cost_per_family = 100
            "#,
        );
        let v = m.base_case();
        let annuity = 1000.0 * (1.0 - 1.035f64.powi(-10)) / 0.035;
        assert!((output(&m, &v, "value_per_child") - 0.5 * annuity).abs() < 1e-9);
        assert!((output(&m, &v, "gross_savings") - 5.0 * annuity).abs() < 1e-8);
        assert_eq!(output(&m, &v, "programme_cost"), 1000.0);
        assert!((output(&m, &v, "benefit_cost_ratio") - 5.0 * annuity / 1000.0).abs() < 1e-12);
    }

    #[test]
    fn uncertain_fade_growth_and_rate_match_year_by_year() {
        let m = model_of(
            r#"
            [discounting]
            costs = "r"
            [parameters]
            r = { dist = "uniform", min = 0.01, max = 0.05 }
            rho = { dist = "uniform", min = 0.2, max = 0.8 }
            lam = { dist = "uniform", min = 0.05, max = 0.25 }
            g = { dist = "uniform", min = 0.0, max = 0.02 }
            [[domain]]
            name = "d"
            effect = 1
            annual_cost = 100
            ages = [3, 45]
            fade = { floor = "rho", rate = "lam" }
            growth = "g"
            [programme]
            reach = 1
            cost_per_family = 1
            "#,
        );
        let v = m.base_case();
        let (r, rho, lam, g) = (0.03f64, 0.5f64, 0.15f64, 0.01f64);
        let mut slow = 0.0;
        for t in 3..45 {
            let fade = rho + (1.0 - rho) * (-lam * t as f64).exp();
            slow += 100.0 * (1.0 + g).powi(t) * fade / (1.0 + r).powi(t);
        }
        assert!((output(&m, &v, "value_per_child") - slow).abs() < 1e-9 * slow);
    }

    #[test]
    fn fade_and_growth_across_green_book_bands() {
        // Uncertain fade and growth with the Green Book schedule, over a span
        // that crosses the 30-, 75- and 125-year band edges.
        let m = model_of(
            r#"
            [parameters]
            rho = { dist = "uniform", min = 0.2, max = 0.8 }
            lam = { dist = "uniform", min = 0.05, max = 0.25 }
            g = { dist = "uniform", min = 0.0, max = 0.02 }
            [[domain]]
            name = "d"
            effect = 1
            annual_cost = 1
            ages = [25, 130]
            fade = { floor = "rho", rate = "lam" }
            growth = "g"
            [programme]
            reach = 1
            cost_per_family = 1
            "#,
        );
        let v = m.base_case();
        let s = Schedule::green_book();
        let slow: f64 = (25..130)
            .map(|t| (0.5 + 0.5 * (-0.15 * t as f64).exp()) * 1.01f64.powi(t as i32) * s.discount_factor(t))
            .sum();
        assert!((output(&m, &v, "value_per_child") - slow).abs() < 1e-10 * slow);
    }

    #[test]
    fn half_life_and_health_schedule() {
        let m = model_of(
            r#"
            [parameters]
            h = { dist = "triangular", min = 5, mode = 10, max = 20 }
            [[domain]]
            name = "q"
            effect = 1
            annual_cost = 1
            ages = [0, 80]
            fade = { half_life = "h" }
            discount = "health"
            [programme]
            reach = 1
            cost_per_family = 1
            "#,
        );
        let v = m.base_case();
        let s = Schedule::green_book_health();
        let slow: f64 = (0..80)
            .map(|t| 0.5f64.powf(t as f64 / 10.0) * s.discount_factor(t))
            .sum();
        assert!((output(&m, &v, "value_per_child") - slow).abs() < 1e-10 * slow);
    }
}
