//! The simulated balance's Ohaus side (Ohaus RS232 interface manual; protocols.md §4.2).
//!
//! `IP` and `P` print the weight now, `SP` once stable, `CP` continuously until `0P`; `Z`
//! zeroes inside the zero range and `T` tares once stable (no reply either way); `PT` prints
//! the tare in the weight format; any other command answers `ES`. Weight lines: value right
//! in 10 characters, a space, unit left in 5, a space, `?` when not stable.

use std::time::Duration;

use super::{Reading, ScaleDevice};

impl ScaleDevice {
    pub(super) fn ohaus_weight(&self, reading: Reading, value: &str, out: &mut Vec<u8>) {
        let stab = if reading.stable { ' ' } else { '?' };
        self.ohaus_line(value, stab, out);
    }

    fn ohaus_line(&self, value: &str, stab: char, out: &mut Vec<u8>) {
        let unit = &self.config.unit;
        out.extend_from_slice(format!("{value:>10} {unit:<5} {stab}\r\n").as_bytes());
    }

    pub(super) fn ohaus(&mut self, command: &str, out: &mut Vec<u8>) {
        match command {
            "IP" | "P" => self.emit_reading(out, false),
            "SP" => self.emit_reading(out, true),
            "CP" => self.start_repeat(Duration::from_millis(100), false),
            "0P" => self.stop_output(),
            "Z" => {
                self.zero_when_stable();
            }
            "T" => {
                self.tare_when_stable();
            }
            "PT" => {
                let value = self.decimal(self.balance.tare());
                self.ohaus_line(&value, ' ', out);
            }
            _ => out.extend_from_slice(b"ES\r\n"),
        }
    }
}
