//! The simulated balance's MT-SICS side: every level 0 and level 1 command of a NewClassic /
//! Excellence balance (MT-SICS reference manual 11780711; protocols.md §4.1), with its effect
//! on the balance.
//!
//! Level 0: `I0` (command list), `I1` (levels and versions), `I2` (balance data), `I3`
//! (software version), `I4` (serial number), `I5` (software id), `S`, `SI`, `SIR`, `Z`, `ZI`,
//! `@`. Level 1: `D`, `DW`, `K`, `SR`, `T`, `TA`, `TAC`, `TI`; and `PWR` (listed by the
//! NewClassic instructions). Replies: `S S|D <value> <unit>`, `S I` (no stability in time or
//! not executable), `S +`/`S -` (over/underload); `Z A`, `Z I`, `Z +`/`Z -` (beyond the zero
//! range); `ZI S|D`; `T S <tare> <unit>`, `T +`/`T -` (beyond the taring range); `TI S|D
//! <tare> <unit>`; `TA A <tare> <unit>`, `TA L` (a preset the balance cannot take); `TAC A`;
//! `D A`, `DW A`, `K A`/`K L`, `PWR A`/`PWR L`; `ES` for anything else (syntax error).
//! `@` cancels running commands and clears the tare (the state after switching on, without
//! zeroing) and answers `I4 A "<serial>"`.

use std::time::Duration;

use super::balance::{Display, OutOfRange};
use super::{Reading, ScaleDevice};

/// MT-SICS level of each command the simulated balance implements, in `I0` order.
pub const COMMANDS: &[(u8, &str)] = &[
    (0, "I0"),
    (0, "I1"),
    (0, "I2"),
    (0, "I3"),
    (0, "I4"),
    (0, "I5"),
    (0, "S"),
    (0, "SI"),
    (0, "SIR"),
    (0, "Z"),
    (0, "ZI"),
    (0, "@"),
    (1, "D"),
    (1, "DW"),
    (1, "K"),
    (1, "SR"),
    (1, "T"),
    (1, "TA"),
    (1, "TAC"),
    (1, "TI"),
    (2, "PWR"),
];

/// How often `SIR` repeats and `SR` looks for a change.
const REPEAT: Duration = Duration::from_millis(100);

fn line(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(b"\r\n");
}

impl ScaleDevice {
    /// A weight reply `<id> S|D <value> <unit>`, or `<id> +` / `<id> -`.
    pub(super) fn mt_sics_weight(
        &self,
        id: &str,
        reading: Reading,
        value: &str,
        out: &mut Vec<u8>,
    ) {
        match reading.display {
            Display::Overload => line(out, &format!("{id} +")),
            Display::Underload => line(out, &format!("{id} -")),
            Display::Net(_) => {
                let status = if reading.stable { 'S' } else { 'D' };
                line(
                    out,
                    &format!("{id} {status} {value:>10} {}", self.config.unit),
                );
            }
        }
    }

    fn range_refusal(id: &str, why: OutOfRange, out: &mut Vec<u8>) {
        match why {
            OutOfRange::Above => line(out, &format!("{id} +")),
            OutOfRange::Below => line(out, &format!("{id} -")),
        }
    }

    pub(super) fn mt_sics(&mut self, command: &str, out: &mut Vec<u8>) {
        let (id, args) = match command.split_once(' ') {
            Some((id, args)) => (id, Some(args.trim())),
            None => (command, None),
        };
        let serial = self.config.serial_number.clone();
        if self.standby && !matches!(id, "PWR" | "@" | "I0" | "I1" | "I2" | "I3" | "I4" | "I5") {
            // In standby the balance understands but cannot weigh, zero or tare.
            let reply_id = if matches!(id, "SI" | "SIR" | "SR") {
                "S"
            } else {
                id
            };
            if COMMANDS.iter().any(|(_, c)| *c == id) {
                line(out, &format!("{reply_id} I"));
            } else {
                line(out, "ES");
            }
            return;
        }
        match (id, args) {
            ("I0", None) => {
                for (n, (level, name)) in COMMANDS.iter().enumerate() {
                    let last = n + 1 == COMMANDS.len();
                    let status = if last { 'A' } else { 'B' };
                    line(out, &format!("I0 {status} {level} \"{name}\""));
                }
            }
            ("I1", None) => line(out, "I1 A \"01\" \"2.20\" \"2.20\" \"2.20\" \"\""),
            ("I2", None) => {
                let capacity = self.decimal(self.balance.capacity());
                line(
                    out,
                    &format!("I2 A \"TALLY-SIM {capacity} {}\"", self.config.unit),
                );
            }
            ("I3", None) => line(out, "I3 A \"1.00 10.0.0.0.1\""),
            ("I4", None) => line(out, &format!("I4 A \"{serial}\"")),
            ("I5", None) => line(out, "I5 A \"11780711-0\""),
            ("S", None) => self.emit_reading(out, true),
            ("SI", None) => self.emit_reading(out, false),
            ("SIR", None) => {
                self.emit_reading(out, false);
                self.start_repeat(REPEAT, false);
            }
            ("SR", None) => {
                self.emit_reading(out, true);
                self.start_repeat(REPEAT, true);
            }
            ("Z", None) => {
                if !self.wait_stable() {
                    line(out, "Z I");
                    return;
                }
                match self.balance.zero() {
                    Ok(()) => line(out, "Z A"),
                    Err(why) => Self::range_refusal("Z", why, out),
                }
            }
            ("ZI", None) => {
                let stable = self.settled_now();
                match self.balance.zero() {
                    Ok(()) => line(out, if stable { "ZI S" } else { "ZI D" }),
                    Err(why) => Self::range_refusal("ZI", why, out),
                }
            }
            ("T", None) => {
                if !self.wait_stable() {
                    line(out, "T I");
                    return;
                }
                match self.balance.tare_now() {
                    Ok(tare) => self.tare_reply("T", 'S', tare, out),
                    Err(why) => Self::range_refusal("T", why, out),
                }
            }
            ("TI", None) => {
                let stable = self.settled_now();
                match self.balance.tare_now() {
                    Ok(tare) => self.tare_reply("TI", if stable { 'S' } else { 'D' }, tare, out),
                    Err(why) => Self::range_refusal("TI", why, out),
                }
            }
            ("TA", None) => self.tare_reply("TA", 'A', self.balance.tare(), out),
            ("TA", Some(preset)) => {
                let mut fields = preset.split_whitespace();
                let divisions = match (fields.next(), fields.next(), fields.next()) {
                    (Some(value), Some(unit), None) if unit == self.config.unit => {
                        self.config.divisions_of(value)
                    }
                    _ => None,
                };
                match divisions.map(|d| (d, self.balance.set_tare(d))) {
                    Some((d, Ok(()))) => self.tare_reply("TA", 'A', d, out),
                    _ => line(out, "TA L"),
                }
            }
            ("TAC", None) => {
                self.balance.clear_tare();
                line(out, "TAC A");
            }
            ("D", Some(text))
                if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') =>
            {
                let text = &text[1..text.len() - 1];
                self.display_text = (!text.is_empty()).then(|| text.to_string());
                line(out, "D A");
            }
            ("DW", None) => {
                self.display_text = None;
                line(out, "DW A");
            }
            ("K", Some(mode)) => match mode {
                "1" | "2" | "3" | "4" => line(out, "K A"),
                _ => line(out, "K L"),
            },
            ("PWR", Some("0")) => {
                self.standby = true;
                line(out, "PWR A");
            }
            ("PWR", Some("1")) => {
                self.standby = false;
                line(out, "PWR A");
                line(out, &format!("I4 A \"{serial}\""));
            }
            ("PWR", Some(_)) => line(out, "PWR L"),
            ("@", None) => {
                self.balance.clear_tare();
                self.display_text = None;
                self.standby = false;
                line(out, &format!("I4 A \"{serial}\""));
            }
            _ => line(out, "ES"),
        }
    }

    fn tare_reply(&self, id: &str, status: char, tare: i64, out: &mut Vec<u8>) {
        let value = self.decimal(tare);
        line(
            out,
            &format!("{id} {status} {value:>10} {}", self.config.unit),
        );
    }
}
