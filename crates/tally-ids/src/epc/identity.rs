//! The typed identity of a decoded EPC and its GS1 element string (TDS §7: EPC ↔ GS1 keys).
//!
//! GS1 keys drop their check digit in the EPC; it is computed again here (GS1 mod-10, weights
//! 3,1,3,… from the right). The indicator digit of a GTIN and the extension digit of an SSCC
//! travel as the first digit of the EPC's second field and move to the front of the key.

use serde::Serialize;

use super::tables::Key;

/// The identity an EPC carries, field by field. Digit fields are strings because their leading
/// zeros matter; string fields are unescaped (`32a/b`, not `32a%2Fb`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EpcIdentity {
    /// Serialised GTIN (SGTIN-96, SGTIN-198).
    Sgtin {
        /// GS1 company prefix (6–12 digits).
        company_prefix: String,
        /// Indicator digit (or pad) followed by the item reference.
        item_reference: String,
        /// Serial number (AI 21).
        serial: String,
        /// The 14-digit GTIN with its check digit.
        gtin: String,
    },
    /// Serial Shipping Container Code (SSCC-96).
    Sscc {
        /// GS1 company prefix.
        company_prefix: String,
        /// Extension digit followed by the serial reference.
        serial_reference: String,
        /// The 18-digit SSCC with its check digit.
        sscc: String,
    },
    /// GLN with extension (SGLN-96, SGLN-195).
    Sgln {
        /// GS1 company prefix.
        company_prefix: String,
        /// Location reference (may be empty for a 12-digit prefix).
        location_reference: String,
        /// GLN extension (AI 254); `0` means none.
        extension: String,
        /// The 13-digit GLN with its check digit.
        gln: String,
    },
    /// Global Returnable Asset Identifier (GRAI-96, GRAI-170).
    Grai {
        /// GS1 company prefix.
        company_prefix: String,
        /// Asset type.
        asset_type: String,
        /// Serial number.
        serial: String,
    },
    /// Global Individual Asset Identifier (GIAI-96, GIAI-202).
    Giai {
        /// GS1 company prefix.
        company_prefix: String,
        /// Individual asset reference.
        asset_reference: String,
    },
    /// Global Service Relation Number, recipient (GSRN-96).
    Gsrn {
        /// GS1 company prefix.
        company_prefix: String,
        /// Service reference.
        service_reference: String,
        /// The 18-digit GSRN with its check digit.
        gsrn: String,
    },
    /// Global Service Relation Number, provider (GSRNP-96).
    Gsrnp {
        /// GS1 company prefix.
        company_prefix: String,
        /// Service reference.
        service_reference: String,
        /// The 18-digit GSRN with its check digit.
        gsrn: String,
    },
    /// Global Document Type Identifier (GDTI-96, GDTI-174).
    Gdti {
        /// GS1 company prefix.
        company_prefix: String,
        /// Document type.
        document_type: String,
        /// Serial number.
        serial: String,
    },
    /// Component / Part Identifier (CPI-96, CPI-var).
    Cpi {
        /// GS1 company prefix.
        company_prefix: String,
        /// Component/part reference.
        part_reference: String,
        /// Serial number (AI 8011).
        serial: String,
    },
    /// Serialised Global Coupon Number (SGCN-96).
    Sgcn {
        /// GS1 company prefix.
        company_prefix: String,
        /// Coupon reference.
        coupon_reference: String,
        /// Serial component (leading zeros significant).
        serial: String,
    },
    /// Individual Trade Item Piece (ITIP-110, ITIP-212).
    Itip {
        /// GS1 company prefix.
        company_prefix: String,
        /// Indicator digit (or pad) followed by the item reference.
        item_reference: String,
        /// Piece number, two digits.
        piece: String,
        /// Total count, two digits.
        total: String,
        /// Serial number (AI 21).
        serial: String,
        /// The 14-digit GTIN of the trade item with its check digit.
        gtin: String,
    },
    /// General Identifier (GID-96).
    Gid {
        /// General manager number.
        manager_number: String,
        /// Object class.
        object_class: String,
        /// Serial number.
        serial: String,
    },
    /// US Department of Defense identifier (USDOD-96).
    Usdod {
        /// CAGE code or DoDAAC.
        cage_or_dodaac: String,
        /// Serial number.
        serial: String,
    },
    /// Aerospace and Defense Identifier (ADI-var).
    Adi {
        /// CAGE code or DoDAAC.
        cage_or_dodaac: String,
        /// Original part number (may be empty).
        part_number: String,
        /// Serial number.
        serial: String,
    },
    /// An EPC whose header is not a TDS scheme this decoder handles.
    Raw {
        /// Bits received.
        bit_length: usize,
        /// The bits in upper-case hex.
        hex: String,
    },
}

/// GS1 mod-10 check digit of `digits` (weights 3,1,3,… from the rightmost digit).
pub(crate) fn check_digit(digits: &str) -> char {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.wrapping_sub(b'0') % 10);
            if i % 2 == 0 {
                d * 3
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// `first` + `cp` + `rest` + check digit: how GTINs and SSCCs are rebuilt from an EPC, whose
/// second field starts with the indicator or extension digit.
fn key_with_leading_digit(cp: &str, second: &str) -> String {
    let (first, rest) = second.split_at(second.len().min(1));
    let mut key = String::with_capacity(cp.len() + second.len() + 1);
    key.push_str(first);
    key.push_str(cp);
    key.push_str(rest);
    key.push(check_digit(&key));
    key
}

/// `cp` + `second` + check digit.
fn key_plain(cp: &str, second: &str) -> String {
    let mut key = String::with_capacity(cp.len() + second.len() + 1);
    key.push_str(cp);
    key.push_str(second);
    key.push(check_digit(&key));
    key
}

/// The GS1 element string (HRI form) for a scheme's URI parts, if it maps to a GS1 key.
pub(crate) fn element_string(key: Key, parts: &[String]) -> Option<String> {
    let p = |i: usize| parts.get(i).map(String::as_str).unwrap_or("");
    Some(match key {
        Key::Sgtin => format!("(01){}(21){}", key_with_leading_digit(p(0), p(1)), p(2)),
        Key::Sscc => format!("(00){}", key_with_leading_digit(p(0), p(1))),
        Key::Sgln => {
            let gln = key_plain(p(0), p(1));
            if p(2) == "0" {
                format!("(414){gln}")
            } else {
                format!("(414){gln}(254){}", p(2))
            }
        }
        Key::Grai => format!("(8003)0{}{}", key_plain(p(0), p(1)), p(2)),
        Key::Giai => format!("(8004){}{}", p(0), p(1)),
        Key::Gsrn => format!("(8018){}", key_plain(p(0), p(1))),
        Key::Gsrnp => format!("(8017){}", key_plain(p(0), p(1))),
        Key::Gdti => format!("(253){}{}", key_plain(p(0), p(1)), p(2)),
        Key::Cpi => format!("(8010){}{}(8011){}", p(0), p(1), p(2)),
        Key::Sgcn => format!("(255){}{}", key_plain(p(0), p(1)), p(2)),
        Key::Itip => format!(
            "(8006){}{}{}(21){}",
            key_with_leading_digit(p(0), p(1)),
            p(2),
            p(3),
            p(4)
        ),
        Key::Gid | Key::Usdod | Key::Adi => return None,
    })
}

/// The typed identity for a scheme's URI parts (moved in, in URI order).
pub(crate) fn identity(key: Key, parts: Vec<String>) -> EpcIdentity {
    let mut it = parts.into_iter();
    let mut next = move || it.next().unwrap_or_default();
    match key {
        Key::Sgtin => {
            let (company_prefix, item_reference, serial) = (next(), next(), next());
            let gtin = key_with_leading_digit(&company_prefix, &item_reference);
            EpcIdentity::Sgtin {
                company_prefix,
                item_reference,
                serial,
                gtin,
            }
        }
        Key::Sscc => {
            let (company_prefix, serial_reference) = (next(), next());
            let sscc = key_with_leading_digit(&company_prefix, &serial_reference);
            EpcIdentity::Sscc {
                company_prefix,
                serial_reference,
                sscc,
            }
        }
        Key::Sgln => {
            let (company_prefix, location_reference, extension) = (next(), next(), next());
            let gln = key_plain(&company_prefix, &location_reference);
            EpcIdentity::Sgln {
                company_prefix,
                location_reference,
                extension,
                gln,
            }
        }
        Key::Grai => EpcIdentity::Grai {
            company_prefix: next(),
            asset_type: next(),
            serial: next(),
        },
        Key::Giai => EpcIdentity::Giai {
            company_prefix: next(),
            asset_reference: next(),
        },
        Key::Gsrn | Key::Gsrnp => {
            let (company_prefix, service_reference) = (next(), next());
            let gsrn = key_plain(&company_prefix, &service_reference);
            if key == Key::Gsrn {
                EpcIdentity::Gsrn {
                    company_prefix,
                    service_reference,
                    gsrn,
                }
            } else {
                EpcIdentity::Gsrnp {
                    company_prefix,
                    service_reference,
                    gsrn,
                }
            }
        }
        Key::Gdti => EpcIdentity::Gdti {
            company_prefix: next(),
            document_type: next(),
            serial: next(),
        },
        Key::Cpi => EpcIdentity::Cpi {
            company_prefix: next(),
            part_reference: next(),
            serial: next(),
        },
        Key::Sgcn => EpcIdentity::Sgcn {
            company_prefix: next(),
            coupon_reference: next(),
            serial: next(),
        },
        Key::Itip => {
            let (company_prefix, item_reference) = (next(), next());
            let (piece, total, serial) = (next(), next(), next());
            let gtin = key_with_leading_digit(&company_prefix, &item_reference);
            EpcIdentity::Itip {
                company_prefix,
                item_reference,
                piece,
                total,
                serial,
                gtin,
            }
        }
        Key::Gid => EpcIdentity::Gid {
            manager_number: next(),
            object_class: next(),
            serial: next(),
        },
        Key::Usdod => EpcIdentity::Usdod {
            cage_or_dodaac: next(),
            serial: next(),
        },
        Key::Adi => EpcIdentity::Adi {
            cage_or_dodaac: next(),
            part_number: next(),
            serial: next(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_known_keys() {
        // GTIN 80614141123458, SSCC 106141412345678908, GLN 0614141123452 (TDS App. E).
        assert_eq!(check_digit("8061414112345"), '8');
        assert_eq!(check_digit("10614141234567890"), '8');
        assert_eq!(check_digit("061414112345"), '2');
        assert_eq!(check_digit("0000000000000"), '0');
    }
}
