//! CSV outputs. Each command writes its files as one [`OutputSet`]: staged,
//! then swapped into the output directory together, or not at all. Every
//! CSV starts with its header, even with no rows. Numbers are written in full
//! (no exponent, no thousands separator, `.` as decimal point, shortest form
//! that reads back to the same f64); an empty cell means "not defined".

pub mod comparison;
mod journal;
mod lock;
mod run_files;
mod samples;
pub mod sensitivity;
mod set;
mod staged_file;
pub mod voi;

use std::path::PathBuf;

use serde::{Serialize, Serializer};

pub use lock::LOCK_FILE;
pub use run_files::{HISTOGRAM_BINS, RUN_FILES, RunInfo, write_run};
pub use samples::{RowSink, SampleWriter};
pub use set::{AbandonHandle, OutputSet, STAGING_PREFIX};
pub use staged_file::StagedFile;

use crate::error::{Error, Result};

/// A number cell: finite values in full decimal, anything else empty.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Num(pub f64);

impl Num {
    /// The cell text. `Display` for f64 never uses an exponent and reads
    /// back to the same value.
    pub fn text(self) -> String {
        if self.0.is_finite() {
            format!("{}", self.0)
        } else {
            String::new()
        }
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// An optional number cell (empty when `None`).
pub fn opt(x: Option<f64>) -> Num {
    Num(x.unwrap_or(f64::NAN))
}

/// The header of a CSV of `R` rows: the serde field names of `R` (a struct
/// with named fields), read off a default row, so that a file with no rows
/// still has its header.
fn header<R: Serialize + Default>() -> csv::ByteRecord {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(R::default())
        .expect("a row struct of numbers and strings serializes into memory");
    let bytes = w.into_inner().expect("writing into memory cannot fail");
    let mut header = csv::ByteRecord::new();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..])
        .read_byte_record(&mut header)
        .expect("the header just written reads back");
    header
}

/// Write `rows` as `name` in `set`: the header of `R`, then one line a row.
/// Returns the file's final path.
pub fn write_csv<R: Serialize + Default>(
    set: &mut OutputSet,
    name: &str,
    rows: impl IntoIterator<Item = R>,
) -> Result<PathBuf> {
    let mut file = set.create(name)?;
    let path = file.target().to_path_buf();
    {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(file.writer());
        w.write_byte_record(&header::<R>())
            .map_err(|e| Error::csv(path.clone(), e))?;
        for row in rows {
            w.serialize(row).map_err(|e| Error::csv(path.clone(), e))?;
        }
        w.flush().map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    set.finish(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row {
        a: Num,
        b: Num,
        c: Num,
        d: Num,
    }

    #[test]
    fn numbers_are_written_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::open(dir.path(), &["x.csv"]).unwrap();
        write_csv(
            &mut set,
            "x.csv",
            [Row {
                a: Num(1.152e9),
                b: Num(1e-7),
                c: Num(f64::NAN),
                d: Num(0.1),
            }],
        )
        .unwrap();
        set.commit().unwrap();
        let text = std::fs::read_to_string(dir.path().join("x.csv")).unwrap();
        assert_eq!(text, "a,b,c,d\n1152000000,0.0000001,,0.1\n");
    }

    #[test]
    fn a_csv_with_no_rows_has_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::open(dir.path(), &["x.csv"]).unwrap();
        write_csv(&mut set, "x.csv", Vec::<Row>::new()).unwrap();
        set.commit().unwrap();
        let text = std::fs::read_to_string(dir.path().join("x.csv")).unwrap();
        assert_eq!(text, "a,b,c,d\n");
    }
}
