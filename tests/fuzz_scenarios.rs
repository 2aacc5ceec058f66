//! The mutation fuzzer (issue 9, "Fuzzing, as a test that stays"). Every
//! shipped scenario in `scenarios/` is mutated deterministically from a
//! fixed seed (`mutation::Kind`: line deletions and duplications, byte
//! flips, numbers replaced by 0, −1, ±1e308, 1e-320, nan, inf and huge
//! integers, long strings, deep nesting, invalid UTF-8, truncation, values
//! of another type). A variant is mutated in a copy of `scenarios/`, so its
//! `extends` finds its (unmutated) parent.
//!
//! Each case runs in-process through what the commands do: load, check
//! (`Model::new`, the base case), a short run (2,048 iterations, one
//! thread, the sampler cycling through mc, lhs and sobol) and, for a file
//! that gets that far, every sensitivity method at its smallest sizes
//! (tornado, Sobol with N = 64, PRCC with k + 35 iterations, Morris with 2
//! trajectories; switching values on every 29th case, see
//! [`THRESHOLD_EVERY`]). The promise checked:
//!
//! - no panic (each case runs under `catch_unwind`; a stack overflow or an
//!   abort would end the test binary, which fails it too) and no hang (a
//!   watchdog names a case still running after a minute and ends the test);
//! - rejected input gives a bad-input error (exit code 2) whose message
//!   names the mutated file (or the file it extends, when the problem is
//!   found there), in at most 16 KiB, and says it found a NaN or an
//!   infinity only where the file has one;
//! - accepted input gives finite statistics, or non-finite values that are
//!   counted: every output's finite and non-finite counts add up to the
//!   iterations, the run's count of non-finite iterations matches its
//!   metrics', percentiles are finite, ordered and within [min, max], and a
//!   mean, sd or interval that overflowed is named in a warning;
//! - sensitivity results are in range where they have one (a tornado's low
//!   input at most its high input, |PRCC| ≤ 1, p-values and switching-value
//!   quantiles in [0, 1], Morris μ* and σ ≥ 0); a method that cannot run
//!   returns a bad-input error.
//!
//! A sample of the cases (200 by default) also runs through the binary
//! (`check` or `run`): exit 2 with a message naming the file exactly when
//! the library rejects the file, 0 otherwise.
//!
//! `cargo test --release --test fuzz_scenarios -- --nocapture` prints the
//! counts. Environment variables: `CRADLE_FUZZ_CASES` (default 10,000),
//! `CRADLE_FUZZ_SEED`, `CRADLE_FUZZ_BINARY_CASES` (default 200) and
//! `CRADLE_FUZZ_CASE=i` (just case i, to reproduce a failure: its mutated
//! file is written beside copies of its parents, and the path printed, as
//! for every failure) and `CRADLE_FUZZ_VERBOSE` (print every rejection).

mod common;
mod mutation;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cradle::engine::{self, RunConfig, RunResult, Silent};
use cradle::sampling::Sampler;
use cradle::sensitivity::{self, Method, SensitivityConfig, SensitivityResult, prcc};
use cradle::stats::summarise;
use cradle::{Error, Model, Scenario};

use mutation::{KINDS, Kind, Rng, mutate};

/// The seed of the mutations unless `CRADLE_FUZZ_SEED` is set.
const SEED: u64 = 20_260_209;
/// Iterations of each case's run.
const RUN_ITERATIONS: u64 = 2048;
/// The run's sampler cycles through these, case by case.
const SAMPLERS: [Sampler; 3] = [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol];
/// Every sensitivity method, run one at a time.
const METHODS: [Method; 5] = [
    Method::Tornado,
    Method::Threshold,
    Method::Sobol,
    Method::Prcc,
    Method::Morris,
];
/// Switching values run on every 29th case only: they evaluate the model
/// about 460 times per uncertain input and target, one point at a time
/// (about 125 ms a case on the headline), and on every case would take
/// 90% of the fuzzer's time. 29 is prime to the 25 sources × 15 kinds × 3
/// samplers, so every combination still gets them.
const THRESHOLD_EVERY: u64 = 29;
/// The longest error message accepted (a value is echoed clipped).
const MAX_MESSAGE: usize = 16 * 1024;

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got '{v}'")),
        Err(_) => default,
    }
}

/// A shipped scenario file: its path under `scenarios/` and its bytes.
struct Source {
    rel: PathBuf,
    bytes: Vec<u8>,
}

fn toml_files(root: &Path, dir: &Path, out: &mut Vec<Source>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(Source {
                rel: path.strip_prefix(root).unwrap().to_path_buf(),
                bytes: std::fs::read(&path).unwrap(),
            });
        }
    }
}

/// Every scenario in `scenarios/`, in a fixed order.
fn sources() -> Vec<Source> {
    let root = common::repo("scenarios");
    let mut out = Vec::new();
    toml_files(&root, &root, &mut out);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    assert!(out.len() >= 25, "{} scenario files", out.len());
    out
}

/// A copy of `scenarios/` in `dir`, where cases are written.
fn copy_sources(sources: &[Source], dir: &Path) {
    for s in sources {
        let path = dir.join(&s.rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &s.bytes).unwrap();
    }
}

/// One mutated file. Case i mutates source i mod S with kind ⌊i/S⌋ mod K,
/// so every pair of source and kind comes round every S·K cases.
struct Case {
    index: u64,
    source: usize,
    kind: Kind,
    sampler: Sampler,
    bytes: Vec<u8>,
}

impl Case {
    fn new(seed: u64, index: u64, sources: &[Source]) -> Case {
        let s = sources.len() as u64;
        let source = (index % s) as usize;
        let kind = KINDS[((index / s) % KINDS.len() as u64) as usize];
        let mut rng = Rng::new(seed, index);
        Case {
            index,
            source,
            kind,
            sampler: SAMPLERS[(index % SAMPLERS.len() as u64) as usize],
            bytes: mutate(&sources[source].bytes, kind, &mut rng),
        }
    }

    /// Write the case into a fresh copy of `scenarios/` under the target
    /// directory, for a failure message; returns the mutated file's path.
    fn reproducer(&self, sources: &[Source]) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fuzz_scenarios")
            .join(format!("case-{}", self.index));
        let _ = std::fs::remove_dir_all(&dir);
        copy_sources(sources, &dir);
        let path = dir.join(&sources[self.source].rel);
        std::fs::write(&path, &self.bytes).unwrap();
        path
    }
}

/// How far a case got: rejected at one stage, or accepted (loaded,
/// checked and run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Load,
    Check,
    Run,
    Accepted,
}

/// What a case did, when it kept the promise.
struct Outcome {
    stage: Stage,
    /// The rejection named only a file the mutated one extends.
    parent_named: bool,
    /// The run had non-finite iterations (counted).
    nonfinite: bool,
    /// Sensitivity methods that ran / that returned a bad-input error.
    methods_run: u32,
    methods_failed: u32,
    elapsed: Duration,
}

/// A rejection keeps the promise if it is bad input (exit 2), names the
/// mutated file or one under `dir` (its parents), is not huge, and says it
/// found a NaN or an infinity only where the file has one. Returns whether
/// only a parent was named.
fn check_rejection(err: &Error, case: &Case, path: &Path, dir: &Path, stage: &str) -> Result<bool, String> {
    let report = err.report();
    let clipped: String = report.chars().take(2000).collect();
    if !err.is_bad_input() {
        return Err(format!(
            "{stage}: an error that is not bad input (exit 1, not 2): {clipped}"
        ));
    }
    if report.len() > MAX_MESSAGE {
        return Err(format!(
            "{stage}: a message of {} bytes (at most {MAX_MESSAGE}): {clipped}",
            report.len()
        ));
    }
    let text = String::from_utf8_lossy(&case.bytes).to_lowercase();
    for (found, written) in [("found NaN", "nan"), ("found inf", "inf"), ("found -inf", "inf")] {
        if report.contains(found) && !text.contains(written) {
            return Err(format!(
                "{stage}: the message says '{found}', but the file has no {written}: {clipped}"
            ));
        }
    }
    if report.contains(&path.display().to_string()) {
        Ok(false)
    } else if report.contains(&dir.display().to_string()) {
        Ok(true)
    } else {
        Err(format!("{stage}: the message names no scenario file: {clipped}"))
    }
}

/// Finite statistics, or non-finite values that are counted.
fn check_run(model: &Model, r: &RunResult) -> Result<(), String> {
    let n = RUN_ITERATIONS;
    if r.iterations != n {
        return Err(format!("run: {} iterations, asked {n}", r.iterations));
    }
    let mut metric_nonfinite = 0;
    for (i, (output, stats)) in model.outputs.iter().zip(&r.outputs).enumerate() {
        let m = &stats.moments;
        let name = &output.name;
        if m.n + m.nonfinite != n {
            return Err(format!(
                "run: {name}: {} finite + {} non-finite values, not {n}",
                m.n, m.nonfinite
            ));
        }
        if i < model.n_metrics {
            metric_nonfinite = metric_nonfinite.max(m.nonfinite);
        }
        if m.n == 0 {
            continue;
        }
        if !(m.min.is_finite() && m.max.is_finite() && m.min <= m.max) {
            return Err(format!("run: {name}: min {} and max {}", m.min, m.max));
        }
        let row = summarise(stats, output.claim);
        let mut previous = m.min;
        for p in row.percentiles {
            if !(p.is_finite() && previous <= p && p <= m.max) {
                return Err(format!(
                    "run: {name}: percentiles {:?} not finite, ordered and within [{}, {}]",
                    row.percentiles, m.min, m.max
                ));
            }
            previous = p;
        }
        let slack = 1e-9 * m.min.abs().max(m.max.abs());
        if !(row.mean.is_finite() && m.min - slack <= row.mean && row.mean <= m.max + slack) {
            return Err(format!(
                "run: {name}: mean {} of finite values in [{}, {}]",
                row.mean, m.min, m.max
            ));
        }
        if i < model.n_metrics && m.n >= 2 {
            let named = [
                ("sd", row.sd),
                ("mc_se", row.mc_se),
                ("mean_ci_low", row.mean_ci_low),
                ("mean_ci_high", row.mean_ci_high),
            ];
            for (statistic, value) in named {
                let warned = r
                    .warnings
                    .iter()
                    .any(|w| w.starts_with(name.as_str()) && w.contains(statistic));
                if !value.is_finite() && !warned {
                    return Err(format!(
                        "run: {name}: {statistic} = {value} with no warning naming it (warnings: {:?})",
                        r.warnings
                    ));
                }
            }
        }
    }
    let counted = r.nonfinite_iterations;
    if counted < metric_nonfinite || counted > n || (counted == 0) != (metric_nonfinite == 0) {
        return Err(format!(
            "run: {counted} non-finite iterations counted, but a metric has {metric_nonfinite} non-finite values"
        ));
    }
    Ok(())
}

/// Numbers in range where they have one.
fn check_sensitivity(method: Method, r: &SensitivityResult) -> Result<(), String> {
    let fail = |what: String| Err(format!("sensitivity {}: {what}", method.name()));
    for row in r.tornado.iter().flatten() {
        // NaN counts as out of order: a valid law has no NaN quantile.
        if row.low_input.is_nan() || row.high_input.is_nan() || row.low_input > row.high_input {
            return fail(format!(
                "{}: low input {} above high input {}",
                row.parameter, row.low_input, row.high_input
            ));
        }
    }
    for row in r.threshold.iter().flatten() {
        if let Some(q) = row.quantile_of_switching_value
            && !(0.0..=1.0).contains(&q)
        {
            return fail(format!("{}: switching value at quantile {q}", row.parameter));
        }
    }
    if let Some((rows, _, _)) = &r.prcc {
        for row in rows {
            let in_range = |x: f64| x.is_nan() || (-1.0..=1.0).contains(&x);
            if !(in_range(row.prcc) && (row.p_value.is_nan() || (0.0..=1.0).contains(&row.p_value))) {
                return fail(format!("{}: PRCC {} (p = {})", row.parameter, row.prcc, row.p_value));
            }
        }
    }
    for row in r.morris.iter().flatten() {
        if row.mu_star < 0.0 || row.sigma < 0.0 {
            return fail(format!("{}: μ* {} σ {}", row.parameter, row.mu_star, row.sigma));
        }
    }
    Ok(())
}

fn sensitivity_config(method: Method, model: &Model, seed: u64) -> SensitivityConfig {
    let k = sensitivity::single_factors(model).len();
    SensitivityConfig {
        method,
        metrics: Vec::new(),
        samples: match method {
            Method::Sobol => Some(64),
            Method::Prcc => Some(prcc::min_iterations(k) + 32),
            _ => None,
        },
        seed,
        range: (5.0, 95.0),
        second_order: method == Method::Sobol && seed % 2 == 1,
        bootstrap: 20,
        trajectories: 2,
        levels: 4,
    }
}

/// With `CRADLE_FUZZ_VERBOSE` set, print each rejection (its first 300
/// characters), to read what users would see.
fn show(case: &Case, stage: &str, err: &Error) {
    if std::env::var_os("CRADLE_FUZZ_VERBOSE").is_some() {
        let report: String = err.report().chars().take(300).collect();
        eprintln!("case {} ({}) {stage}: {report}", case.index, case.kind.name());
    }
}

/// Load, check, run and (if all that succeeded and `sensitivity` is set)
/// every sensitivity method.
fn exercise(
    case: &Case,
    path: &Path,
    dir: &Path,
    pool: &rayon::ThreadPool,
    with_sensitivity: bool,
) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut outcome = Outcome {
        stage: Stage::Load,
        parent_named: false,
        nonfinite: false,
        methods_run: 0,
        methods_failed: 0,
        elapsed: Duration::ZERO,
    };
    let scenario = match Scenario::load(path) {
        Ok(s) => s,
        Err(e) => {
            outcome.parent_named = check_rejection(&e, case, path, dir, "load")?;
            show(case, "load", &e);
            outcome.elapsed = start.elapsed();
            return Ok(outcome);
        }
    };
    let model = match Model::new(&scenario) {
        Ok(m) => m,
        Err(e) => {
            outcome.stage = Stage::Check;
            outcome.parent_named = check_rejection(&e, case, path, dir, "check")?;
            show(case, "check", &e);
            outcome.elapsed = start.elapsed();
            return Ok(outcome);
        }
    };
    if !model.base_case().iter().all(|v| v.is_finite()) {
        return Err("check: Model::new accepted a non-finite base case".into());
    }
    let config = RunConfig {
        iterations: RUN_ITERATIONS,
        seed: case.index,
        threads: Some(1),
        keep_samples: false,
        sampler: case.sampler,
        precision: None,
    };
    match engine::run_on(&model, &config, pool, &mut Silent) {
        Ok(r) => {
            check_run(&model, &r)?;
            outcome.nonfinite = r.nonfinite_iterations > 0;
        }
        Err(e) => {
            outcome.stage = Stage::Run;
            if !e.is_bad_input() {
                return Err(format!("run: an error that is not bad input: {}", e.report()));
            }
            show(case, "run", &e);
            outcome.elapsed = start.elapsed();
            return Ok(outcome);
        }
    }
    outcome.stage = Stage::Accepted;
    if !with_sensitivity {
        outcome.elapsed = start.elapsed();
        return Ok(outcome);
    }
    for method in METHODS {
        if method == Method::Threshold && !case.index.is_multiple_of(THRESHOLD_EVERY) {
            continue;
        }
        let config = sensitivity_config(method, &model, case.index);
        outcome.methods_run += 1;
        match sensitivity::analyse(&scenario, &model, &config, pool) {
            Ok(r) => check_sensitivity(method, &r)?,
            Err(e) if e.is_bad_input() => {
                show(case, method.name(), &e);
                outcome.methods_failed += 1;
            }
            Err(e) => {
                return Err(format!(
                    "sensitivity {}: an error that is not bad input: {}",
                    method.name(),
                    e.report()
                ));
            }
        }
    }
    outcome.elapsed = start.elapsed();
    Ok(outcome)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Counts per mutation kind.
#[derive(Default, Clone)]
struct Tally {
    cases: u64,
    load: u64,
    check: u64,
    run: u64,
    accepted: u64,
    nonfinite: u64,
    parent_named: u64,
    methods_run: u64,
    methods_failed: u64,
    /// Time spent on these cases (on one worker each).
    elapsed: Duration,
}

impl Tally {
    fn add(&mut self, o: &Outcome) {
        self.cases += 1;
        match o.stage {
            Stage::Load => self.load += 1,
            Stage::Check => self.check += 1,
            Stage::Run => self.run += 1,
            Stage::Accepted => self.accepted += 1,
        }
        self.nonfinite += u64::from(o.nonfinite);
        self.parent_named += u64::from(o.parent_named);
        self.methods_run += u64::from(o.methods_run);
        self.methods_failed += u64::from(o.methods_failed);
        self.elapsed += o.elapsed;
    }

    fn row(&self, name: &str) -> String {
        format!(
            "{name:<24} {:>7} {:>7} {:>7} {:>5} {:>8} {:>9} {:>7} {:>13} {:>7.1}",
            self.cases,
            self.load,
            self.check,
            self.run,
            self.accepted,
            self.nonfinite,
            self.parent_named,
            format!("{}/{}", self.methods_failed, self.methods_run),
            self.elapsed.as_secs_f64(),
        )
    }
}

/// The longest a case may take (on a loaded machine; most take
/// milliseconds). A case still running then has hung: the watchdog names it
/// and ends the test binary, since a thread cannot be stopped.
const CASE_LIMIT: Duration = Duration::from_secs(60);

/// Run the cases `indices` from `seed` on every core; returns the outcome
/// of each (or its failure), in case order.
fn fuzz(sources: &[Source], seed: u64, indices: &[u64]) -> Vec<(u64, Kind, Result<Outcome, String>)> {
    let workers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .min(indices.len())
        .max(1);
    let next = AtomicU64::new(0);
    let results = Mutex::new(Vec::with_capacity(indices.len()));
    // The case each worker is on, and since when.
    let running: Mutex<Vec<Option<(u64, Instant)>>> = Mutex::new(vec![None; workers]);
    let finished = AtomicU64::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            while finished.load(Ordering::Relaxed) < workers as u64 {
                std::thread::sleep(Duration::from_millis(200));
                let stuck = running
                    .lock()
                    .unwrap()
                    .iter()
                    .flatten()
                    .find(|(_, since)| since.elapsed() > CASE_LIMIT)
                    .map(|(index, _)| *index);
                if let Some(index) = stuck {
                    let case = Case::new(seed, index, sources);
                    eprintln!(
                        "case {index} ({} of {}, sampler {}) has run for over {} s: a hang\n  mutated file: {}\n  reproduce: CRADLE_FUZZ_CASE={index} CRADLE_FUZZ_SEED={seed} cargo test --release --test fuzz_scenarios",
                        case.kind.name(),
                        sources[case.source].rel.display(),
                        case.sampler.name(),
                        CASE_LIMIT.as_secs(),
                        case.reproducer(sources).display(),
                    );
                    std::process::exit(101);
                }
            }
        });
        for worker in 0..workers {
            let (next, results, running, finished) = (&next, &results, &running, &finished);
            s.spawn(move || {
                let dir = tempfile::tempdir().unwrap();
                copy_sources(sources, dir.path());
                let pool = engine::thread_pool(Some(1)).unwrap();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let Some(&index) = indices.get(k) else { break };
                    running.lock().unwrap()[worker] = Some((index, Instant::now()));
                    let case = Case::new(seed, index, sources);
                    let source = &sources[case.source];
                    let path = dir.path().join(&source.rel);
                    std::fs::write(&path, &case.bytes).unwrap();
                    let result = catch_unwind(AssertUnwindSafe(|| exercise(&case, &path, dir.path(), &pool, true)))
                        .unwrap_or_else(|payload| Err(format!("panicked: {}", panic_message(payload.as_ref()))));
                    std::fs::write(&path, &source.bytes).unwrap();
                    running.lock().unwrap()[worker] = None;
                    let result = result.map_err(|why| {
                        format!(
                            "case {index} ({} of {}, sampler {}): {why}\n  mutated file: {}\n  reproduce: CRADLE_FUZZ_CASE={index} CRADLE_FUZZ_SEED={seed} cargo test --release --test fuzz_scenarios",
                            case.kind.name(),
                            source.rel.display(),
                            case.sampler.name(),
                            case.reproducer(sources).display(),
                        )
                    });
                    results.lock().unwrap().push((index, case.kind, result));
                }
                finished.fetch_add(1, Ordering::Relaxed);
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    results
}

fn case_indices(cases: u64) -> Vec<u64> {
    match std::env::var("CRADLE_FUZZ_CASE") {
        Ok(i) => vec![i.parse().expect("CRADLE_FUZZ_CASE is a case number")],
        Err(_) => (0..cases).collect(),
    }
}

#[test]
fn mutated_scenarios_never_panic_and_fail_cleanly() {
    let sources = sources();
    let seed = env_u64("CRADLE_FUZZ_SEED", SEED);
    let indices = case_indices(env_u64("CRADLE_FUZZ_CASES", 10_000));
    if let [index] = indices[..] {
        let case = Case::new(seed, index, &sources);
        println!("case {index}: {}", case.reproducer(&sources).display());
    }
    let start = Instant::now();
    let results = fuzz(&sources, seed, &indices);
    let elapsed = start.elapsed();

    let mut by_kind = vec![Tally::default(); KINDS.len()];
    let mut total = Tally::default();
    let mut failures = Vec::new();
    let mut slowest: Vec<(Duration, u64, Kind)> = Vec::new();
    for (index, kind, result) in &results {
        match result {
            Ok(o) => {
                by_kind[KINDS.iter().position(|k| k == kind).unwrap()].add(o);
                total.add(o);
                slowest.push((o.elapsed, *index, *kind));
            }
            Err(why) => failures.push(why.clone()),
        }
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!(
        "{} cases from {} scenarios, seed {seed}, in {:.1} s\n",
        results.len(),
        sources.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "{:<24} {:>7} {:>7} {:>7} {:>5} {:>8} {:>9} {:>7} {:>13} {:>7}",
        "mutation", "cases", "load", "check", "run", "accepted", "nonfinite", "parent", "sens. errors", "time s"
    );
    for (kind, tally) in KINDS.iter().zip(&by_kind) {
        println!("{}", tally.row(kind.name()));
    }
    println!("{}", total.row("total"));
    println!("\nslowest cases:");
    for (t, index, kind) in slowest.iter().take(5) {
        println!("  case {index} ({}): {:.0} ms", kind.name(), t.as_secs_f64() * 1e3);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases broke the promise:\n{}",
        failures.len(),
        results.len(),
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The binary on a sample of the cases: `check` (even cases) or `run`
/// (odd cases, 2,048 iterations, the case's sampler and seed), which must
/// exit 2 with a message naming the file when the library rejects the file
/// (at load or check; at run, for `run`), and 0 otherwise. Never a panic
/// (101) or a signal.
#[test]
fn a_sample_through_the_binary_exits_2_naming_the_file_or_0() {
    let sources = sources();
    let seed = env_u64("CRADLE_FUZZ_SEED", SEED);
    let total = env_u64("CRADLE_FUZZ_CASES", 10_000).max(1);
    let sample = env_u64("CRADLE_FUZZ_BINARY_CASES", 200);
    let indices: Vec<u64> = match std::env::var("CRADLE_FUZZ_CASE") {
        Ok(i) => vec![i.parse().expect("CRADLE_FUZZ_CASE is a case number")],
        Err(_) => {
            let mut rng = Rng::new(seed, u64::MAX);
            (0..sample).map(|_| rng.below(total as usize) as u64).collect()
        }
    };
    let dir = tempfile::tempdir().unwrap();
    copy_sources(&sources, dir.path());
    let out = tempfile::tempdir().unwrap();
    let pool = engine::thread_pool(Some(1)).unwrap();
    let mut failures = Vec::new();
    let (mut rejected, mut accepted) = (0, 0);
    for index in indices {
        let case = Case::new(seed, index, &sources);
        let source = &sources[case.source];
        let path = dir.path().join(&source.rel);
        std::fs::write(&path, &case.bytes).unwrap();
        let run = index % 2 == 1;
        let stage = catch_unwind(AssertUnwindSafe(|| exercise(&case, &path, dir.path(), &pool, false)))
            .ok()
            .and_then(Result::ok)
            .map(|o| o.stage);
        let expected = match stage {
            Some(Stage::Load | Stage::Check) => 2,
            Some(Stage::Run) if run => 2,
            Some(_) => 0,
            None => {
                // The in-process test reports this case.
                std::fs::write(&path, &source.bytes).unwrap();
                continue;
            }
        };
        let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_cradle"));
        command.timeout(Duration::from_secs(120));
        if run {
            command.args(["run".as_ref(), path.as_os_str()]).args([
                "-n",
                &RUN_ITERATIONS.to_string(),
                "--seed",
                &index.to_string(),
                "--threads",
                "1",
                "--sampler",
                case.sampler.name(),
                "-q",
                "-o",
            ]);
            command.arg(out.path().join(format!("case-{index}")));
        } else {
            command.args(["check".as_ref(), path.as_os_str()]);
        }
        let output = command.output().unwrap();
        std::fs::write(&path, &source.bytes).unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let code = output.status.code();
        let problem = if code != Some(expected) {
            Some(format!("exit {code:?}, expected {expected}"))
        } else if expected == 2 && stage != Some(Stage::Run) && !stderr.contains(&dir.path().display().to_string()) {
            Some("the message names no scenario file".to_string())
        } else if stderr.contains("panicked") || stderr.len() > MAX_MESSAGE {
            Some(format!("{} bytes on stderr", stderr.len()))
        } else {
            None
        };
        if expected == 2 {
            rejected += 1;
        } else {
            accepted += 1;
        }
        if let Some(problem) = problem {
            let clipped: String = stderr.chars().take(2000).collect();
            failures.push(format!(
                "case {index} ({} of {}, cradle {}): {problem}\n  stderr: {clipped}\n  mutated file: {}",
                case.kind.name(),
                source.rel.display(),
                if run { "run" } else { "check" },
                case.reproducer(&sources).display()
            ));
        }
    }
    println!(
        "binary: {} cases, {rejected} exit 2, {accepted} exit 0",
        rejected + accepted
    );
    assert!(
        failures.is_empty(),
        "{} cases broke the promise through the binary:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// What the fuzzer found, each as a small hand-written scenario, so that it
// stays a test when the shipped scenarios (and so the cases) change. Each
// failed before its fix.

/// A scenario with one domain whose annual cost is `cost`, discounted at
/// `health` (the `[discounting] health` value, as TOML).
fn domain_scenario(cost: &str, health: &str) -> String {
    format!(
        "[discounting]\nhealth = {health}\n[parameters]\nuplift = {{ dist = \"uniform\", min = 0.1, max = 0.3 }}\nspread = {{ dist = \"uniform\", min = 0, max = 1 }}\n[[domain]]\nname = \"care\"\neffect = \"uplift\"\nannual_cost = {cost}\nages = [0, 3]\ndiscount = \"health\"\n[programme]\nreach = 100\ncost_per_family = 1000\n"
    )
}

fn load_error(text: &str) -> (PathBuf, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "s.toml", text);
    let err = Scenario::load(&path)
        .and_then(|s| Model::new(&s).map(|_| ()))
        .expect_err("the scenario is rejected");
    assert!(err.is_bad_input(), "{}", err.report());
    (path, err.report(), dir)
}

/// `extends` with a megabyte-long name: the message echoed the whole path
/// it looked for (1 MB on stderr).
#[test]
fn a_long_extends_is_clipped_in_the_message() {
    let text = format!("[scenario]\nextends = \"{}\"\n", "x".repeat(1_000_000));
    let (path, report, _dir) = load_error(&text);
    assert!(
        report.contains(&path.display().to_string()) && report.contains("does not exist"),
        "{report}"
    );
    assert!(report.len() < 1000, "{} bytes", report.len());
}

/// A 100,000-character name in `[[correlation]]` or `[[group]]`: the
/// "unknown parameter" message echoed it whole.
#[test]
fn a_long_name_in_a_correlation_or_group_is_clipped() {
    let long = "y".repeat(100_000);
    let base = domain_scenario("75000", "0.015");
    for extra in [
        format!("[[correlation]]\nparameters = [\"uplift\", \"{long}\"]\nrank = 0.5\n"),
        format!("[[group]]\nname = \"{long}\"\nparameters = [\"uplift\", \"{long}\"]\n"),
    ] {
        let (_, report, _dir) = load_error(&format!("{base}{extra}"));
        assert!(report.contains("unknown parameter"), "{report}");
        assert!(report.len() < 2000, "{} bytes", report.len());
    }
}

/// An integer literal beyond 64 bits was read as NaN: "expected a finite
/// number, found NaN" for a number the user wrote in full.
#[test]
fn an_integer_beyond_64_bits_is_named_not_called_nan() {
    for (cost, ages) in [
        ("99999999999999999999", "[0, 3]"),
        ("75000", "[0, 18446744073709551615]"),
    ] {
        let text = domain_scenario(cost, "0.015").replace("ages = [0, 3]", &format!("ages = {ages}"));
        let (_, report, _dir) = load_error(&text);
        assert!(!report.contains("NaN"), "{report}");
        assert!(report.contains("beyond TOML's 64-bit range"), "{report}");
    }
}

/// A discount rate of −1 (or less) made the domain's sum non-finite, and
/// the message blamed the domain's growth and fade.
#[test]
fn a_discount_rate_of_minus_one_is_named_as_the_cause() {
    for rate in ["-1", "-1.5", "\"spread - 1.5\""] {
        let (_, report, _dir) = load_error(&domain_scenario("75000", rate));
        assert!(
            report.contains("discounting.health") && report.contains("above −1"),
            "{rate}: {report}"
        );
        assert!(!report.contains("growth and fade"), "{rate}: {report}");
    }
}

/// A discrete input whose values are written out of order: its quantile
/// followed the written order, so the tornado's "low" input (the 5th
/// percentile) lay above its "high" one, and LHS strata, rank correlations
/// and the Sobol and Morris designs read it the same wrong way.
#[test]
fn a_discrete_input_written_out_of_order_swings_from_its_smallest_value() {
    let text =
        "[parameters]\nk = { dist = \"discrete\", values = [3, 1, 2], weights = [1, 1, 2] }\n[metrics]\ny = \"k\"\n";
    let dir = tempfile::tempdir().unwrap();
    let scenario = Scenario::load(common::write(dir.path(), "s.toml", text)).unwrap();
    let model = Model::new(&scenario).unwrap();
    let pool = engine::thread_pool(Some(1)).unwrap();
    let config = sensitivity_config(Method::Tornado, &model, 1);
    let result = sensitivity::analyse(&scenario, &model, &config, &pool).unwrap();
    let row = &result.tornado.unwrap()[0];
    assert_eq!((row.low_input, row.high_input), (1.0, 3.0), "{row:?}");
}

/// A uniform on a subnormal range (max − min = 5e-324, which halving
/// rounds to 0): its CDF was 0/0 = NaN, so switching values sat at
/// quantile NaN.
#[test]
fn a_uniform_on_a_subnormal_range_has_switching_values_at_real_quantiles() {
    let text = "[parameters]\nx = { dist = \"uniform\", min = 0, max = 5e-324 }\nz = { dist = \"uniform\", min = -1, max = 1 }\n[metrics]\ny = \"x + z\"\n";
    let dir = tempfile::tempdir().unwrap();
    let scenario = Scenario::load(common::write(dir.path(), "s.toml", text)).unwrap();
    let model = Model::new(&scenario).unwrap();
    let pool = engine::thread_pool(Some(1)).unwrap();
    let config = sensitivity_config(Method::Threshold, &model, 1);
    let result = sensitivity::analyse(&scenario, &model, &config, &pool).unwrap();
    let rows = result.threshold.unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        if let Some(q) = row.quantile_of_switching_value {
            assert!((0.0..=1.0).contains(&q), "{row:?}");
        }
    }
}
