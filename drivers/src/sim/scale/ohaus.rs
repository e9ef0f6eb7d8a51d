//! The simulated balance's Ohaus side (Ohaus RS232 interface manual; protocols.md §4.2).
//!
//! `IP` and `P` print the weight now, `SP` once stable, `CP` continuously until `0P`, `xP`
//! every x seconds (1–3600); `Z` zeroes inside the zero range and `T` tares once stable, `xT`
//! sets a preset tare of x in the current unit (no reply either way); `PT` prints the tare in
//! the weight format, `PU` the unit, `PSN` the serial number, `PV` the version (with `LFT OFF`:
//! the simulator is not legal for trade); any other command, or a value out of range, answers
//! `ES`. Weight lines: value right in 10 characters, a space, unit left in 5, a space, `?` when
//! not stable. The layouts of the `PU`, `PSN` and `PV` lines are not given by the manuals at
//! hand (GUESS: one text field per line).

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
            "PU" => line(out, &self.config.unit),
            "PSN" => line(out, &self.config.serial_number),
            "PV" => line(out, "TALLY-SIM 1.00 LFT OFF"),
            _ => self.ohaus_with_value(command, out),
        }
    }

    /// `xP` (interval print) and `xT` (preset tare); anything else is `ES`.
    fn ohaus_with_value(&mut self, command: &str, out: &mut Vec<u8>) {
        if let Some(seconds) = command.strip_suffix('P') {
            match seconds.parse::<u64>() {
                Ok(s @ 1..=3600) => self.start_repeat(Duration::from_secs(s), false),
                _ => line(out, "ES"),
            }
            return;
        }
        if let Some(value) = command.strip_suffix('T') {
            let divisions = self.config.divisions_of(value.trim());
            match divisions.map(|d| self.balance.set_tare(d)) {
                Some(Ok(())) => {}
                _ => line(out, "ES"),
            }
            return;
        }
        line(out, "ES");
    }
}

fn line(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(b"\r\n");
}
