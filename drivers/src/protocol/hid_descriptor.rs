//! A small HID report descriptor parser that finds the barcode fields of a HID POS scanner.
//!
//! It walks the descriptor's short items (long items are skipped), keeps the global state
//! (usage page, report size, report count, report ID, with push/pop) and the local usages, and
//! lays out the Input main items bit by bit per report ID. It then looks for the input report
//! that holds usage 0x8C:0xFE (Decoded Data) and, in that report, 0x8C:0xFB–0xFD (the three AIM
//! symbology bytes), 0x8C:0xFF (Decode Data Continued) and Generic Desktop 0x3B (Byte Count).
//! The fields are found by usage, whatever the top-level collection says: Honeywell's ReM
//! interface puts them under vendor page 0xFF8C. Bit offsets count the report ID byte when the
//! descriptor uses report IDs (as hidraw returns reports).

use thiserror::Error;

use crate::protocol::HID_DESCRIPTOR_BYTES_MAX;

/// Usage page of bar code scanners.
pub const PAGE_BARCODE: u16 = 0x8C;
/// Generic Desktop page.
pub const PAGE_GENERIC_DESKTOP: u16 = 0x01;
/// Generic Desktop "Byte Count".
pub const USAGE_BYTE_COUNT: u16 = 0x3B;
/// Symbology identifier 1, 2, 3.
pub const USAGE_SYMBOLOGY: [u16; 3] = [0xFB, 0xFC, 0xFD];
/// Decoded data.
pub const USAGE_DECODED_DATA: u16 = 0xFE;
/// Decode data continued.
pub const USAGE_CONTINUED: u16 = 0xFF;

/// Largest input report this parser lays out (bytes).
pub const REPORT_BYTES_MAX: usize = 1024;
/// Most report IDs tracked.
const REPORTS_MAX: usize = 64;
/// Push/pop nesting limit.
const STACK_MAX: usize = 8;
/// Most local usages kept per main item.
const USAGES_MAX: usize = 64;

/// A field of `size_bits` bits at `bit_offset` in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitField {
    /// offset from the start of the report (including the ID byte), in bits
    pub bit_offset: usize,
    /// size in bits
    pub size_bits: usize,
}

impl BitField {
    /// Reads the field (up to 32 bits, little-endian bit order as HID defines it).
    pub fn read(&self, report: &[u8]) -> Option<u32> {
        if self.size_bits == 0 || self.size_bits > 32 {
            return None;
        }
        let mut value: u32 = 0;
        for i in 0..self.size_bits {
            let bit = self.bit_offset + i;
            let byte = *report.get(bit / 8)?;
            if byte >> (bit % 8) & 1 == 1 {
                value |= 1 << i;
            }
        }
        Some(value)
    }
}

/// Where the barcode fields are in a HID POS input report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HidPosLayout {
    /// report ID of the scanned-data report (`None` when the descriptor uses no IDs)
    pub report_id: Option<u8>,
    /// length of the report in bytes, including the ID byte
    pub report_len: usize,
    /// byte count field, if the report has one
    pub byte_count: Option<BitField>,
    /// the three AIM symbology identifier bytes, where present
    pub symbology: [Option<BitField>; 3],
    /// first byte of the decoded data (byte offset, including the ID byte)
    pub data_offset: usize,
    /// number of decoded data bytes
    pub data_len: usize,
    /// the decode-data-continued bit, if present
    pub continued: Option<BitField>,
}

impl HidPosLayout {
    /// The common 64-byte layout (Honeywell ReM, Access-IS): ID 0x02, byte count, 3 AIM bytes,
    /// 56 data bytes, 2 vendor bytes, continued flag in bit 0 of byte 63.
    pub fn honeywell_64() -> HidPosLayout {
        let byte = |i: usize| BitField {
            bit_offset: i * 8,
            size_bits: 8,
        };
        HidPosLayout {
            report_id: Some(0x02),
            report_len: 64,
            byte_count: Some(byte(1)),
            symbology: [Some(byte(2)), Some(byte(3)), Some(byte(4))],
            data_offset: 5,
            data_len: 56,
            continued: Some(BitField {
                bit_offset: 63 * 8,
                size_bits: 1,
            }),
        }
    }
}

/// Why a descriptor cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DescriptorError {
    /// The descriptor is longer than [`HID_DESCRIPTOR_BYTES_MAX`].
    #[error("descriptor is {0} bytes long; at most {HID_DESCRIPTOR_BYTES_MAX} are accepted")]
    TooLong(usize),
    /// An item runs past the end of the descriptor.
    #[error("descriptor ends in the middle of an item at byte {0}")]
    Truncated(usize),
    /// Too many push items without pop, or a pop without push.
    #[error("unbalanced push/pop at byte {0}")]
    PushPop(usize),
    /// An input report is larger than this parser lays out.
    #[error("input report {id:?} is larger than {REPORT_BYTES_MAX} bytes")]
    ReportTooLarge {
        /// the report ID
        id: Option<u8>,
    },
    /// No input report holds usage 0x8C:0xFE (Decoded Data).
    #[error("no input report carries HID POS decoded data (usage 0x8C:0xFE): not a HID POS barcode interface")]
    NoDecodedData,
    /// The data field is not whole bytes.
    #[error("the decoded data field is not made of whole, byte-aligned bytes")]
    Unaligned,
}

#[derive(Debug, Clone, Copy, Default)]
struct Globals {
    usage_page: u16,
    report_size: u32,
    report_count: u32,
    report_id: Option<u8>,
}

#[derive(Debug, Clone, Copy)]
struct Found {
    report_id: Option<u8>,
    field: BitField,
    /// number of consecutive entries with this usage (for the data run)
    run: usize,
}

#[derive(Default)]
struct Scan {
    /// (report id, input bits so far)
    lengths: Vec<(Option<u8>, usize)>,
    data: Option<Found>,
    byte_count: Vec<Found>,
    symbology: [Vec<Found>; 3],
    continued: Vec<Found>,
}

impl Scan {
    fn offset(&mut self, id: Option<u8>) -> Result<&mut usize, DescriptorError> {
        if let Some(i) = self.lengths.iter().position(|(r, _)| *r == id) {
            return Ok(&mut self.lengths[i].1);
        }
        if self.lengths.len() >= REPORTS_MAX {
            return Err(DescriptorError::ReportTooLarge { id });
        }
        let start = if id.is_some() { 8 } else { 0 };
        self.lengths.push((id, start));
        let last = self.lengths.len() - 1;
        Ok(&mut self.lengths[last].1)
    }
}

fn item_value(data: &[u8]) -> u32 {
    data.iter()
        .rev()
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// Parses `descriptor` and returns where the barcode fields are.
pub fn parse_hid_pos(descriptor: &[u8]) -> Result<HidPosLayout, DescriptorError> {
    if descriptor.len() > HID_DESCRIPTOR_BYTES_MAX {
        return Err(DescriptorError::TooLong(descriptor.len()));
    }
    let mut globals = Globals::default();
    let mut stack: Vec<Globals> = Vec::new();
    // local state: explicit usages (page, id) and a usage range
    let mut usages: Vec<(u16, u16)> = Vec::new();
    let mut usage_min: Option<(u16, u16)> = None;
    let mut usage_max: Option<(u16, u16)> = None;
    let mut scan = Scan::default();
    let mut pos = 0;
    while pos < descriptor.len() {
        let prefix = descriptor[pos];
        if prefix == 0xFE {
            // long item: FE, size, tag, data
            let size = usize::from(
                *descriptor
                    .get(pos + 1)
                    .ok_or(DescriptorError::Truncated(pos))?,
            );
            pos += 3 + size;
            if pos > descriptor.len() {
                return Err(DescriptorError::Truncated(pos));
            }
            continue;
        }
        let size = match prefix & 0x03 {
            3 => 4,
            n => usize::from(n),
        };
        let data = descriptor
            .get(pos + 1..pos + 1 + size)
            .ok_or(DescriptorError::Truncated(pos))?;
        let value = item_value(data);
        let kind = (prefix >> 2) & 0x03;
        let tag = prefix >> 4;
        let at = pos;
        pos += 1 + size;
        let to_u16 = |v: u32| u16::try_from(v & 0xFFFF).unwrap_or(0);
        let usage_of = |v: u32, page: u16| {
            if size == 4 {
                (to_u16(v >> 16), to_u16(v))
            } else {
                (page, to_u16(v))
            }
        };
        match (kind, tag) {
            // global items
            (1, 0) => globals.usage_page = to_u16(value),
            (1, 7) => globals.report_size = value,
            (1, 8) => globals.report_id = u8::try_from(value & 0xFF).ok(),
            (1, 9) => globals.report_count = value,
            (1, 10) => {
                if stack.len() >= STACK_MAX {
                    return Err(DescriptorError::PushPop(at));
                }
                stack.push(globals);
            }
            (1, 11) => globals = stack.pop().ok_or(DescriptorError::PushPop(at))?,
            // local items
            (2, 0) if usages.len() < USAGES_MAX => {
                usages.push(usage_of(value, globals.usage_page));
            }
            (2, 1) => usage_min = Some(usage_of(value, globals.usage_page)),
            (2, 2) => usage_max = Some(usage_of(value, globals.usage_page)),
            // main items
            (0, 8) => {
                let constant = value & 0x01 != 0;
                let id = globals.report_id;
                let size_bits = usize::try_from(globals.report_size).unwrap_or(usize::MAX);
                let count = usize::try_from(globals.report_count).unwrap_or(usize::MAX);
                let total = size_bits.saturating_mul(count);
                let start = *scan.offset(id)?;
                let end = start.saturating_add(total);
                if end > REPORT_BYTES_MAX * 8 {
                    return Err(DescriptorError::ReportTooLarge { id });
                }
                if !constant {
                    record_fields(
                        &mut scan,
                        id,
                        start,
                        size_bits,
                        count,
                        &usages,
                        usage_min.zip(usage_max),
                    );
                }
                *scan.offset(id)? = end;
                usages.clear();
                usage_min = None;
                usage_max = None;
            }
            (0, _) => {
                usages.clear();
                usage_min = None;
                usage_max = None;
            }
            _ => {}
        }
    }
    let data = scan.data.ok_or(DescriptorError::NoDecodedData)?;
    if data.field.size_bits != 8 || data.field.bit_offset % 8 != 0 {
        return Err(DescriptorError::Unaligned);
    }
    let id = data.report_id;
    let in_report = |list: &[Found]| list.iter().find(|f| f.report_id == id).map(|f| f.field);
    let report_bits = scan
        .lengths
        .iter()
        .find(|(r, _)| *r == id)
        .map_or(0, |(_, bits)| *bits);
    Ok(HidPosLayout {
        report_id: id,
        report_len: report_bits.div_ceil(8),
        byte_count: in_report(&scan.byte_count),
        symbology: [
            in_report(&scan.symbology[0]),
            in_report(&scan.symbology[1]),
            in_report(&scan.symbology[2]),
        ],
        data_offset: data.field.bit_offset / 8,
        data_len: data.run,
        continued: in_report(&scan.continued),
    })
}

/// Records the interesting fields of one Input item with `count` entries of `size_bits`.
fn record_fields(
    scan: &mut Scan,
    id: Option<u8>,
    start: usize,
    size_bits: usize,
    count: usize,
    usages: &[(u16, u16)],
    range: Option<((u16, u16), (u16, u16))>,
) {
    // Usage of entry i: explicit usages in order, the last one repeating; else the range.
    let usage_at = |i: usize| -> Option<(u16, u16)> {
        if !usages.is_empty() {
            return Some(usages[i.min(usages.len() - 1)]);
        }
        let ((page, min), (_, max)) = range?;
        let offset = u16::try_from(i).unwrap_or(u16::MAX);
        Some((page, min.saturating_add(offset).min(max)))
    };
    let mut i = 0;
    while i < count {
        let Some(usage) = usage_at(i) else { return };
        // Entries from here on that share this usage (the repeating tail).
        let run = if !usages.is_empty() && i >= usages.len() - 1 {
            count - i
        } else {
            1
        };
        let field = BitField {
            bit_offset: start + i * size_bits,
            size_bits,
        };
        let found = Found {
            report_id: id,
            field,
            run,
        };
        match usage {
            (PAGE_BARCODE, USAGE_DECODED_DATA) if scan.data.is_none() => {
                scan.data = Some(found);
            }
            (PAGE_BARCODE, u) if USAGE_SYMBOLOGY.contains(&u) => {
                let k = usize::from(u - USAGE_SYMBOLOGY[0]);
                scan.symbology[k].push(found);
            }
            (PAGE_BARCODE, USAGE_CONTINUED) => scan.continued.push(found),
            (PAGE_GENERIC_DESKTOP, USAGE_BYTE_COUNT) => scan.byte_count.push(found),
            _ => {}
        }
        i += run;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_items_are_skipped_and_truncation_is_reported() {
        assert_eq!(
            parse_hid_pos(&[0xFE, 0x02, 0x10, 0xAA, 0xBB]),
            Err(DescriptorError::NoDecodedData)
        );
        assert_eq!(
            parse_hid_pos(&[0x26, 0xFF]),
            Err(DescriptorError::Truncated(0))
        );
    }

    #[test]
    fn pop_without_push_is_an_error() {
        assert_eq!(parse_hid_pos(&[0xB4]), Err(DescriptorError::PushPop(0)));
    }
}
