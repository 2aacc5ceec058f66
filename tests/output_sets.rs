//! Output sets end to end (issue 9, items 1–6 and 23): whatever happens to a
//! run (another run into the same directory, a SIGKILL at any moment, SIGINT
//! or SIGTERM, a bad argument, a full disk, a closed stdout), the output
//! directory holds exactly one complete set per command, each file from the
//! same run, and no temporary file; and every failure to write is reported
//! once, with the right exit code.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};

use cradle::output::{LOCK_FILE, RUN_FILES, STAGING_PREFIX};

/// Iterations of the runs whose sets are compared (samples.csv ≈ 28 MB).
const N: &str = "60000";

fn cradle() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cradle"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn headline() -> PathBuf {
    common::repo("scenarios/headline.toml")
}

/// `cradle run headline -n N --seed SEED --samples -q -o DIR`.
fn run_samples(dir: &Path, seed: u64) -> Command {
    run_samples_n(dir, seed, N)
}

/// `cradle run headline -n n --seed SEED --samples -q -o DIR`.
fn run_samples_n(dir: &Path, seed: u64, n: &str) -> Command {
    let mut c = cradle();
    c.arg("run")
        .arg(headline())
        .args(["-n", n, "--samples", "-q", "--seed", &seed.to_string(), "-o"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn output(mut c: Command) -> Output {
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every entry of `dir`: files by content, directories as "<dir>".
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = if entry.path().is_dir() {
            b"<dir>".to_vec()
        } else {
            std::fs::read(entry.path()).unwrap()
        };
        out.insert(name, bytes);
    }
    out
}

/// run.csv without the lines that differ between identical runs.
fn stable_run_csv(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.starts_with("elapsed_s,") && !l.starts_with("threads,"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn seed_of(set: &BTreeMap<String, Vec<u8>>) -> u64 {
    let run = String::from_utf8_lossy(&set["run.csv"]).into_owned();
    let line = run
        .lines()
        .find(|l| l.starts_with("seed,"))
        .expect("run.csv has a seed");
    line[5..].parse().unwrap()
}

/// The complete sets of seeds 1 and 2 (made once, kept in memory).
fn references() -> &'static BTreeMap<u64, BTreeMap<String, Vec<u8>>> {
    static REFS: OnceLock<BTreeMap<u64, BTreeMap<String, Vec<u8>>>> = OnceLock::new();
    REFS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut refs = BTreeMap::new();
        for seed in [1, 2] {
            let out = dir.path().join(seed.to_string());
            let o = output(run_samples(&out, seed));
            assert!(o.status.success(), "{}", stderr(&o));
            refs.insert(seed, snapshot(&out));
        }
        refs
    })
}

/// `dir` holds exactly one complete run set, every file from the run that
/// run.csv describes (byte for byte as a run of that seed alone writes it),
/// and nothing else but the names in `others`.
fn assert_one_complete_run_set(dir: &Path, others: &[&str]) {
    let found = snapshot(dir);
    let seed = seed_of(&found);
    let reference = &references()[&seed];
    for name in found.keys() {
        assert!(
            RUN_FILES.contains(&name.as_str()) || others.contains(&name.as_str()),
            "unexpected {name} in {}: {:?}",
            dir.display(),
            found.keys().collect::<Vec<_>>()
        );
    }
    for name in RUN_FILES {
        let (Some(got), Some(want)) = (found.get(name), reference.get(name)) else {
            panic!("{name} missing (seed {seed}): {:?}", found.keys().collect::<Vec<_>>());
        };
        if name == "run.csv" {
            assert_eq!(stable_run_csv(got), stable_run_csv(want), "run.csv, seed {seed}");
        } else {
            assert!(got == want, "{name} is not seed {seed}'s");
        }
    }
}

/// Whether a commit was cut short in `dir` (a staging directory with a journal).
fn commit_under_way(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(STAGING_PREFIX) && e.path().join(".journal").exists())
}

/// Wait until `child` is writing samples.csv in its staging directory
/// (or, before output sets, as `.samples.csv.tmp`).
fn wait_until_streaming(dir: &Path, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let nonempty = |p: PathBuf| std::fs::metadata(p).is_ok_and(|m| m.len() > 0);
    loop {
        let streaming = nonempty(dir.join(".samples.csv.tmp"))
            || std::fs::read_dir(dir).into_iter().flatten().flatten().any(|e| {
                e.file_name().to_string_lossy().starts_with(STAGING_PREFIX) && nonempty(e.path().join("samples.csv"))
            });
        if streaming {
            return;
        }
        assert!(child.try_wait().unwrap().is_none(), "the run ended before streaming");
        assert!(Instant::now() < deadline, "no staging directory appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn concurrent_runs_into_one_directory_leave_one_complete_set() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("D");

    // A second run while the first holds the directory exits 2, naming it.
    let mut first = run_samples(&dir, 1).spawn().unwrap();
    wait_until_streaming(&dir, &mut first);
    let second = output(run_samples(&dir, 2));
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(
        stderr(&second).contains(&format!("pid {}", first.id())),
        "{}",
        stderr(&second)
    );
    assert!(first.wait_with_output().unwrap().status.success());
    assert_one_complete_run_set(&dir, &[]);
    assert_eq!(seed_of(&snapshot(&dir)), 1);

    // Started together: whichever gets the lock writes; the other exits 2
    // (or runs after it); never a mixture.
    for _ in 0..2 {
        let a = run_samples(&dir, 1).spawn().unwrap();
        let b = run_samples(&dir, 2).spawn().unwrap();
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        for o in &outs {
            assert!(
                o.status.success()
                    || (o.status.code() == Some(2) && stderr(o).contains("in use by another cradle process")),
                "{:?}: {}",
                o.status,
                stderr(o)
            );
        }
        assert!(outs.iter().any(|o| o.status.success()));
        assert_one_complete_run_set(&dir, &[]);
    }
}

#[test]
fn a_run_killed_at_random_moments_leaves_one_complete_set() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("D");
    let start = Instant::now();
    assert!(output(run_samples(&dir, 1)).status.success());
    let typical = start.elapsed();
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(9);
    let kills = 8;
    for i in 0..kills {
        let seed = 2 - (i % 2) as u64;
        // Delays spread over the whole run (and a little past it).
        let fraction = (i as f64 + rng.random::<f64>()) / kills as f64 * 1.1;
        let mut child = run_samples(&dir, seed).spawn().unwrap();
        std::thread::sleep(typical.mul_f64(fraction));
        let _ = child.kill();
        child.wait().unwrap();
        if !commit_under_way(&dir) {
            // Killed before its set was decided (or after it landed): the
            // directory already holds one complete set, plus leftovers.
            let leftovers: Vec<String> = snapshot(&dir)
                .into_keys()
                .filter(|n| n.starts_with(STAGING_PREFIX) || n == LOCK_FILE || n.starts_with("compare"))
                .collect();
            let leftovers: Vec<&str> = leftovers.iter().map(String::as_str).collect();
            assert_one_complete_run_set(&dir, &leftovers);
        }
        // The next command in the directory finishes or discards what the
        // dead run left, and its own set lands beside the run's.
        let mut next = cradle();
        next.arg("compare")
            .arg(headline())
            .args(["-n", "2048", "-q", "-o"])
            .arg(&dir);
        let o = output(next);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_one_complete_run_set(&dir, &["compare.csv", "compare_diff.csv"]);
    }
}

/// Send `signal` (e.g. "INT") to `child` with kill(1).
#[cfg(unix)]
fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn sigint_and_sigterm_leave_the_previous_set_and_no_temporary_file() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("D");
    assert!(output(run_samples(&dir, 1)).status.success());
    let before = snapshot(&dir);
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let mut child = run_samples_n(&dir, 2, "1000000").spawn().unwrap();
        wait_until_streaming(&dir, &mut child);
        signal(&child, name);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(code), "SIG{name}: {}", stderr(&o));
        assert!(snapshot(&dir) == before, "SIG{name} changed {}", dir.display());
    }
    // A directory the interrupted run created is removed again.
    let fresh = root.path().join("new").join("E");
    let mut child = run_samples_n(&fresh, 2, "1000000").spawn().unwrap();
    wait_until_streaming(&fresh, &mut child);
    signal(&child, "TERM");
    assert_eq!(child.wait().unwrap().code(), Some(143));
    assert!(!root.path().join("new").exists());

    // A command busy computing (no file open yet, no observer to stop it)
    // is abandoned all the same.
    let mut c = cradle();
    c.arg("sensitivity")
        .arg(headline())
        .args(["--method", "sobol", "-n", "1048576", "-q", "-o"])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(STAGING_PREFIX))
    {
        assert!(Instant::now() < deadline, "no staging directory appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(
        snapshot(&dir) == before,
        "an interrupted sensitivity run changed the directory"
    );
}

#[test]
fn what_a_killed_run_left_is_removed_by_the_next_run() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("D");
    std::fs::create_dir(&dir).unwrap();
    // A dead process's staging directory, and an older version's temporary file.
    let dead = dir.join(format!("{STAGING_PREFIX}4000000-0"));
    std::fs::create_dir(&dead).unwrap();
    std::fs::write(dead.join("samples.csv"), "iteration\n0\n").unwrap();
    std::fs::write(dir.join(".samples.csv.tmp"), "iteration\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let mut c = cradle();
    c.arg("run").arg(headline()).args(["-n", "2000", "-q", "-o"]).arg(&dir);
    assert!(output(c).status.success());
    let mut names: Vec<String> = snapshot(&dir).into_keys().collect();
    names.sort();
    let mut want: Vec<String> = RUN_FILES
        .iter()
        .filter(|n| **n != "samples.csv")
        .map(|n| n.to_string())
        .chain(["notes.txt".to_string()])
        .collect();
    want.sort();
    assert_eq!(names, want);
}

#[test]
fn each_command_replaces_exactly_its_own_files() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("D");
    let run = |samples: bool| {
        let mut c = cradle();
        c.arg("run").arg(headline()).args(["-n", "3000", "-q", "-o"]).arg(&dir);
        if samples {
            c.arg("--samples");
        }
        let o = output(c);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let sensitivity = |method: &str| {
        let mut c = cradle();
        c.arg("sensitivity")
            .arg(headline())
            .args(["--method", method, "-n", "256", "--bootstrap", "20", "-q", "-o"])
            .arg(&dir);
        let o = output(c);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run(true);
    sensitivity("all");
    let names = |d: &Path| snapshot(d).into_keys().collect::<Vec<_>>();
    assert!(names(&dir).contains(&"samples.csv".to_string()));
    assert!(names(&dir).contains(&"sobol.csv".to_string()));

    // A run without --samples: samples.csv (of another run) goes; the
    // sensitivity files stay as they were.
    let sensitivity_files: BTreeMap<_, _> = snapshot(&dir)
        .into_iter()
        .filter(|(n, _)| !RUN_FILES.contains(&n.as_str()))
        .collect();
    run(false);
    let after = snapshot(&dir);
    assert!(!after.contains_key("samples.csv"));
    for (name, bytes) in &sensitivity_files {
        assert!(after.get(name) == Some(bytes), "{name} changed");
    }

    // Only tornado this time: the files of the methods that did not run go,
    // the run's files stay.
    let run_files: BTreeMap<_, _> = after
        .into_iter()
        .filter(|(n, _)| RUN_FILES.contains(&n.as_str()))
        .collect();
    sensitivity("tornado");
    let after = snapshot(&dir);
    let mut left: Vec<&str> = after
        .keys()
        .map(String::as_str)
        .filter(|n| !RUN_FILES.contains(n))
        .collect();
    left.sort();
    assert_eq!(left, ["sensitivity_run.csv", "tornado.csv"]);
    for (name, bytes) in &run_files {
        assert!(after.get(name) == Some(bytes), "{name} changed");
    }
}

#[test]
fn bad_arguments_leave_the_directory_untouched_and_create_none() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("D");
    let mut setup = cradle();
    setup
        .arg("run")
        .arg(headline())
        .args(["-n", "2000", "-q", "-o"])
        .arg(&dir);
    assert!(output(setup).status.success());
    let mut setup = cradle();
    setup
        .arg("sensitivity")
        .arg(headline())
        .args(["--method", "tornado", "-q", "-o"])
        .arg(&dir);
    assert!(output(setup).status.success());
    let before = snapshot(&dir);

    let fixed = common::write(
        root.path(),
        "fixed.toml",
        "[scenario]\nname = \"fixed\"\n[parameters]\na = 1\n[metrics]\ny = \"a * 2\"\n",
    );
    let mut wide = String::from("[scenario]\nname = \"wide\"\n[parameters]\n");
    for i in 0..600 {
        wide.push_str(&format!("p{i} = {{ dist = \"uniform\", min = 0, max = 1 }}\n"));
    }
    wide.push_str("[metrics]\ny = \"p0 + p1\"\n");
    let wide = common::write(root.path(), "wide.toml", &wide);
    let headline = headline();
    let headline = headline.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "sensitivity",
            headline,
            "--method",
            "all",
            "--levels",
            "3",
            "-n",
            "256",
            "--bootstrap",
            "20",
        ],
        vec!["sensitivity", headline, "--method", "prcc", "-n", "0"],
        vec!["sensitivity", headline, "--method", "morris", "--trajectories", "1"],
        vec!["sensitivity", fixed.to_str().unwrap(), "--method", "sobol"],
        vec!["sensitivity", wide.to_str().unwrap(), "--method", "sobol"],
        vec!["sensitivity", headline, "--method", "tornado", "--range", "95,5"],
        vec!["sensitivity", headline, "--method", "tornado", "--metric", "nope"],
        vec!["sensitivity", headline, "--method", "tornado", "--threads", "0"],
        vec!["run", headline, "-n", "0"],
        vec!["run", headline, "--threads", "0"],
        vec!["run", headline, "--precision", "2"],
        vec!["run", headline, "--precision", "0.01", "--metric", "nope"],
        vec!["compare", headline, headline, "-n", "0"],
    ];
    for args in cases {
        for out in [dir.clone(), root.path().join("new").join("deeper")] {
            let mut c = cradle();
            c.args(&args).arg("-q").arg("-o").arg(&out);
            let o = output(c);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
        }
        assert!(snapshot(&dir) == before, "{args:?} changed {}", dir.display());
        assert!(!root.path().join("new").exists(), "{args:?} left a new directory");
    }
}

#[test]
fn a_closed_stdout_ends_quietly_and_a_full_one_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help".to_string()],
        vec!["check".to_string(), headline().display().to_string()],
        vec![
            "run".to_string(),
            headline().display().to_string(),
            "-n".to_string(),
            "2000".to_string(),
            "-o".to_string(),
            root.path().join("D").display().to_string(),
        ],
    ] {
        // Closed before cradle writes a byte: `cradle check S | true`.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut c = cradle();
        c.args(&args).stdout(writer).stderr(Stdio::piped());
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");

        #[cfg(target_os = "linux")]
        {
            let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
            let mut c = cradle();
            c.args(&args).stdout(full).stderr(Stdio::piped());
            let o = c.output().unwrap();
            let text = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
            assert!(text.contains("error: cannot write to standard output: "), "{text}");
            assert_eq!(text.matches("os error").count(), 1, "{text}");
            assert!(!text.contains("panicked"), "{text}");
        }
    }
    // The run's files landed before the table failed to print.
    assert!(root.path().join("D").join("run.csv").exists());
}

#[test]
fn an_output_that_cannot_be_written_exits_2_naming_the_file_and_the_cause_once() {
    let root = tempfile::tempdir().unwrap();
    // The directory cannot be made.
    let blocker = common::write(root.path(), "file", "x");
    let mut c = cradle();
    c.arg("run")
        .arg(headline())
        .args(["-n", "2000", "-q", "-o"])
        .arg(blocker.join("sub"));
    let o = output(c);
    let text = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!("cannot write {}", blocker.join("sub").display())),
        "{text}"
    );
    assert_eq!(text.matches("os error").count(), 1, "{text}");

    // A directory stands where a file of the set goes: nothing of the old set changes.
    let dir = root.path().join("D");
    let mut c = cradle();
    c.arg("run").arg(headline()).args(["-n", "2000", "-q", "-o"]).arg(&dir);
    assert!(output(c).status.success());
    std::fs::remove_file(dir.join("quantiles.csv")).unwrap();
    std::fs::create_dir(dir.join("quantiles.csv")).unwrap();
    let before = snapshot(&dir);
    let mut c = cradle();
    c.arg("run")
        .arg(headline())
        .args(["-n", "3000", "--seed", "5", "-q", "-o"])
        .arg(&dir);
    let o = output(c);
    let text = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&dir.join("quantiles.csv").display().to_string()),
        "{text}"
    );
    assert!(snapshot(&dir) == before);
}

/// A 1 MiB tmpfs at `path` while alive (Linux, as root; `None` where the
/// system does not allow mounting).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(path: &Path) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(path.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_exits_2_for_every_file_and_keeps_the_old_set() {
    let root = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&root.path().join("disk")) else {
        eprintln!("skipped: cannot mount a small tmpfs here");
        return;
    };
    let dir = disk.0.join("D");
    let mut c = cradle();
    c.arg("run").arg(headline()).args(["-n", "2000", "-q", "-o"]).arg(&dir);
    assert!(output(c).status.success());
    let before = snapshot(&dir);

    // samples.csv fills the disk while it streams.
    let mut c = cradle();
    c.arg("run")
        .arg(headline())
        .args(["-n", "20000", "--samples", "-q", "-o"])
        .arg(&dir);
    let o = output(c);
    let text = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains(&dir.join("samples.csv").display().to_string()), "{text}");
    assert_eq!(text.matches("os error").count(), 1, "{text}");
    assert!(snapshot(&dir) == before);

    // A disk with almost no room left: whichever small file fails, the same rule.
    let filler = disk.0.join("filler");
    let room = 12 * 1024;
    let free = {
        let mut f = std::fs::File::create(&filler).unwrap();
        let mut written = 0usize;
        let block = vec![b'x'; 4096];
        while std::io::Write::write_all(&mut f, &block).is_ok() {
            written += block.len();
        }
        drop(f);
        written
    };
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(free.saturating_sub(room) as u64)
        .unwrap();
    let mut c = cradle();
    c.arg("run").arg(headline()).args(["-n", "2000", "-q", "-o"]).arg(&dir);
    let o = output(c);
    let text = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains(&dir.display().to_string()), "{text}");
    assert_eq!(text.matches("os error").count(), 1, "{text}");
    assert!(snapshot(&dir) == before);
    drop(disk);
}

#[test]
fn every_csv_has_its_header_even_with_no_rows() {
    // Ishigami has no domains: breakdown.csv has no rows.
    let root = tempfile::tempdir().unwrap();
    let ishigami = common::repo("scenarios/validation/ishigami.toml");
    let mut c = cradle();
    c.arg("run")
        .arg(&ishigami)
        .args(["-n", "2000", "-q", "-o"])
        .arg(root.path());
    let o = output(c);
    assert!(o.status.success(), "{}", stderr(&o));
    let breakdown = std::fs::read_to_string(root.path().join("breakdown.csv")).unwrap();
    assert_eq!(breakdown, "domain,payer,mean,p2_5,p50,p97_5,share_of_value\n");
    let mut c = cradle();
    c.arg("sensitivity")
        .arg(&ishigami)
        .args(["--method", "all", "-n", "256", "--bootstrap", "20", "-q", "-o"])
        .arg(root.path());
    let o = output(c);
    assert!(o.status.success(), "{}", stderr(&o));
    for (name, bytes) in snapshot(root.path()) {
        let text = String::from_utf8(bytes).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert!(
            !first.is_empty()
                && first
                    .split(',')
                    .all(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
            "{name} starts with '{first}', not a header"
        );
    }
}
