//! The `cradle` binary: a table of contents. Parse the command line, hand it
//! to the command's file in `commands/`, and map errors to exit codes:
//! 0 success, 2 bad input (scenario, arguments, output location), 1 anything else.

mod cli;
mod commands;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Cmd};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.cmd {
        Cmd::Check { scenario } => commands::check::run(&scenario),
        Cmd::Run(args) => commands::run::run(args),
        Cmd::Sensitivity(args) => commands::sensitivity::run(args),
        Cmd::Compare(args) => commands::compare::run(args),
        Cmd::Merge(args) => commands::merge::run(args),
        Cmd::Slurm(args) => commands::slurm::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}

/// 2 when any cause in the chain is the user's input, else 1.
fn exit_code(err: &anyhow::Error) -> u8 {
    let bad_input = err.chain().any(|e| {
        e.downcast_ref::<cradle::Error>()
            .is_some_and(cradle::Error::is_bad_input)
    });
    if bad_input { 2 } else { 1 }
}
