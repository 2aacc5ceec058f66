//! The natural cubic regression spline basis of one input, in the
//! "cardinal" form mgcv calls `cr` (Wood 2017, *Generalized Additive
//! Models*, 2nd ed., §5.3.1; Lancaster & Šalkauskas 1986).
//!
//! With knots x₁ < … < x_q, a natural cubic spline f is fixed by its values
//! β_j = f(x_j). Its second derivatives at the knots are γ = Fβ, with γ₁ =
//! γ_q = 0 and the interior ones solving Bγ⁻ = Dβ, where for i = 1 … q − 2
//! and h_j = x_{j+1} − x_j:
//!
//! ```text
//! D_{i,i} = 1/h_i,  D_{i,i+1} = −1/h_i − 1/h_{i+1},  D_{i,i+2} = 1/h_{i+1},
//! B_{i,i} = (h_i + h_{i+1})/3,  B_{i,i+1} = B_{i+1,i} = h_{i+1}/6.
//! ```
//!
//! On [x_j, x_{j+1}], with a⁻ = (x_{j+1} − x)/h_j, a⁺ = (x − x_j)/h_j,
//! c⁻ = [(x_{j+1} − x)³/h_j − h_j(x_{j+1} − x)]/6 and c⁺ likewise from x − x_j,
//!
//! ```text
//! f(x) = a⁻·β_j + a⁺·β_{j+1} + c⁻·γ_j + c⁺·γ_{j+1},
//! ```
//!
//! and f is linear beyond the end knots. The basis functions are the q
//! splines with β = e_j; they sum to 1 and reproduce straight lines, so the
//! intercept and the linear term are in the span. Each is bounded (about
//! −0.2 to 1.2), which keeps least squares well conditioned.

use nalgebra::{DMatrix, DVector};

/// A natural cubic spline basis with knots at fixed points.
#[derive(Debug, Clone, PartialEq)]
pub struct NaturalSpline {
    knots: Vec<f64>,
    /// q × q: second derivatives at the knots per unit knot value (γ = Fβ).
    f: DMatrix<f64>,
}

impl NaturalSpline {
    /// The basis with knots at up to `q` quantiles of `sample` (evenly spaced
    /// in probability, from the minimum to the maximum, as mgcv places them).
    /// A sample with at most q distinct values gets a knot at each value;
    /// one distinct value gives the constant basis. Non-finite values are
    /// ignored; an empty sample gives the constant basis.
    pub fn at_quantiles(sample: &[f64], q: usize) -> NaturalSpline {
        let mut sorted: Vec<f64> = sample.iter().copied().filter(|x| x.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let mut distinct = sorted.clone();
        distinct.dedup();
        let q = q.max(1);
        let knots = if distinct.len() <= q {
            distinct
        } else if q == 1 {
            vec![sorted[sorted.len() / 2]]
        } else {
            let last = (sorted.len() - 1) as f64;
            let mut k: Vec<f64> = (0..q)
                .map(|j| sorted[(last * j as f64 / (q - 1) as f64).round() as usize])
                .collect();
            k.dedup();
            k
        };
        NaturalSpline::with_knots(if knots.is_empty() { vec![0.0] } else { knots })
    }

    /// The basis with the given knots (sorted, distinct, finite, at least one).
    fn with_knots(knots: Vec<f64>) -> NaturalSpline {
        let q = knots.len();
        let mut f = DMatrix::zeros(q, q);
        if q >= 3 {
            let h: Vec<f64> = knots.windows(2).map(|w| w[1] - w[0]).collect();
            let inner = q - 2;
            let mut d = DMatrix::zeros(inner, q);
            let mut b = DMatrix::zeros(inner, inner);
            for i in 0..inner {
                d[(i, i)] = 1.0 / h[i];
                d[(i, i + 1)] = -1.0 / h[i] - 1.0 / h[i + 1];
                d[(i, i + 2)] = 1.0 / h[i + 1];
                b[(i, i)] = (h[i] + h[i + 1]) / 3.0;
                if i + 1 < inner {
                    b[(i, i + 1)] = h[i + 1] / 6.0;
                    b[(i + 1, i)] = h[i + 1] / 6.0;
                }
            }
            // B is symmetric, diagonally dominant and positive definite.
            let interior = b
                .cholesky()
                .expect("B is positive definite for distinct knots")
                .solve(&d);
            f.view_mut((1, 0), (inner, q)).copy_from(&interior);
        }
        NaturalSpline { knots, f }
    }

    /// Number of basis functions (the number of knots).
    pub fn dim(&self) -> usize {
        self.knots.len()
    }

    /// True when the basis is only the constant (one knot).
    pub fn is_constant(&self) -> bool {
        self.knots.len() == 1
    }

    /// The knots.
    pub fn knots(&self) -> &[f64] {
        &self.knots
    }

    /// The q basis values at x, written into `out` (length q).
    pub fn eval(&self, x: f64, out: &mut [f64]) {
        let k = &self.knots;
        let q = k.len();
        out.fill(0.0);
        if q == 1 {
            out[0] = 1.0;
            return;
        }
        // Linear beyond the end knots: value and slope at the nearest end.
        if x < k[0] || x > k[q - 1] {
            let (end, j) = if x < k[0] { (0, 0) } else { (q - 1, q - 2) };
            let h = k[j + 1] - k[j];
            let dx = x - k[end];
            // f'(x₁) = (β₂ − β₁)/h − h·γ₂/6; f'(x_q) = (β_q − β_{q−1})/h + h·γ_{q−1}/6.
            let (slope_lo, slope_hi) = (-1.0 / h, 1.0 / h);
            out[j] += slope_lo * dx;
            out[j + 1] += slope_hi * dx;
            out[end] += 1.0;
            let (inner, sign) = if end == 0 { (1, -1.0) } else { (q - 2, 1.0) };
            for (o, fv) in out.iter_mut().zip(self.f.row(inner).iter()) {
                *o += sign * h / 6.0 * fv * dx;
            }
            return;
        }
        let j = k.partition_point(|kn| *kn <= x).clamp(1, q - 1) - 1;
        let h = k[j + 1] - k[j];
        let (left, right) = (k[j + 1] - x, x - k[j]);
        let c_minus = (left * left * left / h - h * left) / 6.0;
        let c_plus = (right * right * right / h - h * right) / 6.0;
        out[j] += left / h;
        out[j + 1] += right / h;
        for ((o, a), b) in out.iter_mut().zip(self.f.row(j).iter()).zip(self.f.row(j + 1).iter()) {
            *o += c_minus * a + c_plus * b;
        }
    }

    /// The spline with knot values `beta` at x (for tests and diagnostics).
    pub fn value(&self, beta: &DVector<f64>, x: f64) -> f64 {
        let mut row = vec![0.0; self.dim()];
        self.eval(x, &mut row);
        row.iter().zip(beta.iter()).map(|(r, b)| r * b).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basis() -> NaturalSpline {
        NaturalSpline::with_knots(vec![0.0, 1.0, 2.5, 3.0, 5.0])
    }

    #[test]
    fn cardinal_at_the_knots_and_a_partition_of_unity() {
        let s = basis();
        let mut row = vec![0.0; 5];
        for (j, &x) in s.knots().iter().enumerate() {
            s.eval(x, &mut row);
            for (i, v) in row.iter().enumerate() {
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12, "knot {j}: {row:?}");
            }
        }
        for x in [-2.0, 0.3, 1.7, 2.9, 4.2, 7.0] {
            s.eval(x, &mut row);
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn straight_lines_are_reproduced_everywhere() {
        let s = basis();
        let beta = DVector::from_iterator(5, s.knots().iter().map(|x| 2.0 - 3.0 * x));
        for x in [-1.0, 0.0, 0.5, 2.0, 2.7, 4.9, 6.0] {
            assert!((s.value(&beta, x) - (2.0 - 3.0 * x)).abs() < 1e-12, "x = {x}");
        }
    }

    #[test]
    fn smooth_natural_and_interpolating() {
        // Interpolating sin at the knots: continuous first derivative at an
        // interior knot, zero second derivative at the ends.
        let s = basis();
        let beta = DVector::from_iterator(5, s.knots().iter().map(|x| x.sin()));
        let e = 1e-6;
        let slope = |x: f64| (s.value(&beta, x + e) - s.value(&beta, x - e)) / (2.0 * e);
        let left = (s.value(&beta, 2.5) - s.value(&beta, 2.5 - e)) / e;
        let right = (s.value(&beta, 2.5 + e) - s.value(&beta, 2.5)) / e;
        assert!((left - right).abs() < 1e-4, "{left} vs {right}");
        let curvature = |x: f64| (slope(x + 1e-3) - slope(x - 1e-3)) / 2e-3;
        assert!(curvature(5.0).abs() < 1e-3 && curvature(0.0).abs() < 1e-3);
        // Linear beyond the ends, continuing the end slope.
        assert!((slope(6.0) - slope(5.0 - 1e-5)).abs() < 1e-4);
        assert!((slope(-1.0) - slope(1e-5)).abs() < 1e-4);
    }

    #[test]
    fn knots_follow_the_sample() {
        let xs: Vec<f64> = (0..101).map(f64::from).collect();
        assert_eq!(
            NaturalSpline::at_quantiles(&xs, 5).knots(),
            &[0.0, 25.0, 50.0, 75.0, 100.0]
        );
        let discrete = [1.0, 2.0, 2.0, 3.0, 1.0];
        assert_eq!(NaturalSpline::at_quantiles(&discrete, 5).knots(), &[1.0, 2.0, 3.0]);
        assert!(NaturalSpline::at_quantiles(&[4.0; 10], 5).is_constant());
        assert!(NaturalSpline::at_quantiles(&[], 5).is_constant());
    }
}
