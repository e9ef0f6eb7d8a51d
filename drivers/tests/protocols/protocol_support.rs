//! Helpers shared by the protocol tests: reading the vector files and feeding decoders.
#![allow(dead_code)]

use std::path::PathBuf;

use tally_drivers::event::{DeviceEvent, ProtocolError};
use tally_drivers::protocol::Decoder;

/// One row of a vector file: header name → field.
pub struct Row {
    pub fields: Vec<(String, String)>,
    pub line: usize,
}

impl Row {
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("line {}: no column {name}", self.line))
    }
}

/// Reads `tests/vectors/<file>` at the repository root (tab-separated, no quoting, no trimming).
pub fn read_vectors(file: &str) -> Vec<Row> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header line")
        .split('\t')
        .map(str::to_string)
        .collect();
    lines
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let values: Vec<&str> = l.split('\t').collect();
            assert_eq!(values.len(), header.len(), "{file} line {}", i + 2);
            Row {
                fields: header
                    .iter()
                    .cloned()
                    .zip(values.into_iter().map(str::to_string))
                    .collect(),
                line: i + 2,
            }
        })
        .collect()
}

/// Replaces the escapes of the vector files with their bytes.
pub fn unescape(s: &str) -> Vec<u8> {
    s.replace("<GS>", "\x1d")
        .replace("<CR>", "\r")
        .replace("<LF>", "\n")
        .replace("<ETX>", "\x03")
        .replace("<NUL>", "\0")
        .into_bytes()
}

/// Decodes hex (any case, no separators).
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Hex-encodes bytes (lower case).
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Feeds each chunk as a separate read and collects the events.
pub fn feed_chunks(decoder: &mut dyn Decoder, chunks: &[&[u8]]) -> Vec<DeviceEvent> {
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.feed(chunk, &mut out);
    }
    out
}

/// Feeds `bytes` one byte per read.
pub fn feed_bytewise(decoder: &mut dyn Decoder, bytes: &[u8]) -> Vec<DeviceEvent> {
    let mut out = Vec::new();
    for b in bytes {
        decoder.feed(std::slice::from_ref(b), &mut out);
    }
    out
}

/// The events without noise reports (skipped bytes are reported, not data).
pub fn without_noise(events: Vec<DeviceEvent>) -> Vec<DeviceEvent> {
    events
        .into_iter()
        .filter(|e| !matches!(e, DeviceEvent::Error(ProtocolError::Noise { .. })))
        .collect()
}

/// The EPCs of the tag reads among `events`, as hex.
pub fn epcs(events: &[DeviceEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            DeviceEvent::TagRead { epc, .. } => Some(to_hex(epc)),
            _ => None,
        })
        .collect()
}
