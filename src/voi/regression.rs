//! EVPPI of a group of inputs by regression (Strong, Oakley & Brennan 2014,
//! "Estimating multiparameter partial expected value of perfect information
//! from a probabilistic sensitivity analysis sample: a nonparametric
//! regression approach", Med Decis Making 34:311–326).
//!
//! **Estimator.** g_d(φ) = E(INB_d | φ), each option's incremental net
//! benefit given the group φ, is estimated by least squares on a spline
//! basis of φ ([`Basis`]), and EVPPI = mean_i max_d ĝ_d(φᵢ) −
//! max_d mean_i ĝ_d(φᵢ). That published estimate, from one fit on all draws,
//! is [`RegressionEstimate::uncorrected`]. As with binning, a maximum of
//! fitted values that carry noise is biased upwards, by about
//! 0.4·σ·√(terms/n) for an irrelevant group when the decision is close.
//!
//! **Cross-fitting (what is reported).** The draws are split by the parity
//! of their row into halves A and B, fitted separately (ĝᴬ, ĝᴮ). For each
//! draw, the option chosen on one fit is scored on the other:
//!
//! ```text
//! vᵢ = ½[ĝᴮ_{a(i)}(φᵢ) + ĝᴬ_{b(i)}(φᵢ)],  a(i) = argmax_d ĝᴬ_d(φᵢ),  b(i) = argmax_d ĝᴮ_d(φᵢ),
//! EVPPI = mean_i vᵢ − max_d mean_i ½[ĝᴬ_d(φᵢ) + ĝᴮ_d(φᵢ)].
//! ```
//!
//! Each fit's noise is independent of the other's choices, so an irrelevant
//! group gets EVPPI ≈ 0; the remaining bias (wrong choices near the
//! decision boundary) is downward and of order terms/n.
//!
//! **Standard error.** Two independent parts, added in quadrature:
//! - the fits' noise, by the paper's method: draw the coefficients of each
//!   half from N(β̂, Σ̂ ⊗ (XᵀX)⁻¹) (Σ̂ the residual covariance across
//!   options), recompute EVPPI, and take the sd over `draws` replicates;
//! - the finite sample of φ, which the paper's method leaves out:
//!   sd(zᵢ)/√n with zᵢ = vᵢ − ½[ĝᴬ + ĝᴮ]_{d*}(φᵢ) (the delta method, as for
//!   EVPI). For the group of all inputs this is EVPI's own error.
//!
//! Least squares uses the eigen-decomposition of XᵀX with eigenvalues below
//! 10⁻¹⁰ of the largest dropped (a pseudo-inverse), so an input with few
//! values or inputs that never meet in some tensor cell cost no accuracy.

use nalgebra::{DMatrix, SymmetricEigen};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::basis::Design;
pub use super::basis::{Basis, default_knots, min_draws};
use super::{Estimate, best_option, increment_count, increments};
use crate::error::{Error, Result};

/// Settings of a regression EVPPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionConfig {
    /// Knots per input; `None` for [`default_knots`].
    pub knots: Option<usize>,
    /// Replicates for the standard error (the paper used 1000; 200 give the
    /// sd to about 5%).
    pub draws: usize,
}

impl Default for RegressionConfig {
    fn default() -> Self {
        RegressionConfig {
            knots: None,
            draws: 200,
        }
    }
}

/// What a regression EVPPI estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionEstimate {
    /// Draws used.
    pub n: u64,
    /// The basis regressed on.
    pub basis: Basis,
    /// The cross-fitted EVPPI and its standard error.
    pub evppi: Estimate,
    /// The published estimate from one fit on all draws (biased upwards for
    /// groups that carry little information).
    pub uncorrected: f64,
    /// R² of the all-draws fit for each option's incremental net benefit
    /// (NaN where that is constant): a low R² for a group that should
    /// explain the net benefit suggests the basis misses its shape.
    pub r_squared: Vec<f64>,
    /// Draws left out because an input or a net benefit was NaN or infinite.
    pub nonfinite: u64,
}

/// A least-squares fit of every incremental net benefit on the basis.
struct Fit {
    /// Coefficients, terms × options.
    beta: DMatrix<f64>,
    /// V·Λ^{−1/2} over the kept eigenvalues: (XᵀX)⁺ = root·rootᵀ.
    root: DMatrix<f64>,
    /// Cholesky-like factor of the residual covariance across options.
    noise: DMatrix<f64>,
}

impl Fit {
    /// Fit `y` (rows × options) on `x` (rows × terms).
    fn new(x: &DMatrix<f64>, y: &DMatrix<f64>) -> Fit {
        let eigen = SymmetricEigen::new(x.tr_mul(x));
        let largest = eigen.eigenvalues.iter().fold(0.0_f64, |a, &b| a.max(b));
        let kept: Vec<usize> = (0..eigen.eigenvalues.len())
            .filter(|&i| eigen.eigenvalues[i] > 1e-10 * largest)
            .collect();
        let mut root = DMatrix::zeros(x.ncols(), kept.len());
        for (c, &i) in kept.iter().enumerate() {
            root.set_column(c, &(eigen.eigenvectors.column(i) / eigen.eigenvalues[i].sqrt()));
        }
        let beta = &root * (root.transpose() * x.tr_mul(y));
        let residual = y - x * &beta;
        let dof = (x.nrows().saturating_sub(kept.len())).max(1) as f64;
        let covariance = residual.tr_mul(&residual) / dof;
        let e = SymmetricEigen::new(covariance);
        let mut noise = e.eigenvectors.clone();
        for (c, &l) in e.eigenvalues.iter().enumerate() {
            noise.column_mut(c).scale_mut(l.max(0.0).sqrt());
        }
        Fit { beta, root, noise }
    }
}

/// Fitted value of `option` in row i (option 0, the reference, is 0).
fn value_at(f: &DMatrix<f64>, i: usize, option: usize) -> f64 {
    if option == 0 { 0.0 } else { f[(i, option - 1)] }
}

/// The option with the largest fitted value in row i.
fn best_at(f: &DMatrix<f64>, i: usize) -> usize {
    let row: Vec<f64> = f.row(i).iter().copied().collect();
    best_option(&row)
}

/// The option with the largest mean fitted value over the rows of `f`.
fn best_on_average(f: &DMatrix<f64>) -> usize {
    let means: Vec<f64> = f.column_iter().map(|c| c.mean()).collect();
    best_option(&means)
}

/// The cross-fitted EVPPI from the two halves' fitted values (rows ×
/// options, on every row), and each draw's zᵢ (see the module docs).
fn cross_fitted(fa: &DMatrix<f64>, fb: &DMatrix<f64>) -> (f64, Vec<f64>) {
    let n = fa.nrows();
    let now = best_on_average(&((fa + fb) * 0.5));
    let mut z = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (best_at(fa, i), best_at(fb, i));
        let scored = 0.5 * (value_at(fb, i, a) + value_at(fa, i, b));
        let deciding_now = 0.5 * (value_at(fa, i, now) + value_at(fb, i, now));
        z.push(scored - deciding_now);
    }
    (z.iter().sum::<f64>() / n as f64, z)
}

/// The published plug-in EVPPI from one set of fitted values:
/// mean_i max_d ĝ_d − max_d mean_i ĝ_d.
fn plug_in(f: &DMatrix<f64>) -> f64 {
    let now = best_on_average(f);
    let total: f64 = (0..f.nrows())
        .map(|i| value_at(f, i, best_at(f, i)) - value_at(f, i, now))
        .sum();
    total / f.nrows() as f64
}

/// Sample variance (n − 1 denominator; 0 below two values).
fn variance(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64
}

/// The rows where every input and net benefit is finite: the group's
/// columns, the incremental net benefits (rows × options), and how many
/// rows were left out.
fn finite_rows(inputs: &[&[f64]], nb: &[&[f64]]) -> (Vec<Vec<f64>>, DMatrix<f64>, u64) {
    let len = nb[0].len();
    let m = increment_count(nb.len());
    let mut phi = vec![Vec::with_capacity(len); inputs.len()];
    let mut inb = Vec::with_capacity(len * m);
    let mut row = vec![0.0; m];
    let mut nonfinite = 0;
    for i in 0..len {
        if !(increments(nb, i, &mut row) && inputs.iter().all(|c| c[i].is_finite())) {
            nonfinite += 1;
            continue;
        }
        inb.extend_from_slice(&row);
        for (p, c) in phi.iter_mut().zip(inputs) {
            p.push(c[i]);
        }
    }
    let n = inb.len() / m;
    (phi, DMatrix::from_row_slice(n, m, &inb), nonfinite)
}

/// The design matrix: the basis evaluated at every draw (rows × terms).
fn design_matrix(design: &Design, phi: &[Vec<f64>]) -> DMatrix<f64> {
    let n = phi[0].len();
    let mut x = DMatrix::zeros(n, design.terms());
    let mut row = vec![0.0; design.terms()];
    let mut draw = vec![0.0; phi.len()];
    for i in 0..n {
        for (d, p) in draw.iter_mut().zip(phi) {
            *d = p[i];
        }
        design.eval(&draw, &mut row);
        for (t, v) in row.iter().enumerate() {
            x[(i, t)] = *v;
        }
    }
    x
}

/// EVPPI of the group `inputs` (one column per input) for the decision with
/// net-benefit columns `nb` (see [`crate::voi`] for the options), with the
/// replicates drawn from `rng` (deterministic for a seeded generator).
pub fn regression_evppi<R: Rng + ?Sized>(
    inputs: &[&[f64]],
    nb: &[&[f64]],
    config: &RegressionConfig,
    rng: &mut R,
) -> Result<RegressionEstimate> {
    if inputs.is_empty() || nb.is_empty() {
        return Err(Error::Config(
            "regression EVPPI needs at least one input and one net-benefit column".into(),
        ));
    }
    if inputs.iter().chain(nb).any(|c| c.len() != nb[0].len()) {
        return Err(Error::Config(
            "regression EVPPI: the input and net-benefit columns differ in length".into(),
        ));
    }
    let (phi, y, nonfinite) = finite_rows(inputs, nb);
    let (n, m) = y.shape();
    let q = config.knots.unwrap_or_else(|| default_knots(inputs.len(), n)).max(1);
    let design = Design::new(&phi, q);
    let terms = design.terms();
    if n / 2 < terms + 10 {
        return Err(Error::Config(format!(
            "regression EVPPI on {terms} terms ({}) needs at least {} draws with finite values, got {n}",
            design.basis,
            2 * (terms + 10)
        )));
    }
    let constant = y.column_iter().all(|c| c.iter().all(|v| *v == c[0]));
    if constant || terms == 1 {
        // Nothing varies with the group (or at all): exactly no information.
        return Ok(RegressionEstimate {
            n: n as u64,
            basis: design.basis,
            evppi: Estimate { value: 0.0, se: 0.0 },
            uncorrected: 0.0,
            r_squared: vec![f64::NAN; m],
            nonfinite,
        });
    }
    let x = design_matrix(&design, &phi);

    // Cross-fitting: half A is the even rows, half B the odd ones.
    let rows_a: Vec<usize> = (0..n).step_by(2).collect();
    let rows_b: Vec<usize> = (1..n).step_by(2).collect();
    let fit_a = Fit::new(&x.select_rows(&rows_a), &y.select_rows(&rows_a));
    let fit_b = Fit::new(&x.select_rows(&rows_b), &y.select_rows(&rows_b));
    let (fa, fb) = (&x * &fit_a.beta, &x * &fit_b.beta);
    let (value, z) = cross_fitted(&fa, &fb);

    // Replicates of the fits' noise: ĝ + X·root·Z·noiseᵀ, Z standard normal.
    let (wa, wb) = (&x * &fit_a.root, &x * &fit_b.root);
    let mut shifted = |f: &DMatrix<f64>, w: &DMatrix<f64>, fit: &Fit| {
        let normals: DMatrix<f64> = DMatrix::from_fn(w.ncols(), m, |_, _| StandardNormal.sample(&mut *rng));
        f + w * (normals * fit.noise.transpose())
    };
    let mut replicates = Vec::with_capacity(config.draws);
    for _ in 0..config.draws {
        let (ra, rb) = (shifted(&fa, &wa, &fit_a), shifted(&fb, &wb, &fit_b));
        replicates.push(cross_fitted(&ra, &rb).0);
    }
    let se = (variance(&replicates) + variance(&z) / n as f64).sqrt();

    // The published estimate and R², from one fit on all draws.
    let f = &x * &Fit::new(&x, &y).beta;
    let r_squared = (0..m)
        .map(|d| {
            let mean = y.column(d).mean();
            let total: f64 = y.column(d).iter().map(|v| (v - mean).powi(2)).sum();
            let residual: f64 = (0..n).map(|i| (y[(i, d)] - f[(i, d)]).powi(2)).sum();
            if total > 0.0 { 1.0 - residual / total } else { f64::NAN }
        })
        .collect();
    Ok(RegressionEstimate {
        n: n as u64,
        basis: design.basis,
        evppi: Estimate { value, se },
        uncorrected: plug_in(&f),
        r_squared,
        nonfinite,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    #[test]
    fn a_net_benefit_the_group_determines_is_fitted_exactly() {
        // INB = x − 0.3 on a grid: the group knows everything, EVPPI = EVPI.
        let x: Vec<f64> = (0..400).map(|i| f64::from(i) / 400.0).collect();
        let nb: Vec<f64> = x.iter().map(|v| v - 0.3).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let e = regression_evppi(&[&x], &[&nb], &RegressionConfig::default(), &mut rng).unwrap();
        let evpi = nb.iter().map(|v| v.max(0.0)).sum::<f64>() / 400.0 - (nb.iter().sum::<f64>() / 400.0).max(0.0);
        assert!((e.evppi.value - evpi).abs() < 1e-9, "{} vs {evpi}", e.evppi.value);
        assert!((e.uncorrected - evpi).abs() < 1e-9);
        assert!((e.r_squared[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn constant_net_benefit_or_input_gives_exactly_zero() {
        let x: Vec<f64> = (0..100).map(f64::from).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let c = RegressionConfig::default();
        let e = regression_evppi(&[&x], &[&[2.5; 100]], &c, &mut rng).unwrap();
        assert_eq!((e.evppi.value, e.evppi.se, e.uncorrected), (0.0, 0.0, 0.0));
        let nb: Vec<f64> = x.iter().map(|v| v - 50.0).collect();
        let e = regression_evppi(&[&[1.0; 100]], &[&nb], &c, &mut rng).unwrap();
        assert_eq!(e.evppi.value, 0.0);
    }

    #[test]
    fn too_few_draws_and_ragged_columns_are_errors() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let c = RegressionConfig::default();
        let short = regression_evppi(&[&[1.0, 2.0, 3.0]], &[&[1.0, 0.0, -1.0]], &c, &mut rng);
        assert!(short.unwrap_err().to_string().contains("needs at least"));
        let ragged = regression_evppi(&[&[1.0, 2.0]], &[&[1.0]], &c, &mut rng);
        assert!(ragged.unwrap_err().to_string().contains("differ in length"));
    }

    #[test]
    fn min_draws_is_exactly_the_fewest_a_fit_accepts() {
        // What commands check up front must agree with the fit itself, for
        // groups of 1 to 5 inputs (tensor and additive bases).
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let c = RegressionConfig::default();
        for inputs in 1..=5 {
            let fewest = min_draws(inputs);
            for (n, ok) in [(fewest, true), (fewest - 1, false)] {
                let columns: Vec<Vec<f64>> = (0..inputs)
                    .map(|j| (0..n).map(|i| ((i as f64 + 1.0) * (j as f64 + 1.7)).sin()).collect())
                    .collect();
                let x: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
                let nb: Vec<f64> = (0..n).map(|i| i as f64 - n as f64 / 2.0).collect();
                let fit = regression_evppi(&x, &[&nb], &c, &mut rng);
                assert_eq!(fit.is_ok(), ok, "{inputs} inputs, {n} draws: {fit:?}");
            }
        }
    }
}
