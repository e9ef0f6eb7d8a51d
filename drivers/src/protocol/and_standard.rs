//! A&D standard format (EJ, EK, GC, GF, FX-i, FZ-i, FG balances; AD-4329 indicators).
//!
//! `HH,±DDDDDDDD UUU CR LF`: header `ST` stable, `US` unstable, `QT` stable count, `OL` out of
//! range; an optional second header (comparator `OK`/`HI`/`LO`/`--`, or `GS`/`NT`/`TR`/`PT` on
//! indicators); the data is sign + zero-padded digits + decimal point; the unit is right-aligned
//! (`  g`, ` kg`, ` PC`, `  %`). CSV output (type 5) puts a comma before the unit
//! (`ST,+0001.278, ct`). Fields are split on commas and whitespace, never by column. `OL` lines
//! are reported as [`ProtocolError::Overload`] (`+`) or [`ProtocolError::Underload`] (`-`): their
//! number is a sentinel, not a weight.

use crate::event::{
    normalise_decimal, DeviceEvent, ProtocolError, ReadingMode, WeighMode, WeightReading,
    WeightUnit,
};
use crate::protocol::commands::{CommandError, ProtocolCommands};
use crate::protocol::framing::{crlf_command, line_decoder, printable};
use crate::protocol::ProtocolId;

/// Longest line accepted (the format is 15 characters + CR LF; comparators and CSV add a few).
pub const LINE_BYTES_MAX: usize = 64;

/// Commands A&D balances accept (each sent with CR LF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AndCommand {
    /// `Q`: output the weight now
    Query,
    /// `S`: output the next stable weight
    Stable,
    /// `SI`: output the weight now
    Immediate,
    /// `SIR`: output continuously
    ImmediateRepeat,
    /// `C`: cancel S / SIR
    Cancel,
    /// `R`: re-zero
    ReZero,
    /// `T`: tare
    Tare,
}

impl AndCommand {
    /// The bytes to send.
    pub fn to_bytes(self) -> Vec<u8> {
        let text: &[u8] = match self {
            AndCommand::Query => b"Q",
            AndCommand::Stable => b"S",
            AndCommand::Immediate => b"SI",
            AndCommand::ImmediateRepeat => b"SIR",
            AndCommand::Cancel => b"C",
            AndCommand::ReZero => b"R",
            AndCommand::Tare => b"T",
        };
        crlf_command(text)
    }
}

line_decoder!(
    /// Decoder for A&D standard-format lines.
    AndDecoder,
    parse: parse_line,
    max: LINE_BYTES_MAX,
    protocol: ProtocolId::AndStandard
);

/// Parses one line (without its terminator).
pub fn parse_line(raw: &[u8]) -> DeviceEvent {
    let bad = || {
        DeviceEvent::Error(ProtocolError::UnrecognisedLine {
            line: printable(raw),
        })
    };
    let Ok(line) = std::str::from_utf8(raw) else {
        return bad();
    };
    let mut fields = line.split(',');
    let header = fields.next().unwrap_or("").trim();
    let mut second = None;
    let mut rest: Vec<&str> = fields.collect();
    if let Some(first) = rest.first() {
        let f = first.trim();
        if f == "--" || (f.len() == 2 && f.bytes().all(|b| b.is_ascii_uppercase())) {
            second = Some(f.to_string());
            rest.remove(0);
        }
    }
    // What remains is "±digits unit" or (CSV) "±digits" and " unit".
    let joined = rest.join(" ");
    let body = joined.trim();
    let (number, unit_text) = match body.find(|c: char| c.is_whitespace()) {
        Some(i) => (&body[..i], body[i..].trim()),
        None => {
            // no space: digits run straight into the unit
            let end = body
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
                .unwrap_or(body.len());
            (&body[..end], body[end..].trim())
        }
    };
    if number.is_empty() {
        return bad();
    }
    let unit = (!unit_text.is_empty()).then(|| WeightUnit::parse(unit_text));
    let (mode, legend) = match second.as_deref() {
        Some("GS") => (Some(ReadingMode::Weighed(WeighMode::Gross)), None),
        Some("NT") => (Some(ReadingMode::Weighed(WeighMode::Net)), None),
        Some("TR") => (Some(ReadingMode::Tare), None),
        Some("PT") => (Some(ReadingMode::PresetTare), None),
        Some(other) => (None, Some(other.to_string())),
        None => (None, None),
    };
    let stable = match header {
        "ST" | "QT" => true,
        "US" => false,
        "OL" => {
            return DeviceEvent::Error(if number.starts_with('-') {
                ProtocolError::Underload { unit }
            } else {
                ProtocolError::Overload { unit }
            })
        }
        _ => return bad(),
    };
    let (Some(value), Some(unit)) = (normalise_decimal(number), unit) else {
        return bad();
    };
    DeviceEvent::Weight(WeightReading {
        value,
        unit,
        stable,
        range: crate::event::WeightRange::InRange,
        mode,
        legend,
    })
}

/// The commands the driver sends to an A&D balance.
#[derive(Debug, Clone, Copy)]
pub struct Commands;

impl ProtocolCommands for Commands {
    fn poll(&self, command: &str) -> Result<Vec<u8>, CommandError> {
        Ok(match command {
            "Q" => AndCommand::Query,
            "S" => AndCommand::Stable,
            "SI" => AndCommand::Immediate,
            _ => return Err(CommandError::NotAPoll(command.to_string())),
        }
        .to_bytes())
    }

    fn zero(&self) -> Result<Vec<u8>, CommandError> {
        Ok(AndCommand::ReZero.to_bytes())
    }

    fn tare(&self) -> Result<Vec<u8>, CommandError> {
        Ok(AndCommand::Tare.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(line: &str) -> Option<ReadingMode> {
        match parse_line(line.as_bytes()) {
            DeviceEvent::Weight(reading) => reading.mode,
            other => panic!("{line:?} is not a reading: {other:?}"),
        }
    }

    #[test]
    fn the_second_header_says_gross_net_or_tare() {
        assert_eq!(
            mode("ST,GS,+0012.34  g"),
            Some(ReadingMode::Weighed(WeighMode::Gross))
        );
        assert_eq!(
            mode("ST,NT,+0012.34  g"),
            Some(ReadingMode::Weighed(WeighMode::Net))
        );
        assert_eq!(mode("ST,TR,+0001.50  g"), Some(ReadingMode::Tare));
        assert_eq!(mode("ST,PT,+0001.50  g"), Some(ReadingMode::PresetTare));
        assert_eq!(mode("ST,+0012.34  g"), None);
    }
}
