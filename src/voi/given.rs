//! Value of information from given data: EVPI, each input's binned EVPPI
//! and each group's regression EVPPI, from a [`PsaTable`] of draws made
//! elsewhere (e.g. by a model in R or Excel).
//!
//! The input distributions are unknown here, so each input is binned on the
//! sample's own quantiles: K equal-count bins after sorting, Strong &
//! Oakley's (2013) original sorting estimator, with the same cross-fitting
//! and standard error as in the engine ([`super::binned`]).

use rand::Rng;

use super::{
    BinnedEstimate, BinnedEvppi, EvpiAccumulator, EvpiEstimate, EvppiRow, GroupSpec, PsaTable, RegressionConfig,
    RegressionEstimate, VoiRow, default_bins, increments, option_count, regression_evppi,
};
use crate::discount::Years;
use crate::error::{Error, Result};

/// What to compute from a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableRequest {
    /// Net-benefit columns, one per option (one column: fund or not).
    pub nb: Vec<String>,
    /// Inputs for binned EVPPI; `None` for every column that is not a net benefit.
    pub parameters: Option<Vec<String>>,
    /// Groups of inputs for regression EVPPI.
    pub groups: Vec<GroupSpec>,
    /// Bins per input; `None` for [`default_bins`] of the rows kept.
    pub bins: Option<usize>,
    /// Settings of the regressions.
    pub regression: RegressionConfig,
}

/// The value of information in a table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableAnalysis {
    /// EVPI.
    pub evpi: EvpiEstimate,
    /// Binned EVPPI of each input, in the order asked.
    pub binned: Vec<(String, BinnedEstimate)>,
    /// Regression EVPPI of each group, in the order asked.
    pub grouped: Vec<(GroupSpec, RegressionEstimate)>,
    /// Rows of the table dropped for a NaN or infinite value.
    pub dropped_rows: usize,
}

impl TableAnalysis {
    /// The voi.csv row, with the population EVPI when given as (value, H).
    pub fn voi_row(&self, metric: &str, population: Option<(f64, Years)>) -> VoiRow {
        VoiRow::new(metric, &self.evpi, population)
    }

    /// The evppi.csv rows: binned inputs first, then groups.
    pub fn evppi_rows(&self, metric: &str) -> Vec<EvppiRow> {
        let evpi = self.evpi.evpi.value;
        let mut rows: Vec<EvppiRow> = self
            .binned
            .iter()
            .map(|(name, e)| EvppiRow::binned(metric, name, e, evpi))
            .collect();
        for (group, e) in &self.grouped {
            rows.push(EvppiRow::regression(metric, &group.name, e, evpi));
        }
        rows
    }
}

/// The columns a request names, checked against a table.
struct Columns<'t> {
    parameters: Vec<String>,
    nb: Vec<&'t [f64]>,
    inputs: Vec<&'t [f64]>,
    groups: Vec<Vec<&'t [f64]>>,
}

impl TableRequest {
    /// Check this request against `table` without computing anything: the
    /// columns exist, no input is a net-benefit column, group names are
    /// distinct, and the table has rows enough for each group's regression
    /// ([`super::min_draws`]). Every problem is reported together. A
    /// command calls this before it opens its output directory.
    pub fn check(&self, table: &PsaTable) -> Result<()> {
        resolve(table, self).map(|_| ())
    }
}

fn resolve<'t>(table: &'t PsaTable, request: &TableRequest) -> Result<Columns<'t>> {
    if request.nb.is_empty() {
        return Err(Error::Config(
            "name at least one net-benefit column (one per option; one column means fund or not)".into(),
        ));
    }
    if table.rows() < 2 {
        return Err(Error::Config(format!(
            "{}: {} rows with finite values ({} dropped for nan or inf); at least 2 are needed",
            table.path().display(),
            table.rows(),
            table.dropped()
        )));
    }
    let parameters: Vec<String> = match &request.parameters {
        Some(p) => p.clone(),
        None => table
            .names()
            .iter()
            .filter(|n| !request.nb.contains(n))
            .cloned()
            .collect(),
    };
    let mut problems = Vec::new();
    let nb = table.columns(&request.nb);
    let inputs = table.columns(&parameters);
    for name in parameters
        .iter()
        .chain(request.groups.iter().flat_map(|g| g.parameters.iter()))
    {
        if request.nb.contains(name) {
            problems.push(Error::Config(format!("'{name}' is a net-benefit column, not an input")));
        }
    }
    if let Err(e) = super::group::check_distinct(&request.groups) {
        problems.push(e);
    }
    let mut groups = Vec::with_capacity(request.groups.len());
    for group in &request.groups {
        if group.parameters.is_empty() {
            problems.push(Error::Config(format!(
                "group '{}' must name at least one input",
                group.name
            )));
        } else if request.regression.knots.is_none() && table.rows() < super::min_draws(group.parameters.len()) {
            problems.push(Error::Config(format!(
                "--group {} ({}): a regression on {} input{} needs at least {} rows with finite values; {} has {}",
                group.name,
                group.members(),
                group.parameters.len(),
                if group.parameters.len() == 1 { "" } else { "s" },
                super::min_draws(group.parameters.len()),
                table.path().display(),
                table.rows()
            )));
        }
        match table.columns(&group.parameters) {
            Ok(g) => groups.push(g),
            Err(e) => problems.push(e),
        }
    }
    match (nb, inputs) {
        (Ok(nb), Ok(inputs)) if problems.is_empty() => Ok(Columns {
            parameters,
            nb,
            inputs,
            groups,
        }),
        (nb, inputs) => {
            let mut all: Vec<Error> = nb.err().into_iter().chain(inputs.err()).collect();
            all.append(&mut problems);
            Err(Error::from_list(all).expect("a problem was found"))
        }
    }
}

/// Compute EVPI and the requested EVPPIs from `table` (checked as by
/// [`TableRequest::check`]); `rng` draws the regression replicates
/// (deterministic for a seeded generator).
pub fn analyse_table<R: Rng + ?Sized>(table: &PsaTable, request: &TableRequest, rng: &mut R) -> Result<TableAnalysis> {
    let Columns {
        parameters,
        nb,
        inputs,
        groups,
    } = resolve(table, request)?;

    let mut evpi = EvpiAccumulator::new(nb.len());
    evpi.add(&nb);
    let n = table.rows() as u64;
    let bins = request.bins.unwrap_or_else(|| default_bins(n));
    // Sums about the first row's incremental net benefits stay well conditioned.
    let mut shift = vec![0.0; option_count(nb.len()) - 1];
    increments(&nb, 0, &mut shift);
    let mut binned = Vec::with_capacity(parameters.len());
    for (name, theta) in parameters.iter().zip(&inputs) {
        let mut acc = BinnedEvppi::for_sample(theta, bins, nb.len())?.with_shift(&shift);
        acc.add(0, theta, &nb);
        binned.push((name.clone(), acc.estimate()));
    }
    let mut grouped = Vec::with_capacity(groups.len());
    for (group, columns) in request.groups.iter().zip(&groups) {
        let estimate = regression_evppi(columns, &nb, &request.regression, rng).map_err(|e| match e {
            Error::Config(m) => Error::Config(format!("group '{}' ({}): {m}", group.name, group.members())),
            other => other,
        })?;
        grouped.push((group.clone(), estimate));
    }
    Ok(TableAnalysis {
        evpi: evpi.estimate(),
        binned,
        grouped,
        dropped_rows: table.dropped(),
    })
}
