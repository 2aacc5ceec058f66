//! The scripts of a sharded run on Slurm: a job array of N tasks, task I
//! running shard I/N (`--shard auto` reads `SLURM_ARRAY_TASK_ID`), and a
//! merge job submitted with `--dependency=afterok:<array job>` that runs
//! `cradle merge` once every task has succeeded.
//!
//! `--kill-on-invalid-dep=yes` on the merge job matters: when a task fails,
//! an `afterok` dependency can never be satisfied, and Slurm (22.05, and
//! its documentation since) leaves the dependent job PENDING forever with
//! `Reason=DependencyNeverSatisfied` unless that flag asks it to cancel it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::engine::MAX_THREADS;
use crate::error::{Error, Result};

/// A sharded run to submit to Slurm. Paths must be absolute: the jobs run
/// elsewhere, perhaps in another directory.
#[derive(Debug, Clone, PartialEq)]
pub struct SlurmJob {
    /// The cradle binary the tasks run.
    pub cradle: PathBuf,
    /// The scenario file.
    pub scenario: PathBuf,
    /// The output directory: CSV files, `states/` and `slurm/`.
    pub dir: PathBuf,
    /// Number of shards (array tasks).
    pub shards: u64,
    /// Iterations of the whole run.
    pub iterations: u64,
    /// Seed.
    pub seed: u64,
    /// Sampler name (`mc`, `lhs`, `sobol`).
    pub sampler: String,
    /// Also write samples.csv.
    pub samples: bool,
    /// `--partition`, if any.
    pub partition: Option<String>,
    /// `--time` limit per task, if any.
    pub time: Option<String>,
    /// CPUs per task, also each task's `--threads`.
    pub cpus_per_task: u64,
    /// The jobs' name (the array; the merge job adds `-merge`).
    pub name: String,
    /// The command each task runs a shard of: `run` or `voi`.
    pub command: String,
    /// The command's further options, word by word (each quoted in the
    /// script), e.g. `--group`, `parents=d_pmh,q_pmh` for `voi`.
    pub options: Vec<String>,
}

/// A word for a shell script, in single quotes.
fn quote(path: &Path) -> String {
    quote_word(&path.display().to_string())
}

/// A word for a shell script, in single quotes.
fn quote_word(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

impl SlurmJob {
    /// Check what the scripts cannot express: relative paths, and paths or
    /// options that an `#SBATCH` line cannot hold (it is split at blanks
    /// and not unquoted).
    pub fn check(&self) -> Result<()> {
        if self.shards == 0 {
            return Err(Error::Config("--shards must be at least 1".into()));
        }
        if !["run", "voi"].contains(&self.command.as_str()) {
            return Err(Error::Config(format!(
                "the array's tasks run `cradle run` or `cradle voi`, not `cradle {}`",
                self.command
            )));
        }
        if self.cpus_per_task == 0 || self.cpus_per_task > MAX_THREADS as u64 {
            return Err(Error::Config(format!(
                "--cpus-per-task must be 1 to {MAX_THREADS} (it is also each task's --threads), not {}",
                self.cpus_per_task
            )));
        }
        for (what, path) in [
            ("cradle binary", &self.cradle),
            ("scenario", &self.scenario),
            ("output directory", &self.dir),
        ] {
            if !path.is_absolute() {
                return Err(Error::Config(format!(
                    "the {what} path {} is not absolute",
                    path.display()
                )));
            }
        }
        let blank = |s: &str| {
            s.is_empty()
                || s.chars()
                    .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == '%')
        };
        if blank(&self.dir.display().to_string()) {
            return Err(Error::Config(format!(
                "output directory {}: Slurm's #SBATCH --output lines cannot hold a path with blanks, quotes or %; choose another -o DIR",
                self.dir.display()
            )));
        }
        for (flag, value) in [("--partition", &self.partition), ("--time", &self.time)] {
            if let Some(v) = value.as_deref().filter(|v| blank(v)) {
                return Err(Error::Config(format!("{flag} '{v}' cannot hold blanks, quotes or %")));
            }
        }
        Ok(())
    }

    /// `DIR/slurm/`: the scripts.
    pub fn script_dir(&self) -> PathBuf {
        self.dir.join("slurm")
    }

    /// `DIR/slurm/logs/`: the jobs' stdout and stderr.
    pub fn log_dir(&self) -> PathBuf {
        self.script_dir().join("logs")
    }

    /// `DIR/states/`: one state file per shard.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.join("states")
    }

    /// The state file of shard `index`.
    pub fn state_path(&self, index: u64) -> PathBuf {
        self.state_dir().join(format!("shard-{index}.cstate"))
    }

    fn common_options(&self, out: &mut String) {
        if let Some(p) = &self.partition {
            writeln!(out, "#SBATCH --partition={p}").expect("writing to a String");
        }
        if let Some(t) = &self.time {
            writeln!(out, "#SBATCH --time={t}").expect("writing to a String");
        }
    }

    /// `DIR/slurm/array.sbatch`: task I of the array runs shard I/N.
    pub fn array_script(&self) -> String {
        let last = self.shards - 1;
        let mut s = String::new();
        s.push_str("#!/bin/bash\n");
        let _ = writeln!(
            s,
            "# Written by `cradle slurm` (cradle {}): the {} shards of a {} of\n# {} (n = {}, seed {}, sampler {}).",
            env!("CARGO_PKG_VERSION"),
            self.shards,
            if self.command == "voi" {
                "value-of-information run"
            } else {
                "run"
            },
            self.scenario.display(),
            self.iterations,
            self.seed,
            self.sampler
        );
        s.push_str(
            "# Array task I runs shard I (numbered from 0) and writes its state to\n\
             # states/shard-I.cstate; merge.sbatch, submitted by submit.sh once every\n\
             # task has succeeded, merges them into the run's CSV files. To run failed\n\
             # tasks again alone: sbatch --array=I,J array.sbatch, then sbatch merge.sbatch.\n",
        );
        let _ = writeln!(s, "#SBATCH --job-name={}", self.name);
        let _ = writeln!(s, "#SBATCH --array=0-{last}");
        let _ = writeln!(s, "#SBATCH --ntasks=1");
        let _ = writeln!(s, "#SBATCH --cpus-per-task={}", self.cpus_per_task);
        let _ = writeln!(s, "#SBATCH --output={}/shard-%a.out", self.log_dir().display());
        self.common_options(&mut s);
        s.push_str("set -euo pipefail\n");
        let options: String = self.options.iter().map(|o| format!(" {}", quote_word(o))).collect();
        let _ = write!(
            s,
            "exec {} {} {} -n {} --seed {} --sampler {}{options} --threads {} \\\n    --shard auto --shards {} --state {}/shard-\"$SLURM_ARRAY_TASK_ID\".cstate",
            quote(&self.cradle),
            self.command,
            quote(&self.scenario),
            self.iterations,
            self.seed,
            self.sampler,
            self.cpus_per_task,
            self.shards,
            quote(&self.state_dir())
        );
        if self.samples {
            s.push_str(" --samples");
        }
        s.push_str(" --quiet\n");
        s
    }

    /// `DIR/slurm/merge.sbatch`: merge the N states into DIR.
    pub fn merge_script(&self) -> String {
        let mut s = String::new();
        s.push_str("#!/bin/bash\n");
        let _ = writeln!(
            s,
            "# Written by `cradle slurm` (cradle {}): merges the {} states of array.sbatch\n# into {}. Submit it with --dependency=afterok:<array job id>\n# --kill-on-invalid-dep=yes (submit.sh does).",
            env!("CARGO_PKG_VERSION"),
            self.shards,
            self.dir.display()
        );
        let _ = writeln!(s, "#SBATCH --job-name={}-merge", self.name);
        let _ = writeln!(s, "#SBATCH --ntasks=1");
        let _ = writeln!(s, "#SBATCH --cpus-per-task=1");
        let _ = writeln!(s, "#SBATCH --output={}/merge.out", self.log_dir().display());
        self.common_options(&mut s);
        s.push_str("set -euo pipefail\n");
        let _ = writeln!(
            s,
            "exec {} merge {}/shard-{{0..{}}}.cstate -o {} --quiet",
            quote(&self.cradle),
            quote(&self.state_dir()),
            self.shards - 1,
            quote(&self.dir)
        );
        s
    }

    /// `DIR/slurm/submit.sh`: submit the array, then the merge job
    /// depending on it; prints both job ids.
    pub fn submit_script(&self) -> String {
        let dir = self.script_dir();
        format!(
            "#!/bin/bash\n\
             # Written by `cradle slurm`: submits the job array, then the merge job, which\n\
             # runs once every array task has succeeded (afterok). If a task fails,\n\
             # --kill-on-invalid-dep=yes has Slurm cancel the merge job; without it the\n\
             # merge job would stay PENDING forever (Reason=DependencyNeverSatisfied).\n\
             set -euo pipefail\n\
             array=$(sbatch --parsable {array})\n\
             array=${{array%%;*}}\n\
             merge=$(sbatch --parsable --dependency=afterok:\"$array\" --kill-on-invalid-dep=yes {merge})\n\
             merge=${{merge%%;*}}\n\
             echo \"array job $array ({n} tasks), merge job $merge; results in {out}\"\n",
            array = quote(&dir.join("array.sbatch")),
            merge = quote(&dir.join("merge.sbatch")),
            n = self.shards,
            out = self.dir.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> SlurmJob {
        SlurmJob {
            cradle: "/opt/cradle/bin/cradle".into(),
            scenario: "/home/me/it's/headline.toml".into(),
            dir: "/scratch/me/run1".into(),
            shards: 16,
            iterations: 1_000_000_000,
            seed: 7,
            sampler: "mc".into(),
            samples: false,
            partition: Some("short".into()),
            time: None,
            cpus_per_task: 2,
            name: "cradle-headline".into(),
            command: "run".into(),
            options: Vec::new(),
        }
    }

    #[test]
    fn the_array_runs_every_shard_and_the_merge_reads_every_state() {
        let j = job();
        j.check().unwrap();
        let array = j.array_script();
        assert!(array.contains("#SBATCH --array=0-15\n"), "{array}");
        assert!(array.contains("#SBATCH --cpus-per-task=2\n"));
        assert!(array.contains("#SBATCH --partition=short\n"));
        assert!(!array.contains("--time"));
        assert!(array.contains("--threads 2"));
        assert!(array.contains(
            "--shard auto --shards 16 --state '/scratch/me/run1/states'/shard-\"$SLURM_ARRAY_TASK_ID\".cstate"
        ));
        assert!(
            array.contains(r"'/home/me/it'\''s/headline.toml' -n 1000000000 --seed 7 --sampler mc"),
            "{array}"
        );
        let merge = j.merge_script();
        assert!(
            merge.contains("merge '/scratch/me/run1/states'/shard-{0..15}.cstate -o '/scratch/me/run1'"),
            "{merge}"
        );
        let submit = j.submit_script();
        assert!(submit.contains("--dependency=afterok:\"$array\" --kill-on-invalid-dep=yes"));
        assert!(submit.contains("sbatch --parsable '/scratch/me/run1/slurm/array.sbatch'"));
        // A value-of-information run: its options, each quoted, before --threads.
        let voi = SlurmJob {
            command: "voi".into(),
            options: vec!["--group".into(), "it's=a,b".into()],
            ..job()
        };
        voi.check().unwrap();
        let array = voi.array_script();
        assert!(
            array.contains(r"exec '/opt/cradle/bin/cradle' voi '/home/me/it'\''s/headline.toml' -n 1000000000 --seed 7 --sampler mc '--group' 'it'\''s=a,b' --threads 2"),
            "{array}"
        );
        assert!(array.contains("shards of a value-of-information run"), "{array}");
        assert_eq!(voi.merge_script(), j.merge_script());
        let other = SlurmJob {
            command: "sensitivity".into(),
            ..job()
        };
        assert!(
            other
                .check()
                .unwrap_err()
                .to_string()
                .contains("not `cradle sensitivity`")
        );
    }

    #[test]
    fn paths_an_sbatch_line_cannot_hold_are_refused() {
        let mut j = job();
        j.dir = "/scratch/my run".into();
        assert!(j.check().unwrap_err().to_string().contains("blanks"));
        let mut j = job();
        j.scenario = "headline.toml".into();
        assert!(j.check().unwrap_err().to_string().contains("not absolute"));
        let mut j = job();
        j.shards = 0;
        assert!(j.check().is_err());
    }
}
