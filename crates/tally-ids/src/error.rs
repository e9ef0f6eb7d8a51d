//! Every way a scan can be wrong, as one enum with structured fields. `Display` says what is
//! wrong in the words of the receiver holding the scanner, never in parser jargon.

use serde::{Serialize, Serializer};
use tally_vocab::{bilingual, display_in_english};
use thiserror::Error;

use crate::vocab::{CouponField, CouponProblem, DateProblem, Kind, Linter, TagDamage, TimeProblem};

/// A problem found in a scan.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScanError {
    /// Nothing was scanned.
    Empty,
    /// The scan is longer than any barcode or tag tally reads.
    TooLong {
        /// Length of the scan in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },

    /// `]` with nothing usable after it.
    SymbologyTruncated,
    /// An AIM code character ISO/IEC 15424 does not define.
    UnknownSymbology {
        /// The code character after `]`.
        code: char,
    },
    /// A symbology identifier whose modifier is not a letter or digit.
    BadSymbologyModifier {
        /// The code character.
        code: char,
        /// What came where the modifier belongs.
        modifier: char,
    },
    /// A scan with no symbology identifier where one is required.
    NoSymbology,

    /// Data where a GS1 Application Identifier should start, that is not one.
    UnknownAi {
        /// The data from that point on (shortened).
        remainder: String,
    },
    /// An AI with no data after it.
    MissingValue {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
    },
    /// A value shorter than its AI requires.
    TooShort {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The value as read.
        value: String,
        /// Fewest characters the (part of the) value needs.
        min: usize,
        /// Whether that part always has exactly `min` characters.
        fixed: bool,
        /// Whether that part is digits only.
        numeric: bool,
    },
    /// A value longer than its AI allows.
    TooLongValue {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The value as read.
        value: String,
        /// The most characters the AI takes.
        max: usize,
    },
    /// A character the AI's character set does not contain.
    BadCharacter {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The value as read.
        value: String,
        /// The offending character.
        character: char,
        /// What the AI allows.
        allowed: &'static str,
    },
    /// A wrong check digit on a GS1 key.
    CheckDigit {
        /// The AI carrying the key.
        ai: &'static str,
        /// The key's name, e.g. "GTIN".
        key: &'static str,
        /// The check digit the data calls for.
        expected: char,
        /// The check digit found.
        actual: char,
    },
    /// A wrong check character pair (GMN, MUDI).
    CheckPair {
        /// The AI carrying the key.
        ai: &'static str,
        /// The key's name.
        key: &'static str,
        /// The check characters the data calls for.
        expected: String,
        /// The check characters found.
        actual: String,
    },
    /// A date that does not exist.
    InvalidDate {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The date digits.
        value: String,
        /// What is wrong with it.
        problem: DateProblem,
    },
    /// A time of day that does not exist.
    InvalidTime {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The time digits.
        value: String,
        /// What is wrong with it.
        problem: TimeProblem,
    },
    /// Any other content rule of the GS1 syntax dictionary.
    Lint {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// The dictionary's linter that failed.
        linter: Linter,
        /// The part of the value it checked.
        value: String,
    },
    /// A coupon code (AI 8110 or 8112) whose fields do not add up.
    Coupon {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// What is wrong.
        problem: CouponProblem,
    },
    /// The same AI twice with different values.
    ConflictingDuplicate {
        /// The AI.
        ai: &'static str,
        /// The first value.
        first: String,
        /// The second value.
        second: String,
    },
    /// A web address where GS1 element strings were announced.
    UriInElementString {
        /// Name of the symbology.
        symbology: &'static str,
    },
    /// A GS1 barcode that holds the printed text with brackets instead of element strings.
    HriInElementString {
        /// Name of the symbology.
        symbology: &'static str,
    },
    /// HRI text `(01)...` that is not well formed.
    BadHri {
        /// The text (shortened).
        text: String,
    },

    /// A web address that looks like, but is not, a GS1 Digital Link.
    NotDigitalLink,
    /// Digital Link qualifiers out of order or not allowed for the key.
    DigitalLinkQualifier {
        /// The primary key AI.
        key: &'static str,
        /// The offending qualifier.
        qualifier: String,
        /// The allowed qualifier sequences.
        allowed: String,
    },
    /// A key qualifier given as a query attribute instead of in the path.
    DigitalLinkQualifierInQuery {
        /// The primary key AI.
        key: &'static str,
        /// The qualifier found in the query.
        ai: &'static str,
    },
    /// A Digital Link query attribute that is not allowed.
    DigitalLinkAttribute {
        /// The AI.
        ai: String,
    },
    /// A web address meant as a GS1 Digital Link (on GS1's resolver, or with an AI in its
    /// query) whose path holds no GS1 primary key.
    DigitalLinkWithoutKey {
        /// Whether the host is `id.gs1.org` (otherwise an AI was found in the query).
        on_resolver: bool,
    },
    /// A Digital Link query parameter named by digits that are no GS1 Application Identifier.
    UnknownAiInQuery {
        /// The parameter's name (shortened).
        name: String,
    },
    /// Bad percent-encoding in a Digital Link.
    BadPercentEncoding {
        /// The offending text (shortened).
        text: String,
    },
    /// Element strings that cannot be rendered as a Digital Link.
    NoDigitalLinkKey,

    /// An EAN/UPC/ITF barcode whose digits do not make a GTIN.
    BadGtinData {
        /// Name of the symbology.
        symbology: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The data (shortened).
        data: String,
    },

    /// A scan with the shape of a state tag (Metrc's `1A` prefix, a BioTrack id's digits) that
    /// is not one: cut short, too long, or misread.
    DamagedTag {
        /// The kind of tag it looks like ([`Kind::MetrcTag`] or [`Kind::BiotrackId`]).
        kind: Kind,
        /// What is wrong.
        damage: TagDamage,
    },

    /// RFID data that is not hexadecimal.
    BadHex {
        /// The text (shortened).
        text: String,
        /// Why.
        reason: String,
    },
    /// An EPC that the Tag Data Standard rejects.
    Epc {
        /// The EPC decoder's message.
        message: String,
    },
}

/// Something a receiver should know about a scan that is not wrong in itself: the scan had
/// no symbology identifier and could be read more than one way, and the reading chosen is
/// not clearly the right one. Warnings do not make a scan invalid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScanWarning {
    /// Another reading of the same data is valid too.
    AlsoValid {
        /// The kind of the other valid reading.
        other: Kind,
        /// That reading: its HRI or state UID.
        reading: String,
    },
    /// The chosen reading is a format any data of this length matches (a BioTrack id), while
    /// a GS1 reading of the same data fails its checks: if the label is a GS1 barcode, it is
    /// wrong.
    WeakReading {
        /// The kind chosen.
        chosen: Kind,
        /// Length of the data.
        len: usize,
        /// The first problem of the GS1 reading.
        problem: Box<ScanError>,
    },
    /// The RFID reader sent the tag's PC word in front of the EPC; it was removed.
    PcWordRemoved {
        /// The PC word in hexadecimal, e.g. `3000`.
        pc: String,
    },
    /// The tag's EPC memory holds zero words after a complete EPC (a tag with more EPC memory
    /// than its EPC needs); they were ignored.
    ZeroPadding {
        /// 16-bit words of zeros.
        words: usize,
        /// Length of the EPC in bits.
        bits: usize,
    },
}

impl ScanWarning {
    /// The message in `language`: the catalogue, each warning's English (also `Display`) and
    /// Spanish side by side.
    pub fn message(&self, language: Language) -> String {
        match self {
            ScanWarning::AlsoValid { other, reading } => {
                let other = other.name(language);
                bilingual!(language,
                    en: "this scan is also a valid {other} ({reading}); turn on symbology identifiers (AIM) in the \
                         scanner so tally can tell them apart",
                    es: "este escaneo también es un {other} válido ({reading}); active los identificadores de \
                         simbología (AIM) en el escáner para que tally los distinga",
                )
            }
            ScanWarning::WeakReading {
                chosen,
                len,
                problem,
            } => {
                let chosen = chosen.name(language);
                let problem = problem.message(language);
                bilingual!(language,
                    en: "read as a {chosen} because any {len} digits are one; if this is a GS1 barcode and not a {chosen}, \
                         it is wrong: {problem}",
                    es: "leído como {chosen} porque cualquier número de {len} dígitos lo es; si es un código GS1 \
                         y no un {chosen}, está mal: {problem}",
                )
            }
            ScanWarning::PcWordRemoved { pc } => bilingual!(language,
                en: "the reader sent the tag's PC word {pc} in front of the EPC; it was removed",
                es: "el lector envió la palabra PC {pc} de la etiqueta delante del EPC; se ha quitado",
            ),
            ScanWarning::ZeroPadding { words, bits } => bilingual!(language,
                en: "the tag's EPC memory holds {words} word(s) of zeros after its {bits}-bit EPC (the tag \
                     has more EPC memory than the EPC needs); they were ignored",
                es: "la memoria EPC de la etiqueta tiene {words} palabra(s) de ceros después de su EPC \
                     de {bits} bits (la etiqueta tiene más memoria EPC de la que el EPC necesita); se \
                     han ignorado",
            ),
        }
    }
}

impl Serialize for ScanWarning {
    /// Warnings travel as their human-readable message.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The languages of the floor and the message trait, shared by every crate.
pub use tally_vocab::{Language, Message};

display_in_english!(ScanError, ScanWarning);

impl Message for ScanWarning {
    fn message(&self, language: Language) -> String {
        ScanWarning::message(self, language)
    }
}

impl Message for ScanError {
    fn message(&self, language: Language) -> String {
        ScanError::message(self, language)
    }
}

impl ScanError {
    /// The message in `language`: the catalogue, each error's English (also `Display`) and
    /// Spanish side by side, one arm per variant and no wildcard, so a new variant cannot be
    /// added without both. GS1 data titles (`BATCH/LOT`) stay as GS1 publishes them.
    pub fn message(&self, language: Language) -> String {
        match self {
            ScanError::Empty => bilingual!(language,
                en: "the scan is empty",
                es: "el escaneo está vacío",
            ),
            ScanError::TooLong { len, max } => bilingual!(language,
                en: "the scan is {len} bytes long; tally reads at most {max} bytes per scan",
                es: "el escaneo tiene {len} bytes; tally lee como máximo {max} bytes por escaneo",
            ),
            ScanError::SymbologyTruncated => bilingual!(language,
                en: "the scan starts with \"]\" but the symbology identifier after it is cut short",
                es: "el escaneo empieza con \"]\" pero el identificador de simbología está cortado",
            ),
            ScanError::UnknownSymbology { code } => bilingual!(language,
                en: "unknown symbology identifier \"]{code}\": no barcode type uses the code character '{code}' \
                     (check the scanner's AIM identifier setting)",
                es: "identificador de simbología desconocido \"]{code}\": ningún tipo de código usa el \
                     carácter '{code}' (revise la configuración de identificadores AIM del escáner)",
            ),
            ScanError::BadSymbologyModifier { code, modifier } => {
                let modifier = show_char(*modifier);
                bilingual!(language,
                    en: "symbology identifier \"]{code}\" is followed by {modifier}, which is not a valid modifier \
                         (a letter or digit)",
                    es: "el identificador de simbología \"]{code}\" va seguido de {modifier}, que no es un \
                         modificador válido (una letra o un dígito)",
                )
            }
            ScanError::NoSymbology => bilingual!(language,
                en: "the scan has no symbology identifier (it should start with \"]\")",
                es: "el escaneo no tiene identificador de simbología (debería empezar con \"]\")",
            ),
            ScanError::UnknownAi { remainder } => bilingual!(language,
                en: "\"{remainder}\" does not start with a GS1 Application Identifier",
                es: "\"{remainder}\" no empieza con un identificador de aplicación GS1",
            ),
            ScanError::MissingValue { ai, title } => bilingual!(language,
                en: "AI ({ai}) {title}: the value is missing",
                es: "IA ({ai}) {title}: falta el valor",
            ),
            ScanError::TooShort {
                ai,
                title,
                value,
                min,
                fixed,
                numeric,
            } => {
                let needs = needs(*min, *fixed, *numeric, language);
                bilingual!(language,
                    en: "AI ({ai}) {title}: \"{value}\" is too short, {needs}",
                    es: "IA ({ai}) {title}: \"{value}\" es demasiado corto, {needs}",
                )
            }
            ScanError::TooLongValue {
                ai,
                title,
                value,
                max,
            } => bilingual!(language,
                en: "AI ({ai}) {title}: \"{value}\" is too long, at most {max} characters",
                es: "IA ({ai}) {title}: \"{value}\" es demasiado largo, como máximo {max} caracteres",
            ),
            ScanError::BadCharacter {
                ai,
                title,
                value,
                character,
                allowed,
            } => {
                let character = show_char(*character);
                bilingual!(language,
                    en: "AI ({ai}) {title}: {character} is not allowed in \"{value}\" ({allowed})",
                    es: "IA ({ai}) {title}: {character} no está permitido en \"{value}\"",
                )
            }
            ScanError::CheckDigit {
                key,
                expected,
                actual,
                ..
            } => bilingual!(language,
                en: "{key} check digit should be {expected}, got {actual}",
                es: "el dígito de control del {key} debería ser {expected}, es {actual}",
            ),
            ScanError::CheckPair {
                key,
                expected,
                actual,
                ..
            } => bilingual!(language,
                en: "{key} check characters should be {expected}, got {actual}",
                es: "los caracteres de control del {key} deberían ser {expected}, son {actual}",
            ),
            ScanError::InvalidDate {
                ai,
                title,
                value,
                problem,
            } => {
                let why = date_problem(problem, language);
                bilingual!(language,
                    en: "AI ({ai}) {title}: \"{value}\" is not a valid date ({why})",
                    es: "IA ({ai}) {title}: \"{value}\" no es una fecha válida ({why})",
                )
            }
            ScanError::InvalidTime {
                ai,
                title,
                value,
                problem,
            } => {
                let why = time_problem(problem, language);
                bilingual!(language,
                    en: "AI ({ai}) {title}: \"{value}\" is not a valid time ({why})",
                    es: "IA ({ai}) {title}: \"{value}\" no es una hora válida ({why})",
                )
            }
            ScanError::Lint {
                ai,
                title,
                linter,
                value,
            } => {
                let why = lint(*linter, value, language);
                bilingual!(language,
                    en: "AI ({ai}) {title}: {why}",
                    es: "IA ({ai}) {title}: {why}",
                )
            }
            ScanError::Coupon { ai, title, problem } => {
                let why = coupon(problem, language);
                bilingual!(language,
                    en: "AI ({ai}) {title}: {why}",
                    es: "IA ({ai}) {title}: {why}",
                )
            }
            ScanError::ConflictingDuplicate { ai, first, second } => bilingual!(language,
                en: "AI ({ai}) appears twice with different values: \"{first}\" and \"{second}\"",
                es: "la IA ({ai}) aparece dos veces con valores distintos: \"{first}\" y \"{second}\"",
            ),
            ScanError::UriInElementString { symbology } => bilingual!(language,
                en: "a {symbology} barcode carries GS1 element strings, not a web address; a GS1 Digital Link \
                     is printed as a plain QR Code or Data Matrix",
                es: "un código {symbology} lleva cadenas de elementos GS1, no una dirección web; un GS1 \
                     Digital Link se imprime como código QR o Data Matrix normal",
            ),
            ScanError::HriInElementString { symbology } => bilingual!(language,
                en: "this {symbology} holds the printed text with brackets, like \"(01)…\", instead of GS1 \
                     data: the label is encoded wrongly (the values are shown as read)",
                es: "este {symbology} lleva el texto impreso con paréntesis, como \"(01)…\", en lugar \
                     de datos GS1: la etiqueta está mal codificada (los valores se muestran tal como se \
                     leyeron)",
            ),
            ScanError::BadHri { text } => bilingual!(language,
                en: "\"{text}\" is not a well-formed GS1 human-readable text like (01)09506000134352(10)A1",
                es: "\"{text}\" no es un texto legible GS1 bien formado como (01)09506000134352(10)A1",
            ),
            ScanError::NotDigitalLink => bilingual!(language,
                en: "this web address is not a valid GS1 Digital Link: after the GS1 key, its path must \
                     alternate AIs and values, like /01/09506000134352/10/A1",
                es: "esta dirección web no es un GS1 Digital Link válido: después \
                     de la clave GS1, la ruta debe alternar IA y valores, como /01/09506000134352/10/A1",
            ),
            ScanError::DigitalLinkQualifier {
                key,
                qualifier,
                allowed,
            } => bilingual!(language,
                en: "GS1 Digital Link: AI ({qualifier}) is not allowed in the path after ({key}) in this \
                     order; allowed: {allowed}",
                es: "GS1 Digital Link: la IA ({qualifier}) no está permitida en la ruta después de ({key}) \
                     en este orden; permitido: {allowed}",
            ),
            ScanError::DigitalLinkQualifierInQuery { key, ai } => bilingual!(language,
                en: "GS1 Digital Link: AI ({ai}) qualifies the key ({key}) and belongs in the path \
                     (/{key}/…/{ai}/…), not in the query",
                es: "GS1 Digital Link: la IA ({ai}) califica la clave ({key}) y va en la ruta \
                     (/{key}/…/{ai}/…), no en la consulta",
            ),
            ScanError::DigitalLinkAttribute { ai } => bilingual!(language,
                en: "GS1 Digital Link: AI ({ai}) may not be given as a query attribute",
                es: "GS1 Digital Link: la IA ({ai}) no puede ir como atributo de consulta",
            ),
            ScanError::DigitalLinkWithoutKey { on_resolver: true } => bilingual!(language,
                en: "this web address is on GS1's resolver id.gs1.org but its path has no GS1 primary key, \
                     like /01/ and a GTIN or /00/ and an SSCC: the label is encoded wrongly",
                es: "esta dirección web está en el resolutor de GS1 id.gs1.org pero su ruta no tiene \
                     clave primaria GS1, como /01/ y un GTIN o /00/ y un SSCC: la etiqueta está mal \
                     codificada",
            ),
            ScanError::DigitalLinkWithoutKey { on_resolver: false } => bilingual!(language,
                en: "this web address carries GS1 data in its query but its path has no GS1 primary key, \
                     like /01/ and a GTIN or /00/ and an SSCC: the label is encoded wrongly",
                es: "esta dirección web lleva datos GS1 en su consulta pero su ruta no tiene clave \
                     primaria GS1, como /01/ y un GTIN o /00/ y un SSCC: la etiqueta está mal codificada",
            ),
            ScanError::UnknownAiInQuery { name } => bilingual!(language,
                en: "GS1 Digital Link: query parameter \"{name}\" is a number but not a GS1 Application \
                     Identifier (a misprinted AI?)",
                es: "GS1 Digital Link: el parámetro de consulta \"{name}\" es un número pero no un \
                     identificador de aplicación GS1 (¿una IA mal impresa?)",
            ),
            ScanError::BadPercentEncoding { text } => bilingual!(language,
                en: "GS1 Digital Link: \"{text}\" is not valid percent-encoding",
                es: "GS1 Digital Link: \"{text}\" no es una codificación por porcentaje válida",
            ),
            ScanError::NoDigitalLinkKey => bilingual!(language,
                en: "no GS1 Digital Link primary key (GTIN, SSCC, GLN ...) among the elements",
                es: "ninguna clave primaria de GS1 Digital Link (GTIN, SSCC, GLN ...) entre los elementos",
            ),
            ScanError::BadGtinData {
                symbology,
                expected,
                data,
            } => {
                let expected = gtin_lengths(expected, language);
                bilingual!(language,
                    en: "{symbology} data should be {expected}, got \"{data}\"",
                    es: "los datos de {symbology} deberían ser {expected}, son \"{data}\"",
                )
            }
            ScanError::DamagedTag { kind, damage } => {
                let what = tag_damage(*kind, damage, language);
                let kind = kind.name(language);
                bilingual!(language,
                    en: "this looks like a damaged {kind}: {what}; scan it again, or key in the number printed on the tag",
                    es: "esto parece una lectura dañada de {kind}: {what}; escanéela de nuevo o teclee el \
                         número impreso en la etiqueta",
                )
            }
            ScanError::BadHex { text, reason } => bilingual!(language,
                en: "RFID: \"{text}\" is not EPC memory in hexadecimal: {reason}",
                es: "RFID: \"{text}\" no es memoria EPC en hexadecimal: {reason}",
            ),
            ScanError::Epc { message } => bilingual!(language,
                en: "RFID tag: {message}",
                es: "etiqueta RFID: {message}",
            ),
        }
    }
}

impl Serialize for ScanError {
    /// Errors travel as their human-readable message.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A character as a receiver can read it: `'A'`, `<GS>`, `\x01`.
fn show_char(c: char) -> String {
    match c {
        '\u{1d}' => "<GS>".into(),
        c if c.is_control() => format!("\\x{:02x}", u32::from(c)),
        c => format!("'{c}'"),
    }
}

/// The lengths an EAN/UPC barcode's data may have (the decoder's one `expected` text).
fn gtin_lengths(expected: &str, language: Language) -> String {
    match language {
        Language::English => expected.to_owned(),
        Language::Spanish => expected.replace(" or ", " o ").replace("digits", "dígitos"),
    }
}

/// The characters a state tag is made of (`0-9 and A-F`, `digits`), in `language`.
fn allowed_characters(allowed: &str, language: Language) -> String {
    match language {
        Language::English => allowed.to_owned(),
        Language::Spanish => allowed.replace(" and ", " y ").replace("digits", "dígitos"),
    }
}

fn tag_damage(kind: Kind, damage: &TagDamage, language: Language) -> String {
    let kind = kind.name(language);
    match *damage {
        TagDamage::Length { len, expected } => bilingual!(language,
            en: "it has {len} characters where a {kind} has {expected} (cut short or misread)",
            es: "tiene {len} caracteres en lugar de {expected} (cortada o mal leída)",
        ),
        TagDamage::Character {
            character,
            position,
            allowed,
        } => {
            let character = show_char(character);
            let allowed = allowed_characters(allowed, language);
            bilingual!(language,
                en: "character {position} is {character} where a {kind} holds only {allowed}",
                es: "el carácter {position} es {character}, pero solo se admiten {allowed}",
            )
        }
    }
}

fn coupon_field(field: CouponField, language: Language) -> String {
    let nth = |n: u8| match (n, language) {
        (1, Language::English) => "first",
        (2, Language::English) => "second",
        (_, Language::English) => "third",
        (1, Language::Spanish) => "primera",
        (2, Language::Spanish) => "segunda",
        (_, Language::Spanish) => "tercera",
    };
    match field {
        CouponField::CompanyPrefixLength => bilingual!(language,
            en: "the company prefix's length digit",
            es: "el dígito de longitud del prefijo de empresa",
        ),
        CouponField::CompanyPrefix => bilingual!(language,
            en: "the company prefix",
            es: "el prefijo de empresa",
        ),
        CouponField::OfferCode => bilingual!(language,
            en: "the offer code",
            es: "el código de oferta",
        ),
        CouponField::SaveValueLength => bilingual!(language,
            en: "the save value's length digit",
            es: "el dígito de longitud del valor de descuento",
        ),
        CouponField::SaveValue => bilingual!(language,
            en: "the save value",
            es: "el valor de descuento",
        ),
        CouponField::PurchaseRequirementLength(n) => {
            let nth = nth(n);
            bilingual!(language,
                en: "the {nth} purchase requirement's length digit",
                es: "el dígito de longitud del requisito de la {nth} compra",
            )
        }
        CouponField::PurchaseRequirement(n) => {
            let nth = nth(n);
            bilingual!(language,
                en: "the {nth} purchase requirement",
                es: "el requisito de la {nth} compra",
            )
        }
        CouponField::PurchaseRequirementCode(n) => {
            let nth = nth(n);
            bilingual!(language,
                en: "the {nth} purchase requirement code",
                es: "el código de requisito de la {nth} compra",
            )
        }
        CouponField::FamilyCode(n) => {
            let nth = nth(n);
            bilingual!(language,
                en: "the {nth} purchase family code",
                es: "el código de familia de la {nth} compra",
            )
        }
        CouponField::AdditionalRulesCode => bilingual!(language,
            en: "the additional purchase rules code",
            es: "el código de reglas de compra adicionales",
        ),
        CouponField::PurchaseCompanyPrefixLength(n) => {
            let nth = nth(n);
            bilingual!(language,
                en: "the {nth} purchase company prefix's length digit",
                es: "el dígito de longitud del prefijo de empresa de la {nth} compra",
            )
        }
        CouponField::PurchaseCompanyPrefix(n) => {
            let nth = nth(n);
            bilingual!(language,
                en: "the {nth} purchase company prefix",
                es: "el prefijo de empresa de la {nth} compra",
            )
        }
        CouponField::ExpirationDate => bilingual!(language,
            en: "the expiration date",
            es: "la fecha de caducidad",
        ),
        CouponField::StartDate => bilingual!(language,
            en: "the start date",
            es: "la fecha de inicio",
        ),
        CouponField::SerialNumberLength => bilingual!(language,
            en: "the serial number's length digit",
            es: "el dígito de longitud del número de serie",
        ),
        CouponField::SerialNumber => bilingual!(language,
            en: "the serial number",
            es: "el número de serie",
        ),
        CouponField::RetailerIdLength => bilingual!(language,
            en: "the retailer company prefix or GLN's length digit",
            es: "el dígito de longitud del prefijo de empresa o GLN del minorista",
        ),
        CouponField::RetailerId => bilingual!(language,
            en: "the retailer company prefix or GLN",
            es: "el prefijo de empresa o GLN del minorista",
        ),
        CouponField::SaveValueCode => bilingual!(language,
            en: "the save value code",
            es: "el código de valor de descuento",
        ),
        CouponField::SaveValueAppliesTo => bilingual!(language,
            en: "the \"save value applies to item\" digit",
            es: "el dígito «el descuento se aplica al artículo»",
        ),
        CouponField::StoreCouponFlag => bilingual!(language,
            en: "the store coupon flag",
            es: "el indicador de cupón de tienda",
        ),
        CouponField::DontMultiplyFlag => bilingual!(language,
            en: "the \"don't multiply\" flag",
            es: "el indicador «no multiplicar»",
        ),
        CouponField::FormatCode => bilingual!(language,
            en: "the format code",
            es: "el código de formato",
        ),
        CouponField::FunderIdLength => bilingual!(language,
            en: "the funder id's length digit",
            es: "el dígito de longitud del id del financiador",
        ),
        CouponField::FunderId => bilingual!(language,
            en: "the funder id",
            es: "el id del financiador",
        ),
    }
}

fn coupon(problem: &CouponProblem, language: Language) -> String {
    match *problem {
        CouponProblem::NotDigit { position } => bilingual!(language,
            en: "a coupon code is digits only, but character {position} is not a digit",
            es: "un código de cupón lleva solo dígitos, pero el carácter {position} no es un dígito",
        ),
        CouponProblem::Missing(field) => {
            let field = coupon_field(field, language);
            bilingual!(language,
                en: "the coupon code ends where {field} should start",
                es: "el código de cupón termina donde debería empezar {field}",
            )
        }
        CouponProblem::Invalid { field, found } => {
            let field = coupon_field(field, language);
            bilingual!(language,
                en: "{field} cannot be {found}",
                es: "{field} no puede ser {found}",
            )
        }
        CouponProblem::Truncated(field) => {
            let field = coupon_field(field, language);
            bilingual!(language,
                en: "the coupon code ends inside {field}",
                es: "el código de cupón termina dentro de {field}",
            )
        }
        CouponProblem::BadDate { field, problem } => {
            let field = coupon_field(field, language);
            let why = date_problem(&problem, language);
            bilingual!(language,
                en: "{field} is not a valid date ({why})",
                es: "{field} no es una fecha válida ({why})",
            )
        }
        CouponProblem::ExpiresBeforeStart => bilingual!(language,
            en: "the coupon's expiration date is before its start date",
            es: "la fecha de caducidad del cupón es anterior a su fecha de inicio",
        ),
        CouponProblem::ExcessData { position } => bilingual!(language,
            en: "the coupon code has data after its last field, from character {position}",
            es: "el código de cupón tiene datos después de su último campo, desde el carácter \
                 {position}",
        ),
    }
}

fn needs(min: usize, fixed: bool, numeric: bool, language: Language) -> String {
    match (fixed, numeric) {
        (true, true) => bilingual!(language,
            en: "it needs {min} digits",
            es: "necesita {min} dígitos",
        ),
        (true, false) => bilingual!(language,
            en: "it needs {min} characters",
            es: "necesita {min} caracteres",
        ),
        (false, true) => bilingual!(language,
            en: "it needs at least {min} digits",
            es: "necesita al menos {min} dígitos",
        ),
        (false, false) => bilingual!(language,
            en: "it needs at least {min} characters",
            es: "necesita al menos {min} caracteres",
        ),
    }
}

fn date_problem(problem: &DateProblem, language: Language) -> String {
    match *problem {
        DateProblem::NotDigits => bilingual!(language,
            en: "the date must be all digits, YYMMDD or YYYYMMDD",
            es: "la fecha debe ser solo dígitos, AAMMDD o AAAAMMDD",
        ),
        DateProblem::NoSuchMonth { month } => bilingual!(language,
            en: "month {month:02} does not exist",
            es: "el mes {month:02} no existe",
        ),
        DateProblem::NoSuchDay { year, month, day } => bilingual!(language,
            en: "{year:04}-{month:02} has no day {day:02}",
            es: "{year:04}-{month:02} no tiene día {day:02}",
        ),
        DateProblem::DayZeroNotAllowed => bilingual!(language,
            en: "day 00 is not allowed for this date",
            es: "el día 00 no está permitido en esta fecha",
        ),
    }
}

fn time_problem(problem: &TimeProblem, language: Language) -> String {
    match *problem {
        TimeProblem::NotDigits => bilingual!(language,
            en: "the time must be all digits, HHMM",
            es: "la hora debe ser solo dígitos, HHMM",
        ),
        TimeProblem::NoSuchHour { hour } => bilingual!(language,
            en: "hour {hour:02} does not exist",
            es: "la hora {hour:02} no existe",
        ),
        TimeProblem::NoSuchMinute { minute } => bilingual!(language,
            en: "minute or second {minute:02} does not exist",
            es: "el minuto o segundo {minute:02} no existe",
        ),
    }
}

fn lint(linter: Linter, value: &str, language: Language) -> String {
    match linter {
        Linter::Gcppos1 | Linter::Gcppos2 => bilingual!(language,
            en: "\"{value}\" must contain a GS1 Company Prefix (at least 4 digits) at its start",
            es: "\"{value}\" debe empezar con un prefijo de empresa GS1 (al menos 4 dígitos)",
        ),
        Linter::Iso3166 | Linter::Iso3166999 => bilingual!(language,
            en: "{value} is not an ISO 3166 country code",
            es: "{value} no es un código de país ISO 3166",
        ),
        Linter::Iso3166alpha2 => bilingual!(language,
            en: "{value} is not an ISO 3166 two-letter country code",
            es: "{value} no es un código de país ISO 3166 de dos letras",
        ),
        Linter::Iso4217 => bilingual!(language,
            en: "{value} is not an ISO 4217 currency code",
            es: "{value} no es un código de moneda ISO 4217",
        ),
        Linter::Iso5218 => bilingual!(language,
            en: "{value} is not a sex code (0, 1, 2 or 9)",
            es: "{value} no es un código de sexo (0, 1, 2 o 9)",
        ),
        Linter::Pcenc => bilingual!(language,
            en: "\"{value}\" has a % that is not followed by two hex digits",
            es: "\"{value}\" tiene un % que no va seguido de dos dígitos hexadecimales",
        ),
        Linter::Zero => bilingual!(language,
            en: "\"{value}\" must be 0",
            es: "\"{value}\" debe ser 0",
        ),
        Linter::Nonzero => bilingual!(language,
            en: "\"{value}\" must not be zero",
            es: "\"{value}\" no puede ser cero",
        ),
        Linter::Winding => bilingual!(language,
            en: "winding direction {value} must be 0, 1 or 9",
            es: "el sentido de bobinado {value} debe ser 0, 1 o 9",
        ),
        Linter::Pieceoftotal => bilingual!(language,
            en: "\"{value}\" is not a valid piece number and total (neither may be zero, and the piece \
                 may not exceed the total)",
            es: "\"{value}\" no es un número de pieza y total válido (ninguno puede ser cero, y la pieza \
                 no puede pasar del total)",
        ),
        Linter::Latitude => bilingual!(language,
            en: "{value} is not a valid latitude",
            es: "{value} no es una latitud válida",
        ),
        Linter::Longitude => bilingual!(language,
            en: "{value} is not a valid longitude",
            es: "{value} no es una longitud geográfica válida",
        ),
        Linter::Yesno => bilingual!(language,
            en: "{value} must be 0 (no) or 1 (yes)",
            es: "{value} debe ser 0 (no) o 1 (sí)",
        ),
        Linter::Hyphen => bilingual!(language,
            en: "\"{value}\" may only be a hyphen",
            es: "\"{value}\" solo puede ser un guion",
        ),
        Linter::Importeridx => bilingual!(language,
            en: "\"{value}\" is not an importer index character",
            es: "\"{value}\" no es un carácter de índice de importador",
        ),
        Linter::Mediatype => bilingual!(language,
            en: "{value} is not an AIDC media type (01-10 or 80-99)",
            es: "{value} no es un tipo de soporte AIDC (01-10 u 80-99)",
        ),
        Linter::Posinseqslash => bilingual!(language,
            en: "\"{value}\" is not a position in a sequence, like 1/3",
            es: "\"{value}\" no es una posición en una secuencia, como 1/3",
        ),
        Linter::Nozeroprefix => bilingual!(language,
            en: "\"{value}\" must not start with 0",
            es: "\"{value}\" no puede empezar con 0",
        ),
        Linter::Hasnondigit => bilingual!(language,
            en: "\"{value}\" must contain a character that is not a digit",
            es: "\"{value}\" debe contener un carácter que no sea un dígito",
        ),
        Linter::Iban => bilingual!(language,
            en: "\"{value}\" is not a valid IBAN",
            es: "\"{value}\" no es un IBAN válido",
        ),
        Linter::Packagetype => bilingual!(language,
            en: "{value} is not a GS1 package type code (UN/ECE Recommendation 21, like BX or CT)",
            es: "{value} no es un código de tipo de embalaje GS1 (Recomendación 21 de la CEPE/ONU, como BX o CT)",
        ),
        other => {
            let name = other.name();
            bilingual!(language,
                en: "\"{value}\" fails the GS1 {name} check",
                es: "\"{value}\" no cumple la regla GS1 «{name}»",
            )
        }
    }
}

/// At most this many characters of outside data are quoted in a message.
pub(crate) const QUOTE_MAX: usize = 40;

/// `text` shortened to [`QUOTE_MAX`] characters for quoting in a message, control characters
/// shown as `<GS>` or `\xNN`.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (count, chunk) in String::from_utf8_lossy(bytes).chars().enumerate() {
        if count == QUOTE_MAX {
            out.push('…');
            break;
        }
        match chunk {
            '\u{1d}' => out.push_str("<GS>"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// `bytes` as an owned string: a plain copy for valid UTF-8 (always the case for GS1 data),
/// replacement characters otherwise.
#[inline]
pub(crate) fn owned_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of every variant; the Spanish catalogue's exhaustive match keeps this honest.
    fn every_variant() -> Vec<ScanError> {
        let (ai, title) = ("17", "USE BY or EXPIRY");
        let mut all = vec![
            ScanError::Empty,
            ScanError::TooLong {
                len: 5000,
                max: 4096,
            },
            ScanError::SymbologyTruncated,
            ScanError::UnknownSymbology { code: 'W' },
            ScanError::BadSymbologyModifier {
                code: 'C',
                modifier: '\u{1d}',
            },
            ScanError::NoSymbology,
            ScanError::UnknownAi {
                remainder: "aaa".into(),
            },
            ScanError::MissingValue { ai, title },
            ScanError::TooShort {
                ai,
                title,
                value: "2512".into(),
                min: 6,
                fixed: true,
                numeric: true,
            },
            ScanError::TooLongValue {
                ai: "10",
                title: "BATCH/LOT",
                value: "X".into(),
                max: 20,
            },
            ScanError::BadCharacter {
                ai,
                title,
                value: "25A231".into(),
                character: 'A',
                allowed: "digits only",
            },
            ScanError::CheckDigit {
                ai: "01",
                key: "GTIN",
                expected: '8',
                actual: '7',
            },
            ScanError::CheckPair {
                ai: "8013",
                key: "GMN",
                expected: "2K".into(),
                actual: "2L".into(),
            },
            ScanError::InvalidDate {
                ai,
                title,
                value: "251301".into(),
                problem: DateProblem::NoSuchMonth { month: 13 },
            },
            ScanError::InvalidTime {
                ai: "7003",
                title: "EXPIRY TIME",
                value: "2460".into(),
                problem: TimeProblem::NoSuchHour { hour: 24 },
            },
            ScanError::Lint {
                ai: "422",
                title: "ORIGIN",
                linter: Linter::Iso3166,
                value: "999".into(),
            },
            ScanError::ConflictingDuplicate {
                ai: "10",
                first: "A".into(),
                second: "B".into(),
            },
            ScanError::UriInElementString {
                symbology: "GS1 QR Code",
            },
            ScanError::HriInElementString {
                symbology: "GS1 DataMatrix",
            },
            ScanError::BadHri { text: "(01".into() },
            ScanError::NotDigitalLink,
            ScanError::DigitalLinkQualifier {
                key: "01",
                qualifier: "22".into(),
                allowed: "(22) then (10) then (21)".into(),
            },
            ScanError::DigitalLinkQualifierInQuery {
                key: "01",
                ai: "10",
            },
            ScanError::DigitalLinkAttribute { ai: "21".into() },
            ScanError::BadPercentEncoding { text: "%zz".into() },
            ScanError::NoDigitalLinkKey,
            ScanError::BadGtinData {
                symbology: "EAN-13",
                expected: "8, 12 or 13 digits",
                data: "123".into(),
            },
            ScanError::BadHex {
                text: "zz".into(),
                reason: "not hex".into(),
            },
            ScanError::Epc {
                message: "bad partition".into(),
            },
            ScanError::DigitalLinkWithoutKey { on_resolver: true },
            ScanError::DigitalLinkWithoutKey { on_resolver: false },
            ScanError::UnknownAiInQuery { name: "99".into() },
            ScanError::TooShort {
                ai: "10",
                title: "BATCH/LOT",
                value: "".into(),
                min: 1,
                fixed: false,
                numeric: false,
            },
            ScanError::DamagedTag {
                kind: Kind::MetrcTag,
                damage: TagDamage::Length {
                    len: 22,
                    expected: 24,
                },
            },
            ScanError::DamagedTag {
                kind: Kind::BiotrackId,
                damage: TagDamage::Character {
                    character: 'x',
                    position: 3,
                    allowed: "digits",
                },
            },
            ScanError::DamagedTag {
                kind: Kind::MetrcTag,
                damage: TagDamage::Character {
                    character: '\u{1d}',
                    position: 5,
                    allowed: "0-9 and A-F",
                },
            },
        ];
        for problem in [
            DateProblem::NotDigits,
            DateProblem::NoSuchDay {
                year: 2025,
                month: 2,
                day: 29,
            },
            DateProblem::DayZeroNotAllowed,
        ] {
            all.push(ScanError::InvalidDate {
                ai,
                title,
                value: "250229".into(),
                problem,
            });
        }
        for problem in [
            TimeProblem::NotDigits,
            TimeProblem::NoSuchMinute { minute: 61 },
        ] {
            all.push(ScanError::InvalidTime {
                ai: "7003",
                title: "EXPIRY TIME",
                value: "2461".into(),
                problem,
            });
        }
        for linter in Linter::ALL {
            all.push(ScanError::Lint {
                ai: "7010",
                title: "PROD METHOD",
                linter: *linter,
                value: "ZZ".into(),
            });
        }
        for problem in coupon_problems() {
            all.push(ScanError::Coupon {
                ai: "8110",
                title: "COUPON CODE",
                problem,
            });
        }
        all
    }

    /// Every coupon problem, each field named once.
    fn coupon_problems() -> Vec<CouponProblem> {
        use CouponField as F;
        let fields = [
            F::CompanyPrefixLength,
            F::CompanyPrefix,
            F::OfferCode,
            F::SaveValueLength,
            F::SaveValue,
            F::PurchaseRequirementLength(1),
            F::PurchaseRequirement(2),
            F::PurchaseRequirementCode(3),
            F::FamilyCode(1),
            F::AdditionalRulesCode,
            F::PurchaseCompanyPrefixLength(2),
            F::PurchaseCompanyPrefix(3),
            F::ExpirationDate,
            F::StartDate,
            F::SerialNumberLength,
            F::SerialNumber,
            F::RetailerIdLength,
            F::RetailerId,
            F::SaveValueCode,
            F::SaveValueAppliesTo,
            F::StoreCouponFlag,
            F::DontMultiplyFlag,
            F::FormatCode,
            F::FunderIdLength,
            F::FunderId,
        ];
        let mut all: Vec<CouponProblem> =
            fields.iter().map(|f| CouponProblem::Missing(*f)).collect();
        all.extend([
            CouponProblem::NotDigit { position: 4 },
            CouponProblem::Invalid {
                field: F::SaveValueCode,
                found: '7',
            },
            CouponProblem::Truncated(F::OfferCode),
            CouponProblem::BadDate {
                field: F::StartDate,
                problem: DateProblem::NoSuchMonth { month: 13 },
            },
            CouponProblem::ExpiresBeforeStart,
            CouponProblem::ExcessData { position: 30 },
        ]);
        all
    }

    fn every_warning() -> Vec<ScanWarning> {
        vec![
            ScanWarning::AlsoValid {
                other: Kind::BiotrackId,
                reading: "0107032069804988".into(),
            },
            ScanWarning::WeakReading {
                chosen: Kind::BiotrackId,
                len: 16,
                problem: Box::new(ScanError::CheckDigit {
                    ai: "01",
                    key: "GTIN",
                    expected: '8',
                    actual: '7',
                }),
            },
            ScanWarning::PcWordRemoved { pc: "3000".into() },
            ScanWarning::ZeroPadding { words: 2, bits: 96 },
        ]
    }

    #[test]
    fn every_error_reads_in_english_and_spanish() {
        for error in every_variant() {
            let english = error.message(Language::English);
            let spanish = error.message(Language::Spanish);
            assert_eq!(english, error.to_string());
            assert!(!english.is_empty() && !spanish.is_empty(), "{error:?}");
            assert_ne!(english, spanish, "{error:?} has no Spanish text");
        }
    }

    #[test]
    fn every_warning_reads_in_english_and_spanish() {
        for warning in every_warning() {
            let english = warning.message(Language::English);
            let spanish = warning.message(Language::Spanish);
            assert_eq!(english, warning.to_string());
            assert!(!spanish.is_empty(), "{warning:?}");
            assert_ne!(english, spanish, "{warning:?} has no Spanish text");
        }
    }

    #[test]
    fn a_rule_of_the_gs1_dictionary_is_named_in_the_readers_language() {
        let lint = ScanError::Lint {
            ai: "422",
            title: "ORIGIN",
            linter: Linter::Iso3166,
            value: "999".into(),
        };
        assert_eq!(
            lint.message(Language::Spanish),
            "IA (422) ORIGIN: 999 no es un código de país ISO 3166"
        );
        let short = ScanError::BadGtinData {
            symbology: "EAN-13",
            expected: "8, 12 or 13 digits",
            data: "123".into(),
        };
        // Regression: the Spanish said "8, 12, 13 o 14" where the English says 8, 12 or 13.
        assert_eq!(
            short.message(Language::Spanish),
            "los datos de EAN-13 deberían ser 8, 12 o 13 dígitos, son \"123\""
        );
    }

    #[test]
    fn messages_name_the_problem() {
        let check = ScanError::CheckDigit {
            ai: "01",
            key: "GTIN",
            expected: '8',
            actual: '7',
        };
        assert_eq!(check.to_string(), "GTIN check digit should be 8, got 7");
        assert_eq!(
            check.message(Language::Spanish),
            "el dígito de control del GTIN debería ser 8, es 7"
        );
        let lint = ScanError::Lint {
            ai: "422",
            title: "ORIGIN",
            linter: Linter::Iso3166,
            value: "999".into(),
        };
        assert_eq!(
            lint.to_string(),
            "AI (422) ORIGIN: 999 is not an ISO 3166 country code"
        );
        assert_eq!(quote(b"ab\x1dc\x01"), "ab<GS>c\\x01");
        // Regression: the modifier was shown as Rust debug text ('\u{1d}').
        let modifier = ScanError::BadSymbologyModifier {
            code: 'C',
            modifier: '\u{1d}',
        };
        assert_eq!(
            modifier.to_string(),
            "symbology identifier \"]C\" is followed by <GS>, which is not a valid modifier \
             (a letter or digit)"
        );
        assert_eq!(quote(&[b'x'; 100]).chars().count(), QUOTE_MAX + 1);
    }
}
