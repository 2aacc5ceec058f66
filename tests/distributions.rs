//! Statistical tests of every distribution: moments within 4 standard errors
//! of the closed form, and Kolmogorov–Smirnov tests of `sample` and of
//! `quantile(U)` against statrs' CDF (an independent implementation).

mod common;

use common::{SE_TOLERANCE, ks_critical, ks_statistic};
use cradle::Dist;
use cradle::dist::{Z90, Z95, uniform01};
use cradle::sampling::chunk_rng;
use statrs::distribution::{Beta, Continuous, ContinuousCDF, Gamma, LogNormal, Normal, Triangular, Uniform};

const N: usize = 100_000;

struct Case {
    name: &'static str,
    dist: Dist,
    /// The CDF from statrs (or, for truncated laws, statrs' CDF renormalised on the range).
    cdf: Box<dyn Fn(f64) -> f64>,
    /// Mean and variance from statrs where it has them.
    moments: Option<(f64, f64)>,
}

fn truncated(cdf: impl Fn(f64) -> f64 + 'static, lo: f64, hi: f64) -> Box<dyn Fn(f64) -> f64> {
    let (a, b) = (cdf(lo), cdf(hi));
    Box::new(move |x: f64| ((cdf(x.clamp(lo, hi)) - a) / (b - a)).clamp(0.0, 1.0))
}

fn cases() -> Vec<Case> {
    use statrs::statistics::Distribution as _;
    let normal = Normal::new(0.35, 0.13).unwrap();
    let lognormal = LogNormal::new(8.85, 0.42).unwrap();
    let beta = Beta::new(2.5, 6.0).unwrap();
    let pert_beta = Beta::new(1.0 + 4.0 * 0.10 / 0.25, 1.0 + 4.0 * 0.15 / 0.25).unwrap();
    let gamma = Gamma::new(3.0, 1.0 / 2000.0).unwrap();
    let tri = Triangular::new(0.05, 0.30, 0.15).unwrap();
    let uniform = Uniform::new(2.0, 5.0).unwrap();
    let (tn_lo, tn_hi) = (0.0, 0.5);
    let (tl_lo, tl_hi) = (3000.0, 9000.0);
    let (tg_lo, tg_hi) = (9000.0, f64::INFINITY);
    vec![
        Case {
            name: "uniform",
            dist: Dist::uniform(2.0, 5.0).unwrap(),
            cdf: Box::new(move |x| uniform.cdf(x)),
            moments: Some((uniform.mean().unwrap(), uniform.variance().unwrap())),
        },
        Case {
            name: "triangular",
            dist: Dist::triangular(0.05, 0.15, 0.30).unwrap(),
            cdf: Box::new(move |x| tri.cdf(x)),
            moments: Some((tri.mean().unwrap(), tri.variance().unwrap())),
        },
        Case {
            name: "pert",
            dist: Dist::pert(0.05, 0.15, 0.30, 4.0).unwrap(),
            cdf: Box::new(move |x| pert_beta.cdf(((x - 0.05) / 0.25).clamp(0.0, 1.0))),
            moments: Some((
                0.05 + 0.25 * pert_beta.mean().unwrap(),
                0.0625 * pert_beta.variance().unwrap(),
            )),
        },
        Case {
            name: "normal",
            dist: Dist::normal(0.35, 0.13).unwrap(),
            cdf: Box::new(move |x| normal.cdf(x)),
            moments: Some((0.35, 0.13 * 0.13)),
        },
        Case {
            name: "normal_truncated",
            dist: Dist::normal(0.35, 0.13).unwrap().truncate(tn_lo, tn_hi).unwrap(),
            cdf: truncated(move |x| normal.cdf(x), tn_lo, tn_hi),
            moments: None,
        },
        Case {
            name: "lognormal",
            dist: Dist::lognormal(8.85, 0.42).unwrap(),
            cdf: Box::new(move |x| lognormal.cdf(x)),
            moments: Some((lognormal.mean().unwrap(), lognormal.variance().unwrap())),
        },
        Case {
            name: "lognormal_truncated_tail",
            dist: Dist::lognormal(8.85, 0.42).unwrap().truncate(tl_lo, tl_hi).unwrap(),
            cdf: truncated(move |x| lognormal.cdf(x), tl_lo, tl_hi),
            moments: None,
        },
        Case {
            name: "beta",
            dist: Dist::beta(2.5, 6.0).unwrap(),
            cdf: Box::new(move |x| beta.cdf(x)),
            moments: Some((beta.mean().unwrap(), beta.variance().unwrap())),
        },
        Case {
            name: "gamma",
            dist: Dist::gamma(3.0, 2000.0).unwrap(),
            cdf: Box::new(move |x| gamma.cdf(x)),
            moments: Some((gamma.mean().unwrap(), gamma.variance().unwrap())),
        },
        Case {
            name: "gamma_truncated_upper_tail",
            dist: Dist::gamma(3.0, 2000.0).unwrap().truncate(tg_lo, tg_hi).unwrap(),
            cdf: truncated(move |x| gamma.cdf(x), tg_lo, tg_hi),
            moments: None,
        },
    ]
}

#[test]
fn sample_passes_ks_against_statrs() {
    for (k, case) in cases().into_iter().enumerate() {
        let mut rng = chunk_rng(42, k as u64);
        let mut xs = vec![0.0; N];
        case.dist.fill(&mut rng, &mut xs);
        let d = ks_statistic(&mut xs, &case.cdf);
        assert!(d < ks_critical(N), "{}: KS D = {d} ≥ {}", case.name, ks_critical(N));
    }
}

#[test]
fn quantile_of_uniform_passes_ks_against_statrs() {
    for (k, case) in cases().into_iter().enumerate() {
        let mut rng = chunk_rng(43, k as u64);
        let mut xs: Vec<f64> = (0..N).map(|_| case.dist.quantile(uniform01(&mut rng))).collect();
        let d = ks_statistic(&mut xs, &case.cdf);
        assert!(d < ks_critical(N), "{}: KS D = {d}", case.name);
    }
}

#[test]
fn sample_moments_within_four_standard_errors() {
    for (k, case) in cases().into_iter().enumerate() {
        let (mean, var) = case.moments.unwrap_or((case.dist.mean(), case.dist.variance()));
        // our closed-form moments agree with statrs where statrs has them
        assert!(
            (case.dist.mean() - mean).abs() < 1e-9 * mean.abs().max(1.0),
            "{}: mean {} vs {mean}",
            case.name,
            case.dist.mean()
        );
        assert!(
            (case.dist.variance() - var).abs() < 1e-8 * var.max(1e-12),
            "{}: var {} vs {var}",
            case.name,
            case.dist.variance()
        );
        let mut rng = chunk_rng(44, k as u64);
        let mut xs = vec![0.0; N];
        case.dist.fill(&mut rng, &mut xs);
        let m = xs.iter().sum::<f64>() / N as f64;
        let se = (var / N as f64).sqrt();
        assert!(
            (m - mean).abs() < SE_TOLERANCE * se,
            "{}: sample mean {m} vs {mean} (se {se})",
            case.name
        );
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (N - 1) as f64;
        // se of the sample variance ≈ σ²·√(2/(n−1)) for light tails; use the fourth moment estimate.
        let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / N as f64;
        let se_v = ((m4 - v * v) / N as f64).sqrt();
        assert!(
            (v - var).abs() < SE_TOLERANCE * se_v,
            "{}: sample variance {v} vs {var} (se {se_v})",
            case.name
        );
    }
}

#[test]
fn truncated_truncated_mean_matches_numerical_integration() {
    // E[X | a ≤ X ≤ b] for the truncated normal, by the trapezoid rule on statrs' pdf.
    let n = Normal::new(0.35, 0.13).unwrap();
    let (a, b) = (0.0, 0.5);
    let steps = 200_000;
    let h = (b - a) / steps as f64;
    let (mut mass, mut first) = (0.0, 0.0);
    for i in 0..=steps {
        let x = a + h * i as f64;
        let w = if i == 0 || i == steps { 0.5 } else { 1.0 };
        mass += w * n.pdf(x) * h;
        first += w * x * n.pdf(x) * h;
    }
    let d = Dist::normal(0.35, 0.13).unwrap().truncate(a, b).unwrap();
    assert!((d.mean() - first / mass).abs() < 1e-9);
}

#[test]
fn truncation_stays_inside_its_range() {
    let mut rng = chunk_rng(45, 0);
    for case in cases().into_iter().filter(|c| c.name.contains("truncated")) {
        let (lo, hi) = case.dist.support();
        for _ in 0..50_000 {
            let x = case.dist.sample(&mut rng);
            assert!(lo <= x && x <= hi, "{}: {x} outside [{lo}, {hi}]", case.name);
        }
    }
}

#[test]
fn parameter_forms_against_hand_computation() {
    // lognormal ci95 = [1.3, 2.4]: median √3.12, σ = ln(2.4/1.3)/(2·1.959964)
    let d = Dist::lognormal_from_interval(1.3, 2.4, Z95).unwrap();
    assert!((d.quantile(0.5) - 3.12f64.sqrt()).abs() < 1e-12);
    assert!((d.quantile(0.975) - 2.4).abs() < 1e-9 && (d.quantile(0.025) - 1.3).abs() < 1e-9);
    // lognormal ci90 = [3500, 14000]
    let d = Dist::lognormal_from_interval(3500.0, 14000.0, Z90).unwrap();
    assert!((d.quantile(0.5) - 7000.0).abs() < 1e-8);
    // lognormal mean/sd: E = 30000, sd = 6000
    let d = Dist::lognormal_from_moments(30000.0, 6000.0).unwrap();
    assert!((d.mean() - 30000.0).abs() < 1e-7 && (d.variance() - 36e6).abs() < 1e-3);
    // normal ci95 = [0.10, 0.61] (Facompré et al. 2018): mean 0.355, sd 0.51/3.919928
    let d = Dist::normal_from_interval(0.10, 0.61, Z95).unwrap();
    assert!((d.mean() - 0.355).abs() < 1e-15 && (d.variance().sqrt() - 0.51 / 3.919_927_969_080_108).abs() < 1e-15);
    // beta mean/sd = 0.55/0.10: α = 13.0625, β = 10.6875
    let d = Dist::beta_from_moments(0.55, 0.10).unwrap();
    assert!((d.mean() - 0.55).abs() < 1e-12 && (d.variance() - 0.01).abs() < 1e-12);
    // gamma mean/sd = 10000/5000: shape 4, scale 2500
    let d = Dist::gamma_from_moments(10000.0, 5000.0).unwrap();
    assert!((d.mean() - 10000.0).abs() < 1e-8 && (d.variance() - 25e6).abs() < 1e-4);
}
