//! Tolerances and helpers shared by the integration tests (one place, as
//! statrs keeps its `prec.rs`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Monte Carlo tolerance: a statistic must lie within this many standard errors.
pub const SE_TOLERANCE: f64 = 4.0;

/// Kolmogorov–Smirnov critical value at α ≈ 0.001 for n draws: 1.95/√n
/// (as in rand_distr's distribution tests).
pub fn ks_critical(n: usize) -> f64 {
    1.95 / (n as f64).sqrt()
}

/// The Kolmogorov–Smirnov statistic sup |F_n(x) − F(x)| of `sample` against `cdf`.
pub fn ks_statistic(sample: &mut [f64], cdf: impl Fn(f64) -> f64) -> f64 {
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    let mut d: f64 = 0.0;
    for (i, &x) in sample.iter().enumerate() {
        let f = cdf(x);
        d = d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs());
    }
    d
}

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Write `text` as `name` in `dir` and return its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// run.csv (and voi_run.csv) keys that describe how a run was executed,
/// not what it computed.
pub const EXECUTION_KEYS: &[&str] = &["elapsed_s", "threads", "shards", "hosts", "shard_elapsed_s_total"];

/// run.csv without its execution keys.
pub fn run_csv_without_execution(dir: &Path) -> String {
    without_execution(dir, "run.csv")
}

/// The key,value file `name` in `dir` (run.csv, voi_run.csv) without its
/// execution keys.
pub fn without_execution(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    text.lines()
        .filter(|line| !EXECUTION_KEYS.iter().any(|k| line.starts_with(&format!("{k},"))))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Assert that `merged` holds the same files as `single`, byte for byte,
/// except run.csv and voi_run.csv, which must be the same apart from the
/// execution keys.
pub fn assert_same_outputs(single: &Path, merged: &Path) {
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".csv"))
            .collect();
        names.sort();
        names
    };
    let files = names(single);
    assert!(!files.is_empty(), "no CSV in {}", single.display());
    assert_eq!(files, names(merged), "{} and {}", single.display(), merged.display());
    for name in files {
        if name == "run.csv" || name == "voi_run.csv" {
            assert_eq!(
                without_execution(single, &name),
                without_execution(merged, &name),
                "{name} of {} and {}",
                single.display(),
                merged.display()
            );
            continue;
        }
        let (a, b) = (
            std::fs::read(single.join(&name)).unwrap(),
            std::fs::read(merged.join(&name)).unwrap(),
        );
        assert!(
            a == b,
            "{name} differs between {} and {}",
            single.display(),
            merged.display()
        );
    }
}

/// Every variable `--shard auto` reads.
pub const SCHEDULER_VARS: &[&str] = &[
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
];

/// The binary, run from the repository, with every scheduler variable
/// removed, so that a test does not depend on where it runs (a CI job
/// inside a Slurm allocation, say).
pub fn cradle_outside_a_scheduler() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("cradle").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in SCHEDULER_VARS {
        c.env_remove(var);
    }
    c
}

/// Whitespace-separated words as arguments.
pub fn args(words: &str) -> Vec<String> {
    words.split_whitespace().map(String::from).collect()
}

/// `cradle merge` of `states` (in this order) into `out`, quietly.
pub fn merge(states: &[PathBuf], out: &Path) -> assert_cmd::assert::Assert {
    cradle_outside_a_scheduler()
        .arg("merge")
        .args(states)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .assert()
}

/// The files in a different order: reversed for odd `seed`, else rotated.
pub fn shuffled(states: &[PathBuf], seed: usize) -> Vec<PathBuf> {
    let mut v = states.to_vec();
    if seed % 2 == 1 {
        v.reverse();
    } else if !v.is_empty() {
        let k = (seed / 2 + 1) % v.len();
        v.rotate_left(k);
    }
    v
}

/// Merging `states` fails with exit code 2, a message holding every
/// `needle`, no panic, and nothing written: the output directory is not
/// even created.
pub fn refused(states: &[PathBuf], needles: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("out");
    let assert = merge(states, &target).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for needle in needles {
        assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!target.exists(), "a refused merge created {}", target.display());
}

/// A path as messages print it.
pub fn name(path: &Path) -> String {
    path.display().to_string()
}

/// Rewrite the state file `path` as `to` with its header and body changed
/// by `edit`, through the library, with a valid checksum: as a different
/// cradle (or a tampered file) would have written it.
pub fn rewrite(path: &Path, to: &Path, edit: impl FnOnce(&mut cradle::shard::Header, &mut cradle::shard::Body)) {
    let (mut header, mut body) = cradle::shard::read_state(path).unwrap();
    edit(&mut header, &mut body);
    cradle::shard::StateWriter::create(to)
        .unwrap()
        .commit(&header, &body, None)
        .unwrap();
}
