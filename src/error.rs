//! The library's one error type. Every variant carries what a user needs to fix
//! the problem: the file, the line, the key, and what was expected.

use std::fmt;
use std::path::PathBuf;

/// Where in a scenario file something was written (1-based line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The scenario file.
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A scenario file (or a file it extends) could not be read.
    #[error("cannot read scenario {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{}:{line}:{column}: TOML syntax error: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A scenario value is missing, mistyped or impossible.
    #[error("{at}: {key}: {message}")]
    Invalid {
        /// Where the offending key (or its table) was written.
        at: Location,
        /// Dotted key path, e.g. `parameters.reach.sd`.
        key: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// Several problems found in one pass over a scenario.
    #[error("{}", join_errors(.0))]
    Many(Vec<Error>),
    /// A run setting (from the command line or `[settings]`) is impossible.
    #[error("{0}")]
    Config(String),
    /// An output file or directory could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A shard's state file cannot be read or is not what it should be.
    #[error("state file {}: {message}", path.display())]
    State {
        /// The file.
        path: PathBuf,
        /// What was wrong, and what to do about it.
        message: String,
    },
    /// State files that do not belong together (the message names the
    /// files and the field).
    #[error("{0}")]
    Merge(String),
    /// A CSV record could not be written.
    #[error("cannot write CSV {}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The underlying CSV error.
        source: csv::Error,
    },
}

fn join_errors(errors: &[Error]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    format!("{} problems:\n  {}", errors.len(), lines.join("\n  "))
}

impl Error {
    /// True for errors caused by the user's input (scenario, arguments, output
    /// location): the binary maps these to exit code 2.
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Read { .. }
            | Error::Syntax { .. }
            | Error::Invalid { .. }
            | Error::Config(_)
            | Error::Write { .. }
            | Error::State { .. }
            | Error::Merge(_) => true,
            Error::Many(errors) => errors.iter().all(Error::is_bad_input),
            Error::Csv { .. } => false,
        }
    }

    /// Collapse a list of problems into one error (`None` when empty).
    pub fn from_list(mut errors: Vec<Error>) -> Option<Error> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(Error::Many(errors)),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
