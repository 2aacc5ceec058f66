//! The command line (clap derive). These flags are a contract (DESIGN.md):
//! users' scripts depend on them. clap types stop in `main.rs`.

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
    /// No progress bar and no summary table (errors and warnings still print).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}
