//! The state file format, version [`FORMAT_VERSION`]:
//!
//! ```text
//! bytes 0..8     magic, the ASCII bytes "CRADLEST"
//! bytes 8..12    format version, u32 little-endian
//! then           the header (Header), postcard
//! then           the state (Body: RunState, CompareState, or VoiSettings
//!                and VoiState), postcard
//! last 32 bytes  SHA-256 of every byte before them
//! ```
//!
//! postcard (1.x) is a documented, stable serde wire format: integers as
//! varints, f64 as its 8 bytes little-endian (so bit-exact), sequences with
//! a length prefix. The checksum catches a file that was truncated or
//! damaged in copying before anything is decoded; the header and the state
//! are then checked field by field before they are used (`Header::check`,
//! `RunState::check`, `VoiSettings::check`, `VoiPlan::check_state`), so a
//! bad file is an error naming it, never a panic.
//!
//! The voi kind (`Kind::Voi`, `Body::Voi`) came after version 1 and left
//! it version 1: postcard writes an enum's variant as its index, and the
//! new variants come last, so files of the run and compare kinds are
//! byte for byte what they were, and a cradle without the voi kind refuses
//! a voi file as undecodable.
//! Files are written under a temporary name in the same directory and
//! renamed when complete ([`PendingFile`]).

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Header;
use super::pending_file::PendingFile;
use crate::compare::CompareState;
use crate::engine::RunState;
use crate::error::{Error, Result};
use crate::voi::{VoiSettings, VoiState};

/// The first bytes of every state file.
pub const MAGIC: [u8; 8] = *b"CRADLEST";
/// The version of the layout and of the header and state types; a file of
/// another version is refused (states merge only within one cradle version).
pub const FORMAT_VERSION: u32 = 1;
/// The largest state file cradle reads: 4 GiB. A run's state is at most
/// about 17 MB per output (two stores of 2^17 counters), whatever n; the
/// limit only stops a file that is not a state (a device, a pipe) from
/// being read until memory runs out.
pub const MAX_STATE_BYTES: u64 = 4 << 30;
const CHECKSUM_LEN: usize = 32;
const PREFIX_LEN: usize = MAGIC.len() + 4;

/// The state a shard accumulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Body {
    /// Of `cradle run`.
    Run(RunState),
    /// Of `cradle compare`.
    Compare(CompareState),
    /// Of `cradle voi`: what it was asked (from which merge rebuilds the
    /// plan) and what it accumulated.
    Voi {
        /// The settings that shape the state and the result.
        settings: VoiSettings,
        /// The sums and regression rows.
        state: VoiState,
    },
}

/// A state file being written: the temporary file exists from
/// [`StateWriter::create`] (so an unwritable location fails before the
/// work), and the file appears under its name only on
/// [`StateWriter::commit`].
#[derive(Debug)]
pub struct StateWriter {
    file: PendingFile,
}

impl StateWriter {
    /// Start writing `path` (creating its directory if needed).
    pub fn create(path: &Path) -> Result<StateWriter> {
        Ok(StateWriter {
            file: PendingFile::create(path)?,
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Write `header` and `body`, sync, and rename into place; returns the
    /// file's size in bytes. `rows`, the shard's rows file (with
    /// `--samples`), is committed first, so a state file on disk always has
    /// its complete rows beside it.
    pub fn commit(mut self, header: &Header, body: &Body, rows: Option<PendingFile>) -> Result<u64> {
        let bytes = encode(header, body).map_err(|e| Error::State {
            path: self.path().to_path_buf(),
            message: format!("cannot encode the state: {e}"),
        })?;
        if let Some(rows) = rows {
            rows.commit()?;
        }
        self.file.write_all(&bytes).map_err(|source| Error::Write {
            path: self.path().to_path_buf(),
            source,
        })?;
        self.file.commit()
    }
}

/// The bytes of a state file.
fn encode(header: &Header, body: &Body) -> postcard::Result<Vec<u8>> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend(postcard::to_stdvec(header)?);
    bytes.extend(postcard::to_stdvec(body)?);
    let checksum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&checksum);
    Ok(bytes)
}

/// Read and check a state file's header only.
pub fn read_header(path: &Path) -> Result<Header> {
    let bytes = read_checked(path)?;
    let (header, _) = decode_header(path, &bytes)?;
    Ok(header)
}

/// Read a state file: its header, checked on its own, and its state
/// (decoded, not yet checked against the model: see `RunState::check`).
pub fn read_state(path: &Path) -> Result<(Header, Body)> {
    let bytes = read_checked(path)?;
    let (header, rest) = decode_header(path, &bytes)?;
    let body = match postcard::take_from_bytes::<Body>(rest) {
        Ok((body, [])) => body,
        Ok((_, extra)) => return Err(bad(path, format!("{} unexpected bytes after the state", extra.len()))),
        Err(e) => return Err(bad(path, format!("its state cannot be decoded ({e})"))),
    };
    let kind_agrees = matches!(
        (&body, header.kind),
        (Body::Run(_), super::Kind::Run)
            | (Body::Compare(_), super::Kind::Compare)
            | (Body::Voi { .. }, super::Kind::Voi)
    );
    if !kind_agrees {
        return Err(bad(
            path,
            format!(
                "its header says {} but it holds another kind of state",
                header.kind.name()
            ),
        ));
    }
    Ok((header, body))
}

/// An error about a file whose contents are wrong.
fn bad(path: &Path, what: String) -> Error {
    Error::State {
        path: path.to_path_buf(),
        message: format!("{what}; it was not written by this version of cradle, or was damaged: run its shard again"),
    }
}

/// The bytes between the version and the checksum, after checking the
/// magic, the version and the checksum.
fn read_checked(path: &Path) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| Error::State {
        path: path.to_path_buf(),
        message: format!("cannot read it: {e}"),
    };
    // The magic first, so that a file that is not a state (even an endless
    // one, such as /dev/zero) is refused after reading 8 bytes.
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAGIC.len() as u64)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes == MAGIC {
        file.take(MAX_STATE_BYTES + 1 - MAGIC.len() as u64)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
    }
    if bytes.len() as u64 > MAX_STATE_BYTES {
        return Err(Error::State {
            path: path.to_path_buf(),
            message: format!(
                "larger than {} GiB, the most cradle reads: not a state file cradle wrote",
                MAX_STATE_BYTES >> 30
            ),
        });
    }
    if !bytes.starts_with(&MAGIC) {
        return Err(Error::State {
            path: path.to_path_buf(),
            message: "not a cradle state file (it does not start with \"CRADLEST\"); pass the .cstate files that `cradle run --shard`, `cradle compare --shard` or `cradle voi --shard` wrote".into(),
        });
    }
    if bytes.len() < PREFIX_LEN + CHECKSUM_LEN {
        return Err(Error::State {
            path: path.to_path_buf(),
            message: format!(
                "truncated: {} bytes, too short for a state file; run its shard again",
                bytes.len()
            ),
        });
    }
    let version = u32::from_le_bytes(bytes[MAGIC.len()..PREFIX_LEN].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(Error::State {
            path: path.to_path_buf(),
            message: format!(
                "state format version {version}, but this cradle ({}) reads version {FORMAT_VERSION}: merge it with the cradle version that wrote it, or run its shards again with this one",
                env!("CARGO_PKG_VERSION")
            ),
        });
    }
    let (content, checksum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
    if Sha256::digest(content).as_slice() != checksum {
        // The header may still be readable, and then says which shard to rerun.
        let which = postcard::take_from_bytes::<Header>(&content[PREFIX_LEN..])
            .map(|(h, _)| format!(" (it says it is shard {} of {})", h.shard, h.shards))
            .unwrap_or_default();
        return Err(Error::State {
            path: path.to_path_buf(),
            message: format!(
                "truncated or corrupted: its SHA-256 checksum does not match its contents{which}; it was not written completely or was damaged in copying: run its shard again"
            ),
        });
    }
    Ok(content[PREFIX_LEN..].to_vec())
}

/// The header, checked on its own, and the bytes after it.
fn decode_header<'a>(path: &Path, bytes: &'a [u8]) -> Result<(Header, &'a [u8])> {
    let (header, rest) = postcard::take_from_bytes::<Header>(bytes)
        .map_err(|e| bad(path, format!("its header cannot be decoded ({e})")))?;
    header
        .check()
        .map_err(|e| bad(path, format!("its header is inconsistent: {e}")))?;
    Ok((header, rest))
}
