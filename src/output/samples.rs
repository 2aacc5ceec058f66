//! samples.csv (with `--samples`): one row per iteration, streamed chunk by
//! chunk in iteration order into the run's staging directory, landing with
//! the rest of the run's set. A shard writes its rows to a file of its own
//! beside its state ([`SampleWriter::for_shard`]); merging concatenates
//! those in chunk order ([`SampleWriter::concatenate`]) into exactly the
//! samples.csv a single run writes.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::{Num, OutputSet, StagedFile};
use crate::engine::{Observer, SampleBlock};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::shard::PendingFile;

/// Where rows go: a file of an output set, or a shard's own file.
pub trait RowSink: Write {
    /// The path the file will have once complete (errors name it).
    fn target(&self) -> &Path;
}

impl RowSink for StagedFile {
    fn target(&self) -> &Path {
        StagedFile::target(self)
    }
}

impl RowSink for PendingFile {
    fn target(&self) -> &Path {
        self.path()
    }
}

/// Writes samples.csv (or a shard's rows) as blocks arrive.
pub struct SampleWriter<S: RowSink = StagedFile> {
    file: S,
}

impl SampleWriter<StagedFile> {
    /// Start samples.csv in `set` with the header: iteration, each parameter, each metric.
    pub fn create(set: &mut OutputSet, model: &Model) -> Result<SampleWriter> {
        SampleWriter::start(set.create("samples.csv")?, model)
    }

    /// Finish the file in `set` (it lands when the set is committed);
    /// returns its final path.
    pub fn finish(self, set: &mut OutputSet) -> Result<PathBuf> {
        set.finish(self.file)
    }

    /// Write samples.csv in `set` from the shards' rows files `parts`, in
    /// chunk order: the header once, then every part's rows, byte for byte.
    /// Each part must start with the header of `model`
    /// ([`SampleWriter::check_part`]).
    pub fn concatenate(set: &mut OutputSet, model: &Model, parts: &[PathBuf]) -> Result<PathBuf> {
        let mut file = set.create("samples.csv")?;
        let target = file.target().to_path_buf();
        file.write_all(&header_bytes(model)).map_err(|source| Error::Write {
            path: target.clone(),
            source,
        })?;
        for part in parts {
            let mut reader = open_part(model, part)?;
            std::io::copy(&mut reader, &mut file).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
        }
        set.finish(file)
    }

    /// Check that a shard's rows file `part` can be read and starts with
    /// the header of `model` (so that `cradle merge` refuses it before
    /// writing anything).
    pub fn check_part(model: &Model, part: &Path) -> Result<()> {
        open_part(model, part).map(drop)
    }
}

impl SampleWriter<PendingFile> {
    /// Start a shard's rows file `file`, with the header of samples.csv.
    pub fn for_shard(file: PendingFile, model: &Model) -> Result<SampleWriter<PendingFile>> {
        SampleWriter::start(file, model)
    }

    /// The rows file, complete, for the shard's state to commit.
    pub fn into_file(self) -> PendingFile {
        self.file
    }
}

impl<S: RowSink> SampleWriter<S> {
    fn start(mut file: S, model: &Model) -> Result<SampleWriter<S>> {
        let bytes = header_bytes(model);
        file.write_all(&bytes).map_err(|source| Error::Write {
            path: file.target().to_path_buf(),
            source,
        })?;
        Ok(SampleWriter { file })
    }

    fn write_block(&mut self, block: &SampleBlock) -> Result<()> {
        let path = self.file.target().to_path_buf();
        let mut writer = csv::Writer::from_writer(&mut self.file);
        let rows = block.columns.first().map_or(0, Vec::len);
        let mut record = csv::ByteRecord::new();
        for i in 0..rows {
            record.clear();
            record.push_field((block.first + i as u64).to_string().as_bytes());
            for column in &block.columns {
                record.push_field(Num(column[i]).text().as_bytes());
            }
            writer
                .write_byte_record(&record)
                .map_err(|e| Error::csv(path.clone(), e))?;
        }
        writer.flush().map_err(|source| Error::Write { path, source })
    }
}

/// `part`, opened and read past its header, which must be that of `model`.
fn open_part(model: &Model, part: &Path) -> Result<BufReader<File>> {
    let read_error = |e: std::io::Error| Error::State {
        path: part.to_path_buf(),
        message: format!("cannot read this samples file: {e}"),
    };
    let mut reader = BufReader::new(File::open(part).map_err(read_error)?);
    let mut header = Vec::new();
    reader.read_until(b'\n', &mut header).map_err(read_error)?;
    if header != header_bytes(model) {
        return Err(Error::State {
            path: part.to_path_buf(),
            message: "its header is not the scenario's (iteration, parameters, metrics): it is the samples file of another run".into(),
        });
    }
    Ok(reader)
}

/// The header row, iteration, each parameter, each metric, as the bytes
/// the CSV writer gives it.
fn header_bytes(model: &Model) -> Vec<u8> {
    let mut header = vec!["iteration".to_string()];
    header.extend(model.inputs.iter().map(|i| i.name.clone()));
    header.extend(model.outputs[..model.n_metrics].iter().map(|m| m.name.clone()));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).expect("writing to memory");
    writer.into_inner().expect("writing to memory")
}

impl<S: RowSink> Observer for SampleWriter<S> {
    fn samples(&mut self, block: &SampleBlock) -> Result<()> {
        self.write_block(block)
    }
}
