//! Rank correlation between inputs, imposed by the Iman–Conover method.
//!
//! R. L. Iman & W. J. Conover (1982), "A distribution-free approach to
//! inducing rank correlation among input variables", Commun. Statist. B
//! 11:311–334. Within each chunk: take van der Waerden scores Φ⁻¹(r/(m+1)),
//! shuffle them independently per input (S), compute their correlation E =
//! QQᵀ, and form T = S·(P·Q⁻¹)ᵀ with C = PPᵀ, so that T's sample correlation
//! is exactly C. C is the target rank correlation converted to the Pearson
//! correlation of normal scores, 2·sin(π·ρ_s/6), so that the achieved
//! Spearman correlation is the target. Each input's column is then *reordered* to have
//! the ranks of T's column: the values (the marginal) are untouched, only
//! their pairing changes. Tiny chunks (m < k + 2 rows) are left independent.
//!
//! A target that is not positive semi-definite (pairs given one at a time
//! can be inconsistent) is replaced by the nearest correlation matrix in the
//! Frobenius norm: N. J. Higham (2002), "Computing the nearest correlation
//! matrix — a problem from finance", IMA J. Numer. Anal. 22:329–343
//! (alternating projections with Dykstra's correction).

use nalgebra::{DMatrix, SymmetricEigen};

use super::{Purpose, purpose_rng};
use crate::error::{Error, Result};
use crate::model::{Model, Workspace};
use crate::scenario::CorrelationTarget;
use crate::special::norm_inv;

/// Iman–Conover for a set of inputs.
#[derive(Debug, Clone)]
pub struct Correlator {
    /// Model input indices, in target order.
    pub inputs: Vec<usize>,
    /// The names, in target order.
    pub names: Vec<String>,
    /// The target actually imposed (after any repair).
    pub target: DMatrix<f64>,
    /// The target as written, when it had to be repaired.
    pub original: Option<DMatrix<f64>>,
    cholesky: DMatrix<f64>,
}

fn project_psd(m: &DMatrix<f64>) -> DMatrix<f64> {
    let e = SymmetricEigen::new(m.clone());
    let clipped = e.eigenvalues.map(|v| v.max(0.0));
    &e.eigenvectors * DMatrix::from_diagonal(&clipped) * e.eigenvectors.transpose()
}

/// The nearest correlation matrix to a symmetric `a` (Higham 2002).
pub fn nearest_correlation(a: &DMatrix<f64>) -> DMatrix<f64> {
    let n = a.nrows();
    let mut y = a.clone();
    let mut correction = DMatrix::zeros(n, n);
    for _ in 0..10_000 {
        let r = &y - &correction;
        let x = project_psd(&r);
        correction = &x - &r;
        let mut next = x.clone();
        for i in 0..n {
            next[(i, i)] = 1.0;
        }
        let change = (&next - &y).norm();
        y = next;
        if change < 1e-14 * (n as f64) {
            break;
        }
    }
    y
}

fn is_positive_definite(m: &DMatrix<f64>) -> bool {
    m.clone().cholesky().is_some()
}

/// A target rank-correlation matrix made ready for normal scores: the
/// target actually imposed (repaired if needed), the target as written when
/// it had to be repaired, and the Cholesky factor L of the normal-score
/// (Pearson) correlation 2·sin(π·ρ_s/6). Shared by Iman–Conover and the
/// Gaussian copula of Sobol groups (`super::copula`), so that both repair
/// and convert a target the same way.
#[derive(Debug, Clone)]
pub(super) struct NormalScores {
    /// The rank correlations imposed.
    pub target: DMatrix<f64>,
    /// The rank correlations as written, when they had to be repaired.
    pub original: Option<DMatrix<f64>>,
    /// Lower-triangular L with L·Lᵀ = the normal-score correlation.
    pub cholesky: DMatrix<f64>,
}

impl NormalScores {
    /// Repair `written` if it is not positive definite (Higham 2002), convert
    /// it to the Pearson correlation of normal scores and factor it.
    pub(super) fn new(written: DMatrix<f64>) -> Result<NormalScores> {
        let k = written.nrows();
        let (imposed, original) = if is_positive_definite(&written) {
            (written, None)
        } else {
            let mut repaired = nearest_correlation(&written);
            // A PSD but singular result cannot be factored: move it a hair inside.
            if !is_positive_definite(&repaired) {
                repaired = repaired * (1.0 - 1e-9) + DMatrix::identity(k, k) * 1e-9;
            }
            (repaired, Some(written))
        };
        // Scores are normal, and for a bivariate normal Spearman's ρ_s and
        // Pearson's ρ are linked by ρ = 2·sin(π·ρ_s/6) (Pearson 1907): aim the
        // scores at that Pearson correlation so the *rank* correlation lands
        // on the target.
        let mut pearson = imposed.map(|r| 2.0 * (std::f64::consts::PI * r / 6.0).sin());
        if !is_positive_definite(&pearson) {
            pearson = nearest_correlation(&pearson) * (1.0 - 1e-9) + DMatrix::identity(k, k) * 1e-9;
        }
        let cholesky = pearson
            .cholesky()
            .map(|c| c.l())
            .ok_or_else(|| Error::Config("the correlation matrix could not be factored".into()))?;
        Ok(NormalScores {
            target: imposed,
            original,
            cholesky,
        })
    }
}

/// A warning that lists every value of a repaired target between `names`
/// (`None` when nothing was repaired).
pub(super) fn repair_warning(
    names: &[String],
    original: Option<&DMatrix<f64>>,
    target: &DMatrix<f64>,
) -> Option<String> {
    let original = original?;
    let mut changes = Vec::new();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            changes.push(format!(
                "{}–{}: {:.4} -> {:.4}",
                names[i],
                names[j],
                original[(i, j)],
                target[(i, j)]
            ));
        }
    }
    Some(format!(
        "the [[correlation]] matrix is not positive semi-definite; using the nearest correlation matrix (Higham 2002): {}",
        changes.join(", ")
    ))
}

impl Correlator {
    /// The correlator of `target` for `model`'s inputs.
    pub fn new(model: &Model, target: &CorrelationTarget) -> Result<Correlator> {
        let inputs: Vec<usize> = target
            .parameters
            .iter()
            .map(|name| {
                model
                    .inputs
                    .iter()
                    .position(|i| &i.name == name)
                    .ok_or_else(|| Error::Config(format!("correlated parameter '{name}' is not an input")))
            })
            .collect::<Result<_>>()?;
        let k = inputs.len();
        let scores = NormalScores::new(DMatrix::from_fn(k, k, |i, j| target.matrix[i][j]))?;
        Ok(Correlator {
            inputs,
            names: target.parameters.clone(),
            target: scores.target,
            original: scores.original,
            cholesky: scores.cholesky,
        })
    }

    /// A warning that describes a repair, if there was one.
    pub fn repair_warning(&self) -> Option<String> {
        repair_warning(&self.names, self.original.as_ref(), &self.target)
    }

    /// Reorder the first `len` rows of the correlated columns of chunk `chunk`.
    pub fn apply(&self, model: &Model, ws: &mut Workspace, seed: u64, chunk: u64, len: usize) {
        let k = self.inputs.len();
        if len < k + 2 {
            return;
        }
        let mut rng = purpose_rng(seed, Purpose::ImanConover, chunk);
        let scores: Vec<f64> = (1..=len).map(|r| norm_inv(r as f64 / (len + 1) as f64)).collect();
        let mut s = DMatrix::zeros(len, k);
        for j in 0..k {
            let mut column = scores.clone();
            for i in (1..len).rev() {
                let pick = (rand::Rng::next_u64(&mut rng) % (i as u64 + 1)) as usize;
                column.swap(i, pick);
            }
            s.set_column(j, &nalgebra::DVector::from_vec(column));
        }
        // E = corr(S); all columns share mean 0 and the same variance.
        let gram = s.transpose() * &s;
        let e = DMatrix::from_fn(k, k, |i, j| gram[(i, j)] / (gram[(i, i)] * gram[(j, j)]).sqrt());
        let Some(q) = e.cholesky().map(|c| c.l()) else { return };
        let Some(q_inverse) = q.try_inverse() else { return };
        let b = &self.cholesky * q_inverse; // T_row = B · S_row
        let t = &s * b.transpose();
        for (j, &input) in self.inputs.iter().enumerate() {
            let slot = model.inputs[input].slot;
            let column = &mut ws.cols[slot][..len];
            let mut sorted = column.to_vec();
            sorted.sort_by(f64::total_cmp);
            let mut order: Vec<usize> = (0..len).collect();
            order.sort_by(|&a, &b| t[(a, j)].total_cmp(&t[(b, j)]));
            for (rank, &row) in order.iter().enumerate() {
                column[row] = sorted[rank];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higham_repairs_an_inconsistent_matrix() {
        // a~b 0.9, b~c 0.9, a~c −0.9 cannot all hold.
        let a = DMatrix::from_row_slice(3, 3, &[1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0]);
        assert!(!is_positive_definite(&a));
        let x = nearest_correlation(&a);
        let eigen = SymmetricEigen::new(x.clone());
        assert!(eigen.eigenvalues.iter().all(|v| *v > -1e-10), "{:?}", eigen.eigenvalues);
        for i in 0..3 {
            assert!((x[(i, i)] - 1.0).abs() < 1e-12);
        }
        // Higham's example in the paper has a known answer for this symmetric pattern: the
        // off-diagonals keep their signs and shrink in size equally.
        assert!(x[(0, 1)] > 0.0 && x[(1, 2)] > 0.0 && x[(0, 2)] < 0.0);
        assert!((x[(0, 1)] - x[(1, 2)]).abs() < 1e-9 && (x[(0, 1)] + x[(0, 2)]).abs() < 1e-9);
        // A valid matrix is its own nearest correlation matrix.
        let ok = DMatrix::from_row_slice(2, 2, &[1.0, 0.3, 0.3, 1.0]);
        assert!((nearest_correlation(&ok) - &ok).norm() < 1e-12);
    }
}
