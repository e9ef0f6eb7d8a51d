//! The TDS 1.13 coding schemes as data: header, names, bit layout and partition tables
//! (TDS §14, Tables 14-1 to 14-37). Decoder and encoder both walk these tables, so a layout is
//! written down exactly once.

/// Which identity a scheme carries; decides the typed identity and the GS1 element string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Sgtin,
    Sscc,
    Sgln,
    Grai,
    Giai,
    Gsrn,
    Gsrnp,
    Gdti,
    Cpi,
    Sgcn,
    Itip,
    Gid,
    Usdod,
    Adi,
}

/// One row of a partition table: company prefix bits and digits, then the second field's bits
/// and its digits (numeric fields) or maximum characters (string fields).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PartRow {
    pub cp_bits: u32,
    pub cp_digits: usize,
    pub second_bits: u32,
    pub second_len: usize,
}

const fn row(cp_bits: u32, cp_digits: usize, second_bits: u32, second_len: usize) -> PartRow {
    PartRow {
        cp_bits,
        cp_digits,
        second_bits,
        second_len,
    }
}

/// A partition table: rows for partition values 0 to 6.
pub(crate) type PartTable = [PartRow; 7];

/// SGTIN and ITIP (Table 14-3): indicator/pad digit + item reference.
pub(crate) const SGTIN_PARTITIONS: PartTable = [
    row(40, 12, 4, 1),
    row(37, 11, 7, 2),
    row(34, 10, 10, 3),
    row(30, 9, 14, 4),
    row(27, 8, 17, 5),
    row(24, 7, 20, 6),
    row(20, 6, 24, 7),
];

/// SSCC (Table 14-6), also GSRN and GSRNP: extension digit + serial reference, or service
/// reference.
pub(crate) const SSCC_PARTITIONS: PartTable = [
    row(40, 12, 18, 5),
    row(37, 11, 21, 6),
    row(34, 10, 24, 7),
    row(30, 9, 28, 8),
    row(27, 8, 31, 9),
    row(24, 7, 34, 10),
    row(20, 6, 38, 11),
];

/// SGLN (Table 14-9), also GDTI and SGCN: location reference, document type, coupon reference.
pub(crate) const SGLN_PARTITIONS: PartTable = [
    row(40, 12, 1, 0),
    row(37, 11, 4, 1),
    row(34, 10, 7, 2),
    row(30, 9, 11, 3),
    row(27, 8, 14, 4),
    row(24, 7, 17, 5),
    row(20, 6, 21, 6),
];

/// GRAI (Table 14-12): asset type.
pub(crate) const GRAI_PARTITIONS: PartTable = [
    row(40, 12, 4, 0),
    row(37, 11, 7, 1),
    row(34, 10, 10, 2),
    row(30, 9, 14, 3),
    row(27, 8, 17, 4),
    row(24, 7, 20, 5),
    row(20, 6, 24, 6),
];

/// GIAI-96 (Table 14-15): individual asset reference, an integer.
pub(crate) const GIAI96_PARTITIONS: PartTable = [
    row(40, 12, 42, 13),
    row(37, 11, 45, 14),
    row(34, 10, 48, 15),
    row(30, 9, 52, 16),
    row(27, 8, 55, 17),
    row(24, 7, 58, 18),
    row(20, 6, 62, 19),
];

/// GIAI-202 (Table 14-17): individual asset reference, a 7-bit string.
pub(crate) const GIAI202_PARTITIONS: PartTable = [
    row(40, 12, 148, 18),
    row(37, 11, 151, 19),
    row(34, 10, 154, 20),
    row(30, 9, 158, 21),
    row(27, 8, 161, 22),
    row(24, 7, 164, 23),
    row(20, 6, 168, 24),
];

/// CPI-96 (Table 14-28): component/part reference, an integer.
pub(crate) const CPI96_PARTITIONS: PartTable = [
    row(40, 12, 11, 3),
    row(37, 11, 14, 4),
    row(34, 10, 17, 5),
    row(30, 9, 21, 6),
    row(27, 8, 24, 7),
    row(24, 7, 27, 8),
    row(20, 6, 31, 9),
];

/// CPI-var (Table 14-30): component/part reference, 6-bit characters ended by a zero
/// character; the bits include the terminator.
pub(crate) const CPIVAR_PARTITIONS: PartTable = [
    row(40, 12, 114, 18),
    row(37, 11, 120, 19),
    row(34, 10, 126, 20),
    row(30, 9, 132, 21),
    row(27, 8, 138, 22),
    row(24, 7, 144, 23),
    row(20, 6, 150, 24),
];

/// How the field after the company prefix is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Second {
    /// Integer written with exactly `second_len` digits (leading zeros kept).
    Padded,
    /// Integer of at most `second_len` digits, written without leading zeros.
    Unpadded,
    /// 7-bit string of at most `second_len` characters in `second_bits` bits.
    String7,
    /// 6-bit string of at most `second_len` characters, ended by a zero character.
    String6,
}

/// One field of a scheme's binary layout, after the 8-bit header.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    /// Filter value of `bits` bits.
    Filter { bits: u32 },
    /// 3-bit partition, company prefix, and a second field named `name`.
    Partition {
        table: &'static PartTable,
        second: Second,
        name: &'static str,
    },
    /// Plain integer written without leading zeros; `max_digits` caps the decimal length.
    Integer {
        name: &'static str,
        bits: u32,
        max_digits: Option<usize>,
    },
    /// TDS "numeric string": the digits with a 1 put in front, as an integer.
    NumericString {
        name: &'static str,
        bits: u32,
        max_digits: usize,
    },
    /// Integer written with exactly `digits` digits (ITIP piece and total).
    FixedDigits {
        name: &'static str,
        bits: u32,
        digits: usize,
    },
    /// 7-bit string of at most `max_chars`, zero-padded to `bits`.
    String7 {
        name: &'static str,
        bits: u32,
        max_chars: usize,
    },
    /// Bits that must be zero.
    Reserved { bits: u32, after: &'static str },
    /// CAGE code or DoDAAC in six 8-bit characters (a 5-character CAGE has a space in front).
    Cage8,
    /// CAGE code or DoDAAC in six 6-bit characters (a 5-character CAGE has a space in front).
    Cage6,
    /// 6-bit string ended by a zero character; `hash_first` allows `#` as first character.
    String6 {
        name: &'static str,
        min_chars: usize,
        max_chars: usize,
        hash_first: bool,
    },
}

/// A TDS coding scheme.
#[derive(Debug)]
pub(crate) struct SchemeDef {
    pub header: u8,
    /// Tag-URI name, e.g. `sgtin-96`.
    pub name: &'static str,
    /// Pure-identity URI name, e.g. `sgtin`.
    pub pure: &'static str,
    pub key: Key,
    /// Fixed length in bits, or `None` for the variable-length schemes.
    pub bits: Option<usize>,
    pub fields: &'static [Field],
}

impl SchemeDef {
    /// Number of dot-separated parts in the tag URI (filter included).
    pub(crate) fn uri_parts(&self) -> usize {
        self.fields
            .iter()
            .map(|f| match f {
                Field::Reserved { .. } => 0,
                Field::Partition { .. } => 2,
                _ => 1,
            })
            .sum()
    }

    /// True when the scheme has a filter field.
    pub(crate) fn has_filter(&self) -> bool {
        self.fields
            .iter()
            .any(|f| matches!(f, Field::Filter { .. }))
    }
}

const F3: Field = Field::Filter { bits: 3 };

const fn part(table: &'static PartTable, second: Second, name: &'static str) -> Field {
    Field::Partition {
        table,
        second,
        name,
    }
}

const fn int(name: &'static str, bits: u32) -> Field {
    Field::Integer {
        name,
        bits,
        max_digits: None,
    }
}

const fn str7(name: &'static str, bits: u32, max_chars: usize) -> Field {
    Field::String7 {
        name,
        bits,
        max_chars,
    }
}

/// Every scheme this decoder handles, by header.
pub(crate) static SCHEMES: &[SchemeDef] = &[
    SchemeDef {
        header: 0x2C,
        name: "gdti-96",
        pure: "gdti",
        key: Key::Gdti,
        bits: Some(96),
        fields: &[
            F3,
            part(&SGLN_PARTITIONS, Second::Padded, "document type"),
            int("serial", 41),
        ],
    },
    SchemeDef {
        header: 0x2D,
        name: "gsrn-96",
        pure: "gsrn",
        key: Key::Gsrn,
        bits: Some(96),
        fields: &[
            F3,
            part(&SSCC_PARTITIONS, Second::Padded, "service reference"),
            Field::Reserved {
                bits: 24,
                after: "service reference",
            },
        ],
    },
    SchemeDef {
        header: 0x2E,
        name: "gsrnp-96",
        pure: "gsrnp",
        key: Key::Gsrnp,
        bits: Some(96),
        fields: &[
            F3,
            part(&SSCC_PARTITIONS, Second::Padded, "service reference"),
            Field::Reserved {
                bits: 24,
                after: "service reference",
            },
        ],
    },
    SchemeDef {
        header: 0x2F,
        name: "usdod-96",
        pure: "usdod",
        key: Key::Usdod,
        bits: Some(96),
        fields: &[Field::Filter { bits: 4 }, Field::Cage8, int("serial", 36)],
    },
    SchemeDef {
        header: 0x30,
        name: "sgtin-96",
        pure: "sgtin",
        key: Key::Sgtin,
        bits: Some(96),
        fields: &[
            F3,
            part(&SGTIN_PARTITIONS, Second::Padded, "item reference"),
            int("serial", 38),
        ],
    },
    SchemeDef {
        header: 0x31,
        name: "sscc-96",
        pure: "sscc",
        key: Key::Sscc,
        bits: Some(96),
        fields: &[
            F3,
            part(&SSCC_PARTITIONS, Second::Padded, "serial reference"),
            Field::Reserved {
                bits: 24,
                after: "serial reference",
            },
        ],
    },
    SchemeDef {
        header: 0x32,
        name: "sgln-96",
        pure: "sgln",
        key: Key::Sgln,
        bits: Some(96),
        fields: &[
            F3,
            part(&SGLN_PARTITIONS, Second::Padded, "location reference"),
            int("extension", 41),
        ],
    },
    SchemeDef {
        header: 0x33,
        name: "grai-96",
        pure: "grai",
        key: Key::Grai,
        bits: Some(96),
        fields: &[
            F3,
            part(&GRAI_PARTITIONS, Second::Padded, "asset type"),
            int("serial", 38),
        ],
    },
    SchemeDef {
        header: 0x34,
        name: "giai-96",
        pure: "giai",
        key: Key::Giai,
        bits: Some(96),
        fields: &[
            F3,
            part(&GIAI96_PARTITIONS, Second::Unpadded, "asset reference"),
        ],
    },
    SchemeDef {
        header: 0x35,
        name: "gid-96",
        pure: "gid",
        key: Key::Gid,
        bits: Some(96),
        fields: &[
            int("general manager number", 28),
            int("object class", 24),
            int("serial", 36),
        ],
    },
    SchemeDef {
        header: 0x36,
        name: "sgtin-198",
        pure: "sgtin",
        key: Key::Sgtin,
        bits: Some(198),
        fields: &[
            F3,
            part(&SGTIN_PARTITIONS, Second::Padded, "item reference"),
            str7("serial", 140, 20),
        ],
    },
    SchemeDef {
        header: 0x37,
        name: "grai-170",
        pure: "grai",
        key: Key::Grai,
        bits: Some(170),
        fields: &[
            F3,
            part(&GRAI_PARTITIONS, Second::Padded, "asset type"),
            str7("serial", 112, 16),
        ],
    },
    SchemeDef {
        header: 0x38,
        name: "giai-202",
        pure: "giai",
        key: Key::Giai,
        bits: Some(202),
        fields: &[
            F3,
            part(&GIAI202_PARTITIONS, Second::String7, "asset reference"),
        ],
    },
    SchemeDef {
        header: 0x39,
        name: "sgln-195",
        pure: "sgln",
        key: Key::Sgln,
        bits: Some(195),
        fields: &[
            F3,
            part(&SGLN_PARTITIONS, Second::Padded, "location reference"),
            str7("extension", 140, 20),
        ],
    },
    SchemeDef {
        header: 0x3B,
        name: "adi-var",
        pure: "adi",
        key: Key::Adi,
        bits: None,
        fields: &[
            Field::Filter { bits: 6 },
            Field::Cage6,
            Field::String6 {
                name: "part number",
                min_chars: 0,
                max_chars: 32,
                hash_first: false,
            },
            Field::String6 {
                name: "serial",
                min_chars: 1,
                max_chars: 30,
                hash_first: true,
            },
        ],
    },
    SchemeDef {
        header: 0x3C,
        name: "cpi-96",
        pure: "cpi",
        key: Key::Cpi,
        bits: Some(96),
        fields: &[
            F3,
            part(&CPI96_PARTITIONS, Second::Unpadded, "part reference"),
            int("serial", 31),
        ],
    },
    SchemeDef {
        header: 0x3D,
        name: "cpi-var",
        pure: "cpi",
        key: Key::Cpi,
        bits: None,
        fields: &[
            F3,
            part(&CPIVAR_PARTITIONS, Second::String6, "part reference"),
            Field::Integer {
                name: "serial",
                bits: 40,
                max_digits: Some(12),
            },
        ],
    },
    SchemeDef {
        header: 0x3E,
        name: "gdti-174",
        pure: "gdti",
        key: Key::Gdti,
        bits: Some(174),
        fields: &[
            F3,
            part(&SGLN_PARTITIONS, Second::Padded, "document type"),
            str7("serial", 119, 17),
        ],
    },
    SchemeDef {
        header: 0x3F,
        name: "sgcn-96",
        pure: "sgcn",
        key: Key::Sgcn,
        bits: Some(96),
        fields: &[
            F3,
            part(&SGLN_PARTITIONS, Second::Padded, "coupon reference"),
            Field::NumericString {
                name: "serial",
                bits: 41,
                max_digits: 12,
            },
        ],
    },
    SchemeDef {
        header: 0x40,
        name: "itip-110",
        pure: "itip",
        key: Key::Itip,
        bits: Some(110),
        fields: &[
            F3,
            part(&SGTIN_PARTITIONS, Second::Padded, "item reference"),
            Field::FixedDigits {
                name: "piece number",
                bits: 7,
                digits: 2,
            },
            Field::FixedDigits {
                name: "total count",
                bits: 7,
                digits: 2,
            },
            int("serial", 38),
        ],
    },
    SchemeDef {
        header: 0x41,
        name: "itip-212",
        pure: "itip",
        key: Key::Itip,
        bits: Some(212),
        fields: &[
            F3,
            part(&SGTIN_PARTITIONS, Second::Padded, "item reference"),
            Field::FixedDigits {
                name: "piece number",
                bits: 7,
                digits: 2,
            },
            Field::FixedDigits {
                name: "total count",
                bits: 7,
                digits: 2,
            },
            str7("serial", 140, 20),
        ],
    },
];

/// The scheme for a header byte, if this decoder handles it.
pub(crate) fn by_header(header: u8) -> Option<&'static SchemeDef> {
    SCHEMES.iter().find(|s| s.header == header)
}

/// The scheme for a tag-URI name (ASCII case-insensitive).
pub(crate) fn by_name(name: &str) -> Option<&'static SchemeDef> {
    SCHEMES.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Header + the fields' bits must equal the scheme's length, for every partition.
    #[test]
    fn fixed_layouts_add_up_for_every_partition() {
        for s in SCHEMES {
            let Some(total) = s.bits else { continue };
            for p in 0..7 {
                let mut bits = 8usize;
                for f in s.fields {
                    bits += match *f {
                        Field::Filter { bits } => bits as usize,
                        Field::Partition { table, .. } => {
                            3 + (table[p].cp_bits + table[p].second_bits) as usize
                        }
                        Field::Integer { bits, .. }
                        | Field::NumericString { bits, .. }
                        | Field::FixedDigits { bits, .. }
                        | Field::String7 { bits, .. }
                        | Field::Reserved { bits, .. } => bits as usize,
                        Field::Cage8 => 48,
                        Field::Cage6 => 36,
                        Field::String6 { .. } => 0,
                    };
                }
                assert_eq!(bits, total, "{} partition {p}", s.name);
            }
        }
    }

    #[test]
    fn partition_rows_fit_their_digits() {
        for table in [
            &SGTIN_PARTITIONS,
            &SSCC_PARTITIONS,
            &SGLN_PARTITIONS,
            &GRAI_PARTITIONS,
            &CPI96_PARTITIONS,
        ] {
            for (p, r) in table.iter().enumerate() {
                assert_eq!(r.cp_digits, 12 - p);
                assert!(10u128.pow(r.cp_digits as u32) <= 1u128 << r.cp_bits);
                assert!(10u128.pow(r.second_len as u32) <= 1u128 << r.second_bits);
            }
        }
        // GIAI-96 asset references are integers bounded by their bits, not their digits
        // (62 bits hold less than 10^19): the encoder takes the smaller bound.
        for (p, r) in GIAI96_PARTITIONS.iter().enumerate() {
            assert_eq!(r.cp_digits, 12 - p);
            assert!(10u128.pow(r.second_len as u32) > 1u128 << r.second_bits);
        }
        for table in [&GIAI202_PARTITIONS, &CPIVAR_PARTITIONS] {
            for r in table {
                assert!(r.second_len * 6 <= r.second_bits as usize);
            }
        }
    }

    #[test]
    fn headers_and_names_are_unique() {
        for (i, a) in SCHEMES.iter().enumerate() {
            for b in &SCHEMES[i + 1..] {
                assert_ne!(a.header, b.header);
                assert_ne!(a.name, b.name);
            }
        }
    }
}
