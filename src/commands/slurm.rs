//! `cradle slurm SCENARIO --shards N`: write the scripts of a Slurm job
//! array running the scenario in N shards and of the job merging them
//! (DIR/slurm/array.sbatch, merge.sbatch, submit.sh), and with `--submit`
//! submit them.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use cradle::sampling::Design;
use cradle::shard::{MAX_ITERATIONS, SlurmJob};
use cradle::{Error, Model};

use crate::cli::SlurmArgs;

/// Run the command.
pub fn run(args: SlurmArgs) -> anyhow::Result<()> {
    let scenario = super::load(&args.scenario)?;
    super::show_notes(&scenario, false);
    let model = Model::compile(&scenario);
    let iterations = args.iterations.unwrap_or(scenario.settings.iterations);
    let seed = args.seed.unwrap_or(scenario.settings.seed);
    let sampler = args.sampler.map_or(scenario.settings.sampler, Into::into);
    if !(1..=MAX_ITERATIONS).contains(&iterations) {
        return Err(Error::Config(format!("-n/--iterations must be 1 to 2^62, not {iterations}")).into());
    }
    // The design's own checks (e.g. the Sobol sampler's limits), before anything is submitted.
    Design::new(sampler, &model, iterations, seed)?;
    let cradle = match &args.cradle {
        Some(path) => absolute(path)?,
        None => std::env::current_exe().context("finding the path of this cradle binary (give --cradle PATH)")?,
    };
    let out = args.out.clone().unwrap_or_else(|| super::default_out(&args.scenario));
    super::prepare(&out)?;
    let name: String = scenario
        .label()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let job = SlurmJob {
        cradle,
        scenario: absolute(&args.scenario)?,
        dir: absolute(&out)?,
        shards: args.shards,
        iterations,
        seed,
        sampler: sampler.name().into(),
        samples: args.samples,
        partition: args.partition.clone(),
        time: args.time.clone(),
        cpus_per_task: args.cpus_per_task,
        name: format!("cradle-{name}"),
    };
    job.check()?;
    for dir in [job.script_dir(), job.log_dir(), job.state_dir()] {
        super::prepare(&dir)?;
    }
    let array = write_script(&job.script_dir().join("array.sbatch"), &job.array_script())?;
    let merge = write_script(&job.script_dir().join("merge.sbatch"), &job.merge_script())?;
    let submit = write_script(&job.script_dir().join("submit.sh"), &job.submit_script())?;
    if !args.submit {
        println!(
            "wrote {}, {} and {}\nsubmit with: {}",
            array.display(),
            merge.display(),
            submit.display(),
            submit.display()
        );
        return Ok(());
    }
    let array_id = sbatch(&[OsStr::new("--parsable"), array.as_os_str()])?;
    let dependency = format!("--dependency=afterok:{array_id}");
    let merge_id = sbatch(&[
        OsStr::new("--parsable"),
        OsStr::new(&dependency),
        OsStr::new("--kill-on-invalid-dep=yes"),
        merge.as_os_str(),
    ])
    .with_context(|| {
        format!("submitting the merge job (array job {array_id} is submitted: cancel it with `scancel {array_id}`)")
    })?;
    println!("array job {array_id} ({} tasks)", job.shards);
    println!("merge job {merge_id} (afterok:{array_id}; cancelled if a task fails)");
    println!("results in {}", job.dir.display());
    Ok(())
}

/// `path` made absolute against the current directory (symbolic links resolved when it exists).
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return Ok(canonical);
    }
    std::path::absolute(path).with_context(|| format!("making {} absolute", path.display()))
}

/// Write an executable script; returns its path.
fn write_script(path: &Path, text: &str) -> anyhow::Result<PathBuf> {
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(path, text).map_err(write_error)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(write_error)?;
    Ok(path.to_path_buf())
}

/// Run `sbatch args` and return the job id it prints (`--parsable`: "id" or "id;cluster").
fn sbatch(args: &[&OsStr]) -> anyhow::Result<String> {
    let shown: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let output = match Command::new("sbatch").args(args).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Config(
                "--submit: sbatch is not on the PATH, so this is not a Slurm login node; the scripts are written: submit them where Slurm is with DIR/slurm/submit.sh".into(),
            )
            .into());
        }
        Err(e) => return Err(anyhow::anyhow!("cannot run sbatch {}: {e}", shown.join(" "))),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        anyhow::bail!(
            "sbatch {} failed ({}): {}",
            shown.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let id = stdout.trim().split(';').next().unwrap_or_default().to_string();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        anyhow::bail!("sbatch {} printed no job id: {}", shown.join(" "), stdout.trim());
    }
    Ok(id)
}
