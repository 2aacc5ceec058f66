//! Shards: a run (or a comparison, or a value-of-information run) cut into
//! pieces that run anywhere, on other machines, at other times, and merge
//! into exactly the files a single run writes.
//!
//! Shard I of N covers a contiguous range of chunk indices. Shards are
//! numbered from 0 (I = 0, …, N − 1), like Slurm's array task ids
//! (`--array=0-(N-1)`, `%a`) and Kubernetes' completion indexes. The ranges
//! are balanced (their chunk counts differ by at most one, the longer ones
//! first) and together cover every chunk once; with more shards than
//! chunks, the last shards are empty, and their states merge as nothing.
//!
//! Because every accumulator merges exactly (moments along a fixed tree
//! over chunk indices, sketches as integer counts), the states of all N
//! shards, joined in chunk order, are the state a single run would have
//! reached, bit for bit. What lives here:
//!
//! - [`Shard`]: I of N, from `--shard I/N` or from a scheduler's environment;
//! - [`Header`]: what a state file says about the run it belongs to;
//! - [`StateWriter`], [`read_header`], [`read_state`]: the state file format;
//! - [`PendingFile`]: a shard's file (state, rows) appearing whole or not at all;
//! - [`ShardSet`]: checking that state files belong together, and joining
//!   them in chunk order;
//! - [`SlurmJob`]: the job scripts of a Slurm job array and its merge job.

mod file;
mod header;
mod merge;
mod pending_file;
mod slurm;

pub use file::{Body, FORMAT_VERSION, MAGIC, StateWriter, read_header, read_state};
pub use header::{Execution, Header, Kind, MAX_ITERATIONS, SamplesRecord, ScenarioRecord};
pub use merge::ShardSet;
pub use pending_file::PendingFile;
pub use slurm::SlurmJob;

use crate::error::{Error, Result};

/// Shard `index` of `count` (0-based: `index` is 0 to `count` − 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// Where a scheduler says which shard a process is.
const SLURM_ID: &str = "SLURM_ARRAY_TASK_ID";
const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
const SLURM_MIN: &str = "SLURM_ARRAY_TASK_MIN";
const SLURM_MAX: &str = "SLURM_ARRAY_TASK_MAX";
const SLURM_STEP: &str = "SLURM_ARRAY_TASK_STEP";
const KUBERNETES_INDEX: &str = "JOB_COMPLETION_INDEX";

impl Shard {
    /// Shard `index` of `count`; refused unless `index < count`.
    pub fn new(index: u64, count: u64) -> Result<Shard> {
        if count == 0 {
            return Err(Error::Config(
                "the number of shards must be at least 1 (--shard I/N with N ≥ 1)".into(),
            ));
        }
        if index >= count {
            return Err(Error::Config(format!(
                "there is no shard {index} of {count}: shards are numbered from 0 to {} (0-based, like Slurm's array task ids with --array=0-{})",
                count - 1,
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }

    /// `--shard I/N`, e.g. `0/4` (the first of four).
    pub fn parse(text: &str) -> Result<Shard> {
        let parsed = text
            .split_once('/')
            .and_then(|(i, n)| Some((i.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
        let Some((index, count)) = parsed else {
            return Err(Error::Config(format!(
                "--shard expects I/N, shard I of N numbered from 0 (e.g. 0/4 … 3/4), or 'auto'; got '{text}'"
            )));
        };
        Shard::new(index, count)
    }

    /// `--shard auto`: the shard a scheduler started this process as, read
    /// through `var` (the environment, in the binary):
    ///
    /// - a Slurm job array: `SLURM_ARRAY_TASK_ID`, with the number of tasks
    ///   from `SLURM_ARRAY_TASK_COUNT`, or from `SLURM_ARRAY_TASK_MIN` and
    ///   `_MAX` (index = ID − MIN, count = MAX − MIN + 1; when both are set
    ///   they must agree, and `SLURM_ARRAY_TASK_STEP` must be 1);
    /// - a Kubernetes Indexed Job: `JOB_COMPLETION_INDEX`, with `shards`
    ///   (`--shards N`, the Job's completions), which the environment does
    ///   not hold.
    ///
    /// With `shards` (`--shards N`) under Slurm, the task id is the shard
    /// number, from 0, and the other variables are not read: the array
    /// scripts of `cradle slurm` pass it, so that one failed task can be
    /// resubmitted alone (`sbatch --array=3 array.sbatch`). An unset or
    /// inconsistent environment is an error naming the variables.
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>, shards: Option<u64>) -> Result<Shard> {
        match (var(SLURM_ID), var(KUBERNETES_INDEX)) {
            (Some(_), Some(_)) => Err(Error::Config(format!(
                "--shard auto: both {SLURM_ID} (Slurm) and {KUBERNETES_INDEX} (Kubernetes) are set, so it is unclear which scheduler started this; give --shard I/N instead"
            ))),
            (Some(id), None) => Shard::from_slurm(var, &id, shards),
            (None, Some(index)) => {
                let index = number(KUBERNETES_INDEX, &index)?;
                let Some(count) = shards else {
                    return Err(Error::Config(format!(
                        "--shard auto with {KUBERNETES_INDEX}={index} (a Kubernetes Indexed Job) needs --shards N, the Job's completions"
                    )));
                };
                Shard::new(index, count)
                    .map_err(|e| Error::Config(format!("{KUBERNETES_INDEX}={index} with --shards {count}: {e}")))
            }
            (None, None) => Err(Error::Config(format!(
                "--shard auto found no shard in the environment: neither {SLURM_ID} (a Slurm job array) nor {KUBERNETES_INDEX} (a Kubernetes Indexed Job) is set; run it as a task of one (e.g. through `cradle slurm`), or give --shard I/N"
            ))),
        }
    }

    fn from_slurm(var: &dyn Fn(&str) -> Option<String>, id: &str, shards: Option<u64>) -> Result<Shard> {
        let get = |name: &str| var(name).map(|v| number(name, &v)).transpose();
        let id = number(SLURM_ID, id)?;
        if let Some(count) = shards {
            // The task id is the shard's number, whatever else the array
            // holds: so a failed task can be resubmitted on its own
            // (`sbatch --array=3 array.sbatch`).
            return Shard::new(id, count).map_err(|e| {
                Error::Config(format!(
                    "--shard auto: {SLURM_ID}={id} with --shards {count}: {e}; submit the array as --array=0-{}",
                    count.saturating_sub(1)
                ))
            });
        }
        let (count, min, max, step) = (get(SLURM_COUNT)?, get(SLURM_MIN)?, get(SLURM_MAX)?, get(SLURM_STEP)?);
        if let Some(step) = step.filter(|s| *s != 1) {
            return Err(Error::Config(format!(
                "--shard auto: {SLURM_STEP}={step}: shards need consecutive task ids, as in --array=0-(N-1), not a step"
            )));
        }
        let range = match (min, max) {
            (Some(min), Some(max)) if min <= max && min <= id && id <= max => Some((min, max - min + 1)),
            (Some(min), Some(max)) => {
                return Err(Error::Config(format!(
                    "--shard auto: {SLURM_ID}={id} is not within {SLURM_MIN}={min} and {SLURM_MAX}={max}"
                )));
            }
            (None, None) => None,
            _ => {
                return Err(Error::Config(format!(
                    "--shard auto: only one of {SLURM_MIN} and {SLURM_MAX} is set ({:?}, {:?})",
                    min, max
                )));
            }
        };
        let (index, count) = match (count, range) {
            (Some(count), Some((min, n))) if count == n => (id - min, count),
            (Some(count), Some((min, n))) => {
                return Err(Error::Config(format!(
                    "--shard auto: {SLURM_COUNT}={count} disagrees with {SLURM_MIN}={min} and {SLURM_MAX}={} ({n} ids): the array's task ids are not consecutive; submit it as --array=0-{}",
                    min + n - 1,
                    count.saturating_sub(1)
                )));
            }
            (Some(count), None) => (id, count),
            (None, Some((min, n))) => (id - min, n),
            (None, None) => {
                return Err(Error::Config(format!(
                    "--shard auto: {SLURM_ID}={id} is set, but neither {SLURM_COUNT} nor {SLURM_MIN}/{SLURM_MAX}, so the number of shards is unknown; give --shards N"
                )));
            }
        };
        Shard::new(index, count).map_err(|e| Error::Config(format!("--shard auto: {SLURM_ID}={id}: {e}")))
    }

    /// The index, from 0.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The number of shards.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The chunks `first..end` this shard covers, of a run of `chunks`
    /// chunks: ⌊chunks/N⌋ each, and one more for the first chunks mod N
    /// shards. Empty when there are more shards than chunks.
    pub fn chunks(&self, chunks: u64) -> (u64, u64) {
        let (each, extra) = (chunks / self.count, chunks % self.count);
        let first = self.index * each + self.index.min(extra);
        let len = each + u64::from(self.index < extra);
        (first, first + len)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A variable's value as a whole number, or an error naming it.
fn number(name: &str, value: &str) -> Result<u64> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::Config(format!("--shard auto: {name}='{value}' is not a whole number ≥ 0")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn auto(pairs: &[(&str, &str)], shards: Option<u64>) -> Result<Shard> {
        Shard::from_env(&env(pairs), shards)
    }

    #[test]
    fn shards_cover_every_chunk_once_and_are_balanced() {
        for chunks in [0u64, 1, 2, 7, 20, 100, 977] {
            for count in [1u64, 2, 3, 7, 16, 25, 1000] {
                let mut next = 0;
                let mut lens = Vec::new();
                for index in 0..count {
                    let (first, end) = Shard::new(index, count).unwrap().chunks(chunks);
                    assert_eq!(first, next, "{chunks} chunks, shard {index}/{count}");
                    lens.push(end - first);
                    next = end;
                }
                assert_eq!(next, chunks);
                let (lo, hi) = (lens.iter().min().unwrap(), lens.iter().max().unwrap());
                assert!(hi - lo <= 1, "{chunks} chunks in {count} shards: {lens:?}");
            }
        }
        assert_eq!(Shard::new(0, 7).unwrap().chunks(20), (0, 3));
        assert_eq!(Shard::new(6, 7).unwrap().chunks(20), (18, 20));
        assert_eq!(Shard::new(4, 5).unwrap().chunks(3), (3, 3));
    }

    #[test]
    fn shard_text_is_zero_based() {
        assert_eq!(Shard::parse("0/4").unwrap(), Shard { index: 0, count: 4 });
        assert_eq!(Shard::parse("3/4").unwrap().to_string(), "3/4");
        assert!(Shard::parse("4/4").unwrap_err().to_string().contains("0 to 3"));
        assert!(Shard::parse("0/0").unwrap_err().to_string().contains("at least 1"));
        assert!(Shard::parse("1").unwrap_err().to_string().contains("I/N"));
        assert!(Shard::parse("a/b").unwrap_err().to_string().contains("I/N"));
    }

    #[test]
    fn shard_from_slurm_variables() {
        let count = [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4")];
        assert_eq!(auto(&count, None).unwrap(), Shard { index: 2, count: 4 });
        assert_eq!(auto(&count, Some(4)).unwrap(), Shard { index: 2, count: 4 });
        // With --shards, the task id is the shard: a task resubmitted alone.
        let resubmitted = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "1"),
            ("SLURM_ARRAY_TASK_MIN", "3"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
        ];
        assert_eq!(auto(&resubmitted, Some(4)).unwrap(), Shard { index: 3, count: 4 });
        assert_eq!(auto(&resubmitted, None).unwrap(), Shard { index: 0, count: 1 });
        assert!(auto(&count, Some(2)).unwrap_err().to_string().contains("--shards 2"));
        let min_max = [
            ("SLURM_ARRAY_TASK_ID", "12"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_MAX", "13"),
        ];
        assert_eq!(auto(&min_max, None).unwrap(), Shard { index: 2, count: 4 });
        let all = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
            ("SLURM_ARRAY_TASK_STEP", "1"),
        ];
        assert_eq!(auto(&all, None).unwrap(), Shard { index: 3, count: 4 });
        let sparse = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "5"),
        ];
        assert!(auto(&sparse, None).unwrap_err().to_string().contains("not consecutive"));
        let step = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ];
        assert!(
            auto(&step, None)
                .unwrap_err()
                .to_string()
                .contains("SLURM_ARRAY_TASK_STEP=2")
        );
        let beyond = [("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4")];
        assert!(
            auto(&beyond, None)
                .unwrap_err()
                .to_string()
                .contains("SLURM_ARRAY_TASK_ID=4")
        );
        let alone = [("SLURM_ARRAY_TASK_ID", "1")];
        assert!(auto(&alone, None).unwrap_err().to_string().contains("--shards N"));
        assert_eq!(auto(&alone, Some(2)).unwrap(), Shard { index: 1, count: 2 });
        let junk = [("SLURM_ARRAY_TASK_ID", "x"), ("SLURM_ARRAY_TASK_COUNT", "4")];
        assert!(
            auto(&junk, None)
                .unwrap_err()
                .to_string()
                .contains("SLURM_ARRAY_TASK_ID='x'")
        );
    }

    #[test]
    fn shard_from_kubernetes_and_from_nothing() {
        let k8s = [("JOB_COMPLETION_INDEX", "5")];
        assert_eq!(auto(&k8s, Some(8)).unwrap(), Shard { index: 5, count: 8 });
        assert!(auto(&k8s, None).unwrap_err().to_string().contains("--shards N"));
        assert!(
            auto(&k8s, Some(5))
                .unwrap_err()
                .to_string()
                .contains("JOB_COMPLETION_INDEX=5")
        );
        let none = auto(&[], Some(4)).unwrap_err().to_string();
        assert!(
            none.contains("SLURM_ARRAY_TASK_ID") && none.contains("JOB_COMPLETION_INDEX"),
            "{none}"
        );
        let both = [("JOB_COMPLETION_INDEX", "1"), ("SLURM_ARRAY_TASK_ID", "1")];
        assert!(auto(&both, Some(4)).unwrap_err().to_string().contains("both"));
    }
}
