//! Variance-based (Sobol) sensitivity indices.
//!
//! Design (Saltelli 2002; Saltelli et al. 2010): two N × k matrices A and B
//! of independent points, taken from one Owen-scrambled Sobol sequence in 2k
//! dimensions (A from the first k, B from the last k) and mapped through each
//! input's quantile function. For each factor i (a parameter, or a
//! `[[group]]` of them), A_B^i is A with factor i's columns taken from B.
//! With f_A, f_B, f_{A_B^i} the model outputs and V = Var(f_A ∪ f_B):
//!
//! ```text
//! first order  S_i  = mean( f_B · (f_{A_B^i} − f_A) ) / V        (Saltelli et al. 2010, Table 2 (b))
//! total        ST_i = mean( (f_A − f_{A_B^i})² ) / (2V)          (Jansen 1999; Saltelli et al. 2010 (f))
//! second order S_ij = mean( f_{B_A^i} · f_{A_B^j} − f_A · f_B ) / V − S_i − S_j   (Saltelli 2002, as SALib)
//! ```
//!
//! Correlated inputs, as multidimensional factors (J. Jacques, C. Lavergne &
//! N. Devictor 2006, "Sensitivity analysis in presence of model uncertainty
//! and correlated inputs", Reliab. Eng. Syst. Saf. 91:1126–1134): the
//! Saltelli estimators need factors that are independent of each other, so
//! every non-zero `[[correlation]]` must lie within one factor (else an
//! error). Within a factor, the members' uniforms
//! are correlated row by row by a Gaussian copula (`sampling::copula`),
//! separately in A and in B, before each member's quantile function. A row of
//! A_B^i then holds factor i's members jointly from B and every other factor
//! from A: the joint law of the inputs, row by row. So the design is a copula
//! design, and the index of a group is the share of variance of the group as
//! a whole; it says nothing about how that share splits among the members.
//!
//! That costs N(k + 2) evaluations, or N(2k + 2) with second order. Intervals
//! are bootstrap percentiles: rows resampled with replacement (seeded,
//! one stream per resample). Every estimator is a ratio of sums over rows,
//! so all resamples' sums are one product of the resample multiplicities
//! and a table of per-row quantities ([`super::bootstrap`]). A row with any non-finite
//! output, in any matrix, is dropped from all of them and counted.

use rayon::prelude::*;

use nalgebra::DMatrix;

use super::bootstrap::RowQuantities;
use super::{Factor, MAX_BOOTSTRAP, evaluate_columns, percentile_interval};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::sampling::copula::GaussianCopula;
use crate::sampling::sobol::{MAX_DIMS, Sobol};

/// Settings of a Sobol analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolConfig {
    /// Base sample size N (a power of two; see [`round_to_power_of_two`]).
    pub base_samples: usize,
    /// Seed of the scrambling and of the bootstrap.
    pub seed: u64,
    /// Bootstrap resamples for the intervals (0: no intervals).
    pub bootstrap: usize,
    /// Also estimate second-order indices.
    pub second_order: bool,
}

/// The smallest base sample size N accepted. The indices' Monte Carlo error
/// is of order 1/√N: below 64 it exceeds 0.1, the indices can leave [0, 1]
/// by more than they measure, and they say nothing (1024 or more is usual).
pub const MIN_BASE_SAMPLES: usize = 64;

/// The largest base sample size N accepted, 2^24. The design is held in
/// memory (2k input columns and k + 2 output columns per metric, of N values
/// each), so N is bounded to keep a typo in `-n` from exhausting it; at
/// 2^24 the Monte Carlo error of an index is below 10^-3.
pub const MAX_BASE_SAMPLES: usize = 1 << 24;

/// The smallest power of two ≥ n (Sobol points balance only in powers of
/// two); `None` when there is none in `usize` (n > 2^63), never a wrapped 0.
pub fn round_to_power_of_two(n: usize) -> Option<usize> {
    n.max(2).checked_next_power_of_two()
}

/// An estimate with its bootstrap percentile interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Point estimate on all rows.
    pub value: f64,
    /// 2.5th percentile of the bootstrap estimates.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// One line of sobol.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolRow {
    /// The metric.
    pub metric: String,
    /// The factor (parameter or group).
    pub parameter: String,
    /// First-order index.
    pub s1: Estimate,
    /// Total index.
    pub st: Estimate,
}

/// One line of s2.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondOrderRow {
    /// The metric.
    pub metric: String,
    /// First factor.
    pub parameter_a: String,
    /// Second factor.
    pub parameter_b: String,
    /// Second-order index.
    pub s2: Estimate,
}

/// Everything a Sobol analysis found.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolResult {
    /// First-order and total indices.
    pub rows: Vec<SobolRow>,
    /// Second-order indices (when asked).
    pub second_order: Vec<SecondOrderRow>,
    /// Model evaluations made.
    pub evaluations: u64,
    /// Rows dropped for a non-finite output, per metric (metric name, count).
    pub dropped: Vec<(String, u64)>,
    /// Problems with the design (e.g. a correlation matrix that had to be
    /// repaired).
    pub warnings: Vec<String>,
}

/// The members of one factor that are correlated, and their copula.
struct Block {
    /// Positions of the members among the design's columns.
    columns: Vec<usize>,
    copula: GaussianCopula,
}

/// The copula of every factor whose members are correlated, after checking
/// that no non-zero correlation links two factors (or a factor and an input
/// outside every factor, which would stay at its base value). `uncertain`
/// lists the design's columns (model input indices), factor by factor.
fn blocks(model: &Model, factors: &[Factor], uncertain: &[usize]) -> Result<Vec<Block>> {
    let Some(target) = &model.correlation else {
        return Ok(Vec::new());
    };
    let input_of = |name: &String| {
        model
            .inputs
            .iter()
            .position(|i| &i.name == name)
            .ok_or_else(|| Error::Config(format!("correlated parameter '{name}' is not an input")))
    };
    let inputs: Vec<usize> = target.parameters.iter().map(input_of).collect::<Result<_>>()?;
    let factor_of = |input: usize| factors.iter().position(|f| f.inputs.contains(&input));
    let k = inputs.len();
    for i in 0..k {
        for j in i + 1..k {
            let (fi, fj) = (factor_of(inputs[i]), factor_of(inputs[j]));
            if target.matrix[i][j] != 0.0 && fi != fj {
                let name = |f: Option<usize>| {
                    f.map_or_else(|| "no factor".to_string(), |f| format!("factor '{}'", factors[f].name))
                };
                return Err(Error::Config(format!(
                    "Sobol indices: '{}' ({}) and '{}' ({}) are correlated, but factors must be independent of each other; put correlated parameters in one [[group]]",
                    target.parameters[i],
                    name(fi),
                    target.parameters[j],
                    name(fj)
                )));
            }
        }
    }
    let mut out = Vec::new();
    for (f, factor) in factors.iter().enumerate() {
        // Target positions of this factor's correlated members.
        let members: Vec<usize> = (0..k).filter(|&t| factor_of(inputs[t]) == Some(f)).collect();
        let correlated = members
            .iter()
            .any(|&a| members.iter().any(|&b| a != b && target.matrix[a][b] != 0.0));
        if !correlated {
            continue;
        }
        let rank = DMatrix::from_fn(members.len(), members.len(), |a, b| {
            target.matrix[members[a]][members[b]]
        });
        let names = members.iter().map(|&t| target.parameters[t].clone()).collect();
        let columns = members
            .iter()
            .map(|&t| {
                uncertain
                    .iter()
                    .position(|&u| u == inputs[t])
                    .expect("a factor's inputs are columns")
            })
            .collect();
        out.push(Block {
            columns,
            copula: GaussianCopula::new(names, &rank)
                .map_err(|e| Error::Config(format!("Sobol indices, factor '{}': {e}", factor.name)))?,
        });
    }
    Ok(out)
}

/// Correlate each block's columns of `matrix` (uniforms, one column per
/// design column) row by row. Blocks are independent jobs; each row is mapped
/// on its own, so the result does not depend on the thread count.
fn correlate_blocks(blocks: &[Block], matrix: &mut [Vec<f64>]) {
    let mut jobs: Vec<(&GaussianCopula, Vec<Vec<f64>>)> = blocks
        .iter()
        .map(|b| {
            (
                &b.copula,
                b.columns.iter().map(|&c| std::mem::take(&mut matrix[c])).collect(),
            )
        })
        .collect();
    jobs.par_iter_mut()
        .for_each(|(copula, columns)| copula.correlate(columns));
    for (block, (_, columns)) in blocks.iter().zip(jobs) {
        for (&c, column) in block.columns.iter().zip(columns) {
            matrix[c] = column;
        }
    }
}

/// Model outputs of the Saltelli design for one metric.
struct Outputs<'a> {
    a: &'a [f64],
    b: &'a [f64],
    ab: Vec<&'a [f64]>,
    ba: Vec<&'a [f64]>,
}

/// Indices estimated on one set of rows.
struct Indices {
    s1: Vec<f64>,
    st: Vec<f64>,
    /// Upper triangle, row by row (empty without second order).
    s2: Vec<f64>,
}

/// The indices on the rows `rows`.
fn estimate(o: &Outputs, rows: &[u32]) -> Indices {
    let n = rows.len() as f64;
    let k = o.ab.len();
    let mut sum = 0.0;
    for &j in rows {
        sum += o.a[j as usize] + o.b[j as usize];
    }
    let mean = sum / (2.0 * n);
    let mut sum_sq = 0.0;
    for &j in rows {
        let (a, b) = (o.a[j as usize] - mean, o.b[j as usize] - mean);
        sum_sq += a * a + b * b;
    }
    let variance = sum_sq / (2.0 * n);
    let second = if o.ba.is_empty() {
        0
    } else {
        k * (k.saturating_sub(1)) / 2
    };
    if variance <= (1e-12 * mean).powi(2) || variance.is_nan() {
        // A constant output (up to rounding): nothing to apportion.
        return Indices {
            s1: vec![0.0; k],
            st: vec![0.0; k],
            s2: vec![0.0; second],
        };
    }
    let mut s1 = Vec::with_capacity(k);
    let mut st = Vec::with_capacity(k);
    for ab in &o.ab {
        let (mut first, mut total) = (0.0, 0.0);
        for &j in rows {
            let j = j as usize;
            first += o.b[j] * (ab[j] - o.a[j]);
            total += (o.a[j] - ab[j]) * (o.a[j] - ab[j]);
        }
        s1.push(first / n / variance);
        st.push(total / (2.0 * n) / variance);
    }
    let mut s2 = Vec::new();
    if !o.ba.is_empty() {
        for i in 0..k {
            for jf in i + 1..k {
                let mut acc = 0.0;
                for &r in rows {
                    let r = r as usize;
                    acc += o.ba[i][r] * o.ab[jf][r] - o.a[r] * o.b[r];
                }
                s2.push(acc / n / variance - s1[i] - s1[jf]);
            }
        }
    }
    Indices { s1, st, s2 }
}

/// The per-row quantities whose sums make up the estimators of
/// [`estimate`], so that a bootstrap resample's indices come from its sums
/// (see [`super::bootstrap`]). Outputs are centred on the full sample's
/// mean `centre` for the variance (which does not change it, and keeps the
/// one-pass formula accurate); the other quantities are the estimators' own:
///
/// ```text
/// q₀ = (f_A − c) + (f_B − c)          Σq₀/2n + c          = mean
/// q₁ = (f_A − c)² + (f_B − c)²        Σq₁/2n − (Σq₀/2n)²  = V
/// per factor i:
///   f_B·(f_{A_B^i} − f_A)             Σ/n/V               = S_i
///   (f_A − f_{A_B^i})²                Σ/2n/V              = S_Ti
/// per pair i < j (second order):
///   f_{B_A^i}·f_{A_B^j} − f_A·f_B     Σ/n/V − S_i − S_j   = S_ij
/// ```
struct Quantities {
    table: RowQuantities,
    centre: f64,
    k: usize,
    second_order: bool,
}

fn row_quantities(o: &Outputs, rows: &[u32]) -> Quantities {
    let k = o.ab.len();
    let second_order = !o.ba.is_empty();
    let pairs = if second_order { k * k.saturating_sub(1) / 2 } else { 0 };
    let mut sum = 0.0;
    for &j in rows {
        sum += o.a[j as usize] + o.b[j as usize];
    }
    let centre = sum / (2.0 * rows.len() as f64);
    let mut table = RowQuantities::new(2 + 2 * k + pairs);
    let mut row = Vec::with_capacity(table.width());
    for &j in rows {
        let j = j as usize;
        let (a, b) = (o.a[j], o.b[j]);
        row.clear();
        row.push((a - centre) + (b - centre));
        row.push((a - centre) * (a - centre) + (b - centre) * (b - centre));
        for ab in &o.ab {
            row.push(b * (ab[j] - a));
            row.push((a - ab[j]) * (a - ab[j]));
        }
        if second_order {
            for i in 0..k {
                for jf in i + 1..k {
                    row.push(o.ba[i][j] * o.ab[jf][j] - a * b);
                }
            }
        }
        table.push(&row);
    }
    Quantities {
        table,
        centre,
        k,
        second_order,
    }
}

impl Quantities {
    /// The indices from one resample's sums (n draws, n = the table's rows).
    fn indices(&self, sums: &[f64]) -> Indices {
        let n = self.table.rows() as f64;
        let k = self.k;
        let shift = sums[0] / (2.0 * n);
        let mean = self.centre + shift;
        let variance = sums[1] / (2.0 * n) - shift * shift;
        let pairs = if self.second_order {
            k * k.saturating_sub(1) / 2
        } else {
            0
        };
        if variance <= (1e-12 * mean).powi(2) || variance.is_nan() {
            return Indices {
                s1: vec![0.0; k],
                st: vec![0.0; k],
                s2: vec![0.0; pairs],
            };
        }
        let s1: Vec<f64> = (0..k).map(|i| sums[2 + 2 * i] / n / variance).collect();
        let st: Vec<f64> = (0..k).map(|i| sums[3 + 2 * i] / (2.0 * n) / variance).collect();
        let mut s2 = Vec::with_capacity(pairs);
        let mut column = 2 + 2 * k;
        if self.second_order {
            for i in 0..k {
                for jf in i + 1..k {
                    s2.push(sums[column] / n / variance - s1[i] - s1[jf]);
                    column += 1;
                }
            }
        }
        Indices { s1, st, s2 }
    }
}

/// Run a Sobol analysis of `metrics` (indices into `Model::outputs`).
pub fn sobol(model: &Model, factors: &[Factor], metrics: &[usize], config: &SobolConfig) -> Result<SobolResult> {
    sobol_with(model, factors, metrics, config, &mut |_, _| {})
}

/// The steps [`sobol_with`] reports: one per evaluated matrix (A, B, then
/// each A_B^i and B_A^i), then one per metric's estimates and bootstrap.
pub fn progress_steps(factors: usize, metrics: usize, second_order: bool) -> u64 {
    let matrices = 2 + factors * if second_order { 2 } else { 1 };
    (matrices + metrics) as u64
}

/// [`sobol`], calling `progress(done, total)` after each of its
/// [`progress_steps`] (on the calling thread; nothing is printed).
pub fn sobol_with(
    model: &Model,
    factors: &[Factor],
    metrics: &[usize],
    config: &SobolConfig,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<SobolResult> {
    let uncertain: Vec<usize> = factors.iter().flat_map(|f| f.inputs.iter().copied()).collect();
    let k = uncertain.len();
    if k == 0 {
        return Err(Error::Config(
            "the scenario has no uncertain parameters to analyse".into(),
        ));
    }
    if 2 * k > MAX_DIMS {
        return Err(Error::Config(format!(
            "Sobol indices need 2k = {} dimensions; the sequence has {MAX_DIMS}",
            2 * k
        )));
    }
    let n = config.base_samples;
    if !n.is_power_of_two() || !(MIN_BASE_SAMPLES..=MAX_BASE_SAMPLES).contains(&n) {
        return Err(Error::Config(format!(
            "the Sobol base sample size must be a power of two from {MIN_BASE_SAMPLES} to 2^24 = {MAX_BASE_SAMPLES}, got {n}"
        )));
    }
    if config.bootstrap > MAX_BOOTSTRAP {
        return Err(Error::Config(format!(
            "--bootstrap must be at most {MAX_BOOTSTRAP}, got {}",
            config.bootstrap
        )));
    }
    let sequence = Sobol::new(2 * k).expect("2k checked above");

    let blocks = blocks(model, factors, &uncertain)?;

    // Uniforms of A (dimensions 0..k) and B (k..2k), one column per design column.
    let uniforms: Vec<(Vec<f64>, Vec<f64>)> = (0..k)
        .into_par_iter()
        .map(|c| {
            let a = (0..n as u32).map(|j| sequence.scrambled(j, c, config.seed)).collect();
            let b = (0..n as u32)
                .map(|j| sequence.scrambled(j, k + c, config.seed))
                .collect();
            (a, b)
        })
        .collect();
    let (mut a_units, mut b_units): (Vec<Vec<f64>>, Vec<Vec<f64>>) = uniforms.into_iter().unzip();
    correlate_blocks(&blocks, &mut a_units);
    correlate_blocks(&blocks, &mut b_units);

    // Input columns of A and B for every model input (fixed inputs stay empty: base value).
    let mut a_cols: Vec<Vec<f64>> = vec![Vec::new(); model.inputs.len()];
    let mut b_cols: Vec<Vec<f64>> = vec![Vec::new(); model.inputs.len()];
    let columns: Vec<(Vec<f64>, Vec<f64>)> = uncertain
        .par_iter()
        .zip(a_units.into_par_iter().zip(b_units))
        .map(|(&input, (a, b))| {
            let dist = &model.inputs[input].dist;
            (
                a.into_iter().map(|u| dist.quantile(u)).collect(),
                b.into_iter().map(|u| dist.quantile(u)).collect(),
            )
        })
        .collect();
    for (&input, (a, b)) in uncertain.iter().zip(columns) {
        a_cols[input] = a;
        b_cols[input] = b;
    }
    let mix = |base: &[Vec<f64>], other: &[Vec<f64>], factor: &Factor| -> Vec<Vec<f64>> {
        let mut cols = base.to_vec();
        for &i in &factor.inputs {
            cols[i] = other[i].clone();
        }
        cols
    };
    let total = progress_steps(factors.len(), metrics.len(), config.second_order);
    let mut done = 0;
    let mut step = |progress: &mut (dyn FnMut(u64, u64) + Send)| {
        done += 1;
        progress(done, total);
    };
    let f_a = evaluate_columns(model, &a_cols, metrics);
    step(progress);
    let f_b = evaluate_columns(model, &b_cols, metrics);
    step(progress);
    let mut f_ab: Vec<Vec<Vec<f64>>> = Vec::with_capacity(factors.len());
    for f in factors {
        f_ab.push(evaluate_columns(model, &mix(&a_cols, &b_cols, f), metrics));
        step(progress);
    }
    let mut f_ba: Vec<Vec<Vec<f64>>> = Vec::new();
    if config.second_order {
        for f in factors {
            f_ba.push(evaluate_columns(model, &mix(&b_cols, &a_cols, f), metrics));
            step(progress);
        }
    }
    let evaluated_blocks = 2 + factors.len() * if config.second_order { 2 } else { 1 };

    let mut result = SobolResult {
        rows: Vec::new(),
        second_order: Vec::new(),
        evaluations: (evaluated_blocks * n) as u64,
        dropped: Vec::new(),
        warnings: blocks.iter().filter_map(|b| b.copula.repair_warning()).collect(),
    };
    for (mi, &metric) in metrics.iter().enumerate() {
        let name = &model.outputs[metric].name;
        let outputs = Outputs {
            a: &f_a[mi],
            b: &f_b[mi],
            ab: f_ab.iter().map(|block| block[mi].as_slice()).collect(),
            ba: f_ba.iter().map(|block| block[mi].as_slice()).collect(),
        };
        let finite = |j: usize| {
            outputs.a[j].is_finite()
                && outputs.b[j].is_finite()
                && outputs.ab.iter().all(|c| c[j].is_finite())
                && outputs.ba.iter().all(|c| c[j].is_finite())
        };
        let rows: Vec<u32> = (0..n).filter(|&j| finite(j)).map(|j| j as u32).collect();
        result.dropped.push((name.clone(), (n - rows.len()) as u64));
        if rows.len() < 2 {
            return Err(Error::Config(format!(
                "metric '{name}': fewer than two Sobol rows have finite outputs"
            )));
        }
        let point = estimate(&outputs, &rows);
        let boot = if config.bootstrap == 0 {
            Vec::new()
        } else {
            let quantities = row_quantities(&outputs, &rows);
            quantities
                .table
                .resampled_sums(config.bootstrap, config.seed, (mi * config.bootstrap) as u64)
                .iter()
                .map(|sums| quantities.indices(sums))
                .collect()
        };
        let interval = |value: f64, pick: &dyn Fn(&Indices) -> f64| -> Estimate {
            if boot.is_empty() {
                return Estimate {
                    value,
                    low: f64::NAN,
                    high: f64::NAN,
                };
            }
            let mut values: Vec<f64> = boot.iter().map(pick).collect();
            let (low, high) = percentile_interval(&mut values);
            Estimate { value, low, high }
        };
        for (i, factor) in factors.iter().enumerate() {
            result.rows.push(SobolRow {
                metric: name.clone(),
                parameter: factor.name.clone(),
                s1: interval(point.s1[i], &|b| b.s1[i]),
                st: interval(point.st[i], &|b| b.st[i]),
            });
        }
        let pairs = (0..factors.len()).flat_map(|i| (i + 1..factors.len()).map(move |j| (i, j)));
        for (p, (i, j)) in pairs.enumerate().take(point.s2.len()) {
            result.second_order.push(SecondOrderRow {
                metric: name.clone(),
                parameter_a: factors[i].name.clone(),
                parameter_b: factors[j].name.clone(),
                s2: interval(point.s2[p], &|b| b.s2[p]),
            });
        }
        step(progress);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_from_sums_equal_the_direct_estimate() {
        // A small design with known structure: f = x1 + 2·x2 + x1·x3 on
        // pseudo-random columns; both routes must agree to rounding.
        let n = 500;
        let col = |seed: usize| -> Vec<f64> {
            (0..n)
                .map(|j| (((j + 1) * (seed * 7919 + 13)) % 1009) as f64 / 1009.0)
                .collect()
        };
        let (x, y) = ([col(1), col(2), col(3)], [col(4), col(5), col(6)]);
        let f =
            |v: [&Vec<f64>; 3]| -> Vec<f64> { (0..n).map(|j| v[0][j] + 2.0 * v[1][j] + v[0][j] * v[2][j]).collect() };
        let a = f([&x[0], &x[1], &x[2]]);
        let b = f([&y[0], &y[1], &y[2]]);
        let ab: Vec<Vec<f64>> = vec![
            f([&y[0], &x[1], &x[2]]),
            f([&x[0], &y[1], &x[2]]),
            f([&x[0], &x[1], &y[2]]),
        ];
        let ba: Vec<Vec<f64>> = vec![
            f([&x[0], &y[1], &y[2]]),
            f([&y[0], &x[1], &y[2]]),
            f([&y[0], &y[1], &x[2]]),
        ];
        let outputs = Outputs {
            a: &a,
            b: &b,
            ab: ab.iter().map(Vec::as_slice).collect(),
            ba: ba.iter().map(Vec::as_slice).collect(),
        };
        let rows: Vec<u32> = (0..n as u32).collect();
        let direct = estimate(&outputs, &rows);
        let quantities = row_quantities(&outputs, &rows);
        let from_sums = quantities.indices(&quantities.table.sums());
        let close = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-12);
        assert!(close(&direct.s1, &from_sums.s1), "{:?} {:?}", direct.s1, from_sums.s1);
        assert!(close(&direct.st, &from_sums.st));
        assert_eq!(direct.s2.len(), 3);
        assert!(close(&direct.s2, &from_sums.s2));
    }

    #[test]
    fn powers_of_two() {
        assert_eq!(round_to_power_of_two(1000), Some(1024));
        assert_eq!(round_to_power_of_two(1024), Some(1024));
        assert_eq!(round_to_power_of_two(0), Some(2));
        // No wrap to 0 past the largest power of two.
        assert_eq!(round_to_power_of_two((1 << 63) + 1), None);
        assert_eq!(round_to_power_of_two(usize::MAX), None);
    }

    #[test]
    fn estimators_on_an_additive_function_by_hand() {
        // f = x1 + 2·x2 on a tiny design where A_B^i can be written down.
        let (a1, a2) = ([0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0]);
        let (b1, b2) = ([1.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.5, 0.5]);
        let f = |x1: f64, x2: f64| x1 + 2.0 * x2;
        let fa: Vec<f64> = (0..4).map(|j| f(a1[j], a2[j])).collect();
        let fb: Vec<f64> = (0..4).map(|j| f(b1[j], b2[j])).collect();
        let fab1: Vec<f64> = (0..4).map(|j| f(b1[j], a2[j])).collect();
        let fab2: Vec<f64> = (0..4).map(|j| f(a1[j], b2[j])).collect();
        let o = Outputs {
            a: &fa,
            b: &fb,
            ab: vec![&fab1, &fab2],
            ba: Vec::new(),
        };
        let rows = [0, 1, 2, 3];
        let Indices { s1, st, .. } = estimate(&o, &rows);
        let all: Vec<f64> = fa.iter().chain(&fb).copied().collect();
        let mean = all.iter().sum::<f64>() / 8.0;
        let var = all.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 8.0;
        let s1_1: f64 = (0..4).map(|j| fb[j] * (fab1[j] - fa[j])).sum::<f64>() / 4.0 / var;
        let st_2: f64 = (0..4).map(|j| (fa[j] - fab2[j]).powi(2)).sum::<f64>() / 8.0 / var;
        assert!((s1[0] - s1_1).abs() < 1e-15 && (st[1] - st_2).abs() < 1e-15);
    }
}
