//! Every file in scenarios/ loads, checks and runs (small n).

mod common;

use cradle::engine::{self, RunConfig, Silent};
use cradle::{Model, Scenario};

#[test]
fn every_scenario_loads_and_runs() {
    let mut seen = 0;
    for entry in std::fs::read_dir(common::repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let model = Model::compile(&scenario);
        assert!(
            model.base_case().iter().all(|v| v.is_finite()),
            "{}: non-finite base case",
            path.display()
        );
        let config = RunConfig {
            iterations: 5000,
            seed: 1,
            threads: Some(2),
            keep_samples: false,
        };
        let result = engine::run(&model, &config, &mut Silent).unwrap();
        assert_eq!(result.nonfinite_iterations, 0, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 2);
}
