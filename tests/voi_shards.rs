//! Value-of-information runs in shards (issue 12, last item): `cradle voi
//! SCENARIO --shard I/N --state FILE` and `cradle merge` give the very files
//! of a single `cradle voi` (voi_run.csv's execution keys aside), for
//! several N (including more shards than chunks), whatever the order of the
//! files, with parameters, groups, a sweep and a horizon; a set of states
//! that do not belong together (another kind, other settings, another seed,
//! a shard missing or twice) is refused naming the files and the field;
//! and a damaged state, or a state of the wrong shape under a valid header
//! and checksum, is refused with exit code 2, never a panic.

mod common;

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use cradle::shard::{Body, Header, read_state};
use cradle::voi::{SweepSpec, VoiConfig, VoiPlan};
use cradle::{Model, Scenario};

const EVIDENCE: &str = "scenarios/evidence.toml";

use common::{args, cradle_outside_a_scheduler as cradle, merge, name, refused, rewrite, shuffled};

/// A single `cradle voi` of the evidence scenario with `extra` arguments, into `out`.
fn single(extra: &str, out: &Path) {
    cradle()
        .args(["voi", EVIDENCE, "-q", "-o"])
        .arg(out)
        .args(args(extra))
        .assert()
        .success();
}

/// Shard `i` of `n` of `cradle voi` of the evidence scenario with `extra`
/// arguments, its state written to `state`.
fn shard(extra: &str, i: u64, n: u64, state: &Path) {
    cradle()
        .args(["voi", EVIDENCE, "-q", "--shard", &format!("{i}/{n}"), "--state"])
        .arg(state)
        .args(args(extra))
        .assert()
        .success();
}

/// Every shard of `n`; their state files in `dir`.
fn shards(extra: &str, n: u64, dir: &Path) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let state = dir.join(format!("shard-{i}.cstate"));
            shard(extra, i, n, &state);
            state
        })
        .collect()
}

/// A key of voi_run.csv.
fn value(dir: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("voi_run.csv")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key},")).map(String::from))
}

#[test]
fn merged_voi_shards_are_byte_identical_to_a_single_voi() {
    let dir = tempfile::tempdir().unwrap();
    // 30 chunks, the last one short.
    let extra = "-n 29999 --seed 7";
    let reference = dir.path().join("single");
    single(extra, &reference);
    assert_eq!(value(&reference, "shards").as_deref(), Some("1"));
    assert_eq!(value(&reference, "shard_elapsed_s_total"), None);
    for (k, count) in [1u64, 2, 3, 7].into_iter().enumerate() {
        let states = shards(extra, count, &dir.path().join(format!("s{count}")));
        let out = dir.path().join(format!("merged-{count}"));
        merge(&shuffled(&states, k), &out).success();
        common::assert_same_outputs(&reference, &out);
        assert_eq!(value(&out, "shards"), Some(count.to_string()));
        assert!(value(&out, "hosts").is_some_and(|h| !h.is_empty()));
        assert!(value(&out, "shard_elapsed_s_total").is_some());
    }
}

#[test]
fn merged_voi_shards_with_parameters_groups_a_sweep_and_a_horizon_match_a_single_voi() {
    let dir = tempfile::tempdir().unwrap();
    // 20 chunks, latin hypercube: two groups (regressions on the first
    // 20,000 rows, kept by the shards in pieces), the decision curve and
    // the population EVPI.
    let extra = "-n 20000 --seed 3 --sampler lhs --parameters d_pmh cost_per_family rho \
                 --group parents=d_pmh,q_pmh,pv_pmh --group cost=cost_per_family \
                 --horizon 10 --sweep cost_per_family=1500:6000:1500";
    let reference = dir.path().join("single");
    single(extra, &reference);
    assert!(reference.join("voi_sweep.csv").exists());
    assert_eq!(
        value(&reference, "group:parents").as_deref(),
        Some("d_pmh+q_pmh+pv_pmh")
    );
    assert_eq!(value(&reference, "horizon_years").as_deref(), Some("10"));
    // 25 > 20 chunks: the last shards are empty and merge as nothing.
    for (k, count) in [3u64, 25].into_iter().enumerate() {
        let states = shards(extra, count, &dir.path().join(format!("s{count}")));
        let out = dir.path().join(format!("merged-{count}"));
        merge(&shuffled(&states, k + 1), &out).success();
        common::assert_same_outputs(&reference, &out);
    }
    // Sobol at its power of two.
    let extra = "-n 16384 --seed 5 --sampler sobol --group g=e_care,rho";
    let reference = dir.path().join("sobol");
    single(extra, &reference);
    let states = shards(extra, 2, &dir.path().join("sobol-states"));
    let out = dir.path().join("sobol-merged");
    merge(&shuffled(&states, 1), &out).success();
    common::assert_same_outputs(&reference, &out);
}

/// The three shards of a 10,000-draw voi run of seed 1, in `dir`.
fn small(dir: &Path) -> Vec<PathBuf> {
    shards("-n 10000 --seed 1", 3, dir)
}

#[test]
fn voi_merges_of_states_that_do_not_belong_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let states = small(&dir.path().join("a"));
    let with_middle = |other: &Path| vec![states[0].clone(), other.to_path_buf(), states[2].clone()];

    // Another seed (a header field).
    let other_seed = dir.path().join("seed2.cstate");
    shard("-n 10000 --seed 2", 1, 3, &other_seed);
    refused(
        &with_middle(&other_seed),
        &[
            &name(&states[0]),
            &name(&other_seed),
            "seed is 1 in the first and 2 in the second",
        ],
    );
    // A shard missing; a shard twice.
    refused(
        &[states[2].clone(), states[0].clone()],
        &["shard 1/3 is missing", &name(&states[2])],
    );
    let copy = dir.path().join("copy-of-1.cstate");
    std::fs::copy(&states[1], &copy).unwrap();
    refused(
        &[states[0].clone(), states[1].clone(), copy.clone(), states[2].clone()],
        &["shard 1/3 is given twice", &name(&states[1]), &name(&copy)],
    );
    // A run's state among voi states, and a voi state among run states.
    let run = dir.path().join("run-1.cstate");
    cradle()
        .args([
            "run", EVIDENCE, "-n", "10000", "--seed", "1", "-q", "--shard", "1/3", "--state",
        ])
        .arg(&run)
        .assert()
        .success();
    refused(
        &with_middle(&run),
        &[
            &name(&states[0]),
            &name(&run),
            "kind is voi in the first and run in the second",
        ],
    );
    let runs: Vec<PathBuf> = [0, 2]
        .iter()
        .map(|i| {
            let path = dir.path().join(format!("run-{i}.cstate"));
            cradle()
                .args(["run", EVIDENCE, "-n", "10000", "--seed", "1", "-q", "--shard"])
                .arg(format!("{i}/3"))
                .arg("--state")
                .arg(&path)
                .assert()
                .success();
            path
        })
        .collect();
    refused(
        &[runs[0].clone(), states[1].clone(), runs[1].clone()],
        &[
            &name(&runs[0]),
            &name(&states[1]),
            "kind is run in the first and voi in the second",
        ],
    );
    // Other settings, one of each class: shard 1 run with them.
    for (option, field, theirs) in [
        ("--metric value_per_child", "--metric", "value_per_child"),
        ("--parameters d_pmh rho", "--parameters", "d_pmh rho"),
        ("--group g=d_pmh,rho", "--group", "g=d_pmh,rho"),
        ("--horizon 10", "--horizon", "10"),
        (
            "--sweep cost_per_family=2000:4000:1000",
            "--sweep",
            "cost_per_family=2000:4000:1000",
        ),
    ] {
        let other = dir.path().join(format!("{}.cstate", field.trim_start_matches('-')));
        shard(&format!("-n 10000 --seed 1 {option}"), 1, 3, &other);
        let message = format!("the value-of-information setting {field} is ");
        let theirs = format!("{theirs} in the second");
        refused(
            &with_middle(&other),
            &[&name(&states[0]), &name(&other), &message, &theirs],
        );
    }
    // The set as it should be merges, in any order.
    merge(&shuffled(&states, 1), &dir.path().join("ok")).success();
}

/// The VoiState inside a voi state file.
fn voi_state(path: &Path) -> cradle::voi::VoiState {
    match read_state(path).unwrap().1 {
        Body::Voi { state, .. } => state,
        other => panic!("not a voi state: {other:?}"),
    }
}

/// The settings inside a voi state file, edited by `edit`.
fn with_settings(edit: impl FnOnce(&mut cradle::voi::VoiSettings)) -> impl FnOnce(&mut Header, &mut Body) {
    move |_, body| match body {
        Body::Voi { settings, .. } => edit(settings),
        _ => panic!("not a voi state"),
    }
}

#[test]
fn damaged_and_misshapen_voi_states_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let states = small(&dir.path().join("a"));
    let with_middle = |other: &Path| vec![states[0].clone(), other.to_path_buf(), states[2].clone()];
    let bytes = std::fs::read(&states[1]).unwrap();

    // Truncated; one bit flipped.
    let truncated = dir.path().join("truncated.cstate");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    refused(
        &with_middle(&truncated),
        &[&name(&truncated), "truncated or corrupted", "shard 1 of 3"],
    );
    let flipped = dir.path().join("flipped.cstate");
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x04;
    std::fs::write(&flipped, &damaged).unwrap();
    refused(&with_middle(&flipped), &[&name(&flipped), "checksum"]);

    // Valid headers and checksums, states of the wrong shape inside.
    let graft = |file: &str, state: cradle::voi::VoiState| {
        let to = dir.path().join(file);
        rewrite(&states[1], &to, |_, body| match body {
            Body::Voi { state: s, .. } => *s = state,
            _ => panic!("not a voi state"),
        });
        to
    };
    // Another shard's state: the chunks its header says are not covered.
    let swapped = graft("swapped.cstate", voi_state(&states[2]));
    refused(
        &with_middle(&swapped),
        &[&name(&swapped), "inconsistent", "cover chunks", "run shard 1/3 again"],
    );
    // A state of two parameters under settings of all of them.
    let two = dir.path().join("two.cstate");
    shard("-n 10000 --seed 1 --parameters d_pmh rho", 1, 3, &two);
    let fewer = graft("fewer.cstate", voi_state(&two));
    refused(&with_middle(&fewer), &[&name(&fewer), "inconsistent", "2 parameters"]);
    // A state with a group's regression rows under settings without groups.
    let grouped = dir.path().join("grouped.cstate");
    shard("-n 10000 --seed 1 --group g=d_pmh,rho", 1, 3, &grouped);
    let rows = graft("rows.cstate", voi_state(&grouped));
    refused(
        &with_middle(&rows),
        &[&name(&rows), "inconsistent", "regression sample"],
    );
    // A state built through the library with other bins (5, not the default).
    let scenario = Scenario::load(common::repo(EVIDENCE)).unwrap();
    let model = Model::new(&scenario).unwrap();
    let config = VoiConfig {
        iterations: 10_000,
        seed: 1,
        bins: Some(5),
        ..VoiConfig::for_scenario(&scenario)
    };
    let plan = VoiPlan::new(&scenario, &model, &config).unwrap();
    let pool = cradle::engine::thread_pool(Some(1)).unwrap();
    let (first, end) = read_state(&states[1]).unwrap().0.chunks;
    let binned = graft("bins.cstate", plan.run_range((first, end), &pool).unwrap());
    refused(
        &with_middle(&binned),
        &[&name(&binned), "inconsistent", "bin boundaries"],
    );

    // Settings that `cradle voi` cannot write: a sweep of NaN steps.
    let nan = dir.path().join("nan-sweep.cstate");
    rewrite(
        &states[1],
        &nan,
        with_settings(|s| {
            s.sweep = Some(SweepSpec {
                parameter: "rho".into(),
                low: 0.0,
                high: 1.0,
                step: f64::NAN,
            })
        }),
    );
    refused(&with_middle(&nan), &[&name(&nan), "malformed sweep"]);
    // Settings that do not fit the scenario, on shard 0 (which builds the plan).
    let unknown = dir.path().join("unknown.cstate");
    rewrite(
        &states[0],
        &unknown,
        with_settings(|s| s.parameters = Some(vec!["no_such_parameter".into()])),
    );
    refused(
        &[unknown.clone(), states[1].clone(), states[2].clone()],
        &[&name(&unknown), "do not fit the scenario", "no_such_parameter"],
    );
    // The untouched set still merges.
    merge(&states, &dir.path().join("ok")).success();
}

#[test]
fn voi_shard_arguments_that_cannot_be_sharded_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.cstate");
    // Someone else's draws: refused before the table is read.
    cradle()
        .args([
            "voi",
            "--from-csv",
            "table.csv",
            "--nb",
            "nb",
            "--parameters",
            "x",
            "--shard",
            "0/2",
            "--state",
        ])
        .arg(&state)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--shard cannot be combined with --from-csv"));
    // --shard needs --state, and --state does not go with -o.
    cradle()
        .args(["voi", EVIDENCE, "-n", "1000", "--shard", "0/2"])
        .assert()
        .code(2);
    cradle()
        .args(["voi", EVIDENCE, "-n", "1000", "--shard", "0/2", "-o"])
        .arg(dir.path().join("out"))
        .arg("--state")
        .arg(&state)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // A shard writes its state and nothing else.
    shard("-n 3000", 1, 2, &state);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["s.cstate"]);
    let (header, _) = read_state(&state).unwrap();
    assert_eq!((header.kind.name(), header.shard, header.shards), ("voi", 1, 2));
}

#[test]
fn the_scripts_cradle_slurm_writes_for_voi_give_the_single_voi_when_run_as_slurm_would() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("job");
    let options = "--group parents=d_pmh,q_pmh,pv_pmh --horizon 10 --parameters d_pmh rho";
    cradle()
        .args([
            "slurm",
            EVIDENCE,
            "--shards",
            "3",
            "-n",
            "12345",
            "--seed",
            "9",
            "--command",
            "voi",
        ])
        .args(args(options))
        .arg("--cradle")
        .arg(env!("CARGO_BIN_EXE_cradle"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let array = std::fs::read_to_string(out.join("slurm/array.sbatch")).unwrap();
    assert!(
        array.contains("voi") && array.contains("'--group' 'parents=d_pmh,q_pmh,pv_pmh'"),
        "{array}"
    );
    for task in 0..3 {
        let status = std::process::Command::new("bash")
            .arg(out.join("slurm/array.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env_remove("JOB_COMPLETION_INDEX")
            .status()
            .unwrap();
        assert!(status.success(), "array task {task} failed");
    }
    let status = std::process::Command::new("bash")
        .arg(out.join("slurm/merge.sbatch"))
        .status()
        .unwrap();
    assert!(status.success());
    // The single voi, on the same (absolute) scenario path as the scripts.
    let scenario = std::fs::canonicalize(common::repo(EVIDENCE)).unwrap();
    let reference = dir.path().join("single");
    cradle()
        .arg("voi")
        .arg(&scenario)
        .args(["-q", "-n", "12345", "--seed", "9", "-o"])
        .arg(&reference)
        .args(args(options))
        .assert()
        .success();
    common::assert_same_outputs(&reference, &out);
    assert_eq!(value(&out, "shards").as_deref(), Some("3"));

    // Options that do not go together, or a bad voi option: refused (exit
    // 2) before anything is written.
    for extra in [
        "--command run --group g=d_pmh",
        "--command voi --samples",
        "--command voi --group g=no_such_parameter",
        "--command voi --sweep rho=1:0:1",
    ] {
        let target = dir.path().join("refused");
        let assert = cradle()
            .args(["slurm", EVIDENCE, "--shards", "2", "-n", "1000"])
            .args(args(extra))
            .arg("-o")
            .arg(&target)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{extra}: {stderr}");
        assert!(!target.exists(), "{extra}: {} was created", target.display());
    }
}
