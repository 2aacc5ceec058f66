//! `[parameters]`: each uncertain input, a plain number or a distribution in
//! one of its accepted forms (moments, natural parameters, a 95% or 90%
//! interval), optionally truncated, with its base value and source.

use super::Problems;
use super::values::{as_table, invalid, not_one_of, number, numbers, required, string, unknown_keys};
use crate::dist::{Dist, Z90, Z95};
use crate::error::Error;
use crate::scenario::Parameter;
use crate::scenario::document::{Item, Value};

/// The keys every distribution accepts.
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

/// The distribution names, in the order error messages list them.
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

/// Read `[parameters]` into `out`, in file order.
pub(super) fn read_parameters(item: &Item, out: &mut Vec<Parameter>, problems: &mut Problems) {
    let Some(t) = problems.keep(as_table(item, "parameters")) else {
        return;
    };
    for (name, item) in &t.entries {
        if let Some(p) = problems.keep(read_parameter(name, item)) {
            out.push(p);
        }
    }
}

/// One parameter: a number (fixed), or a table with `dist` and its keys.
fn read_parameter(name: &str, item: &Item) -> Result<Parameter, Error> {
    let prefix = format!("parameters.{name}");
    if let Value::Int(_) | Value::Float(_) | Value::BigInt = item.value {
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
        return Err(not_one_of(
            dist_item,
            &format!("{prefix}.dist"),
            "distribution",
            &dist_name,
            &DISTS,
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
    if !(lo <= base && base <= hi && base.is_finite()) {
        // Name `base` only if the user wrote it; otherwise the parameter and
        // the default it implied (e.g. the mean of a normal before truncation).
        return Err(match t.get("base") {
            Some(at) => invalid(
                at,
                &key("base"),
                format!(
                    "base value {base} lies outside the distribution's range [{lo}, {hi}]; give a `base` inside it"
                ),
            ),
            None => invalid(
                item,
                &prefix,
                format!(
                    "the default base value {base} (see the distribution table in the README) lies outside this distribution's range [{lo}, {hi}] or is not finite; add a `base` inside the range"
                ),
            ),
        });
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
