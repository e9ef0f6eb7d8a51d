//! `tally-ledger export`: the export stream of docs/EVENT-FORMAT.md §6, version 2 with a
//! **ledger trailer**: one device's chain in seq order, or every entry of the log in log
//! order, the exact stored bytes, then a trailer that vouches for where the export ends (the
//! record count, the last record's hash and log index, a signed checkpoint covering it and the
//! inclusion proof of that entry). `tally log verify` checks it (with `--ledger-key`, the
//! checkpoint's signature too).
//!
//! The export holds the entries of the checkpoint it carries: records appended while it is
//! written are left for the next export. An export with no records (a device that has pushed
//! nothing) is written as version 1: a ledger trailer vouches for a last record, and there is
//! none.

use std::io::Write;

use tally_events::{DeviceId, ExportError, ExportWriter, LedgerTrailer, Sha256Hash, Trailer};
use thiserror::Error;

use crate::error::LedgerError;
use crate::ledger::Ledger;
use crate::store::{Store, StoreError};

/// Records read per storage round trip.
const PAGE: u64 = 1_000;

/// Why an export failed.
#[derive(Debug, Error)]
pub enum ExportFailure {
    /// Writing the stream failed.
    #[error(transparent)]
    Write(#[from] ExportError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The checkpoint or proof could not be made.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The device is not enrolled.
    #[error("device {0} is not enrolled at this ledger")]
    UnknownDevice(DeviceId),
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// Records written.
    pub records: u64,
    /// Size of the checkpoint in the trailer (0: no trailer, an empty version 1 export).
    pub tree_size: u64,
}

/// Writes the export of `device` (or of the whole log) to `out`.
pub fn export<S: Store, W: Write>(
    ledger: &mut Ledger<S>,
    device: Option<&DeviceId>,
    out: W,
) -> Result<ExportSummary, ExportFailure> {
    if let Some(device) = device {
        if ledger.store().device(device)?.is_none() {
            return Err(ExportFailure::UnknownDevice(*device));
        }
    }
    let checkpoint = ledger.checkpoint()?;
    let size = checkpoint.size;
    // Collect (index, record) pages lazily: first find whether there is anything at all.
    let first_page = page(ledger.store(), device, None, size)?;
    if first_page.is_empty() {
        let writer = ExportWriter::new(out)?;
        writer.finish()?;
        return Ok(ExportSummary {
            records: 0,
            tree_size: 0,
        });
    }
    let mut writer = ExportWriter::v2(out)?;
    let mut last: Option<(u64, u64, Vec<u8>)> = None;
    let mut current = first_page;
    loop {
        for (index, seq, record) in current {
            writer.write_record(&record)?;
            last = Some((index, seq, record));
        }
        let cursor = last.as_ref().map(|(index, seq, _)| match device {
            Some(_) => *seq,
            None => *index,
        });
        current = page(ledger.store(), device, cursor, size)?;
        if current.is_empty() {
            break;
        }
    }
    let records = writer.records();
    #[allow(
        clippy::expect_used,
        reason = "the first page was not empty, so a record was written"
    )]
    let (index, _, record) = last.expect("at least one record was written");
    let proof = ledger
        .inclusion_proof_hashes(index, size)?
        .into_iter()
        .map(Sha256Hash)
        .collect();
    let trailer = Trailer::Ledger(LedgerTrailer {
        records,
        head_hash: Sha256Hash::of(&record),
        log_index: index,
        checkpoint: checkpoint.note,
        proof,
    });
    writer.finish_with_trailer(&trailer)?;
    Ok(ExportSummary {
        records,
        tree_size: size,
    })
}

/// The next page of (index, seq, record) after `cursor` (a seq for a device, an index for the
/// whole log), only entries below `size`.
fn page<S: Store>(
    store: &S,
    device: Option<&DeviceId>,
    cursor: Option<u64>,
    size: u64,
) -> Result<Vec<(u64, u64, Vec<u8>)>, StoreError> {
    let rows = match device {
        Some(device) => store.device_records(device, cursor.unwrap_or(0), PAGE)?,
        None => {
            let start = cursor.map(|c| c + 1).unwrap_or(0);
            let end = (start + PAGE).min(size);
            if start >= end {
                Vec::new()
            } else {
                store.entries(start, end)?
            }
        }
    };
    Ok(rows
        .into_iter()
        .take_while(|row| row.index < size)
        .map(|row| (row.index, row.seq, row.record))
        .collect())
}
