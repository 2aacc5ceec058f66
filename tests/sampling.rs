//! Sampling designs: Latin hypercube strata, QMC convergence rates, interval
//! coverage, and byte-identical output for every sampler on 1 and 4 threads.

mod common;

use assert_cmd::Command;
use cradle::engine::{self, CHUNK_SIZE, RunConfig, Silent};
use cradle::sampling::{Design, Sampler};
use cradle::{Model, Scenario};

fn model_of(text: &str) -> Model {
    let dir = tempfile::tempdir().unwrap();
    Model::compile(&Scenario::load(common::write(dir.path(), "s.toml", text)).unwrap())
}

#[test]
fn every_lhs_stratum_holds_exactly_one_point() {
    let model = Model::compile(&Scenario::load(common::repo("scenarios/headline.toml")).unwrap());
    let n = 5000u64; // five chunks, the last one short
    let design = Design::new(Sampler::LatinHypercube, &model, n, 7).unwrap();
    for (i, input) in model.inputs.iter().enumerate() {
        if input.dist.is_fixed() {
            continue;
        }
        let mut seen = vec![false; n as usize];
        let mut u = vec![0.0; CHUNK_SIZE];
        for chunk in 0..n.div_ceil(CHUNK_SIZE as u64) {
            let len = (n - chunk * CHUNK_SIZE as u64).min(CHUNK_SIZE as u64) as usize;
            design.unit_values(&model, i, chunk, len, &mut u);
            for &x in &u[..len] {
                assert!(x > 0.0 && x < 1.0);
                let stratum = (x * n as f64) as usize;
                assert!(!seen[stratum], "{}: stratum {stratum} twice", input.name);
                seen[stratum] = true;
            }
        }
        assert!(seen.iter().all(|s| *s), "{}", input.name);
    }
}

const SMOOTH: &str = r#"
[parameters]
x1 = { dist = "uniform", min = 0, max = 1, source = "test" }
x2 = { dist = "uniform", min = 0, max = 1, source = "test" }
x3 = { dist = "uniform", min = 0, max = 1, source = "test" }
x4 = { dist = "uniform", min = 0, max = 1, source = "test" }
[metrics]
f = "(1 + (x1 - 0.5)) * (1 + (x2 - 0.5)) * (1 + 0.5 * (x3 - 0.5)) * exp(x4 - 0.5) / (exp(0.5) - exp(-0.5))"
"#;

/// Root-mean-square error of the mean of `f` (exact mean 1) over 8 seeds.
fn rmse(model: &Model, sampler: Sampler, n: u64) -> f64 {
    let mut sum = 0.0;
    for seed in 1..=8 {
        let config = RunConfig {
            iterations: n,
            seed,
            threads: Some(2),
            sampler,
            ..RunConfig::default()
        };
        let mean = engine::run(model, &config, &mut Silent).unwrap().outputs[0]
            .moments
            .mean;
        sum += (mean - 1.0).powi(2);
    }
    (sum / 8.0).sqrt()
}

/// Least-squares slope of ln(error) on ln(n).
fn slope(points: &[(f64, f64)]) -> f64 {
    let m = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x.ln(), b + y.ln()));
    let (mx, my) = (sx / m, sy / m);
    let (mut num, mut den) = (0.0, 0.0);
    for (x, y) in points {
        num += (x.ln() - mx) * (y.ln() - my);
        den += (x.ln() - mx).powi(2);
    }
    num / den
}

#[test]
fn sobol_error_falls_as_one_over_n_and_mc_as_one_over_root_n() {
    let model = model_of(SMOOTH);
    let sizes: Vec<u64> = (10..=18).step_by(2).map(|k| 1 << k).collect();
    let sobol: Vec<(f64, f64)> = sizes
        .iter()
        .map(|&n| (n as f64, rmse(&model, Sampler::Sobol, n)))
        .collect();
    let mc: Vec<(f64, f64)> = sizes
        .iter()
        .map(|&n| (n as f64, rmse(&model, Sampler::MonteCarlo, n)))
        .collect();
    let (s_sobol, s_mc) = (slope(&sobol), slope(&mc));
    assert!(s_sobol < -0.8, "Sobol slope {s_sobol} ({sobol:?})");
    assert!((-0.7..-0.3).contains(&s_mc), "MC slope {s_mc} ({mc:?})");
    // LHS removes the additive part of the variance: far below MC at the same n.
    let lhs = rmse(&model, Sampler::LatinHypercube, 1 << 14);
    assert!(lhs < 0.5 * mc[2].1, "LHS {lhs} vs MC {}", mc[2].1);
}

#[test]
fn the_95_percent_interval_of_the_mean_covers_the_truth_about_95_percent_of_the_time() {
    // y = x1 + x2·x3 with E[y] = 2 + 0.5·4 = 4 exactly.
    let model = model_of(
        r#"
        [parameters]
        x1 = { dist = "lognormal", meanlog = 0.5, sdlog = 0.6, source = "test" }
        x2 = { dist = "uniform", min = 0, max = 1, source = "test" }
        x3 = { dist = "gamma", shape = 2, scale = 2, source = "test" }
        [metrics]
        y = "x1 + x2 * x3"
        "#,
    );
    let truth = (0.5f64 + 0.18).exp() + 0.5 * 4.0;
    let mut covered = 0;
    let runs = 1000;
    for seed in 0..runs {
        let config = RunConfig {
            iterations: 1000,
            seed,
            threads: Some(1),
            ..RunConfig::default()
        };
        let m = &engine::run(&model, &config, &mut Silent).unwrap().outputs[0].moments;
        let half = 1.959_963_984_540_054 * m.mc_se();
        covered += u32::from((m.mean - truth).abs() <= half);
    }
    let rate = f64::from(covered) / runs as f64;
    assert!((0.93..=0.97).contains(&rate), "coverage {rate}");
}

#[test]
fn every_sampler_is_byte_identical_on_1_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    for sampler in ["mc", "lhs", "sobol"] {
        for threads in ["1", "4"] {
            Command::cargo_bin("cradle")
                .unwrap()
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args([
                    "run",
                    "scenarios/evidence.toml",
                    "-n",
                    "70000",
                    "--quiet",
                    "--samples",
                    "--sampler",
                    sampler,
                    "--threads",
                    threads,
                    "-o",
                ])
                .arg(dir.path().join(format!("{sampler}{threads}")))
                .assert()
                .success();
        }
        for file in [
            "summary.csv",
            "quantiles.csv",
            "histogram.csv",
            "breakdown.csv",
            "samples.csv",
        ] {
            let a = std::fs::read(dir.path().join(format!("{sampler}1")).join(file)).unwrap();
            let b = std::fs::read(dir.path().join(format!("{sampler}4")).join(file)).unwrap();
            assert!(a == b, "{sampler}: {file} differs between 1 and 4 threads");
        }
        let run = std::fs::read_to_string(dir.path().join(format!("{sampler}1/run.csv"))).unwrap();
        assert!(run.contains(&format!("sampler,{sampler}")), "{run}");
    }
}
