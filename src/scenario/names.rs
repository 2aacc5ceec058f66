//! Name resolution: every name in every expression must exist and be in
//! scope, no name may be defined twice, `[derived]` and `[metrics]` must be
//! free of cycles (and are put in dependency order), and `[claim]` must name
//! real metrics; `[[correlation]]` and `[[group]]` are checked by
//! `dependence`. All found when the scenario loads, never during a run.

use std::collections::HashMap;

use super::dependence;
use super::inherit::Introduced;
use super::read::{SCHEDULES, clip, nearest};
use super::{BUILTIN_METRICS, DiscountSpec, Fade, Formula, Scenario};
use crate::error::{Error, Location};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Parameter,
    Derived,
    Domain,
    Builtin,
    Metric,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Parameter => "a parameter",
            Kind::Derived => "a derived value",
            Kind::Domain => "a domain",
            Kind::Builtin => "a built-in metric",
            Kind::Metric => "a metric",
        }
    }
}

/// Resolve names in place: reorder `derived` and `metrics` into evaluation order.
pub fn resolve(scenario: &mut Scenario, introduced: &[Introduced]) -> Result<(), Error> {
    let mut problems = Vec::new();
    let mut defined: HashMap<String, (Kind, Option<Location>)> = HashMap::new();
    let mut define = |name: &str, kind: Kind, at: Option<Location>, problems: &mut Vec<Error>| {
        if name == "pi"
            && let Some(at) = at.clone()
        {
            problems.push(Error::Invalid {
                at,
                key: clip(name),
                message: "'pi' is reserved for the constant π".into(),
            });
        }
        if (!name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            || !name.chars().all(|c| c.is_alphanumeric() || c == '_'))
            && let Some(at) = at.clone()
        {
            problems.push(Error::Invalid {
                    at,
                    key: clip(name),
                    message: "a name must start with a letter or '_' and hold only letters, digits and '_' (so that expressions can use it)".into(),
                });
        }
        if let Some((other, other_at)) = defined.get(name) {
            let whr = other_at.as_ref().map_or_else(String::new, |a| format!(" at {a}"));
            problems.push(Error::Invalid {
                at: at.clone().unwrap_or(Location {
                    file: Default::default(),
                    line: 0,
                }),
                key: clip(name),
                message: format!("the name is defined twice: already {}{whr}", other.word()),
            });
        } else {
            defined.insert(name.to_string(), (kind, at));
        }
    };
    if scenario.programme.is_some() {
        for b in BUILTIN_METRICS {
            define(b, Kind::Builtin, None, &mut problems);
        }
    }
    for p in &scenario.parameters {
        define(&p.name, Kind::Parameter, Some(p.at.clone()), &mut problems);
    }
    for d in &scenario.derived {
        define(&d.name, Kind::Derived, Some(d.at.clone()), &mut problems);
    }
    for d in &scenario.domains {
        define(&d.name, Kind::Domain, Some(d.at.clone()), &mut problems);
    }
    for m in &scenario.metrics {
        define(&m.name, Kind::Metric, Some(m.at.clone()), &mut problems);
    }

    let inputs = [Kind::Parameter, Kind::Derived];
    let everything = [
        Kind::Parameter,
        Kind::Derived,
        Kind::Domain,
        Kind::Builtin,
        Kind::Metric,
    ];
    let check = |f: &Formula, scope: &[Kind], problems: &mut Vec<Error>| {
        for name in f.expr.names() {
            match defined.get(&name) {
                Some((kind, _)) if scope.contains(kind) => {}
                Some((kind, _)) => problems.push(Error::Invalid {
                    at: f.at.clone(),
                    key: f.name.clone(),
                    message: format!(
                        "'{name}' is {} and cannot be used here (only {} can)",
                        kind.word(),
                        scope_words(scope)
                    ),
                }),
                None => {
                    let in_scope: Vec<&str> = defined
                        .iter()
                        .filter(|(_, (k, _))| scope.contains(k))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let hint = nearest(&name, in_scope).map_or_else(String::new, |n| format!("; did you mean '{n}'?"));
                    // A discount rate may also be a schedule's name: a bare
                    // word close to one (e.g. "greenbook") is a misspelt schedule.
                    let is_discount = f.name.starts_with("discounting.");
                    let message = match nearest(&name.to_lowercase(), SCHEDULES) {
                        Some(schedule) if is_discount && hint.is_empty() && f.text.trim() == name => format!(
                            "unknown schedule \"{}\"; did you mean \"{schedule}\"? expected \"green-book\", \"green-book-health\", a rate such as 0.035, or an expression over parameters",
                            clip(&name)
                        ),
                        _ if is_discount => format!(
                            "unknown name '{}' in \"{}\"{hint} (a discount schedule is \"green-book\", \"green-book-health\", a rate such as 0.035, or an expression over parameters)",
                            clip(&name),
                            clip(&f.text)
                        ),
                        _ => format!("unknown name '{}' in \"{}\"{hint}", clip(&name), clip(&f.text)),
                    };
                    problems.push(Error::Invalid {
                        at: f.at.clone(),
                        key: f.name.clone(),
                        message,
                    });
                }
            }
        }
    };
    for f in &scenario.derived {
        check(f, &inputs, &mut problems);
    }
    for f in input_formulas(scenario) {
        check(f, &inputs, &mut problems);
    }
    for f in &scenario.metrics {
        check(f, &everything, &mut problems);
    }
    let metric_names = scenario.metric_names();
    for c in &scenario.claims {
        if !metric_names.contains(&c.metric) {
            let hint = nearest(&c.metric, metric_names.iter().map(String::as_str))
                .map_or_else(String::new, |n| format!("; did you mean '{n}'?"));
            problems.push(Error::Invalid {
                at: c.at.clone(),
                key: format!("claim.{}", clip(&c.metric)),
                message: format!("'{}' is not a metric{hint}", clip(&c.metric)),
            });
        }
    }
    dependence::resolve(scenario, &mut problems);
    for new in introduced {
        let used = all_formulas(scenario).any(|f| f.expr.names().contains(&new.name))
            || scenario.metrics.iter().any(|m| m.name == new.name);
        if !used {
            let hint = nearest(&new.name, new.parent_names.iter().map(String::as_str))
                .map_or_else(String::new, |n| format!(" Did you mean to override '{n}'?"));
            problems.push(Error::Invalid {
                at: new.at.clone(),
                key: format!("{}.{}", new.section, clip(&new.name)),
                message: format!(
                    "'{}' does not exist in the parent scenario and nothing uses it.{hint}",
                    clip(&new.name)
                ),
            });
        }
    }
    if let Some(e) = Error::from_list(problems) {
        return Err(e);
    }
    scenario.derived = topological(std::mem::take(&mut scenario.derived), "derived")?;
    scenario.metrics = topological(std::mem::take(&mut scenario.metrics), "metrics")?;
    Ok(())
}

fn scope_words(scope: &[Kind]) -> String {
    scope.iter().map(|k| k.word()).collect::<Vec<_>>().join(", ")
}

/// The expressions that may use only parameters and derived values.
fn input_formulas(s: &Scenario) -> Vec<&Formula> {
    let mut out = Vec::new();
    for d in &s.domains {
        out.push(&d.effect);
        out.push(&d.annual_cost);
        if let Some(g) = &d.growth {
            out.push(g);
        }
        match &d.fade {
            Fade::None => {}
            Fade::FloorRate { floor, rate } => {
                out.push(floor);
                out.push(rate);
            }
            Fade::HalfLife(h) => out.push(h),
        }
    }
    if let Some(p) = &s.programme {
        out.push(&p.reach);
        out.push(&p.cost_per_family);
        if let Some(a) = &p.adjustment {
            out.push(a);
        }
    }
    for spec in [&s.discounting.costs, &s.discounting.health] {
        if let DiscountSpec::Rate(f) = spec {
            out.push(f);
        }
    }
    out
}

fn all_formulas(s: &Scenario) -> impl Iterator<Item = &Formula> {
    input_formulas(s).into_iter().chain(&s.derived).chain(&s.metrics)
}

/// Order formulas so each comes after the ones it uses; report a cycle as
/// `a -> b -> a`.
fn topological(formulas: Vec<Formula>, section: &str) -> Result<Vec<Formula>, Error> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let index: HashMap<&str, usize> = formulas.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
    let deps: Vec<Vec<usize>> = formulas
        .iter()
        .map(|f| {
            f.expr
                .names()
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    let mut marks = vec![Mark::New; formulas.len()];
    let mut order = Vec::with_capacity(formulas.len());
    // Iterative DFS with an explicit path so a cycle can be printed.
    for start in 0..formulas.len() {
        if marks[start] != Mark::New {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::Active;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if *next < deps[node].len() {
                let dep = deps[node][*next];
                *next += 1;
                match marks[dep] {
                    Mark::New => {
                        marks[dep] = Mark::Active;
                        path.push((dep, 0));
                    }
                    Mark::Active => {
                        let from = path
                            .iter()
                            .position(|(n, _)| *n == dep)
                            .expect("an active node is on the path");
                        let mut cycle: Vec<&str> =
                            path[from..].iter().map(|(n, _)| formulas[*n].name.as_str()).collect();
                        cycle.push(formulas[dep].name.as_str());
                        let f = &formulas[dep];
                        return Err(Error::Invalid {
                            at: f.at.clone(),
                            key: format!("{section}.{}", f.name),
                            message: format!("cycle in expressions: {}", cycle.join(" -> ")),
                        });
                    }
                    Mark::Done => {}
                }
            } else {
                marks[node] = Mark::Done;
                order.push(node);
                path.pop();
            }
        }
    }
    let mut slots: Vec<Option<Formula>> = formulas.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .map(|i| slots[i].take().expect("each node is ordered once"))
        .collect())
}
