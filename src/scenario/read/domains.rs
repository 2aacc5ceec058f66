//! The lifetime-savings model's tables: each `[[domain]]` (who pays, the
//! effect, the annual cost, the ages it covers, how the effect fades, which
//! discount schedule, growth) and the `[programme]` (reach, cost per family)
//! that scales them.

use super::Problems;
use super::values::{as_table, describe, formula, invalid, not_one_of, required, string, unknown_keys, whole};
use crate::discount::Years;
use crate::error::Error;
use crate::scenario::document::{Item, Value};
use crate::scenario::{DiscountChoice, Domain, Fade, Formula, Programme};

/// The keys a `[[domain]]` accepts.
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

/// Read the `[[domain]]` entries into `out`; a name given twice is an error.
pub(super) fn read_domains(item: &Item, out: &mut Vec<Domain>, problems: &mut Problems) {
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

/// One `[[domain]]` table; its keys are named `domain.<name>.<key>`.
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
                return Err(not_one_of(
                    v,
                    &key("discount"),
                    "discount choice",
                    other,
                    &["costs", "health"],
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

/// Read `[programme]`; `None` if it is not a table or a formula is invalid.
pub(super) fn read_programme(item: &Item, problems: &mut Problems) -> Option<Programme> {
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
