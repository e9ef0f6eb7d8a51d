//! The one type for "what a scanner or reader handed us": [`ScanInput`].
//!
//! Every driver decoder produces it (a barcode scanner's bytes, an RFID reader's EPC bank
//! bytes), and [`ScanInput::decode`] is the one way it is read. Nothing is split or
//! rewritten on the way: a barcode keeps its AIM symbology identifier in front of the data
//! (`]d2…`, `]Y3…`, with GS kept), so the identifier is parsed once, by [`crate::aim`]; an
//! EPC stays binary, so a tag and the hexadecimal a person types for it are read the same way.

use std::fmt::Write as _;

use crate::aim::{self, Symbology};
use crate::decode::{add_digital_link, decode_epc_bank, DecodeOptions, Decoded, Source};
use crate::epc::{EpcError, MAX_EPC_BYTES};
use crate::error::ScanError;
use crate::spare::Spare;

/// What a scanner or an RFID reader handed us, before any reading of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScanInput {
    /// A barcode scan: the bytes exactly as the scanner sent them, with its AIM symbology
    /// identifier in front when it sends one, GS (0x1D) kept, framing (prefix, suffix, CR/LF)
    /// removed.
    Barcode(Vec<u8>),
    /// An RFID tag's EPC bank as the reader reported it: the EPC, possibly after the tag's PC
    /// word and possibly followed by words of zeros (see [`crate::decode`]).
    Epc(Vec<u8>),
}

impl ScanInput {
    /// A barcode scan, identifier (if any) included.
    pub fn barcode(bytes: impl Into<Vec<u8>>) -> ScanInput {
        ScanInput::Barcode(bytes.into())
    }

    /// An RFID read's EPC bank bytes.
    pub fn epc(bytes: impl Into<Vec<u8>>) -> ScanInput {
        ScanInput::Epc(bytes.into())
    }

    /// The bytes as received.
    pub fn bytes(&self) -> &[u8] {
        match self {
            ScanInput::Barcode(bytes) | ScanInput::Epc(bytes) => bytes,
        }
    }

    /// Where the input came from.
    pub fn source(&self) -> Source {
        match self {
            ScanInput::Barcode(_) => Source::Barcode,
            ScanInput::Epc(_) => Source::Rfid,
        }
    }

    /// The AIM symbology identifier in front of a barcode scan, when it has a valid one.
    pub fn symbology(&self) -> Option<Symbology> {
        match self {
            ScanInput::Barcode(bytes) => aim::split(bytes).ok().map(|(symbology, _)| symbology),
            ScanInput::Epc(_) => None,
        }
    }

    /// The data after the symbology identifier (all of it when there is none; the EPC bank
    /// of an RFID read).
    pub fn data(&self) -> &[u8] {
        match self {
            ScanInput::Barcode(bytes) => aim::split(bytes).map_or(&bytes[..], |(_, data)| data),
            ScanInput::Epc(bytes) => bytes,
        }
    }

    /// The input as `tally decode` takes it on a line: a barcode's bytes (lossy UTF-8), an
    /// EPC in upper-case hexadecimal.
    pub fn to_text(&self) -> String {
        match self {
            ScanInput::Barcode(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            ScanInput::Epc(bytes) => upper_hex(bytes),
        }
    }

    /// Reads the input: [`crate::decode`]'s rules, with the source taken from the input
    /// (`options.source` is ignored).
    pub fn decode(&self, options: &DecodeOptions) -> Decoded {
        match self {
            ScanInput::Barcode(bytes) => crate::decode(
                bytes,
                &DecodeOptions {
                    source: Source::Barcode,
                    ..*options
                },
            ),
            ScanInput::Epc(bytes) => {
                let shown = upper_hex(&bytes[..bytes.len().min(MAX_EPC_BYTES)]);
                if bytes.len() > MAX_EPC_BYTES {
                    let mut failed = Decoded::default();
                    let mut spare = Spare::default();
                    decode_epc_bank(shown.as_bytes(), &[], options, &mut spare, &mut failed);
                    failed.errors = vec![ScanError::Epc {
                        message: EpcError::TooLong {
                            bytes: bytes.len(),
                            max: MAX_EPC_BYTES,
                        }
                        .to_string(),
                    }];
                    return failed;
                }
                let (mut decoded, mut spare) = (Decoded::default(), Spare::default());
                decode_epc_bank(shown.as_bytes(), bytes, options, &mut spare, &mut decoded);
                add_digital_link(&mut decoded, &mut spare);
                decoded
            }
        }
    }
}

fn upper_hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02X}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, Date, Kind};

    fn options() -> DecodeOptions {
        DecodeOptions::new(Date::new(2026, 11, 24).expect("a date"))
    }

    #[test]
    fn a_barcode_keeps_its_identifier_and_reads_as_decode_reads_it() {
        let scan = ScanInput::barcode(&b"]d2010950110153000317271231\x1d10AB"[..]);
        assert_eq!(
            scan.symbology().map(|s| s.id().to_owned()).as_deref(),
            Some("]d2")
        );
        assert_eq!(scan.data(), b"010950110153000317271231\x1d10AB");
        let read = scan.decode(&options());
        assert_eq!(read, decode(scan.bytes(), &options()));
        assert_eq!(read.kind, Kind::Gs1);
        assert_eq!(
            read.hri.as_deref(),
            Some("(01)09501101530003(17)271231(10)AB")
        );
        // The system-expansion form `]Yn` has a longer identifier; it is split by its rule.
        let expansion = ScanInput::barcode(&b"]Y3abcdef"[..]);
        assert_eq!(expansion.data(), b"def");
        // Data starting with `]` that is no identifier stays whole.
        assert_eq!(ScanInput::barcode(&b"]W0abc"[..]).data(), b"]W0abc");
    }

    #[test]
    fn a_tag_reads_as_its_hexadecimal_reads() {
        let options = DecodeOptions {
            source: Source::Rfid,
            ..options()
        };
        for hex in [
            "3074257BF7194E4000001A85",
            "3074257BF7194E4000001A850000",
            "34003074257BF7194E4000001A85",
            "1A4FF0100000022000000123",
        ] {
            let bytes = crate::epc::parse_hex(hex).expect("hex");
            let tag = ScanInput::epc(bytes);
            assert_eq!(tag.to_text(), hex);
            assert_eq!(
                tag.decode(&options),
                decode(hex.as_bytes(), &options),
                "{hex}"
            );
        }
        // The source comes from the input, not from the options.
        let tag = ScanInput::epc(crate::epc::parse_hex("3074257BF7194E4000001A85").expect("hex"));
        assert_eq!(tag.decode(&super::tests::options()).kind, Kind::Epc);
    }

    #[test]
    fn bad_tag_reads_say_what_is_wrong() {
        let empty = ScanInput::epc(Vec::new()).decode(&options());
        assert_eq!(empty.errors, vec![ScanError::Empty]);
        let long = ScanInput::epc(vec![0x30; MAX_EPC_BYTES + 1]).decode(&options());
        assert!(
            long.errors[0].to_string().contains("at most 62 bytes"),
            "{:?}",
            long.errors
        );
    }
}
