//! The header of a state file: which run the state belongs to (scenario,
//! seed, sampler, n, chunk size, cradle version), which shard it is, and how
//! it ran (host, threads, time). Two states merge only when every field that
//! defines the run is the same ([`Header::defining_fields`]).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Shard;
use crate::chunk::{CHUNK_SIZE, chunk_count};
use crate::sampling::Sampler;

/// Iterations a sharded run may have: 2^62, so that iteration and chunk
/// arithmetic on a header read from a file cannot overflow.
pub const MAX_ITERATIONS: u64 = 1 << 62;

/// What was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// `cradle run`: one scenario.
    Run,
    /// `cradle compare`: several scenarios on common random numbers.
    Compare,
    /// `cradle voi`: the value of information of one scenario.
    Voi,
}

impl Kind {
    /// The command's name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "compare",
            Kind::Voi => "voi",
        }
    }
}

/// A scenario a state was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRecord {
    /// The path as given on the command line (what run.csv reports).
    pub path: PathBuf,
    /// The same, absolute with symbolic links resolved: where `merge` looks
    /// for it unless told otherwise (`--scenario`).
    pub canonical: PathBuf,
    /// Every file read, the scenario first, then the files it extends, as
    /// `Scenario::files`.
    pub files: Vec<PathBuf>,
    /// SHA-256 over every file read (`Scenario::sha256`).
    pub sha256: String,
}

/// The rows a shard wrote with `--samples`, beside its state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamplesRecord {
    /// File name, in the state file's directory.
    pub file: String,
    /// Its size in bytes (a check that it is the file the shard wrote).
    pub bytes: u64,
}

/// How a shard ran: not part of the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// The machine's host name.
    pub host: String,
    /// Worker threads.
    pub threads: u64,
    /// Seconds the shard took.
    pub elapsed_s: f64,
}

/// Everything a state file says about itself, before the state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// A run, a comparison or a value-of-information run.
    pub kind: Kind,
    /// The cradle version that wrote it (`CARGO_PKG_VERSION`).
    pub cradle_version: String,
    /// The scenario (one for a run or voi; in order for a comparison).
    pub scenarios: Vec<ScenarioRecord>,
    /// Seed of the random streams.
    pub seed: u64,
    /// Sampling design (`Sampler::name`).
    pub sampler: String,
    /// Iterations of the whole run.
    pub iterations: u64,
    /// Iterations per chunk.
    pub chunk_size: u64,
    /// This shard's index, from 0.
    pub shard: u64,
    /// Number of shards of the run.
    pub shards: u64,
    /// The chunks covered, `first..end`.
    pub chunks: (u64, u64),
    /// With `--samples`: the shard's rows.
    pub samples: Option<SamplesRecord>,
    /// Host, threads and time.
    pub execution: Execution,
}

impl Header {
    /// The fields that define the run, with their values as text: states
    /// merge only when all of these are equal.
    pub fn defining_fields(&self) -> Vec<(&'static str, String)> {
        let sha: Vec<&str> = self.scenarios.iter().map(|s| s.sha256.as_str()).collect();
        vec![
            ("kind", self.kind.name().to_string()),
            ("cradle version", self.cradle_version.clone()),
            ("scenario SHA-256", sha.join(", ")),
            ("seed", self.seed.to_string()),
            ("sampler", self.sampler.clone()),
            ("iterations (n)", self.iterations.to_string()),
            ("chunk size", self.chunk_size.to_string()),
            ("number of shards", self.shards.to_string()),
            (
                "samples",
                if self.samples.is_some() {
                    "written"
                } else {
                    "not written"
                }
                .to_string(),
            ),
        ]
    }

    /// Check the header on its own: the fields a merge computes with are in
    /// range and agree with each other. Returns what is wrong.
    pub fn check(&self) -> Result<(), String> {
        let expected_scenarios = match self.kind {
            Kind::Run | Kind::Voi => self.scenarios.len() == 1,
            Kind::Compare => !self.scenarios.is_empty(),
        };
        if !expected_scenarios {
            return Err(format!(
                "a {} state with {} scenarios",
                self.kind.name(),
                self.scenarios.len()
            ));
        }
        if Sampler::parse(&self.sampler).is_none() {
            return Err(format!("unknown sampler '{}'", self.sampler));
        }
        if !(1..=MAX_ITERATIONS).contains(&self.iterations) {
            return Err(format!("iterations (n) {} out of range", self.iterations));
        }
        if self.chunk_size != CHUNK_SIZE as u64 {
            return Err(format!(
                "chunk size {}, but this cradle's chunks are of {CHUNK_SIZE} iterations: merge it with the cradle version that wrote it ({})",
                self.chunk_size, self.cradle_version
            ));
        }
        let shard = Shard::new(self.shard, self.shards).map_err(|e| e.to_string())?;
        let expected = shard.chunks(chunk_count(self.iterations));
        if self.chunks != expected {
            return Err(format!(
                "it covers chunks {}..{}, but shard {shard} of a run of {} iterations covers chunks {}..{}",
                self.chunks.0, self.chunks.1, self.iterations, expected.0, expected.1
            ));
        }
        if self.kind == Kind::Voi && self.samples.is_some() {
            return Err("a value-of-information state with a samples file (`cradle voi` writes none)".into());
        }
        if let Some(s) = &self.samples
            && (s.file.contains('/') || s.file.is_empty())
        {
            return Err(format!("samples file name '{}' is not a plain file name", s.file));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(kind: Kind) -> Header {
        let scenario = ScenarioRecord {
            path: "s.toml".into(),
            canonical: "/s.toml".into(),
            files: vec!["/s.toml".into()],
            sha256: "0".repeat(64),
        };
        Header {
            kind,
            cradle_version: env!("CARGO_PKG_VERSION").into(),
            scenarios: vec![scenario],
            seed: 1,
            sampler: "mc".into(),
            iterations: 4096,
            chunk_size: CHUNK_SIZE as u64,
            shard: 1,
            shards: 2,
            chunks: (2, 4),
            samples: None,
            execution: Execution {
                host: "h".into(),
                threads: 1,
                elapsed_s: 0.0,
            },
        }
    }

    #[test]
    fn a_header_is_checked_on_its_own() {
        for kind in [Kind::Run, Kind::Compare, Kind::Voi] {
            assert_eq!(header(kind).check(), Ok(()), "{kind:?}");
        }
        let samples = Some(SamplesRecord {
            file: "shard-1.cstate.samples.csv".into(),
            bytes: 10,
        });
        let run = Header {
            samples: samples.clone(),
            ..header(Kind::Run)
        };
        assert_eq!(run.check(), Ok(()));
        // `cradle voi` writes no samples file: a voi header naming one is forged or damaged.
        let voi = Header {
            samples,
            ..header(Kind::Voi)
        };
        assert!(
            voi.check()
                .unwrap_err()
                .contains("value-of-information state with a samples file")
        );
        let wrong_range = Header {
            chunks: (1, 4),
            ..header(Kind::Run)
        };
        assert!(wrong_range.check().unwrap_err().contains("covers chunks 1..4"));
        let bad_name = Header {
            samples: Some(SamplesRecord {
                file: "../x".into(),
                bytes: 1,
            }),
            ..header(Kind::Run)
        };
        assert!(bad_name.check().unwrap_err().contains("not a plain file name"));
    }
}
