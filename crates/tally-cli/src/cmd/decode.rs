//! `tally decode`: decode scans given as arguments or on standard input, and print what each
//! one is (a summary for a technician, or one JSON object per scan with `--json`).
//!
//! In the input text, `\x1d` and `<GS>` stand for the invisible GS separator byte. Exit
//! status: 0 when every scan is valid, 1 when any had errors (all are still printed), 2 on a
//! usage error.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use tally_ids::gs1::{to_digital_link, Separators};
use tally_ids::{decode, Date, DecodeOptions, Decoded, Kind, Source, MAX_SCAN_LEN};

/// Longest line read from standard input (escapes take more room than the bytes they stand for).
const MAX_LINE_BYTES: usize = MAX_SCAN_LEN * 4;

/// Where the scans come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    /// A barcode scanner's data, optionally starting with a symbology identifier like ]C1.
    Barcode,
    /// The EPC memory of an RFID tag, in hexadecimal, as the reader shows it.
    Rfid,
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
  tally decode --json < scanner-log.txt

Exit status: 0 every scan is valid, 1 some scan has errors (all are printed), 2 usage error.")]
pub struct DecodeArgs {
    /// Where the scans come from.
    #[arg(long, value_enum, default_value_t = SourceArg::Barcode)]
    pub source: SourceArg,

    /// Characters the scanner sends in place of the invisible GS separator (FNC1), e.g. '|'.
    /// GS itself is always a separator.
    #[arg(long, value_name = "CHARS")]
    pub separator: Option<String>,

    /// Print one JSON object per scan, for scripts, instead of a summary.
    #[arg(long)]
    pub json: bool,

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
    if let Some(chars) = &args.separator {
        let chars = String::from_utf8_lossy(&unescape(chars.as_bytes())).into_owned();
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
    let mut out = io::BufWriter::new(stdout.lock());
    let mut any_errors = false;
    let mut handle = |raw: &[u8], out: &mut dyn Write| -> anyhow::Result<()> {
        let decoded = decode_one(raw, &options);
        any_errors |= !decoded.is_valid();
        if args.json {
            serde_json::to_writer(&mut *out, &decoded)?;
            writeln!(out)?;
        } else {
            write_summary(out, &decoded)?;
        }
        Ok(())
    };
    if args.scans.is_empty() {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            eprintln!("Scan or type one code per line; press Ctrl-D when done.");
        }
        let mut input = stdin.lock();
        while let Some(line) = read_line(&mut input)? {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            handle(&line, &mut out)?;
        }
    } else {
        for scan in &args.scans {
            handle(scan.as_bytes(), &mut out)?;
        }
    }
    out.flush()?;
    Ok(if any_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Decodes one scan as typed: escapes turned into bytes, `input` kept as typed.
fn decode_one(raw: &[u8], options: &DecodeOptions) -> Decoded {
    let mut decoded = decode(&unescape(raw), options);
    decoded.input = String::from_utf8_lossy(raw).into_owned();
    decoded
}

/// Today's date (UTC) from the system clock, for the GS1 century window.
fn today() -> Date {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days(i64::try_from(seconds / 86_400).unwrap_or(0))
}

/// Turns `\x1d` and `<GS>` (either case) into the GS byte.
fn unescape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
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
    out
}

/// One line of input without its line ending, at most [`MAX_LINE_BYTES`] (the rest of a
/// longer line is dropped, and the decoder reports the scan as too long).
fn read_line(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let mut saw_any = false;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(saw_any.then_some(line));
        }
        saw_any = true;
        let (chunk, found_end) = match buffer.iter().position(|&b| b == b'\n') {
            Some(p) => (&buffer[..p], true),
            None => (buffer, false),
        };
        let room = (MAX_LINE_BYTES + 1).saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len() + usize::from(found_end);
        input.consume(used);
        if found_end {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(line));
        }
    }
}

/// The summary a technician reads.
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
    if matches!(d.kind, Kind::Gs1 | Kind::Gs1DigitalLink | Kind::Gtin) && d.is_valid() {
        if let Ok(uri) = to_digital_link(&d.elements) {
            writeln!(out, "  Digital Link: {uri}")?;
        }
    }
    if let Some(choice) = &d.choice {
        writeln!(out, "  note: {choice}")?;
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
    fn escapes_become_gs() {
        assert_eq!(unescape(b"10A<GS>21B\\x1d17<gs>"), b"10A\x1d21B\x1d17\x1d");
        assert_eq!(unescape(b"<G"), b"<G");
    }

    #[test]
    fn lines_are_bounded() {
        let mut input = io::Cursor::new(b"abc\r\ndef\n\nlast".to_vec());
        assert_eq!(read_line(&mut input).unwrap(), Some(b"abc".to_vec()));
        assert_eq!(read_line(&mut input).unwrap(), Some(b"def".to_vec()));
        assert_eq!(read_line(&mut input).unwrap(), Some(Vec::new()));
        assert_eq!(read_line(&mut input).unwrap(), Some(b"last".to_vec()));
        assert_eq!(read_line(&mut input).unwrap(), None);
        let long = vec![b'1'; MAX_LINE_BYTES * 2];
        let mut input = io::Cursor::new(long);
        assert_eq!(
            read_line(&mut input).unwrap().unwrap().len(),
            MAX_LINE_BYTES + 1
        );
    }
}
