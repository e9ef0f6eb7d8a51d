//! Checksums used by the RFID reader protocols, computed from their published definitions.
//!
//! * [`crc16_chafon`]: Chafon UHFReader18/288, CRC-16 with the reflected polynomial 0x8408
//!   (CCITT 0x1021 reversed), preset 0xFFFF, no final XOR (the catalogue name is
//!   CRC-16/MCRF4XX); sent least significant byte first.
//! * [`crc16_thingmagic`]: ThingMagic Mercury's nibble-wise "mutated" CRC (preset 0xFFFF, table
//!   of 16 entries of polynomial 0x1021, no reflection), sent most significant byte first.
//! * [`crc16_gen2`]: the EPC Gen2 tag CRC-16 over PC + EPC (poly 0x1021, preset 0xFFFF, final
//!   complement; CRC-16/GENIBUS).
//! * [`sum8`]: the M100 "BB…7E" checksum, low byte of the sum of the bytes.

/// Byte-wise lookup table of the reflected polynomial 0x8408, built at compile time.
const CHAFON_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u16;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x8408
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// Chafon CRC-16: reflected poly 0x8408, preset 0xFFFF, no final XOR.
pub fn crc16_chafon(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0xFFFF, |crc, &b| {
        (crc >> 8) ^ CHAFON_TABLE[usize::from((crc ^ u16::from(b)) & 0xFF)]
    })
}

/// The same CRC computed bit by bit, straight from the definition (to check the table).
#[cfg(test)]
fn crc16_chafon_bitwise(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= u16::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x8408
            } else {
                crc >> 1
            };
        }
    }
    crc
}

const THINGMAGIC_TABLE: [u16; 16] = [
    0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7, 0x8108, 0x9129, 0xa14a, 0xb16b,
    0xc18c, 0xd1ad, 0xe1ce, 0xf1ef,
];

/// ThingMagic Mercury CRC: per byte, shift in the high nibble then the low nibble, each time
/// XORing the table entry selected by the nibble shifted out.
pub fn crc16_thingmagic(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc = ((crc << 4) | u16::from(b >> 4)) ^ THINGMAGIC_TABLE[usize::from(crc >> 12)];
        crc = ((crc << 4) | u16::from(b & 0x0F)) ^ THINGMAGIC_TABLE[usize::from(crc >> 12)];
    }
    crc
}

/// EPC Gen2 CRC-16 (poly 0x1021 MSB first, preset 0xFFFF, result complemented).
pub fn crc16_gen2(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    !crc
}

/// Low byte of the sum of `bytes`.
pub fn sum8(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |acc, &b| acc.wrapping_add(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chafon_crc_matches_catalogue_check_value() {
        // CRC-16/MCRF4XX check value over "123456789".
        assert_eq!(crc16_chafon(b"123456789"), 0x6F91);
    }

    #[test]
    fn chafon_table_matches_the_bitwise_definition() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for len in 0..data.len() {
            assert_eq!(
                crc16_chafon(&data[..len]),
                crc16_chafon_bitwise(&data[..len])
            );
        }
    }

    #[test]
    fn gen2_crc_matches_catalogue_check_value() {
        // CRC-16/GENIBUS check value over "123456789".
        assert_eq!(crc16_gen2(b"123456789"), 0xD64E);
    }

    #[test]
    fn thingmagic_crc_matches_m5e_log() {
        // FF 00 03 1D 0C: CRC over LEN, OPCODE.
        assert_eq!(crc16_thingmagic(&[0x00, 0x03]), 0x1D0C);
    }

    #[test]
    fn sum8_wraps() {
        assert_eq!(sum8(&[0xFF, 0x02]), 0x01);
    }
}
