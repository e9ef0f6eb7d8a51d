//! The enrollment token drawn as a QR code on a terminal (`enroll-token --qr`), to scan at
//! the dock: the `qrcode` crate encodes it (error correction level M) and it is drawn with
//! Unicode half blocks, two modules per character cell, dark modules as spaces on a light
//! quiet zone so that it scans on a dark terminal too.

use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};

/// The QR code of `text` as lines of Unicode half blocks, each line ending in `\n`.
pub fn draw(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    let mut drawn = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    drawn.push('\n');
    Ok(drawn)
}
