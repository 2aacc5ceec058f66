//! `cradle slurm SCENARIO --shards N`: write the scripts of a Slurm job
//! array running the scenario in N shards (of `cradle run`, or with
//! `--command voi` of `cradle voi`) and of the job merging them
//! (DIR/slurm/array.sbatch, merge.sbatch, submit.sh), and with `--submit`
//! submit them.

use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use cradle::output::OutputSet;
use cradle::sampling::Design;
use cradle::shard::{MAX_ITERATIONS, SlurmJob};
use cradle::voi::{GroupSpec, SweepSpec, VoiConfig, VoiPlan};
use cradle::{Error, Model, Scenario};

use crate::cli::{SlurmArgs, SlurmCommand};
use crate::terminal;

/// Run the command.
pub fn run(args: SlurmArgs) -> anyhow::Result<()> {
    let scenario = super::load(&args.scenario)?;
    super::show_notes(&scenario, false);
    let model = Model::new(&scenario)?;
    let iterations = args.iterations.unwrap_or(scenario.settings.iterations);
    let seed = args.seed.unwrap_or(scenario.settings.seed);
    let sampler = args.sampler.map_or(scenario.settings.sampler, Into::into);
    if !(1..=MAX_ITERATIONS).contains(&iterations) {
        return Err(Error::Config(format!("-n/--iterations must be 1 to 2^62, not {iterations}")).into());
    }
    // The design's own checks (e.g. the Sobol sampler's limits), before anything is submitted.
    Design::new(sampler, &model, iterations, seed)?;
    let options = command_options(&args, &scenario, &model, iterations, seed, sampler)?;
    let cradle = match &args.cradle {
        Some(path) => absolute(path)?,
        None => std::env::current_exe().context("finding the path of this cradle binary (give --cradle PATH)")?,
    };
    let out = args.out.clone().unwrap_or_else(|| super::default_out(&args.scenario));
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
        command: match args.command {
            SlurmCommand::Run => "run".into(),
            SlurmCommand::Voi => "voi".into(),
        },
        options,
    };
    job.check()?;
    // Everything is checked: the three scripts land together as one output
    // set in DIR/slurm/, then the directories the jobs write into are made
    // (Slurm does not create a log file's directory).
    let mut set = super::open_set(&job.script_dir(), &SCRIPTS)?;
    let array = write_script(&mut set, "array.sbatch", &job.array_script())?;
    let merge = write_script(&mut set, "merge.sbatch", &job.merge_script())?;
    let submit = write_script(&mut set, "submit.sh", &job.submit_script())?;
    set.commit()?;
    for dir in [job.log_dir(), job.state_dir()] {
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write { path: dir, source })?;
    }
    if !args.submit {
        terminal::print(&format!(
            "wrote {}, {} and {}\nsubmit with: {}\n",
            array.display(),
            merge.display(),
            submit.display(),
            submit.display()
        ))?;
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
    terminal::print(&format!(
        "array job {array_id} ({} tasks)\nmerge job {merge_id} (afterok:{array_id}; cancelled if a task fails)\nresults in {}\n",
        job.shards,
        job.dir.display()
    ))?;
    Ok(())
}

/// The options of the tasks' command besides n, seed, sampler and threads:
/// none for `run`; for `voi`, its own, checked as `cradle voi` checks them
/// (the analysis is planned here, so a bad --group or --sweep is refused
/// before anything is written or submitted).
fn command_options(
    args: &SlurmArgs,
    scenario: &Scenario,
    model: &Model,
    iterations: u64,
    seed: u64,
    sampler: cradle::sampling::Sampler,
) -> anyhow::Result<Vec<String>> {
    let voi_options = args.metric.is_some()
        || !args.parameters.is_empty()
        || !args.groups.is_empty()
        || args.horizon.is_some()
        || args.sweep.is_some();
    match args.command {
        SlurmCommand::Run if voi_options => Err(Error::Config(
            "--metric, --parameters, --group, --horizon and --sweep go with --command voi".into(),
        )
        .into()),
        SlurmCommand::Run => Ok(Vec::new()),
        SlurmCommand::Voi if args.samples => {
            Err(Error::Config("--samples goes with --command run (cradle voi writes no samples.csv)".into()).into())
        }
        SlurmCommand::Voi => {
            let config = VoiConfig {
                metric: args.metric.clone(),
                parameters: (!args.parameters.is_empty()).then(|| args.parameters.clone()),
                groups: args
                    .groups
                    .iter()
                    .map(|g| GroupSpec::parse(g))
                    .collect::<Result<_, _>>()?,
                horizon: args.horizon,
                sweep: args.sweep.as_deref().map(SweepSpec::parse).transpose()?,
                iterations,
                seed,
                sampler,
                ..VoiConfig::for_scenario(scenario)
            };
            VoiPlan::new(scenario, model, &config)?;
            let mut words = Vec::new();
            if let Some(m) = &args.metric {
                words.extend(["--metric".to_string(), m.clone()]);
            }
            if !args.parameters.is_empty() {
                words.push("--parameters".into());
                words.extend(args.parameters.iter().cloned());
            }
            for g in &args.groups {
                words.extend(["--group".to_string(), g.clone()]);
            }
            if let Some(h) = args.horizon {
                words.extend(["--horizon".to_string(), h.to_string()]);
            }
            if let Some(s) = &args.sweep {
                words.extend(["--sweep".to_string(), s.clone()]);
            }
            Ok(words)
        }
    }
}

/// `path` made absolute against the current directory (symbolic links resolved when it exists).
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return Ok(canonical);
    }
    std::path::absolute(path).with_context(|| format!("making {} absolute", path.display()))
}

/// The files `cradle slurm` writes in DIR/slurm/ (one output set).
const SCRIPTS: [&str; 3] = ["array.sbatch", "merge.sbatch", "submit.sh"];

/// Write the executable script `name` into `set`; returns its final path.
fn write_script(set: &mut OutputSet, name: &str, text: &str) -> anyhow::Result<PathBuf> {
    let mut file = set.create(name)?;
    let path = file.target().to_path_buf();
    let write_error = |source| Error::Write {
        path: path.clone(),
        source,
    };
    file.write_all(text.as_bytes()).map_err(write_error)?;
    // The mode goes with the file when it is renamed into place.
    file.writer()
        .get_ref()
        .set_permissions(std::fs::Permissions::from_mode(0o755))
        .map_err(write_error)?;
    Ok(set.finish(file)?)
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
