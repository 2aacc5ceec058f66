//! What a value-of-information run was asked to do, as a shard's state
//! file records it ([`VoiSettings`]): every field of a [`VoiConfig`] that
//! shapes the state or the result, except n, the seed and the sampler,
//! which every state file's header holds.
//!
//! `cradle merge` rebuilds the plan from these settings and the scenario
//! ([`VoiSettings::config`]), refuses states whose settings differ
//! ([`VoiSettings::fields`] names the field), and, since a state file is
//! user input, checks them before use ([`VoiSettings::check`]): a value
//! that `cradle voi` cannot produce (a malformed group or sweep, a bin
//! count or a regression setting out of range) is refused, never used.

use serde::{Deserialize, Serialize};

use super::binned::{FOLDS, NO_CELL};
use super::{GroupSpec, RegressionConfig, SweepSpec, VoiConfig};
use crate::discount::Years;
use crate::sampling::Sampler;

/// Knots per input a state file may ask a regression for.
const MAX_KNOTS: usize = 1000;
/// Replicates a state file may ask a regression's standard error for.
const MAX_REGRESSION_DRAWS: usize = 1_000_000;

/// The settings of a value-of-information run, as recorded in a state file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiSettings {
    /// `--metric` (`None`: `net_savings`, else the first metric).
    pub metric: Option<String>,
    /// `--parameters` (`None`: every uncertain parameter).
    pub parameters: Option<Vec<String>>,
    /// `--group`s, besides the scenario's `[[group]]`s.
    pub groups: Vec<GroupSpec>,
    /// `--horizon`, in years.
    pub horizon: Option<Years>,
    /// `--sweep`.
    pub sweep: Option<SweepSpec>,
    /// Bins K per parameter (`None`: the default for n).
    pub bins: Option<usize>,
    /// The cap R on the regression sample.
    pub regression_rows: u64,
    /// Settings of the regressions.
    pub regression: RegressionConfig,
}

impl VoiSettings {
    /// The settings of `config` (its n, seed and sampler aside).
    pub fn of(config: &VoiConfig) -> VoiSettings {
        // Destructured without `..`: a new field of VoiConfig must be
        // recorded here, or said to be in the header.
        let VoiConfig {
            metric,
            parameters,
            groups,
            horizon,
            sweep,
            iterations: _,
            seed: _,
            sampler: _,
            bins,
            regression_rows,
            regression,
        } = config;
        VoiSettings {
            metric: metric.clone(),
            parameters: parameters.clone(),
            groups: groups.clone(),
            horizon: *horizon,
            sweep: sweep.clone(),
            bins: *bins,
            regression_rows: *regression_rows,
            regression: regression.clone(),
        }
    }

    /// The configuration these settings describe, for a run of `iterations`
    /// with `seed` and `sampler` (a state file's header).
    pub fn config(&self, iterations: u64, seed: u64, sampler: Sampler) -> VoiConfig {
        VoiConfig {
            metric: self.metric.clone(),
            parameters: self.parameters.clone(),
            groups: self.groups.clone(),
            horizon: self.horizon,
            sweep: self.sweep.clone(),
            iterations,
            seed,
            sampler,
            bins: self.bins,
            regression_rows: self.regression_rows,
            regression: self.regression.clone(),
        }
    }

    /// Each setting with its value as text, as the command line would say
    /// it: states merge only when all of these are equal.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let or = |value: Option<String>, default: &str| value.unwrap_or_else(|| default.to_string());
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|g| format!("{}={}", g.name, g.parameters.join(",")))
            .collect();
        vec![
            ("--metric", or(self.metric.clone(), "the default")),
            (
                "--parameters",
                or(
                    self.parameters.as_ref().map(|p| p.join(" ")),
                    "every uncertain parameter",
                ),
            ),
            (
                "--group",
                if groups.is_empty() {
                    "none".into()
                } else {
                    groups.join(" ")
                },
            ),
            ("--horizon", or(self.horizon.map(|h| h.to_string()), "none")),
            (
                "--sweep",
                or(
                    self.sweep
                        .as_ref()
                        .map(|s| format!("{}={}:{}:{}", s.parameter, s.low, s.high, s.step)),
                    "none",
                ),
            ),
            ("bins", or(self.bins.map(|k| k.to_string()), "the default")),
            ("regression rows", self.regression_rows.to_string()),
            (
                "regression knots",
                or(self.regression.knots.map(|q| q.to_string()), "the default"),
            ),
            ("regression draws", self.regression.draws.to_string()),
        ]
    }

    /// Check settings read from a file for a run of `iterations`: each
    /// group and the sweep as `--group` and `--sweep` would have parsed
    /// them, and the numbers in range. Returns what is wrong.
    pub fn check(&self, iterations: u64) -> Result<(), String> {
        for group in &self.groups {
            let text = format!("{}={}", group.name, group.parameters.join(","));
            match GroupSpec::parse(&text) {
                Ok(parsed) if parsed == *group => {}
                _ => return Err(format!("a malformed group '{text}'")),
            }
        }
        if let Some(sweep) = &self.sweep {
            let text = format!("{}={}:{}:{}", sweep.parameter, sweep.low, sweep.high, sweep.step);
            match SweepSpec::parse(&text) {
                Ok(parsed) if parsed == *sweep => {}
                Ok(_) => return Err(format!("a malformed sweep '{text}'")),
                Err(e) => return Err(format!("a malformed sweep: {e}")),
            }
        }
        if let Some(k) = self.bins {
            let most = (iterations as usize).min(NO_CELL as usize / FOLDS - 1);
            if !(1..=most).contains(&k) {
                return Err(format!("{k} bins, not 1 to {most}"));
            }
        }
        if self.regression_rows == 0 {
            return Err("a regression sample of 0 rows".into());
        }
        if let Some(q) = self.regression.knots
            && !(1..=MAX_KNOTS).contains(&q)
        {
            return Err(format!("{q} regression knots, not 1 to {MAX_KNOTS}"));
        }
        if !(1..=MAX_REGRESSION_DRAWS).contains(&self.regression.draws) {
            return Err(format!(
                "{} regression draws, not 1 to {MAX_REGRESSION_DRAWS}",
                self.regression.draws
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> VoiSettings {
        VoiSettings {
            metric: Some("net_savings".into()),
            parameters: Some(vec!["a".into(), "b".into()]),
            groups: vec![GroupSpec::parse("g=a,b").unwrap()],
            horizon: Some(10),
            sweep: Some(SweepSpec::parse("c=0:1:0.1").unwrap()),
            bins: Some(7),
            regression_rows: 500,
            regression: RegressionConfig::default(),
        }
    }

    #[test]
    fn settings_round_trip_through_a_config() {
        let s = settings();
        let config = s.config(1000, 3, Sampler::LatinHypercube);
        assert_eq!(
            (config.iterations, config.seed, config.sampler),
            (1000, 3, Sampler::LatinHypercube)
        );
        assert_eq!(VoiSettings::of(&config), s);
        assert_eq!(s.check(1000), Ok(()));
        let fields = s.fields();
        assert!(fields.contains(&("--sweep", "c=0:1:0.1".into())), "{fields:?}");
        assert!(fields.contains(&("--group", "g=a,b".into())), "{fields:?}");
    }

    #[test]
    fn settings_no_command_line_gives_are_refused() {
        let bad = |edit: &dyn Fn(&mut VoiSettings)| {
            let mut s = settings();
            edit(&mut s);
            s.check(1000).unwrap_err()
        };
        assert!(bad(&|s| s.groups[0].parameters.push("a".into())).contains("group"));
        assert!(bad(&|s| s.groups[0].name.clear()).contains("group"));
        assert!(bad(&|s| s.sweep.as_mut().unwrap().step = f64::NAN).contains("sweep"));
        assert!(bad(&|s| s.sweep.as_mut().unwrap().step = 1e-300).contains("sweep"));
        assert!(bad(&|s| s.sweep.as_mut().unwrap().low = 2.0).contains("sweep"));
        assert!(bad(&|s| s.bins = Some(0)).contains("bins"));
        assert!(bad(&|s| s.bins = Some(1001)).contains("bins"));
        assert!(bad(&|s| s.regression_rows = 0).contains("0 rows"));
        assert!(bad(&|s| s.regression.knots = Some(usize::MAX)).contains("knots"));
        assert!(bad(&|s| s.regression.draws = usize::MAX).contains("draws"));
    }
}
