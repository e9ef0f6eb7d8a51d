//! Big-endian bit access to an EPC: a reader over the bank bytes and a writer that builds one.
//!
//! Bit 0 is the most significant bit of the first byte, as in the TDS tables. Reads past the end
//! return `None`; fields are at most 64 bits wide.

/// Reads bit fields from a byte slice, most significant bit first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BitReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> BitReader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// Bits read so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Total bits in the underlying bytes.
    pub(crate) fn len_bits(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Reads `n` (≤ 64) bits as an unsigned integer, or `None` when fewer remain.
    pub(crate) fn read(&mut self, n: u32) -> Option<u64> {
        debug_assert!(n <= 64, "field wider than 64 bits");
        let end = self.pos.checked_add(n as usize)?;
        if end > self.len_bits() || n > 64 {
            return None;
        }
        let mut value: u64 = 0;
        let mut remaining = n;
        while remaining > 0 {
            let byte = self.bytes[self.pos / 8];
            let offset = (self.pos % 8) as u32;
            let avail = 8 - offset;
            let take = avail.min(remaining);
            let shifted = (byte >> (avail - take)) & (((1u16 << take) - 1) as u8);
            value = (value << take) | u64::from(shifted);
            self.pos += take as usize;
            remaining -= take;
        }
        Some(value)
    }

    /// True when every bit from the current position to the end is zero.
    pub(crate) fn rest_is_zero(&self) -> bool {
        let mut probe = *self;
        while probe.pos < probe.len_bits() {
            let n = (probe.len_bits() - probe.pos).min(64) as u32;
            if probe.read(n) != Some(0) {
                return false;
            }
        }
        true
    }
}

/// Builds a bit string, most significant bit first.
#[derive(Debug, Default)]
pub(crate) struct BitWriter {
    bytes: Vec<u8>,
    len: usize,
}

impl BitWriter {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Bits written so far.
    pub(crate) fn len_bits(&self) -> usize {
        self.len
    }

    /// Appends the low `n` (≤ 64) bits of `value`.
    pub(crate) fn write(&mut self, value: u64, n: u32) {
        debug_assert!(n == 64 || value >> n == 0, "value wider than its field");
        for i in (0..n).rev() {
            let bit = (value >> i) & 1;
            if self.len % 8 == 0 {
                self.bytes.push(0);
            }
            if bit == 1 {
                if let Some(last) = self.bytes.last_mut() {
                    *last |= 0x80 >> (self.len % 8);
                }
            }
            self.len += 1;
        }
    }

    /// Appends `n` zero bits.
    pub(crate) fn zeros(&mut self, mut n: usize) {
        while n > 0 {
            let step = n.min(64);
            self.write(0, step as u32);
            n -= step;
        }
    }

    /// The bytes, padded with zero bits to whole 16-bit words as a Gen2 EPC field is.
    pub(crate) fn into_words(mut self) -> Vec<u8> {
        let padded = self.len.div_ceil(16) * 16;
        let missing = padded - self.len;
        self.zeros(missing);
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_across_byte_boundaries() {
        let bytes = [0x30, 0x74, 0x25, 0x7B];
        let mut r = BitReader::new(&bytes);
        assert_eq!(r.read(8), Some(0x30));
        assert_eq!(r.read(3), Some(3));
        assert_eq!(r.read(3), Some(5));
        assert_eq!(r.read(18), Some(0x0257B));
        assert_eq!(r.read(1), None);
        assert_eq!(r.position(), 32);
    }

    #[test]
    fn writer_and_reader_agree() {
        let mut w = BitWriter::new();
        w.write(0x30, 8);
        w.write(3, 3);
        w.write(5, 3);
        w.write(614_141, 24);
        w.write((1 << 38) - 1, 38);
        assert_eq!(w.len_bits(), 76);
        let bytes = w.into_words();
        assert_eq!(bytes.len(), 10);
        let mut r = BitReader::new(&bytes);
        assert_eq!(r.read(8), Some(0x30));
        assert_eq!(r.read(3), Some(3));
        assert_eq!(r.read(3), Some(5));
        assert_eq!(r.read(24), Some(614_141));
        assert_eq!(r.read(38), Some((1 << 38) - 1));
        assert!(r.rest_is_zero());
        assert_eq!(r.read(64), None);
    }

    #[test]
    fn rest_is_zero_sees_a_late_bit() {
        let bytes = [0x00, 0x00, 0x01];
        let mut r = BitReader::new(&bytes);
        assert!(!r.rest_is_zero());
        r.read(23);
        assert!(!r.rest_is_zero());
        r.read(1);
        assert!(r.rest_is_zero());
    }
}
