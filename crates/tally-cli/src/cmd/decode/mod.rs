//! `tally decode`: decode scans given as arguments or on standard input, and print what each
//! one is (a summary for a technician, or one JSON object per scan with `--json`).
//!
//! In the input text, `\x1d` and `<GS>` stand for the invisible GS separator byte. Exit
//! status: 0 when every scan is valid, 1 when any had errors (all are still printed), 2 on a
//! usage error.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use tally_ids::gs1::Separators;
use tally_ids::uid::{StateSystems, UidSystem};
use tally_ids::{decode_into, Date, DecodeOptions, Decoded, ScanWarning, Source, MAX_SCAN_LEN};

mod pipeline;

/// Longest line read from standard input (escapes take more room than the bytes they stand for).
const MAX_LINE_BYTES: usize = MAX_SCAN_LEN * 4;
/// Bytes read from standard input at a time.
const INPUT_BUFFER: usize = 1 << 16;
/// Bytes written to standard output at a time.
const OUTPUT_BUFFER: usize = 1 << 16;

/// Where the scans come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    /// A barcode scanner's data, optionally starting with a symbology identifier like ]C1.
    Barcode,
    /// The EPC of an RFID tag in hexadecimal, as the reader shows it (a PC word the reader
    /// puts in front is recognised and removed).
    Rfid,
}

/// A state tracking system whose tags the facility uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StateArg {
    /// Metrc package and plant tags (24 characters, like 1A4FF0100000022000000123).
    Metrc,
    /// BioTrack ids (16 digits).
    Biotrack,
}

impl StateArg {
    fn system(self) -> UidSystem {
        match self {
            StateArg::Metrc => UidSystem::Metrc,
            StateArg::Biotrack => UidSystem::BioTrack,
        }
    }
}

/// Arguments of `tally decode`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tally decode ']C1010703206980498815210526100329'
  tally decode '0107032069804988100329<GS>15210526'
  tally decode --separator '|' '0107032069804988100329|15210526'
  tally decode --source rfid 3074257BF7194E4000001A85
  tally decode 1A4FF0100000022000000123
  tally decode --state metrc 0107032069804987
  tally decode --json < scanner-log.txt

Each scan is printed with what it is and every problem found. A WARNING means the scan
could be read more than one way (turn on AIM symbology identifiers in the scanner).

Exit status: 0 when every scan is valid (warnings included), 1 when any scan has a problem
(all are still printed), 2 when the command itself is used wrongly.")]
pub struct DecodeArgs {
    /// Where the scans come from.
    #[arg(long, value_enum, default_value_t = SourceArg::Barcode)]
    pub source: SourceArg,

    /// Characters the scanner sends in place of the invisible GS separator (FNC1), e.g. '|'.
    /// GS itself is always a separator.
    #[arg(long, value_name = "CHARS")]
    pub separator: Option<String>,

    /// The state tracking system your facility uses (repeat for several). Only its tags are
    /// recognised: with --state metrc a 16-digit number is never taken for a BioTrack id.
    /// Default: every system.
    #[arg(long = "state", value_enum, value_name = "SYSTEM")]
    pub states: Vec<StateArg>,

    /// Print one JSON object per scan, for scripts, instead of a summary.
    #[arg(long)]
    pub json: bool,

    /// Threads decoding a file or a pipe (default: one per core). With 1, one thread reads,
    /// decodes and writes, as on a single-core device.
    #[arg(long, value_name = "N")]
    pub threads: Option<NonZeroUsize>,

    /// Scans to decode; write the GS separator as \x1d or <GS>. With none, each line of
    /// standard input is one scan.
    #[arg(value_name = "SCAN")]
    pub scans: Vec<String>,
}

/// Runs `tally decode`.
pub fn run(args: DecodeArgs) -> anyhow::Result<ExitCode> {
    let mut options = DecodeOptions::new(today());
    options.source = match args.source {
        SourceArg::Barcode => Source::Barcode,
        SourceArg::Rfid => Source::Rfid,
    };
    if !args.states.is_empty() {
        let systems: Vec<UidSystem> = args.states.iter().map(|s| s.system()).collect();
        options.state_systems = StateSystems::only(&systems);
    }
    if let Some(chars) = &args.separator {
        let chars = String::from_utf8_lossy(&unescape(chars.as_bytes())).into_owned();
        // A letter or digit is GS1 data: as a separator it would cut every value holding it
        // (`--separator 29`, meant as "ASCII 29", would split all numbers at 2 and 9).
        if let Some(c) = chars.chars().find(char::is_ascii_alphanumeric) {
            eprintln!(
                "tally decode: --separator '{c}' is a letter or digit, which GS1 data is made \
                 of; give the character the scanner sends instead of GS, like '|' or '~' \
                 (GS itself is always a separator)"
            );
            return Ok(ExitCode::from(2));
        }
        match Separators::with_extra(&chars) {
            Some(separators) => options.separators = separators,
            None => {
                eprintln!(
                    "tally decode: --separator takes plain ASCII characters, like '|' or '~'"
                );
                return Ok(ExitCode::from(2));
            }
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(OUTPUT_BUFFER, stdout.lock());
    let json = args.json;
    let render = |raw: &[u8], scratch: &mut Scratch, text: &mut Vec<u8>| -> bool {
        let decoded = decode_one(raw, scratch, &options);
        if json {
            decoded.write_json(text);
            text.push(b'\n');
        } else {
            let mut summary = Vec::new();
            // Writing into a Vec cannot fail.
            let _ = write_summary(&mut summary, decoded);
            text.extend_from_slice(shown(&String::from_utf8_lossy(&summary)).as_bytes());
        }
        decoded.is_valid()
    };
    let any_errors = if args.scans.is_empty() {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            // Typed by hand: one scan at a time, each answered at once.
            eprintln!("Scan or type one code per line; press Ctrl-D when done.");
            let mut input = io::BufReader::with_capacity(INPUT_BUFFER, stdin.lock());
            let (mut line, mut scratch, mut text) = (Vec::new(), Scratch::default(), Vec::new());
            let mut any_errors = false;
            while read_line(&mut input, &mut line, 0)? {
                if line.iter().all(u8::is_ascii_whitespace) {
                    line.clear();
                    continue;
                }
                any_errors |= !render(&line, &mut scratch, &mut text);
                out.write_all(&text)?;
                out.flush()?;
                text.clear();
                line.clear();
            }
            any_errors
        } else {
            // A file or a pipe: every core decodes, the output keeps the input's order.
            let workers = args.threads.map_or_else(
                || std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
                NonZeroUsize::get,
            );
            if workers == 1 {
                decode_lines(stdin, &mut out, &render)?
            } else {
                pipeline::run(stdin, &mut out, workers, &render)?
            }
        }
    } else {
        let (mut scratch, mut text) = (Scratch::default(), Vec::new());
        let mut any_errors = false;
        for scan in &args.scans {
            any_errors |= !render(scan.as_bytes(), &mut scratch, &mut text);
        }
        out.write_all(&text)?;
        any_errors
    };
    out.flush()?;
    Ok(if any_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One thread reads the scans one per line (blank lines skipped), decodes them and writes
/// them in order; returns whether any scan had errors.
fn decode_lines(
    input: impl Read,
    out: &mut impl Write,
    render: &pipeline::Render<'_, Scratch>,
) -> io::Result<bool> {
    let mut input = io::BufReader::with_capacity(INPUT_BUFFER, input);
    let (mut line, mut scratch) = (Vec::new(), Scratch::default());
    let mut text = Vec::with_capacity(OUTPUT_BUFFER * 2);
    let mut any_errors = false;
    while read_line(&mut input, &mut line, 0)? {
        if !line.iter().all(u8::is_ascii_whitespace) {
            any_errors |= !render(&line, &mut scratch, &mut text);
            if text.len() >= OUTPUT_BUFFER {
                out.write_all(&text)?;
                text.clear();
            }
        }
    }
    out.write_all(&text)?;
    Ok(any_errors)
}

/// What one thread keeps from scan to scan: the last scan decoded (its buffers hold the
/// next) and the bytes of an escaped scan.
#[derive(Default)]
struct Scratch {
    decoded: Decoded,
    unescaped: Vec<u8>,
}

/// Decodes one scan as typed into `scratch`: escapes turned into bytes, `input` kept as typed.
fn decode_one<'a>(raw: &[u8], scratch: &'a mut Scratch, options: &DecodeOptions) -> &'a Decoded {
    let Scratch { decoded, unescaped } = scratch;
    if !has_escape(raw) {
        decode_into(raw, options, decoded);
        // `input` is `raw` as text already, but for a scan too long to read (cut short there).
        if raw.len() > MAX_SCAN_LEN {
            decoded.input.clear();
            decoded.input.push_str(&String::from_utf8_lossy(raw));
        }
        return decoded;
    }
    unescape_into(raw, unescaped);
    decode_into(unescaped, options, decoded);
    decoded.input.clear();
    decoded.input.push_str(&String::from_utf8_lossy(raw));
    decoded
}

/// Today's date (UTC) from the system clock, for the GS1 century window.
fn today() -> Date {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days(i64::try_from(seconds / 86_400).unwrap_or(0))
}

/// Whether `text` may hold an escape for GS (`\x1d` or `<GS>`).
fn has_escape(text: &[u8]) -> bool {
    find_either(text, b'\\', b'<').is_some()
}

/// Where the first byte equal to `a` or `b` is in `bytes`: eight bytes at a time ("Bit
/// Twiddling Hacks": a zero byte in a word), then byte by byte in the word that has one.
fn find_either(bytes: &[u8], a: u8, b: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let holds = |word: u64, byte: u8| {
        let v = word ^ (ONES * u64::from(byte));
        v.wrapping_sub(ONES) & !v & HIGHS != 0
    };
    let mut start = 0;
    while let Some(chunk) = bytes.get(start..start + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        if holds(word, a) || holds(word, b) {
            break;
        }
        start += 8;
    }
    bytes[start..]
        .iter()
        .position(|&x| x == a || x == b)
        .map(|p| start + p)
}

/// Turns `\x1d` and `<GS>` (either case) into the GS byte.
fn unescape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    unescape_into(text, &mut out);
    out
}

/// [`unescape`] into `out`, which is cleared first.
fn unescape_into(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.len() >= 4
            && (rest[..4].eq_ignore_ascii_case(b"\\x1d") || rest[..4].eq_ignore_ascii_case(b"<gs>"))
        {
            out.push(0x1d);
            i += 4;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
}

/// One line of input without its line ending, at most [`MAX_LINE_BYTES`] (the rest of a
/// longer line is dropped, and the decoder reports the scan as too long). A line ends at LF
/// or CR: many scanners end each scan with CR alone, and no GS1 data holds either (after
/// CR LF the caller gets an empty line, which it skips).
/// The line is appended to `line` after its first `start` bytes (what is past them is
/// dropped first), so a caller can gather many lines in one buffer. Returns false at the end
/// of the input.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>, start: usize) -> io::Result<bool> {
    line.truncate(start);
    let mut saw_any = false;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(saw_any);
        }
        saw_any = true;
        let (chunk, found_end) = match find_either(buffer, b'\n', b'\r') {
            Some(p) => (&buffer[..p], true),
            None => (buffer, false),
        };
        let room = (MAX_LINE_BYTES + 1).saturating_sub(line.len() - start);
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len() + usize::from(found_end);
        input.consume(used);
        if found_end {
            return Ok(true);
        }
    }
}

/// `text` safe to print on a terminal: control characters from a scan (GS, and an ESC that
/// could drive the terminal) are written out as `<GS>`, `\x1b`, `\u{9b}`; line ends stay.
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push(c),
            '\u{1d}' => out.push_str("<GS>"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The summary a technician reads (before [`shown`] makes it safe to print).
fn write_summary(out: &mut dyn Write, d: &Decoded) -> io::Result<()> {
    writeln!(out, "{}", d.input)?;
    let mut what = d.kind.describe().to_string();
    if let Some(symbology) = &d.symbology {
        what.push_str(&format!(
            ", {} barcode ({})",
            symbology.name(),
            symbology.id()
        ));
    }
    writeln!(out, "  {what}")?;
    if let Some(uid) = &d.uid {
        writeln!(out, "  tag: {uid}")?;
    }
    if let Some(epc) = &d.epc {
        writeln!(out, "  EPC: {}", epc.tag_uri)?;
        if epc.pure_uri != epc.tag_uri {
            writeln!(out, "  identity: {}", epc.pure_uri)?;
        }
    }
    if let Some(hri) = &d.hri {
        writeln!(out, "  {hri}")?;
    }
    let width = d
        .elements
        .iter()
        .map(|e| e.ai.len() + e.title.len() + 3)
        .max()
        .unwrap_or(0);
    for e in &d.elements {
        let label = format!("({}) {}", e.ai, e.title);
        let mut meaning = Vec::new();
        if let Some(date) = e.date {
            meaning.push(match e.end_date {
                Some(end) => format!("{date} to {end}"),
                None => date.to_string(),
            });
        }
        if let Some(time) = e.time {
            meaning.push(time.to_string());
        }
        if let Some(decimal) = e.decimal {
            meaning.push(decimal.to_string());
        }
        if let Some(currency) = &e.currency {
            meaning.push(format!("currency {currency}"));
        }
        if meaning.is_empty() {
            writeln!(out, "    {label:width$}  {}", e.value)?;
        } else {
            writeln!(
                out,
                "    {label:width$}  {}  = {}",
                e.value,
                meaning.join(" ")
            )?;
        }
    }
    if let Some(uri) = &d.digital_link {
        writeln!(out, "  Digital Link: {uri}")?;
    }
    if let Some(choice) = &d.choice {
        writeln!(out, "  note: {choice}")?;
    }
    for warning in &d.warnings {
        // A removed PC word or zero padding is routine for some readers and tags: a note.
        let label = match warning {
            ScanWarning::PcWordRemoved { .. } | ScanWarning::ZeroPadding { .. } => "note",
            _ => "WARNING",
        };
        writeln!(out, "  {label}: {warning}")?;
    }
    if d.errors.is_empty() {
        writeln!(out, "  OK")?;
    } else {
        for error in &d.errors {
            writeln!(out, "  ERROR: {error}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_byte_is_found_first_wherever_it_stands() {
        let text = b"0123456789abcdef<ghij\\klmnop";
        for start in 0..text.len() {
            let expected = text[start..].iter().position(|&b| b == b'<' || b == b'\\');
            assert_eq!(
                find_either(&text[start..], b'\\', b'<'),
                expected,
                "{start}"
            );
        }
        assert_eq!(find_either(b"", b'\n', b'\r'), None);
        assert_eq!(find_either(&[0x80; 20], b'\n', b'\r'), None);
        assert_eq!(
            find_either(b"]C1\xff\xfe0123456789\r\n", b'\n', b'\r'),
            Some(15)
        );
    }

    #[test]
    fn escapes_become_gs() {
        assert_eq!(unescape(b"10A<GS>21B\\x1d17<gs>"), b"10A\x1d21B\x1d17\x1d");
        assert_eq!(unescape(b"<G"), b"<G");
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        assert_eq!(shown("a\u{1d}b\n"), "a<GS>b\n");
        assert_eq!(shown("\u{1b}[2J\u{9b}\r"), "\\x1b[2J\\u{9b}\\x0d");
    }

    #[test]
    fn lines_are_bounded() {
        let mut input = io::Cursor::new(b"abc\r\ndef\n\nlast".to_vec());
        let mut line = b"left over".to_vec();
        let mut next = |input: &mut io::Cursor<Vec<u8>>| {
            read_line(input, &mut line, 0)
                .unwrap()
                .then(|| line.clone())
        };
        assert_eq!(next(&mut input), Some(b"abc".to_vec()));
        assert_eq!(next(&mut input), Some(Vec::new()));
        assert_eq!(next(&mut input), Some(b"def".to_vec()));
        assert_eq!(next(&mut input), Some(Vec::new()));
        assert_eq!(next(&mut input), Some(b"last".to_vec()));
        assert_eq!(next(&mut input), None);
        let long = vec![b'1'; MAX_LINE_BYTES * 2];
        let mut input = io::Cursor::new(long);
        assert_eq!(next(&mut input).unwrap().len(), MAX_LINE_BYTES + 1);
    }

    #[test]
    fn the_input_is_shown_as_typed() {
        let options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
        let mut scratch = Scratch {
            unescaped: b"stale".to_vec(),
            ..Scratch::default()
        };
        let typed = b"]C10107032069804988<GS>10AB";
        let decoded = decode_one(typed, &mut scratch, &options);
        assert_eq!(decoded.input, "]C10107032069804988<GS>10AB");
        assert_eq!(decoded.hri.as_deref(), Some("(01)07032069804988(10)AB"));
        // The buffers holding the last scan do not leak into the next one.
        let plain = decode_one(b"]C10107032069804988", &mut scratch, &options);
        assert_eq!(plain.input, "]C10107032069804988");
        assert_eq!(plain.hri.as_deref(), Some("(01)07032069804988"));
        assert_eq!(*plain, tally_ids::decode(b"]C10107032069804988", &options));
    }
}
