//! Fast quantile functions for laws whose inverse CDF has no closed form
//! (beta, PERT, gamma): a table built once per parameter, read in constant time.
//!
//! The inverse CDF is tabulated against the normal score z = Φ⁻¹(u) on an
//! evenly spaced grid over |z| ≤ 6 (u from 9.9e-10 to 1 − 9.9e-10), with its
//! exact slope dx/dz = φ(z)/f(x), and read by cubic Hermite interpolation.
//! In z the quantile function is smooth even where it is steep in u, so the
//! error falls as h⁴. Each table is **verified when it is built**: the
//! interpolant is compared with the exact inverse CDF (statrs) at the midpoint
//! of every cell, where a cubic Hermite's error is largest. The grid doubles
//! until the largest error is below [`TOLERANCE`] (1e-10, relative to the
//! value, or to the distribution's scale near zero) plus the rounding of u
//! itself (2e-16/f(x), which only matters in the far upper tail). If that never happens within
//! [`MAX_NODES`], no table is made and every quantile is exact. Beyond
//! |z| > 6 the exact inverse CDF is used.

use crate::special::norm_inv;

/// The largest error a table may have at its verification points, relative
/// to max(|x|, scale), on top of the rounding that any quantile function
/// suffers at u itself: u is known to about 1e-16, which moves x by
/// 1e-16/f(x), so near u = 1 − 1e-9 no double-precision inverse CDF, the
/// reference included, is better than that.
pub const TOLERANCE: f64 = 1e-10;

/// The error allowed at x: TOLERANCE·max(|x|, scale) + 2e-16/f(x).
fn allowed(x: f64, density: f64, scale: f64) -> f64 {
    TOLERANCE * x.abs().max(scale) + 2e-16 / density
}
/// Largest grid tried before giving up on a table.
pub const MAX_NODES: usize = 1 << 14;
const Z_MAX: f64 = 6.0;

/// statrs' inverse CDF polished by two Newton steps on its (more accurate)
/// CDF: statrs stops its own iteration at about 1e-9 relative for the gamma.
pub fn polished_inverse(
    inverse: &dyn Fn(f64) -> f64,
    cdf: &dyn Fn(f64) -> f64,
    pdf: &dyn Fn(f64) -> f64,
    u: f64,
) -> f64 {
    let mut x = inverse(u);
    for _ in 0..2 {
        let density = pdf(x);
        if !(density > 0.0 && density.is_finite()) {
            break;
        }
        let next = x - (cdf(x) - u) / density;
        if !next.is_finite() || (x > 0.0 && next <= 0.0) {
            break;
        }
        x = next;
    }
    x
}

/// A verified interpolation table of a quantile function.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileTable {
    step: f64,
    values: Vec<f64>,
    slopes: Vec<f64>,
    /// The largest error found at the verification points, as a share of
    /// the allowed error (≤ 1).
    pub max_error: f64,
}

fn standard_normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

impl QuantileTable {
    /// Build and verify a table for the inverse CDF `exact` with density
    /// `pdf`; `scale` is a typical size of the values (e.g. the sd).
    pub fn build(exact: &dyn Fn(f64) -> f64, pdf: &dyn Fn(f64) -> f64, scale: f64) -> Option<QuantileTable> {
        let mut nodes = 512;
        while nodes <= MAX_NODES {
            let step = 2.0 * Z_MAX / nodes as f64;
            let mut values = Vec::with_capacity(nodes + 1);
            let mut slopes = Vec::with_capacity(nodes + 1);
            for j in 0..=nodes {
                let z = -Z_MAX + step * j as f64;
                let x = exact(crate::special::norm_cdf(z));
                values.push(x);
                slopes.push(standard_normal_pdf(z) / pdf(x));
            }
            if values.iter().chain(&slopes).all(|v| v.is_finite()) {
                let mut table = QuantileTable {
                    step,
                    values,
                    slopes,
                    max_error: 0.0,
                };
                let mut worst: f64 = 0.0; // error as a share of what is allowed
                for j in 0..nodes {
                    let z = -Z_MAX + step * (j as f64 + 0.5);
                    let want = exact(crate::special::norm_cdf(z));
                    let got = table.at_score(z);
                    worst = worst.max((got - want).abs() / allowed(want, pdf(want), scale));
                }
                if worst <= 1.0 {
                    table.max_error = worst;
                    return Some(table);
                }
            }
            nodes *= 2;
        }
        None
    }

    /// The quantile at normal score z (|z| ≤ 6), by cubic Hermite interpolation.
    fn at_score(&self, z: f64) -> f64 {
        let position = (z + Z_MAX) / self.step;
        let j = (position.floor() as usize).min(self.values.len() - 2);
        let t = position - j as f64;
        let (x0, x1) = (self.values[j], self.values[j + 1]);
        let (d0, d1) = (self.slopes[j] * self.step, self.slopes[j + 1] * self.step);
        let (t2, t3) = (t * t, t * t * t);
        (2.0 * t3 - 3.0 * t2 + 1.0) * x0 + (t3 - 2.0 * t2 + t) * d0 + (-2.0 * t3 + 3.0 * t2) * x1 + (t3 - t2) * d1
    }

    /// The quantile at u, or None when u lies beyond the table (use the exact inverse).
    pub fn quantile(&self, u: f64) -> Option<f64> {
        let z = norm_inv(u);
        (z.abs() <= Z_MAX).then(|| self.at_score(z))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Beta, Continuous, ContinuousCDF, Gamma};

    fn check(exact: &dyn Fn(f64) -> f64, pdf: &dyn Fn(f64) -> f64, scale: f64) {
        let table = QuantileTable::build(exact, pdf, scale)
            .unwrap_or_else(|| panic!("no table: scale {scale}, median {}", exact(0.5)));
        assert!(table.max_error <= 1.0);
        // Far more probabilities than the build checked, tails included.
        let mut probabilities: Vec<f64> = (1..20_000).map(|i| i as f64 / 20_000.0).collect();
        probabilities.extend([
            1e-9,
            3e-9,
            1e-7,
            1e-5,
            1e-3,
            1.0 - 1e-3,
            1.0 - 1e-5,
            1.0 - 1e-7,
            1.0 - 1e-9,
        ]);
        for u in probabilities {
            let want = exact(u);
            let got = table.quantile(u).unwrap_or(want);
            assert!(
                (got - want).abs() <= 2.0 * allowed(want, pdf(want), scale),
                "u = {u}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn beta_and_gamma_tables_meet_their_bound() {
        for (a, b) in [(2.0, 5.0), (1.0, 1.0), (1.6, 3.4), (13.06, 10.69), (0.7, 2.0)] {
            let d = Beta::new(a, b).unwrap();
            let exact = |u| polished_inverse(&|v| d.inverse_cdf(v), &|x| d.cdf(x), &|x| d.pdf(x), u);
            check(
                &exact,
                &|x| d.pdf(x),
                (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt(),
            );
        }
        for (shape, rate) in [(4.0, 1.0 / 2500.0), (1.5, 1.0), (30.0, 2.0)] {
            let d = Gamma::new(shape, rate).unwrap();
            let exact = |u| polished_inverse(&|v| d.inverse_cdf(v), &|x| d.cdf(x), &|x| d.pdf(x), u);
            check(&exact, &|x| d.pdf(x), shape.sqrt() / rate);
        }
    }

    #[test]
    fn a_table_that_cannot_be_verified_is_not_made() {
        // Gamma with shape < 1 has an infinite density at 0; where the check
        // fails, quantiles fall back to the exact inverse (Dist::quantile).
        let d = Gamma::new(0.8, 1.0).unwrap();
        if let Some(t) = QuantileTable::build(&|u| d.inverse_cdf(u), &|x| d.pdf(x), 0.9) {
            assert!(t.max_error <= 1.0);
        }
        assert!(QuantileTable::build(&|_| f64::NAN, &|_| 1.0, 1.0).is_none());
    }
}
