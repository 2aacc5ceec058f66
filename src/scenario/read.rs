//! The typed reading of a merged scenario document: every section, key and
//! value is checked here, and every problem names its file, line and key.

use std::path::Path;

use super::document::{Item, Table, Value};
use super::{
    Claim, CorrelationEntry, CorrelationTarget, DEFAULT_ITERATIONS, DEFAULT_SEED, DiscountChoice, DiscountSpec,
    Discounting, Domain, Fade, Formula, Group, Parameter, Programme, Sampler, Scenario, Settings,
};
use crate::discount::Years;
use crate::dist::{Dist, Z90, Z95};
use crate::error::{Error, Location};
use crate::expr;

const SECTIONS: [&str; 11] = [
    "scenario",
    "settings",
    "discounting",
    "parameters",
    "derived",
    "domain",
    "programme",
    "metrics",
    "claim",
    "correlation",
    "group",
];

/// Collects problems so that one pass reports all of them.
struct Problems(Vec<Error>);

impl Problems {
    fn add(&mut self, at: Location, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(Error::Invalid {
            at,
            key: key.into(),
            message: message.into(),
        });
    }
    /// Keep the value of `r`, or record its error.
    fn keep<T>(&mut self, r: Result<T, Error>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
}

fn invalid(item: &Item, key: &str, message: impl Into<String>) -> Error {
    Error::Invalid {
        at: item.location(),
        key: key.to_string(),
        message: message.into(),
    }
}

/// The nearest of `candidates` to `word`, if it is close enough to suggest.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3) && *d < c.len().max(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn unknown_keys(table: &Table, allowed: &[&str], prefix: &str, problems: &mut Problems) {
    for (key, item) in &table.entries {
        if !allowed.contains(&key.as_str()) {
            let hint = match nearest(key, allowed.iter().copied()) {
                Some(n) => format!("; did you mean '{n}'?"),
                None => format!("; valid keys: {}", allowed.join(", ")),
            };
            problems.add(item.location(), format!("{prefix}{key}"), format!("unknown key{hint}"));
        }
    }
}

fn as_table<'a>(item: &'a Item, key: &str) -> Result<&'a Table, Error> {
    match &item.value {
        Value::Table(t) => Ok(t),
        _ => Err(invalid(
            item,
            key,
            format!("expected a table, found {}", item.type_name()),
        )),
    }
}

fn number(item: &Item, key: &str) -> Result<f64, Error> {
    match &item.value {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) if f.is_finite() => Ok(*f),
        Value::Float(f) => Err(invalid(item, key, format!("expected a finite number, found {f}"))),
        Value::Str(s) => Err(invalid(
            item,
            key,
            format!("expected a number, found the string \"{s}\""),
        )),
        _ => Err(invalid(
            item,
            key,
            format!("expected a number, found {}", item.type_name()),
        )),
    }
}

fn string(item: &Item, key: &str) -> Result<String, Error> {
    match &item.value {
        Value::Str(s) => Ok(s.clone()),
        _ => Err(invalid(
            item,
            key,
            format!("expected a string, found {}", item.type_name()),
        )),
    }
}

fn whole(item: &Item, key: &str, what: &str) -> Result<u64, Error> {
    match &item.value {
        Value::Int(i) if *i >= 0 => Ok(*i as u64),
        Value::Float(f) if *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19 => Ok(*f as u64),
        _ => Err(invalid(
            item,
            key,
            format!("expected {what} (a whole number ≥ 0), found {}", describe(item)),
        )),
    }
}

fn describe(item: &Item) -> String {
    match &item.value {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => format!("the string \"{s}\""),
        _ => item.type_name().to_string(),
    }
}

fn numbers(item: &Item, key: &str) -> Result<Vec<f64>, Error> {
    match &item.value {
        Value::Array(items) => items.iter().map(|i| number(i, key)).collect(),
        _ => Err(invalid(
            item,
            key,
            format!("expected an array of numbers, found {}", item.type_name()),
        )),
    }
}

/// An expression: a string to parse, or a plain number.
fn formula(item: &Item, key: &str, name: &str) -> Result<Formula, Error> {
    let text = match &item.value {
        Value::Str(s) => s.clone(),
        Value::Int(_) | Value::Float(_) => number(item, key)?.to_string(),
        _ => {
            return Err(invalid(
                item,
                key,
                format!(
                    "expected an expression (a string) or a number, found {}",
                    item.type_name()
                ),
            ));
        }
    };
    let expr = expr::parse(&text).map_err(|e| invalid(item, key, format!("expression \"{text}\": {e}")))?;
    Ok(Formula {
        name: name.to_string(),
        text,
        expr,
        at: item.location(),
    })
}

fn required<'a>(table: &'a Table, key: &str, prefix: &str, at: &Item) -> Result<&'a Item, Error> {
    table
        .get(key)
        .ok_or_else(|| invalid(at, &format!("{prefix}{key}"), format!("missing required key '{key}'")))
}

/// Read the merged document into a `Scenario` (names not yet resolved).
pub fn read(doc: &Table, path: &Path) -> Result<Scenario, Error> {
    let mut problems = Problems(Vec::new());
    unknown_keys(doc, &SECTIONS, "", &mut problems);
    let root = Item {
        value: Value::Table(Table::default()),
        file: std::sync::Arc::new(path.to_path_buf()),
        line: 1,
    };

    let mut scenario = Scenario {
        path: path.to_path_buf(),
        files: Vec::new(),
        sha256: String::new(),
        name: path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        description: String::new(),
        price_year: None,
        settings: Settings {
            iterations: DEFAULT_ITERATIONS,
            seed: DEFAULT_SEED,
            sampler: Sampler::MonteCarlo,
        },
        discounting: Discounting {
            costs: DiscountSpec::GreenBook,
            health: DiscountSpec::GreenBookHealth,
        },
        parameters: Vec::new(),
        derived: Vec::new(),
        domains: Vec::new(),
        programme: None,
        metrics: Vec::new(),
        claims: Vec::new(),
        groups: Vec::new(),
        correlation: None,
    };
    let mut correlations: Vec<CorrelationEntry> = Vec::new();

    for (section, item) in &doc.entries {
        match section.as_str() {
            "scenario" => read_header(item, &mut scenario, &mut problems),
            "settings" => read_settings(item, &mut scenario.settings, &mut problems),
            "discounting" => read_discounting(item, &mut scenario.discounting, &mut problems),
            "parameters" => read_parameters(item, &mut scenario.parameters, &mut problems),
            "derived" => scenario.derived = read_formulas(item, "derived", &mut problems),
            "metrics" => scenario.metrics = read_formulas(item, "metrics", &mut problems),
            "domain" => read_domains(item, &mut scenario.domains, &mut problems),
            "programme" => scenario.programme = read_programme(item, &mut problems),
            "claim" => read_claims(item, &mut scenario.claims, &mut problems),
            "group" => read_groups(item, &mut scenario.groups, &mut problems),
            "correlation" => read_correlations(item, &mut correlations, &mut problems),
            _ => {}
        }
    }
    if !scenario.domains.is_empty() && scenario.programme.is_none() {
        problems.add(
            root.location(),
            "programme",
            "a scenario with [[domain]] entries needs a [programme] table (reach, cost_per_family)",
        );
    }
    if scenario.programme.is_none()
        && scenario.metrics.is_empty()
        && doc.get("metrics").is_none()
        && doc.get("programme").is_none()
    {
        problems.add(
            root.location(),
            "metrics",
            "the scenario has no outputs: give a [programme] with [[domain]] entries, or [metrics]",
        );
    }
    scenario.correlation = combine_correlations(&correlations, &mut problems);
    match Error::from_list(problems.0) {
        Some(e) => Err(e),
        None => Ok(scenario),
    }
}

fn read_correlations(item: &Item, out: &mut Vec<CorrelationEntry>, problems: &mut Problems) {
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

/// Merge all entries into one target matrix; a pair given twice with
/// different values is an error.
fn combine_correlations(entries: &[CorrelationEntry], problems: &mut Problems) -> Option<CorrelationTarget> {
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
    let mut given: Vec<Vec<Option<(f64, Location)>>> = vec![vec![None; k]; k];
    for (i, row) in matrix.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for e in entries {
        for (a, na) in e.parameters.iter().enumerate() {
            for (b, nb) in e.parameters.iter().enumerate() {
                let (i, j) = (
                    names.iter().position(|n| n == na).expect("listed"),
                    names.iter().position(|n| n == nb).expect("listed"),
                );
                if i == j {
                    if a != b {
                        problems.add(
                            e.at.clone(),
                            "correlation.parameters",
                            format!("'{na}' is listed twice"),
                        );
                    }
                    continue;
                }
                let v = e.matrix[a][b];
                match &given[i][j] {
                    Some((old, at)) if *old != v => problems.add(
                        e.at.clone(),
                        "correlation",
                        format!("the pair ({na}, {nb}) is given {v} here but {old} at {at}"),
                    ),
                    _ => {
                        given[i][j] = Some((v, e.at.clone()));
                        matrix[i][j] = v;
                    }
                }
            }
        }
    }
    Some(CorrelationTarget {
        parameters: names,
        matrix,
        locations,
    })
}

fn read_header(item: &Item, scenario: &mut Scenario, problems: &mut Problems) {
    let Some(t) = problems.keep(as_table(item, "scenario")) else {
        return;
    };
    unknown_keys(
        t,
        &["name", "description", "price_year", "extends"],
        "scenario.",
        problems,
    );
    if let Some(v) = t.get("name") {
        scenario.name = problems.keep(string(v, "scenario.name")).unwrap_or_default();
    }
    if let Some(v) = t.get("description") {
        scenario.description = problems.keep(string(v, "scenario.description")).unwrap_or_default();
    }
    if let Some(v) = t.get("price_year") {
        scenario.price_year = problems
            .keep(whole(v, "scenario.price_year", "a year"))
            .map(|y| y as i64);
    }
}

fn read_settings(item: &Item, settings: &mut Settings, problems: &mut Problems) {
    let Some(t) = problems.keep(as_table(item, "settings")) else {
        return;
    };
    unknown_keys(t, &["iterations", "seed", "sampler"], "settings.", problems);
    if let Some(v) = t.get("sampler") {
        match string(v, "settings.sampler").map(|name| (Sampler::parse(&name), name)) {
            Ok((Some(sampler), _)) => settings.sampler = sampler,
            Ok((None, name)) => problems.add(
                v.location(),
                "settings.sampler",
                format!("unknown sampler \"{name}\"; expected \"mc\", \"lhs\" or \"sobol\""),
            ),
            Err(e) => problems.0.push(e),
        }
    }
    if let Some(v) = t.get("iterations") {
        match problems.keep(whole(v, "settings.iterations", "a number of iterations")) {
            Some(0) => problems.add(v.location(), "settings.iterations", "iterations must be at least 1"),
            Some(n) => settings.iterations = n,
            None => {}
        }
    }
    if let Some(v) = t.get("seed")
        && let Some(s) = problems.keep(whole(v, "settings.seed", "a seed"))
    {
        settings.seed = s;
    }
}

fn discount_spec(item: &Item, key: &str) -> Result<DiscountSpec, Error> {
    match &item.value {
        Value::Str(s) if s == "green-book" => Ok(DiscountSpec::GreenBook),
        Value::Str(s) if s == "green-book-health" => Ok(DiscountSpec::GreenBookHealth),
        Value::Str(s) if s.contains('-') && s.chars().all(|c| c.is_ascii_lowercase() || c == '-') => Err(invalid(
            item,
            key,
            format!(
                "unknown schedule \"{s}\": expected \"green-book\", \"green-book-health\", a rate such as 0.035, or an expression"
            ),
        )),
        _ => formula(item, key, key).map(DiscountSpec::Rate),
    }
}

fn read_discounting(item: &Item, discounting: &mut Discounting, problems: &mut Problems) {
    let Some(t) = problems.keep(as_table(item, "discounting")) else {
        return;
    };
    unknown_keys(t, &["costs", "health"], "discounting.", problems);
    if let Some(v) = t.get("costs")
        && let Some(s) = problems.keep(discount_spec(v, "discounting.costs"))
    {
        discounting.costs = s;
    }
    if let Some(v) = t.get("health")
        && let Some(s) = problems.keep(discount_spec(v, "discounting.health"))
    {
        discounting.health = s;
    }
}

const COMMON_KEYS: [&str; 5] = ["dist", "base", "source", "unit", "note"];

/// The keys each distribution accepts besides the common ones.
fn dist_keys(dist: &str) -> Option<&'static [&'static str]> {
    Some(match dist {
        "fixed" => &["value"],
        "uniform" => &["min", "max"],
        "triangular" => &["min", "mode", "max"],
        "pert" => &["min", "mode", "max", "lambda"],
        "normal" => &["mean", "sd", "ci95", "ci90", "min", "max"],
        "lognormal" => &["mean", "sd", "meanlog", "sdlog", "ci95", "ci90", "min", "max"],
        "beta" => &["alpha", "beta", "mean", "sd"],
        "gamma" => &["shape", "scale", "mean", "sd", "min", "max"],
        "discrete" => &["values", "weights"],
        _ => return None,
    })
}

const DISTS: [&str; 9] = [
    "fixed",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
    "gamma",
    "discrete",
];

fn read_parameters(item: &Item, out: &mut Vec<Parameter>, problems: &mut Problems) {
    let Some(t) = problems.keep(as_table(item, "parameters")) else {
        return;
    };
    for (name, item) in &t.entries {
        if let Some(p) = problems.keep(read_parameter(name, item)) {
            out.push(p);
        }
    }
}

fn read_parameter(name: &str, item: &Item) -> Result<Parameter, Error> {
    let prefix = format!("parameters.{name}");
    if let Value::Int(_) | Value::Float(_) = item.value {
        let value = number(item, &prefix)?;
        let dist = Dist::fixed(value).map_err(|e| invalid(item, &prefix, e.0))?;
        return Ok(Parameter {
            name: name.to_string(),
            dist,
            base: value,
            source: None,
            unit: None,
            note: None,
            at: item.location(),
        });
    }
    let t = match &item.value {
        Value::Table(t) => t,
        _ => {
            return Err(invalid(
                item,
                &prefix,
                format!(
                    "expected a number or a table such as {{ dist = \"normal\", mean = 1, sd = 0.1 }}, found {}",
                    item.type_name()
                ),
            ));
        }
    };
    let dist_item = required(t, "dist", &format!("{prefix}."), item)?;
    let dist_name = string(dist_item, &format!("{prefix}.dist"))?;
    let Some(keys) = dist_keys(&dist_name) else {
        let hint = nearest(&dist_name, DISTS).map_or_else(String::new, |n| format!("did you mean \"{n}\"? "));
        return Err(invalid(
            dist_item,
            &format!("{prefix}.dist"),
            format!(
                "unknown distribution \"{dist_name}\"; {hint}expected one of: {}",
                DISTS.join(", ")
            ),
        ));
    };
    let allowed: Vec<&str> = COMMON_KEYS.iter().chain(keys.iter()).copied().collect();
    let mut problems = Problems(Vec::new());
    unknown_keys(t, &allowed, &format!("{prefix}."), &mut problems);
    if let Some(e) = Error::from_list(problems.0) {
        return Err(e);
    }
    let key = |k: &str| format!("{prefix}.{k}");
    let num = |k: &str| -> Result<Option<f64>, Error> { t.get(k).map(|v| number(v, &key(k))).transpose() };
    let need = |k: &str| -> Result<f64, Error> { number(required(t, k, &format!("{prefix}."), item)?, &key(k)) };
    let interval = |k: &str| -> Result<Option<(f64, f64)>, Error> {
        let Some(v) = t.get(k) else { return Ok(None) };
        let pair = numbers(v, &key(k))?;
        if pair.len() != 2 {
            return Err(invalid(
                v,
                &key(k),
                format!("expected [low, high], found {} numbers", pair.len()),
            ));
        }
        Ok(Some((pair[0], pair[1])))
    };
    // Exactly one parameter form per distribution.
    let forms = |options: &[&[&str]]| -> Result<usize, Error> {
        let given: Vec<usize> = options
            .iter()
            .enumerate()
            .filter(|(_, keys)| keys.iter().any(|k| t.get(k).is_some()))
            .map(|(i, _)| i)
            .collect();
        let names: Vec<String> = options.iter().map(|o| o.join(" + ")).collect();
        match given.as_slice() {
            [one] => Ok(*one),
            [] => Err(invalid(
                item,
                &prefix,
                format!("{dist_name} needs one of: {}", names.join("; or ")),
            )),
            _ => Err(invalid(
                item,
                &prefix,
                format!("give only one form for {dist_name}: {}", names.join("; or ")),
            )),
        }
    };
    let wrap = |r: Result<Dist, crate::dist::DistError>| r.map_err(|e| invalid(item, &prefix, e.0));

    let mut truncatable = false;
    let dist = match dist_name.as_str() {
        "fixed" => wrap(Dist::fixed(need("value")?))?,
        "uniform" => wrap(Dist::uniform(need("min")?, need("max")?))?,
        "triangular" => wrap(Dist::triangular(need("min")?, need("mode")?, need("max")?))?,
        "pert" => wrap(Dist::pert(
            need("min")?,
            need("mode")?,
            need("max")?,
            num("lambda")?.unwrap_or(4.0),
        ))?,
        "normal" => {
            truncatable = true;
            match forms(&[&["mean", "sd"], &["ci95"], &["ci90"]])? {
                0 => wrap(Dist::normal(need("mean")?, need("sd")?))?,
                1 => {
                    let (lo, hi) = interval("ci95")?.expect("form 1 has ci95");
                    wrap(Dist::normal_from_interval(lo, hi, Z95))?
                }
                _ => {
                    let (lo, hi) = interval("ci90")?.expect("form 2 has ci90");
                    wrap(Dist::normal_from_interval(lo, hi, Z90))?
                }
            }
        }
        "lognormal" => {
            truncatable = true;
            match forms(&[&["mean", "sd"], &["meanlog", "sdlog"], &["ci95"], &["ci90"]])? {
                0 => wrap(Dist::lognormal_from_moments(need("mean")?, need("sd")?))?,
                1 => wrap(Dist::lognormal(need("meanlog")?, need("sdlog")?))?,
                2 => {
                    let (lo, hi) = interval("ci95")?.expect("form 2 has ci95");
                    wrap(Dist::lognormal_from_interval(lo, hi, Z95))?
                }
                _ => {
                    let (lo, hi) = interval("ci90")?.expect("form 3 has ci90");
                    wrap(Dist::lognormal_from_interval(lo, hi, Z90))?
                }
            }
        }
        "beta" => match forms(&[&["alpha", "beta"], &["mean", "sd"]])? {
            0 => wrap(Dist::beta(need("alpha")?, need("beta")?))?,
            _ => wrap(Dist::beta_from_moments(need("mean")?, need("sd")?))?,
        },
        "gamma" => {
            truncatable = true;
            match forms(&[&["shape", "scale"], &["mean", "sd"]])? {
                0 => wrap(Dist::gamma(need("shape")?, need("scale")?))?,
                _ => wrap(Dist::gamma_from_moments(need("mean")?, need("sd")?))?,
            }
        }
        _ => {
            let values = numbers(required(t, "values", &format!("{prefix}."), item)?, &key("values"))?;
            let weights = numbers(required(t, "weights", &format!("{prefix}."), item)?, &key("weights"))?;
            wrap(Dist::discrete(values, weights))?
        }
    };
    let (min, max) = if truncatable {
        (num("min")?, num("max")?)
    } else {
        (None, None)
    };
    let dist = if min.is_some() || max.is_some() {
        wrap(dist.truncate(min.unwrap_or(f64::NEG_INFINITY), max.unwrap_or(f64::INFINITY)))?
    } else {
        dist
    };
    let base = match t.get("base") {
        Some(v) if dist.is_fixed() && number(v, &key("base"))? != dist.default_base() => {
            return Err(invalid(
                v,
                &key("base"),
                "a fixed parameter's base value is its value; remove `base` or use another distribution",
            ));
        }
        Some(v) => number(v, &key("base"))?,
        None => dist.default_base(),
    };
    let (lo, hi) = dist.support();
    if !(lo <= base && base <= hi) {
        let at = t.get("base").unwrap_or(item);
        return Err(invalid(
            at,
            &key("base"),
            format!("base value {base} lies outside the distribution's range [{lo}, {hi}]; give a `base` inside it"),
        ));
    }
    let text = |k: &str| -> Result<Option<String>, Error> { t.get(k).map(|v| string(v, &key(k))).transpose() };
    Ok(Parameter {
        name: name.to_string(),
        dist,
        base,
        source: text("source")?,
        unit: text("unit")?,
        note: text("note")?,
        at: item.location(),
    })
}

fn read_formulas(item: &Item, section: &str, problems: &mut Problems) -> Vec<Formula> {
    let Some(t) = problems.keep(as_table(item, section)) else {
        return Vec::new();
    };
    t.entries
        .iter()
        .filter_map(|(name, v)| problems.keep(formula(v, &format!("{section}.{name}"), name)))
        .collect()
}

const DOMAIN_KEYS: [&str; 8] = [
    "name",
    "payer",
    "effect",
    "annual_cost",
    "ages",
    "fade",
    "discount",
    "growth",
];

fn read_domains(item: &Item, out: &mut Vec<Domain>, problems: &mut Problems) {
    let Value::Array(list) = &item.value else {
        problems.add(item.location(), "domain", "expected [[domain]] tables");
        return;
    };
    for (i, d) in list.iter().enumerate() {
        if let Some(domain) = problems.keep(read_domain(d, i)) {
            if out.iter().any(|o: &Domain| o.name == domain.name) {
                problems.add(
                    domain.at.clone(),
                    format!("domain.{}", domain.name),
                    "a domain with this name is defined twice",
                );
            } else {
                out.push(domain);
            }
        }
    }
}

fn read_domain(item: &Item, index: usize) -> Result<Domain, Error> {
    let t = as_table(item, &format!("domain[{index}]"))?;
    let name_item = required(t, "name", &format!("domain[{index}]."), item)?;
    let name = string(name_item, &format!("domain[{index}].name"))?;
    let prefix = format!("domain.{name}.");
    let mut problems = Problems(Vec::new());
    unknown_keys(t, &DOMAIN_KEYS, &prefix, &mut problems);
    if let Some(e) = Error::from_list(problems.0) {
        return Err(e);
    }
    let key = |k: &str| format!("{prefix}{k}");
    let f = |k: &str| -> Result<Formula, Error> { formula(required(t, k, &prefix, item)?, &key(k), &key(k)) };
    let payer = match t.get("payer") {
        Some(v) => string(v, &key("payer"))?,
        None => "unspecified".to_string(),
    };
    let ages_item = required(t, "ages", &prefix, item)?;
    let ages = match &ages_item.value {
        Value::Array(a) if a.len() == 2 => {
            let start = whole(&a[0], &key("ages"), "a start year")?;
            let end = whole(&a[1], &key("ages"), "an end year")?;
            if end <= start {
                return Err(invalid(
                    ages_item,
                    &key("ages"),
                    format!("ages = [start, end) needs end > start, got [{start}, {end}]"),
                ));
            }
            if end > 10_000 {
                return Err(invalid(
                    ages_item,
                    &key("ages"),
                    format!("end year {end} is beyond any lifetime (at most 10000)"),
                ));
            }
            (start as Years, end as Years)
        }
        _ => {
            return Err(invalid(
                ages_item,
                &key("ages"),
                format!(
                    "expected [start, end) as two whole numbers, found {}",
                    describe(ages_item)
                ),
            ));
        }
    };
    let fade = match t.get("fade") {
        None => Fade::None,
        Some(v) => {
            let ft = as_table(v, &key("fade"))?;
            let mut problems = Problems(Vec::new());
            unknown_keys(
                ft,
                &["floor", "rate", "half_life"],
                &format!("{prefix}fade."),
                &mut problems,
            );
            if let Some(e) = Error::from_list(problems.0) {
                return Err(e);
            }
            let fk = |k: &str| format!("{prefix}fade.{k}");
            match (ft.get("floor"), ft.get("rate"), ft.get("half_life")) {
                (None, None, Some(h)) => Fade::HalfLife(formula(h, &fk("half_life"), &fk("half_life"))?),
                (Some(fl), Some(r), None) => Fade::FloorRate {
                    floor: formula(fl, &fk("floor"), &fk("floor"))?,
                    rate: formula(r, &fk("rate"), &fk("rate"))?,
                },
                (None, Some(r), None) => Fade::FloorRate {
                    floor: formula(
                        &Item {
                            value: Value::Int(0),
                            ..r.clone()
                        },
                        &fk("floor"),
                        &fk("floor"),
                    )?,
                    rate: formula(r, &fk("rate"), &fk("rate"))?,
                },
                _ => {
                    return Err(invalid(
                        v,
                        &key("fade"),
                        "expected fade = { floor = ..., rate = ... } or fade = { half_life = ... }",
                    ));
                }
            }
        }
    };
    let discount = match t.get("discount") {
        None => DiscountChoice::Costs,
        Some(v) => match string(v, &key("discount"))?.as_str() {
            "costs" => DiscountChoice::Costs,
            "health" => DiscountChoice::Health,
            other => {
                return Err(invalid(
                    v,
                    &key("discount"),
                    format!("expected \"costs\" or \"health\", found \"{other}\""),
                ));
            }
        },
    };
    let growth = t
        .get("growth")
        .map(|v| formula(v, &key("growth"), &key("growth")))
        .transpose()?;
    Ok(Domain {
        name,
        payer,
        effect: f("effect")?,
        annual_cost: f("annual_cost")?,
        ages,
        fade,
        discount,
        growth,
        at: item.location(),
    })
}

fn read_programme(item: &Item, problems: &mut Problems) -> Option<Programme> {
    let t = problems.keep(as_table(item, "programme"))?;
    unknown_keys(t, &["reach", "cost_per_family", "adjustment"], "programme.", problems);
    let f = |k: &str| {
        formula(
            required(t, k, "programme.", item)?,
            &format!("programme.{k}"),
            &format!("programme.{k}"),
        )
    };
    let reach = problems.keep(f("reach"));
    let cost = problems.keep(f("cost_per_family"));
    let adjustment = match t.get("adjustment") {
        Some(v) => Some(problems.keep(formula(v, "programme.adjustment", "programme.adjustment"))?),
        None => None,
    };
    Some(Programme {
        reach: reach?,
        cost_per_family: cost?,
        adjustment,
    })
}

fn read_groups(item: &Item, out: &mut Vec<Group>, problems: &mut Problems) {
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

fn read_claims(item: &Item, out: &mut Vec<Claim>, problems: &mut Problems) {
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
