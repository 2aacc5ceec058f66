//! Issue 9, item 11: every quantile function is right over all of (0, 1).
//!
//! The gamma, beta and PERT quantiles are checked against an independent
//! reference CDF written here (not statrs, not cradle's own): the series
//! γ(a, x) = x^a e^(−x) Σ xⁿ/(a(a + 1)…(a + n)) for x < a + 1 and Lentz's
//! continued fraction for Γ(a, x) above (Numerical Recipes §6.2), and the
//! continued fraction of the regularised incomplete beta with its symmetry
//! (NR §6.4), with ln Γ from Stirling's series and the recurrence. For every
//! u on a log-spaced grid from 1e-300 (below the smallest u any sampler
//! produces: the copula's 2.2e-308 is covered by the same code path) to
//! 1 − 1.1e-16, F(Q(u)) must equal u to a relative 2e-10 in whichever of u and
//! 1 − u is smaller, up to what rounding x itself to a double can change;
//! where the true quantile is below the smallest double (or rounds to 1),
//! Q(u) must be 0 (or 1). And Q must be monotone on a fine grid, across the
//! table's edges at Φ(±6) included.
//!
//! Before the fix, a gamma with shape below 1 mapped every u below a few
//! percent to about 2^−30 (statrs' inverse stops there), which fails the
//! first check, and was not monotone.

use cradle::Dist;
use cradle::special::norm_cdf;

/// The relative error in probability allowed (the tables' 1e-10, doubled).
const TOLERANCE: f64 = 2e-10;

/// ln Γ(x) for x > 0: Stirling's series from 15 up, the recurrence below.
fn ln_gamma(x: f64) -> f64 {
    let mut shift = 0.0;
    let mut z = x;
    while z < 15.0 {
        shift += z.ln();
        z += 1.0;
    }
    let inverse = 1.0 / z;
    let inverse2 = inverse * inverse;
    let series = inverse
        * (1.0 / 12.0
            + inverse2 * (-1.0 / 360.0 + inverse2 * (1.0 / 1260.0 + inverse2 * (-1.0 / 1680.0 + inverse2 / 1188.0))));
    (z - 0.5) * z.ln() - z + 0.5 * (2.0 * std::f64::consts::PI).ln() + series - shift
}

/// (ln P(a, x), ln Q(a, x)) of the standard gamma.
fn gamma_tails(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (f64::NEG_INFINITY, 0.0);
    }
    let ln_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut n) = (1.0 / a, 1.0 / a, a);
        loop {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term < sum * 1e-17 {
                break;
            }
        }
        let ln_p = ln_prefix + sum.ln();
        (ln_p, (-ln_p.exp()).ln_1p())
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        let mut i = 1.0;
        loop {
            let an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            i += 1.0;
            if (delta - 1.0).abs() <= 2.0 * f64::EPSILON || i > 1e6 {
                break;
            }
        }
        let ln_q = ln_prefix + h.ln();
        ((-ln_q.exp()).ln_1p(), ln_q)
    }
}

/// NR's `betacf`.
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    let mut m = 1.0;
    loop {
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + aa / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        // the last factor d·c of the pair decides convergence
        if (d * c - 1.0).abs() <= 2.0 * f64::EPSILON || m > 1e6 {
            return h;
        }
        m += 1.0;
    }
}

/// (ln I_x(a, b), ln(1 − I_x(a, b))).
fn beta_tails(a: f64, b: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (f64::NEG_INFINITY, 0.0);
    }
    if x >= 1.0 {
        return (0.0, f64::NEG_INFINITY);
    }
    let ln_prefix = a * x.ln() + b * (1.0 - x).ln() - (ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b));
    if x < (a + 1.0) / (a + b + 2.0) {
        let ln_i = ln_prefix + beta_fraction(a, b, x).ln() - a.ln();
        (ln_i, (-ln_i.exp()).ln_1p())
    } else {
        let ln_j = ln_prefix + beta_fraction(b, a, 1.0 - x).ln() - b.ln();
        ((-ln_j.exp()).ln_1p(), ln_j)
    }
}

/// The u grid: log-spaced from 1e-300 up to ½ (4 points a decade), a
/// uniform grid in the middle, and 1 − 10^−k down to 1 − 1.1e-16.
fn grid() -> Vec<f64> {
    let mut us: Vec<f64> = (0..=1196).map(|k| 10f64.powf(-300.0 + k as f64 / 4.0)).collect();
    us.extend((1..100).map(|k| k as f64 / 100.0));
    us.extend((8..=128).map(|k| 1.0 - 10f64.powf(-(k as f64) / 8.0)));
    us.push(1.0 - f64::EPSILON / 2.0);
    us.sort_by(f64::total_cmp);
    us.dedup();
    us
}

/// Checks F(x) = u for one law given its reference tails and x's rounding:
/// `perturb(x, δ)` gives the points δ (relative, in the law's variable)
/// either side of x.
fn check(
    name: &str,
    dist: &Dist,
    tails: &dyn Fn(f64) -> (f64, f64),
    perturb: &dyn Fn(f64, f64) -> (f64, f64),
    variable: &dyn Fn(f64) -> f64,
) {
    for u in grid() {
        let x = dist.quantile(u);
        let (p, q) = (u, 1.0 - u);
        let lower = p <= q;
        let target = if lower { p } else { q };
        let pick = |t: (f64, f64)| if lower { t.0 } else { t.1 };
        assert!(!x.is_nan(), "{name}: Q({u}) is NaN");
        let (low_end, high_end) = dist.support();
        if x <= low_end.max(0.0) && low_end == 0.0 {
            // the true quantile must be below the smallest double
            let smallest = f64::from_bits(1);
            let ln_f = tails(smallest).0;
            assert!(
                ln_f >= u.ln() - TOLERANCE,
                "{name}: Q({u}) = 0, but F(5e-324) = {}",
                ln_f.exp()
            );
            continue;
        }
        if x >= high_end && high_end == 1.0 {
            // the true quantile must round to 1
            let below_one = 1.0 - f64::EPSILON / 2.0;
            let ln_s = tails(below_one).1;
            assert!(
                ln_s >= q.ln() - TOLERANCE,
                "{name}: Q({u}) = 1, but S(1 − 2^−53) = {}",
                ln_s.exp()
            );
            continue;
        }
        let ln_at = pick(tails(x));
        let delta = 16.0 * f64::EPSILON * variable(x).abs().max(1.0);
        let (x_lo, x_hi) = perturb(x, delta);
        let (ln_lo, ln_hi) = (pick(tails(x_lo)), pick(tails(x_hi)));
        let rounding = ((ln_hi - ln_at).exp() - (ln_lo - ln_at).exp()).abs();
        let error = ((ln_at - target.ln()).exp() - 1.0).abs();
        assert!(
            error <= TOLERANCE + rounding,
            "{name}: u = {u:e}: Q = {x:e}, F off by a relative {error:e} (allowed {:e})",
            TOLERANCE + rounding
        );
    }
}

fn gamma_perturb(x: f64, delta: f64) -> (f64, f64) {
    let ulp = f64::from_bits(x.to_bits() + 1) - x;
    let d = delta + 2.0 * ulp / x;
    (x * (1.0 - d), x * (1.0 + d))
}

fn beta_perturb(x: f64, delta: f64) -> (f64, f64) {
    let ulp = f64::from_bits(x.to_bits() + 1) - x;
    let side = x.min(1.0 - x);
    let d = delta * side + 2.0 * ulp;
    ((x - d).max(0.0), (x + d).min(1.0))
}

#[test]
fn gamma_quantiles_match_an_independent_cdf_over_all_of_0_1() {
    for shape in [0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 10.0, 1e3] {
        let dist = Dist::gamma(shape, 1.0).unwrap();
        check(
            &format!("gamma({shape}, 1)"),
            &dist,
            &|x| gamma_tails(shape, x),
            &gamma_perturb,
            &|x: f64| x.ln(),
        );
    }
}

#[test]
fn beta_and_pert_quantiles_match_an_independent_cdf_over_all_of_0_1() {
    let shapes = [
        (0.05, 0.05),
        (0.05, 1.0),
        (0.05, 5.0),
        (1.0, 0.05),
        (0.5, 0.5),
        (1.0, 1.0),
        (0.7, 2.0),
        (2.0, 5.0),
        (2.5, 6.0),
        (13.06, 10.69),
        (50.0, 0.05),
    ];
    for (a, b) in shapes {
        let dist = Dist::beta(a, b).unwrap();
        check(
            &format!("beta({a}, {b})"),
            &dist,
            &|x| beta_tails(a, b, x),
            &beta_perturb,
            &|x: f64| x.ln() - (1.0 - x).ln(),
        );
    }
    // PERT(0, 1, 4) is 4·Beta(2, 4): its quantile is exactly 4× the beta's
    // (a power of two), so the beta's accuracy carries over.
    let pert = Dist::pert(0.0, 1.0, 4.0, 4.0).unwrap();
    let beta = Dist::beta(2.0, 4.0).unwrap();
    for u in grid() {
        assert_eq!(pert.quantile(u), 4.0 * beta.quantile(u), "u = {u}");
    }
}

#[test]
fn a_scale_multiplies_the_standard_gamma_quantile() {
    for shape in [0.01, 0.5, 3.0] {
        let standard = Dist::gamma(shape, 1.0).unwrap();
        let scaled = Dist::gamma(shape, 2000.0).unwrap();
        for u in grid() {
            let (a, b) = (scaled.quantile(u), 2000.0 * standard.quantile(u));
            assert!(
                (a - b).abs() <= 4.0 * f64::EPSILON * b.abs() || (a - b).abs() < 1e-300,
                "gamma({shape}): u = {u}: {a} vs {b}"
            );
        }
    }
}

/// u on a fine grid: 200,000 uniform points, the log-spaced tails, runs of
/// points across the tables' edges at u = Φ(±6).
fn fine_grid() -> Vec<f64> {
    let mut us = grid();
    us.extend((1..200_000).map(|k| k as f64 / 200_000.0));
    let edge = norm_cdf(-6.0);
    us.extend((-500..=500).map(|k| edge * (1.0 + k as f64 * 1e-12)));
    let mut u = 1.0 - edge;
    for _ in 0..500 {
        u = f64::from_bits(u.to_bits() - 1);
    }
    for _ in 0..1000 {
        us.push(u);
        u = f64::from_bits(u.to_bits() + 1);
    }
    us.sort_by(f64::total_cmp);
    us.dedup();
    us
}

#[test]
fn quantiles_are_monotone_including_across_the_table_edges() {
    let mut dists = vec![];
    for shape in [0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 10.0, 1e3] {
        dists.push((format!("gamma({shape})"), Dist::gamma(shape, 1.0).unwrap()));
    }
    for (a, b) in [(0.05, 0.05), (0.05, 5.0), (0.5, 0.5), (2.0, 5.0), (50.0, 0.05)] {
        dists.push((format!("beta({a}, {b})"), Dist::beta(a, b).unwrap()));
    }
    dists.push(("pert".into(), Dist::pert(0.05, 0.15, 0.30, 4.0).unwrap()));
    dists.push((
        "gamma truncated".into(),
        Dist::gamma(0.5, 2.0).unwrap().truncate(0.1, 5.0).unwrap(),
    ));
    let us = fine_grid();
    for (name, dist) in &dists {
        let mut column = us.clone();
        dist.quantile_in_place(&mut column);
        let mut previous = f64::NEG_INFINITY;
        for (u, x) in us.iter().zip(&column) {
            assert!(!x.is_nan(), "{name}: Q({u}) is NaN");
            assert!(
                *x >= previous,
                "{name}: Q({u:e}) = {x:e} below the previous {previous:e}"
            );
            assert_eq!(
                *x,
                dist.quantile(*u),
                "{name}: quantile_in_place and quantile differ at {u}"
            );
            previous = *x;
        }
    }
}

#[test]
fn beta_quantiles_near_one_are_the_nearest_double() {
    // Beta(1, b) has S(x) = (1 − x)^b, so 1 − Q(u) = (1 − u)^(1/b) in closed
    // form. Below 1 the doubles are 2^−53 apart: Q(u) must be the nearest
    // one (to half that spacing, plus the tables' accuracy in probability,
    // 1e-10·(1 − u), which moves 1 − Q by a relative 1e-10/b). Before the
    // fix the logistic x = 1/(1 + e^(−y)) rounded 1 + e^(−y) to doubles
    // 2^−52 apart and was up to a whole spacing off.
    let spacing = f64::EPSILON / 2.0;
    for b in [0.03, 0.05, 0.1, 0.5] {
        let dist = Dist::beta(1.0, b).unwrap();
        for k in 0..=4000 {
            let wanted = 10f64.powf(-17.5 + 5.0 * k as f64 / 4000.0);
            let u = 1.0 - wanted.powf(b);
            let exact = (1.0 - u).powf(1.0 / b); // 1 − u is exact for u ≥ ½
            let got = 1.0 - dist.quantile(u); // exact for a quantile ≥ ½
            let allowed = spacing / 2.0 + 1e-9 / b * exact;
            assert!(
                (got - exact).abs() <= allowed,
                "beta(1, {b}): 1 − Q({u}) = {got:e}, the nearest double to the exact {exact:e} is within {allowed:e}"
            );
        }
    }
}
