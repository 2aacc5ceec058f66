//! A file of a shard (its state, its rows) while it is being written: a
//! temporary file beside its final path, which appears under that name only
//! when complete ([`PendingFile::commit`]: flush, sync, rename) and is
//! removed if dropped before. A shard writes into a directory that other
//! shards write into at the same time (a job array's `states/`), each under
//! its own names, so this is not an output set (whose lock is one process
//! per directory).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file invisible under its name until committed.
#[derive(Debug)]
pub struct PendingFile {
    path: PathBuf,
    writer: BufWriter<tempfile::NamedTempFile>,
}

impl PendingFile {
    /// Start writing `path` (creating its directory if need be) through a
    /// temporary `.<name>.<random>.tmp` beside it, so that an unwritable
    /// location, or a directory where the file should go, fails here,
    /// before any work.
    pub fn create(path: &Path) -> Result<PendingFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let write_error = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        // A directory in the way would only be found by the rename, after
        // the work: refuse it now.
        if path.is_dir() {
            return Err(write_error(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "a directory is in the way of this file; give a file name (e.g. DIR/shard-0.cstate)",
            )));
        }
        std::fs::create_dir_all(&dir).map_err(write_error)?;
        let name = path
            .file_name()
            .map_or_else(|| "state".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A temporary file is private (0600) by default; these are ordinary
        // outputs, readable as the umask allows.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(&dir).map_err(write_error)?;
        Ok(PendingFile {
            path: path.to_path_buf(),
            writer: BufWriter::new(temp),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush, and give the number of bytes written so far.
    pub fn written(&mut self) -> Result<u64> {
        let write_error = |source| Error::Write {
            path: self.path.clone(),
            source,
        };
        self.writer.flush().map_err(write_error)?;
        Ok(self.writer.get_ref().as_file().metadata().map_err(write_error)?.len())
    }

    /// Flush, sync and rename into place; returns the file's size in bytes.
    pub fn commit(self) -> Result<u64> {
        let path = self.path;
        let write_error = |source| Error::Write {
            path: path.clone(),
            source,
        };
        let temp = self.writer.into_inner().map_err(|e| write_error(e.into_error()))?;
        temp.as_file().sync_all().map_err(write_error)?;
        let bytes = temp.as_file().metadata().map_err(write_error)?.len();
        temp.persist(&path).map_err(|e| write_error(e.error))?;
        Ok(bytes)
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_only_when_committed_and_not_at_all_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("a.cstate");
        let mut file = PendingFile::create(&path).unwrap();
        file.write_all(b"abc").unwrap();
        assert_eq!(file.written().unwrap(), 3);
        assert!(!path.exists());
        assert_eq!(file.commit().unwrap(), 3);
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");

        let other = dir.path().join("sub").join("b.cstate");
        let mut file = PendingFile::create(&other).unwrap();
        file.write_all(b"abc").unwrap();
        drop(file);
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1, "only a.cstate; the dropped file left nothing");
    }

    #[test]
    fn a_directory_in_the_way_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let err = PendingFile::create(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Write { .. }), "{err:?}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
