//! A table of PSA draws made elsewhere, read from CSV: one header row of
//! column names, then one row per draw, every cell a number.
//!
//! - An empty or non-numeric cell is an error naming the CSV line (the
//!   header is line 1), the data row (the first row after the header is
//!   data row 1) and the column. Up to [`MAX_PROBLEMS`] are reported at once.
//! - A row with any NaN or infinite value (`nan`, `inf`, `-inf`) is dropped
//!   from every column alike and counted ([`PsaTable::dropped`]).
//! - Asking for a column that is not there is an error listing the columns,
//!   with the nearest name as a "did you mean".

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::nearest;
use crate::error::{Error, Location, Result};

/// At most this many bad cells are reported in one error.
pub const MAX_PROBLEMS: usize = 20;

/// The largest PSA table cradle reads: 4 GiB (10^7 draws of 20 columns
/// written with 17 significant digits take about 3.6 GB). The limit, and
/// the refusal of a NUL byte (which no CSV text holds), keep `--from-csv
/// /dev/zero` or a binary file from reading until memory runs out.
pub const MAX_PSA_BYTES: u64 = 4 << 30;

/// The columns of a PSA table, with non-finite rows dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct PsaTable {
    path: PathBuf,
    names: Vec<String>,
    columns: Vec<Vec<f64>>,
    dropped: usize,
    sha256: String,
}

fn invalid(path: &Path, line: u64, key: &str, message: String) -> Error {
    Error::Invalid {
        at: Location {
            file: path.to_path_buf(),
            line: line as usize,
        },
        key: key.to_string(),
        message,
    }
}

impl PsaTable {
    /// Read the CSV file at `path`.
    pub fn read(path: &Path) -> Result<PsaTable> {
        let file = std::fs::File::open(path)
            .map_err(|e| Error::Config(format!("cannot read PSA table {}: {e}", path.display())))?;
        PsaTable::from_reader(path, file)
    }

    /// Read CSV from `reader`; `path` names it in messages.
    pub fn from_reader(path: &Path, reader: impl Read) -> Result<PsaTable> {
        let bytes = read_text_bytes(path, reader, MAX_PSA_BYTES)?;
        let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        let mut csv = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(&bytes[..]);
        let header = csv.headers().map_err(|e| csv_error(path, &e))?.clone();
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(j, h)| if j == 0 { h.trim_start_matches('\u{feff}') } else { h }.to_string())
            .collect();
        let mut problems = Vec::new();
        if names.is_empty() || names.iter().all(String::is_empty) {
            return Err(invalid(
                path,
                1,
                "header",
                "expected a header row of column names".into(),
            ));
        }
        for (j, name) in names.iter().enumerate() {
            if name.is_empty() {
                problems.push(invalid(
                    path,
                    1,
                    &format!("column {}", j + 1),
                    "empty column name".into(),
                ));
            } else if let Some(first) = names[..j].iter().position(|n| n == name) {
                let message = format!("column name used twice (columns {} and {})", first + 1, j + 1);
                problems.push(invalid(path, 1, name, message));
            }
        }
        let mut columns = vec![Vec::new(); names.len()];
        let (mut rows, mut dropped) = (0, 0);
        let mut values = vec![0.0; names.len()];
        for record in csv.records() {
            let record = record.map_err(|e| csv_error(path, &e))?;
            rows += 1;
            let line = record.position().map_or(0, csv::Position::line);
            let mut parsed = true;
            for (j, cell) in record.iter().enumerate() {
                let problem = if cell.is_empty() {
                    Some("empty cell".to_string())
                } else {
                    match cell.parse::<f64>() {
                        Ok(v) => {
                            values[j] = v;
                            None
                        }
                        Err(_) => Some(format!(
                            "cannot read '{cell}' as a number{}",
                            if cell.eq_ignore_ascii_case("na") {
                                " (write nan to drop the row)"
                            } else {
                                ""
                            }
                        )),
                    }
                };
                if let Some(p) = problem {
                    parsed = false;
                    if problems.len() < MAX_PROBLEMS {
                        let message = format!("data row {rows} (not counting the header): {p}");
                        problems.push(invalid(path, line, &names[j], message));
                    }
                }
            }
            if !parsed {
                continue;
            }
            if values.iter().all(|v| v.is_finite()) {
                for (c, v) in columns.iter_mut().zip(&values) {
                    c.push(*v);
                }
            } else {
                dropped += 1;
            }
        }
        if let Some(e) = Error::from_list(problems) {
            return Err(e);
        }
        if rows == 0 {
            return Err(invalid(path, 1, "header", "the table has no data rows".into()));
        }
        Ok(PsaTable {
            path: path.to_path_buf(),
            names,
            columns,
            dropped,
            sha256,
        })
    }

    /// The column names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Rows kept (finite in every column).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    /// Rows dropped because some value was NaN or infinite.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// SHA-256 of the file's bytes (hex), for manifests.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The file the table was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The column called `name`, or an error listing the columns there are.
    pub fn column(&self, name: &str) -> Result<&[f64]> {
        match self.names.iter().position(|n| n == name) {
            Some(j) => Ok(&self.columns[j]),
            None => {
                let hint = nearest(name, &self.names).map_or_else(String::new, |n| format!("did you mean '{n}'? "));
                let message = format!("no such column; {hint}the columns are: {}", self.names.join(", "));
                Err(invalid(&self.path, 1, name, message))
            }
        }
    }

    /// The columns called `names`, in that order; every unknown name is reported.
    pub fn columns<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<&[f64]>> {
        let mut found = Vec::with_capacity(names.len());
        let mut problems = Vec::new();
        for name in names {
            match self.column(name.as_ref()) {
                Ok(c) => found.push(c),
                Err(e) => problems.push(e),
            }
        }
        match Error::from_list(problems) {
            Some(e) => Err(e),
            None => Ok(found),
        }
    }
}

/// Every byte of `reader`, refusing more than `limit` of them or a NUL
/// byte as soon as one is read.
fn read_text_bytes(path: &Path, reader: impl Read, limit: u64) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| Error::Config(format!("cannot read PSA table {}: {e}", path.display()));
    let mut bytes = Vec::new();
    let mut reader = reader.take(limit + 1);
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(cannot(e)),
        };
        if let Some(at) = block[..n].iter().position(|&b| b == 0) {
            let offset = bytes.len() + at;
            let line = 1 + bytes.iter().chain(&block[..at]).filter(|&&b| b == b'\n').count();
            return Err(invalid(
                path,
                line as u64,
                "file",
                format!("a NUL byte at byte {offset}: this is not a CSV text file (export the draws as CSV)"),
            ));
        }
        bytes.extend_from_slice(&block[..n]);
        if bytes.len() as u64 > limit {
            return Err(Error::Config(format!(
                "PSA table {} is larger than {} MiB, the most cradle reads; thin the draws or keep only the columns the analysis needs",
                path.display(),
                limit >> 20
            )));
        }
    }
    Ok(bytes)
}

/// A CSV-level error (ragged rows, invalid UTF-8) at its line.
fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} cells but the header has {expected_len}")
        }
        _ => e.to_string(),
    };
    invalid(path, line, "row", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Result<PsaTable> {
        PsaTable::from_reader(Path::new("psa.csv"), text.as_bytes())
    }

    #[test]
    fn reads_columns_and_drops_nonfinite_rows() {
        let t = table("fund, effect\n1.5, 0.2\nnan, 0.3\n-2, inf\n4e3, 0.1\n").unwrap();
        assert_eq!(t.names(), &["fund", "effect"]);
        assert_eq!((t.rows(), t.dropped()), (2, 2));
        assert_eq!(t.column("fund").unwrap(), &[1.5, 4000.0]);
        assert_eq!(t.column("effect").unwrap(), &[0.2, 0.1]);
    }

    #[test]
    fn bad_cells_name_line_row_and_column() {
        let e = table("fund,effect\n1,0.2\n2,abc\n,0.4\n").unwrap_err().to_string();
        assert!(
            e.contains("psa.csv:3: effect: data row 2 (not counting the header): cannot read 'abc'"),
            "{e}"
        );
        assert!(
            e.contains("psa.csv:4: fund: data row 3 (not counting the header): empty cell"),
            "{e}"
        );
        assert!(e.starts_with("2 problems"), "{e}");
        let na = table("fund\nNA\n").unwrap_err().to_string();
        assert!(na.contains("write nan to drop the row"), "{na}");
    }

    #[test]
    fn ragged_rows_duplicate_names_and_empty_tables() {
        let e = table("a,b\n1,2\n3\n").unwrap_err().to_string();
        assert!(
            e.contains("psa.csv:3: row: this row has 1 cells but the header has 2"),
            "{e}"
        );
        let e = table("a,b,a\n1,2,3\n").unwrap_err().to_string();
        assert!(e.contains("column name used twice (columns 1 and 3)"), "{e}");
        assert!(table("a,b\n").unwrap_err().to_string().contains("no data rows"));
        assert!(table("").unwrap_err().to_string().contains("header row"));
    }

    #[test]
    fn unknown_columns_suggest_and_list() {
        let t = table("net_benefit,effect_size\n1,2\n").unwrap();
        let e = t.column("effect_sise").unwrap_err().to_string();
        assert!(
            e.contains("psa.csv:1: effect_sise: no such column; did you mean 'effect_size'?"),
            "{e}"
        );
        assert!(e.contains("the columns are: net_benefit, effect_size"), "{e}");
        let both = t.columns(&["x", "net_benefit", "y"]).unwrap_err().to_string();
        assert!(both.starts_with("2 problems"), "{both}");
    }

    #[test]
    fn endless_or_binary_input_is_refused_without_reading_it_all() {
        // A NUL byte: refused at once, with its line, whatever follows.
        let e = PsaTable::from_reader(Path::new("psa.csv"), std::io::repeat(0)).unwrap_err();
        assert!(e.to_string().contains("psa.csv:1: file: a NUL byte at byte 0"), "{e}");
        let e = table("a,b\n1,2\n3\0,4\n").unwrap_err().to_string();
        assert!(e.contains("psa.csv:3: file: a NUL byte at byte 9"), "{e}");
        // Endless text: refused at the limit (a small one here).
        let endless = std::io::repeat(b'1');
        let e = read_text_bytes(Path::new("psa.csv"), endless, 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(e.contains("psa.csv is larger than 1 MiB"), "{e}");
        assert_eq!(
            read_text_bytes(Path::new("psa.csv"), &[b'1'; 1 << 20][..], 1 << 20)
                .unwrap()
                .len(),
            1 << 20,
            "exactly the limit is read"
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_name() {
        let t = table("\u{feff}fund\n1\n").unwrap();
        assert!(t.column("fund").is_ok());
    }
}
