//! The journal of a commit: the list of moves and removals that turn a
//! directory's old set into the new one, written (and synced) into the
//! staging directory before the first of them is done. Every step can be
//! repeated safely, so a commit cut short by a crash is finished by
//! replaying its journal ([`Journal::apply`]) the next time the directory is
//! opened.
//!
//! Format: one step a line, `drop NAME` (remove `DIR/NAME` if it is a file)
//! or `put NAME` (move `STAGING/NAME` over `DIR/NAME`, unless already moved,
//! creating `NAME`'s folder first when it has one). A NAME is a file name or
//! a relative path of plain names (`figures/tornado.svg`); never `..`.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The journal's file name inside a staging directory.
pub const JOURNAL_FILE: &str = ".journal";

/// One step of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Remove `DIR/NAME`, a file of the command's set that this run did not write.
    Drop(String),
    /// Move `STAGING/NAME` over `DIR/NAME`.
    Put(String),
}

/// The steps of one commit, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// Removals first, then moves in the order the files were finished.
    pub steps: Vec<Step>,
}

impl Journal {
    /// Write the journal into `staging` whole or not at all (a temporary
    /// file, synced, then renamed), and sync `staging` so the rename is
    /// durable before any step is taken.
    pub fn write(&self, staging: &Path) -> Result<()> {
        let mut text = String::new();
        for step in &self.steps {
            match step {
                Step::Drop(name) => text.push_str(&format!("drop {name}\n")),
                Step::Put(name) => text.push_str(&format!("put {name}\n")),
            }
        }
        let path = staging.join(JOURNAL_FILE);
        let temp = staging.join(format!("{JOURNAL_FILE}.tmp"));
        let error = |source| Error::Write {
            path: path.clone(),
            source,
        };
        let mut file = File::create(&temp).map_err(error)?;
        file.write_all(text.as_bytes()).map_err(error)?;
        file.sync_all().map_err(error)?;
        drop(file);
        std::fs::rename(&temp, &path).map_err(error)?;
        sync_dir(staging);
        Ok(())
    }

    /// The journal in `staging`, if a commit got as far as writing it.
    pub fn read(staging: &Path) -> Result<Option<Journal>> {
        let path = staging.join(JOURNAL_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Write { path, source }),
        };
        let mut steps = Vec::new();
        for line in text.lines() {
            let step = match line.split_once(' ') {
                Some(("drop", name)) if is_set_name(name) => Step::Drop(name.to_string()),
                Some(("put", name)) if is_set_name(name) => Step::Put(name.to_string()),
                _ => {
                    return Err(Error::Write {
                        path,
                        source: std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("unreadable commit journal line '{line}'; remove the staging directory by hand"),
                        ),
                    });
                }
            };
            steps.push(step);
        }
        Ok(Some(Journal { steps }))
    }

    /// Take every step, skipping those already taken, then sync `dir`.
    pub fn apply(&self, dir: &Path, staging: &Path) -> Result<()> {
        for step in &self.steps {
            match step {
                Step::Drop(name) => {
                    let target = dir.join(name);
                    let is_file = std::fs::symlink_metadata(&target).is_ok_and(|m| !m.is_dir());
                    if is_file {
                        remove_file_if_present(&target)?;
                    }
                }
                Step::Put(name) => {
                    let from = staging.join(name);
                    if std::fs::symlink_metadata(&from).is_ok() {
                        let target = dir.join(name);
                        if let Some(folder) = target.parent()
                            && folder != dir
                        {
                            std::fs::create_dir_all(folder).map_err(|source| Error::Write {
                                path: folder.to_path_buf(),
                                source,
                            })?;
                        }
                        std::fs::rename(&from, &target).map_err(|source| Error::Write { path: target, source })?;
                    }
                }
            }
        }
        sync_dir(dir);
        Ok(())
    }
}

/// A file name with no directory part and no line break.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\n', '\r'])
}

/// A name an output set may hold: a plain file name, or plain names joined
/// by `/` (a file in a folder of the output directory, e.g.
/// `figures/tornado.svg`); nothing absolute, no `..`.
pub fn is_set_name(name: &str) -> bool {
    name.split('/').all(is_plain_name)
}

fn remove_file_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Write {
            path: PathBuf::from(path),
            source,
        }),
    }
}

/// Make the entries of `dir` durable (Unix; best effort: some file systems
/// cannot sync a directory, and nothing else is lost then).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_reads_back_and_replays_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path().join("stage");
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(dir.path().join("a.csv"), "old a").unwrap();
        std::fs::write(dir.path().join("gone.csv"), "old").unwrap();
        std::fs::write(staging.join("a.csv"), "new a").unwrap();
        std::fs::write(staging.join("b.csv"), "new b").unwrap();
        let journal = Journal {
            steps: vec![
                Step::Drop("gone.csv".into()),
                Step::Put("a.csv".into()),
                Step::Put("b.csv".into()),
            ],
        };
        journal.write(&staging).unwrap();
        assert_eq!(Journal::read(&staging).unwrap(), Some(journal.clone()));
        // Cut short after the first move, then replayed twice.
        std::fs::remove_file(dir.path().join("gone.csv")).unwrap();
        std::fs::rename(staging.join("a.csv"), dir.path().join("a.csv")).unwrap();
        journal.apply(dir.path(), &staging).unwrap();
        journal.apply(dir.path(), &staging).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a.csv")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(dir.path().join("b.csv")).unwrap(), "new b");
        assert!(!dir.path().join("gone.csv").exists());
    }

    #[test]
    fn no_journal_means_no_commit() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Journal::read(dir.path()).unwrap(), None);
        std::fs::write(dir.path().join(JOURNAL_FILE), "put ../escape\n").unwrap();
        assert!(Journal::read(dir.path()).is_err());
        for bad in ["/etc/passwd", "figures/../../x", "figures//x", "figures/", "a\\b"] {
            std::fs::write(dir.path().join(JOURNAL_FILE), format!("put {bad}\n")).unwrap();
            assert!(Journal::read(dir.path()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_name_in_a_folder_lands_in_it_and_the_folder_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path().join("stage");
        std::fs::create_dir_all(staging.join("figures")).unwrap();
        std::fs::write(staging.join("figures/a.svg"), "new").unwrap();
        let journal = Journal {
            steps: vec![Step::Drop("figures/gone.svg".into()), Step::Put("figures/a.svg".into())],
        };
        journal.write(&staging).unwrap();
        assert_eq!(Journal::read(&staging).unwrap(), Some(journal.clone()));
        journal.apply(dir.path(), &staging).unwrap();
        journal.apply(dir.path(), &staging).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("figures/a.svg")).unwrap(),
            "new"
        );
    }
}
