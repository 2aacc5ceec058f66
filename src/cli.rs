//! The command line (clap derive). These flags are a contract (the README's
//! command reference): users' scripts depend on them. clap types stop in
//! `commands/`, which converts them into library configurations.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// cradle: stress-test a lifetime-savings claim by Monte Carlo.
#[derive(Debug, Parser)]
#[command(name = "cradle", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Validate a scenario and print its deterministic base case.
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Run the Monte Carlo simulation and write CSV summaries.
    Run(RunArgs),
    /// Which inputs drive a metric: tornado, switching values, Sobol, PRCC, Morris.
    Sensitivity(SensitivityArgs),
    /// Several scenarios side by side, on common random numbers.
    Compare(CompareArgs),
    /// The whole stress test in one page: run, sensitivity, comparison;
    /// report.html, report.md, figures/*.svg and every CSV.
    Report(ReportArgs),
    /// Merge the state files of a sharded run, comparison or value-of-information run into its CSV files.
    Merge(MergeArgs),
    /// Write (and with --submit, submit) a Slurm job array running a scenario in shards, and its merge job.
    Slurm(SlurmArgs),
    /// Value of information: EVPI, EVPPI per parameter and group, the decision curve.
    Voi(VoiArgs),
}

/// Arguments of `cradle report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Variants to compare with the scenario, on common random numbers.
    #[arg(long = "compare", value_name = "VARIANT.toml", num_args = 1..)]
    pub compare: Vec<PathBuf>,
    /// Iterations of the run and of each compared scenario (default: [settings] iterations, else 100000).
    #[arg(short = 'n', long = "iterations", value_name = "N")]
    pub iterations: Option<u64>,
    /// Sobol base samples N (rounded up to a power of two; default 131072).
    #[arg(long = "sobol-samples", value_name = "N")]
    pub sobol_samples: Option<u64>,
    /// PRCC iterations (default 100000).
    #[arg(long = "prcc-iterations", value_name = "N")]
    pub prcc_iterations: Option<u64>,
    /// Bootstrap resamples for Sobol and Morris intervals.
    #[arg(long, value_name = "B", default_value_t = 1000)]
    pub bootstrap: usize,
    /// The metric the report is about (default: the first metric with a claim).
    #[arg(long, value_name = "M")]
    pub metric: Option<String>,
    /// Years of annual cohorts for the population EVPI (default 10; 0: per cohort only).
    #[arg(long, value_name = "YEARS")]
    pub horizon: Option<u32>,
    /// Seed (default: [settings] seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Sampling design of the run (default: [settings] sampler, else mc).
    #[arg(long, value_enum)]
    pub sampler: Option<SamplerArg>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: out/<scenario file stem>/report/).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary (errors and warnings still print).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `--shard`, `--shards` and `--state`: run one shard of a run, a comparison
/// or a value-of-information run.
#[derive(Debug, clap::Args)]
pub struct ShardArgs {
    /// Run only shard I of N, numbered from 0 (0/4 … 3/4, as Slurm's array task
    /// ids), or `auto` to read it from a Slurm job array or a Kubernetes Indexed
    /// Job. Writes no CSV, only the state file --state, for `cradle merge`.
    #[arg(long, value_name = "I/N|auto", requires = "state")]
    pub shard: Option<String>,
    /// With --shard auto: the number of shards. Required under Kubernetes (the
    /// Job's completions); under Slurm, the array task id is then the shard
    /// number (0 to N − 1), so a failed task can be resubmitted alone.
    #[arg(long, value_name = "N", requires = "shard")]
    pub shards: Option<u64>,
    /// The state file the shard writes (with --shard).
    #[arg(long, value_name = "FILE", requires = "shard", conflicts_with = "out")]
    pub state: Option<PathBuf>,
}

/// Arguments of `cradle merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The state files of every shard (written by `run --shard`, `compare
    /// --shard` or `voi --shard`), in any order.
    #[arg(required = true, num_args = 1..)]
    pub states: Vec<PathBuf>,
    /// Output directory (default: out/<scenario file stem>/ for a run, out/compare/ for a comparison).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The scenario file, when it is no longer where the shards read it (states
    /// moved to another machine); it must have the SHA-256 the states recorded.
    /// For a comparison, repeat it once per scenario, in the comparison's order.
    #[arg(long = "scenario", value_name = "PATH")]
    pub scenarios: Vec<PathBuf>,
    /// No summary table.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `cradle slurm`.
#[derive(Debug, clap::Args)]
pub struct SlurmArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of shards: the array's tasks.
    #[arg(long, value_name = "N")]
    pub shards: u64,
    /// Number of iterations of the whole run (default: [settings] iterations, else 100000).
    #[arg(short = 'n', long = "iterations", value_name = "N")]
    pub iterations: Option<u64>,
    /// Seed of the random streams (default: [settings] seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Sampling design (default: [settings] sampler, else mc).
    #[arg(long, value_enum)]
    pub sampler: Option<SamplerArg>,
    /// Also write samples.csv.
    #[arg(long)]
    pub samples: bool,
    /// Slurm partition (default: the cluster's default partition).
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Time limit of each task, in Slurm's format (e.g. 1:00:00).
    #[arg(long, value_name = "T")]
    pub time: Option<String>,
    /// CPUs of each task, which is also its --threads.
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub cpus_per_task: u64,
    /// Output directory: the CSV files, states/ and slurm/ (default: out/<scenario file stem>/).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The cradle binary the jobs run (default: this one).
    #[arg(long, value_name = "PATH")]
    pub cradle: Option<PathBuf>,
    /// Submit the array and the merge job with sbatch, and print their job ids.
    #[arg(long)]
    pub submit: bool,
    /// What the array's tasks run shards of: `cradle run` (the default) or
    /// `cradle voi` (with --metric, --parameters, --group, --horizon, --sweep).
    #[arg(long, value_enum, default_value_t = SlurmCommand::Run)]
    pub command: SlurmCommand,
    /// With --command voi: as `cradle voi --metric`.
    #[arg(long, value_name = "M")]
    pub metric: Option<String>,
    /// With --command voi: as `cradle voi --parameters`.
    #[arg(long, value_name = "P", num_args = 1..)]
    pub parameters: Vec<String>,
    /// With --command voi: as `cradle voi --group` (repeatable).
    #[arg(long = "group", value_name = "NAME=P1,P2,...")]
    pub groups: Vec<String>,
    /// With --command voi: as `cradle voi --horizon`.
    #[arg(long, value_name = "YEARS")]
    pub horizon: Option<u32>,
    /// With --command voi: as `cradle voi --sweep`.
    #[arg(long, value_name = "PARAM=LO:HI:STEP")]
    pub sweep: Option<String>,
}

/// The command the tasks of `cradle slurm`'s job array run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SlurmCommand {
    /// `cradle run`.
    Run,
    /// `cradle voi`.
    Voi,
}

/// Arguments of `cradle voi`.
#[derive(Debug, clap::Args)]
pub struct VoiArgs {
    /// The scenario file (TOML); not with --from-csv.
    #[arg(required_unless_present = "from_csv", conflicts_with = "from_csv")]
    pub scenario: Option<PathBuf>,
    /// Read PSA draws from a CSV table (one row per draw) instead of running a scenario.
    #[arg(long, value_name = "FILE")]
    pub from_csv: Option<PathBuf>,
    /// With --from-csv: a net-benefit column, one per option (one column: fund or not, the
    /// net benefit of not funding being 0; several: the first is the reference).
    #[arg(long = "nb", value_name = "COL", requires = "from_csv")]
    pub nb: Vec<String>,
    /// The metric used as the net benefit of funding (default: net_savings, else the first metric).
    #[arg(long, value_name = "M", conflicts_with = "from_csv")]
    pub metric: Option<String>,
    /// Parameters for single-parameter EVPPI (default: every uncertain parameter); with
    /// --from-csv, the input columns.
    #[arg(long, value_name = "P", num_args = 1..)]
    pub parameters: Vec<String>,
    /// A group of parameters whose EVPPI is estimated jointly (by regression): NAME=P1,P2,...
    /// Repeatable; the scenario's [[group]]s are always included.
    #[arg(long = "group", value_name = "NAME=P1,P2,...")]
    pub groups: Vec<String>,
    /// Also the population EVPI over this many annual cohorts, discounted on [discounting] costs.
    #[arg(long, value_name = "YEARS", conflicts_with = "from_csv")]
    pub horizon: Option<u32>,
    /// The decision curve: P(NB > 0), mean NB and EVPI with PARAM held at LO, LO+STEP, ... HI
    /// (voi_sweep.csv).
    #[arg(long, value_name = "PARAM=LO:HI:STEP", conflicts_with = "from_csv")]
    pub sweep: Option<String>,
    /// Number of iterations (default: [settings] iterations, else 100000).
    #[arg(short = 'n', long = "iterations", value_name = "N", conflicts_with = "from_csv")]
    pub iterations: Option<u64>,
    /// Seed of the random streams and of the regressions' replicates (default: [settings] seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Sampling design (default: [settings] sampler, else mc).
    #[arg(long, value_enum, conflicts_with = "from_csv")]
    pub sampler: Option<SamplerArg>,
    /// Output directory (default: out/<scenario or table file stem>/).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run one shard of the scenario's draws (see `cradle run --help`); not with --from-csv.
    #[command(flatten)]
    pub shard: ShardArgs,
    /// No table on stdout (errors and warnings still print).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `cradle compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario files; differences are taken from the first.
    #[arg(required = true, num_args = 1..)]
    pub scenarios: Vec<PathBuf>,
    /// Iterations per scenario (default: the first scenario's [settings], else 100000).
    #[arg(short = 'n', long = "iterations", value_name = "N")]
    pub iterations: Option<u64>,
    /// Seed (default: the first scenario's [settings] seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: out/compare/).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run one shard (see `cradle run --help`).
    #[command(flatten)]
    pub shard: ShardArgs,
    /// No table on stdout.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// A sampling design on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SamplerArg {
    /// Plain Monte Carlo.
    Mc,
    /// Latin hypercube over the whole run.
    Lhs,
    /// Owen-scrambled Sobol points (n a power of two balances best).
    Sobol,
}

impl From<SamplerArg> for cradle::sampling::Sampler {
    fn from(s: SamplerArg) -> Self {
        match s {
            SamplerArg::Mc => cradle::sampling::Sampler::MonteCarlo,
            SamplerArg::Lhs => cradle::sampling::Sampler::LatinHypercube,
            SamplerArg::Sobol => cradle::sampling::Sampler::Sobol,
        }
    }
}

/// A sensitivity method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// One-way swings, each input at a low and a high percentile.
    Tornado,
    /// Switching values: where net savings reach 0 or a claim is met exactly.
    Threshold,
    /// Variance-based first-order and total indices (Saltelli design).
    Sobol,
    /// Partial rank correlation and standardised regression coefficients.
    Prcc,
    /// Morris elementary effects.
    Morris,
    /// All of the above.
    All,
}

impl From<Method> for cradle::sensitivity::Method {
    fn from(m: Method) -> Self {
        match m {
            Method::Tornado => cradle::sensitivity::Method::Tornado,
            Method::Threshold => cradle::sensitivity::Method::Threshold,
            Method::Sobol => cradle::sensitivity::Method::Sobol,
            Method::Prcc => cradle::sensitivity::Method::Prcc,
            Method::Morris => cradle::sensitivity::Method::Morris,
            Method::All => cradle::sensitivity::Method::All,
        }
    }
}

/// Arguments of `cradle sensitivity`.
#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The method (or `all`).
    #[arg(long, value_enum)]
    pub method: Method,
    /// Metric(s) to analyse (default: net_savings, else the first metric).
    #[arg(long = "metric", value_name = "M", num_args = 1..)]
    pub metrics: Vec<String>,
    /// Sample size: Sobol base samples N (rounded up to a power of two; default 8192)
    /// or PRCC iterations (default 10000).
    #[arg(short = 'n', long = "iterations", value_name = "N")]
    pub iterations: Option<u64>,
    /// Seed (default: [settings] seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Tornado range in percentiles of each input's distribution.
    #[arg(long, value_name = "LO,HI", default_value = "5,95")]
    pub range: String,
    /// Also estimate second-order Sobol indices (s2.csv).
    #[arg(long)]
    pub second_order: bool,
    /// Bootstrap resamples for Sobol and Morris intervals.
    #[arg(long, value_name = "B", default_value_t = 1000)]
    pub bootstrap: usize,
    /// Morris trajectories r.
    #[arg(long, value_name = "R", default_value_t = 50)]
    pub trajectories: usize,
    /// Morris grid levels p (even).
    #[arg(long, value_name = "P", default_value_t = 4)]
    pub levels: usize,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: out/<scenario file stem>/).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors and warnings.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `cradle run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of iterations (default: [settings] iterations, else 100000).
    #[arg(short = 'n', long = "iterations", value_name = "N")]
    pub iterations: Option<u64>,
    /// Seed of the random streams (default: [settings] seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: out/<scenario file stem>/).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write samples.csv: every iteration's inputs and metrics.
    #[arg(long)]
    pub samples: bool,
    /// Sampling design (default: [settings] sampler, else mc).
    #[arg(long, value_enum)]
    pub sampler: Option<SamplerArg>,
    /// Stop once the 95% interval of the mean of --metric is within ±P·|mean|
    /// (e.g. 0.01); -n is then the cap.
    #[arg(long, value_name = "P")]
    pub precision: Option<f64>,
    /// The metric --precision watches (default: value_per_child, else the first metric).
    #[arg(long, value_name = "M", requires = "precision")]
    pub metric: Option<String>,
    /// Run one shard of the run.
    #[command(flatten)]
    pub shard: ShardArgs,
    /// No progress bar and no summary table (errors and warnings still print).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}
