//! One file of an output set while it is being written: it lives in the
//! set's staging directory and appears under its final name only when the
//! whole set is committed ([`super::OutputSet`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file being written into a staging directory.
#[derive(Debug)]
pub struct StagedFile {
    name: String,
    target: PathBuf,
    writer: BufWriter<File>,
}

impl StagedFile {
    /// Create `staging/name`; `target` is where it will land (and the path
    /// errors name: the user knows the file by its final name).
    pub(super) fn create(staging: &Path, name: &str, target: PathBuf) -> Result<StagedFile> {
        let error = |source| Error::Write {
            path: target.clone(),
            source,
        };
        let path = staging.join(name);
        // A name in a folder (`figures/tornado.svg`) is staged in that folder.
        if let Some(folder) = path.parent()
            && folder != staging
        {
            std::fs::create_dir_all(folder).map_err(error)?;
        }
        let file = File::create(&path).map_err(error)?;
        Ok(StagedFile {
            name: name.to_string(),
            target,
            writer: BufWriter::new(file),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.writer
    }

    /// The path the file will have once its set is committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The file's name in its directory.
    pub(super) fn name(&self) -> &str {
        &self.name
    }

    /// Flush and sync to disk, so that a full disk or an I/O error shows
    /// here, before anything is moved into place.
    pub(super) fn close(self) -> Result<()> {
        let target = self.target;
        let error = |source| Error::Write {
            path: target.clone(),
            source,
        };
        let mut writer = self.writer;
        writer.flush().map_err(error)?;
        let file = writer.into_inner().map_err(|e| error(e.into_error()))?;
        file.sync_all().map_err(error)
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}
