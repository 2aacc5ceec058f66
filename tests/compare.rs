//! `cradle compare`: common random numbers make paired differences exact
//! and narrow.

mod common;

use assert_cmd::Command;
use cradle::compare::compare;
use cradle::stats::summarise;
use cradle::{Model, RunConfig, Scenario};

fn model(path: &str) -> Model {
    Model::compile(&Scenario::load(common::repo(path)).unwrap())
}

fn config(threads: usize) -> RunConfig {
    RunConfig {
        iterations: 50_000,
        seed: 11,
        threads: Some(threads),
        keep_samples: false,
        ..RunConfig::default()
    }
}

#[test]
fn one_scenario_twice_gives_zero_differences_exactly() {
    let m = model("scenarios/headline.toml");
    let c = compare(&[("a".into(), &m), ("b".into(), &m)], &config(2)).unwrap();
    for k in 0..c.metrics.len() {
        let d = c.differences[1][k].as_ref().unwrap();
        assert_eq!(
            (d.moments.mean, d.moments.m2, d.moments.min, d.moments.max),
            (0.0, 0.0, 0.0, 0.0),
            "{}",
            c.metrics[k]
        );
        assert_eq!(
            c.levels[0][k].as_ref().unwrap().moments,
            c.levels[1][k].as_ref().unwrap().moments
        );
    }
    assert!(
        c.differences[0].iter().all(Option::is_none),
        "no difference of the baseline from itself"
    );
}

#[test]
fn common_random_numbers_narrow_the_interval_of_a_difference() {
    let a = model("scenarios/headline.toml");
    let b = model("scenarios/variants/headline-nice-discounting.toml");
    let c = compare(&[("headline".into(), &a), ("nice".into(), &b)], &config(2)).unwrap();
    let k = c.metrics.iter().position(|m| m == "value_per_child").unwrap();
    let width = |s: &cradle::stats::OutputStats| {
        let r = summarise(s, None);
        r.mean_ci_high - r.mean_ci_low
    };
    let (wa, wb) = (
        width(c.levels[0][k].as_ref().unwrap()),
        width(c.levels[1][k].as_ref().unwrap()),
    );
    let diff = c.differences[1][k].as_ref().unwrap();
    let wd = width(diff);
    // Independent runs would give a difference interval of √(wa² + wb²); shared draws give far less.
    assert!(
        wd < 0.2 * wa.min(wb),
        "difference interval {wd} vs scenario intervals {wa}, {wb}"
    );
    // NICE discounting (3.5% on QALYs too) lowers value per child in every iteration.
    assert!(diff.moments.max < 0.0);
    // The levels equal those of a plain run of each scenario (same streams).
    let run = cradle::engine::run(&b, &config(1), &mut cradle::engine::Silent).unwrap();
    assert_eq!(run.outputs[k].moments, c.levels[1][k].as_ref().unwrap().moments);
}

#[test]
fn compare_cli_writes_both_files_identically_on_1_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    for threads in ["1", "4"] {
        Command::cargo_bin("cradle")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "compare",
                "scenarios/headline.toml",
                "scenarios/evidence.toml",
                "scenarios/variants/evidence-no-fade.toml",
            ])
            .args(["-n", "20000", "--threads", threads, "-o"])
            .arg(dir.path().join(threads))
            .assert()
            .success()
            .stdout(predicates::str::contains("difference from headline (mean, 95% CI)"));
    }
    for (file, header) in [
        (
            "compare.csv",
            "scenario,metric,mean,mean_ci_low,mean_ci_high,p2_5,p50,p97_5,prob_meets_claim,prob_positive",
        ),
        (
            "compare_diff.csv",
            "scenario,baseline,metric,mean,mean_ci_low,mean_ci_high,p2_5,p50,p97_5,prob_positive",
        ),
    ] {
        let one = std::fs::read_to_string(dir.path().join("1").join(file)).unwrap();
        let four = std::fs::read_to_string(dir.path().join("4").join(file)).unwrap();
        assert_eq!(one.lines().next().unwrap(), header);
        assert!(one == four, "{file} differs between 1 and 4 threads");
    }
    let diff = std::fs::read_to_string(dir.path().join("1/compare_diff.csv")).unwrap();
    assert_eq!(diff.lines().filter(|l| l.contains(",value_per_child,")).count(), 2);
}
