//! Mettler Toledo MT-SICS: ASCII commands and replies, each line ended by CR LF.
//!
//! Replies are parsed by whitespace tokens (quoted strings kept whole, quotes stripped), never
//! by column. `ID Status [fields…]`:
//! * `S S <value> <unit>` stable weight; `S D …` dynamic (SI/SIR); `S A …` (InstrumentKit's test
//!   form) is read but not stable; `S I` not executable (busy / no stability in time), `S +`
//!   overload, `S -` underload, `S L` logical error.
//! * `ES`, `ET`, `EL`: syntax, transmission, logical error.
//! * `Z A`, `ZI S|D|A`, `TAC A`: acknowledgements; `T`/`TI`/`TA` with a value: the tare.
//! * `I4 A "serial"`: serial number; after `@` (reset) the same line, or `@ A "serial"`, is the
//!   reset acknowledgement.
//! * other `I…` lines (`I0`, `I1`, `I10`): information, fields passed on.

use crate::event::{
    normalise_decimal, CommandReply, DeviceEvent, ProtocolError, WeightReading, WeightUnit,
};
use crate::protocol::commands::{CommandError, ProtocolCommands};
use crate::protocol::framing::{printable, LineBuffer};
use crate::protocol::{Decoder, ProtocolId};

/// Longest reply line accepted (MT-SICS lines are well under 100 characters).
pub const LINE_BYTES_MAX: usize = 256;
/// Most fields kept from one line.
const FIELDS_MAX: usize = 32;

/// Commands the drivers send to an MT-SICS balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MtSicsCommand {
    /// `S`: send the next stable weight
    Stable,
    /// `SI`: send the weight now, stable or not
    Immediate,
    /// `SIR`: send the weight now and repeatedly
    ImmediateRepeat,
    /// `Z`: zero (when stable)
    Zero,
    /// `ZI`: zero now
    ZeroImmediate,
    /// `T`: tare (when stable)
    Tare,
    /// `TI`: tare now
    TareImmediate,
    /// `TA`: query the tare value
    TareQuery,
    /// `TA <value> <unit>`: preset the tare
    TarePreset {
        /// decimal value, digits and at most one `.`
        value: String,
        /// unit symbol, letters only
        unit: String,
    },
    /// `TAC`: clear the tare
    TareClear,
    /// `@`: reset (cancel pending commands); the balance answers with its serial number
    Reset,
    /// `I4`: serial number
    SerialNumber,
    /// `I1`: MT-SICS level and versions
    Level,
}

/// A command that cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot send preset tare {value:?} {unit:?}: use a decimal number and a unit such as g")]
pub struct BadTare {
    /// the value given
    pub value: String,
    /// the unit given
    pub unit: String,
}

impl MtSicsCommand {
    /// The command text without terminator.
    pub fn text(&self) -> String {
        match self {
            MtSicsCommand::Stable => "S".into(),
            MtSicsCommand::Immediate => "SI".into(),
            MtSicsCommand::ImmediateRepeat => "SIR".into(),
            MtSicsCommand::Zero => "Z".into(),
            MtSicsCommand::ZeroImmediate => "ZI".into(),
            MtSicsCommand::Tare => "T".into(),
            MtSicsCommand::TareImmediate => "TI".into(),
            MtSicsCommand::TareQuery => "TA".into(),
            MtSicsCommand::TarePreset { value, unit } => format!("TA {value} {unit}"),
            MtSicsCommand::TareClear => "TAC".into(),
            MtSicsCommand::Reset => "@".into(),
            MtSicsCommand::SerialNumber => "I4".into(),
            MtSicsCommand::Level => "I1".into(),
        }
    }

    /// The bytes to send: the command and CR LF. Fails only for a malformed preset tare.
    pub fn to_bytes(&self) -> Result<Vec<u8>, BadTare> {
        if let MtSicsCommand::TarePreset { value, unit } = self {
            let value_ok = normalise_decimal(value).is_some() && value.len() <= 12;
            let unit_ok = !unit.is_empty()
                && unit.len() <= 5
                && unit.bytes().all(|b| b.is_ascii_alphabetic());
            if !value_ok || !unit_ok {
                return Err(BadTare {
                    value: value.clone(),
                    unit: unit.clone(),
                });
            }
        }
        let mut bytes = self.text().into_bytes();
        bytes.extend_from_slice(b"\r\n");
        Ok(bytes)
    }
}

/// Decoder for MT-SICS replies.
#[derive(Debug, Clone)]
pub struct MtSicsDecoder {
    lines: LineBuffer,
    /// The command id of the last command sent (first token), if known.
    pending: Option<String>,
}

impl Default for MtSicsDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl MtSicsDecoder {
    /// Bytes of a partial line currently buffered (at most [`LINE_BYTES_MAX`]).
    pub fn buffered(&self) -> usize {
        self.lines.buffered()
    }

    /// A decoder with no command pending.
    pub fn new() -> MtSicsDecoder {
        MtSicsDecoder {
            lines: LineBuffer::new(LINE_BYTES_MAX),
            pending: None,
        }
    }
}

/// Splits a reply into tokens: whitespace separated, a `"…"` string is one token (quotes
/// stripped). At most [`FIELDS_MAX`] tokens.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while out.len() < FIELDS_MAX {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut tok = String::new();
        if first == '"' {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                tok.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                tok.push(c);
                chars.next();
            }
        }
        out.push(tok);
    }
    out
}

fn unrecognised(line: &[u8]) -> DeviceEvent {
    DeviceEvent::Error(ProtocolError::UnrecognisedLine {
        line: printable(line),
    })
}

impl MtSicsDecoder {
    fn on_line(&mut self, raw: &[u8], out: &mut Vec<DeviceEvent>) {
        if !raw.iter().all(|&b| b == b'\t' || (0x20..0x7F).contains(&b)) {
            out.push(unrecognised(raw));
            return;
        }
        let line = String::from_utf8_lossy(raw);
        let toks = tokens(&line);
        let Some(id) = toks.first().map(String::as_str) else {
            return;
        };
        let status = toks.get(1).map(String::as_str).unwrap_or("");
        let rest = toks.get(2..).unwrap_or(&[]);
        let pending = self.pending.take();
        let event = match (id, status) {
            ("ES", "") => rejected("syntax error (ES): the balance did not understand the command"),
            ("ET", "") => rejected("transmission error (ET): check the cable and baud rate"),
            ("EL", "") => rejected("logical error (EL): the command cannot be used now"),
            ("S" | "SI" | "SIR", "S" | "D" | "A") => match rest {
                [value, unit] => match normalise_decimal(value) {
                    Some(value) => DeviceEvent::Weight(WeightReading::new(
                        value,
                        WeightUnit::parse(unit),
                        status == "S",
                    )),
                    None => unrecognised(raw),
                },
                _ => unrecognised(raw),
            },
            (cmd, "I") => DeviceEvent::Error(ProtocolError::NotExecutable {
                command: cmd.to_string(),
            }),
            (_, "+") => DeviceEvent::Error(ProtocolError::Overload { unit: None }),
            (_, "-") => DeviceEvent::Error(ProtocolError::Underload { unit: None }),
            (cmd, "L") => rejected(&format!(
                "logical error ({cmd} L): the command or its parameter is not allowed"
            )),
            ("T" | "TI" | "TA", "S" | "D" | "A") if rest.len() == 2 => {
                match normalise_decimal(&rest[0]) {
                    Some(value) => DeviceEvent::Reply(CommandReply::Tare {
                        command: id.to_string(),
                        value,
                        unit: WeightUnit::parse(&rest[1]),
                    }),
                    None => unrecognised(raw),
                }
            }
            ("Z" | "ZI" | "TAC" | "T" | "TI" | "TA", "S" | "D" | "A") if rest.is_empty() => {
                DeviceEvent::Reply(CommandReply::Acknowledged {
                    command: id.to_string(),
                    status: status.to_string(),
                })
            }
            ("@", "A") => DeviceEvent::Reply(CommandReply::Reset {
                serial: rest.join(" "),
            }),
            ("I4", "A") if rest.len() == 1 => {
                let serial = rest[0].clone();
                if pending.as_deref() == Some("@") {
                    DeviceEvent::Reply(CommandReply::Reset { serial })
                } else {
                    DeviceEvent::Reply(CommandReply::SerialNumber(serial))
                }
            }
            (cmd, "A" | "B") if cmd.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'@') => {
                DeviceEvent::Reply(CommandReply::Info {
                    command: cmd.to_string(),
                    status: status.to_string(),
                    fields: rest.to_vec(),
                })
            }
            _ => unrecognised(raw),
        };
        // A multi-line reply (status B) keeps its command pending.
        if status == "B" {
            self.pending = pending;
        }
        out.push(event);
    }
}

fn rejected(reason: &str) -> DeviceEvent {
    DeviceEvent::Error(ProtocolError::CommandRejected {
        reason: reason.to_string(),
    })
}

impl Decoder for MtSicsDecoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        let mut lines = std::mem::replace(&mut self.lines, LineBuffer::new(0));
        lines.feed(chunk, out, |line, out| self.on_line(line, out));
        self.lines = lines;
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        self.lines.idle(out);
    }

    fn reset(&mut self) {
        self.lines.reset();
        self.pending = None;
    }

    fn command_sent(&mut self, command: &[u8]) {
        let text = String::from_utf8_lossy(command);
        self.pending = text.split_whitespace().next().map(str::to_string);
    }

    fn protocol(&self) -> ProtocolId {
        ProtocolId::MtSics
    }
}

/// The commands the driver sends to an MT-SICS balance.
#[derive(Debug, Clone, Copy)]
pub struct Commands;

impl ProtocolCommands for Commands {
    fn poll(&self, command: &str) -> Result<Vec<u8>, CommandError> {
        match command {
            "S" => MtSicsCommand::Stable,
            "SI" => MtSicsCommand::Immediate,
            _ => return Err(CommandError::NotAPoll(command.to_string())),
        }
        .to_bytes()
        .map_err(CommandError::invalid)
    }

    fn zero(&self) -> Result<Vec<u8>, CommandError> {
        MtSicsCommand::Zero
            .to_bytes()
            .map_err(CommandError::invalid)
    }

    fn tare(&self) -> Result<Vec<u8>, CommandError> {
        MtSicsCommand::Tare
            .to_bytes()
            .map_err(CommandError::invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_quoted_strings() {
        assert_eq!(
            tokens(r#"I10 A "My Balance""#),
            vec!["I10", "A", "My Balance"]
        );
    }

    #[test]
    fn encodes_commands_with_crlf() {
        assert_eq!(MtSicsCommand::Stable.to_bytes().unwrap(), b"S\r\n");
        assert_eq!(
            MtSicsCommand::ImmediateRepeat.to_bytes().unwrap(),
            b"SIR\r\n"
        );
        assert_eq!(MtSicsCommand::Reset.to_bytes().unwrap(), b"@\r\n");
        assert_eq!(
            MtSicsCommand::TarePreset {
                value: "2.486".into(),
                unit: "g".into()
            }
            .to_bytes()
            .unwrap(),
            b"TA 2.486 g\r\n"
        );
        assert!(MtSicsCommand::TarePreset {
            value: "2.4\r\nZ".into(),
            unit: "g".into()
        }
        .to_bytes()
        .is_err());
    }
}
