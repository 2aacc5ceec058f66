//! convergence.csv on every run, and `--precision` stopping at the same
//! point on any thread count.

mod common;

use assert_cmd::Command;
use std::path::Path;

fn run(out: &Path, args: &[&str]) -> String {
    let output = Command::cargo_bin("cradle")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "scenarios/headline.toml", "--quiet", "-o"])
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    std::fs::read_to_string(out.join("run.csv")).unwrap()
}

fn value(run: &str, key: &str) -> String {
    run.lines()
        .find(|l| l.starts_with(&format!("{key},")))
        .map(|l| l[key.len() + 1..].to_string())
        .unwrap_or_default()
}

#[test]
fn convergence_csv_has_log_spaced_checkpoints_ending_at_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["-n", "300000"]);
    let text = std::fs::read_to_string(dir.path().join("convergence.csv")).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "n,metric,mean,mean_ci_low,mean_ci_high,p2_5,p50,p97_5"
    );
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let ns: Vec<u64> = rows
        .iter()
        .filter(|r| r[1] == "value_per_child")
        .map(|r| r[0].parse().unwrap())
        .collect();
    assert_eq!(
        ns,
        vec![1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 300000]
    );
    let summary = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    let last = rows.iter().rev().find(|r| r[1] == "value_per_child").unwrap();
    let mean = summary
        .lines()
        .find(|l| l.starts_with("value_per_child,"))
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(last[2], mean, "the last checkpoint is the final estimate");
    // Intervals shrink roughly as 1/√n.
    let width = |r: &Vec<String>| r[4].parse::<f64>().unwrap() - r[3].parse::<f64>().unwrap();
    let first = rows.iter().find(|r| r[1] == "value_per_child").unwrap();
    assert!(width(first) > 10.0 * width(last));
}

#[test]
fn precision_stops_at_the_same_point_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = run(
        &dir.path().join("1"),
        &["-n", "5000000", "--precision", "0.002", "--threads", "1"],
    );
    let four = run(
        &dir.path().join("4"),
        &["-n", "5000000", "--precision", "0.002", "--threads", "4"],
    );
    assert_eq!(value(&one, "converged"), "true");
    let at: u64 = value(&one, "converged_at").parse().unwrap();
    assert!(at < 5_000_000 && at == value(&one, "iterations").parse::<u64>().unwrap());
    assert_eq!(value(&one, "converged_at"), value(&four, "converged_at"));
    for file in ["summary.csv", "convergence.csv", "quantiles.csv"] {
        let a = std::fs::read(dir.path().join("1").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("4").join(file)).unwrap();
        assert!(a == b, "{file} differs");
    }
    // The rule held where it stopped: 1.96·mc_se ≤ 0.002·|mean|.
    let summary = std::fs::read_to_string(dir.path().join("1/summary.csv")).unwrap();
    let row: Vec<f64> = summary
        .lines()
        .find(|l| l.starts_with("value_per_child,"))
        .unwrap()
        .split(',')
        .skip(1)
        .take(3)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(1.959_963_984_540_054 * row[2] <= 0.002 * row[0]);
}

#[test]
fn an_unreachable_precision_runs_to_the_cap_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &["-n", "20000", "--precision", "0.0001", "--metric", "gross_savings"],
    );
    assert_eq!(value(&r, "converged"), "false");
    assert_eq!(value(&r, "converged_at"), "");
    assert_eq!(value(&r, "iterations"), "20000");
    assert_eq!(value(&r, "precision_metric"), "gross_savings");
}
