//! `[[correlation]]` and `[[group]]`: how parameters relate. Correlation
//! entries (a pair with a rank correlation, or a matrix) are checked one by
//! one, then combined pair by pair into one target matrix (a later file's
//! pair over an earlier file's); groups name parameters that Sobol indices
//! treat as one factor. What the parameters themselves say (fixed, unknown)
//! is checked later, in `scenario::dependence`.

use super::Problems;
use super::values::{as_table, invalid, number, numbers, required, string, unknown_keys};
use crate::error::{Error, Location};
use crate::scenario::document::{Item, Value};
use crate::scenario::{CorrelationEntry, CorrelationTarget, Group};

/// Read the `[[correlation]]` entries into `out`, each checked on its own.
pub(super) fn read_correlations(item: &Item, out: &mut Vec<CorrelationEntry>, problems: &mut Problems) {
    let Value::Array(list) = &item.value else {
        problems.add(item.location(), "correlation", "expected [[correlation]] tables");
        return;
    };
    for (i, c) in list.iter().enumerate() {
        let key = format!("correlation[{i}]");
        let Some(t) = problems.keep(as_table(c, &key)) else {
            continue;
        };
        unknown_keys(t, &["parameters", "rank", "matrix"], &format!("{key}."), problems);
        let names: Result<Vec<String>, Error> =
            required(t, "parameters", &format!("{key}."), c).and_then(|p| match &p.value {
                Value::Array(items) => items.iter().map(|x| string(x, &format!("{key}.parameters"))).collect(),
                _ => Err(invalid(
                    p,
                    &format!("{key}.parameters"),
                    "expected an array of parameter names",
                )),
            });
        let Some(names) = problems.keep(names) else { continue };
        let matrix = match (t.get("rank"), t.get("matrix")) {
            (Some(r), None) => {
                if names.len() != 2 {
                    problems.add(
                        c.location(),
                        format!("{key}.parameters"),
                        format!("`rank` needs exactly two parameters, got {}", names.len()),
                    );
                    continue;
                }
                let Some(rho) = problems.keep(number(r, &format!("{key}.rank"))) else {
                    continue;
                };
                vec![vec![1.0, rho], vec![rho, 1.0]]
            }
            (None, Some(m)) => {
                let rows: Result<Vec<Vec<f64>>, Error> = match &m.value {
                    Value::Array(rows) => rows.iter().map(|r| numbers(r, &format!("{key}.matrix"))).collect(),
                    _ => Err(invalid(m, &format!("{key}.matrix"), "expected an array of rows")),
                };
                let Some(rows) = problems.keep(rows) else { continue };
                let k = names.len();
                if rows.len() != k || rows.iter().any(|r| r.len() != k) {
                    problems.add(
                        m.location(),
                        format!("{key}.matrix"),
                        format!("expected a {k} × {k} matrix (one row and column per parameter)"),
                    );
                    continue;
                }
                let mut bad = false;
                for (a, row) in rows.iter().enumerate() {
                    if row[a] != 1.0 {
                        problems.add(
                            m.location(),
                            format!("{key}.matrix"),
                            format!("the diagonal must be 1, found {} at row {}", row[a], a + 1),
                        );
                        bad = true;
                    }
                    for (b, value) in row.iter().enumerate() {
                        if *value != rows[b][a] {
                            problems.add(
                                m.location(),
                                format!("{key}.matrix"),
                                format!(
                                    "the matrix must be symmetric: row {} column {} is {}, row {} column {} is {}",
                                    a + 1,
                                    b + 1,
                                    value,
                                    b + 1,
                                    a + 1,
                                    rows[b][a]
                                ),
                            );
                            bad = true;
                        }
                    }
                }
                if bad {
                    continue;
                }
                rows
            }
            _ => {
                problems.add(
                    c.location(),
                    key.clone(),
                    "give either `rank` (for two parameters) or `matrix`",
                );
                continue;
            }
        };
        for row in &matrix {
            for &v in row {
                if !(-1.0..=1.0).contains(&v) {
                    problems.add(
                        c.location(),
                        key.clone(),
                        format!("a correlation must lie in [-1, 1], found {v}"),
                    );
                }
            }
        }
        out.push(CorrelationEntry {
            parameters: names,
            matrix,
            at: c.location(),
        });
    }
}

/// Merge all entries into one target matrix, pair by pair.
///
/// Entries arrive oldest file first (`inherit` appends a child's entries
/// after its parent's), so a pair written in a later file replaces the value
/// its ancestors gave: a child's pair overrides the parent's, and a child's 0
/// removes it (`dependence` then drops parameters left with no non-zero
/// correlation). Within one file a pair given twice with different values is
/// an error, reported once whichever way round the pair was written.
pub(super) fn combine_correlations(entries: &[CorrelationEntry], problems: &mut Problems) -> Option<CorrelationTarget> {
    if entries.is_empty() {
        return None;
    }
    let mut names: Vec<String> = Vec::new();
    let mut locations: Vec<Location> = Vec::new();
    for e in entries {
        for n in &e.parameters {
            if !names.contains(n) {
                names.push(n.clone());
                locations.push(e.at.clone());
            }
        }
    }
    let k = names.len();
    let mut matrix = vec![vec![0.0; k]; k];
    let mut sources: Vec<Vec<Option<Location>>> = vec![vec![None; k]; k];
    for (i, row) in matrix.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    let position = |name: &String| names.iter().position(|n| n == name).expect("listed");
    for e in entries {
        let mut repeated: Vec<&String> = Vec::new();
        for (a, name) in e.parameters.iter().enumerate() {
            if e.parameters[..a].contains(name) && !repeated.contains(&name) {
                repeated.push(name);
            }
        }
        if !repeated.is_empty() {
            for name in repeated {
                problems.add(
                    e.at.clone(),
                    "correlation.parameters",
                    format!("'{name}' is listed twice; list each parameter once"),
                );
            }
            continue;
        }
        for (a, na) in e.parameters.iter().enumerate() {
            for (b, nb) in e.parameters.iter().enumerate().skip(a + 1) {
                let (i, j) = (position(na), position(nb));
                let v = e.matrix[a][b];
                match &sources[i][j] {
                    Some(at) if at.file == e.at.file => {
                        if matrix[i][j] != v {
                            problems.add(
                                e.at.clone(),
                                "correlation",
                                format!(
                                    "the pair ({na}, {nb}) is given {v} here but {} at {at}; give each pair once per file",
                                    matrix[i][j]
                                ),
                            );
                        }
                    }
                    // Never named, or named by an ancestor: this file's value wins.
                    _ => {
                        matrix[i][j] = v;
                        matrix[j][i] = v;
                        sources[i][j] = Some(e.at.clone());
                        sources[j][i] = Some(e.at.clone());
                    }
                }
            }
        }
    }
    Some(CorrelationTarget {
        parameters: names,
        matrix,
        locations,
        sources,
    })
}

/// Read the `[[group]]` entries into `out`.
pub(super) fn read_groups(item: &Item, out: &mut Vec<Group>, problems: &mut Problems) {
    let Value::Array(list) = &item.value else {
        problems.add(item.location(), "group", "expected [[group]] tables");
        return;
    };
    for (i, g) in list.iter().enumerate() {
        let Some(t) = problems.keep(as_table(g, &format!("group[{i}]"))) else {
            continue;
        };
        unknown_keys(t, &["name", "parameters"], &format!("group[{i}]."), problems);
        let name = problems
            .keep(required(t, "name", &format!("group[{i}]."), g).and_then(|n| string(n, &format!("group[{i}].name"))));
        let members = required(t, "parameters", &format!("group[{i}]."), g).and_then(|p| match &p.value {
            Value::Array(items) => items
                .iter()
                .map(|x| string(x, &format!("group[{i}].parameters")))
                .collect(),
            _ => Err(invalid(
                p,
                &format!("group[{i}].parameters"),
                "expected an array of parameter names",
            )),
        });
        if let (Some(name), Some(parameters)) = (name, problems.keep(members)) {
            out.push(Group {
                name,
                parameters,
                at: g.location(),
            });
        }
    }
}
