//! Issue 9, item 18: quantile tables are built only for samplers and methods
//! that use quantiles, and a build is bounded.
//!
//! Loading and checking a scenario (and a plain Monte Carlo run) never
//! builds a table: counted, not timed, through `Dist::has_quantile_table`.
//! Shapes whose table would be absurdly costly (beta α = β = 1e10, PERT
//! λ = 1e300) are rejected at load with the reason. The bound on a build (a
//! grid of at most `MAX_NODES` cells, each node one exact inverse of at most
//! `MAX_STEPS` Newton steps) is asserted in `src/dist/table.rs`'s unit tests.
//!
//! Before the fix, every beta, PERT and gamma built its table in
//! `Scenario::load`: `check` on gamma shape 0.01 took 7–10 s and on
//! beta 1e10 over 90 s.

mod common;

use cradle::engine::{self, RunConfig, Silent};
use cradle::sampling::Sampler;
use cradle::{Model, Scenario};

const SCENARIO: &str = r#"
[parameters]
tiny_shape = { dist = "gamma", shape = 0.01, scale = 2.0, source = "test" }
rate = { dist = "beta", alpha = 0.05, beta = 3.0, source = "test" }
effect = { dist = "pert", min = 0.1, mode = 0.2, max = 0.4, source = "test" }
cost = { dist = "gamma", mean = 5000, sd = 2000, source = "test" }
[metrics]
f = "tiny_shape + rate + effect * cost"
"#;

fn tabulated(model: &Model) -> Vec<(String, bool)> {
    model
        .inputs
        .iter()
        .map(|i| (i.name.clone(), i.dist.has_quantile_table()))
        .collect()
}

#[test]
fn check_and_monte_carlo_build_no_quantile_table_and_lhs_builds_them() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Scenario::load(common::write(dir.path(), "s.toml", SCENARIO)).unwrap();
    assert!(scenario.parameters.iter().all(|p| !p.dist.has_quantile_table()));
    // what `check` does: load, then compile and evaluate the base case
    let model = Model::new(&scenario).unwrap();
    assert!(
        tabulated(&model).iter().all(|(_, built)| !built),
        "{:?}",
        tabulated(&model)
    );
    let config = |sampler| RunConfig {
        iterations: 4096,
        seed: 1,
        threads: Some(1),
        sampler,
        ..RunConfig::default()
    };
    let mc = engine::run(&model, &config(Sampler::MonteCarlo), &mut Silent).unwrap();
    assert!(mc.outputs[0].moments.mean.is_finite());
    assert!(
        tabulated(&model).iter().all(|(_, built)| !built),
        "MC built {:?}",
        tabulated(&model)
    );
    // a design that draws through quantile functions builds them, once
    let lhs = engine::run(&model, &config(Sampler::LatinHypercube), &mut Silent).unwrap();
    assert!(lhs.outputs[0].moments.mean.is_finite());
    assert!(
        tabulated(&model).iter().all(|(_, built)| *built),
        "LHS {:?}",
        tabulated(&model)
    );
}

#[test]
fn absurd_shapes_are_rejected_at_load_with_the_reason() {
    let cases = [
        (
            r#"p = { dist = "beta", alpha = 1e10, beta = 1e10 }"#,
            "alpha must be at most 1e7",
        ),
        (
            r#"p = { dist = "pert", min = 0, mode = 0.5, max = 1, lambda = 1e300 }"#,
            "lambda must be at most 1e6, got 1e300 (",
        ),
        (
            r#"p = { dist = "gamma", shape = 1e9, scale = 1 }"#,
            "shape must lie between 1e-300 and 1e7",
        ),
        (
            r#"p = { dist = "gamma", mean = 1000, sd = 0.01 }"#,
            "sd = 0.01 is too small for a gamma with mean 1000",
        ),
        (
            r#"p = { dist = "beta", mean = 0.5, sd = 1e-6 }"#,
            "sd = 0.000001 is too small for a beta with mean 0.5",
        ),
    ];
    for (line, reason) in cases {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("[parameters]\n{line}\n[metrics]\nf = \"p\"\n");
        let error = Scenario::load(common::write(dir.path(), "s.toml", &text))
            .unwrap_err()
            .to_string();
        assert!(error.contains("s.toml:2") && error.contains("parameters.p"), "{error}");
        assert!(error.contains(reason), "{line}: {error}");
        assert!(error.len() < 400, "numbers are echoed briefly: {error}");
        assert!(
            error.contains("normal") || error.contains("PERT"),
            "a suggestion: {error}"
        );
    }
}
