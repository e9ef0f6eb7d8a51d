//! What a device says, once its bytes are decoded: the events every protocol decoder emits.
//!
//! Decoders in [`crate::protocol`] turn raw bytes into [`DeviceEvent`]s: a barcode scan (AIM
//! symbology identifier + the exact bytes, GS kept), an RFID tag read, a scale reading, a reply to
//! a command the driver sent, or a precise [`ProtocolError`]. Nothing here does I/O.
//!
//! A scale reading is a *weight* only when the scale says it is stable and in range and its unit
//! is a mass: use [`WeightReading::stable_weight`], never `value` directly. Weights are compared
//! as whole milligrams ([`Milligrams`], parsed once by `tally_vocab`), never as floats.

use std::fmt;

use tally_ids::ScanInput;
pub use tally_vocab::{MassUnit, Milligrams, WeighMode, WeightError};
use thiserror::Error;

/// One decoded thing a device said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// A barcode scan, exactly as the scanner sent it: its AIM / ISO/IEC 15424 symbology
    /// identifier in front when it sends one (`]E0`, `]C1`, `]d2`, `]Y3…`), the data bytes
    /// with GS = 0x1D kept, the profile's prefix/suffix framing removed. Always a
    /// [`ScanInput::Barcode`]; the identifier is split by `tally-ids` ([`ScanInput::symbology`],
    /// [`ScanInput::data`]), never here. This is what is handed to `tally-ids`.
    Scan(ScanInput),
    /// One RFID tag read (not deduplicated: see [`crate::protocol::inventory`]).
    TagRead {
        /// The EPC bank contents after the PC word (usually 12 bytes = EPC-96).
        epc: Vec<u8>,
        /// Signal strength as the reader reports it: dBm for M100 modules and ThingMagic;
        /// a raw, reader-specific byte for Chafon UHFReader288 (its unit is not documented).
        rssi: Option<i16>,
        /// Antenna number, 1-based, when the reader says which antenna saw the tag.
        antenna: Option<u8>,
    },
    /// A scale reading (see [`WeightReading::stable_weight`] before using it as a weight).
    Weight(WeightReading),
    /// A reply to a command the driver sent (acknowledgement, serial number, reader info, …).
    Reply(CommandReply),
    /// A frame or line was rejected, or the device reported a condition that is not a reading.
    Error(ProtocolError),
}

impl DeviceEvent {
    /// A barcode scan of these bytes (identifier, if any, in front).
    pub fn scan(bytes: impl Into<Vec<u8>>) -> DeviceEvent {
        DeviceEvent::Scan(ScanInput::barcode(bytes))
    }

    /// What a scanner or reader handed us, as `tally-ids` reads it: a scan's bytes, or a
    /// tag read's EPC bank bytes ([`ScanInput::Epc`]), so a tag and a barcode of the same
    /// package are recognised the same way; `None` for other events.
    pub fn input(&self) -> Option<ScanInput> {
        match self {
            DeviceEvent::Scan(input) => Some(input.clone()),
            DeviceEvent::TagRead { epc, .. } => Some(ScanInput::epc(epc.clone())),
            _ => None,
        }
    }

    /// True for [`DeviceEvent::Error`].
    pub fn is_error(&self) -> bool {
        matches!(self, DeviceEvent::Error(_))
    }
}

/// Unit a scale printed next to its number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WeightUnit {
    /// milligram
    Milligram,
    /// gram
    Gram,
    /// kilogram
    Kilogram,
    /// avoirdupois ounce (28.349523125 g)
    Ounce,
    /// avoirdupois pound (453.59237 g)
    Pound,
    /// metric carat (200 mg)
    Carat,
    /// troy ounce (31.1034768 g)
    TroyOunce,
    /// pennyweight (1.55517384 g)
    Pennyweight,
    /// grain (64.79891 mg)
    Grain,
    /// counting mode: pieces (A&D `PC`)
    Pieces,
    /// percent mode (A&D `%`)
    Percent,
    /// anything else, as printed (trimmed)
    Other(String),
}

impl WeightUnit {
    /// Parses a unit as scales print it (`g`, `kg`, `lb`, `PC`, `%`, ` ct`, `c t`, …).
    /// Surrounding and inner spaces are ignored; letter case is ignored except for `mg`/`Mg`
    /// ambiguity, which no scale we know prints.
    pub fn parse(printed: &str) -> WeightUnit {
        if let Some(mass) = MassUnit::parse(printed) {
            return WeightUnit::from(mass);
        }
        let compact: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
        match compact.to_ascii_lowercase().as_str() {
            "pc" | "pcs" => WeightUnit::Pieces,
            "%" => WeightUnit::Percent,
            _ => WeightUnit::Other(compact),
        }
    }

    /// The unit's usual symbol (`"g"`, `"kg"`, `"PC"`, …).
    pub fn symbol(&self) -> &str {
        match self {
            WeightUnit::Pieces => "PC",
            WeightUnit::Percent => "%",
            WeightUnit::Other(s) => s,
            mass => mass.mass().map_or("", MassUnit::symbol),
        }
    }

    /// The unit of mass, for the only readings that count as weights; `None` for pieces,
    /// percent and unknown units.
    pub fn mass(&self) -> Option<MassUnit> {
        Some(match self {
            WeightUnit::Milligram => MassUnit::Mg,
            WeightUnit::Gram => MassUnit::G,
            WeightUnit::Kilogram => MassUnit::Kg,
            WeightUnit::Ounce => MassUnit::Oz,
            WeightUnit::Pound => MassUnit::Lb,
            WeightUnit::Carat => MassUnit::Ct,
            WeightUnit::TroyOunce => MassUnit::Ozt,
            WeightUnit::Pennyweight => MassUnit::Dwt,
            WeightUnit::Grain => MassUnit::Gr,
            WeightUnit::Pieces | WeightUnit::Percent | WeightUnit::Other(_) => return None,
        })
    }

    /// True for units of mass (the only readings that count as weights).
    pub fn is_mass(&self) -> bool {
        self.mass().is_some()
    }

    /// Converts a printed decimal in this unit to whole milligrams with the one rule of
    /// [`Milligrams::from_decimal`]; pieces, percent and unknown units are not masses.
    pub fn to_milligrams(&self, printed: &str) -> Result<Milligrams, WeightError> {
        let mass = self
            .mass()
            .ok_or_else(|| WeightError::NotAMassUnit(self.symbol().to_owned()))?;
        Milligrams::from_decimal(printed, mass)
    }
}

impl From<MassUnit> for WeightUnit {
    fn from(mass: MassUnit) -> WeightUnit {
        match mass {
            MassUnit::Mg => WeightUnit::Milligram,
            MassUnit::G => WeightUnit::Gram,
            MassUnit::Kg => WeightUnit::Kilogram,
            MassUnit::Oz => WeightUnit::Ounce,
            MassUnit::Lb => WeightUnit::Pound,
            MassUnit::Ct => WeightUnit::Carat,
            MassUnit::Ozt => WeightUnit::TroyOunce,
            MassUnit::Dwt => WeightUnit::Pennyweight,
            MassUnit::Gr => WeightUnit::Grain,
        }
    }
}

impl fmt::Display for WeightUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Whether the scale reports its load inside its weighing range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightRange {
    /// inside the weighing range
    InRange,
    /// over capacity
    Overload,
    /// under the lower limit (negative overload, weighing pan missing)
    Underload,
}

/// What a printed value is, when the scale says: a gross or net weight (the workspace's
/// [`WeighMode`]), or a tare value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadingMode {
    /// a weight, gross (A&D `GS`, NCI status byte 3 bit 2 clear) or net, tare subtracted
    /// (A&D `NT`, NCI status byte 3 bit 2 set)
    Weighed(WeighMode),
    /// a tare value (A&D `TR`)
    Tare,
    /// a preset tare value (A&D `PT`)
    PresetTare,
}

/// One reading from a scale, exactly as the scale printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightReading {
    /// The decimal as printed, normalised only by dropping a `+` sign and leading zero padding
    /// (`+001234.5` → `1234.5`, `-0000.50` → `-0.50`); the number of decimals is kept.
    pub value: String,
    /// The unit as printed.
    pub unit: WeightUnit,
    /// The scale says the reading is stable (MT-SICS `S S`, A&D `ST`/`QT`, Ohaus without `?`,
    /// NCI status byte 1 bit 0 clear).
    pub stable: bool,
    /// In range, over or under.
    pub range: WeightRange,
    /// Gross / net / tare when the scale says which.
    pub mode: Option<ReadingMode>,
    /// Anything else the scale printed on the line (A&D comparator `OK`/`HI`/`LO`, Ohaus legend
    /// `TOTAL` or an interval-print time), for display and logs.
    pub legend: Option<String>,
}

impl WeightReading {
    /// A reading with the given value and unit, stable and in range, no mode, no legend.
    pub fn new(value: impl Into<String>, unit: WeightUnit, stable: bool) -> WeightReading {
        WeightReading {
            value: value.into(),
            unit,
            stable,
            range: WeightRange::InRange,
            mode: None,
            legend: None,
        }
    }

    /// The reading as a weight, only if it is one: stable, in range, and in a unit of mass.
    /// Everything else (motion, overload, pieces, percent) gives `None`.
    pub fn stable_weight(&self) -> Option<&WeightReading> {
        (self.stable && self.range == WeightRange::InRange && self.unit.is_mass()).then_some(self)
    }

    /// The reading as a weight, or the reason it is not one, in words for the person at the
    /// scale: [`ProtocolError::InMotion`], [`ProtocolError::Overload`] /
    /// [`ProtocolError::Underload`], or [`ProtocolError::NotAWeight`] (pieces, percent).
    pub fn require_stable(&self) -> Result<&WeightReading, ProtocolError> {
        match self.range {
            WeightRange::Overload => Err(ProtocolError::Overload {
                unit: Some(self.unit.clone()),
            }),
            WeightRange::Underload => Err(ProtocolError::Underload {
                unit: Some(self.unit.clone()),
            }),
            WeightRange::InRange if !self.unit.is_mass() => Err(ProtocolError::NotAWeight {
                unit: self.unit.symbol().to_string(),
            }),
            WeightRange::InRange if !self.stable => Err(ProtocolError::InMotion),
            WeightRange::InRange => Ok(self),
        }
    }

    /// The value converted to whole milligrams (see [`Milligrams::from_decimal`] for the
    /// rounding rule). Errors when the unit is not a mass or the number does not parse.
    pub fn to_milligrams(&self) -> Result<Milligrams, WeightError> {
        self.unit.to_milligrams(&self.value)
    }
}

/// Largest number of digits accepted in a printed decimal (scales print at most about 10).
const DECIMAL_DIGITS_MAX: usize = 18;

/// Normalises a printed scale number: drops a `+` sign and leading zero padding, keeps a `-`
/// and every decimal (`+001234.5` → `1234.5`, `-00.50` → `-0.50`, `+00000` → `0`).
/// Returns `None` when the text is not a plain decimal number.
pub fn normalise_decimal(printed: &str) -> Option<String> {
    let trimmed = printed.trim();
    let (negative, body) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, trimmed[1..].trim_start()),
        Some(b'+') => (false, trimmed[1..].trim_start()),
        _ => (false, trimmed),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok(int_part)
        || !frac_part.is_none_or(digits_ok)
        || (int_part.is_empty() && frac_part.is_none_or(str::is_empty))
        || int_part.len() + frac_part.map_or(0, str::len) > DECIMAL_DIGITS_MAX
    {
        return None;
    }
    let int_trimmed = int_part.trim_start_matches('0');
    let mut out = String::with_capacity(trimmed.len());
    if negative {
        out.push('-');
    }
    out.push_str(if int_trimmed.is_empty() {
        "0"
    } else {
        int_trimmed
    });
    if let Some(frac) = frac_part {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// A reply to a command the driver sent (or a device announcement that is not a reading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandReply {
    /// The scale acknowledged a command (MT-SICS `Z A`, `TAC A`, `ZI S`, `ZI D`).
    /// `status` is the status letter it answered (`A`, `S`, `D`).
    Acknowledged {
        /// the command id in the reply (`Z`, `ZI`, `TAC`, …)
        command: String,
        /// its status letter
        status: String,
    },
    /// The balance was reset (MT-SICS `@`); it answers with its serial number.
    Reset {
        /// serial number, quotes stripped
        serial: String,
    },
    /// The scale's serial number (MT-SICS `I4 A "…"`).
    SerialNumber(String),
    /// A tare value (MT-SICS `T`, `TI`, `TA`).
    Tare {
        /// the command id in the reply (`T`, `TI`, `TA`)
        command: String,
        /// the tare as printed, normalised like [`WeightReading::value`]
        value: String,
        /// its unit
        unit: WeightUnit,
    },
    /// Any other identification / information line (MT-SICS `I0`, `I1`, `I10`, …), fields with
    /// quotes stripped. `status` is `A` (final line) or `B` (more lines follow).
    Info {
        /// the reply id (`I1`, `I10`, …)
        command: String,
        /// the status letter
        status: String,
        /// the fields after the status, quotes stripped
        fields: Vec<String>,
    },
    /// A status-only reply from an NCI scale (`S<CR>`, `Z<CR>`).
    ScaleStatus(NciStatus),
    /// A printable text line from a scale that is not a reading (Ohaus `PV`, `PSN` replies).
    Text(String),
    /// An RFID reader finished an inventory round (Chafon status 0x01/0x02, M100 "no tag" 0x15).
    /// `tags` = tags reported in the frame that ended the round.
    InventoryDone {
        /// tags in the final frame
        tags: usize,
    },
    /// An RFID reader reply the decoder passes on without interpreting it (reader info, power
    /// settings, version): the command/opcode it answers, its status, and the data bytes.
    Reader {
        /// command byte or opcode the reply answers
        command: u8,
        /// status (Chafon status byte, ThingMagic 16-bit status; 0 where the protocol has none)
        status: u16,
        /// the data field
        data: Vec<u8>,
    },
}

/// The status bytes of an NCI / Weigh-Tronix / Brecknell scale (SCP-01), parity bit masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NciStatus {
    /// byte 1 bit 0
    pub in_motion: bool,
    /// byte 1 bit 1
    pub at_zero: bool,
    /// byte 1 bit 2
    pub ram_error: bool,
    /// byte 1 bit 3
    pub eeprom_error: bool,
    /// byte 2 bit 0
    pub under_capacity: bool,
    /// byte 2 bit 1
    pub over_capacity: bool,
    /// byte 2 bit 2
    pub rom_error: bool,
    /// byte 2 bit 3
    pub faulty_calibration: bool,
    /// byte 3 bit 2 (`None` when byte 3 is absent)
    pub net: Option<bool>,
    /// byte 3 bits 1-0 = 11 (`None` when byte 3 is absent)
    pub high_range: Option<bool>,
    /// byte 3 bit 3 (`false` when byte 3 is absent)
    pub initial_zero_error: bool,
}

/// A precise reason a decoder rejected bytes or a device reported a condition, in words a
/// warehouse worker can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    /// A frame's CRC did not match; the frame was dropped.
    #[error("bad CRC: expected 0x{expected:04X}, got 0x{got:04X}; frame dropped")]
    BadCrc {
        /// CRC computed over the frame
        expected: u16,
        /// CRC the frame carried
        got: u16,
    },
    /// A frame's sum checksum did not match; the frame was dropped.
    #[error("bad checksum: expected 0x{expected:02X}, got 0x{got:02X}; frame dropped")]
    BadChecksum {
        /// checksum computed over the frame
        expected: u8,
        /// checksum the frame carried
        got: u8,
    },
    /// Bytes that belong to no frame (line noise, a torn frame) were skipped.
    #[error("skipped {bytes} bytes of line noise or a torn frame")]
    Noise {
        /// how many bytes were skipped
        bytes: usize,
    },
    /// A line or frame grew past the decoder's limit and was dropped.
    #[error("message longer than {limit} bytes: dropped (is the baud rate or protocol right?)")]
    TooLong {
        /// the limit in bytes
        limit: usize,
    },
    /// A frame's structure is wrong (a length field that does not fit, a missing end byte).
    #[error("malformed {what}; frame dropped")]
    Malformed {
        /// what was wrong, in a few words
        what: String,
    },
    /// A line from a scale that is not in its protocol.
    #[error("unrecognised line from the scale: {line:?}")]
    UnrecognisedLine {
        /// the line, lossily decoded, control characters escaped
        line: String,
    },
    /// A reply with a valid checksum that answers another command than the one sent.
    #[error("reply to command 0x{got:02X} while waiting for 0x{expected:02X}; ignored")]
    UnexpectedReply {
        /// command that was sent
        expected: u8,
        /// command the reply answers
        got: u8,
    },
    /// The scale is in motion and could not give a stable reading.
    #[error("scale in motion: keep the load still and weigh again")]
    InMotion,
    /// The scale shows pieces, percent or another non-mass unit.
    #[error("the scale shows {unit}, not a weight: switch it to a weighing unit (g, kg, lb, oz)")]
    NotAWeight {
        /// the unit shown
        unit: String,
    },
    /// The scale is over capacity.
    #[error("scale overloaded: remove weight")]
    Overload {
        /// the unit it printed, if any
        unit: Option<WeightUnit>,
    },
    /// The scale is under its lower limit.
    #[error("scale underloaded: check that the weighing pan is in place, then zero the scale")]
    Underload {
        /// the unit it printed, if any
        unit: Option<WeightUnit>,
    },
    /// The scale could not execute the command now (MT-SICS `S I`: busy or not stable in time).
    #[error("scale busy or not stable in time (`{command} I`): wait and try again")]
    NotExecutable {
        /// the command id in the reply
        command: String,
    },
    /// The scale rejected the command (MT-SICS `ES`/`ET`/`EL`/`S L`, Ohaus `ES`, NCI `?`).
    #[error("the scale rejected the command: {reason}")]
    CommandRejected {
        /// why, in words
        reason: String,
    },
    /// The scale reports a hardware fault (NCI status RAM/ROM/EEPROM/calibration bits).
    #[error("scale fault: {fault}; the scale needs service")]
    ScaleFault {
        /// the fault, in words
        fault: String,
    },
    /// The RFID reader reports an error status.
    #[error("RFID reader error 0x{code:04X}: {message}")]
    ReaderError {
        /// status code
        code: u16,
        /// what it means
        message: String,
    },
    /// The reader sent its boot message: it rebooted and must be initialised again.
    #[error("the RFID reader restarted; it is being set up again")]
    DeviceReset,
    /// A scan grew past the decoder's limit before its terminator; dropped.
    #[error("scan longer than {limit} bytes without an end: dropped, scan again")]
    ScanTooLong {
        /// the limit in bytes
        limit: usize,
    },
    /// A HID report did not match the report layout.
    #[error("HID report rejected: {reason}")]
    BadReport {
        /// why
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milligrams_round_half_away_from_zero() {
        let mg = |v: &str, u: WeightUnit| u.to_milligrams(v).unwrap().0;
        assert_eq!(mg("0.0005", WeightUnit::Gram), 1);
        assert_eq!(mg("0.0004", WeightUnit::Gram), 0);
        assert_eq!(mg("-0.0005", WeightUnit::Gram), -1);
        assert_eq!(mg("1", WeightUnit::Pound), 453_592);
        assert_eq!(mg("1.00", WeightUnit::Ounce), 28_350);
        assert_eq!(mg("+001234.5", WeightUnit::Gram), 1_234_500);
        assert_eq!(mg("1.278", WeightUnit::Carat), 256);
        assert_eq!(mg("2.5", WeightUnit::Kilogram), 2_500_000);
        assert!(WeightUnit::Pieces.to_milligrams("12").is_err());
        assert!(WeightUnit::Gram.to_milligrams("1.2.3").is_err());
        assert!(WeightUnit::Kilogram
            .to_milligrams("99999999999999999999")
            .is_err());
        for mass in MassUnit::ALL {
            assert_eq!(WeightUnit::parse(mass.symbol()).mass(), Some(mass));
            assert_eq!(WeightUnit::from(mass).symbol(), mass.symbol());
        }
    }

    #[test]
    fn normalise_keeps_decimals_and_sign() {
        assert_eq!(normalise_decimal("+001234.5").as_deref(), Some("1234.5"));
        assert_eq!(normalise_decimal("-0000.50").as_deref(), Some("-0.50"));
        assert_eq!(normalise_decimal("+00000").as_deref(), Some("0"));
        assert_eq!(normalise_decimal(".5").as_deref(), Some("0.5"));
        assert_eq!(normalise_decimal("+9999999E+19"), None);
        assert_eq!(normalise_decimal(""), None);
        assert_eq!(normalise_decimal("-"), None);
    }

    #[test]
    fn require_stable_explains_why_a_reading_is_not_a_weight() {
        let mut r = WeightReading::new("1.00", WeightUnit::Gram, true);
        assert!(r.require_stable().is_ok());
        r.stable = false;
        assert_eq!(
            r.require_stable().unwrap_err().to_string(),
            "scale in motion: keep the load still and weigh again"
        );
        r.range = WeightRange::Overload;
        assert_eq!(
            r.require_stable().unwrap_err().to_string(),
            "scale overloaded: remove weight"
        );
        let pcs = WeightReading::new("12", WeightUnit::Pieces, true);
        assert!(matches!(
            pcs.require_stable(),
            Err(ProtocolError::NotAWeight { .. })
        ));
        assert!(pcs.stable_weight().is_none());
    }

    #[test]
    fn scans_and_tags_hand_over_one_kind_of_input() {
        let bytes = b"]d2010950110153000317271231\x1d10AB";
        let scan = DeviceEvent::scan(&bytes[..]);
        let input = scan.input().expect("a scan is input");
        assert_eq!(input.bytes(), bytes);
        assert_eq!(
            input.symbology().map(|s| s.id().to_owned()).as_deref(),
            Some("]d2")
        );
        assert_eq!(input.data(), b"010950110153000317271231\x1d10AB");
        let tag = DeviceEvent::TagRead {
            epc: vec![0x30, 0x74],
            rssi: None,
            antenna: None,
        };
        assert_eq!(tag.input(), Some(ScanInput::epc(vec![0x30, 0x74])));
        assert_eq!(DeviceEvent::Error(ProtocolError::InMotion).input(), None);
    }
}
