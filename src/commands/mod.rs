//! One file per command. Each turns its clap arguments into a library
//! configuration, calls the library's function for that analysis on a thread
//! pool it builds the same way ([`pool`]), writes the output files as one
//! output set ([`open_set`]) and shows the result. No command computes
//! anything itself.

pub mod check;
pub mod compare;
pub mod merge;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod slurm;
pub mod voi;

use std::path::{Path, PathBuf};

use anyhow::Context;

use cradle::Error;
use cradle::Scenario;
use cradle::chunk::CHUNK_SIZE;
use cradle::output::OutputSet;
use cradle::sampling::Sampler;
use cradle::shard::{Execution, Header, Kind, MAX_ITERATIONS, ScenarioRecord, Shard};

use crate::cli::ShardArgs;

/// Load a scenario, naming the file in the error.
pub fn load(path: &Path) -> anyhow::Result<Scenario> {
    Scenario::load(path).with_context(|| format!("loading scenario {}", path.display()))
}

/// Show the notes of loading a scenario (`note: ...` on stderr), unless `quiet`.
pub fn show_notes(scenario: &Scenario, quiet: bool) {
    if !quiet {
        for note in &scenario.notes {
            crate::terminal::note(note);
        }
    }
}

/// The default output directory of a scenario: out/<file stem>/.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("out").join(stem)
}

/// The worker pool every command runs on (`--threads`, default all cores).
pub fn pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    Ok(cradle::engine::thread_pool(threads)?)
}

/// Open the command's output set in `dir` (`names`: every file the command
/// can write), before any work: the directory is created if need be,
/// locked, and checked writable; a signal from now on abandons the set.
pub fn open_set(dir: &Path, names: &[&str]) -> anyhow::Result<OutputSet> {
    let set = OutputSet::open(dir, names).context("preparing the output directory")?;
    crate::interrupt::watch(&set);
    Ok(set)
}

/// The shard to run and its state file, from `--shard I/N|auto`,
/// `--shards` and `--state` (`None` without `--shard`).
pub fn shard_of(args: &ShardArgs) -> anyhow::Result<Option<(Shard, PathBuf)>> {
    let (Some(spec), Some(state)) = (&args.shard, &args.state) else {
        return Ok(None);
    };
    let shard = if spec == "auto" {
        Shard::from_env(&|name| std::env::var(name).ok(), args.shards)?
    } else {
        if args.shards.is_some() {
            return Err(cradle::Error::Config(format!(
                "--shards goes with --shard auto; --shard {spec} already says how many shards there are"
            ))
            .into());
        }
        Shard::parse(spec)?
    };
    Ok(Some((shard, state.clone())))
}

/// This machine's host name (for run.csv's `hosts` and a state's header).
pub fn host() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

/// What a state file records of a scenario: the path as given, made
/// absolute, the files read and their SHA-256.
pub fn scenario_record(scenario: &Scenario) -> anyhow::Result<ScenarioRecord> {
    let canonical = std::fs::canonicalize(&scenario.path)
        .map_err(|source| cradle::Error::Read {
            path: scenario.path.clone(),
            source,
        })
        .context("recording the scenario's absolute path in the state")?;
    Ok(ScenarioRecord {
        path: scenario.path.clone(),
        canonical,
        files: scenario.files.clone(),
        sha256: scenario.sha256.clone(),
    })
}

/// Warn that a Sobol run of `iterations` that is not a power of two is
/// not balanced (its points are, only at powers of two).
pub fn warn_unbalanced_sobol(sampler: Sampler, iterations: u64) {
    if sampler == Sampler::Sobol && !iterations.is_power_of_two() {
        // checked: past 2^63 there is no next power of two in u64 (the
        // sampler then refuses the run: it has 2^32 points).
        let next = iterations
            .checked_next_power_of_two()
            .map_or_else(|| "none below 2^64".to_string(), |n| n.to_string());
        crate::terminal::warn(&format!(
            "{iterations} iterations is not a power of two: Sobol points are balanced only at powers of two (next: {next})"
        ));
    }
}

/// Refuse a sharded `what` (a run, a comparison, a value-of-information
/// run) of more iterations than a state's header can describe.
pub fn check_shardable(iterations: u64, what: &str) -> anyhow::Result<()> {
    if iterations > MAX_ITERATIONS {
        return Err(Error::Config(format!(
            "a sharded {what} has at most 2^62 iterations, not {iterations}"
        ))
        .into());
    }
    Ok(())
}

/// The header of shard `shard`'s state: what defines the run (the fields
/// `merge` compares: the scenarios, `(seed, sampler, iterations)`, the
/// shard and its chunks) and how this shard ran (`pool`'s threads, the
/// host, `elapsed_s`). No samples file; a run with `--samples` sets one.
pub fn shard_header(
    kind: Kind,
    scenarios: Vec<ScenarioRecord>,
    (seed, sampler, iterations): (u64, Sampler, u64),
    (shard, chunks): (Shard, (u64, u64)),
    pool: &rayon::ThreadPool,
    elapsed_s: f64,
) -> Header {
    Header {
        kind,
        cradle_version: env!("CARGO_PKG_VERSION").into(),
        scenarios,
        seed,
        sampler: sampler.name().into(),
        iterations,
        chunk_size: CHUNK_SIZE as u64,
        shard: shard.index(),
        shards: shard.count(),
        chunks,
        samples: None,
        execution: Execution {
            host: host(),
            threads: pool.current_num_threads() as u64,
            elapsed_s,
        },
    }
}

/// The closing line of a shard: what it covered and where its state is.
pub fn show_shard(
    shard: Shard,
    (first, end): (u64, u64),
    iterations: u64,
    elapsed_s: f64,
    state: &Path,
) -> anyhow::Result<()> {
    let covered =
        cradle::chunk::first_iteration(end).min(iterations) - cradle::chunk::first_iteration(first).min(iterations);
    crate::terminal::print(&format!(
        "shard {shard}: chunks {first}..{end} ({covered} of {iterations} iterations) in {elapsed_s:.1} s; wrote {}\n",
        state.display()
    ))?;
    Ok(())
}
