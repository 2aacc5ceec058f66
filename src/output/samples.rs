//! samples.csv (with `--samples`): one row per iteration, streamed to disk
//! chunk by chunk in iteration order, renamed into place when complete. A
//! shard writes its rows to a file of its own ([`SampleWriter::create_at`]);
//! merging concatenates those in chunk order ([`SampleWriter::concatenate`]) into
//! exactly the file a single run writes.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::{AtomicFile, Num};
use crate::engine::{Observer, SampleBlock};
use crate::error::{Error, Result};
use crate::model::Model;

/// Writes samples.csv as blocks arrive.
pub struct SampleWriter {
    file: AtomicFile,
}

impl SampleWriter {
    /// Start samples.csv in `dir` with the header: iteration, each parameter, each metric.
    pub fn create(dir: &Path, model: &Model) -> Result<SampleWriter> {
        SampleWriter::create_at(&dir.join("samples.csv"), model)
    }

    /// Start a samples file at `path` (a shard's rows), with the same header.
    pub fn create_at(path: &Path, model: &Model) -> Result<SampleWriter> {
        let mut file = AtomicFile::create(path)?;
        write_header(&mut file, model)?;
        Ok(SampleWriter { file })
    }

    fn write_block(&mut self, block: &SampleBlock) -> Result<()> {
        let path = self.file.target().to_path_buf();
        let mut writer = csv::Writer::from_writer(self.file.writer());
        let rows = block.columns.first().map_or(0, Vec::len);
        let mut record = csv::ByteRecord::new();
        for i in 0..rows {
            record.clear();
            record.push_field((block.first + i as u64).to_string().as_bytes());
            for column in &block.columns {
                record.push_field(Num(column[i]).text().as_bytes());
            }
            writer.write_byte_record(&record).map_err(|source| Error::Csv {
                path: path.clone(),
                source,
            })?;
        }
        writer.flush().map_err(|source| Error::Write { path, source })
    }

    /// Write `dir/samples.csv` from the shards' rows files `parts`, in chunk
    /// order: the header once (each part's first line, which must be the
    /// header of `model`), then every part's rows, byte for byte.
    pub fn concatenate(dir: &Path, model: &Model, parts: &[PathBuf]) -> Result<PathBuf> {
        let target = dir.join("samples.csv");
        let mut file = AtomicFile::create(&target)?;
        let expected = header_bytes(model);
        file.writer().write_all(&expected).map_err(|source| Error::Write {
            path: target.clone(),
            source,
        })?;
        for part in parts {
            let read_error = |e: std::io::Error| Error::State {
                path: part.clone(),
                message: format!("cannot read this samples file: {e}"),
            };
            let mut reader = BufReader::new(File::open(part).map_err(read_error)?);
            let mut header = Vec::new();
            reader.read_until(b'\n', &mut header).map_err(read_error)?;
            if header != expected {
                return Err(Error::State {
                    path: part.clone(),
                    message: "its header is not the scenario's (iteration, parameters, metrics): it is the samples file of another run".into(),
                });
            }
            std::io::copy(&mut reader, file.writer()).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
        }
        file.commit()?;
        Ok(target)
    }

    /// Finish and rename into place.
    pub fn commit(self) -> Result<()> {
        self.file.commit()
    }
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

/// Start `file` with the header row.
fn write_header(file: &mut AtomicFile, model: &Model) -> Result<()> {
    let path = file.target().to_path_buf();
    file.writer()
        .write_all(&header_bytes(model))
        .map_err(|source| Error::Write { path, source })
}

impl Observer for SampleWriter {
    fn samples(&mut self, block: &SampleBlock) -> Result<()> {
        self.write_block(block)
    }
}
