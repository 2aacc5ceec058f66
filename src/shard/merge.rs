//! A set of state files checked to belong together, joined in chunk order.
//!
//! Merging reads every file twice: once for its header (all headers are
//! compared before any state is decoded, so a bad set is refused quickly),
//! then once per shard, in chunk order, for its state, which is checked
//! against the model and joined onto the states before it. Only one
//! shard's state is held at a time. A value-of-information state also
//! holds the run's settings, compared shard by shard as the states are
//! read ([`ShardSet::voi_state`]).

use std::path::{Path, PathBuf};

use super::{Body, Header, Kind, Shard, read_header, read_state};
use crate::compare::CompareState;
use crate::engine::RunState;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::sampling::Design;
use crate::voi::{VoiPlan, VoiSettings, VoiState};

/// State files that belong together: one per shard of the same run, every
/// defining field equal. Sorted by shard, whatever order they were given in.
#[derive(Debug, Clone)]
pub struct ShardSet {
    files: Vec<(PathBuf, Header)>,
}

/// At most this many file names in one message.
const NAMES_SHOWN: usize = 6;

fn names<'a>(paths: impl Iterator<Item = &'a Path>) -> String {
    let all: Vec<String> = paths.map(|p| p.display().to_string()).collect();
    if all.len() <= NAMES_SHOWN {
        all.join(", ")
    } else {
        format!("{}, … ({} files)", all[..NAMES_SHOWN].join(", "), all.len())
    }
}

impl ShardSet {
    /// Read the headers of `paths` and check that they are the N shards of
    /// one run, each once: the same kind, cradle version, scenario, seed,
    /// sampler, n, chunk size, number of shards and `--samples`; no shard
    /// missing, none twice, their chunk ranges meeting end to end. Every
    /// refusal names the files and the field.
    pub fn open(paths: &[PathBuf]) -> Result<ShardSet> {
        if paths.is_empty() {
            return Err(Error::Config("merge needs at least one state file".into()));
        }
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            files.push((path.clone(), read_header(path)?));
        }
        files.sort_by(|(pa, a), (pb, b)| (a.shard, pa).cmp(&(b.shard, pb)));
        let (first_path, first) = &files[0];
        let reference = first.defining_fields();
        for (path, header) in &files[1..] {
            for ((field, mine), (_, theirs)) in reference.iter().zip(header.defining_fields()) {
                if *mine != theirs {
                    return Err(Error::Merge(format!(
                        "{} and {} do not belong together: {field} is {mine} in the first and {theirs} in the second; {}",
                        first_path.display(),
                        path.display(),
                        advice(field)
                    )));
                }
            }
        }
        let count = first.shards;
        for pair in files.windows(2) {
            let ((a, ha), (b, hb)) = (&pair[0], &pair[1]);
            if ha.shard == hb.shard {
                return Err(Error::Merge(format!(
                    "shard {} is given twice: {} and {}; pass each shard's state file once",
                    Shard::new(ha.shard, count)?,
                    a.display(),
                    b.display()
                )));
            }
        }
        if files.len() as u64 != count {
            let have: Vec<u64> = files.iter().map(|(_, h)| h.shard).collect();
            let missing: Vec<String> = (0..count)
                .filter(|i| !have.contains(i))
                .take(NAMES_SHOWN)
                .map(|i| format!("{i}/{count}"))
                .collect();
            return Err(Error::Merge(format!(
                "shard{} {} {} missing: the run has {count} shards (0 to {}), and {} state file{} given ({}); pass every shard's state file, e.g. DIR/states/*.cstate",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "is" } else { "are" },
                count - 1,
                files.len(),
                if files.len() == 1 { " was" } else { "s were" },
                names(files.iter().map(|(p, _)| p.as_path()))
            )));
        }
        let mut next = 0;
        for (path, header) in &files {
            let (first_chunk, end) = header.chunks;
            if first_chunk != next {
                let what = if first_chunk > next {
                    "a gap before"
                } else {
                    "an overlap with"
                };
                return Err(Error::Merge(format!(
                    "{}: field chunks: it covers chunks {first_chunk}..{end}, which leaves {what} the chunks before it (..{next})",
                    path.display()
                )));
            }
            next = end;
        }
        Ok(ShardSet { files })
    }

    /// The header of shard 0 (every defining field is the same in all).
    pub fn header(&self) -> &Header {
        &self.files[0].1
    }

    /// The state files, in shard order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(p, _)| p.as_path())
    }

    /// The number of shards.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Never true: a set holds at least one file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Host names the shards ran on, each once, in shard order.
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = Vec::new();
        for (_, h) in &self.files {
            if !hosts.contains(&h.execution.host) {
                hosts.push(h.execution.host.clone());
            }
        }
        hosts
    }

    /// Worker threads of all shards together.
    pub fn threads(&self) -> u64 {
        self.files.iter().map(|(_, h)| h.execution.threads).sum()
    }

    /// Seconds the shards took, added up.
    pub fn elapsed_s(&self) -> f64 {
        self.files.iter().map(|(_, h)| h.execution.elapsed_s).sum()
    }

    /// With `--samples`: each shard's rows file, in shard order, checked to
    /// exist beside its state with the size the shard recorded.
    pub fn samples(&self) -> Result<Option<Vec<PathBuf>>> {
        if self.header().samples.is_none() {
            return Ok(None);
        }
        let mut parts = Vec::new();
        for (path, header) in &self.files {
            let record = header.samples.as_ref().expect("every header agrees on samples");
            let part = path.with_file_name(&record.file);
            let bytes = std::fs::metadata(&part).map(|m| m.len()).map_err(|e| Error::State {
                path: path.clone(),
                message: format!(
                    "its samples file {} cannot be read ({e}); keep it beside the state file",
                    part.display()
                ),
            })?;
            if bytes != record.bytes {
                return Err(Error::State {
                    path: path.clone(),
                    message: format!(
                        "its samples file {} has {bytes} bytes, but the shard wrote {}: it is not that shard's file, or was damaged; run the shard again",
                        part.display(),
                        record.bytes
                    ),
                });
            }
            parts.push(part);
        }
        Ok(Some(parts))
    }

    /// Each shard's state, in chunk order: read again, its header compared
    /// with the one read by [`ShardSet::open`], and its body of the right
    /// kind.
    fn bodies(&self) -> impl Iterator<Item = Result<(&Path, &Header, Body)>> {
        self.files.iter().map(|(path, header)| {
            let (again, body) = read_state(path)?;
            if again != *header {
                return Err(Error::State {
                    path: path.clone(),
                    message: "it changed while it was being merged; merge again once the shards are done".into(),
                });
            }
            Ok((path.as_path(), header, body))
        })
    }

    /// The run's state: every shard's state checked against `model` and
    /// `design` and joined in chunk order. The result covers chunk 0 to the
    /// end: `RunState::finish` turns it into the run's result.
    pub fn run_state(&self, model: &Model, design: &Design) -> Result<RunState> {
        self.expect_kind(Kind::Run)?;
        let n_correlated = design.correlator.as_ref().map_or(0, |c| c.inputs.len());
        let mut merged: Option<RunState> = None;
        for item in self.bodies() {
            let (path, header, body) = item?;
            let Body::Run(state) = body else {
                unreachable!("read_state checks the body's kind against the header's");
            };
            if state.iterations() != header.iterations {
                return Err(inconsistent(
                    path,
                    header,
                    "its state is of another number of iterations".into(),
                ));
            }
            state
                .check(model, n_correlated, header.chunks)
                .map_err(|e| inconsistent(path, header, e))?;
            match &mut merged {
                None => merged = Some(state),
                Some(m) => m.append(state).map_err(|e| inconsistent(path, header, e.to_string()))?,
            }
        }
        Ok(merged.expect("a set holds at least one file"))
    }

    /// The comparison's state, as [`ShardSet::run_state`] for a run;
    /// `models` are the scenarios of the comparison, labelled, in order.
    pub fn compare_state(&self, models: &[(String, &Model)]) -> Result<CompareState> {
        self.expect_kind(Kind::Compare)?;
        let mut merged: Option<CompareState> = None;
        for item in self.bodies() {
            let (path, header, body) = item?;
            let Body::Compare(state) = body else {
                unreachable!("read_state checks the body's kind against the header's");
            };
            if state.iterations() != header.iterations {
                return Err(inconsistent(
                    path,
                    header,
                    "its state is of another number of iterations".into(),
                ));
            }
            state
                .check(models, header.chunks)
                .map_err(|e| inconsistent(path, header, e))?;
            match &mut merged {
                None => merged = Some(state),
                Some(m) => m.append(state).map_err(|e| inconsistent(path, header, e.to_string()))?,
            }
        }
        Ok(merged.expect("a set holds at least one file"))
    }

    /// The value-of-information run's state, as [`ShardSet::run_state`] for
    /// a run, and the plan it is finished with. Shard 0's settings, checked
    /// on their own, give the plan (`plan` builds it from them and the
    /// scenario); every other shard's settings must equal them (a refusal
    /// names both files and the setting), and every state is checked
    /// against the plan (`VoiPlan::check_state`) before it is joined.
    pub fn voi_state<'a>(
        &self,
        plan: impl FnOnce(&VoiSettings) -> Result<VoiPlan<'a>>,
    ) -> Result<(VoiPlan<'a>, VoiState)> {
        self.expect_kind(Kind::Voi)?;
        let mut build = Some(plan);
        let mut reference: Option<(PathBuf, VoiSettings, VoiPlan<'a>)> = None;
        let mut merged: Option<VoiState> = None;
        for item in self.bodies() {
            let (path, header, body) = item?;
            let Body::Voi { settings, state } = body else {
                unreachable!("read_state checks the body's kind against the header's");
            };
            settings.check(header.iterations).map_err(|e| {
                inconsistent(
                    path,
                    header,
                    format!("its value-of-information settings are malformed: {e}"),
                )
            })?;
            let plan = match &reference {
                None => {
                    let build = build.take().expect("the plan is built once");
                    let plan = build(&settings).map_err(|e| Error::State {
                        path: path.to_path_buf(),
                        message: format!(
                            "its value-of-information settings do not fit the scenario ({e}); run shard {}/{} again with this scenario",
                            header.shard, header.shards
                        ),
                    })?;
                    &reference.insert((path.to_path_buf(), settings, plan)).2
                }
                Some((first_path, first, plan)) => {
                    for ((field, mine), (_, theirs)) in first.fields().into_iter().zip(settings.fields()) {
                        if mine != theirs {
                            return Err(Error::Merge(format!(
                                "{} and {} do not belong together: the value-of-information setting {field} is {mine} in the first and {theirs} in the second; every shard of a voi run needs the same options (--metric, --parameters, --group, --horizon, --sweep): run the odd ones again",
                                first_path.display(),
                                path.display()
                            )));
                        }
                    }
                    if settings != *first {
                        return Err(Error::Merge(format!(
                            "{} and {} do not belong together: their value-of-information settings differ; run the odd ones again",
                            first_path.display(),
                            path.display()
                        )));
                    }
                    plan
                }
            };
            plan.check_state(&state, header.chunks)
                .map_err(|e| inconsistent(path, header, e))?;
            match &mut merged {
                None => merged = Some(state),
                Some(m) => m.append(state).map_err(|e| inconsistent(path, header, e.to_string()))?,
            }
        }
        let (_, _, plan) = reference.expect("a set holds at least one file");
        Ok((plan, merged.expect("a set holds at least one file")))
    }

    fn expect_kind(&self, kind: Kind) -> Result<()> {
        let have = self.header().kind;
        if have != kind {
            return Err(Error::Merge(format!(
                "{} hold the states of `cradle {}`, not of `cradle {}`",
                names(self.paths()),
                have.name(),
                kind.name()
            )));
        }
        Ok(())
    }
}

/// A state that does not fit the model or its own header.
fn inconsistent(path: &Path, header: &Header, what: String) -> Error {
    Error::State {
        path: path.to_path_buf(),
        message: format!(
            "its state is inconsistent ({what}); it was not written by cradle {} for this scenario, or was damaged: run shard {}/{} again",
            header.cradle_version, header.shard, header.shards
        ),
    }
}

/// What to do when a defining field differs.
fn advice(field: &str) -> &'static str {
    match field {
        "cradle version" => {
            "states merge only with states of the same cradle version: run every shard with one version"
        }
        "scenario SHA-256" => {
            "they were run on different scenario files, or the file changed between shards: run the odd ones again on the same file"
        }
        "samples" => "run every shard with --samples, or none",
        _ => {
            "every shard of a run needs the same scenario, seed, sampler, n and number of shards: run the odd ones again"
        }
    }
}
