//! samples.csv (with `--samples`): one row per iteration, streamed chunk by
//! chunk in iteration order into the run's staging directory, landing with
//! the rest of the run's set.

use std::path::PathBuf;

use super::{Num, OutputSet, StagedFile};
use crate::engine::{Observer, SampleBlock};
use crate::error::{Error, Result};
use crate::model::Model;

/// Writes samples.csv as blocks arrive.
pub struct SampleWriter {
    file: StagedFile,
}

impl SampleWriter {
    /// Start samples.csv in `set` with the header: iteration, each parameter, each metric.
    pub fn create(set: &mut OutputSet, model: &Model) -> Result<SampleWriter> {
        let mut file = set.create("samples.csv")?;
        let mut header = vec!["iteration".to_string()];
        header.extend(model.inputs.iter().map(|i| i.name.clone()));
        header.extend(model.outputs[..model.n_metrics].iter().map(|m| m.name.clone()));
        let path = file.target().to_path_buf();
        let mut writer = csv::Writer::from_writer(file.writer());
        writer.write_record(&header).map_err(|e| Error::csv(path.clone(), e))?;
        writer.flush().map_err(|source| Error::Write { path, source })?;
        drop(writer);
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
            writer
                .write_byte_record(&record)
                .map_err(|e| Error::csv(path.clone(), e))?;
        }
        writer.flush().map_err(|source| Error::Write { path, source })
    }

    /// Finish the file in `set` (it lands when the set is committed);
    /// returns its final path.
    pub fn finish(self, set: &mut OutputSet) -> Result<PathBuf> {
        set.finish(self.file)
    }
}

impl Observer for SampleWriter {
    fn samples(&mut self, block: &SampleBlock) -> Result<()> {
        self.write_block(block)
    }
}
