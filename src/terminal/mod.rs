//! What the binary shows a person: the one way text reaches stdout
//! ([`print`]) and stderr ([`warn`], [`note`], [`error`]), the progress bar
//! ([`progress`]), and the tables each command prints ([`tables`],
//! [`sensitivity`]). (The library never prints.) Every table fits 80
//! columns; numbers are rounded as in the report (`cradle::report::format`).
//!
//! Nothing here panics on a closed or full stream (`print!` would): stdout
//! errors are returned as [`StdoutError`], which `main` turns into a quiet
//! exit 0 for a closed pipe (`cradle check S | head -1`, as ripgrep does) and
//! exit 1 with a message for anything else (a full disk); stderr errors are
//! ignored, as there is nowhere left to report them.

pub mod progress;
pub mod sensitivity;
pub mod tables;
pub mod voi;

use std::io::Write as _;
use std::path::{Path, PathBuf};

pub use progress::{Progress, RunObserver};
pub use tables::{base_case_table, compare_table, run_table};
pub use voi::voi_table;

/// The width every table and wrapped line fits in.
pub const WIDTH: usize = 80;

/// Standard output could not be written (not an output file: exit 1).
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output")]
pub struct StdoutError(#[source] pub std::io::Error);

impl StdoutError {
    /// The reader went away (a closed pipe): not an error for a CLI.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind() == std::io::ErrorKind::BrokenPipe
    }
}

/// Write `text` to stdout and flush it.
pub fn print(text: &str) -> Result<(), StdoutError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}

/// One line on stderr; a closed or full stderr is ignored.
fn eprint_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// "warning: …" on stderr.
pub fn warn(text: &str) {
    eprint_line(&format!("warning: {text}"));
}

/// "note: …" on stderr.
pub fn note(text: &str) {
    eprint_line(&format!("note: {text}"));
}

/// "error: …" on stderr, with every cause once.
pub fn error(err: &anyhow::Error) {
    eprint_line(&format!("error: {err:#}"));
}

/// `words` filled into lines of at most [`WIDTH`] characters, each line
/// after the first indented by `indent` spaces.
pub fn wrap(words: &str, indent: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in words.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = " ".repeat(indent);
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// "Wrote a.csv, b.csv and figures/c.svg to DIR", listing every file
/// written (paths relative to `dir`), wrapped to 80 columns.
pub fn wrote(dir: &Path, files: &[PathBuf]) -> String {
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(dir).unwrap_or(f).display().to_string())
        .collect();
    let list = match names.len() {
        0 => "nothing".to_string(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    };
    wrap(&format!("Wrote {list} to {}", dir.display()), 2)
}

/// 1234567.8 -> "1,234,568" (for people; CSV files never group digits).
pub fn grouped(x: f64) -> String {
    cradle::report::format::grouped(x, 0)
}

/// `text` cut to `width` characters with an ellipsis, padded to `width`.
pub fn cell(text: &str, width: usize) -> String {
    let cut = cradle::report::format::ellipsis(text, width);
    let pad = width.saturating_sub(cut.chars().count());
    format!("{cut}{}", " ".repeat(pad))
}

/// `text` right-aligned in `width` characters (cut with an ellipsis).
pub fn right(text: &str, width: usize) -> String {
    let cut = cradle::report::format::ellipsis(text, width);
    let pad = width.saturating_sub(cut.chars().count());
    format!("{}{cut}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrote_lists_every_file_relative_to_the_directory() {
        let dir = Path::new("out/h");
        let files = vec![dir.join("summary.csv"), dir.join("figures/tornado.svg")];
        assert_eq!(
            wrote(dir, &files),
            "Wrote summary.csv and figures/tornado.svg to out/h\n"
        );
        let many: Vec<PathBuf> = (0..30).map(|i| dir.join(format!("file{i}.csv"))).collect();
        let text = wrote(dir, &many);
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(text.contains("file29.csv"));
    }

    #[test]
    fn cells_are_cut_and_padded() {
        assert_eq!(cell("abc", 5), "abc  ");
        assert_eq!(cell("abcdefg", 5), "abcd…");
        assert_eq!(right("ab", 4), "  ab");
    }
}
