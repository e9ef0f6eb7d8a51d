//! Small value types shared by the envelope and the payloads: hashes, device ids, raw bytes,
//! calendar dates and quantities. Each has a fixed wire layout and a readable JSON form.

use std::fmt;

use serde::{Serialize, Serializer};
use sha2::{Digest as _, Sha256};

use crate::error::{DecodeError, EncodeError};
use crate::wire::{Reader, Wire, MAX_BYTES_LEN};

/// A SHA-256 hash. Wire: 32 bytes. JSON: lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Hash(pub [u8; 32]);

impl Sha256Hash {
    /// All zeros: the `prev` of a genesis event.
    pub const ZERO: Sha256Hash = Sha256Hash([0u8; 32]);

    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Sha256Hash(Sha256::digest(bytes).into())
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut out).ok()?;
        Some(Sha256Hash(out))
    }
}

impl fmt::Display for Sha256Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Sha256Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Hash({self})")
    }
}

impl Serialize for Sha256Hash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(self.0))
    }
}

impl Wire for Sha256Hash {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.0);
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Sha256Hash(reader.array()?))
    }
}

/// A device's identity: its ed25519 public key (32 bytes). JSON: lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(pub [u8; 32]);

impl DeviceId {
    /// The 32 bytes of the public key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut out).ok()?;
        Some(DeviceId(out))
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceId({self})")
    }
}

impl Serialize for DeviceId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(self.0))
    }
}

impl Wire for DeviceId {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.0);
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(DeviceId(reader.array()?))
    }
}

/// Raw bytes (a scan as the scanner sent it, an EPC). Wire: `u32` length, then the bytes
/// (at most [`MAX_BYTES_LEN`]). JSON: lowercase hex.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Bytes(pub Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({})", hex::encode(&self.0))
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(&self.0))
    }
}

impl Wire for Bytes {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        if self.0.len() > MAX_BYTES_LEN {
            return Err(EncodeError::TooLong {
                what: "byte string",
                len: self.0.len(),
                max: MAX_BYTES_LEN,
            });
        }
        out.extend_from_slice(&(self.0.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.0);
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let len = reader.length::<u32>("byte string", MAX_BYTES_LEN)?;
        Ok(Bytes(reader.take(len)?.to_vec()))
    }
}

/// A calendar date (expiry, calibration due): the workspace's shared civil date.
pub use tally_vocab::Date;

/// Wire: year `u16`, month `u8`, day `u8`. JSON: `"YYYY-MM-DD"`.
impl Wire for Date {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.year().to_be_bytes());
        out.push(self.month());
        out.push(self.day());
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let year = u16::decode(reader)?;
        let month = u8::decode(reader)?;
        let day = u8::decode(reader)?;
        Date::new(year, month, day).ok_or(DecodeError::BadDate { year, month, day })
    }
}

/// An amount of product: a whole number of units (each), or a mass in whole milligrams.
/// Never a float. Wire: one tag byte (1 = units, 2 = milligrams), then a `u64`.
/// JSON: `{"units": 12}` or `{"mg": 3500}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Quantity {
    /// Units (each).
    #[serde(rename = "units")]
    Units(u64),
    /// Milligrams.
    #[serde(rename = "mg")]
    Milligrams(u64),
}

impl Wire for Quantity {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let (tag, value) = match self {
            Quantity::Units(units) => (1u8, *units),
            Quantity::Milligrams(mg) => (2u8, *mg),
        };
        out.push(tag);
        out.extend_from_slice(&value.to_be_bytes());
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = reader.offset();
        match u8::decode(reader)? {
            1 => Ok(Quantity::Units(u64::decode(reader)?)),
            2 => Ok(Quantity::Milligrams(u64::decode(reader)?)),
            value => Err(DecodeError::UnknownCode {
                offset,
                what: "Quantity",
                value,
            }),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Units(units) => write!(f, "{units} units"),
            Quantity::Milligrams(mg) => write!(f, "{mg} mg"),
        }
    }
}

pub use tally_vocab::{MassUnit, WeighMode};

/// A mass unit's one-byte wire code; `None` for the units the event format has no code for
/// (troy ounce, pennyweight, grain: a scale may print them, an event cannot record them).
fn mass_unit_code(unit: MassUnit) -> Option<u8> {
    match unit {
        MassUnit::Mg => Some(1),
        MassUnit::G => Some(2),
        MassUnit::Kg => Some(3),
        MassUnit::Oz => Some(4),
        MassUnit::Lb => Some(5),
        MassUnit::Ct => Some(6),
        MassUnit::Ozt | MassUnit::Dwt | MassUnit::Gr => None,
    }
}

/// Whether an event can record a weight in `unit`.
pub fn is_recorded_mass_unit(unit: MassUnit) -> bool {
    mass_unit_code(unit).is_some()
}

/// Wire: one byte, 1 = mg, 2 = g, 3 = kg, 4 = oz, 5 = lb, 6 = ct. JSON: the lower-case name.
impl Wire for MassUnit {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let code = mass_unit_code(*self).ok_or(EncodeError::NotRecordable {
            what: "MassUnit",
            value: self.symbol(),
        })?;
        out.push(code);
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = reader.offset();
        let value = u8::decode(reader)?;
        MassUnit::ALL
            .into_iter()
            .find(|unit| mass_unit_code(*unit) == Some(value))
            .ok_or(DecodeError::UnknownCode {
                offset,
                what: "MassUnit",
                value,
            })
    }
}

/// Wire: one byte, 1 = gross, 2 = net. JSON: `"gross"`, `"net"`.
impl Wire for WeighMode {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.push(match self {
            WeighMode::Gross => 1,
            WeighMode::Net => 2,
        });
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = reader.offset();
        match u8::decode(reader)? {
            1 => Ok(WeighMode::Gross),
            2 => Ok(WeighMode::Net),
            value => Err(DecodeError::UnknownCode {
                offset,
                what: "WeighMode",
                value,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mass_units_keep_their_codes_and_troy_units_are_refused() {
        let recorded = [
            (MassUnit::Mg, 1u8),
            (MassUnit::G, 2),
            (MassUnit::Kg, 3),
            (MassUnit::Oz, 4),
            (MassUnit::Lb, 5),
            (MassUnit::Ct, 6),
        ];
        for (unit, code) in recorded {
            assert!(is_recorded_mass_unit(unit));
            let mut out = Vec::new();
            unit.encode(&mut out).unwrap();
            assert_eq!(out, [code]);
            assert_eq!(MassUnit::decode(&mut Reader::new(&out)).unwrap(), unit);
        }
        for unit in [MassUnit::Ozt, MassUnit::Dwt, MassUnit::Gr] {
            assert!(!is_recorded_mass_unit(unit));
            assert!(matches!(
                unit.encode(&mut Vec::new()),
                Err(EncodeError::NotRecordable {
                    what: "MassUnit",
                    ..
                })
            ));
        }
        assert!(matches!(
            MassUnit::decode(&mut Reader::new(&[7])),
            Err(DecodeError::UnknownCode {
                what: "MassUnit",
                value: 7,
                ..
            })
        ));
    }
}
