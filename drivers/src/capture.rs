//! The capture file format shared by `tally devices capture` and `tally devices replay`.
//!
//! Plain text, one chunk of raw bytes per line, exactly as one read returned it (for HID, one
//! input report per line), written as hex. Everything from `#` to the end of a line is a
//! comment; a capture puts the time since the start there:
//!
//! ```text
//! # tally capture: profile=mettler-toledo-mt-sics device=/dev/ttyUSB0 started_unix_ms=1764000000000
//! # sent 53490d0a +0ms
//! 5320532020202020203130302e3031206720 # +12ms
//! 0d0a # +13ms
//! ```
//!
//! Two comment forms are directives that `replay` obeys: `# sent <hex>` (the bytes tally
//! sent; the decoder is told, so it can check that a reply answers it) and
//! `# hid-descriptor <hex>` (the HID report descriptor read when the device was opened; the
//! HID POS decoder locates its fields with it). When the `+Nms` timestamps of two chunks are
//! [`IDLE_GAP_MS`] or more apart, and at the end of the input, the decoder is told the line was
//! idle, as the live driver does after a silent read: a partial frame left over is reported. Hex may have spaces between bytes; letter case
//! does not matter. A hand-written file of hex lines (no comments at all) replays just as well.

use std::io::{self, BufRead, Read, Write};
use std::time::Instant;

use crate::driver::{decoder_for_profile, Direction, DriverError};
use crate::profile::Profile;
use crate::report;

/// Longest line accepted, in characters.
pub const LINE_CHARS_MAX: usize = 1 << 20;

/// One line of a capture file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureLine {
    /// Bytes read from the device.
    Chunk(Vec<u8>),
    /// Bytes sent to the device.
    Sent(Vec<u8>),
    /// The HID report descriptor.
    Descriptor(Vec<u8>),
    /// A comment or a blank line.
    Nothing,
}

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct LineError {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong, in words.
    pub problem: String,
}

fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() % 2 != 0 {
        return Err(format!(
            "`{}` has an odd number of hex digits",
            shorten(&compact)
        ));
    }
    hex::decode(&compact).map_err(|_| format!("`{}` is not hex", shorten(&compact)))
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Parses one line.
pub fn parse_line(number: usize, line: &str) -> Result<CaptureLine, LineError> {
    let err = |problem: String| LineError {
        line: number,
        problem,
    };
    if line.len() > LINE_CHARS_MAX {
        return Err(err(format!("longer than {LINE_CHARS_MAX} characters")));
    }
    let (data, comment) = match line.split_once('#') {
        Some((d, c)) => (d, Some(c.trim())),
        None => (line, None),
    };
    let data = data.trim();
    if data.is_empty() {
        if let Some(comment) = comment {
            let directive = |prefix: &str| {
                comment.strip_prefix(prefix).map(|rest| {
                    // Drop a trailing "+12ms" timestamp.
                    let hex_part = rest
                        .split_whitespace()
                        .filter(|w| !w.starts_with('+'))
                        .collect::<String>();
                    parse_hex(&hex_part).map_err(err)
                })
            };
            if let Some(bytes) = directive("sent ") {
                return bytes.map(CaptureLine::Sent);
            }
            if let Some(bytes) = directive("hid-descriptor ") {
                return bytes.map(CaptureLine::Descriptor);
            }
        }
        return Ok(CaptureLine::Nothing);
    }
    parse_hex(data).map(CaptureLine::Chunk).map_err(err)
}

/// Writes a capture file.
#[derive(Debug)]
pub struct CaptureWriter<W: Write> {
    out: W,
    started: Instant,
    chunks: u64,
}

impl<W: Write> CaptureWriter<W> {
    /// Starts a capture with its header.
    pub fn new(mut out: W, profile: &str, device: &str, started_unix_ms: u64) -> io::Result<Self> {
        writeln!(
            out,
            "# tally capture: profile={profile} device={device} started_unix_ms={started_unix_ms}"
        )?;
        writeln!(
            out,
            "# one read per line as hex; `# +Nms` = time since the start; replay with `tally devices replay --profile {profile} FILE`"
        )?;
        Ok(Self {
            out,
            started: Instant::now(),
            chunks: 0,
        })
    }

    /// Records the HID report descriptor.
    pub fn descriptor(&mut self, descriptor: &[u8]) -> io::Result<()> {
        writeln!(self.out, "# hid-descriptor {}", hex::encode(descriptor))
    }

    /// Records one chunk.
    pub fn chunk(&mut self, direction: Direction, bytes: &[u8]) -> io::Result<()> {
        let ms = self.started.elapsed().as_millis();
        match direction {
            Direction::Received => {
                self.chunks += 1;
                writeln!(self.out, "{} # +{ms}ms", hex::encode(bytes))
            }
            Direction::Sent => writeln!(self.out, "# sent {} +{ms}ms", hex::encode(bytes)),
        }
    }

    /// Chunks received so far.
    pub fn chunks(&self) -> u64 {
        self.chunks
    }

    /// Flushes and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A gap between two captured chunks at least this long counts as a silent line.
pub const IDLE_GAP_MS: u64 = 50;

/// The `+Nms` timestamp a capture writes after a chunk.
pub fn chunk_time_ms(line: &str) -> Option<u64> {
    let (_, comment) = line.split_once('#')?;
    comment
        .split_whitespace()
        .find_map(|w| w.strip_prefix('+')?.strip_suffix("ms")?.parse().ok())
}

/// What a replay did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayOutcome {
    /// JSON lines written.
    pub events: u64,
    /// Lines that could not be read (each also written as an error line).
    pub bad_lines: u64,
}

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The profile cannot be decoded.
    #[error(transparent)]
    Driver(#[from] DriverError),
    /// Reading the input or writing the output failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

fn error_line(message: &str) -> String {
    format!(
        "{{\"type\":\"error\",\"message\":{}}}",
        serde_json::to_string(message).unwrap_or_else(|_| "\"unreadable line\"".into())
    )
}

/// Decodes a capture with `profile`'s decoder and writes one JSON line per event.
pub fn replay(
    profile: &Profile,
    input: impl BufRead,
    mut output: impl Write,
    replies: bool,
) -> Result<ReplayOutcome, ReplayError> {
    let mut decoder = decoder_for_profile(profile, None)?;
    let mut outcome = ReplayOutcome::default();
    let mut events = Vec::new();
    let mut input = input;
    let mut raw = Vec::new();
    let mut number = 0usize;
    let mut last_ms: Option<u64> = None;
    loop {
        raw.clear();
        // Read at most one byte past the limit, so an endless line cannot exhaust memory.
        let limit = u64::try_from(LINE_CHARS_MAX + 1).unwrap_or(u64::MAX);
        let n = (&mut input).take(limit).read_until(b'\n', &mut raw)?;
        if n == 0 {
            break;
        }
        number += 1;
        if raw.len() > LINE_CHARS_MAX && raw.last() != Some(&b'\n') {
            // Skip the rest of the overlong line.
            loop {
                let mut rest = Vec::new();
                let m = (&mut input).take(64 * 1024).read_until(b'\n', &mut rest)?;
                if m == 0 || rest.last() == Some(&b'\n') {
                    break;
                }
            }
            outcome.bad_lines += 1;
            let message = format!("line {number}: longer than {LINE_CHARS_MAX} characters");
            writeln!(output, "{}", error_line(&message))?;
            continue;
        }
        let Ok(line) = std::str::from_utf8(&raw) else {
            outcome.bad_lines += 1;
            writeln!(
                output,
                "{}",
                error_line(&format!("line {number}: not text"))
            )?;
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        match parse_line(number, line) {
            Ok(CaptureLine::Chunk(bytes)) => {
                // A gap in the capture's timestamps is a silent line for the decoder too.
                if let Some(ms) = chunk_time_ms(line) {
                    if last_ms.is_some_and(|last| ms.saturating_sub(last) >= IDLE_GAP_MS) {
                        decoder.idle(&mut events);
                    }
                    last_ms = Some(ms);
                }
                decoder.feed(&bytes, &mut events);
                for event in events.drain(..) {
                    if let Some(json) = report::event_json(&event, replies) {
                        writeln!(output, "{json}")?;
                        outcome.events += 1;
                    }
                }
            }
            Ok(CaptureLine::Sent(bytes)) => decoder.command_sent(&bytes),
            Ok(CaptureLine::Descriptor(bytes)) => {
                decoder = decoder_for_profile(profile, Some(bytes))?;
            }
            Ok(CaptureLine::Nothing) => {}
            Err(e) => {
                outcome.bad_lines += 1;
                writeln!(output, "{}", error_line(&e.to_string()))?;
            }
        }
    }
    // The capture ended: whatever is still buffered will never complete.
    decoder.idle(&mut events);
    for event in events.drain(..) {
        if let Some(json) = report::event_json(&event, replies) {
            writeln!(output, "{json}")?;
            outcome.events += 1;
        }
    }
    output.flush()?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_with_comments_spaces_and_directives() {
        assert_eq!(
            parse_line(1, "13 00 01 # +5ms").unwrap(),
            CaptureLine::Chunk(vec![0x13, 0x00, 0x01])
        );
        assert_eq!(
            parse_line(2, "# just a note").unwrap(),
            CaptureLine::Nothing
        );
        assert_eq!(parse_line(3, "   ").unwrap(), CaptureLine::Nothing);
        assert_eq!(
            parse_line(4, "# sent 04ff011bb4 +0ms").unwrap(),
            CaptureLine::Sent(vec![0x04, 0xFF, 0x01, 0x1B, 0xB4])
        );
        assert_eq!(
            parse_line(5, "# hid-descriptor 050c").unwrap(),
            CaptureLine::Descriptor(vec![0x05, 0x0C])
        );
        let err = parse_line(6, "13g0").unwrap_err().to_string();
        assert!(err.contains("line 6"), "{err}");
        assert!(parse_line(7, "130").is_err());
    }

    #[test]
    fn a_capture_replays_to_the_same_events() {
        let profile = crate::profile::ProfileSet::embedded()
            .unwrap()
            .get("mettler-toledo-mt-sics")
            .unwrap()
            .clone();
        let mut writer = CaptureWriter::new(Vec::new(), &profile.id, "/dev/x", 0).unwrap();
        writer.chunk(Direction::Sent, b"SI\r\n").unwrap();
        writer.chunk(Direction::Received, b"S S     100.").unwrap();
        writer.chunk(Direction::Received, b"00 g\r\n").unwrap();
        let file = writer.finish().unwrap();
        let mut out = Vec::new();
        let outcome = replay(&profile, file.as_slice(), &mut out, false).unwrap();
        assert_eq!(outcome.events, 1);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"weight\",\"value\":\"100.00\",\"unit\":\"g\",\"stable\":true}\n"
        );
    }

    #[test]
    fn a_stray_length_byte_and_a_timestamp_gap_still_yield_the_frame() {
        assert_eq!(chunk_time_ms("0d0a # +120ms"), Some(120));
        assert_eq!(chunk_time_ms("0d0a"), None);
        let profile = crate::profile::ProfileSet::embedded()
            .unwrap()
            .get("chafon-uhfreader18")
            .unwrap()
            .clone();
        // A stray 0x30 looks like the length of a 49-byte frame: without the gap the decoder
        // would wait for more bytes; after 200 ms of silence it gives up and finds the frame.
        let input = "30 # +0ms\n13000103010c0000000000000000000003133f39 # +200ms\n";
        let mut out = Vec::new();
        replay(&profile, input.as_bytes(), &mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\"epc\":\"000000000000000000000313\""),
            "{text}"
        );
    }

    #[test]
    fn overlong_and_binary_lines_are_errors_not_allocations() {
        let profile = crate::profile::ProfileSet::embedded()
            .unwrap()
            .get("nci-weigh-tronix")
            .unwrap()
            .clone();
        let mut input = vec![b'0'; LINE_CHARS_MAX + 10];
        input.extend_from_slice(b"\n\xff\xfe\n0a3032\r\n0d03\n");
        let mut out = Vec::new();
        let outcome = replay(&profile, input.as_slice(), &mut out, false).unwrap();
        assert_eq!(outcome.bad_lines, 2);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("line 1: longer than"), "{text}");
        assert!(text.contains("line 2: not text"), "{text}");
        assert_eq!(outcome.events, 1, "the good lines still decode: {text}");
    }
}
