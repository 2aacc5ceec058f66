//! Value of information: what it would be worth to know more before deciding.
//!
//! The decision is between options d with net benefits NB_d, uncertain
//! because the inputs θ are. Deciding now, one picks the option best on
//! average and gets max_d E(NB_d); knowing θ first, one picks the best option
//! draw by draw.
//!
//! - **EVPI** (expected value of perfect information) = E(max_d NB_d) − max_d E(NB_d)
//!   ([`evpi`]); over a horizon, times the discounted number of cohorts
//!   ([`population_evpi`]).
//! - **EVPPI** (partial: knowing only some inputs φ) =
//!   E_φ[max_d E(NB_d | φ)] − max_d E(NB_d). For one input, by binning the
//!   draws on it ([`binned`], Strong & Oakley 2013); for a group of inputs,
//!   by regressing NB on them ([`regression`], Strong, Oakley & Brennan 2014).
//! - **Given data**: the same, from a table of PSA draws made elsewhere
//!   ([`psa_table`] reads it, [`given`] analyses it).
//! - **The decision curve**: P(NB > 0), E(NB) and EVPI with one parameter
//!   held at each value of a grid ([`sweep`]).
//!
//! [`analyse`] runs all of it for a scenario in one pass of the engine's
//! chunk loop ([`analysis`]), through a mergeable [`VoiState`]
//! ([`state`]); [`analyse_given`] does it for a table. A shard of such a
//! run records its state with its [`VoiSettings`] ([`settings`]), from
//! which `cradle merge` rebuilds the plan.
//!
//! ## Options
//!
//! Every estimator takes the net benefits as columns, one per option. A
//! single column is the fund-or-not decision: funding has that net benefit
//! and not funding has 0. With several columns, the first is the reference
//! (e.g. the status quo). Options are numbered 0 (not funding, or the first
//! column), 1, 2, …; internally each option's net benefit is taken relative
//! to option 0, which changes no value of information (max_d(NB_d − c) =
//! max_d NB_d − c). Ties go to the lower-numbered option, so not funding wins
//! when NB is exactly 0.
//!
//! ## Errors of the estimates
//!
//! Every estimate carries a Monte Carlo standard error and a normal 95%
//! interval (value ± 1.96·se); each module's docs say how the error is
//! obtained and what it leaves out.
//!
//! ## Streaming through a run
//!
//! EVPI and binned EVPPI are accumulators: each chunk adds its columns,
//! chunk accumulators merge in chunk order, and the estimate is read at the end.
//!
//! ```
//! use cradle::Dist;
//! use cradle::voi::{BinnedEvppi, EvpiAccumulator, default_bins};
//!
//! let effect = Dist::normal(0.2, 0.1).unwrap();
//! let n = 4096;
//! let bins = default_bins(n);
//! let (mut evpi, mut evppi) = (EvpiAccumulator::new(1), BinnedEvppi::for_dist(&effect, bins, 1)?);
//! for chunk in 0..4 {
//!     // In the engine these come from the chunk's draws and the model.
//!     let theta: Vec<f64> = (0..1024).map(|i| effect.quantile((i as f64 + 0.5) / 1024.0)).collect();
//!     let net_savings: Vec<f64> = theta.iter().map(|t| 1e5 * (t - 0.15)).collect();
//!     let mut part = BinnedEvppi::for_dist(&effect, bins, 1)?;
//!     part.add(chunk * 1024, &theta, &[&net_savings]);
//!     evppi.merge(&part);
//!     evpi.add(&[&net_savings]);
//! }
//! let (evpi, evppi) = (evpi.estimate(), evppi.estimate());
//! // Net savings depend on the effect alone, so knowing it is worth all of EVPI.
//! assert!((evppi.evppi.value - evpi.evpi.value).abs() < 0.05 * evpi.evpi.value);
//! # Ok::<(), cradle::Error>(())
//! ```

pub mod analysis;
mod basis;
pub mod binned;
mod comoments;
pub mod evpi;
pub mod given;
pub mod group;
pub mod population;
pub mod psa_table;
pub mod regression;
pub mod settings;
pub mod spline;
pub mod state;
pub mod sweep;

pub use analysis::{REGRESSION_ROWS, VoiConfig, VoiPlan, VoiResult, analyse, analyse_given};
pub use binned::{BinnedEstimate, BinnedEvppi, default_bins};
pub use evpi::{EvpiAccumulator, EvpiEstimate, population_evpi};
pub use given::{TableAnalysis, TableRequest, analyse_table};
pub use group::GroupSpec;
pub use population::PopulationEvpi;
pub use psa_table::PsaTable;
pub use regression::{Basis, RegressionConfig, RegressionEstimate, min_draws, regression_evppi};
pub use settings::VoiSettings;
pub use state::{ChunkVoi, VoiState};
pub use sweep::{SweepSpec, fixed_scenario};

use crate::discount::Years;
use crate::special::Z95;

/// An estimate with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
}

impl Estimate {
    /// Lower end of the normal 95% interval, value − 1.96·se.
    pub fn low(&self) -> f64 {
        self.value - Z95 * self.se
    }

    /// Upper end of the normal 95% interval, value + 1.96·se.
    pub fn high(&self) -> f64 {
        self.value + Z95 * self.se
    }
}

/// Number of options of a decision given `columns` net-benefit columns
/// (one column means fund or not: two options).
pub fn option_count(columns: usize) -> usize {
    columns.max(1) + usize::from(columns <= 1)
}

/// Number of incremental net benefits (options other than option 0).
fn increment_count(columns: usize) -> usize {
    option_count(columns) - 1
}

/// Write the incremental net benefits of row `row` (each option's NB minus
/// option 0's) into `out`; false when any net benefit is NaN or infinite.
fn increments(nb: &[&[f64]], row: usize, out: &mut [f64]) -> bool {
    match nb {
        [only] => {
            out[0] = only[row];
            out[0].is_finite()
        }
        [reference, rest @ ..] => {
            let base = reference[row];
            let mut finite = base.is_finite();
            for (o, column) in out.iter_mut().zip(rest) {
                *o = column[row] - base;
                finite &= column[row].is_finite();
            }
            finite
        }
        [] => false,
    }
}

/// The option with the largest value, counting option 0 as `values` = 0 and
/// option d ≥ 1 as `values[d − 1]`; ties go to the lower option.
fn best_option(increments: &[f64]) -> usize {
    let mut best = 0;
    let mut top = 0.0;
    for (d, &v) in increments.iter().enumerate() {
        if v > top {
            top = v;
            best = d + 1;
        }
    }
    best
}

/// The component of an option among the increments (`None` for option 0).
fn component(option: usize) -> Option<usize> {
    option.checked_sub(1)
}

/// The nearest of `candidates` to `word`, if close enough to suggest
/// (for "did you mean" hints).
fn nearest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), c.as_str()))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3) && *d < c.len().max(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// One line of voi.csv: the value of perfect information about everything.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiRow {
    /// The metric used as net benefit (e.g. `net_savings`).
    pub metric: String,
    /// Number of options (2 for fund or not).
    pub options: usize,
    /// Draws used.
    pub n: u64,
    /// EVPI per cohort (per decision).
    pub evpi: f64,
    /// Its standard error.
    pub evpi_se: f64,
    /// EVPI × Σ_{t<H} DF(t) over the horizon, when one is given.
    pub evpi_population: Option<f64>,
    /// The horizon H in years, when one is given.
    pub horizon_years: Option<Years>,
    /// P(option 1 is the best option in a draw): funding, for fund or not.
    pub prob_best_is_fund: f64,
}

impl VoiRow {
    /// The row of an EVPI estimate; `population` is the horizon's
    /// (population EVPI, H) when one is asked for.
    pub fn new(metric: &str, estimate: &EvpiEstimate, population: Option<(f64, Years)>) -> VoiRow {
        VoiRow {
            metric: metric.to_string(),
            options: estimate.options,
            n: estimate.n,
            evpi: estimate.evpi.value,
            evpi_se: estimate.evpi.se,
            evpi_population: population.map(|p| p.0),
            horizon_years: population.map(|p| p.1),
            prob_best_is_fund: estimate.prob_best.get(1).copied().unwrap_or(f64::NAN),
        }
    }
}

/// One line of evppi.csv: the value of perfect information about one input
/// or a group of inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct EvppiRow {
    /// The metric used as net benefit.
    pub metric: String,
    /// The input, or the group's name.
    pub parameter_or_group: String,
    /// `binned` or `regression`.
    pub method: &'static str,
    /// e.g. `40 bins` or `tensor 6x6 knots (36 terms)`.
    pub bins_or_basis: String,
    /// The EVPPI estimate.
    pub evppi: f64,
    /// Lower end of its 95% interval.
    pub evppi_low: f64,
    /// Upper end of its 95% interval.
    pub evppi_high: f64,
    /// EVPPI / EVPI (NaN when EVPI is 0).
    pub share_of_evpi: f64,
}

impl EvppiRow {
    /// The row of a binned single-input estimate. Its interval is
    /// [value − 1.96·se, value + choice_bias + 1.96·se]: the estimate errs
    /// low by about `choice_bias` (see [`binned`]).
    pub fn binned(metric: &str, parameter: &str, estimate: &BinnedEstimate, evpi: f64) -> EvppiRow {
        let mut row = EvppiRow::of(
            metric,
            parameter.to_string(),
            "binned",
            estimate.describe(),
            estimate.evppi,
            evpi,
        );
        if estimate.choice_bias.is_finite() {
            row.evppi_high += estimate.choice_bias;
        }
        row
    }

    /// The row of a regression estimate for the group called `group`.
    pub fn regression(metric: &str, group: &str, estimate: &RegressionEstimate, evpi: f64) -> EvppiRow {
        EvppiRow::of(
            metric,
            group.to_string(),
            "regression",
            estimate.basis.to_string(),
            estimate.evppi,
            evpi,
        )
    }

    fn of(metric: &str, name: String, method: &'static str, basis: String, e: Estimate, evpi: f64) -> EvppiRow {
        EvppiRow {
            metric: metric.to_string(),
            parameter_or_group: name,
            method,
            bins_or_basis: basis,
            evppi: e.value,
            evppi_low: e.low(),
            evppi_high: e.high(),
            share_of_evpi: if evpi > 0.0 { e.value / evpi } else { f64::NAN },
        }
    }
}

/// One line of voi_sweep.csv: the decision and its EVPI with one input held
/// at a value (see [`sweep`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The input held fixed.
    pub parameter: String,
    /// Its value.
    pub value: f64,
    /// Mean net benefit of funding at that value.
    pub mean_nb: f64,
    /// P(NB > 0) at that value.
    pub prob_positive: f64,
    /// EVPI at that value.
    pub evpi: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_and_increments() {
        assert_eq!((option_count(1), increment_count(1)), (2, 1));
        assert_eq!((option_count(3), increment_count(3)), (3, 2));
        let fund = [2.0, f64::NAN];
        let mut out = [0.0];
        assert!(increments(&[&fund], 0, &mut out) && out == [2.0]);
        assert!(!increments(&[&fund], 1, &mut out));
        let (a, b, c) = ([1.0], [4.0], [0.5]);
        let mut out = [0.0; 2];
        assert!(increments(&[&a, &b, &c], 0, &mut out));
        assert_eq!(out, [3.0, -0.5]);
    }

    #[test]
    fn ties_go_to_the_lower_option() {
        assert_eq!(best_option(&[0.0]), 0);
        assert_eq!(best_option(&[-1.0]), 0);
        assert_eq!(best_option(&[2.0, 2.0]), 1);
        assert_eq!(best_option(&[1.0, 2.0]), 2);
        assert_eq!(component(0), None);
        assert_eq!(component(2), Some(1));
    }

    #[test]
    fn intervals_are_normal() {
        let e = Estimate { value: 10.0, se: 1.0 };
        assert!((e.low() - (10.0 - Z95)).abs() < 1e-15 && (e.high() - (10.0 + Z95)).abs() < 1e-15);
    }
}
