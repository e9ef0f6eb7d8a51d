//! AIM symbology identifiers (ISO/IEC 15424): the `]C1`, `]d2`, `]Q1` ... prefix a scanner puts
//! in front of the data to say which barcode type it read, and so how the data must be read.
//!
//! An identifier is `]`, a code character naming the symbology, and a modifier character
//! naming its options. Code character `Y` (system expansion) is the exception: its modifier is
//! a digit `n` followed by `n` more characters (`]Y3abc`).

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::error::ScanError;

/// Longest identifier: `]Y9` plus nine characters.
const MAX_ID_LEN: usize = 12;

/// How the data after an identifier must be read (GS1 General Specifications fig. 5.1.2-2,
/// the GS1 Barcode Syntax Engine's reading of ISO/IEC 15424).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataForm {
    /// GS1 element strings (`]C1`, `]e0`, `]d2`, `]Q3`, `]J1` ...).
    Gs1ElementString,
    /// A GTIN from an EAN/UPC or ITF barcode (`]E0`, `]E4`, `]I1` ...).
    Gtin,
    /// Plain data, which may be a GS1 Digital Link URI (`]Q1`, `]d1`, `]J0`).
    PlainUriCapable,
    /// Plain data of a barcode that cannot carry GS1 data (Code 39, plain Code 128 ...).
    Plain,
}

/// A symbology identifier read from the front of a scan.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Symbology {
    bytes: [u8; MAX_ID_LEN],
    len: u8,
}

impl fmt::Debug for Symbology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbology({:?})", self.id())
    }
}

impl fmt::Display for Symbology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id(), self.name())
    }
}

impl Serialize for Symbology {
    /// `{"id": "]C1", "name": "GS1-128"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Symbology", 2)?;
        s.serialize_field("id", self.id())?;
        s.serialize_field("name", self.name())?;
        s.end()
    }
}

impl Symbology {
    /// The identifier, e.g. `"]C1"`.
    pub fn id(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("]")
    }

    /// The code character, e.g. `'C'`.
    pub fn code(&self) -> char {
        char::from(self.bytes[1])
    }

    /// The code character and modifier of a three-character identifier (all but `]Y`'s).
    #[inline]
    pub(crate) fn short(&self) -> Option<(u8, u8)> {
        (self.len == 3).then_some((self.bytes[1], self.bytes[2]))
    }

    /// The modifier, e.g. `"1"` (for `]Y`, the digit and its characters).
    pub fn modifier(&self) -> &str {
        &self.id()[2..]
    }

    /// The barcode type in a technician's words, e.g. `"GS1-128"`.
    pub fn name(&self) -> &'static str {
        let m = self.bytes[2];
        match (self.bytes[1], m) {
            (b'C', b'0') => "Code 128",
            (b'C', b'1') => "GS1-128",
            (b'C', b'2') => "Code 128 (AIM application)",
            (b'C', b'4') => "Code 128 (ISBT concatenation)",
            (b'E', b'0') => "EAN-13",
            (b'E', b'1') => "EAN/UPC 2-digit add-on",
            (b'E', b'2') => "EAN/UPC 5-digit add-on",
            (b'E', b'3') => "EAN-13 with add-on",
            (b'E', b'4') => "EAN-8",
            (b'e', b'0') => "GS1 DataBar",
            (b'e', b'1') => "GS1 Composite",
            (b'e', b'2') => "GS1 Composite (escape mode)",
            (b'd', b'1') => "Data Matrix",
            (b'd', b'2') => "GS1 DataMatrix",
            (b'd', b'3') => "Data Matrix (AIM application)",
            (b'd', b'4') => "Data Matrix (ECI)",
            (b'd', b'5') => "GS1 DataMatrix (ECI)",
            (b'Q', b'0') => "QR Code model 1",
            (b'Q', b'1') => "QR Code",
            (b'Q', b'2') => "QR Code (ECI)",
            (b'Q', b'3') => "GS1 QR Code",
            (b'Q', b'4') => "GS1 QR Code (ECI)",
            (b'J', b'0') => "DotCode",
            (b'J', b'1') => "GS1 DotCode",
            (b'I', b'1' | b'3') => "ITF (check digit verified)",
            (b'L', b'2') => "MicroPDF417",
            (code, _) => code_name(code).unwrap_or("unknown"),
        }
    }

    /// How the data after this identifier must be read.
    pub fn data_form(&self) -> DataForm {
        match (self.bytes[1], self.bytes[2]) {
            (b'C', b'1') | (b'e', _) | (b'd', b'2' | b'5') | (b'Q', b'3' | b'4') | (b'J', b'1') => {
                DataForm::Gs1ElementString
            }
            (b'E', b'0' | b'3' | b'4') | (b'I', _) => DataForm::Gtin,
            (b'd' | b'Q' | b'J' | b'z' | b'L' | b'U' | b'h', _) => DataForm::PlainUriCapable,
            _ => DataForm::Plain,
        }
    }
}

/// Every code character ISO/IEC 15424 (and the AIM registrations since) defines, with the
/// symbology it names.
pub const CODE_CHARACTERS: &[(u8, &str)] = &[
    (b'A', "Code 39"),
    (b'B', "Telepen"),
    (b'C', "Code 128"),
    (b'D', "Code One"),
    (b'E', "EAN/UPC"),
    (b'F', "Codabar"),
    (b'G', "Code 93"),
    (b'H', "Code 11"),
    (b'I', "Interleaved 2 of 5"),
    (b'J', "DotCode"),
    (b'K', "Code 16K"),
    (b'L', "PDF417"),
    (b'M', "MSI"),
    (b'N', "Anker"),
    (b'O', "Codablock"),
    (b'P', "Plessey"),
    (b'Q', "QR Code"),
    (b'R', "Straight 2 of 5 (2-bar start/stop)"),
    (b'S', "Straight 2 of 5 (3-bar start/stop)"),
    (b'T', "Code 49"),
    (b'U', "MaxiCode"),
    (b'X', "other barcode"),
    (b'Y', "system expansion"),
    (b'Z', "non-barcode input"),
    (b'c', "Channel Code"),
    (b'd', "Data Matrix"),
    (b'e', "GS1 DataBar / Composite"),
    (b'h', "Han Xin Code"),
    (b'o', "OCR"),
    (b'p', "PosiCode"),
    (b's', "SuperCode"),
    (b'z', "Aztec Code"),
];

fn code_name(code: u8) -> Option<&'static str> {
    CODE_CHARACTERS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// Splits a scan into its symbology identifier and data. Errors: the scan does not start with
/// `]`, the identifier is cut short, its code character is unknown, or its modifier is invalid.
pub fn split(scan: &[u8]) -> Result<(Symbology, &[u8]), ScanError> {
    if scan.first() != Some(&b']') {
        return Err(ScanError::NoSymbology);
    }
    let &code = scan.get(1).ok_or(ScanError::SymbologyTruncated)?;
    if code_name(code).is_none() {
        return Err(ScanError::UnknownSymbology {
            code: char::from(code),
        });
    }
    let &modifier = scan.get(2).ok_or(ScanError::SymbologyTruncated)?;
    let len = if code == b'Y' {
        if !modifier.is_ascii_digit() {
            return Err(ScanError::BadSymbologyModifier {
                code: 'Y',
                modifier: char::from(modifier),
            });
        }
        3 + usize::from(modifier - b'0')
    } else {
        if !modifier.is_ascii_alphanumeric() {
            return Err(ScanError::BadSymbologyModifier {
                code: char::from(code),
                modifier: char::from(modifier),
            });
        }
        3
    };
    let id = scan.get(..len).ok_or(ScanError::SymbologyTruncated)?;
    if !id.is_ascii() {
        return Err(ScanError::BadSymbologyModifier {
            code: char::from(code),
            modifier: char::REPLACEMENT_CHARACTER,
        });
    }
    let mut bytes = [0u8; MAX_ID_LEN];
    bytes[..len].copy_from_slice(id);
    Ok((
        Symbology {
            bytes,
            len: len as u8,
        },
        &scan[len..],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_identifier_and_data() {
        let (s, data) = split(b"]C1010703206980498815210526").unwrap();
        assert_eq!(
            (s.id(), s.name(), s.code(), s.modifier()),
            ("]C1", "GS1-128", 'C', "1")
        );
        assert_eq!(s.data_form(), DataForm::Gs1ElementString);
        assert_eq!(data, b"010703206980498815210526");
        let (y, rest) = split(b"]Y3abcdef").unwrap();
        assert_eq!((y.id(), rest), ("]Y3abc", &b"def"[..]));
    }

    #[test]
    fn rejects_what_is_not_an_identifier() {
        assert_eq!(split(b"E0abc"), Err(ScanError::NoSymbology));
        assert_eq!(
            split(b"]W0abc"),
            Err(ScanError::UnknownSymbology { code: 'W' })
        );
        assert_eq!(split(b"]C"), Err(ScanError::SymbologyTruncated));
        assert_eq!(split(b"]Y5ab"), Err(ScanError::SymbologyTruncated));
        assert!(matches!(
            split(b"]C\x1d"),
            Err(ScanError::BadSymbologyModifier { .. })
        ));
        assert!(split(b"]").is_err());
    }

    #[test]
    fn reading_rules() {
        let form = |id: &[u8]| split(id).unwrap().0.data_form();
        assert_eq!(form(b"]Q1"), DataForm::PlainUriCapable);
        assert_eq!(form(b"]d1"), DataForm::PlainUriCapable);
        assert_eq!(form(b"]Q3"), DataForm::Gs1ElementString);
        assert_eq!(form(b"]J1"), DataForm::Gs1ElementString);
        assert_eq!(form(b"]E4"), DataForm::Gtin);
        assert_eq!(form(b"]C0"), DataForm::Plain);
    }
}
