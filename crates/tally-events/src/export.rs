//! The export format: a file header, then length-prefixed signed records, exactly as signed.
//!
//! ```text
//! "TALLYLOG" (8 bytes) ‖ version u16 BE = 1 ‖ flags u16 BE = 0 ‖ reserved u32 BE = 0
//! then, per record: length u32 BE (1 ..= MAX_RECORD_BYTES) ‖ the record's bytes
//! ```
//!
//! The reader hands out raw records (not parsed), so a damaged record is reported by the
//! chain verifier with its position rather than stopping the read. This module works on any
//! `std::io::Read`/`Write` and opens nothing itself.

use std::io::{self, Read, Write};

use thiserror::Error;

use crate::error::DecodeError;
use crate::event::{SignedEvent, MAX_RECORD_BYTES};

/// The 8 bytes an export starts with.
pub const EXPORT_MAGIC: [u8; 8] = *b"TALLYLOG";
/// The export format version this crate writes and reads.
pub const EXPORT_VERSION: u16 = 1;
/// Length of the export file header.
pub const EXPORT_HEADER_BYTES: usize = 16;

/// Why an export could not be read or written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// Reading or writing failed. The cause is part of the message (and not also a
    /// `source()`, so a printer of error chains says it once).
    #[error("could not read or write the log: {0}")]
    Io(io::Error),
    /// The file header is wrong.
    #[error("{0}")]
    Header(DecodeError),
    /// A record's length prefix is zero or over the limit.
    #[error("record {position} claims to be {len} bytes long, which is not allowed (1 to {max})")]
    BadLength {
        /// 1-based record number.
        position: usize,
        /// The claimed length.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// The file ends inside a record.
    #[error("the log ends in the middle of record {position}: the file is cut short")]
    Truncated {
        /// 1-based record number.
        position: usize,
    },
}

impl From<io::Error> for ExportError {
    fn from(error: io::Error) -> Self {
        ExportError::Io(error)
    }
}

/// Writes an export: the header at creation, then one record per [`ExportWriter::write`].
#[derive(Debug)]
pub struct ExportWriter<W: Write> {
    out: W,
    records: u64,
}

impl<W: Write> ExportWriter<W> {
    /// Writes the file header.
    pub fn new(mut out: W) -> Result<Self, ExportError> {
        let mut header = [0u8; EXPORT_HEADER_BYTES];
        header[..8].copy_from_slice(&EXPORT_MAGIC);
        header[8..10].copy_from_slice(&EXPORT_VERSION.to_be_bytes());
        out.write_all(&header)?;
        Ok(Self { out, records: 0 })
    }

    /// Appends one signed event.
    pub fn write(&mut self, event: &SignedEvent) -> Result<(), ExportError> {
        self.write_record(event.as_bytes())
    }

    /// Appends one record given as raw bytes (as stored in a database), unchanged.
    pub fn write_record(&mut self, record: &[u8]) -> Result<(), ExportError> {
        if record.is_empty() || record.len() > MAX_RECORD_BYTES {
            return Err(ExportError::BadLength {
                position: (self.records + 1) as usize,
                len: record.len() as u64,
                max: MAX_RECORD_BYTES,
            });
        }
        self.out.write_all(&(record.len() as u32).to_be_bytes())?;
        self.out.write_all(record)?;
        self.records += 1;
        Ok(())
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Flushes and gives back the writer.
    pub fn finish(mut self) -> Result<W, ExportError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Reads an export record by record.
#[derive(Debug)]
pub struct ExportReader<R: Read> {
    input: R,
    position: usize,
    done: bool,
}

impl<R: Read> ExportReader<R> {
    /// Reads and checks the file header.
    pub fn new(mut input: R) -> Result<Self, ExportError> {
        let mut header = [0u8; EXPORT_HEADER_BYTES];
        read_full(&mut input, &mut header).and_then(|filled| {
            if filled < EXPORT_HEADER_BYTES {
                Err(ExportError::Header(DecodeError::BadExportMagic))
            } else {
                Ok(())
            }
        })?;
        if header[..8] != EXPORT_MAGIC {
            return Err(ExportError::Header(DecodeError::BadExportMagic));
        }
        let version = u16::from_be_bytes([header[8], header[9]]);
        let flags = u16::from_be_bytes([header[10], header[11]]);
        if version != EXPORT_VERSION || flags != 0 || header[12..16] != [0, 0, 0, 0] {
            return Err(ExportError::Header(DecodeError::UnsupportedExport {
                version,
                flags,
            }));
        }
        Ok(Self {
            input,
            position: 0,
            done: false,
        })
    }

    /// The next raw record, `None` at a clean end of file.
    pub fn next_record(&mut self) -> Result<Option<Vec<u8>>, ExportError> {
        if self.done {
            return Ok(None);
        }
        let position = self.position + 1;
        let mut prefix = [0u8; 4];
        match read_full(&mut self.input, &mut prefix)? {
            0 => {
                self.done = true;
                return Ok(None);
            }
            4 => {}
            _ => {
                self.done = true;
                return Err(ExportError::Truncated { position });
            }
        }
        let len = u32::from_be_bytes(prefix) as usize;
        if len == 0 || len > MAX_RECORD_BYTES {
            self.done = true;
            return Err(ExportError::BadLength {
                position,
                len: len as u64,
                max: MAX_RECORD_BYTES,
            });
        }
        let mut record = vec![0u8; len];
        if read_full(&mut self.input, &mut record)? < len {
            self.done = true;
            return Err(ExportError::Truncated { position });
        }
        self.position = position;
        Ok(Some(record))
    }
}

impl<R: Read> Iterator for ExportReader<R> {
    type Item = Result<Vec<u8>, ExportError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}

/// Reads until `buf` is full or the input ends; returns how many bytes were read.
fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> Result<usize, ExportError> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(filled)
}

/// Encodes a whole export in memory.
pub fn export_to_vec<'a>(
    events: impl IntoIterator<Item = &'a SignedEvent>,
) -> Result<Vec<u8>, ExportError> {
    let mut writer = ExportWriter::new(Vec::new())?;
    for event in events {
        writer.write(event)?;
    }
    writer.finish()
}

/// Reads every raw record of an export held in memory.
pub fn read_export(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ExportError> {
    ExportReader::new(bytes)?.collect()
}
