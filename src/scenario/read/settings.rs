//! The run's header tables: `[scenario]` (name, description, price year),
//! `[settings]` (iterations, seed, sampler) and `[discounting]` (the
//! schedule or rate for costs and for health).

use super::Problems;
use super::values::{as_table, clip, formula, invalid, nearest, not_one_of, string, unknown_keys, whole};
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
        // Bounded before the cast to i64, which would wrap a huge number.
        scenario.price_year = match problems.keep(whole(v, "scenario.price_year", "a year")) {
            Some(y) if y <= 9999 => Some(y as i64),
            Some(y) => {
                problems.add(
                    v.location(),
                    "scenario.price_year",
                    format!("expected a year such as 2024, found {y}"),
                );
                None
            }
            None => None,
        };
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
            Ok((None, name)) => problems
                .0
                .push(not_one_of(v, "settings.sampler", "sampler", &name, &SAMPLERS)),
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

/// The sampler names `[settings] sampler` accepts.
const SAMPLERS: [&str; 3] = ["mc", "lhs", "sobol"];

/// The named discount schedules.
pub const SCHEDULES: [&str; 2] = ["green-book", "green-book-health"];

/// A named Green Book schedule, or a rate given as a number or expression.
///
/// A string that looks like a schedule's name (letters and hyphens, e.g.
/// "Green-Book" or "green-bok") and is close to one is a misspelt schedule,
/// not the expression `green − bok`. A bare name close to a schedule (e.g.
/// "greenbook") is left to name resolution, which suggests the schedule if
/// no parameter has that name.
fn discount_spec(item: &Item, key: &str) -> Result<DiscountSpec, Error> {
    match &item.value {
        Value::Str(s) if s == SCHEDULES[0] => Ok(DiscountSpec::GreenBook),
        Value::Str(s) if s == SCHEDULES[1] => Ok(DiscountSpec::GreenBookHealth),
        Value::Str(s)
            if s.contains('-')
                && s.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                && nearest(&s.to_lowercase(), SCHEDULES).is_some() =>
        {
            let near = nearest(&s.to_lowercase(), SCHEDULES).expect("checked in the guard");
            Err(invalid(
                item,
                key,
                format!(
                    "unknown schedule \"{}\"; did you mean \"{near}\"? expected \"green-book\", \"green-book-health\", a rate such as 0.035, or an expression",
                    clip(s)
                ),
            ))
        }
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
