//! The simulated balance's A&D side (A&D EJ/EK/GC/FX manuals; protocols.md §4.3).
//!
//! `Q` and `SI` send the weight now, `S` once stable (nothing until then), `SIR` sends it
//! continuously, `C` cancels `S`/`SIR` and the stream; `Z` and `R` (the RE-ZERO key) zero
//! the balance inside its zero range, `T` tares it once stable, `P` is the ON/OFF key;
//! `?SN` answers `SN,<serial>` and `?PT` the tare in the weight format under header `PT`.
//! With acknowledgements off (the factory setting) commands that act answer nothing, and a
//! command the balance cannot carry out (zero beyond its range) changes nothing.
//! Weight lines: `ST|US,±DDDDDDDD UUU` (15 characters + CR LF), `OL,+999999.9` above
//! capacity and `OL,-99999999` below the lower limit.

use std::time::Duration;

use super::balance::Display;
use super::{Reading, ScaleDevice};

impl ScaleDevice {
    pub(super) fn and_weight(&self, reading: Reading, value: &str, out: &mut Vec<u8>) {
        let header = if reading.stable { "ST" } else { "US" };
        self.and_line(header, reading.display, value, out);
    }

    /// One A&D data line: header, comma, 9-character signed value, 3-character unit.
    fn and_line(&self, header: &str, display: Display, value: &str, out: &mut Vec<u8>) {
        let unit = &self.config.unit;
        let line = match display {
            Display::Overload => format!("OL,+999999.9{unit:>3}\r\n"),
            Display::Underload => format!("OL,-99999999{unit:>3}\r\n"),
            Display::Net(_) => {
                let (sign, digits) = match value.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', value),
                };
                format!("{header},{sign}{digits:0>8}{unit:>3}\r\n")
            }
        };
        out.extend_from_slice(line.as_bytes());
    }

    pub(super) fn and_standard(&mut self, command: &str, out: &mut Vec<u8>) {
        match command {
            "Q" | "SI" => self.emit_reading(out, false),
            "S" => self.emit_reading(out, true),
            "SIR" => self.start_repeat(Duration::from_millis(100), false),
            "C" => self.stop_output(),
            "Z" | "R" => {
                // Beyond the zero range the display shows an error; nothing is sent.
                self.zero_when_stable();
            }
            "T" => {
                self.tare_when_stable();
            }
            "?SN" => {
                out.extend_from_slice(format!("SN,{}\r\n", self.config.serial_number).as_bytes())
            }
            "?PT" => {
                let tare = self.balance.tare();
                let value = self.decimal(tare);
                self.and_line("PT", Display::Net(tare), &value, out);
            }
            // The ON/OFF key; unknown commands: nothing with error codes off.
            _ => {}
        }
    }
}
