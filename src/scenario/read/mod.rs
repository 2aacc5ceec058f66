//! Reading a merged scenario document into typed, validated sections. The
//! entry point [`read`] dispatches each top-level table to its section's
//! reader, then runs the checks that concern the whole scenario (a model
//! needs a `[programme]`, a scenario needs outputs). Every problem is kept in
//! `Problems` so that one pass reports all of them, each naming its file,
//! line and key.
//!
//! - `values`: the typed value readers every section shares;
//! - `settings`: `[scenario]`, `[settings]`, `[discounting]`;
//! - `parameters`: `[parameters]` and the distribution forms;
//! - `domains`: the model, `[[domain]]` and `[programme]`;
//! - `metrics`: `[derived]` and `[metrics]` formulas, `[claim]`;
//! - `correlations`: `[[correlation]]` and `[[group]]`.

mod correlations;
mod domains;
mod metrics;
mod parameters;
mod settings;
mod values;

use std::path::Path;

use super::document::{Item, Table, Value};
use super::{
    CorrelationEntry, DEFAULT_ITERATIONS, DEFAULT_SEED, DiscountSpec, Discounting, Sampler, Scenario, Settings,
};
use crate::error::{Error, Location};

use correlations::{combine_correlations, read_correlations, read_groups};
use domains::{read_domains, read_programme};
use metrics::{read_claims, read_formulas, read_metrics};
use parameters::read_parameters;
pub use settings::SCHEDULES;
use settings::{read_discounting, read_header, read_settings};
use values::unknown_keys;
pub use values::{clip, nearest};

/// The top-level tables a scenario may have.
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
            key: values::clip_key(&key.into()),
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
        metric_labels: Vec::new(),
        claims: Vec::new(),
        groups: Vec::new(),
        correlation: None,
        notes: Vec::new(),
    };
    let mut correlations: Vec<CorrelationEntry> = Vec::new();

    for (section, item) in &doc.entries {
        match section.as_str() {
            "scenario" => read_header(item, &mut scenario, &mut problems),
            "settings" => read_settings(item, &mut scenario.settings, &mut problems),
            "discounting" => read_discounting(item, &mut scenario.discounting, &mut problems),
            "parameters" => read_parameters(item, &mut scenario.parameters, &mut problems),
            "derived" => scenario.derived = read_formulas(item, "derived", &mut problems),
            "metrics" => (scenario.metrics, scenario.metric_labels) = read_metrics(item, &mut problems),
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
    // A scenario without outputs would run and write empty files. Judged on
    // the merged document, so a `[metrics]` table left empty (in this file
    // or in the files it extends) counts as none; a table whose entries are
    // all invalid has had each reported already.
    let metric_entries = match doc.get("metrics").map(|m| &m.value) {
        Some(Value::Table(t)) => t.entries.len(),
        Some(_) => 1, // not a table: reported by read_formulas
        None => 0,
    };
    if doc.get("programme").is_none() && scenario.domains.is_empty() && metric_entries == 0 {
        let at = doc.get("metrics").map_or_else(|| root.location(), Item::location);
        problems.add(
            at,
            "metrics",
            "the scenario has no outputs: give a [programme] with [[domain]] entries, or at least one [metrics] entry (name = \"expression\")",
        );
    }
    scenario.correlation = combine_correlations(&correlations, &mut problems);
    match Error::from_list(problems.0) {
        Some(e) => Err(e),
        None => Ok(scenario),
    }
}
