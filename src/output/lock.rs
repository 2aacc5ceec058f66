//! The lock on an output directory: one cradle process at a time writes into
//! a directory. The lock is an exclusive advisory lock (`flock` on Unix,
//! `LockFileEx` on Windows) on `DIR/.cradle.lock`, which holds the pid of
//! the process that holds it, so that a second process can say who is in the
//! way. The operating system releases the lock when its holder exits, however
//! it exits (even on SIGKILL), so a lock is never stale.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The name of the lock file inside an output directory.
pub const LOCK_FILE: &str = ".cradle.lock";

const RETRIES: usize = 100;

/// An exclusive lock on an output directory, held until dropped.
#[derive(Debug)]
pub struct DirLock {
    file: File,
    path: PathBuf,
}

impl DirLock {
    /// Lock `dir` (which must exist) without waiting: [`Error::Locked`],
    /// naming the holder's pid, when another process holds it.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join(LOCK_FILE);
        let write_error = |source| Error::Write {
            path: path.clone(),
            source,
        };
        // Each retry means another process removed the file in between,
        // which only a finishing holder does: a few retries always suffice.
        for _ in 0..RETRIES {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(write_error)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        dir: dir.to_path_buf(),
                        pid: holder(&mut file),
                    });
                }
                Err(TryLockError::Error(source)) => return Err(write_error(source)),
            }
            // A holder that finished may have removed the file between our
            // open and our lock: then we locked a file nobody else will see.
            if !still_at(&file, &path) {
                continue;
            }
            // The pid only names the holder in another process's error: a
            // failure to write it (a full disk) is not this run's problem.
            let _ = file.set_len(0);
            let _ = writeln!(file, "{}", std::process::id());
            return Ok(DirLock { file, path });
        }
        Err(write_error(std::io::Error::other(
            "the lock file keeps being replaced by other processes",
        )))
    }

    /// Remove the lock file and release the lock (when cradle leaves the
    /// directory as it found it, or has finished with it). On Unix the
    /// file can be removed safely while locked: a process that opened it
    /// before it went finds, after locking, that the name no longer refers
    /// to its file and starts again. Elsewhere the file is left in place.
    pub fn release_and_remove(self) {
        if cfg!(unix) {
            let _ = std::fs::remove_file(&self.path);
        }
        drop(self);
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// The pid written in a lock file by its holder (`None` if not yet written).
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Whether `path` still names the open `file` (Unix: same device and inode).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_naming_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path()).unwrap();
        match DirLock::acquire(dir.path()) {
            Err(Error::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(first);
        let again = DirLock::acquire(dir.path()).unwrap();
        again.release_and_remove();
        if cfg!(unix) {
            assert!(!dir.path().join(LOCK_FILE).exists());
        }
    }
}
