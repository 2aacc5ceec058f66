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

/// Wait until job `id` has ended (every task of an array); return its
/// state (the first task's that is not COMPLETED, if any) and reason.
/// With `never_satisfied_fails`, a job left PENDING on a dependency that can
/// never be met fails at once; otherwise it is waited out like any other.
/// Panics, cancelling `cancel`, with the state and the logs, after
/// [`TIMEOUT`].
fn wait_end(id: &str, cancel: &[&str], dir: &Path, never_satisfied_fails: bool) -> (String, String) {
    let start = Instant::now();
    loop {
        let info = job_info(id);
        let lines: Vec<&str> = info.lines().filter(|l| l.contains("JobState=")).collect();
        let running = lines.iter().any(|l| {
            matches!(
                field(l, "JobState"),
                Some("PENDING" | "RUNNING" | "CONFIGURING" | "COMPLETING" | "SUSPENDED")
            )
        });
        let stuck = lines
            .iter()
            .any(|l| field(l, "Reason") == Some("DependencyNeverSatisfied"));
        if !running && !lines.is_empty() {
            let worst = lines
                .iter()
                .find(|l| field(l, "JobState") != Some("COMPLETED"))
                .unwrap_or(&lines[0]);
            let state = field(worst, "JobState").unwrap_or("unknown").to_string();
            let reason = field(worst, "Reason").unwrap_or("").to_string();
            return (state, reason);
        }
        // Slurm forgets a finished job after MinJobAge (300 s by default);
        // run.csv is the last file of a merge to land.
        if lines.is_empty() && dir.join("run.csv").exists() {
            return ("COMPLETED".into(), "forgotten".into());
        }
        if (stuck && never_satisfied_fails) || start.elapsed() > TIMEOUT {
            let _ = Command::new("scancel").args(cancel).status();
            panic!(
                "job {id} not done after {:?} (stuck on a dependency: {stuck}):\n{info}\n{}",
                start.elapsed(),
                logs(dir)
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Wait until job `id` is COMPLETED; panic with its state and the logs if it
/// ends otherwise, waits on a dependency that can never be met, or takes
/// longer than [`TIMEOUT`].
fn wait_for(id: &str, cancel: &[&str], dir: &Path) {
    let (state, reason) = wait_end(id, cancel, dir, true);
    if state != "COMPLETED" {
        let _ = Command::new("scancel").args(cancel).status();
        panic!("job {id} ended as {state} ({reason}):\n{}\n{}", job_info(id), logs(dir));
    }
}

/// `sbatch --parsable ARGS`: the job id.
fn sbatch(args: &[&str], script: &Path) -> String {
    let out = Command::new("sbatch")
        .arg("--parsable")
        .args(args)
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sbatch {args:?} {}: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// A single `cradle run` of the headline with `n` iterations into `out`, on
/// the same (absolute) scenario path the jobs used, so that run.csv's
/// `scenario` key is the same too.
fn single_run(n: &str, out: &Path) {
    let scenario = std::fs::canonicalize(common::repo("scenarios/headline.toml")).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_cradle"))
        .arg("run")
        .arg(&scenario)
        .args(["-n", n, "-q", "-o"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
}

/// `cradle slurm scenarios/headline.toml --shards 4 -n N --submit -o OUT`
/// with the jobs running `cradle`; the array's and the merge job's ids.
fn submit(cradle: &Path, n: &str, out: &Path) -> (String, String) {
    let submitted = Command::new(env!("CARGO_BIN_EXE_cradle"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["slurm", "scenarios/headline.toml", "--shards", "4", "-n", n, "--submit"])
        .arg("--cradle")
        .arg(cradle)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&submitted.stdout).into_owned();
    assert!(
        submitted.status.success(),
        "cradle slurm --submit failed: {stdout}{}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    (job_id(&stdout, "array job "), job_id(&stdout, "merge job "))
}

#[test]
fn a_headline_run_as_a_slurm_job_array_merges_into_the_single_run() {
    if !cluster_is_up() {
        eprintln!("skipped: no Slurm cluster (run ci/slurm-cluster.sh start)");
        return;
    }
    let dir = tempfile::Builder::new().prefix("cradle-slurm-").tempdir().unwrap();
    let out = dir.path().join("job");
    let (array, merge) = submit(Path::new(env!("CARGO_BIN_EXE_cradle")), "200000", &out);
    wait_for(&merge, &[&array, &merge], &out);
    for task in 0..4 {
        assert!(
            out.join(format!("states/shard-{task}.cstate")).exists(),
            "{}",
            logs(&out)
        );
    }
    let single = dir.path().join("single");
    single_run("200000", &single);
    common::assert_same_outputs(&single, &out);
    let run = std::fs::read_to_string(out.join("run.csv")).unwrap();
    assert!(run.contains("\nshards,4\n"), "{run}");
    eprintln!(
        "slurm: array job {array} (4 tasks) and merge job {merge} completed; the merged files are byte-identical to the single run"
    );
}

#[test]
fn a_failed_task_cancels_the_merge_job_and_a_resubmitted_task_completes_the_run() {
    if !cluster_is_up() {
        eprintln!("skipped: no Slurm cluster (run ci/slurm-cluster.sh start)");
        return;
    }
    let dir = tempfile::Builder::new().prefix("cradle-slurm-").tempdir().unwrap();
    let out = dir.path().join("job");
    // The jobs run a wrapper that fails for task 1 while the file `fail` exists.
    let fail = dir.path().join("fail");
    std::fs::write(&fail, "").unwrap();
    let wrapper = dir.path().join("cradle-wrapper");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ \"$SLURM_ARRAY_TASK_ID\" = 1 ] && [ -e '{}' ]; then echo 'task 1 fails on purpose' >&2; exit 1; fi\nexec '{}' \"$@\"\n",
            fail.display(),
            env!("CARGO_BIN_EXE_cradle")
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let (array, merge) = submit(&wrapper, "100000", &out);

    // The merge job is cancelled (--kill-on-invalid-dep=yes), not left
    // PENDING forever with Reason=DependencyNeverSatisfied.
    let (state, reason) = wait_end(&merge, &[&array, &merge], &out, false);
    assert_eq!(state, "CANCELLED", "merge job {merge} ({reason}):\n{}", logs(&out));
    let (state, _) = wait_end(&array, &[&array], &out, false);
    assert_eq!(state, "FAILED", "array job {array}:\n{}", logs(&out));
    assert!(!out.join("summary.csv").exists(), "no merge ran");
    let states = |i: u64| out.join(format!("states/shard-{i}.cstate"));
    for task in [0, 2, 3] {
        assert!(states(task).exists(), "{}", logs(&out));
    }
    assert!(!states(1).exists(), "the failed task left a state");

    // What the README says to do: resubmit the failed task alone, then the merge.
    std::fs::remove_file(&fail).unwrap();
    let again = sbatch(&["--array=1"], &out.join("slurm/array.sbatch"));
    wait_for(&again, &[&again], &out);
    let merge = sbatch(&[], &out.join("slurm/merge.sbatch"));
    wait_for(&merge, &[&merge], &out);
    let single = dir.path().join("single");
    single_run("100000", &single);
    common::assert_same_outputs(&single, &out);
    eprintln!(
        "slurm: task 1 of array job {array} failed, merge job cancelled; task 1 resubmitted ({again}) and merge job {merge} completed; byte-identical to the single run"
    );
}
