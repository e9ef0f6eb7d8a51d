//! The export format: a file header, then length-prefixed signed records, exactly as signed,
//! and (version 2) a trailer that vouches for the export's end.
//!
//! ```text
//! "TALLYLOG" (8 bytes) ‖ version u16 BE (1 or 2) ‖ flags u16 BE = 0 ‖ reserved u32 BE = 0
//! then, per record: length u32 BE (1 ..= limit) ‖ the record's bytes
//! version 2 only, at the end: u32 BE 0 ‖ trailer length u32 BE ‖ the trailer (see
//! [`crate::trailer`]), and nothing after it
//! ```
//!
//! The reader hands out raw records (not parsed), so a damaged record is reported by the
//! chain verifier with its position. It holds one record at a time, whatever the length of the
//! export. A version 2 export that ends without its trailer is reported as cut short
//! ([`ExportError::MissingTrailer`]): that is how truncation at a record boundary shows.
//! Version 1 exports (no trailer) still read. This module works on any `std::io::Read`/`Write`
//! and opens nothing itself.

use std::io::{self, Read, Write};

use thiserror::Error;

use crate::domain::DomainSigner;
use crate::error::DecodeError;
use crate::event::{SignedEvent, MAX_RECORD_BYTES};
use crate::key::DeviceKey;
use crate::trailer::{DeviceTrailer, Trailer, MAX_TRAILER_BYTES};
use crate::types::Sha256Hash;

/// The 8 bytes an export starts with.
pub const EXPORT_MAGIC: [u8; 8] = *b"TALLYLOG";
/// The export format version this crate writes (with a trailer).
pub const EXPORT_VERSION: u16 = 2;
/// The first export format version: no trailer. Still read.
pub const EXPORT_VERSION_1: u16 = 1;
/// Length of the export file header.
pub const EXPORT_HEADER_BYTES: usize = 16;
/// Largest record length prefix a version 1 export may hold (the record limit of version 1
/// of the record format). Such a record is read and then refused by the verifier, with its
/// position, if it is over today's limit.
pub const V1_MAX_RECORD_BYTES: usize = 1_048_917;

/// Why an export could not be read or written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// Reading or writing failed. The cause is part of the message (and not also a
    /// `source()`, so a printer of error chains says it once).
    Io(io::Error),
    /// The file header is wrong.
    Header(DecodeError),
    /// A record's length prefix is zero or over the limit.
    BadLength {
        /// 1-based record number.
        position: usize,
        /// The claimed length.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// The file ends inside a record.
    Truncated {
        /// 1-based record number.
        position: usize,
    },
    /// A version 2 export ends without its trailer.
    MissingTrailer {
        /// Records read.
        records: usize,
    },
    /// The trailer is damaged, or something follows it.
    Trailer(DecodeError),
    /// A trailer was asked of a writer of version 1, or a version 2 writer finished without.
    TrailerRule {
        /// The writer's version.
        version: u16,
        /// What was wrong.
        what: &'static str,
    },
}

impl From<io::Error> for ExportError {
    fn from(error: io::Error) -> Self {
        ExportError::Io(error)
    }
}

/// Writes an export: the header at creation, then one record per [`ExportWriter::write`], then
/// (version 2) the trailer.
#[derive(Debug)]
pub struct ExportWriter<W: Write> {
    out: W,
    version: u16,
    records: u64,
    head_seq: u64,
    head_hash: Sha256Hash,
}

impl<W: Write> ExportWriter<W> {
    /// Writes the header of a version 1 export (no trailer: a reader cannot tell an export cut
    /// at a record boundary from a whole one). For tools and tests that need the old format;
    /// devices write version 2 ([`ExportWriter::v2`]).
    pub fn new(out: W) -> Result<Self, ExportError> {
        Self::with_version(out, EXPORT_VERSION_1)
    }

    /// Writes the header of a version 2 export, which must end with
    /// [`ExportWriter::finish_signed`] or [`ExportWriter::finish_with_trailer`].
    pub fn v2(out: W) -> Result<Self, ExportError> {
        Self::with_version(out, EXPORT_VERSION)
    }

    fn with_version(mut out: W, version: u16) -> Result<Self, ExportError> {
        let mut header = [0u8; EXPORT_HEADER_BYTES];
        header[..8].copy_from_slice(&EXPORT_MAGIC);
        header[8..10].copy_from_slice(&version.to_be_bytes());
        out.write_all(&header)?;
        Ok(Self {
            out,
            version,
            records: 0,
            head_seq: 0,
            head_hash: Sha256Hash::ZERO,
        })
    }

    /// Appends one signed event.
    pub fn write(&mut self, event: &SignedEvent) -> Result<(), ExportError> {
        self.write_record(event.as_bytes())
    }

    fn max_record(&self) -> usize {
        if self.version == EXPORT_VERSION_1 {
            V1_MAX_RECORD_BYTES
        } else {
            MAX_RECORD_BYTES
        }
    }

    /// Appends one record given as raw bytes (as stored in a database), unchanged.
    pub fn write_record(&mut self, record: &[u8]) -> Result<(), ExportError> {
        let max = self.max_record();
        if record.is_empty() || record.len() > max {
            return Err(ExportError::BadLength {
                position: (self.records + 1) as usize,
                len: record.len() as u64,
                max,
            });
        }
        self.out.write_all(&(record.len() as u32).to_be_bytes())?;
        self.out.write_all(record)?;
        self.records += 1;
        self.head_hash = Sha256Hash::of(record);
        // The seq sits at bytes 37..45 of a record; a record too short to hold one (which a
        // verifier will report) leaves the head seq at 0.
        self.head_seq = record
            .get(37..45)
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
            .map_or(0, u64::from_be_bytes);
        Ok(())
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Finishes a version 1 export: flushes and gives back the writer.
    pub fn finish(mut self) -> Result<W, ExportError> {
        if self.version != EXPORT_VERSION_1 {
            return Err(ExportError::TrailerRule {
                version: self.version,
                what: "must end with a trailer",
            });
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Finishes a version 2 device export: a trailer with the record count and the head,
    /// signed by `key` (a domain signature under the trailer's label, never as an event).
    pub fn finish_signed(self, key: &DeviceKey) -> Result<W, ExportError> {
        self.finish_signed_with(&DomainSigner::new(key.clone()))
    }

    /// [`ExportWriter::finish_signed`] with a key that can sign only under domain labels.
    pub fn finish_signed_with(self, signer: &DomainSigner) -> Result<W, ExportError> {
        let trailer = DeviceTrailer::sign_with(signer, self.records, self.head_seq, self.head_hash);
        self.finish_with_trailer(&Trailer::Device(trailer))
    }

    /// Finishes a version 2 export with the given trailer (a ledger export's).
    pub fn finish_with_trailer(mut self, trailer: &Trailer) -> Result<W, ExportError> {
        if self.version == EXPORT_VERSION_1 {
            return Err(ExportError::TrailerRule {
                version: self.version,
                what: "has no trailer",
            });
        }
        let bytes = trailer.encode();
        self.out.write_all(&0u32.to_be_bytes())?;
        self.out.write_all(&(bytes.len() as u32).to_be_bytes())?;
        self.out.write_all(&bytes)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Reads an export record by record, one record in memory at a time.
#[derive(Debug)]
pub struct ExportReader<R: Read> {
    input: R,
    version: u16,
    position: usize,
    done: bool,
    trailer: Option<Trailer>,
}

impl<R: Read> ExportReader<R> {
    /// Reads and checks the file header (version 1 or 2).
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
        if !(version == EXPORT_VERSION_1 || version == EXPORT_VERSION)
            || flags != 0
            || header[12..16] != [0, 0, 0, 0]
        {
            return Err(ExportError::Header(DecodeError::UnsupportedExport {
                version,
                flags,
            }));
        }
        Ok(Self {
            input,
            version,
            position: 0,
            done: false,
            trailer: None,
        })
    }

    /// The export's format version (1 or 2).
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Records read so far.
    pub fn records_read(&self) -> usize {
        self.position
    }

    /// The trailer, once [`ExportReader::next_record`] returned `None` on a version 2 export.
    pub fn trailer(&self) -> Option<&Trailer> {
        self.trailer.as_ref()
    }

    /// The next raw record, `None` at the end (after the trailer in version 2).
    pub fn next_record(&mut self) -> Result<Option<Vec<u8>>, ExportError> {
        if self.done {
            return Ok(None);
        }
        let position = self.position + 1;
        let mut prefix = [0u8; 4];
        match read_full(&mut self.input, &mut prefix)? {
            0 => {
                self.done = true;
                if self.version == EXPORT_VERSION_1 {
                    return Ok(None);
                }
                return Err(ExportError::MissingTrailer {
                    records: self.position,
                });
            }
            4 => {}
            _ => {
                self.done = true;
                return Err(ExportError::Truncated { position });
            }
        }
        let len = u32::from_be_bytes(prefix) as usize;
        if len == 0 && self.version == EXPORT_VERSION {
            self.done = true;
            self.trailer = Some(self.read_trailer()?);
            return Ok(None);
        }
        let max = if self.version == EXPORT_VERSION_1 {
            V1_MAX_RECORD_BYTES
        } else {
            MAX_RECORD_BYTES
        };
        if len == 0 || len > max {
            self.done = true;
            return Err(ExportError::BadLength {
                position,
                len: len as u64,
                max,
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

    fn read_trailer(&mut self) -> Result<Trailer, ExportError> {
        let cut = || {
            ExportError::Trailer(DecodeError::Truncated {
                offset: 0,
                wanted: 4,
                available: 0,
            })
        };
        let mut prefix = [0u8; 4];
        if read_full(&mut self.input, &mut prefix)? < 4 {
            return Err(cut());
        }
        let len = u32::from_be_bytes(prefix) as usize;
        if len == 0 || len > MAX_TRAILER_BYTES {
            return Err(ExportError::Trailer(DecodeError::TooLong {
                offset: 0,
                what: "trailer",
                len,
                max: MAX_TRAILER_BYTES,
            }));
        }
        let mut bytes = vec![0u8; len];
        let filled = read_full(&mut self.input, &mut bytes)?;
        if filled < len {
            return Err(ExportError::Trailer(DecodeError::Truncated {
                offset: filled,
                wanted: len - filled,
                available: 0,
            }));
        }
        let trailer = Trailer::decode(&bytes).map_err(ExportError::Trailer)?;
        let mut extra = [0u8; 1];
        if read_full(&mut self.input, &mut extra)? != 0 {
            return Err(ExportError::Trailer(DecodeError::TrailingBytes {
                offset: len,
                count: 1,
            }));
        }
        Ok(trailer)
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

/// Encodes a whole export in memory, in version 1 (no trailer).
pub fn export_to_vec<'a>(
    events: impl IntoIterator<Item = &'a SignedEvent>,
) -> Result<Vec<u8>, ExportError> {
    let mut writer = ExportWriter::new(Vec::new())?;
    for event in events {
        writer.write(event)?;
    }
    writer.finish()
}

/// Encodes a whole version 2 device export in memory, its trailer signed by `key`.
pub fn export_signed_to_vec<'a>(
    events: impl IntoIterator<Item = &'a SignedEvent>,
    key: &DeviceKey,
) -> Result<Vec<u8>, ExportError> {
    let mut writer = ExportWriter::v2(Vec::new())?;
    for event in events {
        writer.write(event)?;
    }
    writer.finish_signed(key)
}

/// Reads every raw record of an export held in memory (the trailer of a version 2 export is
/// read and must be present, but is not checked: see [`crate::trailer::Trailer::check`]).
pub fn read_export(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ExportError> {
    ExportReader::new(bytes)?.collect()
}
