//! Same seed, same bytes, whatever the thread count; different seeds differ.

mod common;

use assert_cmd::Command;
use std::path::Path;

const FILES: [&str; 5] = [
    "summary.csv",
    "quantiles.csv",
    "histogram.csv",
    "breakdown.csv",
    "samples.csv",
];

fn run(out: &Path, threads: usize, seed: u64, n: u64) {
    Command::cargo_bin("cradle")
        .unwrap()
        .args(["run", "scenarios/headline.toml", "--quiet", "--samples"])
        .args([
            "-n",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "--threads",
            &threads.to_string(),
        ])
        .arg("-o")
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
}

#[test]
fn one_and_four_threads_give_byte_identical_csv() {
    let dir = tempfile::tempdir().unwrap();
    // 150,000 iterations: three waves and a short last chunk.
    let n = 150_001;
    run(&dir.path().join("t1"), 1, 7, n);
    run(&dir.path().join("t4"), 4, 7, n);
    for f in FILES {
        let a = std::fs::read(dir.path().join("t1").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("t4").join(f)).unwrap();
        assert!(a == b, "{f} differs between 1 and 4 threads");
    }
    let samples = std::fs::read_to_string(dir.path().join("t1/samples.csv")).unwrap();
    assert_eq!(samples.lines().count() as u64, n + 1, "header + one row per iteration");
}

#[test]
fn different_seeds_differ() {
    let dir = tempfile::tempdir().unwrap();
    run(&dir.path().join("a"), 2, 1, 5000);
    run(&dir.path().join("b"), 2, 2, 5000);
    let a = std::fs::read(dir.path().join("a/summary.csv")).unwrap();
    let b = std::fs::read(dir.path().join("b/summary.csv")).unwrap();
    assert_ne!(a, b);
}

#[test]
fn library_runs_agree_with_mean_of_samples() {
    // The mean in summary.csv equals the mean of the value_per_child column of samples.csv.
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), 2, 3, 20_000);
    let mut reader = csv::Reader::from_path(dir.path().join("samples.csv")).unwrap();
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "value_per_child")
        .unwrap();
    let values: Vec<f64> = reader.records().map(|r| r.unwrap()[col].parse().unwrap()).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let mut summary = csv::Reader::from_path(dir.path().join("summary.csv")).unwrap();
    let row = summary.records().next().unwrap().unwrap();
    assert_eq!(&row[0], "value_per_child");
    let reported: f64 = row[1].parse().unwrap();
    assert!((reported - mean).abs() < 1e-9 * mean);
}
