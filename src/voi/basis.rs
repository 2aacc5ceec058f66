//! The regression basis for a group of inputs: which functions of the
//! inputs the net benefit is regressed on to estimate E(NB | group).
//!
//! - **1 to 3 inputs: tensor product** of each input's natural cubic spline
//!   basis ([`NaturalSpline`]), q^p terms, the unpenalised analogue of
//!   mgcv's `te(…, bs = "cr")` used by Strong, Oakley & Brennan (2014) and
//!   the `voi` R package. It can represent any smooth interaction.
//! - **4 or more inputs: additive splines plus pairwise products**: an
//!   intercept, each input's spline (q − 1 terms, the constant being shared)
//!   and zᵢ·zⱼ for every pair of standardised inputs, 1 + p(q − 1) + p(p − 1)/2
//!   terms. A full tensor product would need q^p terms (4⁶ = 4096 for six
//!   inputs), more than a PSA sample supports; the second-order
//!   (ANOVA-style) expansion keeps every main effect flexible and captures
//!   the products of inputs that cost-effectiveness models are made of to
//!   first order. Interactions of three or more inputs are left out, so the
//!   EVPPI of a large group can be underestimated: check the fit's R².
//!
//! The default number of knots per input ([`default_knots`]) starts at
//! 10, 6, 4, 4 for 1, 2, 3, ≥ 4 inputs and drops (not below 2, a straight
//! line) until the basis has at most n/20 terms, so each half-sample fit
//! has at least ten draws per coefficient.

use std::fmt;

use super::spline::NaturalSpline;

/// How a group's regression basis was built (for evppi.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// Tensor product of natural cubic splines with these knots per input.
    Tensor {
        /// Knots of each input (fewer than asked where an input has few values).
        knots: Vec<usize>,
    },
    /// Additive natural cubic splines plus pairwise products.
    Additive {
        /// Knots of each input.
        knots: Vec<usize>,
        /// Number of pairwise product terms.
        pairs: usize,
    },
}

impl Basis {
    /// Number of regression terms (columns of the design matrix).
    pub fn terms(&self) -> usize {
        match self {
            Basis::Tensor { knots } => knots.iter().product(),
            Basis::Additive { knots, pairs } => 1 + knots.iter().map(|q| q - 1).sum::<usize>() + pairs,
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined = |k: &[usize]| k.iter().map(usize::to_string).collect::<Vec<_>>().join("x");
        match self {
            Basis::Tensor { knots } if knots.len() == 1 => write!(f, "spline {} knots", knots[0]),
            Basis::Tensor { knots } => write!(f, "tensor {} knots ({} terms)", joined(knots), self.terms()),
            Basis::Additive { knots, pairs } => write!(
                f,
                "additive {} knots + {pairs} pairwise ({} terms)",
                joined(knots),
                self.terms()
            ),
        }
    }
}

/// Terms of the basis for `inputs` inputs with q knots each.
fn terms_for(inputs: usize, q: usize) -> usize {
    if inputs <= 3 {
        q.pow(inputs as u32)
    } else {
        1 + inputs * (q - 1) + inputs * (inputs - 1) / 2
    }
}

/// The fewest draws with finite values a regression of a group of `inputs`
/// inputs can use with [`default_knots`]: 2 × (terms + 10) at the fewest
/// knots it falls back to (2 per input). With this many, the fit has at
/// least ten draws per half beyond its terms.
pub fn min_draws(inputs: usize) -> usize {
    2 * (terms_for(inputs.max(1), 2) + 10)
}

/// Default knots per input for a group of `inputs` inputs and n draws (see
/// the module docs).
pub fn default_knots(inputs: usize, n: usize) -> usize {
    let mut q = match inputs {
        0 | 1 => 10,
        2 => 6,
        _ => 4,
    };
    while q > 2 && terms_for(inputs, q) * 20 > n {
        q -= 1;
    }
    q
}

/// The basis functions of a group, ready to evaluate row by row.
#[derive(Debug, Clone)]
pub(crate) struct Design {
    margins: Vec<NaturalSpline>,
    /// For the additive form: (mean, sd) of each input, for the products.
    scale: Option<Vec<(f64, f64)>>,
    pub basis: Basis,
}

impl Design {
    /// The basis for the columns `inputs` (all finite, equally long), with
    /// `q` knots per input.
    pub fn new(inputs: &[Vec<f64>], q: usize) -> Design {
        let margins: Vec<NaturalSpline> = inputs.iter().map(|x| NaturalSpline::at_quantiles(x, q)).collect();
        let knots: Vec<usize> = margins.iter().map(NaturalSpline::dim).collect();
        if inputs.len() <= 3 {
            return Design {
                margins,
                scale: None,
                basis: Basis::Tensor { knots },
            };
        }
        let scale: Vec<(f64, f64)> = inputs
            .iter()
            .map(|x| {
                let n = x.len() as f64;
                let mean = x.iter().sum::<f64>() / n;
                let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
                (mean, sd)
            })
            .collect();
        let varying = scale.iter().filter(|(_, sd)| *sd > 0.0).count();
        Design {
            margins,
            scale: Some(scale),
            basis: Basis::Additive {
                knots,
                pairs: varying * varying.saturating_sub(1) / 2,
            },
        }
    }

    /// Number of terms.
    pub fn terms(&self) -> usize {
        self.basis.terms()
    }

    /// The basis values at one draw `x` (one value per input) into `out`.
    pub fn eval(&self, x: &[f64], out: &mut [f64]) {
        match &self.scale {
            None => {
                // Kronecker product of the margins, the last input varying fastest.
                out[0] = 1.0;
                let mut filled = 1;
                for (margin, &xi) in self.margins.iter().zip(x) {
                    let mut row = vec![0.0; margin.dim()];
                    margin.eval(xi, &mut row);
                    for i in (0..filled).rev() {
                        let lead = out[i];
                        for (j, r) in row.iter().enumerate() {
                            out[i * row.len() + j] = lead * r;
                        }
                    }
                    filled *= row.len();
                }
            }
            Some(scale) => {
                out[0] = 1.0;
                let mut at = 1;
                for (margin, &xi) in self.margins.iter().zip(x) {
                    let mut row = vec![0.0; margin.dim()];
                    margin.eval(xi, &mut row);
                    let rest = &row[1..];
                    out[at..at + rest.len()].copy_from_slice(rest);
                    at += rest.len();
                }
                let z: Vec<Option<f64>> = scale
                    .iter()
                    .zip(x)
                    .map(|(&(mean, sd), &xi)| (sd > 0.0).then(|| (xi - mean) / sd))
                    .collect();
                for i in 0..z.len() {
                    for j in i + 1..z.len() {
                        if let (Some(a), Some(b)) = (z[i], z[j]) {
                            out[at] = a * b;
                            at += 1;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_names() {
        assert_eq!(Basis::Tensor { knots: vec![10] }.to_string(), "spline 10 knots");
        let t = Basis::Tensor { knots: vec![6, 5] };
        assert_eq!(
            (t.terms(), t.to_string()),
            (30, "tensor 6x5 knots (30 terms)".to_string())
        );
        let a = Basis::Additive {
            knots: vec![4; 5],
            pairs: 10,
        };
        assert_eq!(a.terms(), 1 + 15 + 10);
        assert_eq!(default_knots(1, 100_000), 10);
        assert_eq!(default_knots(2, 100_000), 6);
        assert_eq!(default_knots(3, 100_000), 4);
        assert_eq!(default_knots(1, 100), 5);
        assert_eq!(default_knots(3, 100), 2);
        // 2 × (terms at 2 knots + 10): 2, 4, 8 terms; 4 inputs additive 1 + 4 + 6.
        assert_eq!(
            [min_draws(1), min_draws(2), min_draws(3), min_draws(4)],
            [24, 28, 36, 42]
        );
    }

    #[test]
    fn tensor_rows_are_products_of_margins() {
        let x: Vec<f64> = (0..50).map(f64::from).collect();
        let y: Vec<f64> = (0..50).map(|i| f64::from((i * 7) % 50)).collect();
        let d = Design::new(&[x.clone(), y.clone()], 3);
        assert_eq!(d.terms(), 9);
        let mut row = vec![0.0; 9];
        d.eval(&[12.5, 40.0], &mut row);
        let (mut a, mut b) = (vec![0.0; 3], vec![0.0; 3]);
        NaturalSpline::at_quantiles(&x, 3).eval(12.5, &mut a);
        NaturalSpline::at_quantiles(&y, 3).eval(40.0, &mut b);
        for i in 0..3 {
            for j in 0..3 {
                assert!((row[i * 3 + j] - a[i] * b[j]).abs() < 1e-15);
            }
        }
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn additive_rows_skip_constant_inputs_in_products() {
        let x: Vec<Vec<f64>> = (0..4)
            .map(|k| {
                (0..40)
                    .map(|i| if k == 3 { 1.0 } else { f64::from(i * (k + 1)) })
                    .collect()
            })
            .collect();
        let d = Design::new(&x, 3);
        // 1 + 3 inputs × 2 + the constant input's 0, plus 3 pairs among the varying inputs.
        assert_eq!(
            d.basis,
            Basis::Additive {
                knots: vec![3, 3, 3, 1],
                pairs: 3
            }
        );
        assert_eq!(d.terms(), 10);
        let mut row = vec![f64::NAN; 10];
        d.eval(&[3.0, 6.0, 9.0, 1.0], &mut row);
        assert!(row.iter().all(|v| v.is_finite()) && row[0] == 1.0);
    }
}
