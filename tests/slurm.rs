//! A sharded run on a real Slurm cluster (issue 12): `cradle slurm
//! scenarios/headline.toml --shards 4 -n 200000 --submit` submits a job
//! array of 4 tasks and a merge job depending on it; once the merge job has
//! completed, its CSV files must be byte-identical to a single `cradle run`
//! with the same n and seed (run.csv apart from its execution keys).
//!
//! It needs a cluster: `ci/slurm-cluster.sh start` (as root) starts a
//! one-node one on this machine, and `.ci/run` does so before the tests.
//! Without one (no `sbatch` on the PATH, or `sinfo` not answering) the test
//! says it was skipped, on stderr, and passes. The jobs run on this machine
//! (the only node), so they see the test binary and its temporary directory.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long the merge job may take, from submission (4 tasks of 50,000
/// iterations take a second or two; a loaded CI machine, much more).
const TIMEOUT: Duration = Duration::from_secs(300);

/// True when `sbatch` is on the PATH and `sinfo` answers with a node.
fn cluster_is_up() -> bool {
    let sbatch = Command::new("sbatch").arg("--version").output();
    if !sbatch.is_ok_and(|o| o.status.success()) {
        return false;
    }
    Command::new("sinfo")
        .args(["-h", "-o", "%T"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

/// `scontrol show job -o ID`: one line per job (or array task).
fn job_info(id: &str) -> String {
    let out = Command::new("scontrol")
        .args(["show", "job", "-o", id])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
}

/// Everything the jobs wrote: for a failure message.
fn logs(dir: &Path) -> String {
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("slurm/logs")) {
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            text += &format!(
                "--- {}\n{}\n",
                path.display(),
                std::fs::read_to_string(&path).unwrap_or_default()
            );
        }
    }
    text
}

/// The id after `label` in cradle's output ("merge job 12 (...)").
fn job_id(stdout: &str, label: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no '{label}' in: {stdout}"))
        .to_string()
}

/// Wait until job `id` is COMPLETED; panic with its state and the logs if it
/// ends otherwise, waits on a dependency that can never be met, or takes
/// longer than [`TIMEOUT`].
fn wait_for(id: &str, cancel: &[&str], dir: &Path) {
    let start = Instant::now();
    loop {
        let info = job_info(id);
        let state = field(&info, "JobState").unwrap_or("unknown");
        let reason = field(&info, "Reason").unwrap_or("");
        match state {
            "COMPLETED" => return,
            "PENDING" | "RUNNING" | "CONFIGURING" | "COMPLETING" if reason != "DependencyNeverSatisfied" => {}
            // Slurm forgets a finished job after MinJobAge (300 s by default).
            "unknown" if dir.join("summary.csv").exists() => return,
            _ => {
                let _ = Command::new("scancel").args(cancel).status();
                panic!("job {id} ended as {state} ({reason}):\n{info}\n{}", logs(dir));
            }
        }
        if start.elapsed() > TIMEOUT {
            let _ = Command::new("scancel").args(cancel).status();
            panic!(
                "job {id} not done after {TIMEOUT:?} ({state}, {reason}):\n{info}\n{}",
                logs(dir)
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn a_headline_run_as_a_slurm_job_array_merges_into_the_single_run() {
    if !cluster_is_up() {
        eprintln!("skipped: no Slurm cluster (run ci/slurm-cluster.sh start)");
        return;
    }
    let dir = tempfile::Builder::new().prefix("cradle-slurm-").tempdir().unwrap();
    let out = dir.path().join("job");
    let submitted = Command::new(env!("CARGO_BIN_EXE_cradle"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "slurm",
            "scenarios/headline.toml",
            "--shards",
            "4",
            "-n",
            "200000",
            "--submit",
        ])
        .arg("--cradle")
        .arg(env!("CARGO_BIN_EXE_cradle"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&submitted.stdout).into_owned();
    assert!(
        submitted.status.success(),
        "cradle slurm --submit failed: {stdout}{}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let array = job_id(&stdout, "array job ");
    let merge = job_id(&stdout, "merge job ");
    wait_for(&merge, &[&array, &merge], &out);
    for task in 0..4 {
        assert!(
            out.join(format!("states/shard-{task}.cstate")).exists(),
            "{}",
            logs(&out)
        );
    }

    // The single run, on the same (absolute) scenario path the job used, so
    // that run.csv's `scenario` key is the same too.
    let scenario = std::fs::canonicalize(common::repo("scenarios/headline.toml")).unwrap();
    let single = dir.path().join("single");
    let status = Command::new(env!("CARGO_BIN_EXE_cradle"))
        .arg("run")
        .arg(&scenario)
        .args(["-n", "200000", "-q", "-o"])
        .arg(&single)
        .status()
        .unwrap();
    assert!(status.success());
    common::assert_same_outputs(&single, &out);
    let run = std::fs::read_to_string(out.join("run.csv")).unwrap();
    assert!(run.contains("\nshards,4\n"), "{run}");
}
