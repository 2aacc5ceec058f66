//! Shards and merge (issue 12), without a cluster: a run cut into N shards
//! (`cradle run --shard I/N --state FILE`) and merged (`cradle merge`) gives
//! the very files of a single run, for every sampler, with correlations and
//! samples, for several N (including more shards than chunks), whatever the
//! order of the files; the same for `compare`; every bad set of states is
//! refused with exit code 2 and a message naming the file and the field;
//! `--shard auto` reads Slurm's and Kubernetes' variables; and the scripts
//! `cradle slurm` writes, run by hand as Slurm would, give the same files.

mod common;

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use cradle::shard::read_state;

use common::{args, cradle_outside_a_scheduler as cradle, merge, name, refused, rewrite, shuffled};

/// A single run of `scenario` with `extra` arguments, into `out`.
fn single(scenario: &str, extra: &str, out: &Path) {
    cradle()
        .args(["run", scenario, "-q", "-o"])
        .arg(out)
        .args(args(extra))
        .assert()
        .success();
}

/// Shards 0..n of the run, each with `extra` arguments; their state files.
fn shards(scenario: &str, extra: &str, n: u64, dir: &Path) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let state = dir.join(format!("shard-{i}.cstate"));
            cradle()
                .args(["run", scenario, "-q", "--shard", &format!("{i}/{n}"), "--state"])
                .arg(&state)
                .args(args(extra))
                .assert()
                .success();
            state
        })
        .collect()
}

fn value(dir: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(dir.join("run.csv")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key},")).map(String::from))
        .unwrap_or_else(|| panic!("run.csv has no {key}"))
}

#[test]
fn merged_shards_are_byte_identical_to_a_single_run_for_every_sampler_and_shard_count() {
    let dir = tempfile::tempdir().unwrap();
    // 20 chunks (the last one short) for mc and lhs; 16 for sobol, at its power of two.
    for (sampler, n) in [("mc", 19_999), ("lhs", 19_999), ("sobol", 16_384)] {
        let extra = format!("-n {n} --sampler {sampler} --seed 11");
        let reference = dir.path().join(format!("{sampler}-single"));
        single("scenarios/headline.toml", &extra, &reference);
        // 25 > 20 chunks: the last shards are empty and merge as nothing.
        for (k, count) in [1u64, 2, 3, 7, 25].into_iter().enumerate() {
            let states_dir = dir.path().join(format!("{sampler}-{count}"));
            let states = shards("scenarios/headline.toml", &extra, count, &states_dir);
            let out = dir.path().join(format!("{sampler}-{count}-merged"));
            merge(&shuffled(&states, k), &out).success();
            common::assert_same_outputs(&reference, &out);
            assert_eq!(value(&out, "shards"), count.to_string());
            assert_eq!(value(&reference, "shards"), "1");
            assert!(!value(&out, "hosts").is_empty());
        }
    }
}

#[test]
fn merged_shards_match_across_waves_correlations_and_samples() {
    let dir = tempfile::tempdir().unwrap();
    // 293 chunks: shards cut inside the waves of 256 chunks, across the
    // power-of-two checkpoints and across the 100 chunks of the achieved
    // rank correlations; example.toml has [[correlation]].
    let extra = "-n 300000 --seed 5";
    let reference = dir.path().join("single");
    single("scenarios/example.toml", extra, &reference);
    assert!(
        value(&reference, "spearman_achieved:a_triangular:a_pert")
            .parse::<f64>()
            .is_ok()
    );
    let states = shards("scenarios/example.toml", extra, 3, &dir.path().join("s3"));
    let out = dir.path().join("merged");
    merge(&shuffled(&states, 1), &out).success();
    common::assert_same_outputs(&reference, &out);

    // --samples: each shard writes its rows beside its state; merge
    // concatenates them in chunk order into one samples.csv.
    for sampler in ["mc", "lhs"] {
        let extra = format!("-n 5000 --seed 5 --samples --sampler {sampler}");
        let reference = dir.path().join(format!("samples-{sampler}"));
        single("scenarios/example.toml", &extra, &reference);
        let states = shards(
            "scenarios/example.toml",
            &extra,
            3,
            &dir.path().join(format!("ss-{sampler}")),
        );
        for state in &states {
            let rows = PathBuf::from(format!("{}.samples.csv", state.display()));
            assert!(rows.exists(), "{} missing", rows.display());
        }
        let out = dir.path().join(format!("samples-{sampler}-merged"));
        merge(&shuffled(&states, 2), &out).success();
        assert!(out.join("samples.csv").exists());
        common::assert_same_outputs(&reference, &out);
        assert_eq!(value(&out, "samples"), "true");
    }
}

#[test]
fn merged_compare_shards_are_byte_identical_to_a_single_compare() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = [
        "scenarios/headline.toml",
        "scenarios/variants/headline-fade-out.toml",
        "scenarios/evidence.toml",
    ];
    let reference = dir.path().join("single");
    cradle()
        .arg("compare")
        .args(scenarios)
        .args(["-n", "20000", "--seed", "3", "-q", "-o"])
        .arg(&reference)
        .assert()
        .success();
    for count in [2u64, 7] {
        let states: Vec<PathBuf> = (0..count)
            .map(|i| {
                let state = dir.path().join(format!("c{count}/shard-{i}.cstate"));
                cradle()
                    .arg("compare")
                    .args(scenarios)
                    .args([
                        "-n",
                        "20000",
                        "--seed",
                        "3",
                        "-q",
                        "--shard",
                        &format!("{i}/{count}"),
                        "--state",
                    ])
                    .arg(&state)
                    .assert()
                    .success();
                state
            })
            .collect();
        let out = dir.path().join(format!("merged-{count}"));
        merge(&shuffled(&states, 1), &out).success();
        common::assert_same_outputs(&reference, &out);
    }
}

/// Shards of a 10,000-iteration headline run (10 chunks), seed `seed`, in `dir`.
fn small_shards(dir: &Path, seed: u64, count: u64) -> Vec<PathBuf> {
    shards(
        "scenarios/headline.toml",
        &format!("-n 10000 --seed {seed}"),
        count,
        dir,
    )
}

#[test]
fn merges_of_states_that_do_not_belong_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let states = small_shards(&dir.path().join("a"), 1, 3);
    let other_seed = small_shards(&dir.path().join("b"), 2, 3);

    // Wrong seed: names both files and the field.
    refused(
        &[states[0].clone(), other_seed[1].clone(), states[2].clone()],
        &[
            &name(&states[0]),
            &name(&other_seed[1]),
            "seed is 1 in the first and 2 in the second",
        ],
    );
    // A missing shard.
    refused(
        &[states[0].clone(), states[2].clone()],
        &["shard 1/3 is missing", &name(&states[2])],
    );
    // A shard twice (a copy of the file).
    let copy = dir.path().join("copy-of-1.cstate");
    std::fs::copy(&states[1], &copy).unwrap();
    refused(
        &[states[0].clone(), states[1].clone(), copy.clone(), states[2].clone()],
        &["shard 1/3 is given twice", &name(&states[1]), &name(&copy)],
    );
    // Another shard count.
    let two = small_shards(&dir.path().join("c"), 1, 2);
    refused(
        &[states[0].clone(), two[1].clone()],
        &["number of shards is 3 in the first and 2"],
    );
    // Another number of iterations.
    let longer = shards("scenarios/headline.toml", "-n 10001 --seed 1", 3, &dir.path().join("d"));
    refused(
        &[states[0].clone(), longer[1].clone(), states[2].clone()],
        &["iterations (n)"],
    );
    // Another sampler.
    let lhs = shards(
        "scenarios/headline.toml",
        "-n 10000 --seed 1 --sampler lhs",
        3,
        &dir.path().join("e"),
    );
    refused(
        &[states[0].clone(), lhs[1].clone(), states[2].clone()],
        &["sampler is mc in the first and lhs"],
    );
    // Another scenario.
    let variant = shards(
        "scenarios/variants/headline-fade-out.toml",
        "-n 10000 --seed 1",
        3,
        &dir.path().join("f"),
    );
    refused(
        &[states[0].clone(), variant[1].clone(), states[2].clone()],
        &["scenario SHA-256", &name(&variant[1])],
    );
    // Samples in some shards only.
    let with_rows = shards(
        "scenarios/headline.toml",
        "-n 10000 --seed 1 --samples",
        3,
        &dir.path().join("g"),
    );
    refused(
        &[states[0].clone(), with_rows[1].clone(), states[2].clone()],
        &["samples is not written in the first"],
    );
    // A run and a comparison.
    let compare = dir.path().join("compare-1.cstate");
    cradle()
        .args([
            "compare",
            "scenarios/headline.toml",
            "-n",
            "10000",
            "--seed",
            "1",
            "-q",
            "--shard",
            "1/3",
            "--state",
        ])
        .arg(&compare)
        .assert()
        .success();
    refused(
        &[states[0].clone(), compare.clone(), states[2].clone()],
        &["kind is run in the first and compare"],
    );
    // The set as it should be merges.
    merge(&states, &dir.path().join("ok")).success();
}

#[test]
fn damaged_foreign_and_other_version_states_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let states = small_shards(&dir.path().join("a"), 1, 3);
    let bytes = std::fs::read(&states[1]).unwrap();
    let with = |name: &str, content: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        vec![states[0].clone(), path.clone(), states[2].clone()]
    };
    // Truncated: cut in half; cut to a few bytes.
    let set = with("truncated.cstate", &bytes[..bytes.len() / 2]);
    refused(&set, &[&name(&set[1]), "truncated or corrupted", "shard 1 of 3"]);
    let set = with("stub.cstate", &bytes[..10]);
    refused(&set, &[&name(&set[1]), "truncated"]);
    // Corrupted: one bit flipped in the middle (a count or a float).
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    let set = with("flipped.cstate", &flipped);
    refused(&set, &[&name(&set[1]), "checksum"]);
    // Foreign: not a state file at all; an empty file; a missing file.
    let set = with("notes.cstate", b"key,value\nseed,1\n");
    refused(&set, &[&name(&set[1]), "not a cradle state file"]);
    let set = with("empty.cstate", b"");
    refused(&set, &[&name(&set[1]), "not a cradle state file"]);
    let missing = dir.path().join("no-such.cstate");
    refused(
        &[states[0].clone(), missing.clone()],
        &[&name(&missing), "cannot read it"],
    );
    // Another format version (with a valid checksum).
    let mut other_format = bytes[..bytes.len() - 32].to_vec();
    other_format[8..12].copy_from_slice(&2u32.to_le_bytes());
    let checksum = <sha2::Sha256 as sha2::Digest>::digest(&other_format);
    other_format.extend_from_slice(&checksum);
    let set = with("format2.cstate", &other_format);
    refused(&set, &[&name(&set[1]), "state format version 2"]);
    // Another cradle version.
    let old = dir.path().join("old.cstate");
    rewrite(&states[1], &old, |h, _| h.cradle_version = "0.0.9".into());
    refused(
        &[states[0].clone(), old.clone(), states[2].clone()],
        &[&name(&old), "cradle version is", "0.0.9", "same cradle version"],
    );
    // A header whose chunk range is not its shard's.
    let moved = dir.path().join("moved.cstate");
    rewrite(&states[1], &moved, |h, _| h.chunks = (3, 7));
    refused(
        &[states[0].clone(), moved.clone(), states[2].clone()],
        &[&name(&moved), "covers chunks 3..7", "covers chunks 4..7"],
    );
    // A valid header with another shard's state inside: the state does not
    // cover the chunks its header says (checked before it is used).
    let swapped = dir.path().join("swapped.cstate");
    let (_, body2) = read_state(&states[2]).unwrap();
    rewrite(&states[1], &swapped, |_, b| *b = body2);
    refused(
        &[states[0].clone(), swapped.clone(), states[2].clone()],
        &[&name(&swapped), "inconsistent", "run shard 1/3 again"],
    );
    // A state of another scenario (same outputs count or not) under this header.
    let variant = shards(
        "scenarios/validation/ishigami.toml",
        "-n 10000 --seed 1",
        3,
        &dir.path().join("v"),
    );
    let (_, foreign_body) = read_state(&variant[1]).unwrap();
    let grafted = dir.path().join("grafted.cstate");
    rewrite(&states[1], &grafted, |_, b| *b = foreign_body);
    refused(
        &[states[0].clone(), grafted.clone(), states[2].clone()],
        &[&name(&grafted), "inconsistent"],
    );
}

#[test]
fn merge_finds_the_scenario_by_its_recorded_path_or_by_scenario_and_checks_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::repo("scenarios/headline.toml")).unwrap();
    let scenario = common::write(dir.path(), "moved.toml", &text);
    let scenario_arg = scenario.display().to_string();
    let states = shards(&scenario_arg, "-n 5000 --seed 4", 2, &dir.path().join("s"));
    merge(&states, &dir.path().join("o1")).success();
    // The scenario moved: merge says where it was, and --scenario finds it.
    let elsewhere = common::write(dir.path(), "elsewhere.toml", &text);
    std::fs::remove_file(&scenario).unwrap();
    let assert = merge(&states, &dir.path().join("o2")).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--scenario") && stderr.contains("moved.toml"),
        "{stderr}"
    );
    cradle()
        .arg("merge")
        .args(&states)
        .args(["-q", "--scenario"])
        .arg(&elsewhere)
        .arg("-o")
        .arg(dir.path().join("o3"))
        .assert()
        .success();
    common::assert_same_outputs(&dir.path().join("o1"), &dir.path().join("o3"));
    // run.csv reports the path the shards ran on, not the one merge read.
    assert_eq!(value(&dir.path().join("o3"), "scenario"), scenario_arg);
    // A file with other contents is refused, both hashes named.
    let changed = common::write(dir.path(), "changed.toml", &format!("{text}\n# one more line\n"));
    cradle()
        .arg("merge")
        .args(&states)
        .arg("--scenario")
        .arg(&changed)
        .arg("-o")
        .arg(dir.path().join("o4"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("changed.toml").and(predicate::str::contains("SHA-256")));
}

/// `cradle run --shard auto` with `vars` set; the assert.
fn auto(vars: &[(&str, &str)], extra: &str, state: &Path) -> assert_cmd::assert::Assert {
    let mut c = cradle();
    c.args([
        "run",
        "scenarios/headline.toml",
        "-n",
        "10000",
        "-q",
        "--shard",
        "auto",
        "--state",
    ])
    .arg(state)
    .args(args(extra));
    for (k, v) in vars {
        c.env(k, v);
    }
    c.assert()
}

fn shard_of(state: &Path) -> (u64, u64) {
    let (header, _) = read_state(state).unwrap();
    (header.shard, header.shards)
}

#[test]
fn shard_auto_reads_slurm_and_kubernetes_variables_and_refuses_a_bad_environment() {
    let dir = tempfile::tempdir().unwrap();
    let state = |name: &str| dir.path().join(name);
    auto(
        &[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4")],
        "",
        &state("a"),
    )
    .success();
    assert_eq!(shard_of(&state("a")), (2, 4));
    let min_max = [
        ("SLURM_ARRAY_TASK_ID", "7"),
        ("SLURM_ARRAY_TASK_MIN", "5"),
        ("SLURM_ARRAY_TASK_MAX", "8"),
    ];
    auto(&min_max, "", &state("b")).success();
    assert_eq!(shard_of(&state("b")), (2, 4));
    auto(&[("JOB_COMPLETION_INDEX", "3")], "--shards 5", &state("c")).success();
    assert_eq!(shard_of(&state("c")), (3, 5));

    let fails = |vars: &[(&str, &str)], extra: &str, needles: &[&str]| {
        let path = state("bad");
        let assert = auto(vars, extra, &path).code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        for needle in needles {
            assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
        }
        assert!(!path.exists());
    };
    fails(&[], "", &["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "--shard I/N"]);
    fails(&[("JOB_COMPLETION_INDEX", "1")], "", &["--shards N"]);
    fails(
        &[("JOB_COMPLETION_INDEX", "5")],
        "--shards 5",
        &["JOB_COMPLETION_INDEX=5", "0 to 4"],
    );
    fails(
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
        ],
        "",
        &["SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MAX=7"],
    );
    fails(
        &[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "4")],
        "--shards 3",
        &["SLURM_ARRAY_TASK_ID=3 with --shards 3", "0 to 2"],
    );
    // With --shards, the task id is the shard: one failed task resubmitted
    // alone (sbatch --array=3) is shard 3 of 4, not shard 0 of 1.
    let alone = [
        ("SLURM_ARRAY_TASK_ID", "3"),
        ("SLURM_ARRAY_TASK_COUNT", "1"),
        ("SLURM_ARRAY_TASK_MIN", "3"),
        ("SLURM_ARRAY_TASK_MAX", "3"),
    ];
    auto(&alone, "--shards 4", &state("d")).success();
    assert_eq!(shard_of(&state("d")), (3, 4));
    fails(
        &[("SLURM_ARRAY_TASK_ID", "one"), ("SLURM_ARRAY_TASK_COUNT", "4")],
        "",
        &["SLURM_ARRAY_TASK_ID='one'"],
    );
    fails(
        &[("SLURM_ARRAY_TASK_ID", "1"), ("JOB_COMPLETION_INDEX", "1")],
        "--shards 4",
        &["both"],
    );
}

#[test]
fn bad_shard_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.cstate");
    let run = |extra: &str| {
        let mut c = cradle();
        c.args(["run", "scenarios/headline.toml", "-n", "1000", "-q"])
            .args(args(extra));
        c.assert()
    };
    let at = state.display();
    run(&format!("--shard 4/4 --state {at}"))
        .code(2)
        .stderr(predicate::str::contains("numbered from 0 to 3"));
    run(&format!("--shard 1 --state {at}"))
        .code(2)
        .stderr(predicate::str::contains("I/N"));
    run(&format!("--shard 0/2 --state {at} --precision 0.01"))
        .code(2)
        .stderr(predicate::str::contains("--precision cannot be combined with --shard"));
    run(&format!("--shard 0/2 --shards 2 --state {at}"))
        .code(2)
        .stderr(predicate::str::contains("--shards goes with --shard auto"));
    run("--shard 0/2").code(2);
    run(&format!("--state {at}")).code(2);
    assert!(!state.exists());
    // A directory where the state should go: refused before the run.
    run(&format!("--shard 0/2 --state {}", dir.path().display()))
        .code(2)
        .stderr(predicate::str::contains("a directory is in the way"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    cradle().args(["merge", "-q"]).assert().code(2);
}

#[test]
fn the_scripts_cradle_slurm_writes_give_the_single_run_when_run_as_slurm_would() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("job");
    cradle()
        .args([
            "slurm",
            "scenarios/headline.toml",
            "--shards",
            "3",
            "-n",
            "12345",
            "--seed",
            "9",
            "--cradle",
        ])
        .arg(env!("CARGO_BIN_EXE_cradle"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("submit.sh"));
    let array = std::fs::read_to_string(out.join("slurm/array.sbatch")).unwrap();
    assert!(array.contains("#SBATCH --array=0-2\n"), "{array}");
    assert!(
        array.contains("--threads 1") && array.contains("--shard auto --shards 3"),
        "{array}"
    );
    let submit = std::fs::read_to_string(out.join("slurm/submit.sh")).unwrap();
    assert!(submit.contains("--kill-on-invalid-dep=yes"), "{submit}");
    // The scripts land as one output set: executable, nothing else left beside them.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("slurm/submit.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "submit.sh is not executable: {mode:o}");
    }
    let listing: Vec<String> = snapshot(&out.join("slurm")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(listing, ["array.sbatch", "logs", "merge.sbatch", "submit.sh"]);
    // Each array task as Slurm would start it, then the merge job.
    for task in 0..3 {
        std::process::Command::new("bash")
            .arg(out.join("slurm/array.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_ARRAY_TASK_MIN", "0")
            .env("SLURM_ARRAY_TASK_MAX", "2")
            .env_remove("JOB_COMPLETION_INDEX")
            .status()
            .unwrap()
            .success()
            .then_some(())
            .expect("the array task failed");
    }
    let status = std::process::Command::new("bash")
        .arg(out.join("slurm/merge.sbatch"))
        .status()
        .unwrap();
    assert!(status.success());
    // The single run, on the same (absolute) scenario path as the scripts.
    let scenario = std::fs::canonicalize(common::repo("scenarios/headline.toml")).unwrap();
    let reference = dir.path().join("single");
    single(&scenario.display().to_string(), "-n 12345 --seed 9", &reference);
    common::assert_same_outputs(&reference, &out);
    assert_eq!(value(&out, "shards"), "3");

    // --submit without sbatch on the PATH: a clear error, exit 2.
    cradle()
        .args([
            "slurm",
            "scenarios/headline.toml",
            "--shards",
            "2",
            "-n",
            "1000",
            "--submit",
            "-o",
        ])
        .arg(dir.path().join("nosubmit"))
        .env("PATH", dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sbatch is not on the PATH"));
}

/// The names in `dir`, sorted, with each file's bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.path().is_dir() {
                b"<dir>".to_vec()
            } else {
                std::fs::read(e.path()).unwrap()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn merge_writes_through_the_output_set_of_run() {
    let dir = tempfile::tempdir().unwrap();
    let states = small_shards(&dir.path().join("s"), 3, 2);
    // A directory holding a run with --samples and a file of the user's.
    let out = dir.path().join("out");
    single("scenarios/headline.toml", "-n 3000 --seed 8 --samples", &out);
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    assert!(out.join("samples.csv").exists());

    // Locked by another process: refused, exit 2, nothing changed.
    let before = snapshot(&out);
    let held = cradle::output::OutputSet::open(&out, &["summary.csv"]).unwrap();
    let assert = merge(&states, &out).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("in use by another cradle process"), "{stderr}");
    drop(held);
    assert!(snapshot(&out) == before, "a refused merge changed {}", out.display());

    // A merge without samples replaces the run's set: samples.csv (of
    // another run) goes, the user's file stays, nothing temporary is left.
    merge(&states, &out).success();
    let names: Vec<String> = snapshot(&out).into_iter().map(|(n, _)| n).collect();
    assert!(!names.contains(&"samples.csv".to_string()), "{names:?}");
    assert!(names.contains(&"notes.txt".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    let reference = dir.path().join("single");
    single("scenarios/headline.toml", "-n 10000 --seed 3", &reference);
    common::assert_same_outputs(&reference, &out);

    // A state whose contents do not fit its scenario is found before the
    // set is opened: the directory is left as it was.
    let before = snapshot(&out);
    let swapped = dir.path().join("swapped.cstate");
    let (_, body) = read_state(&states[0]).unwrap();
    rewrite(&states[1], &swapped, |_, b| *b = body);
    merge(&[states[0].clone(), swapped], &out).code(2);
    assert!(snapshot(&out) == before, "a refused merge changed {}", out.display());
}

#[test]
fn bad_slurm_arguments_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("job");
    for extra in [
        "--shards 0",
        "--shards 2 --cpus-per-task 0",
        "--shards 2 --cpus-per-task 1025",
        "--shards 2 -n 0",
        "--shards 2 --sampler sobol -n 8589934592",
        "--shards 2 --partition a%b",
    ] {
        let mut c = cradle();
        c.args(["slurm", "scenarios/headline.toml"])
            .args(args(extra))
            .arg("-o")
            .arg(&out);
        let assert = c.assert().code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{extra}: {stderr}");
        assert!(!out.exists(), "{extra}: {} was created", out.display());
    }
}
