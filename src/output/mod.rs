//! CSV outputs, written atomically. Numbers are written in full (no
//! exponent, no thousands separator, `.` as decimal point, shortest form that
//! reads back to the same f64); an empty cell means "not defined".

mod atomic;
pub mod comparison;
mod run_files;
mod samples;
pub mod sensitivity;
pub mod voi;

use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

pub use atomic::AtomicFile;
pub use run_files::{RunInfo, write_run};
pub use samples::SampleWriter;

use crate::error::{Error, Result};

/// A number cell: finite values in full decimal, anything else empty.
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// Make sure `dir` exists and is writable, before any work is done.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let probe = dir.join(".cradle-write-test");
    std::fs::write(&probe, b"").map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Write `rows` to `dir/name` atomically.
pub fn write_csv<R: Serialize>(dir: &Path, name: &str, rows: impl IntoIterator<Item = R>) -> Result<PathBuf> {
    let path = dir.join(name);
    let mut file = AtomicFile::create(&path)?;
    {
        let mut w = csv::Writer::from_writer(file.writer());
        for row in rows {
            w.serialize(row).map_err(|source| Error::Csv {
                path: path.clone(),
                source,
            })?;
        }
        w.flush().map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    file.commit()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_full() {
        #[derive(Serialize)]
        struct Row {
            a: Num,
            b: Num,
            c: Num,
            d: Num,
        }
        let dir = tempfile::tempdir().unwrap();
        write_csv(
            dir.path(),
            "x.csv",
            [Row {
                a: Num(1.152e9),
                b: Num(1e-7),
                c: Num(f64::NAN),
                d: Num(0.1),
            }],
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join("x.csv")).unwrap();
        assert_eq!(text, "a,b,c,d\n1152000000,0.0000001,,0.1\n");
    }
}
