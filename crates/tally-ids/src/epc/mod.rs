//! EPC Tag Data Standard (GS1 TDS 1.13): the binary EPC an RFID reader returns, turned into the
//! EPC tag URI, the pure-identity URI, the GS1 element string and a typed identity, and back.
//!
//! Entry points: [`decode_epc`] (EPC bank bytes, header first), [`parse_hex`] (reader hex),
//! [`encode_tag_uri`] (tag URI → bytes, for writing tags and for round-trip tests),
//! [`encode_pure_uri`] (pure-identity URI + scheme + filter → bytes).
//!
//! Schemes: SGTIN-96/198, SSCC-96, SGLN-96/195, GRAI-96/170, GIAI-96/202, GSRN-96, GSRNP-96,
//! GDTI-96/174, CPI-96/var, SGCN-96, ITIP-110/212, GID-96, USDOD-96, ADI-var. One table per
//! scheme (`tables.rs`) drives both directions.
//!
//! Decisions a caller should know:
//! * **Unknown headers are not errors.** They decode to an [`Epc`] with `scheme == "raw"`,
//!   `filter == None`, no element string, [`EpcIdentity::Raw`], and the EPC raw URI
//!   `urn:epc:raw:<bits>.x<HEX>` (TDS §12) as both tag and pure URI. Metrc tags land here (their
//!   first byte 0x1A is a reserved header), as do unprogrammed tags (0x00) and the deprecated
//!   GDTI-113 (0x3A).
//! * **Known headers with broken fields are errors** ([`EpcError`]): partition 7, a field with
//!   more digits than its partition allows, characters outside the field's set, non-zero
//!   reserved bits, a bank too short for the scheme.
//! * The bank may carry zero bits after the EPC (readers pad to 16-bit words); non-zero bits
//!   there are an error rather than silently ignored, so a foreign 128-bit EPC that happens to
//!   start with 0x30 is not passed off as an SGTIN.
//! * [`encode_tag_uri`] pads to whole 16-bit words, like the EPC field of a tag.
//! * GLN extension `0` means "no extension": the element string is `(414)…` alone.
//!
//! This module does no I/O and never panics on input; everything from outside is bounded
//! ([`MAX_EPC_BYTES`], [`MAX_HEX_INPUT_CHARS`], 512 characters of URI).

mod bits;
mod chars;
mod codec;
mod error;
mod identity;
mod tables;
mod uri;

pub use error::EpcError;
pub use identity::EpcIdentity;

use serde::Serialize;

use bits::{BitReader, BitWriter};
use uri::TagUri;

/// The largest EPC field a Gen2 tag can hold: the PC word's 5-bit length counts at most
/// 31 words of 16 bits.
pub const MAX_EPC_BYTES: usize = 62;

/// The longest text [`parse_hex`] looks at (hex digits plus spaces).
pub const MAX_HEX_INPUT_CHARS: usize = 1024;

/// A decoded EPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Epc {
    /// TDS tag-URI scheme name, e.g. `sgtin-96`, `sgtin-198`, or `raw` for unknown headers.
    pub scheme: String,
    /// The header byte (first 8 bits).
    pub header: u8,
    /// Length of the EPC in bits as the scheme defines it (raw: the bits received).
    pub bit_length: usize,
    /// EPC tag URI, e.g. `urn:epc:tag:sgtin-96:3.0614141.812345.6789`.
    pub tag_uri: String,
    /// Pure-identity URI, e.g. `urn:epc:id:sgtin:0614141.812345.6789` (raw: the raw URI).
    pub pure_uri: String,
    /// Filter value, for schemes that have one.
    pub filter: Option<u8>,
    /// GS1 element string in human-readable form, e.g. `(01)80614141123458(21)6789`, for schemes
    /// that correspond to a GS1 key.
    pub gs1_element_string: Option<String>,
    /// The identity, field by field.
    pub identity: EpcIdentity,
}

impl Epc {
    /// What the filter value tells a reader, in words (TDS §10 filter tables), or `None` when
    /// the EPC has no filter or this value has no meaning this decoder knows.
    pub fn filter_meaning(&self) -> Option<&'static str> {
        let filter = self.filter?;
        let scheme = self.scheme.split('-').next().unwrap_or("");
        Some(match (scheme, filter) {
            ("usdod", 0) => "pallet",
            ("usdod", 1) => "case",
            ("usdod", 2) => "unit pack",
            ("usdod" | "adi", _) => return None,
            (_, 0) => "all others",
            ("sgtin", 1) => "point-of-sale trade item",
            ("sgtin" | "sscc", 2) => "full case for transport",
            ("sgtin", 4) => "inner pack trade item grouping for handling",
            ("sgtin" | "sscc", 6) => "unit load",
            ("sgtin", 7) => "unit inside a trade item, or component not for individual sale",
            ("giai", 1) => "rail vehicle",
            ("gdti", 1) => "travel document",
            ("itip", _) => return None,
            _ => "reserved",
        })
    }
}

/// Decodes an EPC bank's EPC field (header first, as a reader delivers it, possibly padded to
/// whole 16-bit words).
///
/// Unknown headers decode to `scheme == "raw"`; known headers whose fields break the standard
/// (bad partition, too many digits, bad characters, too short) are errors.
pub fn decode_epc(bank: &[u8]) -> Result<Epc, EpcError> {
    check_bank_len(bank)?;
    let mut r = BitReader::new(bank);
    let header = r.read(8).unwrap_or(0) as u8;
    let Some(def) = tables::by_header(header) else {
        return Ok(raw_epc(bank));
    };
    let decoded = codec::decode(def, &mut r)?;
    let tag_uri = uri::tag_uri(def, decoded.filter, &decoded.parts);
    let pure_uri = uri::pure_uri(def, &decoded.parts);
    let gs1_element_string = identity::element_string(def.key, &decoded.parts);
    Ok(Epc {
        scheme: def.name.to_owned(),
        header,
        bit_length: decoded.bits,
        tag_uri,
        pure_uri,
        filter: decoded.filter,
        gs1_element_string,
        identity: identity::identity(def.key, decoded.parts),
    })
}

/// Parses reader hex into bytes: case-insensitive, spaces and tabs tolerated, optional `0x`.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, EpcError> {
    if text.len() > MAX_HEX_INPUT_CHARS {
        return Err(EpcError::TooLong {
            bytes: text.len() / 2,
            max: MAX_EPC_BYTES,
        });
    }
    let trimmed = text.trim_start();
    let offset = text.len() - trimmed.len();
    let (body, offset) = match trimmed.get(..2) {
        Some("0x") | Some("0X") => (&trimmed[2..], offset + 2),
        _ => (trimmed, offset),
    };
    let mut out = Vec::with_capacity(body.len() / 2);
    let mut high: Option<u8> = None;
    let mut digits = 0usize;
    for (i, c) in body.char_indices() {
        if c == ' ' || c == '\t' {
            continue;
        }
        let Some(v) = c.to_digit(16) else {
            return Err(EpcError::BadHexDigit {
                position: offset + i,
                found: c,
            });
        };
        digits += 1;
        let v = v as u8;
        match high.take() {
            Some(h) => out.push((h << 4) | v),
            None => high = Some(v),
        }
    }
    if high.is_some() {
        return Err(EpcError::OddHexDigits { digits });
    }
    if out.is_empty() {
        return Err(EpcError::Empty);
    }
    if out.len() > MAX_EPC_BYTES {
        return Err(EpcError::TooLong {
            bytes: out.len(),
            max: MAX_EPC_BYTES,
        });
    }
    Ok(out)
}

/// Encodes an EPC tag URI (or an EPC raw URI) into the bytes a tag's EPC field holds, padded
/// with zero bits to whole 16-bit words.
///
/// Raw URIs (`urn:epc:raw:96.x1A4FF0100000022000000123`) give back exactly their bytes.
pub fn encode_tag_uri(uri: &str) -> Result<Vec<u8>, EpcError> {
    match uri::parse_tag_uri(uri)? {
        TagUri::Raw(bytes) => Ok(bytes),
        TagUri::Scheme { def, filter, parts } => encode_parts(def, filter, &parts),
    }
}

/// Encodes a pure-identity URI (`urn:epc:id:sgtin:0614141.812345.6789`) with the coding scheme
/// `scheme` (tag-URI name, e.g. `sgtin-96`) and filter value `filter`, as an encoder writing a
/// new tag does. `filter` is ignored by GID-96, which has none.
pub fn encode_pure_uri(pure_uri: &str, scheme: &str, filter: u8) -> Result<Vec<u8>, EpcError> {
    let def = tables::by_name(scheme).ok_or_else(|| EpcError::UnknownScheme {
        scheme: clip(scheme).to_owned(),
    })?;
    let parts = uri::parse_pure_uri(pure_uri, def)?;
    let filter_text = filter.to_string();
    let filter = def.has_filter().then_some(filter_text.as_str());
    encode_parts(def, filter, &parts)
}

fn encode_parts(
    def: &'static tables::SchemeDef,
    filter: Option<&str>,
    parts: &[&str],
) -> Result<Vec<u8>, EpcError> {
    let mut w = BitWriter::new();
    w.write(u64::from(def.header), 8);
    codec::encode(def, filter, parts, &mut w)?;
    if w.len_bits() > MAX_EPC_BYTES * 8 {
        return Err(EpcError::TooLong {
            bytes: w.len_bits().div_ceil(8),
            max: MAX_EPC_BYTES,
        });
    }
    Ok(w.into_words())
}

fn check_bank_len(bank: &[u8]) -> Result<(), EpcError> {
    if bank.is_empty() {
        return Err(EpcError::Empty);
    }
    if bank.len() > MAX_EPC_BYTES {
        return Err(EpcError::TooLong {
            bytes: bank.len(),
            max: MAX_EPC_BYTES,
        });
    }
    Ok(())
}

fn raw_epc(bank: &[u8]) -> Epc {
    let mut hex = String::with_capacity(bank.len() * 2);
    for b in bank {
        hex.push(HEX_UPPER[usize::from(b >> 4)] as char);
        hex.push(HEX_UPPER[usize::from(b & 0x0F)] as char);
    }
    let bit_length = bank.len() * 8;
    let uri = format!("urn:epc:raw:{bit_length}.x{hex}");
    Epc {
        scheme: "raw".to_owned(),
        header: bank.first().copied().unwrap_or(0),
        bit_length,
        tag_uri: uri.clone(),
        pure_uri: uri,
        filter: None,
        gs1_element_string: None,
        identity: EpcIdentity::Raw { bit_length, hex },
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Cuts text quoted in an error to at most 100 bytes (on a character boundary).
fn clip(text: &str) -> &str {
    let mut end = text.len().min(100);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
