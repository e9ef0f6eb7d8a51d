//! `tally-ledger export`: the export stream of docs/EVENT-FORMAT.md §6 (version 1), written
//! from storage: one device's chain in seq order, or every entry of the log in log order. The
//! records are the exact stored bytes.

use std::io::Write;

use tally_events::{DeviceId, ExportError, ExportWriter};
use thiserror::Error;

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
    /// The device is not enrolled.
    #[error("device {0} is not enrolled at this ledger")]
    UnknownDevice(DeviceId),
}

/// Writes the export of `device` (or of the whole log) to `out`; returns the record count.
pub fn export<S: Store, W: Write>(
    store: &S,
    device: Option<&DeviceId>,
    out: W,
) -> Result<u64, ExportFailure> {
    let mut writer = ExportWriter::new(out)?;
    match device {
        Some(device) => {
            if store.device(device)?.is_none() {
                return Err(ExportFailure::UnknownDevice(*device));
            }
            let mut after = 0;
            loop {
                let page = store.device_records(device, after, PAGE)?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                for entry in &page {
                    writer.write_record(&entry.record)?;
                }
            }
        }
        None => {
            let size = store.tree_size()?;
            let mut start = 0;
            while start < size {
                let end = (start + PAGE).min(size);
                for entry in store.entries(start, end)? {
                    writer.write_record(&entry.record)?;
                }
                start = end;
            }
        }
    }
    let records = writer.records();
    writer.finish()?;
    Ok(records)
}
