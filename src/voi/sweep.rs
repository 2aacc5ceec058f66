//! The decision curve (`--sweep PARAM=LO:HI:STEP`): one parameter held at
//! each value of a grid in turn, the others keeping their distributions,
//! and at each value P(NB > 0), E\[NB\] and EVPI. It is the fund-or-not form of
//! the cost-effectiveness acceptability curve and of the EVPI curve that
//! BCEA and the voi R package draw against the willingness to pay.
//!
//! **Fixing a parameter.** At each value the model is compiled again from
//! the scenario with that parameter's distribution replaced by the fixed
//! value ([`fixed_scenario`]), so a fixed value folds into the column program
//! exactly as a `dist = "fixed"` parameter would. Only parameters can be
//! swept, not `[derived]` values: a derived value is a function of
//! parameters, and holding it fixed while they vary would break that link.
//! A swept parameter leaves `[[correlation]]`: the others keep their joint
//! law (their marginals and their correlations with each other).
//!
//! **Common random numbers.** Every value of the grid is run on the same
//! seed and chunks, and every other parameter draws from its own stream
//! keyed by its name (`sampling::parameter_rng`, for `mc`; `lhs` keys its
//! permutations by name too), so each value sees the same draws of the other
//! parameters: differences between values come from the value, not from
//! noise. Under `sobol` the points are the same at every value of the grid
//! (each value's design drops the same dimension), but not those of a run
//! without the sweep.

use serde::{Deserialize, Serialize};

use crate::dist::Dist;
use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// At most this many values in one sweep.
pub const MAX_SWEEP_VALUES: usize = 1000;

/// `--sweep PARAM=LO:HI:STEP`: the grid LO, LO + STEP, … up to HI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// The parameter held fixed.
    pub parameter: String,
    /// First value.
    pub low: f64,
    /// Last value (included when the grid lands on it).
    pub high: f64,
    /// Step between values (> 0).
    pub step: f64,
}

impl SweepSpec {
    /// Parse `PARAM=LO:HI:STEP` with LO ≤ HI, STEP > 0 and at most
    /// [`MAX_SWEEP_VALUES`] values.
    pub fn parse(text: &str) -> Result<SweepSpec> {
        let bad = |why: String| {
            Error::Config(format!(
                "--sweep expects PARAM=LO:HI:STEP (e.g. --sweep cost_per_family=1500:6000:500), got '{text}': {why}"
            ))
        };
        let (name, grid) = text.split_once('=').ok_or_else(|| bad("no '='".into()))?;
        let parameter = name.trim().to_string();
        if parameter.is_empty() {
            return Err(bad("the parameter before '=' is empty".into()));
        }
        let parts: Vec<&str> = grid.split(':').map(str::trim).collect();
        let [low, high, step] = parts[..] else {
            return Err(bad(format!("{} numbers after '=', expected three", parts.len())));
        };
        let number = |what: &str, s: &str| -> Result<f64> {
            match s.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(bad(format!("{what} '{s}' is not a finite number"))),
            }
        };
        let spec = SweepSpec {
            parameter,
            low: number("LO", low)?,
            high: number("HI", high)?,
            step: number("STEP", step)?,
        };
        if spec.low > spec.high {
            return Err(bad(format!("LO {} is above HI {}", spec.low, spec.high)));
        }
        if spec.step <= 0.0 {
            return Err(bad(format!("STEP must be positive, got {}", spec.step)));
        }
        let count = spec.count();
        if count > MAX_SWEEP_VALUES as f64 {
            return Err(bad(format!(
                "that is {count} values; at most {MAX_SWEEP_VALUES} (use a larger STEP)"
            )));
        }
        Ok(spec)
    }

    /// Number of grid values, ⌊(HI − LO)/STEP⌋ + 1 (with a little slack for
    /// rounding, so 0:1:0.1 has 11 values).
    fn count(&self) -> f64 {
        ((self.high - self.low) / self.step * (1.0 + 1e-12) + 1e-9).floor() + 1.0
    }

    /// The grid LO + k·STEP, k = 0, 1, … while ≤ HI (up to rounding).
    pub fn values(&self) -> Vec<f64> {
        (0..self.count() as usize)
            .map(|k| self.low + k as f64 * self.step)
            .collect()
    }
}

/// `scenario` with parameter `index` fixed at `value`: its distribution is
/// `fixed`, its base value is `value`, and it leaves `[[correlation]]`.
pub fn fixed_scenario(scenario: &Scenario, index: usize, value: f64) -> Result<Scenario> {
    let mut fixed = scenario.clone();
    let parameter = &mut fixed.parameters[index];
    parameter.dist =
        Dist::fixed(value).map_err(|e| Error::Config(format!("--sweep: {} = {value}: {}", parameter.name, e.0)))?;
    parameter.base = value;
    let name = parameter.name.clone();
    if let Some(target) = &mut fixed.correlation
        && let Some(k) = target.parameters.iter().position(|p| *p == name)
    {
        target.parameters.remove(k);
        target.locations.remove(k);
        target.matrix.remove(k);
        target.sources.remove(k);
        for row in target.matrix.iter_mut() {
            row.remove(k);
        }
        for row in target.sources.iter_mut() {
            row.remove(k);
        }
        let any = target
            .matrix
            .iter()
            .enumerate()
            .any(|(i, row)| row.iter().enumerate().any(|(j, r)| i != j && *r != 0.0));
        if !any {
            fixed.correlation = None;
        }
    }
    Ok(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_include_both_ends() {
        let s = SweepSpec::parse("cost_per_family=1500:6000:500").unwrap();
        assert_eq!(s.parameter, "cost_per_family");
        assert_eq!(s.values().len(), 10);
        assert_eq!((s.values()[0], s.values()[9]), (1500.0, 6000.0));
        let tenths = SweepSpec::parse("p = 0 : 1 : 0.1").unwrap().values();
        assert_eq!(tenths.len(), 11);
        assert!((tenths[10] - 1.0).abs() < 1e-12);
        assert_eq!(SweepSpec::parse("p=2:2:1").unwrap().values(), [2.0]);
        assert_eq!(SweepSpec::parse("p=0:1:0.3").unwrap().values().len(), 4);
    }

    #[test]
    fn bad_forms_name_the_flag_and_the_form() {
        for (text, why) in [
            ("cost", "no '='"),
            ("=1:2:1", "parameter before '=' is empty"),
            ("p=1:2", "2 numbers after '='"),
            ("p=a:2:1", "LO 'a' is not a finite number"),
            ("p=1:inf:1", "HI 'inf' is not a finite number"),
            ("p=3:2:1", "LO 3 is above HI 2"),
            ("p=1:2:0", "STEP must be positive"),
            ("p=0:1:0.0001", "at most 1000"),
        ] {
            let e = SweepSpec::parse(text).unwrap_err().to_string();
            assert!(e.starts_with("--sweep expects PARAM=LO:HI:STEP"), "{e}");
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
