//! The library's one error type. Every variant carries what a user needs to fix
//! the problem: the file, the line, the key, and what was expected.
//!
//! A variant that wraps another error returns it from `source()` and does
//! **not** repeat it in its own message, so a report that walks the chain
//! (anyhow's `{:#}`, [`Error::report`]) prints each cause exactly once:
//! "cannot write out/summary.csv: No space left on device (os error 28)".

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
    #[error("cannot read scenario {}", path.display())]
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
    /// An output file or directory could not be written (any I/O error on
    /// output, including a full disk).
    #[error("cannot write {}", path.display())]
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
    /// A CSV record could not be encoded (never an I/O error: those are
    /// [`Error::Write`], see [`Error::csv`]).
    #[error("cannot encode CSV {}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The underlying CSV error.
        source: csv::Error,
    },
    /// A report figure could not be drawn: a failure inside the drawing
    /// library, never the user's input (from `report::figures::FigureError`).
    #[error("cannot draw the {figure} figure: {message}")]
    Figure {
        /// Which figure.
        figure: &'static str,
        /// What the drawing library said.
        message: String,
    },
    /// Another process holds the lock on an output directory.
    #[error(
        "output directory {} is in use by another cradle process{}; wait for it to finish, or write elsewhere with -o DIR",
        dir.display(),
        pid.map_or_else(String::new, |p| format!(" (pid {p})"))
    )]
    Locked {
        /// The output directory.
        dir: PathBuf,
        /// The process holding the lock, when it could be read.
        pid: Option<u32>,
    },
}

fn join_errors(errors: &[Error]) -> String {
    let lines: Vec<String> = errors.iter().map(Error::report).collect();
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
            | Error::Merge(_)
            | Error::Locked { .. } => true,
            Error::Many(errors) => errors.iter().all(Error::is_bad_input),
            Error::Csv { .. } | Error::Figure { .. } => false,
        }
    }

    /// An error from the CSV writer of `path`: an I/O error (a full disk, a
    /// closed file) becomes [`Error::Write`], like every other failure to
    /// write an output file; anything else is [`Error::Csv`].
    pub fn csv(path: PathBuf, err: csv::Error) -> Error {
        if !err.is_io_error() {
            return Error::Csv { path, source: err };
        }
        match err.into_kind() {
            csv::ErrorKind::Io(source) => Error::Write { path, source },
            _ => unreachable!("csv documents is_io_error() as ErrorKind::Io"),
        }
    }

    /// The message followed by every cause, each once, separated by ": ".
    pub fn report(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        text
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

#[cfg(test)]
mod tests {
    use super::*;

    fn io(text: &str) -> std::io::Error {
        std::io::Error::other(text.to_string())
    }

    /// One error of every variant that wraps a cause, and a list of them.
    fn examples() -> Vec<Error> {
        let csv_io = csv::Error::from(io("disk on fire"));
        let unequal = {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["a", "b"]).unwrap();
            w.write_record(["a"]).unwrap_err()
        };
        vec![
            Error::Read {
                path: "s.toml".into(),
                source: io("stream did not contain valid UTF-8"),
            },
            Error::Write {
                path: "out/a.csv".into(),
                source: io("Is a directory"),
            },
            Error::csv("out/b.csv".into(), csv_io),
            Error::csv("out/c.csv".into(), unequal),
            Error::Many(vec![
                Error::Write {
                    path: "out/d.csv".into(),
                    source: io("No space left on device"),
                },
                Error::Config("bad".into()),
            ]),
        ]
    }

    #[test]
    fn every_cause_is_reported_once() {
        for err in examples() {
            let report = err.report();
            let mut layer: Option<&(dyn std::error::Error + 'static)> = Some(&err);
            while let Some(e) = layer {
                if let Some(cause) = e.source() {
                    assert!(
                        !e.to_string().contains(&cause.to_string()),
                        "'{e}' repeats its cause '{cause}'"
                    );
                }
                layer = e.source();
            }
            for needle in ["valid UTF-8", "Is a directory", "disk on fire", "No space left"] {
                assert!(report.matches(needle).count() <= 1, "{report}");
            }
        }
    }

    #[test]
    fn an_io_error_from_the_csv_writer_is_a_write_error() {
        let err = Error::csv("out/b.csv".into(), csv::Error::from(io("disk on fire")));
        assert!(matches!(err, Error::Write { .. }));
        assert!(err.is_bad_input());
        assert_eq!(err.report(), "cannot write out/b.csv: disk on fire");
    }
}
