//! Issue 9, item 12: no valid distribution draws NaN, under any sampler;
//! parameters that cannot be sampled are rejected at load with the reason.
//!
//! Before the fix: Beta(1e-6, 1e-6) drew almost only NaN under Monte Carlo
//! (both gammas underflow, 0/0); gamma with shape = scale = 1e-300 gave
//! 9.3e-10 for every LHS/Sobol draw; uniform and triangular on
//! (−1.7e308, 1.7e308) drew only non-finite values; and the midpoint base of
//! uniform(1e307, 1.7e308) overflowed, with an error blaming a `base` the
//! user never gave.

mod common;

use common::{SE_TOLERANCE, ks_critical};
use cradle::Dist;
use cradle::dist::uniform01;
use cradle::sampling::chunk_rng;
use cradle::{Model, Scenario};
use statrs::function::beta::beta_reg;

const N: usize = 100_000;

/// Draws by `fill` (Monte Carlo) and by `quantile_in_place` on uniforms
/// (LHS/Sobol), plus the quantile at the extreme u each sampler can produce.
fn draws(dist: &Dist, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = chunk_rng(seed, 0);
    let mut mc = vec![0.0; N];
    dist.fill(&mut rng, &mut mc);
    let mut by_quantile: Vec<f64> = (0..N).map(|_| uniform01(&mut rng)).collect();
    by_quantile.extend([
        f64::MIN_POSITIVE,
        1e-300,
        2f64.powi(-53),
        1e-9,
        0.5,
        1.0 - 2f64.powi(-53),
    ]);
    dist.quantile_in_place(&mut by_quantile);
    (mc, by_quantile)
}

fn assert_inside(name: &str, dist: &Dist, values: &[f64]) {
    let (lo, hi) = dist.support();
    for x in values {
        assert!(!x.is_nan() && lo <= *x && *x <= hi, "{name}: {x} outside [{lo}, {hi}]");
    }
}

/// The Kolmogorov–Smirnov statistic of a Beta(α, β) sample of doubles,
/// against statrs' regularised incomplete beta (an independent truth).
///
/// A draw is a true value rounded to the nearest double, so a run of equal
/// draws x stands for the cell of reals that round to x, and the empirical
/// CDF is compared with F at the cell's ends. Near 1 that matters: with
/// β = 0.03, the cell just below 1 (width 1.1e-16) holds 0.4% of the mass
/// and the one at 1 itself 20%, so F at x alone would be off by far more
/// than the KS critical value. Above ½ the cell's ends are taken in
/// s = 1 − x (exact there), F = 1 − I_s(β, α); below, doubles are so
/// dense relative to x that F(x) serves for both ends.
fn ks_of_rounded_beta(sample: &mut [f64], alpha: f64, beta: f64) -> f64 {
    let cdf_at_gap = |x: f64, half_gap: f64| {
        if x < 0.5 {
            beta_reg(alpha, beta, x.max(0.0))
        } else {
            1.0 - beta_reg(beta, alpha, ((1.0 - x) - half_gap).clamp(0.0, 1.0))
        }
    };
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    let mut d: f64 = 0.0;
    let mut start = 0;
    while start < sample.len() {
        let x = sample[start];
        let mut end = start;
        while end < sample.len() && sample[end] == x {
            end += 1;
        }
        let gap_below = if x > 0.0 {
            x - f64::from_bits(x.to_bits() - 1)
        } else {
            0.0
        };
        let gap_above = if x < 1.0 {
            f64::from_bits(x.to_bits() + 1) - x
        } else {
            0.0
        };
        let below = if x > 0.0 { cdf_at_gap(x, -gap_below / 2.0) } else { 0.0 };
        let above = cdf_at_gap(x, gap_above / 2.0);
        d = d
            .max((below - start as f64 / n).abs())
            .max((above - end as f64 / n).abs());
        start = end;
    }
    d
}

#[test]
fn beta_with_tiny_shapes_draws_zeros_and_ones_not_nan() {
    // Beta(1e-6, 1e-6): half the mass within 1e-308 of 0, half within 1e-16
    // of 1; a draw is 0 or 1 to machine precision with probability 0.9996.
    let dist = Dist::beta(1e-6, 1e-6).unwrap();
    let (mc, by_quantile) = draws(&dist, 1);
    assert_inside("beta(1e-6, 1e-6)", &dist, &mc);
    assert_inside("beta(1e-6, 1e-6)", &dist, &by_quantile);
    let mean = mc.iter().sum::<f64>() / N as f64;
    let se = 0.5 / (N as f64).sqrt();
    assert!((mean - 0.5).abs() < SE_TOLERANCE * se, "mean {mean}");
    let at_ends = mc.iter().filter(|x| **x == 0.0 || **x == 1.0).count() as f64 / N as f64;
    assert!(at_ends > 0.99, "{at_ends}");
    // the same law through the quantile function
    let quantile_mean = by_quantile[..N].iter().sum::<f64>() / N as f64;
    assert!(
        (quantile_mean - 0.5).abs() < SE_TOLERANCE * se,
        "quantile mean {quantile_mean}"
    );
}

#[test]
fn beta_with_small_shapes_sampled_in_logarithms_has_the_right_law() {
    // α + β < 0.1 takes the logarithmic sampler; its draws, and the
    // quantile function's, must follow the law (KS against statrs). Most of
    // the mass is within 1e-16 of 0 or 1, so this also checks that x is
    // rounded to the nearest double there (a logistic 1/(1 + e^(−y)) formed
    // through 1 + e^(−y) was two doubles off below 1 and failed it).
    for (a, b) in [(0.05, 0.03), (0.01, 0.01)] {
        let dist = Dist::beta(a, b).unwrap();
        let (mut mc, mut by_quantile) = draws(&dist, 2);
        assert_inside("small beta", &dist, &mc);
        by_quantile.truncate(N);
        let d = ks_of_rounded_beta(&mut mc, a, b);
        assert!(d < ks_critical(N), "beta({a}, {b}) MC: KS D = {d}");
        let d = ks_of_rounded_beta(&mut by_quantile, a, b);
        assert!(d < ks_critical(N), "beta({a}, {b}) quantile: KS D = {d}");
    }
}

#[test]
fn gamma_with_a_tiny_shape_draws_zero_where_the_true_value_underflows() {
    // shape 1e-300: P(X > 1e-308) ≈ 7e-298, so every draw rounds to 0
    let dist = Dist::gamma(1e-300, 1.0).unwrap();
    let (mc, by_quantile) = draws(&dist, 3);
    assert!(mc.iter().chain(&by_quantile).all(|x| *x == 0.0));
    // shape 0.01: Q(u) = (u·Γ(1.01))^100 in the lower tail, not 2^−30
    let dist = Dist::gamma(0.01, 1.0).unwrap();
    let q = dist.quantile(1e-2);
    assert!(q < 1e-190 && q > 1e-210, "{q}");
    // shape = scale = 1e-300: the mean 1e-600 is not a double
    let error = Dist::gamma(1e-300, 1e-300).unwrap_err().0;
    assert!(error.contains("below the smallest positive number"), "{error}");
}

#[test]
fn uniform_triangular_and_pert_over_the_whole_double_range_are_finite() {
    let (lo, hi) = (-1.7e308, 1.7e308);
    let dists = [
        ("uniform", Dist::uniform(lo, hi).unwrap()),
        ("triangular", Dist::triangular(lo, 0.0, hi).unwrap()),
        ("pert", Dist::pert(lo, 0.0, hi, 4.0).unwrap()),
    ];
    for (name, dist) in &dists {
        let (mc, by_quantile) = draws(dist, 4);
        assert_inside(name, dist, &mc);
        assert_inside(name, dist, &by_quantile);
        assert!(mc.iter().all(|x| x.is_finite()));
        // symmetric about 0: half the draws below it (4 standard errors)
        let below = mc.iter().filter(|x| **x < 0.0).count() as f64 / N as f64;
        assert!(
            (below - 0.5).abs() < SE_TOLERANCE * 0.5 / (N as f64).sqrt(),
            "{name}: {below}"
        );
        // the median is 0: exactly for the uniform and triangular, to the
        // beta quantile's accuracy (1e-10 in probability) for the PERT
        let median = dist.quantile(0.5);
        let allowed = if *name == "pert" { 1e-9 * hi } else { 0.0 };
        assert!(median.abs() <= allowed, "{name}: median {median}");
        assert!(dist.mean().is_finite() && dist.default_base() == 0.0, "{name}");
        // the CDF is the uniform's, the triangular's, the PERT's
        assert!((dist.cdf(0.0) - 0.5).abs() < 1e-12, "{name}: F(0) = {}", dist.cdf(0.0));
    }
    // uniform: Q(u) = lo + u·(hi − lo) without overflow
    let uniform = &dists[0].1;
    assert!((uniform.quantile(0.75) - 0.85e308).abs() < 1e-15 * 1.7e308);
    // a range that is tiny and far from zero keeps its shape
    let narrow = Dist::triangular(1e-300, 2e-300, 4e-300).unwrap();
    assert!((narrow.quantile(1.0 / 3.0) - 2e-300).abs() < 1e-314);
}

#[test]
fn a_default_base_never_overflows_and_errors_name_only_keys_the_user_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let load = |line: &str| {
        let text = format!("[parameters]\n{line}\n[metrics]\nf = \"p\"\n");
        Scenario::load(common::write(dir.path(), "s.toml", &text))
    };
    // the midpoint of [1e307, 1.7e308] is 8.5e307, not (1e307 + 1.7e308)/2 = ∞
    let scenario = load(r#"p = { dist = "uniform", min = 1e307, max = 1.7e308 }"#).unwrap();
    assert_eq!(scenario.parameters[0].base, 1e307 / 2.0 + 1.7e308 / 2.0);
    let model = Model::compile(&scenario);
    assert!(model.inputs.iter().all(|i| i.base.is_finite()));
    // a normal from an interval as wide as the double range
    let scenario = load(r#"p = { dist = "normal", ci95 = [-1.7e308, 1.7e308] }"#).unwrap();
    assert_eq!(scenario.parameters[0].base, 0.0);
    // a truncated normal whose mean is outside its range: the message names
    // the parameter and the default, not a `base` the user did not write
    let error = load(r#"p = { dist = "normal", mean = 0, sd = 1, min = 1, max = 2 }"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("parameters.p:") && !error.contains("parameters.p.base"),
        "{error}"
    );
    assert!(
        error.contains("default base value 0") && error.contains("add a `base`"),
        "{error}"
    );
    // a lognormal whose median overflows
    let error = load(r#"p = { dist = "lognormal", meanlog = 800, sdlog = 1 }"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("meanlog must lie within ±708"), "{error}");
    // an interval whose ratio hi/lo overflows still gives a finite sdlog
    let error = load(r#"p = { dist = "lognormal", ci95 = [1e-300, 1e300] }"#);
    assert!(error.is_ok(), "{error:?}");
}
