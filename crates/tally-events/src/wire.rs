//! The hand-written wire primitives every event is made of: big-endian integers,
//! length-prefixed strings and byte strings, counted lists, options and one-byte enum codes.
//!
//! Nothing here depends on a serializer's defaults: the byte layout of every type is written
//! out in this file and in `docs/EVENT-FORMAT.md`, and never changes for an existing type.
//! Every length read from input is checked against a limit before anything is allocated.

use crate::error::DecodeError;

/// Longest string field, in bytes of UTF-8 (a `u16` length prefix).
pub const MAX_TEXT_BYTES: usize = 4_096;
/// Longest byte-string field (raw scans, EPCs), in bytes (a `u32` length prefix).
pub const MAX_BYTES_LEN: usize = 4_096;
/// Most items in any list field (manifest lines, RFID tags of one sweep, UIDs...). Each list
/// field has a lower limit of its own (`crate::limits`).
pub const MAX_LIST_ITEMS: usize = 4_096;

/// Reads wire values from a byte slice, front to back.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    /// A reader positioned at the first byte of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, offset: 0 }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// Position of the next byte to read.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Takes the next `len` bytes.
    pub fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() {
            return Err(DecodeError::Truncated {
                offset: self.offset,
                wanted: len,
                available: self.remaining(),
            });
        }
        let slice = &self.bytes[self.offset..self.offset + len];
        self.offset += len;
        Ok(slice)
    }

    /// Takes exactly `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let slice = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// Reads a length or count prefix of type `L` (u8, u16 or u32) and refuses one above
    /// `max`, naming the field `what` at the prefix's offset.
    pub fn length<L>(&mut self, what: &'static str, max: usize) -> Result<usize, DecodeError>
    where
        L: Wire,
        usize: TryFrom<L>,
    {
        let offset = self.offset;
        let len = usize::try_from(L::decode(self)?).unwrap_or(usize::MAX);
        if len > max {
            return Err(DecodeError::TooLong {
                offset,
                what,
                len,
                max,
            });
        }
        Ok(len)
    }

    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                offset: self.offset,
                count: self.remaining(),
            })
        }
    }
}

/// A value with one fixed byte layout.
pub trait Wire: Sized {
    /// Appends the encoding of `self`. Fails only when a value is over its limit.
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError>;
    /// Reads one value; never reads past its own bytes.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

macro_rules! wire_int {
    ($($ty:ty),*) => {$(
        impl Wire for $ty {
            fn encode(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError> {
                out.extend_from_slice(&self.to_be_bytes());
                Ok(())
            }
            fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok(<$ty>::from_be_bytes(reader.array()?))
            }
        }
    )*};
}
wire_int!(u8, u16, u32, u64, i64);

impl Wire for bool {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError> {
        out.push(u8::from(*self));
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = reader.offset();
        match u8::decode(reader)? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(DecodeError::BadBool { offset, value }),
        }
    }
}

impl Wire for String {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError> {
        if self.len() > MAX_TEXT_BYTES {
            return Err(crate::error::EncodeError::TooLong {
                what: "text",
                len: self.len(),
                max: MAX_TEXT_BYTES,
            });
        }
        // The limit above keeps the length within u16.
        out.extend_from_slice(&(self.len() as u16).to_be_bytes());
        out.extend_from_slice(self.as_bytes());
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = reader.offset();
        let len = reader.length::<u16>("text", MAX_TEXT_BYTES)?;
        let bytes = reader.take(len)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| DecodeError::BadUtf8 { offset })
    }
}

impl<T: Wire> Wire for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError> {
        match self {
            None => {
                out.push(0);
                Ok(())
            }
            Some(value) => {
                out.push(1);
                value.encode(out)
            }
        }
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let offset = reader.offset();
        match u8::decode(reader)? {
            0 => Ok(None),
            1 => Ok(Some(T::decode(reader)?)),
            value => Err(DecodeError::BadOptionTag { offset, value }),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), crate::error::EncodeError> {
        if self.len() > MAX_LIST_ITEMS {
            return Err(crate::error::EncodeError::TooLong {
                what: "list",
                len: self.len(),
                max: MAX_LIST_ITEMS,
            });
        }
        out.extend_from_slice(&(self.len() as u32).to_be_bytes());
        for item in self {
            item.encode(out)?;
        }
        Ok(())
    }
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let count = reader.length::<u32>("list", MAX_LIST_ITEMS)?;
        // Every item takes at least one byte, so never reserve more than what is left.
        let mut items = Vec::with_capacity(count.min(reader.remaining()));
        for _ in 0..count {
            items.push(T::decode(reader)?);
        }
        Ok(items)
    }
}

/// Defines a struct whose wire encoding is its fields, in the order written, one after the
/// other. Changing the fields of a struct that already shipped is forbidden: add a new payload
/// kind instead (see `docs/EVENT-FORMAT.md`).
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty ),*
        }

        impl $name {
            /// Checks every field against its limit (`crate::limits`).
            pub fn check_limits(&self) -> Result<(), $crate::limits::OverLimit> {
                $( $crate::limits::FieldLimit::check_field(
                    &self.$field,
                    stringify!($name),
                    stringify!($field),
                )?; )*
                Ok(())
            }
        }

        impl $crate::limits::FieldLimit for $name {
            fn check_field(&self, _: &str, _: &str) -> Result<(), $crate::limits::OverLimit> {
                self.check_limits()
            }
        }

        impl $crate::limits::Largest for $name {
            fn largest(_: &str, _: &str) -> Self {
                Self { $( $field: $crate::limits::Largest::largest(
                    stringify!($name),
                    stringify!($field),
                ) ),* }
            }
        }

        impl $crate::wire::Wire for $name {
            fn encode(&self, out: &mut Vec<u8>) -> Result<(), $crate::error::EncodeError> {
                $( $crate::wire::Wire::encode(&self.$field, out)?; )*
                Ok(())
            }
            fn decode(reader: &mut $crate::wire::Reader<'_>) -> Result<Self, $crate::error::DecodeError> {
                Ok(Self { $( $field: $crate::wire::Wire::decode(reader)? ),* })
            }
        }
    };
}

/// Defines a field-less enum encoded as one byte. Codes are append-only: a code is never
/// reused or renumbered; a reader that meets a code it does not know reports the payload as
/// not understood (the envelope still verifies).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant = $code ),*
        }

        impl $name {
            /// Every variant, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The one-byte wire code.
            pub fn code(self) -> u8 {
                self as u8
            }
        }

        impl $crate::limits::FieldLimit for $name {
            fn check_field(&self, _: &str, _: &str) -> Result<(), $crate::limits::OverLimit> {
                Ok(())
            }
        }

        impl $crate::limits::Largest for $name {
            fn largest(_: &str, _: &str) -> Self {
                // Every code is one byte: any variant is as large as the others.
                $name::ALL[$name::ALL.len() - 1]
            }
        }

        impl $crate::wire::Wire for $name {
            fn encode(&self, out: &mut Vec<u8>) -> Result<(), $crate::error::EncodeError> {
                out.push(*self as u8);
                Ok(())
            }
            fn decode(reader: &mut $crate::wire::Reader<'_>) -> Result<Self, $crate::error::DecodeError> {
                let offset = reader.offset();
                match <u8 as $crate::wire::Wire>::decode(reader)? {
                    $( $code => Ok($name::$variant), )*
                    value => Err($crate::error::DecodeError::UnknownCode {
                        offset,
                        what: stringify!($name),
                        value,
                    }),
                }
            }
        }
    };
}

pub(crate) use {wire_enum, wire_struct};
