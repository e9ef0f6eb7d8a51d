//! The one entry point every scan goes through: [`decode`] turns the bytes a scanner or an
//! RFID reader delivered into a typed [`Decoded`] result.
//!
//! Reading rules:
//! * With a symbology identifier, the identifier decides how the data is read: GS1 element
//!   strings for `]C1 ]e0 ]d2 ]Q3 ]J1`, a GTIN for `]E0 ]E3 ]E4 ]I1`, and for plain 2D codes
//!   (`]Q1 ]d1 ]J0`) a GS1 Digital Link when the data is a web address; otherwise state tags or
//!   plain text.
//! * Without one, several readings may fit. Every plausible reading is listed in `candidates`
//!   and the first valid one wins in this order: a distinctive state tag (Metrc), a GS1
//!   element string or Digital Link, an EAN/UPC GTIN, a weak state id (BioTrack: any 16
//!   digits), a lone GS1 element with no check digit (`(97)…`, `(10)…`, `(98)…`). GS1 beats
//!   BioTrack because a GS1 reading that passes its check digits is very unlikely to be an
//!   accident, while every 16-digit number looks like a BioTrack id; a lone unchecked element
//!   is no such evidence (an ISBN is not an internal-use element string, and a BioTrack id
//!   starting `98` is not a bare `(98)` element). When no reading is valid, the GS1 or GTIN
//!   reading is kept with its errors, so the receiver sees what is wrong.
//! * Only the state systems in [`DecodeOptions::state_systems`] are recognised (default: all).
//!   A Metrc facility leaves BioTrack out, so a 16-digit GS1 scan with a wrong check digit
//!   is reported as the GS1 error it is, not read as a BioTrack id.
//! * When the winning reading is not clearly the right one, `warnings` says so (a warning
//!   does not make the scan invalid, so the exit status of `tally decode` stays 0):
//!   another reading is valid too and the winner is not a distinctive state tag
//!   ([`ScanWarning::AlsoValid`]; the cure is to turn on AIM identifiers in the scanner); or
//!   a BioTrack id won while the GS1 reading of the same digits failed its check digit
//!   ([`ScanWarning::WeakReading`], carrying the GS1 error, e.g. "GTIN check digit should be
//!   8, got 7"). The BioTrack reading is kept rather than turned into an error, because a
//!   BioTrack facility scans such ids all day; the `choice` text says the same.
//! * RFID input is the EPC in hexadecimal: a Metrc tag when its bits are one, otherwise the
//!   EPC Tag Data Standard decoding. Some readers report the tag's 16-bit PC word in front of
//!   the EPC; when the PC word's length field (its top 5 bits, in 16-bit words) counts
//!   exactly the words that follow, no XPC word is announced, the data as received is not a
//!   valid EPC of a known scheme and what follows is a state tag or an EPC of a known scheme
//!   (a raw EPC is no proof: any bytes are one), the PC word is removed and reported
//!   ([`ScanWarning::PcWordRemoved`]). Whole words of zeros after a complete EPC (a tag with
//!   more EPC memory than its EPC needs, like 128 bits holding an SGTIN-96) are ignored and
//!   reported ([`ScanWarning::ZeroPadding`]).
//! * A barcode with the shape of a state tag of a system in use that is not one (a Metrc `1A`
//!   prefix with the wrong length or a character that is not hexadecimal; 15 or 17 digits, or
//!   16 characters with a letter or two, for BioTrack) is reported as a damaged tag
//!   ([`ScanError::DamagedTag`]) when no other reading is valid, never as clean plain text.
//! * A valid scan whose elements hold a GS1 Digital Link primary key gets its canonical
//!   Digital Link URI in `digital_link`.

use serde::Serialize;

use crate::aim::{self, DataForm, Symbology};
use crate::date::Date;
use crate::epc;
use crate::error::{owned_text, quote, ScanError, ScanWarning};
use crate::gs1::ai::Linter;
use crate::gs1::digital_link::{parse_digital_link_with, to_digital_link_into};
use crate::gs1::element::{hri_into, parse_element_string_with, parse_hri_with};
use crate::gs1::{self, ai, lint, Element, ElementString, Gs1Options, Separators};
use crate::spare::Spare;
use crate::uid::{self, StateSystems, UidSystem};
pub use crate::vocab::Kind;

/// Longest scan tally reads, in bytes (the largest 2D symbols hold about 3,000 characters).
pub const MAX_SCAN_LEN: usize = 4096;

/// Where the input came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// A barcode scan (possibly with a symbology identifier).
    #[default]
    Barcode,
    /// An RFID tag's EPC, written in hexadecimal.
    Rfid,
}

/// How to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Where the input came from.
    pub source: Source,
    /// Element separators: GS plus any character the scanner sends in place of FNC1.
    pub separators: Separators,
    /// Today, for the GS1 century window of two-digit years.
    pub today: Date,
    /// The state tracking systems the facility uses; only their tags are recognised.
    pub state_systems: StateSystems,
}

impl DecodeOptions {
    /// Barcode input, GS as the only separator, every state system.
    pub fn new(today: Date) -> DecodeOptions {
        DecodeOptions {
            source: Source::Barcode,
            separators: Separators::gs_only(),
            today,
            state_systems: StateSystems::all(),
        }
    }

    fn gs1(&self) -> Gs1Options {
        Gs1Options {
            separators: self.separators,
            today: self.today,
        }
    }
}

/// The kind of a state system's identifiers.
fn kind_of(system: UidSystem) -> Kind {
    match system {
        UidSystem::Metrc => Kind::MetrcTag,
        UidSystem::BioTrack => Kind::BiotrackId,
    }
}

/// The EPC part of an RFID read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EpcSummary {
    /// Tag URI scheme, e.g. `sgtin-96` (`raw` for EPCs outside the Tag Data Standard).
    pub scheme: String,
    /// EPC tag URI.
    pub tag_uri: String,
    /// Pure-identity URI.
    pub pure_uri: String,
    /// Filter value, where the scheme has one.
    pub filter: Option<u8>,
}

/// One possible reading of an ambiguous scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// What the scan would be.
    pub kind: Kind,
    /// Human-readable interpretation of that reading.
    pub hri: Option<String>,
    /// The state UID of that reading.
    pub uid: Option<String>,
    /// What is wrong with that reading.
    pub errors: Vec<ScanError>,
    /// Whether this reading won.
    pub chosen: bool,
}

/// A decoded scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// The input as received (lossy UTF-8).
    pub input: String,
    /// What the scan is.
    pub kind: Kind,
    /// The symbology identifier, when the scan had one.
    pub symbology: Option<Symbology>,
    /// Human-readable interpretation `(01)...(10)...`, for GS1 data.
    pub hri: Option<String>,
    /// GS1 elements (also for a Digital Link, a GTIN and a GS1 EPC).
    pub elements: Vec<Element>,
    /// The EPC of an RFID read.
    pub epc: Option<EpcSummary>,
    /// The state tracking UID (Metrc tag, BioTrack id).
    pub uid: Option<String>,
    /// Everything wrong with the scan; empty when it is valid.
    pub errors: Vec<ScanError>,
    /// What the receiver should know although nothing is wrong (an ambiguous reading, a
    /// removed RFID PC word); empty most of the time.
    pub warnings: Vec<ScanWarning>,
    /// The canonical GS1 Digital Link URI of a valid scan holding a GS1 primary key.
    pub digital_link: Option<String>,
    /// Every reading of an ambiguous scan; empty when only one reading fits.
    pub candidates: Vec<Candidate>,
    /// Why the chosen reading won, when there were candidates.
    pub choice: Option<String>,
    /// Buffers of an earlier scan, for [`decode_into`] to build the next one in; never part
    /// of the scan's value (not compared, not serialised).
    #[serde(skip)]
    spare: Spare,
}

/// An empty record to decode into with [`decode_into`]: plain text with no input, nothing
/// found and nothing wrong.
impl Default for Decoded {
    fn default() -> Decoded {
        Decoded {
            input: String::new(),
            kind: Kind::Text,
            symbology: None,
            hri: None,
            elements: Vec::new(),
            epc: None,
            uid: None,
            errors: Vec::new(),
            warnings: Vec::new(),
            digital_link: None,
            candidates: Vec::new(),
            choice: None,
            spare: Spare::default(),
        }
    }
}

impl Decoded {
    /// Whether the scan is valid.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Starts a record emptied by [`Decoded::clear`]: its input and kind.
    fn start(&mut self, input: &[u8], kind: Kind, spare: &mut Spare) {
        self.start_checked(input, None, kind, spare);
    }

    /// [`Decoded::start`] with `input` as text when the caller has checked it is UTF-8
    /// already (`None`: not checked, or not UTF-8).
    fn start_checked(&mut self, input: &[u8], text: Option<&str>, kind: Kind, spare: &mut Spare) {
        self.input = match text {
            Some(text) => spare.text(text),
            None => spare.lossy(input),
        };
        self.kind = kind;
    }

    /// Makes a record emptied by [`Decoded::clear`] a plain-text scan with one error.
    fn fail(&mut self, input: &[u8], error: ScanError, spare: &mut Spare) {
        self.start(input, Kind::Text, spare);
        self.errors.push(error);
    }

    /// Empties the record as [`Decoded::default`] is, every buffer it holds moved into `spare`.
    fn clear(&mut self, spare: &mut Spare) {
        self.kind = Kind::Text;
        self.symbology = None;
        self.errors.clear();
        self.warnings.clear();
        self.candidates.clear();
        spare.keep(std::mem::take(&mut self.input));
        spare.keep_some(self.hri.take());
        spare.keep_elements(std::mem::take(&mut self.elements));
        if let Some(epc) = self.epc.take() {
            spare.keep(epc.scheme);
            spare.keep(epc.tag_uri);
            spare.keep(epc.pure_uri);
        }
        spare.keep_some(self.uid.take());
        spare.keep_some(self.digital_link.take());
        spare.keep_some(self.choice.take());
    }
}

/// A reading of the data: what `Decoded` would hold if this reading won.
#[derive(Debug)]
struct Reading {
    kind: Kind,
    elements: Vec<Element>,
    uid: Option<String>,
    errors: Vec<ScanError>,
    /// Ranked before valid GS1 readings (a distinctive state tag).
    strong: bool,
}

impl Reading {
    fn gs1(kind: Kind, parsed: ElementString) -> Reading {
        Reading {
            kind,
            elements: parsed.elements,
            uid: None,
            errors: parsed.errors,
            strong: false,
        }
    }

    fn uid(kind: Kind, uid: String, strong: bool) -> Reading {
        Reading {
            kind,
            elements: Vec::new(),
            uid: Some(uid),
            errors: Vec::new(),
            strong,
        }
    }

    fn text() -> Reading {
        Reading {
            kind: Kind::Text,
            elements: Vec::new(),
            uid: None,
            errors: Vec::new(),
            strong: false,
        }
    }

    /// One GS1 element and no check digit in it.
    fn is_lone_unchecked_element(&self) -> bool {
        match &self.elements[..] {
            [only] => only
                .def()
                .is_none_or(|d| !d.linters().any(|l| l == Linter::Csum)),
            _ => false,
        }
    }

    fn hri(&self) -> Option<String> {
        (!self.elements.is_empty()).then(|| gs1::hri(&self.elements))
    }

    /// Makes the emptied record `d` this reading.
    fn into_decoded(
        self,
        input: &[u8],
        symbology: Option<Symbology>,
        spare: &mut Spare,
        d: &mut Decoded,
    ) {
        self.into_decoded_checked(input, None, symbology, spare, d);
    }

    /// [`Reading::into_decoded`] with `input` as text when the caller has checked it already.
    fn into_decoded_checked(
        self,
        input: &[u8],
        input_text: Option<&str>,
        symbology: Option<Symbology>,
        spare: &mut Spare,
        d: &mut Decoded,
    ) {
        d.start_checked(input, input_text, self.kind, spare);
        d.symbology = symbology;
        if !self.elements.is_empty() {
            let mut hri = spare.string();
            hri_into(&self.elements, &mut hri);
            d.hri = Some(hri);
        }
        d.elements = self.elements;
        d.uid = self.uid;
        d.errors = self.errors;
    }
}

/// Decodes one scan. Never panics, whatever the bytes.
pub fn decode(input: &[u8], options: &DecodeOptions) -> Decoded {
    let mut decoded = Decoded::default();
    decode_into(input, options, &mut decoded);
    decoded
}

/// Decodes one scan into `out`, replacing what it held: exactly what [`decode`] returns, built
/// in the buffers of the scan `out` held before (its input, element values, HRI, Digital Link
/// ...), so decoding scan after scan into the same record allocates next to nothing once its
/// buffers are warm. Never panics, whatever the bytes.
///
/// ```
/// use tally_ids::{decode, decode_into, Date, DecodeOptions, Decoded};
///
/// let options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
/// let mut scan = Decoded::default();
/// for line in [&b"]C10107032069804988"[..], b"]Q1https://id.gs1.org/01/09506000134352"] {
///     decode_into(line, &options, &mut scan);
///     assert_eq!(scan, decode(line, &options));
/// }
/// ```
pub fn decode_into(input: &[u8], options: &DecodeOptions, out: &mut Decoded) {
    // Built in place: a record is a few hundred bytes, and moving it costs more than most of
    // what decoding a scan does.
    let mut spare = std::mem::take(&mut out.spare);
    out.clear(&mut spare);
    decode_with(input, options, &mut spare, out);
    out.spare = spare;
}

/// [`decode`] into the emptied record `out`, in the buffers of `spare`.
fn decode_with(input: &[u8], options: &DecodeOptions, spare: &mut Spare, out: &mut Decoded) {
    if input.len() > MAX_SCAN_LEN {
        return out.fail(
            &input[..64],
            ScanError::TooLong {
                len: input.len(),
                max: MAX_SCAN_LEN,
            },
            spare,
        );
    }
    // Scanners often end a scan with CR and/or LF.
    let mut data = input;
    while let [rest @ .., b'\r' | b'\n'] = data {
        data = rest;
    }
    if data.is_empty() {
        return out.fail(input, ScanError::Empty, spare);
    }
    match options.source {
        Source::Rfid => decode_rfid(input, data, options, spare, out),
        Source::Barcode => decode_barcode(input, data, options, spare, out),
    }
    add_digital_link(out, spare);
}

/// Adds the canonical Digital Link URI to a valid scan holding GS1 elements.
pub(crate) fn add_digital_link(decoded: &mut Decoded, spare: &mut Spare) {
    if decoded.errors.is_empty() && !decoded.elements.is_empty() {
        let mut uri = spare.string();
        if to_digital_link_into(&decoded.elements, &mut uri).is_ok() {
            decoded.digital_link = Some(uri);
        } else {
            spare.keep(uri);
        }
    }
}

fn decode_barcode(
    input: &[u8],
    data: &[u8],
    options: &DecodeOptions,
    spare: &mut Spare,
    out: &mut Decoded,
) {
    if data[0] != b']' {
        return decode_ambiguous(input, data, options, spare, out);
    }
    let (symbology, payload) = match aim::split(data) {
        Ok(split) => split,
        Err(error) => return out.fail(input, error, spare),
    };
    // The scan's text is checked once: the payload is the input without its identifier and
    // line end, both ASCII, so it is UTF-8 exactly when the input is, and cut at characters.
    let input_text = std::str::from_utf8(input).ok();
    let payload_text = input_text.and_then(|text| {
        let start = data.len() - payload.len();
        text.get(start..data.len())
            .or_else(|| std::str::from_utf8(payload).ok())
    });
    let reading = match symbology.data_form() {
        DataForm::Gs1ElementString => {
            if gs1::digital_link::is_web_uri(payload) {
                let mut r = Reading::gs1(Kind::Gs1, ElementString::default());
                r.errors.push(ScanError::UriInElementString {
                    symbology: symbology.name(),
                });
                r
            } else if gs1::element::starts_with_hri_ai(payload) {
                // A common misprint: the label's printed text encoded in the barcode. Show
                // what it says, and that the label is wrong.
                let mut parsed =
                    parse_hri_with(&String::from_utf8_lossy(payload), options.today, spare);
                parsed.errors.insert(
                    0,
                    ScanError::HriInElementString {
                        symbology: symbology.name(),
                    },
                );
                Reading::gs1(Kind::Gs1, parsed)
            } else {
                Reading::gs1(
                    Kind::Gs1,
                    parse_element_string_with(payload, payload_text, &options.gs1(), spare),
                )
            }
        }
        DataForm::Gtin => match gtin_reading(&symbology, payload, options, spare) {
            Some(reading) => reading,
            None => plain_reading(payload, payload_text, options, spare),
        },
        DataForm::PlainUriCapable | DataForm::Plain => {
            plain_reading(payload, payload_text, options, spare)
        }
    };
    reading.into_decoded_checked(input, input_text, Some(symbology), spare, out);
}

/// Plain data: a Digital Link, a state tag, or text (`text`: `data` as text, `None` when it
/// is not UTF-8).
fn plain_reading(
    data: &[u8],
    text: Option<&str>,
    options: &DecodeOptions,
    spare: &mut Spare,
) -> Reading {
    if let Some(parsed) = parse_digital_link_with(data, text, options.today, spare) {
        return Reading::gs1(Kind::Gs1DigitalLink, parsed);
    }
    uid::recognise_barcode(data, options.state_systems)
        .next()
        .map(|(r, uid)| Reading::uid(kind_of(r.system), uid, r.distinctive))
        .or_else(|| damaged_tag_reading(data, options))
        .unwrap_or_else(Reading::text)
}

/// A state tag cut short or misread (right shape, wrong length or character): a reading of
/// that tag's kind with what is wrong, never clean plain text.
fn damaged_tag_reading(data: &[u8], options: &DecodeOptions) -> Option<Reading> {
    let (system, damage) = uid::recognise_damaged(data, options.state_systems)?;
    let kind = kind_of(system);
    let mut reading = Reading::text();
    reading.kind = kind;
    reading.errors.push(ScanError::DamagedTag { kind, damage });
    Some(reading)
}

/// A GTIN from EAN/UPC or ITF data; `None` when the data has no GTIN shape (e.g. an ITF
/// that is not 14 digits), so it is read as plain data.
fn gtin_reading(
    symbology: &Symbology,
    data: &[u8],
    options: &DecodeOptions,
    spare: &mut Spare,
) -> Option<Reading> {
    let code = symbology.code();
    let digits = data.iter().all(u8::is_ascii_digit);
    let gtin: Option<Vec<u8>> = match (code, symbology.modifier(), data.len()) {
        (_, _, _) if !digits => None,
        ('E', "0", 13 | 12) => Some(data.to_vec()),
        ('E', "0", 8) => upc_e_to_upc_a(data),
        ('E', "3", 15 | 18) => Some(data[..13].to_vec()),
        ('E', "4", 8) => Some(data.to_vec()),
        ('I', _, 14) => Some(data.to_vec()),
        // ]I3: the scanner checked the ITF-14 check digit (the GTIN's) and left it out.
        ('I', "3", 13) => lint::mod10_check_digit(data).map(|check| {
            let mut gtin = data.to_vec();
            gtin.push(b'0' + check);
            gtin
        }),
        _ => None,
    };
    let Some(gtin) = gtin else {
        if code == 'E' {
            let mut r = Reading::gs1(Kind::Gtin, ElementString::default());
            r.errors.push(ScanError::BadGtinData {
                symbology: symbology.name(),
                expected: "8, 12 or 13 digits",
                data: quote(data),
            });
            return Some(r);
        }
        return None;
    };
    Some(gtin_from_digits(&gtin, options.today, spare))
}

/// The (01) element of an 8-, 12-, 13- or 14-digit GTIN, checked.
fn gtin_from_digits(gtin: &[u8], today: Date, spare: &mut Spare) -> Reading {
    let mut value = String::with_capacity(14);
    for _ in gtin.len()..14 {
        value.push('0');
    }
    value.push_str(&owned_text(gtin));
    let mut parsed = ElementString::default();
    if let Some(def) = ai::lookup("01") {
        gs1::element::push_element(
            &mut parsed,
            def,
            value.as_bytes(),
            Some(&*value),
            today,
            spare,
        );
    }
    Reading::gs1(Kind::Gtin, parsed)
}

/// Expands an 8-digit UPC-E (number system, six digits, check digit) to its 12-digit UPC-A.
fn upc_e_to_upc_a(upc_e: &[u8]) -> Option<Vec<u8>> {
    let [ns @ (b'0' | b'1'), d1, d2, d3, d4, d5, d6, check] = *upc_e else {
        return None;
    };
    let body: [u8; 10] = match d6 {
        b'0'..=b'2' => [d1, d2, d6, b'0', b'0', b'0', b'0', d3, d4, d5],
        b'3' => [d1, d2, d3, b'0', b'0', b'0', b'0', b'0', d4, d5],
        b'4' => [d1, d2, d3, d4, b'0', b'0', b'0', b'0', b'0', d5],
        _ => [d1, d2, d3, d4, d5, b'0', b'0', b'0', b'0', d6],
    };
    let mut upc_a = Vec::with_capacity(12);
    upc_a.push(ns);
    upc_a.extend_from_slice(&body);
    upc_a.push(check);
    Some(upc_a)
}

/// No symbology identifier: gather every reading that fits and pick one.
fn decode_ambiguous(
    input: &[u8],
    data: &[u8],
    options: &DecodeOptions,
    spare: &mut Spare,
    out: &mut Decoded,
) {
    let mut readings: Vec<Reading> = Vec::new();
    let mut weak: Vec<Reading> = Vec::new();
    for (recogniser, uid) in uid::recognise_barcode(data, options.state_systems) {
        let reading = Reading::uid(kind_of(recogniser.system), uid, recogniser.distinctive);
        if recogniser.distinctive {
            readings.push(reading);
        } else {
            weak.push(reading);
        }
    }
    if gs1::element::starts_with_hri_ai(data) {
        readings.push(Reading::gs1(
            Kind::Gs1,
            parse_hri_with(&String::from_utf8_lossy(data), options.today, spare),
        ));
    } else if let Some(parsed) =
        parse_digital_link_with(data, std::str::from_utf8(data).ok(), options.today, spare)
    {
        readings.push(Reading::gs1(Kind::Gs1DigitalLink, parsed));
    } else if looks_like_element_string(data, &options.separators)
        && (ai::lookup_prefix(data).is_some()
            // A separator (FNC1 sent as GS, even in first position) marks GS1 data.
            || data.iter().any(|&b| options.separators.contains(b)))
    {
        readings.push(Reading::gs1(
            Kind::Gs1,
            parse_element_string_with(data, std::str::from_utf8(data).ok(), &options.gs1(), spare),
        ));
    }
    if matches!(data.len(), 8 | 12 | 13 | 14) && data.iter().all(u8::is_ascii_digit) {
        readings.push(gtin_from_digits(data, options.today, spare));
    }
    readings.append(&mut weak);
    if readings.iter().all(|r| !r.errors.is_empty()) {
        readings.extend(damaged_tag_reading(data, options));
    }

    if readings.is_empty() {
        return Reading::text().into_decoded(input, None, spare, out);
    }
    let mut winner = readings
        .iter()
        .position(|r| r.errors.is_empty())
        .or_else(|| {
            readings
                .iter()
                .position(|r| matches!(r.kind, Kind::Gs1 | Kind::Gs1DigitalLink | Kind::Gtin))
        })
        .unwrap_or(0);
    // A lone GS1 element with no check digit ("(97)80306406157" from ISBN 9780306406157, a
    // batch "(10)012345678902" from an ITF-14, "(98)…" from a BioTrack id) is weaker evidence
    // than an EAN/UPC GTIN whose check digit matches, or than any other valid reading.
    if readings[winner].kind == Kind::Gs1 && readings[winner].is_lone_unchecked_element() {
        let valid = |kind: fn(&Reading) -> bool| {
            readings.iter().position(|r| r.errors.is_empty() && kind(r))
        };
        if let Some(better) =
            valid(|r| r.kind == Kind::Gtin).or_else(|| valid(|r| r.kind != Kind::Gs1))
        {
            winner = better;
        }
    }
    if readings.len() == 1 {
        return readings
            .swap_remove(0)
            .into_decoded(input, None, spare, out);
    }
    let candidates: Vec<Candidate> = readings
        .iter()
        .enumerate()
        .map(|(i, r)| Candidate {
            kind: r.kind,
            hri: r.hri(),
            uid: r.uid.clone(),
            errors: r.errors.clone(),
            chosen: i == winner,
        })
        .collect();
    let warnings = doubts(&readings, winner, data.len());
    let choice = explain(&readings, winner, !warnings.is_empty());
    readings
        .swap_remove(winner)
        .into_decoded(input, None, spare, out);
    out.candidates = candidates;
    out.choice = Some(choice);
    out.warnings = warnings;
}

/// Warnings when `readings[winner]` is not clearly the right reading (see the module docs).
fn doubts(readings: &[Reading], winner: usize, len: usize) -> Vec<ScanWarning> {
    let chosen = &readings[winner];
    if !chosen.errors.is_empty() || chosen.strong {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    for (i, other) in readings.iter().enumerate() {
        if i == winner {
            continue;
        }
        if other.errors.is_empty() {
            // The documented exception: a matching GTIN check digit is clearly better
            // evidence than a lone GS1 element without one.
            if chosen.kind == Kind::Gtin && other.is_lone_unchecked_element() {
                continue;
            }
            warnings.push(ScanWarning::AlsoValid {
                other: other.kind,
                reading: other
                    .uid
                    .clone()
                    .or_else(|| other.hri())
                    .unwrap_or_default(),
            });
        } else if chosen.uid.is_some() {
            // A weak state id won over a GS1 reading that failed a check digit: if the
            // label is a GS1 barcode, the receiver must see what is wrong with it.
            let check = other
                .errors
                .iter()
                .find(|e| matches!(e, ScanError::CheckDigit { .. }));
            if let Some(problem) = check {
                warnings.push(ScanWarning::WeakReading {
                    chosen: chosen.kind,
                    len,
                    problem: Box::new(problem.clone()),
                });
            }
        }
    }
    warnings
}

/// Why `readings[winner]` was chosen, for a technician.
fn explain(readings: &[Reading], winner: usize, doubtful: bool) -> String {
    let chosen = &readings[winner];
    let others: Vec<String> = readings
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != winner)
        .map(|(_, r)| {
            if r.errors.is_empty() {
                format!("{} (also valid, ranked lower)", r.kind.describe())
            } else {
                format!("{} (invalid: {})", r.kind.describe(), r.errors[0])
            }
        })
        .collect();
    let other_valid = readings
        .iter()
        .enumerate()
        .any(|(i, r)| i != winner && r.errors.is_empty());
    let beats_biotrack = readings
        .iter()
        .any(|r| r.kind == Kind::BiotrackId && r.errors.is_empty());
    let why = if !chosen.errors.is_empty() {
        "no reading is valid; the GS1 reading is shown with its errors"
    } else if !other_valid {
        "it is the only valid reading"
    } else if chosen.kind == Kind::Gtin
        && readings
            .iter()
            .any(|r| r.kind == Kind::Gs1 && r.errors.is_empty())
    {
        "an EAN/UPC GTIN whose check digit matches is more likely than a lone GS1 element \
         that has no check digit"
    } else if chosen.uid.is_some()
        && !chosen.strong
        && readings
            .iter()
            .any(|r| r.kind == Kind::Gs1 && r.errors.is_empty())
    {
        "a lone GS1 element with no check digit is no evidence of GS1 data, so the state id \
         ranks above it"
    } else if chosen.strong {
        "a Metrc tag's format is distinctive, so it wins over every other reading"
    } else if beats_biotrack && matches!(chosen.kind, Kind::Gs1 | Kind::Gs1DigitalLink | Kind::Gtin)
    {
        "a GS1 reading that passes every check, check digits included, ranks above a BioTrack id, \
         which any 16-digit number matches"
    } else {
        "it is valid and ranks first (Metrc tag, then GS1, then GTIN, then BioTrack id, then a \
         lone GS1 element without check digit)"
    };
    let doubt = if doubtful {
        " This choice is not certain: see the warnings."
    } else {
        ""
    };
    format!(
        "no symbology identifier, so the scan could be read several ways; read as {}: {why}. Other readings: {}.{doubt}",
        chosen.kind.describe(),
        others.join("; ")
    )
}

/// Whether `data` could be an element string: only CSET 82 characters and separators.
fn looks_like_element_string(data: &[u8], separators: &Separators) -> bool {
    data.iter()
        .all(|&b| ai::is_cset82(b) || separators.contains(b))
}

fn decode_rfid(
    input: &[u8],
    data: &[u8],
    options: &DecodeOptions,
    spare: &mut Spare,
    out: &mut Decoded,
) {
    let text = String::from_utf8_lossy(data);
    match epc::parse_hex(&text) {
        Ok(bank) => decode_epc_bank(input, &bank, options, spare, out),
        Err(error) => out.fail(
            input,
            ScanError::BadHex {
                text: quote(data),
                reason: error.to_string(),
            },
            spare,
        ),
    }
}

/// Decodes the EPC bank bytes an RFID reader reported into the emptied record `decoded`
/// (`input` is what `Decoded::input` shows: the text as typed, or the bytes in upper-case
/// hexadecimal).
pub(crate) fn decode_epc_bank(
    input: &[u8],
    all: &[u8],
    options: &DecodeOptions,
    spare: &mut Spare,
    decoded: &mut Decoded,
) {
    let today = options.today;
    if all.is_empty() {
        return decoded.fail(input, ScanError::Empty, spare);
    }
    let (pc, bytes) = match split_pc_word(all, options.state_systems) {
        Some((pc, epc)) => (Some(pc), epc),
        None => (None, all),
    };
    let tag = uid::recognise_epc(bytes, options.state_systems);
    decoded.start(input, Kind::Epc, spare);
    if let Some(pc) = pc {
        decoded.warnings.push(ScanWarning::PcWordRemoved {
            pc: format!("{pc:04X}"),
        });
    }
    let decoded_epc = epc::decode_epc(bytes);
    let epc_bits = match (&tag, &decoded_epc) {
        (Some((_, uid)), _) => Some(uid.len() * 4),
        (None, Ok(epc)) if epc.scheme != "raw" => Some(epc.bit_length),
        _ => None,
    };
    if let Some(words) = epc_bits.and_then(|bits| zero_padding_words(bytes, bits)) {
        decoded.warnings.push(ScanWarning::ZeroPadding {
            words,
            bits: epc_bits.unwrap_or_default(),
        });
    }
    match decoded_epc {
        Ok(epc) => {
            if let Some(hri) = &epc.gs1_element_string {
                let parsed = parse_hri_with(hri, today, spare);
                decoded.elements = parsed.elements;
                decoded.errors = parsed.errors;
                decoded.hri = Some(hri.clone());
            }
            decoded.epc = Some(EpcSummary {
                scheme: epc.scheme,
                tag_uri: epc.tag_uri,
                pure_uri: epc.pure_uri,
                filter: epc.filter,
            });
        }
        Err(error) if tag.is_none() => decoded.errors.push(ScanError::Epc {
            message: error.to_string(),
        }),
        Err(_) => {}
    }
    if let Some((recogniser, uid)) = tag {
        decoded.kind = kind_of(recogniser.system);
        decoded.uid = Some(uid);
    }
}

/// The PC word (Gen2 Protocol Control) in front of the EPC, and the EPC after it, when the
/// reader reported both and that is unambiguous: the PC word's EPC length (its top 5 bits,
/// in 16-bit words) equals the words that follow, its XI bit announces no XPC word, the data
/// as received is neither a state tag nor a valid EPC of a known scheme filling the bank,
/// and what follows is.
fn split_pc_word(bank: &[u8], systems: StateSystems) -> Option<(u16, &[u8])> {
    let [high, low, epc @ ..] = bank else {
        return None;
    };
    let pc = u16::from_be_bytes([*high, *low]);
    let words = usize::from(pc >> 11);
    let xi = pc & 0x0200 != 0;
    if bank.len() % 2 != 0 || words == 0 || words * 2 != epc.len() || xi {
        return None;
    }
    // As received, the data is an EPC of its own only if it fills the bank up to word
    // padding: a PC word in front pushes the EPC's last word out, and what then reads as
    // 16 or more bits of zero padding is that word.
    let fills_bank = |e: &epc::Epc| e.scheme != "raw" && e.bit_length + 16 > bank.len() * 8;
    if uid::recognise_epc(bank, systems).is_some()
        || epc::decode_epc(bank).is_ok_and(|e| fills_bank(&e))
    {
        return None;
    }
    // A raw EPC is what any bytes decode to: only a known scheme or a state tag after the PC
    // word shows that it was one.
    let follows = uid::recognise_epc(epc, systems).is_some()
        || epc::decode_epc(epc).is_ok_and(|e| e.scheme != "raw");
    follows.then_some((pc, epc))
}

/// Whole 16-bit words of zeros after an EPC of `bits` bits that fills `bank` no further: a
/// tag whose EPC memory is larger than its EPC. `None` when there are none (or the rest is
/// not all zeros).
fn zero_padding_words(bank: &[u8], bits: usize) -> Option<usize> {
    let used = bits.div_ceil(16) * 2;
    let rest = bank.get(used..)?;
    (rest.len() >= 2 && rest.len() % 2 == 0 && rest.iter().all(|&b| b == 0))
        .then_some(rest.len() / 2)
}

/// The GS1 mod-10 check digit of `payload`, re-exported for callers that build GS1 keys.
pub fn gs1_check_digit(payload: &[u8]) -> Option<u8> {
    lint::mod10_check_digit(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> DecodeOptions {
        DecodeOptions::new(Date::new(2026, 11, 24).expect("a real date"))
    }

    fn read(scan: &str) -> Decoded {
        decode(scan.as_bytes(), &options())
    }

    #[test]
    fn a_scan_checked_as_utf8_once_reads_as_when_each_part_was_checked() {
        let options = options();
        // UTF-8 with characters of two and three bytes, next to the line end (not allowed in
        // a batch, but shown as read).
        let scan = decode("]C10109506000134352\x1d10Lé€\r\n".as_bytes(), &options);
        assert_eq!(scan.input, "]C10109506000134352\x1d10Lé€\r\n");
        assert_eq!(scan.elements[1].value, "Lé€");
        let link = decode(
            "]Q1https://id.gs1.org/01/09506000134352/10/é\n".as_bytes(),
            &options,
        );
        assert_eq!(link.kind, Kind::Gs1DigitalLink);
        assert_eq!(link.elements[1].value, "é");
        // Not UTF-8: the input and the values read lossily, and a web address with such
        // bytes is not a Digital Link.
        let scan = decode(b"]C10109506000134352\x1d10L\xff\r\n", &options);
        assert_eq!(scan.input, "]C10109506000134352\x1d10L\u{fffd}\r\n");
        assert_eq!(scan.elements[1].value, "L\u{fffd}");
        let link = decode(b"]Q1https://id.gs1.org/01/09506000134352/10/\xff", &options);
        assert_eq!(link.kind, Kind::Text);
        assert_eq!(
            link.input,
            "]Q1https://id.gs1.org/01/09506000134352/10/\u{fffd}"
        );
    }

    #[test]
    fn ean_upc_and_itf_become_gtins() {
        let ean13 = read("]E05901234123457");
        assert_eq!(
            (ean13.kind, ean13.hri.as_deref()),
            (Kind::Gtin, Some("(01)05901234123457"))
        );
        let ean8 = read("]E496385074");
        assert_eq!(ean8.hri.as_deref(), Some("(01)00000096385074"));
        assert!(ean8.errors.is_empty(), "{:?}", ean8.errors);
        // UPC-E 04252614 expands to UPC-A 042100005264.
        let upc_e = read("]E004252614");
        assert_eq!(upc_e.hri.as_deref(), Some("(01)00042100005264"));
        assert!(upc_e.errors.is_empty(), "{:?}", upc_e.errors);
        let with_addon = read("]E3590123412345712");
        assert_eq!(with_addon.hri.as_deref(), Some("(01)05901234123457"));
        let itf = read("]I110012345678902");
        assert_eq!(itf.hri.as_deref(), Some("(01)10012345678902"));
        assert!(itf.errors.is_empty());
        // Regression: ]I3 (check digit verified, not sent) was plain text.
        let itf_no_check = read("]I31001234567890");
        assert_eq!(itf_no_check.kind, Kind::Gtin);
        assert_eq!(itf_no_check.hri.as_deref(), Some("(01)10012345678902"));
        assert!(itf_no_check.errors.is_empty());
        let bad = read("]E05901234123458");
        assert_eq!(
            bad.errors[0].to_string(),
            "GTIN check digit should be 7, got 8"
        );
        let short = read("]E0123");
        assert!(matches!(short.errors[0], ScanError::BadGtinData { .. }));
        // ITF that is not 14 digits is plain data.
        assert_eq!(read("]I0123456").kind, Kind::Text);
    }

    #[test]
    fn brackets_inside_a_gs1_barcode_are_a_label_error_a_receiver_understands() {
        // Regression: the error used to be '"(01)09506000134352" does not start with a GS1
        // Application Identifier', which says nothing to a receiver.
        let d = read("]d2(01)09506000134352(17)261231");
        assert_eq!(
            d.errors[0].to_string(),
            "this GS1 DataMatrix holds the printed text with brackets, like \"(01)…\", instead \
             of GS1 data: the label is encoded wrongly (the values are shown as read)"
        );
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.hri.as_deref(), Some("(01)09506000134352(17)261231"));
        assert_eq!(d.digital_link, None, "an invalid scan has no Digital Link");
    }

    #[test]
    fn scanner_line_endings_and_limits() {
        assert_eq!(
            read("]C10107032069804988\r\n").hri.as_deref(),
            Some("(01)07032069804988")
        );
        assert_eq!(read("").errors, vec![ScanError::Empty]);
        assert_eq!(read("\r\n").errors, vec![ScanError::Empty]);
        let huge = "1".repeat(MAX_SCAN_LEN + 1);
        assert!(matches!(read(&huge).errors[0], ScanError::TooLong { .. }));
    }

    #[test]
    fn a_leading_gs_marks_gs1_data_without_identifier() {
        let d = read("\u{1d}0107032069804988100329\u{1d}15210526");
        assert_eq!(d.kind, Kind::Gs1);
        assert_eq!(
            d.hri.as_deref(),
            Some("(01)07032069804988(10)0329(15)210526")
        );
        assert!(d.errors.is_empty());
    }

    #[test]
    fn ambiguous_sixteen_digits() {
        // Valid GS1: GS1 wins, BioTrack is a candidate.
        let gs1 = read("0107032069804988");
        assert_eq!(gs1.kind, Kind::Gs1);
        assert_eq!(gs1.candidates.len(), 2);
        assert!(gs1.candidates[0].chosen && gs1.candidates[1].kind == Kind::BiotrackId);
        assert!(gs1
            .choice
            .as_deref()
            .unwrap_or_default()
            .contains("BioTrack id"));
        // GS1 with a wrong check digit: the BioTrack reading is the valid one.
        let biotrack = read("0107032069804987");
        assert_eq!(biotrack.kind, Kind::BiotrackId);
        assert_eq!(biotrack.uid.as_deref(), Some("0107032069804987"));
        assert_eq!(
            biotrack.candidates[0].errors[0].to_string(),
            "GTIN check digit should be 8, got 7"
        );
        // Digits no AI starts with: only BioTrack fits, so no candidates.
        let only = read("6647684463740213");
        assert_eq!(only.kind, Kind::BiotrackId);
        assert!(only.candidates.is_empty() && only.choice.is_none());
    }

    fn with_states(scan: &str, systems: &[UidSystem]) -> Decoded {
        let mut options = options();
        options.state_systems = StateSystems::only(systems);
        decode(scan.as_bytes(), &options)
    }

    #[test]
    fn a_metrc_facility_sees_the_gs1_error_not_a_biotrack_id() {
        let d = with_states("0107032069804987", &[UidSystem::Metrc]);
        assert_eq!(d.kind, Kind::Gs1);
        assert_eq!(d.uid, None);
        assert_eq!(
            d.errors[0].to_string(),
            "GTIN check digit should be 8, got 7"
        );
        assert!(d.candidates.is_empty() && d.warnings.is_empty());
        // A BioTrack facility reads no Metrc tags (24 hex digits are then plain text).
        let tag = with_states("1A4FF0100000022000000123", &[UidSystem::BioTrack]);
        assert_eq!((tag.kind, tag.uid), (Kind::Text, None));
        let mut rfid = options();
        rfid.source = Source::Rfid;
        rfid.state_systems = StateSystems::only(&[UidSystem::BioTrack]);
        let epc = decode(b"1A4FF0100000022000000123", &rfid);
        assert_eq!((epc.kind, epc.uid), (Kind::Epc, None));
    }

    #[test]
    fn a_biotrack_id_that_is_a_misprinted_gtin_warns() {
        let d = read("0107032069804987");
        assert_eq!(d.kind, Kind::BiotrackId);
        assert!(d.is_valid(), "a warning does not make the scan invalid");
        assert_eq!(
            d.warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "read as a BioTrack id because any 16 digits are one; if this is a GS1 barcode \
              and not a BioTrack id, it is wrong: GTIN check digit should be 8, got 7"
            ]
        );
        assert!(d.choice.unwrap_or_default().contains("see the warnings"));
        // A valid GS1 reading wins, and the BioTrack reading is named.
        let gs1 = read("0107032069804988");
        assert_eq!(gs1.kind, Kind::Gs1);
        assert!(matches!(
            &gs1.warnings[..],
            [ScanWarning::AlsoValid { other: Kind::BiotrackId, reading }] if reading == "0107032069804988"
        ));
        // Clear wins carry no warning: a Metrc tag, a GTIN over a lone unchecked element,
        // and a scan with a symbology identifier.
        assert!(read("1A4FF0100000022000000123").warnings.is_empty());
        assert!(read("9780306406157").warnings.is_empty());
        assert!(read("]C10107032069804988").warnings.is_empty());
        assert!(read("6647684463740213").warnings.is_empty());
    }

    #[test]
    fn a_biotrack_id_is_not_a_lone_internal_gs1_element() {
        // Regression: "(98)76543210123456" has no check digit and (98) needs a key beside
        // it; the 16 digits are a BioTrack id.
        let d = read("9876543210123456");
        assert_eq!(d.kind, Kind::BiotrackId);
        assert_eq!(d.uid.as_deref(), Some("9876543210123456"));
        assert_eq!(d.candidates.len(), 2);
        assert!(matches!(
            &d.warnings[..],
            [ScanWarning::AlsoValid {
                other: Kind::Gs1,
                ..
            }]
        ));
        // Without BioTrack, the element is all there is.
        assert_eq!(
            with_states("9876543210123456", &[UidSystem::Metrc]).kind,
            Kind::Gs1
        );
    }

    #[test]
    fn valid_gs1_keys_get_their_digital_link() {
        assert_eq!(
            read("]C1010703206980498815210526100329")
                .digital_link
                .as_deref(),
            Some("https://id.gs1.org/01/07032069804988/10/0329?15=210526")
        );
        assert_eq!(read("]C10107032069804987").digital_link, None);
        assert_eq!(read("]C1100329").digital_link, None, "no primary key");
        assert_eq!(read("1A4FF0100000022000000123").digital_link, None);
        let mut rfid = options();
        rfid.source = Source::Rfid;
        assert_eq!(
            decode(b"3074257BF7194E4000001A85", &rfid)
                .digital_link
                .as_deref(),
            Some("https://id.gs1.org/01/80614141123458/21/6789")
        );
    }

    #[test]
    fn rfid_pc_word_in_front_of_the_epc_is_removed() {
        let mut rfid = options();
        rfid.source = Source::Rfid;
        let sgtin = decode(b"30003074257BF7194E4000001A85", &rfid);
        assert!(sgtin.is_valid(), "{:?}", sgtin.errors);
        assert_eq!(
            sgtin.epc.map(|e| e.tag_uri).as_deref(),
            Some("urn:epc:tag:sgtin-96:3.0614141.812345.6789")
        );
        assert_eq!(
            sgtin.warnings,
            [ScanWarning::PcWordRemoved { pc: "3000".into() }]
        );
        // PC with the UMI bit set, in front of a Metrc tag.
        let metrc = decode(b"34001A4FF0100000022000000123", &rfid);
        assert_eq!(metrc.kind, Kind::MetrcTag);
        assert_eq!(metrc.uid.as_deref(), Some("1A4FF0100000022000000123"));
        // A GSRN-96 whose first word looks like a PC word for 5 words is a valid EPC as it is.
        let gsrn = decode(b"2D74257BF4499602D2000000", &rfid);
        assert_eq!(gsrn.epc.map(|e| e.scheme).as_deref(), Some("gsrn-96"));
        assert!(gsrn.warnings.is_empty());
        // EPCs whose last 16 bits are zero: PC + EPC can also read, wrongly, as another
        // SGTIN-96 followed by 16 bits of padding; the PC word's length says otherwise.
        let mut ambiguous_as_received = 0;
        for (company, item) in [
            ("0614141", "812345"),
            ("0000001", "000000"),
            ("0614141", "012345"),
        ] {
            for serial in [65536u64, 131072, 1 << 20, 7 << 16] {
                let uri = format!("urn:epc:tag:sgtin-96:3.{company}.{item}.{serial}");
                let bytes = epc::encode_tag_uri(&uri).unwrap();
                assert_eq!(bytes[10..], [0, 0]);
                let mut hex = String::from("3000");
                for b in &bytes {
                    hex.push_str(&format!("{b:02X}"));
                }
                let mut bank = vec![0x30, 0x00];
                bank.extend_from_slice(&bytes);
                ambiguous_as_received += usize::from(epc::decode_epc(&bank).is_ok());
                let d = decode(hex.as_bytes(), &rfid);
                assert_eq!(d.epc.map(|e| e.tag_uri).as_deref(), Some(&uri[..]), "{hex}");
                assert_eq!(
                    d.warnings,
                    [ScanWarning::PcWordRemoved { pc: "3000".into() }]
                );
            }
        }
        assert!(
            ambiguous_as_received > 0,
            "the case this guards against occurs"
        );
        // The length does not match, or an XPC word is announced: left alone.
        for hex in [
            "3000",
            "38003074257BF7194E4000001A85",
            "32003074257BF7194E4000001A85",
        ] {
            let d = decode(hex.as_bytes(), &rfid);
            assert!(d.warnings.is_empty(), "{hex}");
            assert!(!d.is_valid(), "{hex}");
        }
    }

    #[test]
    fn zero_padding_after_a_complete_epc_is_a_note_not_a_pc_word() {
        let mut rfid = options();
        rfid.source = Source::Rfid;
        // A 128-bit EPC bank holding an SGTIN-96 and one word of zeros: `3074` is the EPC's
        // first word, not a PC word in front of a raw EPC.
        let padded = decode(b"3074257BF7194E4000001A850000", &rfid);
        assert!(padded.is_valid(), "{:?}", padded.errors);
        assert_eq!(padded.kind, Kind::Epc);
        assert_eq!(
            padded.epc.as_ref().map(|e| e.tag_uri.as_str()),
            Some("urn:epc:tag:sgtin-96:3.0614141.812345.6789")
        );
        assert_eq!(padded.hri.as_deref(), Some("(01)80614141123458(21)6789"));
        assert_eq!(
            padded.warnings,
            [ScanWarning::ZeroPadding { words: 1, bits: 96 }]
        );
        assert!(padded.warnings[0]
            .message(crate::Language::Spanish)
            .contains("palabra(s) de ceros"));
        // Two words of padding, and a PC word in front of a padded bank of the right length.
        let two = decode(b"3074257BF7194E4000001A8500000000", &rfid);
        assert_eq!(
            two.warnings,
            [ScanWarning::ZeroPadding { words: 2, bits: 96 }]
        );
        let with_pc = decode(b"38003074257BF7194E4000001A850000", &rfid);
        assert_eq!(
            with_pc.warnings,
            [
                ScanWarning::PcWordRemoved { pc: "3800".into() },
                ScanWarning::ZeroPadding { words: 1, bits: 96 }
            ]
        );
        // A padded Metrc tag.
        let metrc = decode(b"1A4FF01000000220000001230000", &rfid);
        assert_eq!(metrc.kind, Kind::MetrcTag);
        assert_eq!(
            metrc.warnings,
            [ScanWarning::ZeroPadding { words: 1, bits: 96 }]
        );
        // Without padding, no note.
        assert!(decode(b"3074257BF7194E4000001A85", &rfid)
            .warnings
            .is_empty());
    }

    #[test]
    fn a_pc_word_counts_only_before_a_known_scheme() {
        let mut rfid = options();
        rfid.source = Source::Rfid;
        // 0x2800 announces 5 words and 5 follow, but they decode to no known scheme (header
        // 0xAB): the data stays one raw EPC, PC word included.
        let raw = decode(b"2800ABCDEF0123456789ABCD", &rfid);
        assert!(raw.warnings.is_empty(), "{:?}", raw.warnings);
        assert_eq!(
            raw.epc.map(|e| e.tag_uri).as_deref(),
            Some("urn:epc:raw:96.x2800ABCDEF0123456789ABCD")
        );
    }

    #[test]
    fn a_damaged_metrc_tag_is_reported_not_plain_text() {
        for scan in [
            "1A4FF01000000220000001",
            "]Q11A4FF01000000220000001",
            "]C01A4FF01000000220000001",
        ] {
            let d = read(scan);
            assert_eq!(d.kind, Kind::MetrcTag, "{scan}");
            assert_eq!(d.uid, None);
            assert_eq!(
                d.errors,
                [ScanError::DamagedTag {
                    kind: Kind::MetrcTag,
                    damage: uid::TagDamage::Length {
                        len: 22,
                        expected: 24
                    }
                }],
                "{scan}"
            );
        }
        let short = read("1A4FF01000000220000001");
        assert_eq!(
            short.errors[0].to_string(),
            "this looks like a damaged Metrc tag: it has 22 characters where a Metrc tag has 24 \
             (cut short or misread); scan it again, or key in the number printed on the tag"
        );
        assert!(short.errors[0]
            .message(crate::Language::Spanish)
            .contains("tiene 22 caracteres en lugar de 24"));
        let misread = read("1A4FF0100000022000000O23");
        assert_eq!(
            misread.errors,
            [ScanError::DamagedTag {
                kind: Kind::MetrcTag,
                damage: uid::TagDamage::Character {
                    character: 'O',
                    position: 22,
                    allowed: "0-9 and A-F"
                }
            }]
        );
        assert!(misread.errors[0]
            .to_string()
            .contains("character 22 is 'O'"));
        // A facility that does not use Metrc reads the same text as text.
        let elsewhere = with_states("1A4FF01000000220000001", &[UidSystem::BioTrack]);
        assert_eq!(elsewhere.kind, Kind::Text);
        assert!(elsewhere.is_valid());
        // Far from a tag's length, or with spaces: text.
        assert!(read("1A").is_valid());
        assert!(read("1A4FF0 100000022000000123").is_valid());
    }

    #[test]
    fn a_damaged_biotrack_id_is_reported_not_plain_text() {
        let short = with_states("664768446374021", &[UidSystem::BioTrack]);
        assert_eq!(short.kind, Kind::BiotrackId);
        assert_eq!(
            short.errors,
            [ScanError::DamagedTag {
                kind: Kind::BiotrackId,
                damage: uid::TagDamage::Length {
                    len: 15,
                    expected: 16
                }
            }]
        );
        let misread = with_states("66476844637402l3", &[UidSystem::BioTrack]);
        assert_eq!(
            misread.errors,
            [ScanError::DamagedTag {
                kind: Kind::BiotrackId,
                damage: uid::TagDamage::Character {
                    character: 'l',
                    position: 15,
                    allowed: "digits"
                }
            }]
        );
        assert!(misread.errors[0]
            .message(crate::Language::Spanish)
            .contains("solo se admiten dígitos"));
        // A Metrc facility reads 15 digits as whatever else they are.
        assert!(with_states("664768446374021", &[UidSystem::Metrc])
            .errors
            .iter()
            .all(|e| !matches!(e, ScanError::DamagedTag { .. })));
    }

    #[test]
    fn a_gtin_beats_a_lone_gs1_element_without_check_digit() {
        let isbn = read("9780306406157");
        assert_eq!(isbn.kind, Kind::Gtin);
        assert_eq!(isbn.hri.as_deref(), Some("(01)09780306406157"));
        assert_eq!(isbn.candidates.len(), 2);
        let itf = read("10012345678902");
        assert_eq!(itf.kind, Kind::Gtin);
        // Two elements with a real date are GS1 even when the digits also pass as an EAN-13.
        assert_eq!(read("1722123110123").kind, Kind::Gs1);
    }

    #[test]
    fn metrc_tags_from_every_source() {
        for scan in [
            "1A4FF0100000022000000123",
            "]C01A4FF0100000022000000123",
            "]Q11A4FF0100000022000000123",
        ] {
            let d = read(scan);
            assert_eq!(d.kind, Kind::MetrcTag, "{scan}");
            assert_eq!(d.uid.as_deref(), Some("1A4FF0100000022000000123"));
            assert!(d.errors.is_empty());
        }
        let mut rfid = options();
        rfid.source = Source::Rfid;
        let tag = decode(b"1a4ff0100000022000000123", &rfid);
        assert_eq!(tag.kind, Kind::MetrcTag);
        assert_eq!(tag.epc.map(|e| e.scheme).as_deref(), Some("raw"));
    }

    #[test]
    fn plain_text_stays_text() {
        for scan in [
            "hello world",
            "]A0ABC-123",
            "]Q1just some words",
            "]d1https://example.com/menu",
        ] {
            let d = read(scan);
            assert_eq!(d.kind, Kind::Text, "{scan}");
            assert!(d.errors.is_empty(), "{scan}: {:?}", d.errors);
        }
    }

    #[test]
    fn serialises_to_the_json_contract() {
        let json = serde_json::to_value(read("]C1010703206980498815210526100329")).unwrap();
        for field in [
            "input",
            "kind",
            "symbology",
            "hri",
            "elements",
            "epc",
            "uid",
            "errors",
            "warnings",
            "digital_link",
        ] {
            assert!(json.get(field).is_some(), "{field} missing");
        }
        assert_eq!(json["elements"][1]["date"], "2021-05-26");
        let invalid = serde_json::to_value(read("]C10107032069804987")).unwrap();
        assert_eq!(invalid["errors"][0], "GTIN check digit should be 8, got 7");
    }
}
