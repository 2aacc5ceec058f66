//! Sensitivity methods against analytic truth: Ishigami and Sobol G for Sobol
//! indices, a linear additive model for Sobol, PRCC/SRC and Morris, a
//! constant output, and tornado/threshold on the headline scenario by hand.

mod common;

use cradle::sensitivity::{self, morris, prcc, sobol, threshold, tornado};
use cradle::{Model, Scenario};

fn load(path: &std::path::Path) -> (Scenario, Model) {
    let s = Scenario::load(path).unwrap();
    let m = Model::compile(&s);
    (s, m)
}

fn run_sobol(scenario: &Scenario, model: &Model, n: usize, second_order: bool) -> sobol::SobolResult {
    let factors = sensitivity::factors(scenario, model);
    let metrics = vec![0];
    let config = sobol::SobolConfig {
        base_samples: n,
        seed: 1,
        bootstrap: 1000,
        second_order,
    };
    sobol::sobol(model, &factors, &metrics, &config).unwrap()
}

fn within(e: sobol::Estimate, truth: f64, tolerance: f64, what: &str) {
    assert!((e.value - truth).abs() < tolerance, "{what}: {} vs {truth}", e.value);
    assert!(
        e.low <= truth && truth <= e.high,
        "{what}: {truth} outside [{}, {}]",
        e.low,
        e.high
    );
}

#[test]
fn ishigami_indices_match_the_analytic_values() {
    let (s, m) = load(&common::repo("scenarios/validation/ishigami.toml"));
    let r = run_sobol(&s, &m, 1 << 14, true);
    // Analytic: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2, V2 = a²/8, V13 = b²π⁸(1/18 − 1/50).
    let (a, b, pi) = (7.0f64, 0.1f64, std::f64::consts::PI);
    let v = a * a / 8.0 + b * pi.powi(4) / 5.0 + b * b * pi.powi(8) / 18.0 + 0.5;
    let v1 = (1.0 + b * pi.powi(4) / 5.0).powi(2) / 2.0;
    let v2 = a * a / 8.0;
    let v13 = b * b * pi.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let s1 = [v1 / v, v2 / v, 0.0];
    let st = [(v1 + v13) / v, v2 / v, v13 / v];
    assert!(
        (s1[0] - 0.3139).abs() < 1e-4 && (st[2] - 0.2437).abs() < 1e-4,
        "analytic values as published"
    );
    for i in 0..3 {
        within(r.rows[i].s1, s1[i], 0.02, &format!("S1 x{}", i + 1));
        within(r.rows[i].st, st[i], 0.02, &format!("ST x{}", i + 1));
    }
    let s13 = r
        .second_order
        .iter()
        .find(|p| p.parameter_a == "x1" && p.parameter_b == "x3")
        .unwrap();
    within(s13.s2, v13 / v, 0.02, "S13");
    let s12 = r
        .second_order
        .iter()
        .find(|p| p.parameter_a == "x1" && p.parameter_b == "x2")
        .unwrap();
    within(s12.s2, 0.0, 0.02, "S12");
    assert_eq!(r.evaluations, (1 << 14) * (2 * 3 + 2));
}

#[test]
fn sobol_g_indices_match_the_analytic_values() {
    let (s, m) = load(&common::repo("scenarios/validation/sobol_g.toml"));
    let r = run_sobol(&s, &m, 1 << 14, false);
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
    let vi: Vec<f64> = a.iter().map(|a: &f64| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
    let v = vi.iter().map(|x| 1.0 + x).product::<f64>() - 1.0;
    for i in 0..8 {
        let others: f64 = (0..8).filter(|&j| j != i).map(|j| 1.0 + vi[j]).product();
        within(r.rows[i].s1, vi[i] / v, 0.02, &format!("S1 x{}", i + 1));
        within(r.rows[i].st, vi[i] * others / v, 0.02, &format!("ST x{}", i + 1));
    }
    assert!((vi[0] / v - 0.7162).abs() < 1e-4 && (vi[1] / v - 0.1790).abs() < 1e-4);
}

const LINEAR: &str = r#"
[parameters]
x1 = { dist = "normal", mean = 0, sd = 1 }
x2 = { dist = "normal", mean = 0, sd = 1 }
x3 = { dist = "normal", mean = 0, sd = 0.5 }
[metrics]
y = "1 * x1 + 2 * x2 + 3 * x3"
flat = "x1 * 0 + 5"
"#;

#[test]
fn linear_additive_model_has_known_indices_and_rankings() {
    let dir = tempfile::tempdir().unwrap();
    let (s, m) = load(&common::write(dir.path(), "linear.toml", LINEAR));
    // S_i = a_i²σ_i²/Σ: 1, 4 and 2.25 out of 7.25; additive, so ST_i = S_i.
    let truth = [1.0 / 7.25, 4.0 / 7.25, 2.25 / 7.25];
    let r = run_sobol(&s, &m, 1 << 13, false);
    for (i, (row, &t)) in r.rows.iter().zip(&truth).enumerate() {
        within(row.s1, t, 0.02, &format!("S1 x{}", i + 1));
        within(row.st, t, 0.02, &format!("ST x{}", i + 1));
    }
    // SRC_i = a_i·σ_i/σ_y exactly in expectation; n = 20,000 gives an error of about 1/√n.
    let factors = sensitivity::single_factors(&m);
    let (rows, _) = prcc::prcc(&m, &[0], 20_000, 3, Some(2)).unwrap();
    let sd_y = 7.25f64.sqrt();
    for (i, coefficient) in [1.0, 2.0, 1.5].iter().enumerate() {
        assert!(
            (rows[i].src - coefficient / sd_y).abs() < 4.0 / (20_000f64).sqrt(),
            "SRC x{}: {}",
            i + 1,
            rows[i].src
        );
        assert!(
            rows[i].prcc > 0.8 && rows[i].p_value < 1e-10,
            "PRCC x{}: {}",
            i + 1,
            rows[i].prcc
        );
    }
    let order = |values: Vec<f64>| {
        let mut idx: Vec<usize> = (0..values.len()).collect();
        idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        idx
    };
    assert_eq!(order(rows.iter().map(|r| r.prcc).collect()), vec![1, 2, 0]);
    let config = morris::MorrisConfig {
        trajectories: 50,
        levels: 4,
        seed: 1,
        bootstrap: 200,
    };
    let mrows = morris::morris(&m, &factors, &[0], &config).unwrap();
    assert_eq!(order(mrows.iter().map(|r| r.mu_star).collect()), vec![1, 2, 0]);
    // Linear: every elementary effect of x_i is the same, a_i·(q(u') − q(u))/Δ_u, so σ ≈ 0 … up to the
    // non-linearity of the normal quantile; μ = μ* because effects are all positive.
    for r in &mrows {
        assert!((r.mu - r.mu_star).abs() < 1e-9 * r.mu_star);
    }
}

#[test]
fn constant_output_gives_zero_indices_with_zero_width_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let (s, m) = load(&common::write(dir.path(), "linear.toml", LINEAR));
    let flat = sensitivity::resolve_metrics(&m, &["flat".to_string()]).unwrap();
    let factors = sensitivity::factors(&s, &m);
    let config = sobol::SobolConfig {
        base_samples: 1024,
        seed: 1,
        bootstrap: 100,
        second_order: true,
    };
    let r = sobol::sobol(&m, &factors, &flat, &config).unwrap();
    for row in &r.rows {
        for e in [row.s1, row.st] {
            assert_eq!((e.value, e.low, e.high), (0.0, 0.0, 0.0));
        }
    }
    for row in &r.second_order {
        assert_eq!((row.s2.value, row.s2.low, row.s2.high), (0.0, 0.0, 0.0));
    }
    let (rows, _) = prcc::prcc(&m, &flat, 2000, 1, Some(1)).unwrap();
    assert!(
        rows.iter()
            .all(|r| r.prcc == 0.0 && r.prcc_low == 0.0 && r.prcc_high == 0.0 && r.p_value == 1.0)
    );
    let mconfig = morris::MorrisConfig {
        trajectories: 10,
        levels: 4,
        seed: 1,
        bootstrap: 50,
    };
    let mrows = morris::morris(&m, &sensitivity::single_factors(&m), &flat, &mconfig).unwrap();
    assert!(
        mrows
            .iter()
            .all(|r| r.mu_star == 0.0 && r.mu_star_low == 0.0 && r.mu_star_high == 0.0)
    );
}

#[test]
fn tornado_and_threshold_on_the_headline_by_hand() {
    let (s, m) = load(&common::repo("scenarios/headline.toml"));
    let metric = |name: &str| sensitivity::resolve_metrics(&m, &[name.to_string()]).unwrap()[0];
    let net = metric("net_savings");
    let vpc = metric("value_per_child");
    let base = m.base_case();
    let p = |n: &str| s.parameter(n).unwrap().base;

    // Value per child is linear in delta_p: vpc = delta_p·K + parent, with the parent's term fixed.
    let parent = p("q_pmh") * p("d_pmh") * p("pv_pmh");
    let k = (base[vpc] - parent) / p("delta_p");
    // Triangular(0.25, 0.40, 0.55): 5th percentile 0.25 + √(0.05·0.30·0.15), 95th 0.55 − √(0.05·0.30·0.15).
    let (low, high) = (
        0.25 + (0.05f64 * 0.30 * 0.15).sqrt(),
        0.55 - (0.05f64 * 0.30 * 0.15).sqrt(),
    );
    let rows = tornado::tornado(&m, &[net], (5.0, 95.0));
    let row = rows.iter().find(|r| r.parameter == "delta_p").unwrap();
    let net_at = |d: f64| p("families") * (d * k + parent) - p("families") * p("cost_per_family");
    assert!((row.low_input - low).abs() < 1e-12 && (row.high_input - high).abs() < 1e-12);
    assert!((row.metric_at_low - net_at(low)).abs() < 1e-6 * net_at(low));
    assert!((row.metric_at_high - net_at(high)).abs() < 1e-6 * net_at(high));
    assert!((row.swing - (net_at(high) - net_at(low))).abs() < 1e-6 * row.swing);
    // cost_per_family: net = gross − families·c, so the swing is families·(c95 − c5).
    let row = rows.iter().find(|r| r.parameter == "cost_per_family").unwrap();
    assert!((row.swing - p("families") * (row.high_input - row.low_input)).abs() < 1e-6 * row.swing);
    assert!(rows.windows(2).all(|w| w[0].swing >= w[1].swing), "sorted by swing");
    assert!(rows.iter().all(|r| r.parameter != "families"), "fixed inputs left out");

    // Switching values: value per child = £40,000 at delta_p = (40,000 − parent)/K.
    let targets = threshold::default_targets(&m, &[net]);
    assert!(targets.contains(&(net, 0.0)) && targets.contains(&(vpc, 40_000.0)));
    let rows = threshold::threshold(&m, &targets);
    let row = rows
        .iter()
        .find(|r| r.metric == "value_per_child" && r.parameter == "delta_p")
        .unwrap();
    let x = (40_000.0 - parent) / k;
    assert!(
        (row.switching_value.unwrap() - x).abs() < 1e-9,
        "{:?} vs {x}",
        row.switching_value
    );
    let q = s.parameter("delta_p").unwrap().dist.cdf(x);
    assert!((row.quantile_of_switching_value.unwrap() - q).abs() < 1e-12);
    // Net savings would reach zero only at a cost per family of gross/families ≈ £40,113: beyond
    // the triangular's maximum of £6,000, so blank.
    let row = rows
        .iter()
        .find(|r| r.metric == "net_savings" && r.parameter == "cost_per_family")
        .unwrap();
    assert_eq!(row.switching_value, None);
}
