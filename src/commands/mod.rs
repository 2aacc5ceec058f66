//! One file per command. Each turns its clap arguments into a library
//! configuration, calls the library's function for that analysis on a thread
//! pool it builds the same way ([`pool`]), writes the output files as one
//! output set ([`open_set`]) and shows the result. No command computes
//! anything itself.

pub mod check;
pub mod compare;
pub mod run;
pub mod sensitivity;
pub mod voi;

use std::path::{Path, PathBuf};

use anyhow::Context;

use cradle::Scenario;
use cradle::output::OutputSet;

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
