//! Fast quantile functions for laws whose inverse CDF has no closed form
//! (beta, PERT, gamma): a table built on first use, read in constant time.
//!
//! The law's variable y (ln x for the gamma, logit x for the beta; see
//! [`super::incomplete`]) is tabulated against the normal score z = Φ⁻¹(u)
//! on an evenly spaced grid over |z| ≤ 6 (u from 9.9e-10 to 1 − 9.9e-10),
//! with its exact slope dy/dz = φ(z)/(dF/dy), and read by cubic Hermite
//! interpolation. In (z, y) the quantile function is smooth and of moderate
//! size for every shape, even where x itself spans hundreds of orders of
//! magnitude (a gamma with shape 0.01 has Q(1e-9) ≈ 10^−900), so the error
//! falls as h⁴ everywhere.
//!
//! Each table is **verified when it is built**, against the CDF and not
//! against the inverse it interpolates: at the midpoint of every cell, where
//! a cubic Hermite's error is largest, the table's answer x̂ must satisfy
//! |F(x̂) − u| ≤ [`TOLERANCE`]·u below the median and
//! |(1 − F(x̂)) − (1 − u)| ≤ [`TOLERANCE`]·(1 − u) above it, up to the
//! rounding of x̂ itself. Every cell must also pass the Fritsch–Carlson test
//! (Fritsch & Carlson 1980, SIAM J. Numer. Anal. 17:238), so the interpolant
//! is monotone. The grid doubles from [`FIRST_NODES`] until both hold; if
//! that has not happened at [`MAX_NODES`], there is no table and every
//! quantile is computed exactly ([`super::inverse`]). Beyond |z| > 6 the exact
//! inverse is always used; the table's end nodes are exact values of it, so
//! the quantile stays monotone across the boundary.
//!
//! Tables are built lazily ([`LazyTable`]): `check`, a Monte Carlo run and
//! anything else that only samples or evaluates CDFs never pays for one.

use std::sync::{Arc, OnceLock};

use super::inverse::{Transformed, invert};
use crate::special::{norm_cdf, norm_inv};

/// The largest relative error in probability a table may have at its
/// verification points: the table's quantile is the exact quantile of some
/// u′ with |u′ − u| ≤ 1e-10·min(u, 1 − u), up to the rounding of x.
pub const TOLERANCE: f64 = 1e-10;

/// The first grid tried.
pub const FIRST_NODES: usize = 256;

/// The largest grid tried before giving up on a table: the bound on the
/// work of a build, at most 2·MAX_NODES exact inverses and as many CDFs
/// over all the grids tried (256 + 512 + … + 4096 < 2·4096).
pub const MAX_NODES: usize = 4096;

/// The normal scores covered: |z| ≤ 6.
const Z_MAX: f64 = 6.0;

/// ln √(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// A verified interpolation table of y(z), the law's variable as a function
/// of the normal score.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileTable {
    step: f64,
    values: Vec<f64>,
    /// dy/dz at each node, times the step.
    slopes: Vec<f64>,
    /// The largest error found at the verification points, as a share of
    /// the allowed error (≤ 1).
    pub max_error: f64,
}

impl QuantileTable {
    /// Build and verify a table for `law`, or None when no grid up to
    /// `MAX_NODES` passes.
    pub fn build(law: &impl Transformed) -> Option<QuantileTable> {
        let mut nodes = FIRST_NODES;
        while nodes <= MAX_NODES {
            if let Some(table) = QuantileTable::try_grid(law, nodes) {
                return Some(table);
            }
            nodes *= 2;
        }
        None
    }

    /// The table on `nodes` cells, if it verifies.
    fn try_grid(law: &impl Transformed, nodes: usize) -> Option<QuantileTable> {
        let step = 2.0 * Z_MAX / nodes as f64;
        let mut values = Vec::with_capacity(nodes + 1);
        let mut slopes = Vec::with_capacity(nodes + 1);
        for j in 0..=nodes {
            let z = -Z_MAX + step * j as f64;
            let y = invert(law, norm_cdf(z), norm_cdf(-z));
            // dy/dz = φ(z)/(dF/dy)
            let slope = (-0.5 * z * z - LN_SQRT_2PI - law.tails(y).ln_slope).exp();
            if !(y.is_finite() && slope.is_finite() && slope > 0.0) {
                return None;
            }
            values.push(y);
            slopes.push(slope * step);
        }
        let mut table = QuantileTable {
            step,
            values,
            slopes,
            max_error: 0.0,
        };
        if !table.is_monotone() {
            return None;
        }
        let mut worst: f64 = 0.0; // error as a share of what is allowed
        for j in 0..nodes {
            let z = -Z_MAX + step * (j as f64 + 0.5);
            let y = table.at_score(z);
            worst = worst.max(relative_error(law, z, y));
            if worst > 1.0 {
                return None;
            }
        }
        table.max_error = worst;
        Some(table)
    }

    /// Fritsch–Carlson: in every cell the secant Δ is positive and the end
    /// slopes d₀, d₁ satisfy d ≥ 0 and (d₀/Δ)² + (d₁/Δ)² ≤ 9, which makes
    /// the cubic Hermite interpolant monotone on the cell.
    fn is_monotone(&self) -> bool {
        self.values.windows(2).zip(self.slopes.windows(2)).all(|(v, s)| {
            let secant = v[1] - v[0];
            let (alpha, beta) = (s[0] / secant, s[1] / secant);
            secant > 0.0 && alpha >= 0.0 && beta >= 0.0 && alpha * alpha + beta * beta <= 9.0
        })
    }

    /// y at normal score z (|z| ≤ 6), by cubic Hermite interpolation.
    #[inline]
    fn at_score(&self, z: f64) -> f64 {
        let position = (z + Z_MAX) / self.step;
        let j = (position as usize).min(self.values.len() - 2);
        let t = position - j as f64;
        let (y0, y1) = (self.values[j], self.values[j + 1]);
        let (d0, d1) = (self.slopes[j], self.slopes[j + 1]);
        let (t2, t3) = (t * t, t * t * t);
        (2.0 * t3 - 3.0 * t2 + 1.0) * y0 + (t3 - 2.0 * t2 + t) * d0 + (-2.0 * t3 + 3.0 * t2) * y1 + (t3 - t2) * d1
    }

    /// y at u, or None when u lies beyond the table (use the exact inverse).
    #[inline]
    pub fn at(&self, u: f64) -> Option<f64> {
        let z = norm_inv(u);
        (z.abs() <= Z_MAX).then(|| self.at_score(z))
    }

    /// Number of cells.
    pub fn nodes(&self) -> usize {
        self.values.len() - 1
    }
}

/// How far y is from the quantile at normal score z, in units of what is
/// allowed: |ln F(y) − ln Φ(z)| (or the same for the upper tails) over
/// TOLERANCE plus the change that rounding y to its last bits (8 units of
/// y's last place, which covers the rounding of x computed from it) makes.
fn relative_error(law: &impl Transformed, z: f64, y: f64) -> f64 {
    let t = law.tails(y);
    let (ln_got, ln_want) = if z <= 0.0 {
        (t.ln_lower, norm_cdf(z).ln())
    } else {
        (t.ln_upper, norm_cdf(-z).ln())
    };
    let sensitivity = (t.ln_slope - ln_got).exp(); // |d ln(tail)/dy|
    let rounding = sensitivity * 8.0 * f64::EPSILON * y.abs().max(1.0);
    (ln_got - ln_want).abs() / (TOLERANCE + rounding)
}

/// A quantile table built on first use and shared by the clones of a law.
/// Equality ignores it: two laws with the same parameters are equal whether
/// or not either has built its table.
#[derive(Clone, Default)]
pub struct LazyTable(Arc<OnceLock<Option<QuantileTable>>>);

impl LazyTable {
    /// The table for `law`, built (and verified) on the first call; None when
    /// it did not verify.
    #[inline]
    pub fn get(&self, law: &impl Transformed) -> Option<&QuantileTable> {
        self.0.get_or_init(|| QuantileTable::build(law)).as_ref()
    }

    /// Whether the table has been built (whatever the outcome).
    pub fn is_built(&self) -> bool {
        self.0.get().is_some()
    }
}

impl PartialEq for LazyTable {
    fn eq(&self, _: &LazyTable) -> bool {
        true
    }
}

impl std::fmt::Debug for LazyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.get() {
            None => f.write_str("LazyTable(not built)"),
            Some(None) => f.write_str("LazyTable(none: exact quantiles)"),
            Some(Some(t)) => write!(f, "LazyTable({} cells)", t.nodes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::dist::incomplete::{BetaTails, GammaTails, Tails};
    use crate::dist::inverse::MAX_STEPS;

    #[test]
    fn tables_verify_for_every_shape_within_the_grid_cap() {
        // from the smallest shapes the brief asks for to the largest accepted
        for a in [0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 10.0, 1e3, 1e5, 1e7] {
            let table = QuantileTable::build(&GammaTails::new(a)).expect("a gamma table");
            assert!(table.max_error <= 1.0, "gamma {a}");
        }
        let shapes = [
            (0.05, 0.05),
            (0.05, 2.0),
            (2.0, 5.0),
            (1.0, 1.0),
            (0.5, 0.5),
            (30.0, 1e4),
            (2.0, 1e7),
            (1e7, 1e7),
        ];
        for (a, b) in shapes {
            let table = QuantileTable::build(&BetaTails::new(a, b)).expect("a beta table");
            assert!(table.max_error <= 1.0, "beta {a} {b}");
        }
        // ordinary shapes need small tables
        assert!(QuantileTable::build(&BetaTails::new(2.5, 6.0)).unwrap().nodes() <= 512);
        assert!(QuantileTable::build(&GammaTails::new(3.0)).unwrap().nodes() <= 512);
    }

    /// A law that counts its inverse-CDF work and whose table never verifies.
    struct Unverifiable<'a>(&'a Cell<usize>);

    impl Transformed for Unverifiable<'_> {
        fn tails(&self, y: f64) -> Tails {
            self.0.set(self.0.get() + 1);
            // a density off by a factor e: Newton still converges (slowly),
            // but the Hermite slopes are wrong and no grid verifies
            let law = GammaTails::new(2.0).at_log(y);
            Tails {
                ln_slope: law.ln_slope + 1.0,
                ..law
            }
        }
        fn guesses(&self, p: f64, q: f64) -> [Option<f64>; 3] {
            GammaTails::new(2.0).guesses(p, q)
        }
    }

    #[test]
    fn a_table_that_cannot_be_verified_is_not_made_and_the_work_is_bounded() {
        let calls = Cell::new(0);
        assert!(QuantileTable::build(&Unverifiable(&calls)).is_none());
        // every grid up to MAX_NODES tried, each node one inverse (its
        // guesses and at most MAX_STEPS steps) and one slope, then one check
        let grids: usize = (0..).map(|k| FIRST_NODES << k).take_while(|n| *n <= MAX_NODES).sum();
        assert!(grids < 2 * MAX_NODES);
        assert!(
            calls.get() <= grids * (MAX_STEPS + 5),
            "{} CDF evaluations",
            calls.get()
        );
        assert_eq!(MAX_NODES, 4096, "the documented bound");
    }

    #[test]
    fn a_lazy_table_is_built_once_on_first_use() {
        let lazy = LazyTable::default();
        let law = GammaTails::new(3.0);
        assert!(!lazy.is_built());
        let copy = lazy.clone();
        assert!(lazy.get(&law).is_some());
        assert!(copy.is_built(), "clones share the table");
        assert_eq!(
            format!("{copy:?}"),
            format!("LazyTable({} cells)", lazy.get(&law).unwrap().nodes())
        );
    }
}
