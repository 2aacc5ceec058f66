//! Given-data sensitivity from a plain Monte Carlo sample: partial rank
//! correlation coefficients (PRCC) and standardised regression coefficients
//! (SRC). Marino, Hogue, Ray & Kirschner (2008), "A methodology for
//! performing global uncertainty and sensitivity analysis in systems
//! biology", J. Theor. Biol. 254:178–196.
//!
//! With R the correlation matrix of the ranks of [x_1 … x_k, y] and
//! P = R⁻¹, the partial correlation of x_i and y given the other inputs is
//! PRCC_i = −P_iy / √(P_ii·P_yy). SRC_i is the coefficient of x_i when the
//! standardised y is regressed on the standardised inputs (raw values, not
//! ranks): β = R_xx⁻¹ r_xy. The p-value tests PRCC = 0 with
//! t = r·√(df/(1 − r²)), df = n − k − 1; the interval is Fisher's z,
//! atanh(r) ± 1.96/√(n − k − 2). Both need n ≥ k + 3 rows with a finite
//! output ([`min_iterations`]); fewer is an error, not a number.
//!
//! When the output is an exact monotone function of one input (its ranks
//! equal that input's ranks, or their reverse), R is singular: that input's
//! PRCC is exactly ±1, with p = 0 and the interval [r, r], and the other
//! inputs' partial correlations are undefined (0/0: nothing is left for them
//! to explain), so they are NaN (an empty field) and `analyse` says why.

use nalgebra::DMatrix;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::engine::{self, Observer, RunConfig, SampleBlock};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::special::Z95;
use crate::stats::ranks;

/// One line of prcc.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct PrccRow {
    /// The metric.
    pub metric: String,
    /// The input.
    pub parameter: String,
    /// Partial rank correlation with the metric.
    pub prcc: f64,
    /// Lower end of its 95% interval (Fisher z).
    pub prcc_low: f64,
    /// Upper end.
    pub prcc_high: f64,
    /// Standardised regression coefficient.
    pub src: f64,
    /// Two-sided p-value of PRCC = 0.
    pub p_value: f64,
}

/// Pearson correlation matrix of the columns.
fn correlation(columns: &[Vec<f64>]) -> DMatrix<f64> {
    let m = columns.len();
    let n = columns[0].len() as f64;
    let centred: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| {
            let mean = c.iter().sum::<f64>() / n;
            c.iter().map(|x| x - mean).collect()
        })
        .collect();
    let norms: Vec<f64> = centred
        .iter()
        .map(|c| c.iter().map(|x| x * x).sum::<f64>().sqrt())
        .collect();
    DMatrix::from_fn(m, m, |i, j| {
        let dot: f64 = centred[i].iter().zip(&centred[j]).map(|(a, b)| a * b).sum();
        dot / (norms[i] * norms[j])
    })
}

/// The fewest rows with a finite output that PRCC/SRC of `k` inputs need:
/// k + 3, so that df = n − k − 1 ≥ 2 and Fisher's interval, whose standard
/// error is 1/√(n − k − 2), is defined. With n ≤ k + 1 the correlation matrix
/// is singular and any "PRCC" is an artefact of rounding.
pub fn min_iterations(k: usize) -> u64 {
    k as u64 + 3
}

/// The p-value and Fisher interval of a partial correlation `r` from `df`
/// degrees of freedom (df ≥ 2).
fn inference(r: f64, df: f64) -> (f64, f64, f64) {
    if !r.is_finite() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    if r.abs() >= 1.0 {
        // An exact monotone relation: t is infinite, p = 0, and the
        // interval has no width. statrs is never called with t = ±∞.
        return (r, r, 0.0);
    }
    let z = r.atanh();
    let se = 1.0 / (df - 1.0).sqrt();
    let t = r * (df / (1.0 - r * r)).sqrt();
    let p = match StudentsT::new(0.0, 1.0, df) {
        Ok(d) if t.is_finite() => 2.0 * (1.0 - d.cdf(t.abs())),
        Ok(_) if t.is_infinite() => 0.0, // 1 − r² rounded to 0
        _ => f64::NAN,
    };
    ((z - Z95 * se).tanh(), (z + Z95 * se).tanh(), p)
}

/// ±1 if `ranked_y` equals `ranked_x` (+1) or its reverse (−1), else `None`.
fn exact_monotone(ranked_x: &[f64], ranked_y: &[f64]) -> Option<f64> {
    let top = ranked_y.len() as f64 + 1.0;
    if ranked_x == ranked_y {
        Some(1.0)
    } else if ranked_x.iter().zip(ranked_y).all(|(x, y)| x + y == top) {
        Some(-1.0)
    } else {
        None
    }
}

/// PRCC and SRC of one output against named input columns; an error if
/// there are fewer than [`min_iterations`] rows.
pub fn prcc_from_samples(metric: &str, inputs: &[(String, Vec<f64>)], output: &[f64]) -> Result<Vec<PrccRow>> {
    let n = output.len();
    let k = inputs.len();
    if (n as u64) < min_iterations(k) {
        return Err(Error::Config(format!(
            "PRCC of '{metric}' on {k} uncertain inputs needs at least {} iterations with a finite value (k + 3, so that the partial correlations and their intervals are defined), got {n}; raise -n (10 × k = {} or more is advisable)",
            min_iterations(k),
            10 * k
        )));
    }
    let constant = output.iter().all(|y| *y == output[0]);
    let df = n as f64 - k as f64 - 1.0;
    let row = |i: usize, prcc: f64, src: f64| {
        let (low, high, p) = if constant {
            (prcc, prcc, 1.0)
        } else {
            inference(prcc, df)
        };
        PrccRow {
            metric: metric.to_string(),
            parameter: inputs[i].0.clone(),
            prcc,
            prcc_low: low,
            prcc_high: high,
            src,
            p_value: p,
        }
    };
    if constant {
        return Ok((0..k).map(|i| row(i, 0.0, 0.0)).collect());
    }
    let mut ranked: Vec<Vec<f64>> = inputs.iter().map(|(_, x)| ranks(x)).collect();
    ranked.push(ranks(output));
    let mut raw: Vec<Vec<f64>> = inputs.iter().map(|(_, x)| x.clone()).collect();
    raw.push(output.to_vec());
    let r = correlation(&raw);
    let beta = r
        .view((0, 0), (k, k))
        .into_owned()
        .try_inverse()
        .map(|inv| inv * r.view((0, k), (k, 1)).into_owned());
    let src = |i: usize| beta.as_ref().map_or(f64::NAN, |b| b[(i, 0)]);

    let exact: Vec<Option<f64>> = (0..k).map(|i| exact_monotone(&ranked[i], &ranked[k])).collect();
    if exact.iter().any(Option::is_some) {
        return Ok((0..k).map(|i| row(i, exact[i].unwrap_or(f64::NAN), src(i))).collect());
    }
    let precision = correlation(&ranked).try_inverse();
    Ok((0..k)
        .map(|i| {
            let prcc = precision
                .as_ref()
                .map_or(f64::NAN, |p| -p[(i, k)] / (p[(i, i)] * p[(k, k)]).sqrt());
            // Rounding can put a partial correlation of ±1 just outside
            // [−1, 1]; further out, the matrix was numerically singular.
            let prcc = if prcc.abs() <= 1.0 {
                prcc
            } else if prcc.abs() <= 1.0 + 1e-9 {
                prcc.signum()
            } else {
                f64::NAN
            };
            row(i, prcc, src(i))
        })
        .collect())
}

/// Keeps every sample of a run in memory, and passes progress on.
struct Collector<'p> {
    columns: Vec<Vec<f64>>,
    progress: &'p mut dyn FnMut(u64, u64),
}

impl Observer for Collector<'_> {
    fn progress(&mut self, done: u64, total: u64) {
        (self.progress)(done, total);
    }

    fn samples(&mut self, block: &SampleBlock) -> Result<()> {
        if self.columns.is_empty() {
            self.columns = vec![Vec::new(); block.columns.len()];
        }
        for (all, part) in self.columns.iter_mut().zip(&block.columns) {
            all.extend_from_slice(part);
        }
        Ok(())
    }
}

/// Per metric, how many rows were left out for a non-finite value.
pub type Dropped = Vec<(String, u64)>;

/// PRCC/SRC on a pool of `threads` workers (see [`prcc_on`]).
pub fn prcc(
    model: &Model,
    metrics: &[usize],
    n: u64,
    seed: u64,
    threads: Option<usize>,
) -> Result<(Vec<PrccRow>, Dropped)> {
    prcc_on(model, metrics, n, seed, &engine::thread_pool(threads)?)
}

/// Run `n` plain Monte Carlo iterations on `pool` and compute PRCC/SRC of
/// each metric against each uncertain input. Returns the rows and, per
/// metric, how many iterations were dropped for a non-finite value.
pub fn prcc_on(
    model: &Model,
    metrics: &[usize],
    n: u64,
    seed: u64,
    pool: &rayon::ThreadPool,
) -> Result<(Vec<PrccRow>, Dropped)> {
    prcc_with(model, metrics, n, seed, pool, &mut |_, _| {})
}

/// [`prcc_on`], calling `progress(done, total)` in iterations of the
/// Monte Carlo sample as the engine reports them (nothing is printed).
pub fn prcc_with(
    model: &Model,
    metrics: &[usize],
    n: u64,
    seed: u64,
    pool: &rayon::ThreadPool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Vec<PrccRow>, Dropped)> {
    let k = model.inputs.iter().filter(|input| !input.dist.is_fixed()).count();
    if n < min_iterations(k) {
        return Err(Error::Config(format!(
            "PRCC on {k} uncertain inputs needs at least {} iterations (k + 3), got {n}",
            min_iterations(k)
        )));
    }
    let config = RunConfig {
        iterations: n,
        seed,
        keep_samples: true,
        ..RunConfig::default()
    };
    let mut collector = Collector {
        columns: Vec::new(),
        progress,
    };
    engine::run_on(model, &config, pool, &mut collector)?;
    let n_inputs = model.inputs.len();
    let mut rows = Vec::new();
    let mut dropped = Vec::new();
    for &m in metrics {
        let output = &collector.columns[n_inputs + m];
        let keep: Vec<usize> = (0..output.len()).filter(|&j| output[j].is_finite()).collect();
        dropped.push((model.outputs[m].name.clone(), (output.len() - keep.len()) as u64));
        let inputs: Vec<(String, Vec<f64>)> = model
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, input)| !input.dist.is_fixed())
            .map(|(i, input)| {
                (
                    input.name.clone(),
                    keep.iter().map(|&j| collector.columns[i][j]).collect(),
                )
            })
            .collect();
        let y: Vec<f64> = keep.iter().map(|&j| output[j]).collect();
        rows.extend(prcc_from_samples(&model.outputs[m].name, &inputs, &y)?);
    }
    Ok((rows, dropped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_linear_relation_has_src_equal_to_weights() {
        // y = 3a + b on a grid where a and b are uncorrelated: SRC_i = coefficient·sd_i/sd_y.
        let a: Vec<f64> = (0..400).map(|i| (i % 20) as f64).collect();
        let b: Vec<f64> = (0..400).map(|i| (i / 20) as f64).collect();
        let y: Vec<f64> = a.iter().zip(&b).map(|(a, b)| 3.0 * a + b).collect();
        let rows = prcc_from_samples("y", &[("a".into(), a), ("b".into(), b)], &y).unwrap();
        let sd_y = (9.0f64 + 1.0).sqrt();
        assert!((rows[0].src - 3.0 / sd_y).abs() < 1e-12 && (rows[1].src - 1.0 / sd_y).abs() < 1e-12);
        assert!(rows[0].prcc > 0.99 && rows[0].p_value < 1e-10);
    }

    #[test]
    fn exact_monotone_output_has_prcc_of_one_and_p_zero() {
        let a: Vec<f64> = (0..50).map(|i| ((i * 37) % 50) as f64).collect();
        let b: Vec<f64> = (0..50).map(|i| ((i * 11) % 50) as f64).collect();
        for (y, sign) in [
            (a.iter().map(|x| x.powi(3)).collect::<Vec<f64>>(), 1.0),
            (a.iter().map(|x| -x.exp()).collect(), -1.0),
        ] {
            let rows = prcc_from_samples("y", &[("a".into(), a.clone()), ("b".into(), b.clone())], &y).unwrap();
            assert_eq!((rows[0].prcc, rows[0].prcc_low, rows[0].prcc_high), (sign, sign, sign));
            assert_eq!(rows[0].p_value, 0.0);
            assert!(rows[1].prcc.is_nan() && rows[1].p_value.is_nan(), "{:?}", rows[1]);
        }
    }

    #[test]
    fn fewer_than_k_plus_3_rows_is_an_error() {
        let inputs = [
            ("a".to_string(), vec![1.0, 2.0, 3.0, 4.0]),
            ("b".to_string(), vec![4.0, 1.0, 3.0, 2.0]),
        ];
        assert_eq!(min_iterations(2), 5);
        assert!(prcc_from_samples("y", &inputs, &[1.0, 3.0, 2.0, 4.0]).is_err());
        assert!(prcc_from_samples("y", &inputs[..1], &[1.0, 3.0, 2.0, 4.0]).is_ok());
    }
}
