//! One value-of-information analysis of a scenario (`cradle voi`): EVPI,
//! each parameter's binned EVPPI, each group's regression EVPPI, the
//! population EVPI over a horizon and the decision curve, from one pass of
//! the engine's chunk loop.
//!
//! The decision is fund or not: the net benefit of funding is the metric
//! (default `net_savings`), of not funding 0 (see [`crate::voi`]).
//!
//! **How it streams.** Chunk k is filled by the run's design (the scenario's
//! sampler, with `[[correlation]]` applied) and evaluated; θ is each
//! parameter's own input column and NB the metric's column. Each chunk then
//! gives:
//! - its EVPI sums and, for every parameter, the cell of each draw (its bin
//!   on θ against the boundaries F⁻¹(k/K) of the parameter's law, and its
//!   fold): binning on θ against quantile boundaries is binning on
//!   u = F(θ), whatever the sampler, and the correlation leaves marginals
//!   as they are;
//! - with `--sweep`, the EVPI sums of every value of the grid;
//! - while the run is within its first R rows, those rows of the groups'
//!   inputs and of NB.
//!
//! The chunks' results come back in chunk order; each is turned into dense
//! per-cell sums ([`ChunkVoi`]) and pushed into a [`VoiState`], which merges
//! them along a fixed tree over chunk indices. So the result is the same
//! bits on any number of threads, and for a run cut into ranges
//! ([`VoiPlan::run_range`], [`VoiState::append`]). Memory is bounded by one
//! wave of compact per-draw cells plus the tree's O(log chunks) nodes,
//! whatever n.
//!
//! **The regression sample.** Least squares on a spline basis keeps an
//! R × terms matrix in memory (several copies), so a group's EVPPI uses the
//! run's first R = min(n, [`REGRESSION_ROWS`]) draws (in chunk order, so
//! the same draws on any thread count), and says so in voi_run.csv.

use super::state::{ChunkVoi, Shape, VoiState};
use super::{
    BinnedEstimate, BinnedEvppi, EvpiAccumulator, EvpiEstimate, EvppiRow, GroupSpec, PopulationEvpi, PsaTable,
    RegressionConfig, RegressionEstimate, SweepRow, SweepSpec, TableRequest, VoiRow, analyse_table, default_bins,
    fixed_scenario, nearest, regression_evppi,
};
use crate::chunk::{CHUNK_SIZE, chunk_count, first_iteration};
use crate::discount::Years;
use crate::engine::{output_slice, run_chunks};
use crate::error::{Error, Result};
use crate::model::{Model, Workspace};
use crate::sampling::{Design, Purpose, Sampler, purpose_rng};
use crate::scenario::Scenario;

/// Default R: a group's regression uses the run's first 2^16 draws.
pub const REGRESSION_ROWS: u64 = 1 << 16;

/// What to analyse.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiConfig {
    /// The metric used as the net benefit of funding; `None` for
    /// `net_savings`, else the first metric.
    pub metric: Option<String>,
    /// Parameters for binned EVPPI; `None` for every uncertain parameter.
    pub parameters: Option<Vec<String>>,
    /// Groups for regression EVPPI, besides the scenario's `[[group]]`s.
    pub groups: Vec<GroupSpec>,
    /// Horizon H for the population EVPI, in years.
    pub horizon: Option<Years>,
    /// The decision curve, if asked for.
    pub sweep: Option<SweepSpec>,
    /// Iterations n (≥ 1).
    pub iterations: u64,
    /// Seed of the random streams.
    pub seed: u64,
    /// Sampling design.
    pub sampler: Sampler,
    /// Bins K per parameter; `None` for [`default_bins`] of n.
    pub bins: Option<usize>,
    /// The cap R on the regression sample.
    pub regression_rows: u64,
    /// Settings of the regressions.
    pub regression: RegressionConfig,
}

impl VoiConfig {
    /// The defaults for a scenario: its `[settings]` iterations, seed and
    /// sampler, `net_savings`, every uncertain parameter, no horizon or sweep.
    pub fn for_scenario(scenario: &Scenario) -> VoiConfig {
        VoiConfig {
            metric: None,
            parameters: None,
            groups: Vec::new(),
            horizon: None,
            sweep: None,
            iterations: scenario.settings.iterations,
            seed: scenario.settings.seed,
            sampler: scenario.settings.sampler,
            bins: None,
            regression_rows: REGRESSION_ROWS,
            regression: RegressionConfig::default(),
        }
    }
}

/// Everything an analysis found.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiResult {
    /// The metric used as net benefit (for given data, the net-benefit
    /// columns joined by `;`).
    pub metric: String,
    /// EVPI per cohort (per decision).
    pub evpi: EvpiEstimate,
    /// EVPI over the horizon, when one was given.
    pub population: Option<PopulationEvpi>,
    /// Binned EVPPI of each parameter, in the order analysed.
    pub binned: Vec<(String, BinnedEstimate)>,
    /// Regression EVPPI of each group: the scenario's, then the command line's.
    pub grouped: Vec<(GroupSpec, RegressionEstimate)>,
    /// The decision curve (empty without a sweep).
    pub sweep: Vec<SweepRow>,
    /// Bins K asked for per parameter.
    pub bins: usize,
    /// Draws R the regressions used (0 without groups).
    pub regression_rows: u64,
    /// Replicates behind each regression's standard error.
    pub regression_draws: usize,
    /// Remarks on how the analysis was done.
    pub notes: Vec<String>,
    /// Problems with the results (e.g. non-finite net benefits left out).
    pub warnings: Vec<String>,
}

impl VoiResult {
    /// The voi.csv row.
    pub fn voi_row(&self) -> VoiRow {
        let population = self.population.as_ref().map(|p| (p.evpi.value, p.horizon));
        VoiRow::new(&self.metric, &self.evpi, population)
    }

    /// The evppi.csv rows: parameters first, then groups.
    pub fn evppi_rows(&self) -> Vec<EvppiRow> {
        let evpi = self.evpi.evpi.value;
        let mut rows: Vec<EvppiRow> = self
            .binned
            .iter()
            .map(|(name, e)| EvppiRow::binned(&self.metric, name, e, evpi))
            .collect();
        for (group, e) in &self.grouped {
            rows.push(EvppiRow::regression(&self.metric, &group.name, e, evpi));
        }
        rows
    }
}

/// A resolved analysis of one scenario: which columns, which bins, which
/// models for the sweep. [`VoiPlan::run_range`] runs any range of its
/// chunks; [`VoiPlan::finish`] reads the result off the state of all of them.
#[derive(Debug)]
pub struct VoiPlan<'a> {
    scenario: &'a Scenario,
    model: &'a Model,
    config: VoiConfig,
    design: Design,
    /// The metric's index in `model.outputs`, and its name.
    metric: (usize, String),
    /// Model input index of each parameter analysed.
    parameters: Vec<usize>,
    /// An empty binned accumulator per parameter (bins and shift).
    templates: Vec<BinnedEvppi>,
    /// Each group with the model input index of each member.
    groups: Vec<(GroupSpec, Vec<usize>)>,
    /// The inputs whose first R rows are kept (every group's members, once).
    regression_inputs: Vec<usize>,
    /// R (0 without groups).
    regression_rows: u64,
    bins: usize,
    /// The swept parameter and, per value, its model, design and metric index.
    sweep: Option<(String, Vec<SweepPoint>)>,
    notes: Vec<String>,
}

/// One value of the sweep's grid.
#[derive(Debug)]
struct SweepPoint {
    value: f64,
    model: Model,
    design: Design,
    metric: usize,
}

/// What one worker thread keeps across chunks.
struct Worker {
    ws: Workspace,
    /// For the sweep's models (as many columns as the largest needs).
    sweep_ws: Workspace,
    scratch: Vec<f64>,
}

/// One chunk's results, before they join the state (compact: the dense
/// per-cell sums are made in chunk order, so a wave in flight holds only
/// one cell number per parameter and draw).
struct ChunkRows {
    evpi: EvpiAccumulator,
    nb: Vec<f64>,
    /// Parameter p's cells are `cells[p·len .. (p + 1)·len]`.
    cells: Vec<u32>,
    sweep: Vec<EvpiAccumulator>,
    rows: Option<Vec<Vec<f64>>>,
}

/// A workspace of `columns` columns of a chunk's rows.
fn workspace(columns: usize) -> Workspace {
    Workspace {
        cols: vec![vec![0.0; CHUNK_SIZE]; columns],
    }
}

/// The model input index of parameter `name`, or an error for `flag` that
/// says what `name` is instead (a derived value, a metric, unknown: with
/// the nearest parameter and the list). With `uncertain`, a fixed parameter
/// is an error too.
fn resolve_parameter(scenario: &Scenario, model: &Model, flag: &str, name: &str, uncertain: bool) -> Result<usize> {
    if let Some(i) = model.inputs.iter().position(|p| p.name == name) {
        if uncertain && model.inputs[i].dist.is_fixed() {
            return Err(Error::Config(format!(
                "{flag}: '{name}' is fixed (dist = \"fixed\"), so there is nothing to learn about it: its EVPPI is 0; name uncertain parameters"
            )));
        }
        return Ok(i);
    }
    let candidates: Vec<String> = model
        .inputs
        .iter()
        .filter(|p| !uncertain || !p.dist.is_fixed())
        .map(|p| p.name.clone())
        .collect();
    let what = if scenario.derived.iter().any(|d| d.name == name) {
        format!(
            "'{name}' is a [derived] value, not a parameter: name the parameters it is computed from{}",
            if flag == "--sweep" {
                " (a derived value cannot be held fixed while its inputs vary)"
            } else {
                " (or group them with --group)"
            }
        )
    } else if model.outputs.iter().any(|o| o.name == name) {
        format!("'{name}' is a metric or a domain, not a parameter")
    } else {
        let hint = nearest(name, &candidates).map_or_else(String::new, |n| format!(" (did you mean '{n}'?)"));
        format!("unknown parameter '{name}'{hint}")
    };
    Err(Error::Config(format!(
        "{flag}: {what}; the {}parameters are: {}",
        if uncertain { "uncertain " } else { "" },
        candidates.join(", ")
    )))
}

/// The metric's index in `model.outputs` and its name, or an error listing
/// the metrics with the nearest as a "did you mean".
fn resolve_metric(model: &Model, name: Option<&str>) -> Result<(usize, String)> {
    let name = name.map_or_else(|| model.metric_or_first("net_savings"), str::to_string);
    match model.metric_index(&name) {
        Ok(i) => Ok((i, name)),
        Err(_) => {
            let metrics: Vec<String> = model.outputs[..model.n_metrics]
                .iter()
                .map(|o| o.name.clone())
                .collect();
            let hint = nearest(&name, &metrics).map_or_else(String::new, |n| format!(" (did you mean '{n}'?)"));
            Err(Error::Config(format!(
                "--metric: unknown metric '{name}'{hint}; the metrics are: {}",
                metrics.join(", ")
            )))
        }
    }
}

impl<'a> VoiPlan<'a> {
    /// Check `config` against the scenario and resolve every name. All
    /// problems with parameter and group names are reported together.
    pub fn new(scenario: &'a Scenario, model: &'a Model, config: &VoiConfig) -> Result<VoiPlan<'a>> {
        if config.iterations == 0 {
            return Err(Error::Config("-n/--iterations must be at least 1".into()));
        }
        if config.horizon == Some(0) {
            return Err(Error::Config(
                "--horizon must be at least 1 year (the number of annual cohorts the decision affects)".into(),
            ));
        }
        let metric = resolve_metric(model, config.metric.as_deref())?;
        let mut problems = Vec::new();
        let mut parameters = Vec::new();
        match &config.parameters {
            None => parameters.extend((0..model.inputs.len()).filter(|&i| !model.inputs[i].dist.is_fixed())),
            Some(names) => {
                for name in names {
                    match resolve_parameter(scenario, model, "--parameters", name, true) {
                        Ok(i) if !parameters.contains(&i) => parameters.push(i),
                        Ok(_) => {}
                        Err(e) => problems.push(e),
                    }
                }
            }
        }
        let mut specs: Vec<GroupSpec> = scenario
            .groups
            .iter()
            .map(|g| GroupSpec {
                name: g.name.clone(),
                parameters: g.parameters.clone(),
            })
            .collect();
        let from_scenario = specs.len();
        specs.extend(config.groups.iter().cloned());
        if let Err(e) = super::group::check_distinct(&specs) {
            problems.push(e);
        }
        let regression_rows = config.regression_rows.max(1).min(config.iterations);
        let mut groups = Vec::new();
        for (g, spec) in specs.into_iter().enumerate() {
            let flag = if g < from_scenario {
                format!("[[group]] {}", spec.name)
            } else {
                format!("--group {}", spec.name)
            };
            let fewest = super::min_draws(spec.parameters.len());
            if config.regression.knots.is_none() && regression_rows < fewest as u64 {
                problems.push(Error::Config(format!(
                    "{flag} ({}): a regression on {} parameter{} needs at least {fewest} draws; -n {} gives {regression_rows}: raise -n",
                    spec.members(),
                    spec.parameters.len(),
                    if spec.parameters.len() == 1 { "" } else { "s" },
                    config.iterations
                )));
            }
            let members: Vec<Result<usize>> = spec
                .parameters
                .iter()
                .map(|p| resolve_parameter(scenario, model, &flag, p, true))
                .collect();
            let mut indices = Vec::new();
            for m in members {
                match m {
                    Ok(i) => indices.push(i),
                    Err(e) => problems.push(e),
                }
            }
            groups.push((spec, indices));
        }
        // Model inputs are the scenario's parameters, in the same order.
        let swept = match &config.sweep {
            Some(spec) => match resolve_parameter(scenario, model, "--sweep", &spec.parameter, false) {
                Ok(i) => Some(i),
                Err(e) => {
                    problems.push(e);
                    None
                }
            },
            None => None,
        };
        if let Some(e) = Error::from_list(problems) {
            return Err(e);
        }

        let n = config.iterations;
        let design = Design::new(config.sampler, model, n, config.seed)?;
        let bins = config.bins.unwrap_or_else(|| default_bins(n)).max(1);
        // Sums about the base case keep the sums of squares well conditioned.
        let base = model.base_case()[metric.0];
        let shift = if base.is_finite() { base } else { 0.0 };
        let templates = parameters
            .iter()
            .map(|&i| Ok(BinnedEvppi::for_dist(&model.inputs[i].dist, bins, 1)?.with_shift(&[shift])))
            .collect::<Result<Vec<_>>>()?;
        let mut regression_inputs: Vec<usize> = Vec::new();
        for (_, members) in &groups {
            for &i in members {
                if !regression_inputs.contains(&i) {
                    regression_inputs.push(i);
                }
            }
        }
        let regression_rows = if groups.is_empty() { 0 } else { regression_rows };
        let mut notes = Vec::new();
        if model.correlation.is_some() {
            notes.push(
                "[[correlation]] is applied to the draws; each parameter is still binned on its own law's quantiles, which its marginal keeps".into(),
            );
        }
        let sweep = match (&config.sweep, swept) {
            (Some(spec), Some(index)) => {
                let mut points = Vec::new();
                for value in spec.values() {
                    let fixed = fixed_scenario(scenario, index, value)?;
                    let model = Model::new(&fixed).map_err(|e| {
                        Error::Config(format!(
                            "--sweep: with {} = {value} the base case is not finite ({e}); choose a range where the model is defined",
                            spec.parameter
                        ))
                    })?;
                    let design = Design::new(config.sampler, &model, n, config.seed)?;
                    let metric = model.metric_index(&metric.1)?;
                    points.push(SweepPoint {
                        value,
                        model,
                        design,
                        metric,
                    });
                }
                if scenario.parameters[index].dist.is_fixed() {
                    notes.push(format!(
                        "--sweep: '{}' is fixed in the scenario; the sweep sets it to each value in turn",
                        spec.parameter
                    ));
                }
                Some((spec.parameter.clone(), points))
            }
            _ => None,
        };
        Ok(VoiPlan {
            scenario,
            model,
            config: config.clone(),
            design,
            metric,
            parameters,
            templates,
            groups,
            regression_inputs,
            regression_rows,
            bins,
            sweep,
            notes,
        })
    }

    /// Run every chunk on `pool` and read off the result.
    pub fn analyse(&self, pool: &rayon::ThreadPool) -> Result<VoiResult> {
        let state = self.run_range((0, self.chunks()), pool)?;
        self.finish(&state)
    }

    /// Chunks in the whole run.
    pub fn chunks(&self) -> u64 {
        chunk_count(self.config.iterations)
    }

    /// What was asked (as given, before defaults were resolved).
    pub fn config(&self) -> &VoiConfig {
        &self.config
    }

    /// The sizes a state of this plan has.
    fn shape(&self) -> Shape<'_> {
        Shape {
            iterations: self.config.iterations,
            regression_cap: self.regression_rows,
            columns: self.regression_inputs.len() + 1,
            templates: &self.templates,
            sweep: self.sweep.as_ref().map_or(0, |(_, points)| points.len()),
        }
    }

    /// Check `state`, read from a file, as this plan's state of chunks
    /// `first..end`: every size and count as [`VoiPlan::run_range`] would
    /// have made them (see `VoiState`'s module docs). Returns what is
    /// wrong; a state that passes joins and finishes without a panic.
    pub fn check_state(&self, state: &VoiState, chunks: (u64, u64)) -> std::result::Result<(), String> {
        state.check(&self.shape(), chunks)
    }

    /// Run chunks `first..end` on `pool` and return what they accumulated
    /// (an empty state when `first == end`: a shard of a run with more
    /// shards than chunks).
    pub fn run_range(&self, (first, end): (u64, u64), pool: &rayon::ThreadPool) -> Result<VoiState> {
        if !(first <= end && end <= self.chunks()) {
            return Err(Error::Config(format!(
                "chunks {first}..{end} are not a range of this run's {} chunks",
                self.chunks()
            )));
        }
        let columns = self.regression_inputs.len() + 1;
        let mut state = VoiState::new(self.config.iterations, self.regression_rows, columns);
        if first == end {
            return Ok(state);
        }
        let sweep_columns = self.sweep.as_ref().map_or(0, |(_, points)| {
            points
                .iter()
                .map(|p| p.model.workspace(0).cols.len())
                .max()
                .unwrap_or(0)
        });
        let mut next = first;
        run_chunks(
            self.config.iterations,
            (first, end),
            pool,
            || Worker {
                ws: self.model.workspace(CHUNK_SIZE),
                sweep_ws: workspace(sweep_columns),
                scratch: Vec::new(),
            },
            |worker, index, len| self.chunk(worker, index, len),
            |chunks, _, _| {
                for chunk in chunks {
                    state.push_chunk(next, self.sums(&chunk), chunk.rows);
                    next += 1;
                }
                Ok(false)
            },
        )?;
        Ok(state)
    }

    /// Fill, evaluate and bin chunk `index` (`len` draws).
    fn chunk(&self, worker: &mut Worker, index: u64, len: usize) -> ChunkRows {
        let first = first_iteration(index);
        let ws = &mut worker.ws;
        self.design.fill(self.model, ws, index, len);
        self.model.evaluate(ws, len);
        let nb = output_slice(ws, self.model.outputs[self.metric.0].operand, len, &mut worker.scratch).to_vec();
        let mut evpi = EvpiAccumulator::new(1);
        evpi.add(&[&nb]);
        let mut cells = Vec::with_capacity(self.parameters.len() * len);
        let mut part = Vec::with_capacity(len);
        for (template, &i) in self.templates.iter().zip(&self.parameters) {
            template.cells(first, &ws.cols[self.model.inputs[i].slot][..len], &mut part);
            cells.extend_from_slice(&part);
        }
        let rows = (first < self.regression_rows).then(|| {
            let keep = len.min((self.regression_rows - first) as usize);
            let mut columns: Vec<Vec<f64>> = self
                .regression_inputs
                .iter()
                .map(|&i| ws.cols[self.model.inputs[i].slot][..keep].to_vec())
                .collect();
            columns.push(nb[..keep].to_vec());
            columns
        });
        let mut sweep = Vec::new();
        if let Some((_, points)) = &self.sweep {
            let ws = &mut worker.sweep_ws;
            for point in points {
                point.design.fill(&point.model, ws, index, len);
                point.model.evaluate(ws, len);
                let values = output_slice(ws, point.model.outputs[point.metric].operand, len, &mut worker.scratch);
                let mut acc = EvpiAccumulator::new(1);
                acc.add(&[values]);
                sweep.push(acc);
            }
        }
        ChunkRows {
            evpi,
            nb,
            cells,
            sweep,
            rows,
        }
    }

    /// A chunk's dense per-cell sums.
    fn sums(&self, chunk: &ChunkRows) -> ChunkVoi {
        let len = chunk.nb.len();
        let binned = self
            .templates
            .iter()
            .enumerate()
            .map(|(p, template)| {
                let mut acc = template.empty_like();
                acc.add_cells(&chunk.cells[p * len..(p + 1) * len], &[&chunk.nb]);
                acc
            })
            .collect();
        ChunkVoi {
            evpi: chunk.evpi.clone(),
            binned,
            sweep: chunk.sweep.clone(),
        }
    }

    /// Read the result off `state`, the state of the whole run (checked
    /// first, as [`VoiPlan::check_state`] does).
    pub fn finish(&self, state: &VoiState) -> Result<VoiResult> {
        self.check_state(state, (0, self.chunks())).map_err(|e| {
            Error::Config(format!(
                "the value-of-information state is not this run's state of chunks 0..{}: {e}",
                self.chunks()
            ))
        })?;
        let total = state.total().expect("the range is not empty");
        let evpi = total.evpi.estimate();
        let binned: Vec<(String, BinnedEstimate)> = self
            .parameters
            .iter()
            .zip(&total.binned)
            .map(|(&i, acc)| (self.model.inputs[i].name.clone(), acc.estimate()))
            .collect();
        let rows = state.rows();
        let nb = rows.last().expect("the net benefit is the last column");
        let mut grouped = Vec::with_capacity(self.groups.len());
        for (g, (spec, members)) in self.groups.iter().enumerate() {
            let columns: Vec<&[f64]> = members
                .iter()
                .map(|i| {
                    let k = self.regression_inputs.iter().position(|r| r == i).expect("kept");
                    rows[k].as_slice()
                })
                .collect();
            let mut rng = purpose_rng(self.config.seed, Purpose::VoiRegression, g as u64);
            let estimate = regression_evppi(&columns, &[nb], &self.config.regression, &mut rng).map_err(|e| {
                Error::Config(format!(
                    "group '{}' ({}): {e}; raise -n (the regression uses the first {} draws)",
                    spec.name,
                    spec.members(),
                    self.regression_rows
                ))
            })?;
            grouped.push((spec.clone(), estimate));
        }
        let sweep = match &self.sweep {
            Some((name, points)) => points
                .iter()
                .zip(&total.sweep)
                .map(|(point, acc)| {
                    let e = acc.estimate();
                    SweepRow {
                        parameter: name.clone(),
                        value: point.value,
                        mean_nb: e.mean_increment[1],
                        prob_positive: e.prob_best[1],
                        evpi: e.evpi.value,
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        let population = self
            .config
            .horizon
            .map(|h| PopulationEvpi::new(self.scenario, evpi.evpi, h))
            .transpose()?;
        let mut notes = self.notes.clone();
        let mut warnings = Vec::new();
        if evpi.nonfinite > 0 {
            warnings.push(format!(
                "{} of {} draws gave a non-finite {} (NaN or infinite); they are left out of every estimate",
                evpi.nonfinite, self.config.iterations, self.metric.1
            ));
        }
        if let Some(p) = &population
            && p.base_value_of_uncertain_rate
        {
            notes.push(format!(
                "--horizon: the cost discount rate is uncertain; the population EVPI uses {}",
                p.schedule
            ));
        }
        let decided = evpi.prob_best[evpi.best_on_average];
        if evpi.evpi.value > 0.0 && decided > 1.0 - 2.0 / self.bins as f64 && !binned.is_empty() {
            notes.push(format!(
                "the decision now is best in {:.1}% of draws: binned EVPPI with {} bins cannot see information that changes it only in an input's outermost 1/{} of probability; --group NAME=P gives a regression estimate of one parameter, which can",
                100.0 * decided,
                self.bins,
                self.bins
            ));
        }
        Ok(VoiResult {
            metric: self.metric.1.clone(),
            evpi,
            population,
            binned,
            grouped,
            sweep,
            bins: self.bins,
            regression_rows: self.regression_rows,
            regression_draws: self.config.regression.draws,
            notes,
            warnings,
        })
    }
}

/// The value of information of `scenario`'s decision, on `pool`
/// (deterministic for a seed, whatever the pool's size).
pub fn analyse(scenario: &Scenario, model: &Model, config: &VoiConfig, pool: &rayon::ThreadPool) -> Result<VoiResult> {
    VoiPlan::new(scenario, model, config)?.analyse(pool)
}

/// The value of information in a table of PSA draws made elsewhere
/// ([`analyse_table`]), as a [`VoiResult`]; `seed` seeds the regressions'
/// replicates.
pub fn analyse_given(table: &PsaTable, request: &TableRequest, seed: u64) -> Result<VoiResult> {
    let mut rng = purpose_rng(seed, Purpose::VoiRegression, 0);
    let analysis = analyse_table(table, request, &mut rng)?;
    let n = analysis.evpi.n;
    let mut warnings = Vec::new();
    if analysis.dropped_rows > 0 {
        warnings.push(format!(
            "{} of {} data rows of {} had a NaN or infinite value and were dropped from every column",
            analysis.dropped_rows,
            table.rows() + analysis.dropped_rows,
            table.path().display()
        ));
    }
    Ok(VoiResult {
        metric: request.nb.join(";"),
        evpi: analysis.evpi,
        population: None,
        binned: analysis.binned,
        grouped: analysis.grouped,
        sweep: Vec::new(),
        bins: request.bins.unwrap_or_else(|| default_bins(n)),
        regression_rows: if request.groups.is_empty() { 0 } else { n },
        regression_draws: request.regression.draws,
        notes: Vec::new(),
        warnings,
    })
}
