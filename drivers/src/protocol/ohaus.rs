//! Ohaus print / continuous output (Explorer, Navigator, Scout, Adventurer, Ranger, Defender).
//!
//! `[weight, right-justified][space][unit][space][? if unstable][space][legend]CR LF`. The
//! manuals' examples do not agree on the column widths, so the line is split on whitespace: the
//! first token is the number, the second the unit, a `?` token marks an unstable reading, and
//! the rest (`TOTAL`, an interval-print time, `N`/`G`/`NET`) is the legend. `ES` is the reply to
//! an invalid command. Other printable lines (replies to `PV`, `PSN`, `PU`) are passed on as
//! [`CommandReply::Text`].

use crate::event::{
    normalise_decimal, CommandReply, DeviceEvent, ProtocolError, ReadingMode, WeighMode,
    WeightRange, WeightReading, WeightUnit,
};
use crate::protocol::commands::{CommandError, ProtocolCommands};
use crate::protocol::framing::{crlf_command, line_decoder, printable};
use crate::protocol::ProtocolId;

/// Longest line accepted.
pub const LINE_BYTES_MAX: usize = 128;

/// Commands Ohaus balances accept (each sent with CR LF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OhausCommand {
    /// `IP`: print now, stable or not
    ImmediatePrint,
    /// `P`: print the displayed weight
    Print,
    /// `CP`: continuous print
    ContinuousPrint,
    /// `SP`: print when stable
    StablePrint,
    /// `0P`: stop automatic printing
    StopPrint,
    /// `Z`: zero
    Zero,
    /// `T`: tare
    Tare,
    /// `PSN`: print the serial number
    SerialNumber,
    /// `PV`: print the version (includes `LFT ON` when legal for trade)
    Version,
}

impl OhausCommand {
    /// The bytes to send.
    pub fn to_bytes(self) -> Vec<u8> {
        let text: &[u8] = match self {
            OhausCommand::ImmediatePrint => b"IP",
            OhausCommand::Print => b"P",
            OhausCommand::ContinuousPrint => b"CP",
            OhausCommand::StablePrint => b"SP",
            OhausCommand::StopPrint => b"0P",
            OhausCommand::Zero => b"Z",
            OhausCommand::Tare => b"T",
            OhausCommand::SerialNumber => b"PSN",
            OhausCommand::Version => b"PV",
        };
        crlf_command(text)
    }
}

line_decoder!(
    /// Decoder for Ohaus output lines.
    OhausDecoder,
    parse: parse_line,
    max: LINE_BYTES_MAX,
    protocol: ProtocolId::Ohaus
);

/// Parses one line (without its terminator).
pub fn parse_line(raw: &[u8]) -> DeviceEvent {
    if !raw.iter().all(|&b| b == b'\t' || (0x20..0x7F).contains(&b)) {
        return DeviceEvent::Error(ProtocolError::UnrecognisedLine {
            line: printable(raw),
        });
    }
    let line = String::from_utf8_lossy(raw);
    let trimmed = line.trim();
    if trimmed == "ES" {
        return DeviceEvent::Error(ProtocolError::CommandRejected {
            reason: "invalid command (ES)".into(),
        });
    }
    let mut tokens = trimmed.split_whitespace().peekable();
    let number = match tokens.peek().copied() {
        // a sign printed apart from the digits: "- 12.34 g"
        Some(sign @ ("-" | "+")) => {
            tokens.next();
            tokens.next().map(|digits| format!("{sign}{digits}"))
        }
        Some(_) => tokens.next().map(str::to_string),
        None => None,
    };
    let value = number.as_deref().and_then(normalise_decimal);
    let (Some(value), Some(unit)) = (value, tokens.next()) else {
        return DeviceEvent::Reply(CommandReply::Text(trimmed.to_string()));
    };
    let mut stable = true;
    let mut mode = None;
    let mut legend = Vec::new();
    for tok in tokens {
        match tok {
            "?" => stable = false,
            "N" | "NET" => mode = Some(ReadingMode::Weighed(WeighMode::Net)),
            "G" | "GROSS" => mode = Some(ReadingMode::Weighed(WeighMode::Gross)),
            other => legend.push(other),
        }
    }
    DeviceEvent::Weight(WeightReading {
        value,
        unit: WeightUnit::parse(unit),
        stable,
        range: WeightRange::InRange,
        mode,
        legend: (!legend.is_empty()).then(|| legend.join(" ")),
    })
}

/// The commands the driver sends to an Ohaus balance.
#[derive(Debug, Clone, Copy)]
pub struct Commands;

impl ProtocolCommands for Commands {
    fn poll(&self, command: &str) -> Result<Vec<u8>, CommandError> {
        Ok(match command {
            "IP" => OhausCommand::ImmediatePrint,
            "P" => OhausCommand::Print,
            "SP" => OhausCommand::StablePrint,
            _ => return Err(CommandError::NotAPoll(command.to_string())),
        }
        .to_bytes())
    }

    fn zero(&self) -> Result<Vec<u8>, CommandError> {
        Ok(OhausCommand::Zero.to_bytes())
    }

    fn tare(&self) -> Result<Vec<u8>, CommandError> {
        Ok(OhausCommand::Tare.to_bytes())
    }
}
