//! The regularised incomplete gamma and beta functions (the CDFs of the gamma
//! and beta laws), computed in logarithms and in both tails, so that a
//! probability of 1e-300 and its complement 1 − 1e-300 are both known to
//! full relative accuracy.
//!
//! Each law is written in a variable y in which its quantile function is
//! smooth and never over- or underflows: y = ln x for the gamma (x > 0),
//! y = logit x = ln(x/(1 − x)) for the beta (0 < x < 1). [`Tails`] gives
//! ln F, ln(1 − F) and ln dF/dy at y, which is all the inverse
//! ([`super::inverse`]) and the quantile tables ([`super::table`]) need.
//!
//! Methods (Numerical Recipes, 3rd ed., §6.2 and §6.4; DiDonato & Morris
//! 1986, ACM TOMS 12:377; Didonato & Morris 1992, ACM TOMS 18:360):
//! - gamma: P(a, x) by the series x^a e^(−x)/Γ(a + 1)·Σ xⁿ/((a + 1)…(a + n))
//!   for x < a + 1, else Q(a, x) by the continued fraction (modified Lentz);
//!   the other tail as ln(1 − ·).
//! - beta: I_x(a, b) by its continued fraction (in TOMS 708's form) for
//!   x ≤ a/(a + b), else I_(1−x)(b, a) = 1 − I_x(a, b) by the same fraction.
//! - the common factor (x^a e^(−x)/Γ(a), x^a (1 − x)^b/B(a, b)) is computed
//!   for large shapes from Stirling's series and ln(1 + d) − d, as DiDonato
//!   & Morris do, not as a difference of ln Γ values: ln Γ(10⁷) ≈ 1.5·10⁸,
//!   and its rounding alone would cost eight digits.

use statrs::function::gamma::ln_gamma;

/// ln F, ln(1 − F) and ln dF/dy of a law at a point y of its variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tails {
    /// ln F(y), the log of the lower tail.
    pub ln_lower: f64,
    /// ln(1 − F(y)), the log of the upper tail.
    pub ln_upper: f64,
    /// ln(dF/dy), the log of the density in y.
    pub ln_slope: f64,
}

impl Tails {
    /// The tails when one of them, ln t, was computed directly and the other
    /// is its complement ln(1 − t).
    fn from_direct(ln_direct: f64, direct_is_lower: bool, ln_slope: f64) -> Tails {
        let ln_other = ln_complement(ln_direct);
        let (ln_lower, ln_upper) = if direct_is_lower {
            (ln_direct, ln_other)
        } else {
            (ln_other, ln_direct)
        };
        Tails {
            ln_lower,
            ln_upper,
            ln_slope,
        }
    }
}

/// ln(1 − e^l) for l ≤ 0, accurate for l near 0 and for l very negative.
pub fn ln_complement(l: f64) -> f64 {
    if l > -std::f64::consts::LN_2 {
        (-l.exp_m1()).ln()
    } else {
        (-l.exp()).ln_1p()
    }
}

/// ln(1 + e^v), without overflow.
pub fn softplus(v: f64) -> f64 {
    if v > 0.0 {
        v + (-v).exp().ln_1p()
    } else {
        v.exp().ln_1p()
    }
}

/// ln(1 + d) − d for d > −1, accurate near 0: with w = d/(2 + d),
/// ln(1 + d) = 2·atanh(w) = 2(w + w³/3 + w⁵/5 + …) and 2w − d = −w·d.
fn ln1p_minus(d: f64) -> f64 {
    if d.abs() >= 0.5 {
        return d.ln_1p() - d;
    }
    let w = d / (2.0 + d);
    let w2 = w * w;
    let mut power = w * w2;
    let mut sum: f64 = 0.0;
    let mut k = 3.0;
    // |w| ≤ 1/3: each term is at most 1/9 of the one before.
    while power.abs() > 1e-18 * sum.abs().max(f64::MIN_POSITIVE) {
        sum += power / k;
        power *= w2;
        k += 2.0;
    }
    -w * d + 2.0 * sum
}

/// The remainder of Stirling's series for z ≥ 10:
/// ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π] = Σ B₂ₖ/(2k(2k − 1) z^(2k − 1)),
/// eight terms (the last is below 3e-17 at z = 10).
fn stirling_remainder(z: f64) -> f64 {
    const COEFFICIENTS: [f64; 8] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
        -3617.0 / 122_400.0,
    ];
    let inverse = 1.0 / z;
    let inverse2 = inverse * inverse;
    let mut sum = 0.0;
    for c in COEFFICIENTS.iter().rev() {
        sum = sum * inverse2 + c;
    }
    sum * inverse
}

/// Where Stirling's series takes over from statrs' ln Γ.
const STIRLING_FROM: f64 = 10.0;

const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// Iterations allowed to a series or continued fraction: enough for shapes
/// up to the families' limits (they need O(√shape) terms near the mode).
const MAX_TERMS: usize = 200_000;

/// A tiny number for the modified Lentz method (NR §5.2).
const LENTZ_TINY: f64 = 1e-300;

/// The standard gamma law with shape a, in y = ln x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaTails {
    shape: f64,
    ln_gamma_shape: f64,
    /// ½ ln(a/2π) − Stirling's remainder at a (used for a ≥ 10).
    stirling_constant: f64,
}

impl GammaTails {
    /// The gamma law with shape a > 0 (validated by the caller).
    pub fn new(shape: f64) -> GammaTails {
        GammaTails {
            shape,
            ln_gamma_shape: ln_gamma(shape),
            stirling_constant: 0.5 * (shape.ln() - LN_2PI) - stirling_remainder(shape.max(STIRLING_FROM)),
        }
    }

    /// The shape a.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// ln Γ(a + 1) = ln Γ(a) + ln a.
    pub fn ln_gamma_shape_plus_one(&self) -> f64 {
        self.ln_gamma_shape + self.shape.ln()
    }

    /// ln(x^a e^(−x)/Γ(a)) = ln(x·f(x)) = ln dF/dy, with x = e^y.
    fn ln_kernel(&self, x: f64, y: f64) -> f64 {
        let a = self.shape;
        if a < STIRLING_FROM || !(x.is_normal()) {
            return a * y - x - self.ln_gamma_shape;
        }
        // x^a e^(−x)/Γ(a) = exp(−a·[r − 1 − ln r])·√(a/2π)·e^(−remainder), r = x/a
        let r = x / a;
        let distance = if (r - 1.0).abs() < 0.5 {
            -ln1p_minus(r - 1.0)
        } else {
            (r - 1.0) - r.ln()
        };
        -a * distance + self.stirling_constant
    }

    /// The tails at y = ln x.
    pub fn at_log(&self, y: f64) -> Tails {
        self.at(y.exp(), y)
    }

    /// The tails at x ≥ 0 (−∞ and 0 for x = 0).
    pub fn at_value(&self, x: f64) -> Tails {
        if x <= 0.0 {
            return Tails {
                ln_lower: f64::NEG_INFINITY,
                ln_upper: 0.0,
                ln_slope: f64::NEG_INFINITY,
            };
        }
        self.at(x, x.ln())
    }

    fn at(&self, x: f64, y: f64) -> Tails {
        let a = self.shape;
        if x.is_infinite() {
            return Tails {
                ln_lower: 0.0,
                ln_upper: f64::NEG_INFINITY,
                ln_slope: f64::NEG_INFINITY,
            };
        }
        let ln_kernel = self.ln_kernel(x, y);
        if x < a + 1.0 {
            // P(a, x) = x^a e^(−x)/Γ(a + 1) · Σ xⁿ/((a + 1)…(a + n))
            let mut term = 1.0;
            let mut sum = 1.0;
            let mut denominator = a;
            for _ in 0..MAX_TERMS {
                denominator += 1.0;
                term *= x / denominator;
                sum += term;
                if term < sum * 1e-17 {
                    break;
                }
            }
            Tails::from_direct(ln_kernel - a.ln() + sum.ln(), true, ln_kernel)
        } else {
            // Q(a, x) = x^a e^(−x)/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − …))
            let mut b = x + 1.0 - a;
            let mut c = 1.0 / LENTZ_TINY;
            let mut d = 1.0 / b;
            let mut h = d;
            for i in 1..MAX_TERMS {
                let i = i as f64;
                let an = -i * (i - a);
                b += 2.0;
                d = an * d + b;
                if d.abs() < LENTZ_TINY {
                    d = LENTZ_TINY;
                }
                c = b + an / c;
                if c.abs() < LENTZ_TINY {
                    c = LENTZ_TINY;
                }
                d = 1.0 / d;
                let delta = d * c;
                h *= delta;
                if (delta - 1.0).abs() <= 2.0 * f64::EPSILON {
                    break;
                }
            }
            Tails::from_direct(ln_kernel + h.ln(), false, ln_kernel)
        }
    }
}

/// The beta law Beta(a, b), in y = logit x = ln(x/(1 − x)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaTails {
    a: f64,
    b: f64,
    /// ln B(a, b) for the direct form (both shapes below 10).
    ln_beta: f64,
}

impl BetaTails {
    /// Beta(a, b), both positive (validated by the caller).
    pub fn new(a: f64, b: f64) -> BetaTails {
        BetaTails {
            a,
            b,
            ln_beta: ln_beta(a, b),
        }
    }

    /// The shapes (a, b).
    pub fn shapes(&self) -> (f64, f64) {
        (self.a, self.b)
    }

    /// ln B(a, b).
    pub fn ln_beta(&self) -> f64 {
        self.ln_beta
    }

    /// The tails at y = logit x.
    pub fn at_logit(&self, y: f64) -> Tails {
        let ln_x = -softplus(-y);
        let ln_1mx = -softplus(y);
        self.at(ln_x.exp(), ln_1mx.exp(), ln_x, ln_1mx)
    }

    /// The tails at x in [0, 1].
    pub fn at_value(&self, x: f64) -> Tails {
        if x <= 0.0 {
            return Tails {
                ln_lower: f64::NEG_INFINITY,
                ln_upper: 0.0,
                ln_slope: f64::NEG_INFINITY,
            };
        }
        if x >= 1.0 {
            return Tails {
                ln_lower: 0.0,
                ln_upper: f64::NEG_INFINITY,
                ln_slope: f64::NEG_INFINITY,
            };
        }
        let one_minus = 1.0 - x;
        let (ln_x, ln_1mx) = if x < 0.5 {
            (x.ln(), (-x).ln_1p())
        } else {
            ((-one_minus).ln_1p(), one_minus.ln())
        };
        self.at(x, one_minus, ln_x, ln_1mx)
    }

    /// ln(x^a (1 − x)^b/B(a, b)) = ln(x(1 − x) f(x)) = ln dF/dy.
    fn ln_kernel(&self, x: f64, ln_x: f64, ln_1mx: f64) -> f64 {
        let (a, b) = (self.a, self.b);
        if a < STIRLING_FROM && b < STIRLING_FROM {
            return a * ln_x + b * ln_1mx - self.ln_beta;
        }
        if a >= STIRLING_FROM && b >= STIRLING_FROM {
            // With x₀ = a/(a + b): a ln(x/x₀) + b ln((1 − x)/(1 − x₀)) − ln B(a, b),
            // ln B(a, b) = a ln x₀ + b ln(1 − x₀) + ½ ln(2π(a + b)/(ab)) + remainders.
            let total = a + b;
            let x0 = a / total;
            let y0 = b / total;
            let d = x - x0;
            let (u, v) = (d / x0, -d / y0);
            let deviation = if u.abs() < 0.5 && v.abs() < 0.5 {
                // the linear terms a·u + b·v cancel exactly
                a * ln1p_minus(u) + b * ln1p_minus(v)
            } else {
                a * (ln_x - x0.ln()) + b * (ln_1mx - y0.ln())
            };
            let remainders = stirling_remainder(a) + stirling_remainder(b) - stirling_remainder(total);
            return deviation - 0.5 * (LN_2PI + total.ln() - a.ln() - b.ln()) - remainders;
        }
        // One shape small (s), one large (l): ln Γ(l) − ln Γ(s + l) by Stirling,
        // = −(l − ½)·ln(1 + s/l) − s·ln(s + l) + s + R(l) − R(s + l).
        let (small, large, ln_small_side, ln_large_side) = if a < b {
            (a, b, ln_x, ln_1mx)
        } else {
            (b, a, ln_1mx, ln_x)
        };
        let total = small + large;
        let ln_ratio =
            -(large - 0.5) * (small / large).ln_1p() - small * total.ln() + small + stirling_remainder(large)
                - stirling_remainder(total);
        // ln B(a, b) = ln Γ(s) + ln Γ(l) − ln Γ(s + l)
        small * ln_small_side + large * ln_large_side - ln_gamma(small) - ln_ratio
    }

    fn at(&self, x: f64, one_minus: f64, ln_x: f64, ln_1mx: f64) -> Tails {
        let (a, b) = (self.a, self.b);
        let ln_kernel = self.ln_kernel(x, ln_x, ln_1mx);
        // λ = a − (a + b)x, from whichever of x and 1 − x is the smaller
        let lambda = if a > b {
            (a + b) * one_minus - b
        } else {
            a - (a + b) * x
        };
        if lambda >= 0.0 {
            let cf = beta_fraction(a, b, x, one_minus, lambda);
            Tails::from_direct(ln_kernel + cf.ln(), true, ln_kernel)
        } else {
            let cf = beta_fraction(b, a, one_minus, x, -lambda);
            Tails::from_direct(ln_kernel + cf.ln(), false, ln_kernel)
        }
    }
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), with Stirling's series for
/// the large arguments so that nothing large cancels.
fn ln_beta(a: f64, b: f64) -> f64 {
    if a < STIRLING_FROM && b < STIRLING_FROM {
        return ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    }
    let (small, large) = if a < b { (a, b) } else { (b, a) };
    let total = small + large;
    if small >= STIRLING_FROM {
        return small * (small / total).ln()
            + large * (large / total).ln()
            + 0.5 * (LN_2PI + total.ln() - small.ln() - large.ln())
            + stirling_remainder(small)
            + stirling_remainder(large)
            - stirling_remainder(total);
    }
    ln_gamma(small) - (large - 0.5) * (small / large).ln_1p() - small * total.ln() + small + stirling_remainder(large)
        - stirling_remainder(total)
}

/// The continued fraction of I_x(a, b) for x ≤ a/(a + b), in the form of
/// DiDonato & Morris (1992), TOMS 708's BFRAC: I_x(a, b) =
/// x^a (1 − x)^b/B(a, b) · this. It takes x, y = 1 − x and λ = a − (a + b)x
/// ≥ 0 separately, each computed from the more accurate of x and 1 − x, so
/// that no term cancels when x is close to 1 and a is large (the form of NR
/// §6.4 loses nine digits for Beta(2, 10⁷) in its upper tail).
fn beta_fraction(a: f64, b: f64, x: f64, y: f64, lambda: f64) -> f64 {
    let c = lambda + 1.0;
    let c0 = b / a;
    let c1 = 1.0 / a + 1.0;
    let yp1 = y + 1.0;
    let mut p = 1.0;
    let mut s = a + 1.0;
    let (mut an, mut bn) = (0.0, 1.0);
    let (mut anp1, mut bnp1) = (1.0, c / c1);
    let mut r = c1 / c;
    for n in 1..MAX_TERMS {
        let n = n as f64;
        let t = n / a;
        let w = n * (b - n) * x;
        let e = a / s;
        let alpha = p * (p + c0) * e * e * (w * x);
        let e = (t + 1.0) / (c1 + t + t);
        let beta = n + w / s + e * (c + n * yp1);
        p = t + 1.0;
        s += 2.0;
        let next = alpha * an + beta * anp1;
        an = anp1;
        anp1 = next;
        let next = alpha * bn + beta * bnp1;
        bn = bnp1;
        bnp1 = next;
        let previous = r;
        r = anp1 / bnp1;
        if (r - previous).abs() <= 15.0 * f64::EPSILON * r {
            break;
        }
        an /= bnp1;
        bn /= bnp1;
        anp1 = r;
        bnp1 = 1.0;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (ln F, ln(1 − F)) against 40-digit values (the series and continued
    /// fractions evaluated in 40-digit arithmetic with mpmath, at these exact
    /// doubles): both tails to a relative 1e-13 (and to 1e-13 of their
    /// logarithm when that is large), whatever their size.
    #[test]
    fn tails_match_high_precision_values() {
        #[allow(clippy::type_complexity)]
        let gamma: [(f64, f64, f64, f64); 8] = [
            (0.01, 1e-30, -0.6850852199521441, -0.701274664984798),
            (0.01, 0.5, -0.005642646020085002, -5.180222167358926),
            (0.5, 1e-05, -5.635683828178758, -0.003574617678071384),
            (3.0, 20.0, -4.555150543058879e-07, -14.601837298482247),
            (100.0, 130.0, -0.0027541976901183014, -5.896005881125902),
            (100000.0, 99000.0, -7.185592740789702, -0.0007577069085657259),
            (10000000.0, 10020000.0, -1.30401983559903e-10, -22.760399255267938),
            (0.01, 30.0, -3.144913227075796e-17, -37.998160281881916),
        ];
        let beta: [(f64, f64, f64, f64, f64); 9] = [
            (0.05, 0.05, 1e-10, -1.8406060233077637, -0.17283217359027284),
            (2.0, 5.0, 0.3, -0.545028945107489, -0.8670839878195068),
            (2.0, 5.0, 0.9, -5.500151255546056e-05, -9.808177372731805),
            (0.5, 0.5, 0.999, -0.020340514397558022, -3.905293616969037),
            (30.0, 10000.0, 0.002, -3.7969629699984955, -0.02269439658523147),
            (2.0, 10000000.0, 5e-07, -0.04126754319975036, -3.2082417807723616),
            (10000000.0, 10000000.0, 0.5003, -0.003651836624958112, -5.61435041567238),
            (0.5, 1000000.0, 3e-06, -0.014409132347247423, -4.247088997859401),
            (1000000.0, 0.5, 0.999997, -4.247088997831338, -0.014409132347654717),
        ];
        // ln F to 1e-13 absolute: F itself to a relative 1e-13
        let close = |got: f64, want: f64| (got - want).abs() <= 1e-13 * want.abs().max(1.0);
        for (a, x, ln_p, ln_q) in gamma {
            let t = GammaTails::new(a).at_value(x);
            assert!(
                close(t.ln_lower, ln_p) && close(t.ln_upper, ln_q),
                "gamma({a}) at {x}: {t:?}"
            );
            // the same through y = ln x
            let t = GammaTails::new(a).at_log(x.ln());
            assert!(close(t.ln_lower, ln_p) || a >= 1e5, "gamma({a}) at ln {x}: {t:?}");
        }
        for (a, b, x, ln_i, ln_j) in beta {
            let t = BetaTails::new(a, b).at_value(x);
            assert!(
                close(t.ln_lower, ln_i) && close(t.ln_upper, ln_j),
                "beta({a}, {b}) at {x}: {t:?}"
            );
        }
        // The documented limit: for a shape far below 0.01, Q(a, x) with
        // x < a + 1 is 1 − P and keeps only about ε/Q of relative accuracy
        // (here Q ≈ 6e-6: 1e-10).
        let t = GammaTails::new(1e-6).at_value(1e-3);
        assert!((t.ln_upper - -11.969970201911767).abs() < 1e-9, "{t:?}");
    }

    #[test]
    fn helpers_are_accurate_near_their_cancellations() {
        // ln(1 + d) − d = −d²/2 + d³/3 − …
        let d: f64 = 1e-5;
        let series = -d * d / 2.0 + d * d * d / 3.0 - d.powi(4) / 4.0 + d.powi(5) / 5.0;
        assert!((ln1p_minus(d) - series).abs() < 1e-25);
        assert!((ln1p_minus(0.3) - (1.3f64.ln() - 0.3)).abs() < 1e-16);
        // ln Γ(20) = ln 19!, by Stirling's series
        let ln_19_factorial = (1..=19).map(|k| (k as f64).ln()).sum::<f64>();
        let stirling = 19.5 * 20f64.ln() - 20.0 + 0.5 * LN_2PI + stirling_remainder(20.0);
        assert!((stirling - ln_19_factorial).abs() < 1e-13);
        assert!((ln_complement(-1e-20) - (1e-20f64).ln()).abs() < 1e-12);
        assert!((softplus(800.0) - 800.0).abs() < 1e-12 && softplus(-800.0) == 0.0);
    }
}
