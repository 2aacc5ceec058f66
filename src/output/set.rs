//! An output set: the files one command writes into an output directory,
//! which land together or not at all.
//!
//! Each command owns a fixed list of file names (`run`: summary.csv …
//! samples.csv; `sensitivity`: tornado.csv … sensitivity_run.csv; `compare`:
//! compare.csv, compare_diff.csv; `report`: all of those, report.md,
//! report.html and figures/*.svg). A name is a file in the output directory
//! or in a folder of it (`figures/tornado.svg`): the folder is made when the
//! first of its files lands. Committing a set replaces exactly those
//! names: the files written this time land, the command's other names are
//! removed (so no samples.csv from an earlier seed survives beside a run
//! made without `--samples`), and every other file in the directory,
//! including another command's set, is left alone.
//!
//! How:
//!
//! 1. [`OutputSet::open`] creates the directory if need be, takes its lock
//!    ([`DirLock`], held until the set is dropped), finishes or discards
//!    what a killed process left ([`recover`]), and makes a fresh staging
//!    directory `DIR/.cradle-staging-<pid>-<n>/`.
//! 2. Files are written into the staging directory ([`OutputSet::create`],
//!    [`OutputSet::finish`], which flushes and syncs each).
//! 3. [`OutputSet::commit`] writes a [`Journal`] of the steps, then removes
//!    the stale names and moves each staged file over its final name (each
//!    move an atomic `rename` on the same file system), in the order the
//!    files were finished: commands finish their manifest (run.csv,
//!    sensitivity_run.csv) last, so a new manifest means a complete new set.
//!    A process killed during the moves leaves the journal, and the next
//!    `open` of the directory replays it.
//! 4. A set dropped without `commit` (an error, a bad argument) removes its
//!    staging directory, and the directories `open` created if they are
//!    empty again: the output directory is as it was.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::journal::{Journal, Step, is_set_name};
use super::lock::{DirLock, LOCK_FILE};
use super::staged_file::StagedFile;
use crate::error::{Error, Result};

/// The prefix of staging directories inside an output directory.
pub const STAGING_PREFIX: &str = ".cradle-staging-";

/// Where a set is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Files are being written into the staging directory.
    Staging,
    /// The journal is written; the moves are under way or done.
    Committed,
    /// Given up: the staging directory is gone.
    Abandoned,
}

/// What [`OutputSet`] and its [`AbandonHandle`]s share.
#[derive(Debug)]
struct Shared {
    phase: Phase,
    dir: PathBuf,
    staging: PathBuf,
    /// Directories `open` created, outermost first.
    created: Vec<PathBuf>,
}

impl Shared {
    /// Remove the staging directory, if still staging (once committed
    /// there is nothing to undo). Returns whether it did.
    fn abandon(&mut self) -> bool {
        if self.phase != Phase::Staging {
            return false;
        }
        self.phase = Phase::Abandoned;
        let _ = std::fs::remove_dir_all(&self.staging);
        true
    }

    /// When `open` created the output directory: remove the lock file and
    /// every directory it created that is empty again.
    fn remove_created(&self) {
        if !self.created.is_empty() {
            let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
            remove_empty(&self.created);
        }
    }
}

/// Remove `dirs` (outermost first) from the innermost out, while empty.
fn remove_empty(dirs: &[PathBuf]) {
    for d in dirs.iter().rev() {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
    }
}

/// The files of one command in one output directory, written into a
/// staging directory and swapped in together by [`OutputSet::commit`].
///
/// ```
/// use cradle::output::{OutputSet, write_csv};
/// # let dir = tempfile::tempdir().unwrap();
/// # let dir = dir.path();
/// #[derive(serde::Serialize, Default)]
/// struct Row {
///     x: f64,
/// }
/// let mut set = OutputSet::open(dir, &["a.csv", "b.csv"])?;
/// write_csv(&mut set, "a.csv", [Row { x: 1.0 }])?;
/// assert!(!dir.join("a.csv").exists()); // nothing lands before the commit
/// set.commit()?; // a.csv lands; a b.csv of an earlier set would be removed
/// assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "x\n1.0\n");
/// # Ok::<(), cradle::Error>(())
/// ```
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    names: Vec<String>,
    written: Vec<String>,
    shared: Arc<Mutex<Shared>>,
    lock: Option<DirLock>,
}

/// Abandons a set from another thread (a signal handler's): removes its
/// staging directory unless the set is already committed, in which case it
/// waits for the moves to finish. Either way the directory then holds one
/// complete set.
#[derive(Debug, Clone)]
pub struct AbandonHandle(Arc<Mutex<Shared>>);

impl AbandonHandle {
    /// Abandon the set (see the type's docs); true if it was still being
    /// written, false if it had already landed (or been abandoned).
    pub fn abandon(&self) -> bool {
        let mut shared = lock_shared(&self.0);
        let abandoned = shared.abandon();
        if abandoned {
            // As `DirLock::release_and_remove` does; the lock itself goes
            // with the process, which is about to exit.
            if cfg!(unix) {
                let _ = std::fs::remove_file(shared.dir.join(LOCK_FILE));
            }
            shared.remove_created();
        }
        abandoned
    }

    /// The set's output directory.
    pub fn dir(&self) -> PathBuf {
        lock_shared(&self.0).dir.clone()
    }
}

fn lock_shared(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A panic while holding this lock leaves the state as valid as before.
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl OutputSet {
    /// Open `dir` for a set made of `names` (every file the command can
    /// write): create it if need be, lock it (an [`Error::Locked`] naming
    /// the holder when another process has it), recover what a killed
    /// process left in it, and start a staging directory. Any failure is an
    /// [`Error::Write`] or [`Error::Locked`], before any work is done.
    pub fn open(dir: &Path, names: &[&str]) -> Result<OutputSet> {
        let created = create_dirs(dir)?;
        let lock = match DirLock::acquire(dir) {
            Ok(lock) => lock,
            Err(e) => {
                remove_empty(&created);
                return Err(e);
            }
        };
        let staging = match recover(dir).and_then(|()| make_staging(dir)) {
            Ok(staging) => staging,
            Err(e) => {
                lock.release_and_remove();
                if !created.is_empty() {
                    let _ = std::fs::remove_file(dir.join(LOCK_FILE));
                    remove_empty(&created);
                }
                return Err(e);
            }
        };
        Ok(OutputSet {
            dir: dir.to_path_buf(),
            names: names.iter().map(|n| n.to_string()).collect(),
            written: Vec::new(),
            shared: Arc::new(Mutex::new(Shared {
                phase: Phase::Staging,
                dir: dir.to_path_buf(),
                staging,
                created,
            })),
            lock: Some(lock),
        })
    }

    /// The output directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A handle that can abandon this set from another thread.
    pub fn abandon_handle(&self) -> AbandonHandle {
        AbandonHandle(Arc::clone(&self.shared))
    }

    /// Start writing `name` (one of the set's names, each at most once).
    pub fn create(&mut self, name: &str) -> Result<StagedFile> {
        assert!(is_set_name(name), "{name} is not a file name or a relative path");
        assert!(
            self.names.iter().any(|n| n == name),
            "{name} is not one of this set's files {:?}",
            self.names
        );
        assert!(!self.written.iter().any(|n| n == name), "{name} written twice");
        let shared = lock_shared(&self.shared);
        let target = self.dir.join(name);
        if shared.phase != Phase::Staging {
            return Err(abandoned(target));
        }
        StagedFile::create(&shared.staging, name, target)
    }

    /// Finish a file (flush and sync it); it will land on `commit`. Returns
    /// its final path.
    pub fn finish(&mut self, file: StagedFile) -> Result<PathBuf> {
        let name = file.name().to_string();
        let target = file.target().to_path_buf();
        file.close()?;
        self.written.push(name);
        Ok(target)
    }

    /// Swap the set in: remove the set's names that were not written, then
    /// move every finished file into place, in the order finished (see the
    /// module docs). Returns the final paths in that order.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        self.commit_steps(usize::MAX)
    }

    /// `commit`, stopping after `max_steps` steps of the journal as a
    /// process killed at that moment would (for tests of recovery).
    fn commit_steps(mut self, max_steps: usize) -> Result<Vec<PathBuf>> {
        let journal = self.journal();
        {
            let mut shared = lock_shared(&self.shared);
            if shared.phase != Phase::Staging {
                return Err(abandoned(self.dir.clone()));
            }
            // A directory where a file should go would stop the moves half
            // way: refuse it while the old set is still whole.
            for name in &self.written {
                let target = self.dir.join(name);
                if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                    return Err(Error::Write {
                        path: target,
                        source: std::io::Error::new(
                            std::io::ErrorKind::IsADirectory,
                            "a directory is in the way of this file; move it elsewhere",
                        ),
                    });
                }
                // Likewise a file where a folder of the set should be.
                for folder in Path::new(name).ancestors().skip(1) {
                    let folder = self.dir.join(folder);
                    if folder != self.dir && std::fs::symlink_metadata(&folder).is_ok_and(|m| !m.is_dir()) {
                        return Err(Error::Write {
                            path: folder,
                            source: std::io::Error::new(
                                std::io::ErrorKind::NotADirectory,
                                "a file is in the way of this folder; move it elsewhere",
                            ),
                        });
                    }
                }
            }
            journal.write(&shared.staging)?;
            // From here the set is decided: a failure or a crash leaves the
            // journal, which the next `open` replays.
            shared.phase = Phase::Committed;
            let partial = Journal {
                steps: journal.steps.iter().take(max_steps).cloned().collect(),
            };
            partial.apply(&self.dir, &shared.staging)?;
            if max_steps < journal.steps.len() {
                return Ok(Vec::new());
            }
            let _ = std::fs::remove_dir_all(&shared.staging);
        }
        if let Some(lock) = self.lock.take() {
            lock.release_and_remove();
        }
        Ok(self.written.iter().map(|n| self.dir.join(n)).collect())
    }

    /// The steps of this set's commit: removals of the names not written,
    /// then the moves in the order the files were finished.
    fn journal(&self) -> Journal {
        let drops = self
            .names
            .iter()
            .filter(|n| !self.written.contains(n))
            .map(|n| Step::Drop(n.clone()));
        let puts = self.written.iter().map(|n| Step::Put(n.clone()));
        Journal {
            steps: drops.chain(puts).collect(),
        }
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        let mut shared = lock_shared(&self.shared);
        let abandoned = shared.abandon();
        if let Some(lock) = self.lock.take() {
            lock.release_and_remove();
        }
        if abandoned {
            shared.remove_created();
        }
    }
}

fn abandoned(path: PathBuf) -> Error {
    Error::Write {
        path,
        source: std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted; nothing was written"),
    }
}

/// Create `dir` and any missing parents; returns those created, outermost first.
fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let error = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at {
        if d.as_os_str().is_empty() || std::fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    let mut created = Vec::new();
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(&d) {
            Ok(()) => created.push(d),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(source) => {
                remove_empty(&created);
                return Err(error(source));
            }
        }
    }
    if !dir.is_dir() {
        return Err(error(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    Ok(created)
}

/// Finish or discard what dead processes left in `dir` (whose lock the
/// caller holds, so no live process is writing there): a staging directory
/// with a journal was being committed and is rolled forward; one without is
/// removed, as are the temporary files of cradle versions before output sets.
pub fn recover(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with(STAGING_PREFIX) && path.is_dir() {
            if let Some(journal) = Journal::read(&path)? {
                journal.apply(dir, &path)?;
            }
            std::fs::remove_dir_all(&path).map_err(|source| Error::Write { path, source })?;
        } else if is_legacy_temp(&name) && path.is_file() {
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(())
}

/// `.summary.csv.tmp` and the like, or the writability probe, of earlier versions.
fn is_legacy_temp(name: &str) -> bool {
    name == ".cradle-write-test" || (name.starts_with('.') && name.ends_with(".csv.tmp"))
}

/// A new, empty staging directory in `dir`.
fn make_staging(dir: &Path) -> Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let staging = dir.join(format!("{STAGING_PREFIX}{}-{n}", std::process::id()));
        match std::fs::create_dir(&staging) {
            Ok(()) => return Ok(staging),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(Error::Write {
                    path: dir.to_path_buf(),
                    source,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const NAMES: [&str; 4] = ["a.csv", "b.csv", "stale.csv", "manifest.csv"];

    fn write(set: &mut OutputSet, name: &str, text: &str) {
        let mut f = set.create(name).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        set.finish(f).unwrap();
    }

    /// The names in `dir`, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap()
    }

    /// An old set of a, stale and manifest, plus another command's file.
    fn old_set(dir: &Path) {
        let mut set = OutputSet::open(dir, &NAMES).unwrap();
        write(&mut set, "a.csv", "old a");
        write(&mut set, "stale.csv", "old stale");
        write(&mut set, "manifest.csv", "old");
        set.commit().unwrap();
        std::fs::write(dir.join("other.csv"), "another command's").unwrap();
    }

    #[test]
    fn commit_replaces_exactly_the_sets_names() {
        let dir = tempfile::tempdir().unwrap();
        old_set(dir.path());
        let mut set = OutputSet::open(dir.path(), &NAMES).unwrap();
        write(&mut set, "a.csv", "new a");
        write(&mut set, "b.csv", "new b");
        write(&mut set, "manifest.csv", "new");
        assert_eq!(read(dir.path(), "a.csv"), "old a", "nothing lands before commit");
        let paths = set.commit().unwrap();
        assert_eq!(paths.len(), 3);
        assert_eq!(listing(dir.path()), ["a.csv", "b.csv", "manifest.csv", "other.csv"]);
        assert_eq!(read(dir.path(), "a.csv"), "new a");
        assert_eq!(read(dir.path(), "other.csv"), "another command's");
    }

    #[test]
    fn a_set_dropped_before_commit_leaves_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        old_set(dir.path());
        let before = listing(dir.path());
        {
            let mut set = OutputSet::open(dir.path(), &NAMES).unwrap();
            write(&mut set, "a.csv", "new a");
            let mut half = set.create("b.csv").unwrap();
            half.write_all(b"half").unwrap();
        }
        assert_eq!(listing(dir.path()), before);
        assert_eq!(read(dir.path(), "a.csv"), "old a");
    }

    #[test]
    fn a_directory_created_for_a_set_that_fails_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out").join("x");
        {
            let mut set = OutputSet::open(&dir, &NAMES).unwrap();
            write(&mut set, "a.csv", "a");
        }
        assert!(listing(root.path()).is_empty(), "{:?}", listing(root.path()));
        let mut set = OutputSet::open(&dir, &NAMES).unwrap();
        write(&mut set, "a.csv", "a");
        set.commit().unwrap();
        assert_eq!(listing(&dir), ["a.csv"]);
    }

    #[test]
    fn a_locked_directory_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        old_set(dir.path());
        let first = OutputSet::open(dir.path(), &NAMES).unwrap();
        let second = OutputSet::open(dir.path(), &NAMES);
        assert!(matches!(second, Err(Error::Locked { pid: Some(p), .. }) if p == std::process::id()));
        drop(first);
        assert_eq!(listing(dir.path()), ["a.csv", "manifest.csv", "other.csv", "stale.csv"]);
    }

    #[test]
    fn a_commit_cut_short_at_every_step_is_finished_by_the_next_open() {
        // Four steps: drop stale.csv, put a, b and manifest.
        for cut in 0..4 {
            let dir = tempfile::tempdir().unwrap();
            old_set(dir.path());
            let mut set = OutputSet::open(dir.path(), &NAMES).unwrap();
            write(&mut set, "a.csv", "new a");
            write(&mut set, "b.csv", "new b");
            write(&mut set, "manifest.csv", "new");
            set.commit_steps(cut).unwrap();
            // As if killed: the lock goes with the process, the journal stays.
            let stagings = listing(dir.path())
                .into_iter()
                .filter(|n| n.starts_with(STAGING_PREFIX))
                .count();
            assert_eq!(stagings, 1, "cut {cut}");
            drop(OutputSet::open(dir.path(), &NAMES).unwrap());
            assert_eq!(
                listing(dir.path()),
                ["a.csv", "b.csv", "manifest.csv", "other.csv"],
                "cut {cut}"
            );
            assert_eq!(read(dir.path(), "b.csv"), "new b");
            assert_eq!(read(dir.path(), "manifest.csv"), "new");
        }
    }

    const FOLDERED: [&str; 4] = ["a.csv", "figures/x.svg", "figures/y.svg", "manifest.csv"];

    #[test]
    fn names_in_a_folder_land_with_the_rest_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::open(dir.path(), &FOLDERED).unwrap();
        write(&mut set, "figures/x.svg", "x0");
        drop(set);
        assert!(listing(dir.path()).is_empty(), "an abandoned set makes no folder");

        let mut set = OutputSet::open(dir.path(), &FOLDERED).unwrap();
        write(&mut set, "a.csv", "a1");
        write(&mut set, "figures/x.svg", "x1");
        write(&mut set, "figures/y.svg", "y1");
        write(&mut set, "manifest.csv", "m1");
        assert!(!dir.path().join("figures").exists(), "nothing lands before commit");
        let paths = set.commit().unwrap();
        assert_eq!(paths[1], dir.path().join("figures/x.svg"));
        assert_eq!(listing(dir.path()), ["a.csv", "figures", "manifest.csv"]);
        assert_eq!(read(dir.path(), "figures/y.svg"), "y1");

        // Four steps: drop a.csv, drop figures/y.svg, put figures/x.svg and
        // manifest.csv; a crash after any of them is finished by the next open.
        for cut in 0..4 {
            let mut set = OutputSet::open(dir.path(), &FOLDERED).unwrap();
            write(&mut set, "figures/x.svg", &format!("x{}", cut + 2));
            write(&mut set, "manifest.csv", &format!("m{}", cut + 2));
            set.commit_steps(cut).unwrap();
            drop(OutputSet::open(dir.path(), &FOLDERED).unwrap());
            assert_eq!(listing(dir.path()), ["figures", "manifest.csv"], "cut {cut}");
            assert_eq!(listing(&dir.path().join("figures")), ["x.svg"], "cut {cut}");
            assert_eq!(read(dir.path(), "figures/x.svg"), format!("x{}", cut + 2));
        }
    }

    #[test]
    fn a_file_in_the_way_of_a_folder_fails_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old a").unwrap();
        std::fs::write(dir.path().join("figures"), "a file").unwrap();
        let mut set = OutputSet::open(dir.path(), &FOLDERED).unwrap();
        write(&mut set, "a.csv", "new a");
        write(&mut set, "figures/x.svg", "x");
        let err = set.commit().unwrap_err();
        assert!(err.is_bad_input());
        assert!(err.to_string().contains("figures"), "{err}");
        assert_eq!(read(dir.path(), "a.csv"), "old a");
    }

    #[test]
    fn leftovers_without_a_journal_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        old_set(dir.path());
        let dead = dir.path().join(format!("{STAGING_PREFIX}999999-0"));
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("a.csv"), "half").unwrap();
        std::fs::write(dir.path().join(".samples.csv.tmp"), "half").unwrap();
        drop(OutputSet::open(dir.path(), &NAMES).unwrap());
        assert_eq!(listing(dir.path()), ["a.csv", "manifest.csv", "other.csv", "stale.csv"]);
        assert_eq!(read(dir.path(), "a.csv"), "old a");
    }

    #[test]
    fn abandoning_from_another_thread_removes_the_staging_directory() {
        let dir = tempfile::tempdir().unwrap();
        old_set(dir.path());
        let mut set = OutputSet::open(dir.path(), &NAMES).unwrap();
        write(&mut set, "a.csv", "new a");
        let handle = set.abandon_handle();
        std::thread::spawn(move || handle.abandon()).join().unwrap();
        assert!(set.create("b.csv").is_err());
        assert!(set.commit().is_err());
        assert_eq!(listing(dir.path()), ["a.csv", "manifest.csv", "other.csv", "stale.csv"]);
    }

    #[test]
    fn a_directory_in_the_way_fails_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        old_set(dir.path());
        std::fs::create_dir(dir.path().join("b.csv")).unwrap();
        let mut set = OutputSet::open(dir.path(), &NAMES).unwrap();
        write(&mut set, "a.csv", "new a");
        write(&mut set, "b.csv", "new b");
        let err = set.commit().unwrap_err();
        assert!(err.is_bad_input());
        assert_eq!(read(dir.path(), "a.csv"), "old a");
        assert_eq!(read(dir.path(), "stale.csv"), "old stale");
    }
}
