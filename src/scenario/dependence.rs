//! Which parameters vary together, once `extends` has been applied:
//! the combined `[[correlation]]` target and the `[[group]]`s.
//!
//! Rules (README, "Correlated inputs" and "Inheritance"):
//! - a correlation or a group names parameters that exist and are uncertain.
//!   One that names a parameter fixed in the same file, or in a file it
//!   extends, is an error;
//! - a parameter fixed in a *child* of the file that correlated or grouped it
//!   loses those correlations and that membership, with a note (a group left
//!   with no parameter is dropped, with a note);
//! - a rank correlation of 0 means independent: a parameter with no non-zero
//!   correlation left is taken out of the target, and a target with no pair
//!   left is none;
//! - groups are closed under correlation: a non-zero correlation between a
//!   group's parameter and a parameter outside that group is an error,
//!   because Sobol indices swap a group's parameters between the two halves
//!   of the design as one block, which keeps the joint law only if the block
//!   is independent of everything outside it.

use std::collections::HashMap;
use std::path::PathBuf;

use super::read::{clip, nearest};
use super::{CorrelationTarget, Parameter, Scenario};
use crate::error::{Error, Location};

/// Where `at` sits in the chain of files: 0 for the scenario itself, 1 for
/// its parent, and so on (`None` for a file not in the chain).
fn generation(files: &[PathBuf], at: &Location) -> Option<usize> {
    files.iter().position(|f| *f == at.file)
}

/// Whether `fixed_at` was written in a descendant of the file of `written_at`
/// (a child, grandchild, ...): then the fixing overrides what was written.
fn fixed_later(files: &[PathBuf], fixed_at: &Location, written_at: &Location) -> bool {
    match (generation(files, fixed_at), generation(files, written_at)) {
        (Some(fixed), Some(written)) => fixed < written,
        _ => false,
    }
}

fn unknown(name: &str, parameters: &[Parameter]) -> String {
    let hint = nearest(name, parameters.iter().map(|q| q.name.as_str()))
        .map_or_else(String::new, |n| format!("; did you mean '{}'?", clip(n)));
    format!("unknown parameter '{}'{hint}", clip(name))
}

/// Check and settle the correlations and groups of `scenario`, adding every
/// problem to `problems` and every dropped item to `scenario.notes`.
pub(super) fn resolve(scenario: &mut Scenario, problems: &mut Vec<Error>) {
    resolve_correlations(scenario, problems);
    resolve_groups(scenario, problems);
    if let Some(target) = scenario.correlation.take() {
        scenario.correlation = without_zeros(target);
    }
    check_closed(scenario, problems);
}

/// Unknown and fixed parameters in `[[correlation]]`.
fn resolve_correlations(scenario: &mut Scenario, problems: &mut Vec<Error>) {
    let Scenario {
        parameters,
        files,
        notes,
        correlation,
        ..
    } = scenario;
    let Some(target) = correlation.as_mut() else { return };
    let k = target.parameters.len();
    for i in 0..k {
        let name = &target.parameters[i];
        let Some(q) = parameters.iter().find(|q| &q.name == name) else {
            problems.push(Error::Invalid {
                at: target.locations[i].clone(),
                key: "correlation.parameters".into(),
                message: unknown(name, parameters),
            });
            continue;
        };
        if !q.dist.is_fixed() {
            continue;
        }
        let mut offending: Option<Location> = None;
        for j in 0..k {
            if j == i || target.matrix[i][j] == 0.0 {
                continue;
            }
            let source = target.sources[i][j]
                .clone()
                .expect("a non-zero pair was written somewhere");
            if fixed_later(files, &q.at, &source) {
                notes.push(format!(
                    "'{}' is fixed at {}, so its correlation with '{}' ({} at {source}) no longer applies and is dropped",
                    clip(name),
                    q.at,
                    clip(&target.parameters[j]),
                    target.matrix[i][j]
                ));
                target.matrix[i][j] = 0.0;
                target.matrix[j][i] = 0.0;
            } else if offending.is_none() {
                offending = Some(source);
            }
        }
        if let Some(at) = offending {
            problems.push(Error::Invalid {
                at,
                key: "correlation.parameters".into(),
                message: format!(
                    "'{}' is fixed (at {}): only uncertain parameters can be correlated; give it a distribution, or remove it from this [[correlation]]",
                    clip(name),
                    q.at
                ),
            });
        }
    }
}

/// Names, members and fixed parameters in `[[group]]`.
fn resolve_groups(scenario: &mut Scenario, problems: &mut Vec<Error>) {
    let groups = std::mem::take(&mut scenario.groups);
    let mut grouped: HashMap<String, String> = HashMap::new();
    let mut named: HashMap<String, Location> = HashMap::new();
    for mut g in groups {
        if let Some(first) = named.insert(g.name.clone(), g.at.clone()) {
            problems.push(Error::Invalid {
                at: g.at.clone(),
                key: format!("group.{}", clip(&g.name)),
                message: format!("the group is defined twice (also at {first}); give each group its own name"),
            });
        }
        if scenario.parameter(&g.name).is_some() {
            problems.push(Error::Invalid {
                at: g.at.clone(),
                key: format!("group.{}", clip(&g.name)),
                message: "a group cannot have the name of a parameter; rename the group".into(),
            });
        }
        let written_empty = g.parameters.is_empty();
        if written_empty {
            problems.push(Error::Invalid {
                at: g.at.clone(),
                key: format!("group.{}", clip(&g.name)),
                message: "a group needs at least one parameter (an empty list removes an inherited group of that name, and there is none)".into(),
            });
        }
        let mut members = Vec::new();
        for p in std::mem::take(&mut g.parameters) {
            match scenario.parameter(&p) {
                None => problems.push(Error::Invalid {
                    at: g.at.clone(),
                    key: format!("group.{}.parameters", clip(&g.name)),
                    message: unknown(&p, &scenario.parameters),
                }),
                Some(q) if q.dist.is_fixed() && fixed_later(&scenario.files, &q.at, &g.at) => {
                    scenario.notes.push(format!(
                        "'{}' is fixed at {}, so it is dropped from group '{}' ({})",
                        clip(&p),
                        q.at,
                        clip(&g.name),
                        g.at
                    ));
                    continue;
                }
                Some(q) if q.dist.is_fixed() => problems.push(Error::Invalid {
                    at: g.at.clone(),
                    key: format!("group.{}.parameters", clip(&g.name)),
                    message: format!(
                        "'{}' is fixed (at {}): only uncertain parameters can be grouped; give it a distribution, or remove it from the group",
                        clip(&p),
                        q.at
                    ),
                }),
                Some(_) => {}
            }
            if let Some(other) = grouped.insert(p.clone(), g.name.clone()) {
                problems.push(Error::Invalid {
                    at: g.at.clone(),
                    key: format!("group.{}.parameters", clip(&g.name)),
                    message: format!(
                        "'{}' is already in group '{}'; a parameter can be in one group only",
                        clip(&p),
                        clip(&other)
                    ),
                });
            }
            members.push(p);
        }
        if members.is_empty() && !written_empty {
            scenario.notes.push(format!(
                "group '{}' ({}) has no uncertain parameter left and is dropped",
                clip(&g.name),
                g.at
            ));
            continue;
        }
        g.parameters = members;
        scenario.groups.push(g);
    }
}

/// `target` without the parameters whose every correlation is 0 (`None`
/// when no parameter is left).
fn without_zeros(target: CorrelationTarget) -> Option<CorrelationTarget> {
    let k = target.parameters.len();
    let keep: Vec<usize> = (0..k)
        .filter(|&i| (0..k).any(|j| j != i && target.matrix[i][j] != 0.0))
        .collect();
    if keep.is_empty() {
        return None;
    }
    Some(CorrelationTarget {
        parameters: keep.iter().map(|&i| target.parameters[i].clone()).collect(),
        matrix: keep
            .iter()
            .map(|&i| keep.iter().map(|&j| target.matrix[i][j]).collect())
            .collect(),
        locations: keep.iter().map(|&i| target.locations[i].clone()).collect(),
        sources: keep
            .iter()
            .map(|&i| keep.iter().map(|&j| target.sources[i][j].clone()).collect())
            .collect(),
    })
}

/// Every non-zero correlation lies within one group, or between two
/// parameters that are in no group.
fn check_closed(scenario: &Scenario, problems: &mut Vec<Error>) {
    let Some(target) = &scenario.correlation else { return };
    let group_of = |name: &str| scenario.groups.iter().find(|g| g.parameters.iter().any(|p| p == name));
    let k = target.parameters.len();
    for i in 0..k {
        for j in i + 1..k {
            if target.matrix[i][j] == 0.0 {
                continue;
            }
            let (in_a, in_b) = (group_of(&target.parameters[i]), group_of(&target.parameters[j]));
            // Names as the message shows them (clipped, like every echo).
            let (a, b) = (clip(&target.parameters[i]), clip(&target.parameters[j]));
            let message = match (in_a, in_b) {
                (Some(g), Some(h)) if g.name == h.name => continue,
                (None, None) => continue,
                (Some(g), None) | (None, Some(g)) => {
                    let (inside, outside) = if in_a.is_some() { (a, b) } else { (b, a) };
                    let group = clip(&g.name);
                    format!(
                        "'{inside}' is in group '{group}' ({}) but '{outside}', correlated with it, is not; Sobol indices swap a group's parameters as one block, so a group must hold every parameter correlated with its members: add '{outside}' to group '{group}'",
                        g.at
                    )
                }
                (Some(g), Some(h)) => format!(
                    "'{a}' is in group '{}' ({}) and '{b}' in group '{}' ({}), but they are correlated; Sobol indices swap a group's parameters as one block, so correlated parameters must share a group: merge the two groups, or remove this correlation",
                    clip(&g.name),
                    g.at,
                    clip(&h.name),
                    h.at
                ),
            };
            problems.push(Error::Invalid {
                at: target.sources[i][j]
                    .clone()
                    .expect("a non-zero pair was written somewhere"),
                key: "correlation".into(),
                message,
            });
        }
    }
}
