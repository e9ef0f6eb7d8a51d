//! Walks a scheme's field layout ([`super::tables`]) in both directions: binary → filter and
//! URI parts (unescaped), and URI parts → binary. All range and character checks of TDS §14.3
//! (integer, partition, string, numeric-string, 6-bit and CAGE encodings) live here.

use super::bits::{BitReader, BitWriter};
use super::chars::{self, Hash};
use super::error::EpcError;
use super::tables::{Field, PartRow, SchemeDef, Second};

const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 10^digits, saturating (digits ≥ 20 never fit a u64 field anyway).
fn pow10(digits: usize) -> u64 {
    POW10.get(digits).copied().unwrap_or(u64::MAX)
}

/// `v` (below 10^digits) written with exactly `digits` digits; no formatting machinery, as this
/// runs for most fields of every tag read.
fn zero_padded(mut v: u64, digits: usize) -> String {
    let mut buf = [b'0'; 20];
    let n = digits.min(buf.len());
    for slot in buf[..n].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    buf[..n].iter().map(|b| char::from(*b)).collect()
}

/// The decoded fields of one EPC: filter and URI parts in order, unescaped.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub filter: Option<u8>,
    pub parts: Vec<String>,
    /// Bits the EPC occupies, header included.
    pub bits: usize,
}

struct Dec<'a, 'b> {
    def: &'static SchemeDef,
    r: &'b mut BitReader<'a>,
}

impl Dec<'_, '_> {
    fn read(&mut self, n: u32) -> Result<u64, EpcError> {
        let at = self.r.position();
        self.r.read(n).ok_or(EpcError::Truncated {
            header: self.def.header,
            scheme: self.def.name,
            needed: at + n as usize,
            available: self.r.len_bits(),
        })
    }

    fn digits(&mut self, field: &'static str, bits: u32, digits: usize) -> Result<u64, EpcError> {
        let v = self.read(bits)?;
        if v >= pow10(digits) {
            return Err(EpcError::TooManyDigits {
                scheme: self.def.name,
                field,
                value: v,
                digits: digits as u32,
            });
        }
        Ok(v)
    }

    fn padded(
        &mut self,
        field: &'static str,
        bits: u32,
        digits: usize,
    ) -> Result<String, EpcError> {
        let v = self.digits(field, bits, digits)?;
        Ok(zero_padded(v, digits))
    }

    /// Zero bits that pad a string field to its width.
    fn zero_padding(&mut self, field: &'static str, mut bits: u32) -> Result<(), EpcError> {
        while bits > 0 {
            let n = bits.min(64);
            if self.read(n)? != 0 {
                return Err(EpcError::DataAfterEnd {
                    scheme: self.def.name,
                    field,
                });
            }
            bits -= n;
        }
        Ok(())
    }

    fn string7(&mut self, field: &'static str, bits: u32, max: usize) -> Result<String, EpcError> {
        let mut s = String::new();
        let mut used = 0u32;
        while s.len() < max && used + 7 <= bits {
            let c = self.read(7)? as u8;
            used += 7;
            if c == 0 {
                break;
            }
            if !chars::is_cs82(c) {
                return Err(EpcError::BadCharacterCode {
                    scheme: self.def.name,
                    field,
                    code: c,
                });
            }
            s.push(char::from(c));
        }
        self.zero_padding(field, bits - used)?;
        if s.is_empty() {
            return Err(EpcError::EmptyField {
                scheme: self.def.name,
                field,
            });
        }
        Ok(s)
    }

    fn string6(
        &mut self,
        field: &'static str,
        min: usize,
        max: usize,
        hash: Hash,
    ) -> Result<String, EpcError> {
        let mut s = String::new();
        loop {
            let code = self.read(6)? as u8;
            if code == 0 {
                break;
            }
            if s.len() == max {
                return Err(EpcError::MissingEnd {
                    scheme: self.def.name,
                    field,
                    max,
                });
            }
            let c = chars::six_bit_to_ascii(code);
            if !chars::is_six_bit_char(c, s.len(), hash) {
                return Err(EpcError::BadCharacterCode {
                    scheme: self.def.name,
                    field,
                    code,
                });
            }
            s.push(char::from(c));
        }
        if s.len() < min {
            return Err(EpcError::EmptyField {
                scheme: self.def.name,
                field,
            });
        }
        Ok(s)
    }

    fn cage(&mut self, eight_bit: bool) -> Result<String, EpcError> {
        const FIELD: &str = "CAGE code or DoDAAC";
        let mut s = String::with_capacity(6);
        for i in 0..6 {
            let (code, c) = if eight_bit {
                let b = self.read(8)? as u8;
                (b, b)
            } else {
                let b = self.read(6)? as u8;
                (b, chars::six_bit_to_ascii(b))
            };
            if i == 0 && c == b' ' {
                continue;
            }
            if !chars::is_cage_char(c) {
                return Err(EpcError::BadCharacterCode {
                    scheme: self.def.name,
                    field: FIELD,
                    code,
                });
            }
            s.push(char::from(c));
        }
        Ok(s)
    }
}

/// Decodes the fields after the header. The reader stands just after the header.
pub(crate) fn decode(def: &'static SchemeDef, r: &mut BitReader<'_>) -> Result<Decoded, EpcError> {
    if let Some(bits) = def.bits {
        if r.len_bits() < bits {
            return Err(EpcError::Truncated {
                header: def.header,
                scheme: def.name,
                needed: bits,
                available: r.len_bits(),
            });
        }
    }
    let mut d = Dec { def, r };
    let mut filter = None;
    let mut parts = Vec::with_capacity(5);
    for field in def.fields {
        match *field {
            Field::Filter { bits } => filter = Some(d.read(bits)? as u8),
            Field::Partition {
                table,
                second,
                name,
            } => {
                let p = d.read(3)? as u8;
                let Some(row) = table.get(usize::from(p)) else {
                    return Err(EpcError::InvalidPartition {
                        header: def.header,
                        scheme: def.name,
                        partition: p,
                    });
                };
                parts.push(d.padded("company prefix", row.cp_bits, row.cp_digits)?);
                let value = match second {
                    Second::Padded => d.padded(name, row.second_bits, row.second_len)?,
                    Second::Unpadded => {
                        d.digits(name, row.second_bits, row.second_len)?.to_string()
                    }
                    Second::String7 => d.string7(name, row.second_bits, row.second_len)?,
                    Second::String6 => d.string6(name, 1, row.second_len, Hash::Anywhere)?,
                };
                parts.push(value);
            }
            Field::Integer {
                name,
                bits,
                max_digits,
            } => {
                let v = match max_digits {
                    Some(digits) => d.digits(name, bits, digits)?,
                    None => d.read(bits)?,
                };
                parts.push(v.to_string());
            }
            Field::NumericString {
                name,
                bits,
                max_digits,
            } => {
                let v = d.read(bits)?;
                let s = v.to_string();
                match s.strip_prefix('1') {
                    Some(rest) if !rest.is_empty() && rest.len() <= max_digits => {
                        parts.push(rest.to_owned());
                    }
                    _ => {
                        return Err(EpcError::BadNumericString {
                            scheme: def.name,
                            field: name,
                            value: v,
                        })
                    }
                }
            }
            Field::FixedDigits { name, bits, digits } => parts.push(d.padded(name, bits, digits)?),
            Field::String7 {
                name,
                bits,
                max_chars,
            } => parts.push(d.string7(name, bits, max_chars)?),
            Field::Reserved { bits, after } => {
                if d.read(bits)? != 0 {
                    return Err(EpcError::ReservedBitsSet {
                        scheme: def.name,
                        after,
                    });
                }
            }
            Field::Cage8 => parts.push(d.cage(true)?),
            Field::Cage6 => parts.push(d.cage(false)?),
            Field::String6 {
                name,
                min_chars,
                max_chars,
                hash_first,
            } => parts.push(d.string6(name, min_chars, max_chars, Hash::of_adi(hash_first))?),
        }
    }
    let bits = d.r.position();
    if !d.r.rest_is_zero() {
        return Err(EpcError::TrailingData {
            scheme: def.name,
            length: bits,
        });
    }
    Ok(Decoded {
        filter,
        parts,
        bits,
    })
}

struct Enc<'w> {
    def: &'static SchemeDef,
    w: &'w mut BitWriter,
}

impl Enc<'_> {
    fn all_digits(&self, field: &'static str, value: &str) -> Result<(), EpcError> {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EpcError::NotDigits {
                scheme: self.def.name,
                field,
                value: value.to_owned(),
            });
        }
        Ok(())
    }

    /// Digits → integer; the caller has bounded the length to at most 19 digits.
    fn number(value: &str) -> u64 {
        value
            .bytes()
            .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'))
    }

    fn exact_digits(
        &mut self,
        field: &'static str,
        value: &str,
        digits: usize,
        bits: u32,
    ) -> Result<(), EpcError> {
        if digits == 0 && value.is_empty() {
            self.w.write(0, bits);
            return Ok(());
        }
        self.all_digits(field, value)?;
        if value.len() != digits {
            return Err(EpcError::WrongDigitCount {
                scheme: self.def.name,
                field,
                value: value.to_owned(),
                expected: digits,
                found: value.len(),
            });
        }
        self.w.write(Self::number(value), bits);
        Ok(())
    }

    /// An integer without leading zeros, below `limit` (exclusive).
    fn integer(
        &mut self,
        field: &'static str,
        value: &str,
        bits: u32,
        limit: u64,
    ) -> Result<(), EpcError> {
        self.all_digits(field, value)?;
        if value.len() > 1 && value.starts_with('0') {
            return Err(EpcError::LeadingZero {
                scheme: self.def.name,
                field,
                value: value.to_owned(),
            });
        }
        let too_large = || EpcError::ValueTooLarge {
            scheme: self.def.name,
            field,
            value: value.to_owned(),
            max: (limit - 1).to_string(),
        };
        if value.len() > 19 {
            return Err(too_large());
        }
        let v = Self::number(value);
        if v >= limit {
            return Err(too_large());
        }
        self.w.write(v, bits);
        Ok(())
    }

    fn unescaped(&self, field: &'static str, value: &str) -> Result<String, EpcError> {
        chars::unescape(value).map_err(|e| match e {
            chars::UnescapeError::BrokenEscape => EpcError::BadEscape {
                scheme: self.def.name,
                field,
                value: value.to_owned(),
            },
            chars::UnescapeError::Unescaped(found) => EpcError::BadCharacter {
                scheme: self.def.name,
                field,
                value: value.to_owned(),
                found,
            },
        })
    }

    fn check_len(
        &self,
        field: &'static str,
        text: &str,
        min: usize,
        max: usize,
    ) -> Result<(), EpcError> {
        let n = text.chars().count();
        if n < min {
            return Err(EpcError::EmptyField {
                scheme: self.def.name,
                field,
            });
        }
        if n > max {
            return Err(EpcError::TooManyCharacters {
                scheme: self.def.name,
                field,
                value: text.to_owned(),
                max,
                found: n,
            });
        }
        Ok(())
    }

    fn bad_char(&self, field: &'static str, value: &str, found: char) -> EpcError {
        EpcError::BadCharacter {
            scheme: self.def.name,
            field,
            value: value.to_owned(),
            found,
        }
    }

    fn string7(
        &mut self,
        field: &'static str,
        value: &str,
        bits: u32,
        max: usize,
    ) -> Result<(), EpcError> {
        let text = self.unescaped(field, value)?;
        self.check_len(field, &text, 1, max)?;
        if let Some(c) = text
            .chars()
            .find(|c| !u8::try_from(*c).is_ok_and(chars::is_cs82))
        {
            return Err(self.bad_char(field, value, c));
        }
        for b in text.bytes() {
            self.w.write(u64::from(b), 7);
        }
        self.w.zeros(bits as usize - 7 * text.len());
        Ok(())
    }

    fn string6(
        &mut self,
        field: &'static str,
        value: &str,
        min: usize,
        max: usize,
        hash: Hash,
    ) -> Result<(), EpcError> {
        let text = self.unescaped(field, value)?;
        self.check_len(field, &text, min, max)?;
        for (i, c) in text.chars().enumerate() {
            if !u8::try_from(c).is_ok_and(|b| chars::is_six_bit_char(b, i, hash)) {
                return Err(self.bad_char(field, value, c));
            }
        }
        for b in text.bytes() {
            self.w.write(u64::from(chars::ascii_to_six_bit(b)), 6);
        }
        self.w.write(0, 6);
        Ok(())
    }

    fn cage(&mut self, value: &str, eight_bit: bool) -> Result<(), EpcError> {
        const FIELD: &str = "CAGE code or DoDAAC";
        if let Some(c) = value
            .chars()
            .find(|c| !u8::try_from(*c).is_ok_and(chars::is_cage_char))
        {
            return Err(self.bad_char(FIELD, value, c));
        }
        let n = value.len();
        if !(5..=6).contains(&n) {
            return Err(EpcError::WrongLength {
                scheme: self.def.name,
                field: FIELD,
                value: value.to_owned(),
                expected: "5 or 6",
            });
        }
        let padded = if n == 5 { Some(b' ') } else { None };
        for b in padded.into_iter().chain(value.bytes()) {
            if eight_bit {
                self.w.write(u64::from(b), 8);
            } else {
                self.w.write(u64::from(chars::ascii_to_six_bit(b)), 6);
            }
        }
        Ok(())
    }

    fn partition(
        &mut self,
        table: &'static [PartRow; 7],
        second: Second,
        name: &'static str,
        cp: &str,
        value: &str,
    ) -> Result<(), EpcError> {
        const CP: &str = "company prefix";
        self.all_digits(CP, cp)?;
        let Some((p, row)) = table
            .iter()
            .enumerate()
            .find(|(_, r)| r.cp_digits == cp.len())
        else {
            return Err(EpcError::CompanyPrefixLength {
                scheme: self.def.name,
                value: cp.to_owned(),
                digits: cp.len(),
            });
        };
        self.w.write(p as u64, 3);
        self.w.write(Self::number(cp), row.cp_bits);
        match second {
            Second::Padded => self.exact_digits(name, value, row.second_len, row.second_bits),
            Second::Unpadded => {
                let limit = pow10(row.second_len).min(1u64 << row.second_bits);
                self.integer(name, value, row.second_bits, limit)
            }
            Second::String7 => self.string7(name, value, row.second_bits, row.second_len),
            Second::String6 => self.string6(name, value, 1, row.second_len, Hash::Anywhere),
        }
    }
}

/// Encodes a scheme's fields from its tag-URI parts (as written, still escaped) after the
/// header, which the caller has written.
pub(crate) fn encode(
    def: &'static SchemeDef,
    filter: Option<&str>,
    parts: &[&str],
    w: &mut BitWriter,
) -> Result<(), EpcError> {
    let mut e = Enc { def, w };
    let mut next = parts.iter().copied();
    let mut take = || next.next().unwrap_or("");
    for field in def.fields {
        match *field {
            Field::Filter { bits } => {
                let text = filter.unwrap_or("");
                let max = ((1u32 << bits) - 1) as u8;
                let value = match text.parse::<u8>() {
                    Ok(v)
                        if v <= max
                            && text.bytes().all(|b| b.is_ascii_digit())
                            && (text.len() == 1 || !text.starts_with('0')) =>
                    {
                        v
                    }
                    _ => {
                        return Err(EpcError::BadFilter {
                            scheme: def.name,
                            value: text.to_owned(),
                            max,
                        })
                    }
                };
                e.w.write(u64::from(value), bits);
            }
            Field::Partition {
                table,
                second,
                name,
            } => {
                let cp = take();
                let value = take();
                e.partition(table, second, name, cp, value)?;
            }
            Field::Integer {
                name,
                bits,
                max_digits,
            } => {
                let mut limit = 1u64 << bits;
                if let Some(d) = max_digits {
                    limit = limit.min(pow10(d));
                }
                e.integer(name, take(), bits, limit)?;
            }
            Field::NumericString {
                name,
                bits,
                max_digits,
            } => {
                let value = take();
                e.all_digits(name, value)?;
                if value.len() > max_digits {
                    return Err(EpcError::ValueTooLarge {
                        scheme: def.name,
                        field: name,
                        value: value.to_owned(),
                        max: "9".repeat(max_digits),
                    });
                }
                let v = pow10(value.len()) + Enc::number(value);
                e.w.write(v, bits);
            }
            Field::FixedDigits { name, bits, digits } => {
                e.exact_digits(name, take(), digits, bits)?
            }
            Field::String7 {
                name,
                bits,
                max_chars,
            } => e.string7(name, take(), bits, max_chars)?,
            Field::Reserved { bits, .. } => e.w.zeros(bits as usize),
            Field::Cage8 => e.cage(take(), true)?,
            Field::Cage6 => e.cage(take(), false)?,
            Field::String6 {
                name,
                min_chars,
                max_chars,
                hash_first,
            } => e.string6(name, take(), min_chars, max_chars, Hash::of_adi(hash_first))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_padded_keeps_leading_zeros() {
        assert_eq!(zero_padded(614_141, 7), "0614141");
        assert_eq!(zero_padded(0, 0), "");
        assert_eq!(zero_padded(0, 3), "000");
        assert_eq!(zero_padded(999_999_999_999, 12), "999999999999");
    }
}
