//! The simulated scale's NCI / Weigh-Tronix side (SCP-01, 3700LP, T419S; protocols.md §4.4).
//!
//! `W` sends weight and status, `H` the weight at ten times the resolution, `S` the status
//! only, `Z` zeroes (inside the zero range) then sends the status, `T` tares then sends the
//! status; anything else answers `<LF>?<CR><ETX>`. Status byte 1: bit 0 motion, bit 1 at
//! zero; byte 2: bit 0 under capacity, bit 1 over capacity.

use super::balance::Display;
use super::{Reading, ScaleDevice};

impl ScaleDevice {
    fn nci_status(&self, reading: Reading) -> [u8; 2] {
        let zero = reading.display == Display::Net(0);
        let s1 = 0x30 | u8::from(!reading.stable) | (u8::from(zero) << 1);
        let s2 = 0x30
            | u8::from(reading.display == Display::Underload)
            | (u8::from(reading.display == Display::Overload) << 1);
        [s1, s2]
    }

    pub(super) fn nci_weight(&self, reading: Reading, value: &str, out: &mut Vec<u8>) {
        let [s1, s2] = self.nci_status(reading);
        match reading.display {
            Display::Overload | Display::Underload => {
                out.extend_from_slice(&[b'\n', 0x30, s2, b'\r', 0x03]);
            }
            Display::Net(_) => {
                let unit = &self.config.unit;
                out.extend_from_slice(format!("\n{value:0>7}{unit:<2}\r\n").as_bytes());
                out.extend_from_slice(&[s1, s2, b'\r', 0x03]);
            }
        }
    }

    fn nci_status_only(&mut self, out: &mut Vec<u8>) {
        let reading = self.immediate();
        let [s1, s2] = self.nci_status(reading);
        out.extend_from_slice(&[b'\n', s1, s2, b'\r', 0x03]);
    }

    pub(super) fn nci(&mut self, command: &str, out: &mut Vec<u8>) {
        match command {
            "W" => self.emit_reading(out, false),
            "H" => {
                // One more digit: the simulated load is whole divisions, so it is a zero.
                let reading = self.immediate();
                let mut value = self.record(reading);
                if !value.contains('.') {
                    value.push('.');
                }
                value.push('0');
                self.nci_weight(reading, &value, out);
            }
            "S" => self.nci_status_only(out),
            "Z" => {
                let _ = self.balance.zero();
                self.nci_status_only(out);
            }
            "T" => {
                let _ = self.balance.tare_now();
                self.nci_status_only(out);
            }
            _ => out.extend_from_slice(b"\n?\r\x03"),
        }
    }
}
