//! The `cradle` binary: a table of contents. Parse the command line, hand it
//! to the command's file in `commands/`, and map errors to exit codes:
//! 0 success, 2 bad input (scenario, arguments, an output file or directory
//! that cannot be written), 1 anything else (including a full or failing
//! stdout; a closed stdout pipe ends quietly with 0). SIGINT, SIGTERM and
//! SIGHUP exit with 128 + the signal number (`interrupt`).

mod cli;
mod commands;
mod interrupt;
mod terminal;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Cmd};

fn main() -> ExitCode {
    interrupt::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let outcome = match cli.cmd {
        Cmd::Check { scenario } => commands::check::run(&scenario),
        Cmd::Run(args) => commands::run::run(args),
        Cmd::Sensitivity(args) => commands::sensitivity::run(args),
        Cmd::Compare(args) => commands::compare::run(args),
        Cmd::Merge(args) => commands::merge::run(args),
        Cmd::Slurm(args) => commands::slurm::run(args),
        Cmd::Report(args) => commands::report::run(args),
        Cmd::Voi(args) => commands::voi::run(args),
    };
    // After a signal the handler ends the process with the signal's code;
    // an error caused by its clean-up is not worth reporting.
    interrupt::wait_if_stopping();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if err
                .downcast_ref::<terminal::StdoutError>()
                .is_some_and(terminal::StdoutError::is_closed_pipe)
            {
                return ExitCode::SUCCESS;
            }
            terminal::error(&err);
            ExitCode::from(exit_code(&err))
        }
    }
}

/// A usage error (exit 2, on stderr) or `--help`/`--version` (exit 0, on
/// stdout). Help into a pipe or a file goes through `terminal::print`, so a
/// closed pipe and a full disk are handled as for any other output.
fn clap_exit(e: &clap::Error) -> ExitCode {
    if e.use_stderr() || std::io::stdout().is_terminal() {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    match terminal::print(&e.render().to_string()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is_closed_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            terminal::error(&anyhow::Error::new(err));
            ExitCode::from(1)
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
