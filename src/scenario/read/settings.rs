//! The run's header tables: `[scenario]` (name, description, price year),
//! `[settings]` (iterations, seed, sampler) and `[discounting]` (the
//! schedule or rate for costs and for health).

use super::Problems;
use super::values::{as_table, formula, invalid, string, unknown_keys, whole};
use crate::error::Error;
use crate::scenario::document::{Item, Value};
use crate::scenario::{DiscountSpec, Discounting, Sampler, Scenario, Settings};

/// Read `[scenario]` into the scenario's name, description and price year.
pub(super) fn read_header(item: &Item, scenario: &mut Scenario, problems: &mut Problems) {
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

/// Read `[settings]` over the defaults in `settings`.
pub(super) fn read_settings(item: &Item, settings: &mut Settings, problems: &mut Problems) {
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

/// A named Green Book schedule, or a rate given as a number or expression.
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

/// Read `[discounting]` over the defaults in `discounting`.
pub(super) fn read_discounting(item: &Item, discounting: &mut Discounting, problems: &mut Problems) {
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
