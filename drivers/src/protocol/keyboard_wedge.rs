//! Keyboard-wedge scanners read from their own HID interface: 8-byte boot-keyboard reports
//! `[modifiers][reserved][key1..key6]` turned back into the scanned bytes (US layout).
//!
//! * A key counts when it appears in a report and was not in the previous one (rollover: a key
//!   still held while the next is pressed is not typed twice; a held key does not repeat, since
//!   repeat is done by the host, not the keyboard). A report full of ErrorRollOver (0x01) is
//!   ignored.
//! * Shift (either side) selects the shifted character; Ctrl + a key gives its control character
//!   (Ctrl+A = 0x01 … Ctrl+] = GS 0x1D, the usual FNC1 separator).
//! * Keypad digits typed while Alt is held form one decimal code, emitted when Alt is released:
//!   Alt+0,0,2,9 and Alt+0,2,9 both give GS (29). Codes above 255 are dropped.
//! * Enter (or keypad Enter, or Tab when the profile says so) ends the scan. An optional AIM
//!   identifier at the start is split off, and a configured FNC1 substitute becomes GS.
//! * Caps Lock is not tracked (scanners send Shift for capitals).

use crate::event::{DeviceEvent, ProtocolError};
use crate::protocol::framing::ReportBuffer;
use crate::protocol::serial_barcode::GS;
use crate::protocol::{Decoder, ProtocolId, ProtocolParams};

/// Size of a boot-keyboard input report.
pub const REPORT_BYTES: usize = 8;

const MOD_CTRL: u8 = 0x01 | 0x10;
const MOD_SHIFT: u8 = 0x02 | 0x20;
const MOD_ALT: u8 = 0x04 | 0x40;
const KEY_ERROR_ROLLOVER: u8 = 0x01;
const KEY_ENTER: u8 = 0x28;
const KEY_TAB: u8 = 0x2B;
const KEY_KP_ENTER: u8 = 0x58;

/// Unshifted and shifted character of a Keyboard-page usage on a US layout, if it types one.
pub fn us_layout(usage: u8) -> Option<(u8, u8)> {
    const DIGITS_SHIFTED: &[u8; 10] = b"!@#$%^&*()";
    match usage {
        0x04..=0x1D => {
            let c = b'a' + (usage - 0x04);
            Some((c, c.to_ascii_uppercase()))
        }
        0x1E..=0x26 => {
            let i = usage - 0x1E;
            Some((b'1' + i, DIGITS_SHIFTED[usize::from(i)]))
        }
        0x27 => Some((b'0', b')')),
        0x29 => Some((0x1B, 0x1B)),
        0x2B => Some((b'\t', b'\t')),
        0x2C => Some((b' ', b' ')),
        0x2D => Some((b'-', b'_')),
        0x2E => Some((b'=', b'+')),
        0x2F => Some((b'[', b'{')),
        0x30 => Some((b']', b'}')),
        0x31 => Some((b'\\', b'|')),
        0x32 => Some((b'#', b'~')),
        0x33 => Some((b';', b':')),
        0x34 => Some((b'\'', b'"')),
        0x35 => Some((b'`', b'~')),
        0x36 => Some((b',', b'<')),
        0x37 => Some((b'.', b'>')),
        0x38 => Some((b'/', b'?')),
        0x54 => Some((b'/', b'/')),
        0x55 => Some((b'*', b'*')),
        0x56 => Some((b'-', b'-')),
        0x57 => Some((b'+', b'+')),
        0x59..=0x61 => {
            let c = b'1' + (usage - 0x59);
            Some((c, c))
        }
        0x62 => Some((b'0', b'0')),
        0x63 => Some((b'.', b'.')),
        _ => None,
    }
}

/// The digit of a keypad digit usage.
fn keypad_digit(usage: u8) -> Option<u32> {
    match usage {
        0x59..=0x61 => Some(u32::from(usage - 0x59 + 1)),
        0x62 => Some(0),
        _ => None,
    }
}

/// Control character of Ctrl + the key typing `base` (unshifted) / `shifted`.
fn control_char(base: u8, shifted: u8, shift: bool) -> Option<u8> {
    let c = if shift { shifted } else { base };
    match c {
        b'a'..=b'z' => Some(c - b'a' + 1),
        b'A'..=b'Z' => Some(c - b'A' + 1),
        b'@' => Some(0x00),
        b'[' => Some(0x1B),
        b'\\' => Some(0x1C),
        b']' => Some(0x1D),
        b'^' => Some(0x1E),
        b'_' => Some(0x1F),
        _ => None,
    }
}

/// Decoder for boot-keyboard reports from a scanner in keyboard mode.
#[derive(Debug, Clone)]
pub struct WedgeDecoder {
    fnc1_substitute: Option<u8>,
    tab_terminates: bool,
    max_scan: usize,
    partial: ReportBuffer,
    previous_keys: [u8; 6],
    previous_mods: u8,
    alt_code: Option<u32>,
    buf: Vec<u8>,
    overflowed: bool,
}

impl WedgeDecoder {
    /// A decoder with the profile's parameters.
    pub fn new(params: &ProtocolParams) -> WedgeDecoder {
        WedgeDecoder {
            fnc1_substitute: params.fnc1_substitute,
            tab_terminates: params.tab_terminates,
            max_scan: params.max_scan_bytes,
            partial: ReportBuffer::new(REPORT_BYTES),
            previous_keys: [0; 6],
            previous_mods: 0,
            alt_code: None,
            buf: Vec::new(),
            overflowed: false,
        }
    }

    /// Bytes currently buffered: a partial report plus the scan typed so far.
    pub fn buffered(&self) -> usize {
        self.partial.pending() + self.buf.len()
    }

    fn push(&mut self, b: u8, out: &mut Vec<DeviceEvent>) {
        if self.overflowed {
            return;
        }
        if self.buf.len() >= self.max_scan {
            out.push(DeviceEvent::Error(ProtocolError::ScanTooLong {
                limit: self.max_scan,
            }));
            self.buf.clear();
            self.overflowed = true;
            return;
        }
        self.buf.push(b);
    }

    fn finish(&mut self, out: &mut Vec<DeviceEvent>) {
        if !self.overflowed && !self.buf.is_empty() {
            if let Some(sub) = self.fnc1_substitute {
                for b in self.buf.iter_mut() {
                    if *b == sub {
                        *b = GS;
                    }
                }
            }
            out.push(DeviceEvent::scan(self.buf.as_slice()));
        }
        self.buf.clear();
        self.overflowed = false;
    }

    fn flush_alt_code(&mut self, out: &mut Vec<DeviceEvent>) {
        if let Some(code) = self.alt_code.take() {
            if let Ok(b) = u8::try_from(code) {
                self.push(b, out);
            }
        }
    }

    fn on_report(&mut self, report: &[u8], out: &mut Vec<DeviceEvent>) {
        let mods = report[0];
        let keys = &report[2..8];
        if keys.contains(&KEY_ERROR_ROLLOVER) {
            return;
        }
        let alt = mods & MOD_ALT != 0;
        if self.previous_mods & MOD_ALT != 0 && !alt {
            self.flush_alt_code(out);
        }
        for &key in keys {
            if key == 0 || self.previous_keys.contains(&key) {
                continue;
            }
            if alt {
                if let Some(d) = keypad_digit(key) {
                    let code = self.alt_code.unwrap_or(0);
                    // Saturate well above 255 so that long codes are dropped, not wrapped.
                    self.alt_code = Some((code * 10 + d).min(10_000));
                }
                continue;
            }
            if key == KEY_ENTER || key == KEY_KP_ENTER || (self.tab_terminates && key == KEY_TAB) {
                self.finish(out);
                continue;
            }
            let Some((base, shifted)) = us_layout(key) else {
                continue;
            };
            let shift = mods & MOD_SHIFT != 0;
            if mods & MOD_CTRL != 0 {
                if let Some(c) = control_char(base, shifted, shift) {
                    self.push(c, out);
                }
                continue;
            }
            self.push(if shift { shifted } else { base }, out);
        }
        let mut previous = [0u8; 6];
        previous.copy_from_slice(keys);
        self.previous_keys = previous;
        self.previous_mods = mods;
    }
}

impl Decoder for WedgeDecoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        let mut reports = std::mem::take(&mut self.partial);
        reports.feed(
            chunk,
            REPORT_BYTES,
            |_| true,
            |report| self.on_report(report, out),
        );
        self.partial = reports;
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        // A partial report is a capture artefact: drop it. The keys typed so far are kept:
        // a scanner may pause between keystrokes, and Enter still ends the scan.
        self.partial.drop_torn(out);
    }

    fn reset(&mut self) {
        self.partial.clear();
        self.previous_keys = [0; 6];
        self.previous_mods = 0;
        self.alt_code = None;
        self.buf.clear();
        self.overflowed = false;
    }

    fn protocol(&self) -> ProtocolId {
        ProtocolId::KeyboardWedge
    }
}
