//! Every way a scan can be wrong, as one enum with structured fields. `Display` says what is
//! wrong in the words of the receiver holding the scanner, never in parser jargon.

use serde::{Serialize, Serializer};
use thiserror::Error;

use crate::vocab::{CouponField, CouponProblem, DateProblem, Kind, Linter, TagDamage, TimeProblem};

/// A problem found in a scan.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScanError {
    /// Nothing was scanned.
    #[error("the scan is empty")]
    Empty,
    /// The scan is longer than any barcode or tag tally reads.
    #[error("the scan is {len} bytes long; tally reads at most {max} bytes per scan")]
    TooLong {
        /// Length of the scan in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },

    /// `]` with nothing usable after it.
    #[error("the scan starts with \"]\" but the symbology identifier after it is cut short")]
    SymbologyTruncated,
    /// An AIM code character ISO/IEC 15424 does not define.
    #[error(
        "unknown symbology identifier \"]{code}\": no barcode type uses the code character '{code}' \
         (check the scanner's AIM identifier setting)"
    )]
    UnknownSymbology {
        /// The code character after `]`.
        code: char,
    },
    /// A symbology identifier whose modifier is not a letter or digit.
    #[error(
        "symbology identifier \"]{code}\" is followed by {}, which is not a valid modifier \
         (a letter or digit)",
        show_char(*.modifier)
    )]
    BadSymbologyModifier {
        /// The code character.
        code: char,
        /// What came where the modifier belongs.
        modifier: char,
    },
    /// A scan with no symbology identifier where one is required.
    #[error("the scan has no symbology identifier (it should start with \"]\")")]
    NoSymbology,

    /// Data where a GS1 Application Identifier should start, that is not one.
    #[error("\"{remainder}\" does not start with a GS1 Application Identifier")]
    UnknownAi {
        /// The data from that point on (shortened).
        remainder: String,
    },
    /// An AI with no data after it.
    #[error("AI ({ai}) {title}: the value is missing")]
    MissingValue {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
    },
    /// A value shorter than its AI requires.
    #[error("AI ({ai}) {title}: \"{value}\" is too short, {}", needs_en(*.min, *.fixed, *.numeric))]
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
    #[error("AI ({ai}) {title}: \"{value}\" is too long, at most {max} characters")]
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
    #[error("AI ({ai}) {title}: {} is not allowed in \"{value}\" ({allowed})", show_char(*.character))]
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
    #[error("{key} check digit should be {expected}, got {actual}")]
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
    #[error("{key} check characters should be {expected}, got {actual}")]
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
    #[error("AI ({ai}) {title}: \"{value}\" is not a valid date ({})", date_en(.problem))]
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
    #[error("AI ({ai}) {title}: \"{value}\" is not a valid time ({})", time_en(.problem))]
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
    #[error("AI ({ai}) {title}: {}", lint_en(*.linter, .value))]
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
    #[error("AI ({ai}) {title}: {}", coupon_en(.problem))]
    Coupon {
        /// The AI.
        ai: &'static str,
        /// Its title.
        title: &'static str,
        /// What is wrong.
        problem: CouponProblem,
    },
    /// The same AI twice with different values.
    #[error("AI ({ai}) appears twice with different values: \"{first}\" and \"{second}\"")]
    ConflictingDuplicate {
        /// The AI.
        ai: &'static str,
        /// The first value.
        first: String,
        /// The second value.
        second: String,
    },
    /// A web address where GS1 element strings were announced.
    #[error(
        "a {symbology} barcode carries GS1 element strings, not a web address; a GS1 Digital Link \
         is printed as a plain QR Code or Data Matrix"
    )]
    UriInElementString {
        /// Name of the symbology.
        symbology: &'static str,
    },
    /// A GS1 barcode that holds the printed text with brackets instead of element strings.
    #[error(
        "this {symbology} holds the printed text with brackets, like \"(01)…\", instead of GS1 \
         data: the label is encoded wrongly (the values are shown as read)"
    )]
    HriInElementString {
        /// Name of the symbology.
        symbology: &'static str,
    },
    /// HRI text `(01)...` that is not well formed.
    #[error(
        "\"{text}\" is not a well-formed GS1 human-readable text like (01)09506000134352(10)A1"
    )]
    BadHri {
        /// The text (shortened).
        text: String,
    },

    /// A web address that looks like, but is not, a GS1 Digital Link.
    #[error(
        "this web address is not a valid GS1 Digital Link: after the GS1 key, its path must \
         alternate AIs and values, like /01/09506000134352/10/A1"
    )]
    NotDigitalLink,
    /// Digital Link qualifiers out of order or not allowed for the key.
    #[error(
        "GS1 Digital Link: AI ({qualifier}) is not allowed in the path after ({key}) in this \
         order; allowed: {allowed}"
    )]
    DigitalLinkQualifier {
        /// The primary key AI.
        key: &'static str,
        /// The offending qualifier.
        qualifier: String,
        /// The allowed qualifier sequences.
        allowed: String,
    },
    /// A key qualifier given as a query attribute instead of in the path.
    #[error(
        "GS1 Digital Link: AI ({ai}) qualifies the key ({key}) and belongs in the path \
         (/{key}/…/{ai}/…), not in the query"
    )]
    DigitalLinkQualifierInQuery {
        /// The primary key AI.
        key: &'static str,
        /// The qualifier found in the query.
        ai: &'static str,
    },
    /// A Digital Link query attribute that is not allowed.
    #[error("GS1 Digital Link: AI ({ai}) may not be given as a query attribute")]
    DigitalLinkAttribute {
        /// The AI.
        ai: String,
    },
    /// A web address meant as a GS1 Digital Link (on GS1's resolver, or with an AI in its
    /// query) whose path holds no GS1 primary key.
    #[error(
        "this web address {} but its path has no GS1 primary key, like /01/ and a GTIN or /00/ \
         and an SSCC: the label is encoded wrongly",
        if *.on_resolver { "is on GS1's resolver id.gs1.org" } else { "carries GS1 data in its query" }
    )]
    DigitalLinkWithoutKey {
        /// Whether the host is `id.gs1.org` (otherwise an AI was found in the query).
        on_resolver: bool,
    },
    /// A Digital Link query parameter named by digits that are no GS1 Application Identifier.
    #[error(
        "GS1 Digital Link: query parameter \"{name}\" is a number but not a GS1 Application \
         Identifier (a misprinted AI?)"
    )]
    UnknownAiInQuery {
        /// The parameter's name (shortened).
        name: String,
    },
    /// Bad percent-encoding in a Digital Link.
    #[error("GS1 Digital Link: \"{text}\" is not valid percent-encoding")]
    BadPercentEncoding {
        /// The offending text (shortened).
        text: String,
    },
    /// Element strings that cannot be rendered as a Digital Link.
    #[error("no GS1 Digital Link primary key (GTIN, SSCC, GLN ...) among the elements")]
    NoDigitalLinkKey,

    /// An EAN/UPC/ITF barcode whose digits do not make a GTIN.
    #[error("{symbology} data should be {expected}, got \"{data}\"")]
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
    #[error("this looks like a damaged {}: {}; scan it again, or key in the number printed on the tag",
        .kind.describe(), damage_en(*.kind, .damage))]
    DamagedTag {
        /// The kind of tag it looks like ([`Kind::MetrcTag`] or [`Kind::BiotrackId`]).
        kind: Kind,
        /// What is wrong.
        damage: TagDamage,
    },

    /// RFID data that is not hexadecimal.
    #[error("RFID: \"{text}\" is not EPC memory in hexadecimal: {reason}")]
    BadHex {
        /// The text (shortened).
        text: String,
        /// Why.
        reason: String,
    },
    /// An EPC that the Tag Data Standard rejects.
    #[error("RFID tag: {message}")]
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
    #[error(
        "this scan is also a valid {} ({reading}); turn on symbology identifiers (AIM) in the \
         scanner so tally can tell them apart",
        .other.describe()
    )]
    AlsoValid {
        /// The kind of the other valid reading.
        other: Kind,
        /// That reading: its HRI or state UID.
        reading: String,
    },
    /// The chosen reading is a format any data of this length matches (a BioTrack id), while
    /// a GS1 reading of the same data fails its checks: if the label is a GS1 barcode, it is
    /// wrong.
    #[error(
        "read as a {} because any {len} digits are one; if this is a GS1 barcode and not a {}, \
         it is wrong: {problem}",
        .chosen.describe(), .chosen.describe()
    )]
    WeakReading {
        /// The kind chosen.
        chosen: Kind,
        /// Length of the data.
        len: usize,
        /// The first problem of the GS1 reading.
        problem: Box<ScanError>,
    },
    /// The RFID reader sent the tag's PC word in front of the EPC; it was removed.
    #[error("the reader sent the tag's PC word {pc} in front of the EPC; it was removed")]
    PcWordRemoved {
        /// The PC word in hexadecimal, e.g. `3000`.
        pc: String,
    },
    /// The tag's EPC memory holds zero words after a complete EPC (a tag with more EPC memory
    /// than its EPC needs); they were ignored.
    #[error(
        "the tag's EPC memory holds {words} word(s) of zeros after its {bits}-bit EPC (the tag \
         has more EPC memory than the EPC needs); they were ignored"
    )]
    ZeroPadding {
        /// 16-bit words of zeros.
        words: usize,
        /// Length of the EPC in bits.
        bits: usize,
    },
}

impl ScanWarning {
    /// The message in `language`.
    pub fn message(&self, language: Language) -> String {
        match language {
            Language::English => self.to_string(),
            Language::Spanish => self.spanish(),
        }
    }

    /// The Spanish catalogue, one arm per variant.
    fn spanish(&self) -> String {
        match self {
            ScanWarning::AlsoValid { other, reading } => format!(
                "este escaneo también es un {} válido ({reading}); active los identificadores de \
                 simbología (AIM) en el escáner para que tally los distinga",
                kind_es(*other)
            ),
            ScanWarning::WeakReading {
                chosen,
                len,
                problem,
            } => format!(
                "leído como {} porque cualquier número de {len} dígitos lo es; si es un código GS1 \
                 y no un {}, está mal: {}",
                kind_es(*chosen),
                kind_es(*chosen),
                problem.message(Language::Spanish)
            ),
            ScanWarning::ZeroPadding { words, bits } => format!(
                "la memoria EPC de la etiqueta tiene {words} palabra(s) de ceros después de su EPC \
                 de {bits} bits (la etiqueta tiene más memoria EPC de la que el EPC necesita); se \
                 han ignorado"
            ),
            ScanWarning::PcWordRemoved { pc } => format!(
                "el lector envió la palabra PC {pc} de la etiqueta delante del EPC; se ha quitado"
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

/// A kind of scan in Spanish.
fn kind_es(kind: Kind) -> &'static str {
    match kind {
        Kind::Gs1 => "código GS1 (cadena de elementos)",
        Kind::Gs1DigitalLink => "GS1 Digital Link",
        Kind::Epc => "EPC de RFID",
        Kind::MetrcTag => "etiqueta Metrc",
        Kind::BiotrackId => "id de BioTrack",
        Kind::Gtin => "GTIN (EAN/UPC)",
        Kind::Text => "texto",
    }
}

/// A language the floor works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// English (also `Display`).
    #[default]
    English,
    /// Spanish.
    Spanish,
}

impl ScanError {
    /// The message in `language`. GS1 data titles (`BATCH/LOT`) stay as GS1 publishes them.
    pub fn message(&self, language: Language) -> String {
        match language {
            Language::English => self.to_string(),
            Language::Spanish => self.spanish(),
        }
    }

    /// The Spanish catalogue: one arm per variant, no wildcard, so a new variant cannot be
    /// added without its Spanish text.
    fn spanish(&self) -> String {
        match self {
            ScanError::Empty => "el escaneo está vacío".into(),
            ScanError::TooLong { len, max } => {
                format!("el escaneo tiene {len} bytes; tally lee como máximo {max} bytes por escaneo")
            }
            ScanError::SymbologyTruncated => {
                "el escaneo empieza con \"]\" pero el identificador de simbología está cortado".into()
            }
            ScanError::UnknownSymbology { code } => format!(
                "identificador de simbología desconocido \"]{code}\": ningún tipo de código usa el \
                 carácter '{code}' (revise la configuración de identificadores AIM del escáner)"
            ),
            ScanError::BadSymbologyModifier { code, modifier } => format!(
                "el identificador de simbología \"]{code}\" va seguido de {}, que no es un \
                 modificador válido (una letra o un dígito)",
                show_char(*modifier)
            ),
            ScanError::NoSymbology => {
                "el escaneo no tiene identificador de simbología (debería empezar con \"]\")".into()
            }
            ScanError::UnknownAi { remainder } => {
                format!("\"{remainder}\" no empieza con un identificador de aplicación GS1")
            }
            ScanError::MissingValue { ai, title } => format!("IA ({ai}) {title}: falta el valor"),
            ScanError::TooShort { ai, title, value, min, fixed, numeric } => {
                let what = if *numeric { "dígitos" } else { "caracteres" };
                let needs = if *fixed { format!("necesita {min} {what}") } else { format!("necesita al menos {min} {what}") };
                format!("IA ({ai}) {title}: \"{value}\" es demasiado corto, {needs}")
            }
            ScanError::TooLongValue { ai, title, value, max } => {
                format!("IA ({ai}) {title}: \"{value}\" es demasiado largo, como máximo {max} caracteres")
            }
            ScanError::BadCharacter { ai, title, value, character, .. } => {
                format!("IA ({ai}) {title}: {} no está permitido en \"{value}\"", show_char(*character))
            }
            ScanError::CheckDigit { key, expected, actual, .. } => {
                format!("el dígito de control del {key} debería ser {expected}, es {actual}")
            }
            ScanError::CheckPair { key, expected, actual, .. } => {
                format!("los caracteres de control del {key} deberían ser {expected}, son {actual}")
            }
            ScanError::InvalidDate { ai, title, value, problem } => {
                format!("IA ({ai}) {title}: \"{value}\" no es una fecha válida ({})", date_es(problem))
            }
            ScanError::InvalidTime { ai, title, value, problem } => {
                let why = match *problem {
                    TimeProblem::NotDigits => "la hora debe ser solo dígitos, HHMM".to_string(),
                    TimeProblem::NoSuchHour { hour } => format!("la hora {hour:02} no existe"),
                    TimeProblem::NoSuchMinute { minute } => format!("el minuto o segundo {minute:02} no existe"),
                };
                format!("IA ({ai}) {title}: \"{value}\" no es una hora válida ({why})")
            }
            ScanError::Lint { ai, title, linter, value } => {
                format!("IA ({ai}) {title}: \"{value}\" no cumple la regla GS1 «{}»", linter.name())
            }
            ScanError::Coupon { ai, title, problem } => {
                format!("IA ({ai}) {title}: {}", coupon_es(problem))
            }
            ScanError::ConflictingDuplicate { ai, first, second } => {
                format!("la IA ({ai}) aparece dos veces con valores distintos: \"{first}\" y \"{second}\"")
            }
            ScanError::UriInElementString { symbology } => format!(
                "un código {symbology} lleva cadenas de elementos GS1, no una dirección web; un GS1 \
                 Digital Link se imprime como código QR o Data Matrix normal"
            ),
            ScanError::HriInElementString { symbology } => format!(
                "este {symbology} lleva el texto impreso con paréntesis, como \"(01)…\", en lugar \
                 de datos GS1: la etiqueta está mal codificada (los valores se muestran tal como se \
                 leyeron)"
            ),
            ScanError::BadHri { text } => format!(
                "\"{text}\" no es un texto legible GS1 bien formado como (01)09506000134352(10)A1"
            ),
            ScanError::NotDigitalLink => "esta dirección web no es un GS1 Digital Link válido: después \
                 de la clave GS1, la ruta debe alternar IA y valores, como /01/09506000134352/10/A1"
                .into(),
            ScanError::DigitalLinkQualifier { key, qualifier, allowed } => format!(
                "GS1 Digital Link: la IA ({qualifier}) no está permitida en la ruta después de ({key}) \
                 en este orden; permitido: {allowed}"
            ),
            ScanError::DigitalLinkQualifierInQuery { key, ai } => format!(
                "GS1 Digital Link: la IA ({ai}) califica la clave ({key}) y va en la ruta \
                 (/{key}/…/{ai}/…), no en la consulta"
            ),
            ScanError::DigitalLinkAttribute { ai } => {
                format!("GS1 Digital Link: la IA ({ai}) no puede ir como atributo de consulta")
            }
            ScanError::DigitalLinkWithoutKey { on_resolver } => format!(
                "esta dirección web {} pero su ruta no tiene clave primaria GS1, como /01/ y un \
                 GTIN o /00/ y un SSCC: la etiqueta está mal codificada",
                if *on_resolver {
                    "está en el resolutor de GS1 id.gs1.org"
                } else {
                    "lleva datos GS1 en su consulta"
                }
            ),
            ScanError::UnknownAiInQuery { name } => format!(
                "GS1 Digital Link: el parámetro de consulta \"{name}\" es un número pero no un \
                 identificador de aplicación GS1 (¿una IA mal impresa?)"
            ),
            ScanError::BadPercentEncoding { text } => {
                format!("GS1 Digital Link: \"{text}\" no es una codificación por porcentaje válida")
            }
            ScanError::NoDigitalLinkKey => {
                "ninguna clave primaria de GS1 Digital Link (GTIN, SSCC, GLN ...) entre los elementos".into()
            }
            ScanError::BadGtinData { symbology, data, .. } => {
                format!("los datos de {symbology} deberían ser 8, 12, 13 o 14 dígitos, son \"{data}\"")
            }
            ScanError::DamagedTag { kind, damage } => {
                let what = match *damage {
                    TagDamage::Length { len, expected } => format!(
                        "tiene {len} caracteres en lugar de {expected} (cortada o mal leída)"
                    ),
                    TagDamage::Character { character, position, allowed } => format!(
                        "el carácter {position} es {}, pero solo se admiten {}",
                        show_char(character),
                        allowed.replace(" and ", " y ").replace("digits", "dígitos")
                    ),
                };
                format!(
                    "esto parece una lectura dañada de {}: {what}; escanéela de nuevo o teclee el \
                     número impreso en la etiqueta",
                    kind_es(*kind)
                )
            }
            ScanError::BadHex { text, reason } => {
                format!("RFID: \"{text}\" no es memoria EPC en hexadecimal: {reason}")
            }
            ScanError::Epc { message } => format!("etiqueta RFID: {message}"),
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

fn damage_en(kind: Kind, damage: &TagDamage) -> String {
    match *damage {
        TagDamage::Length { len, expected } => format!(
            "it has {len} characters where a {} has {expected} (cut short or misread)",
            kind.describe()
        ),
        TagDamage::Character {
            character,
            position,
            allowed,
        } => format!(
            "character {position} is {} where a {} holds only {allowed}",
            show_char(character),
            kind.describe()
        ),
    }
}

fn coupon_field_en(field: CouponField) -> String {
    let nth = |n: u8| match n {
        1 => "first",
        2 => "second",
        _ => "third",
    };
    match field {
        CouponField::CompanyPrefixLength => "the company prefix's length digit".into(),
        CouponField::CompanyPrefix => "the company prefix".into(),
        CouponField::OfferCode => "the offer code".into(),
        CouponField::SaveValueLength => "the save value's length digit".into(),
        CouponField::SaveValue => "the save value".into(),
        CouponField::PurchaseRequirementLength(n) => {
            format!("the {} purchase requirement's length digit", nth(n))
        }
        CouponField::PurchaseRequirement(n) => format!("the {} purchase requirement", nth(n)),
        CouponField::PurchaseRequirementCode(n) => {
            format!("the {} purchase requirement code", nth(n))
        }
        CouponField::FamilyCode(n) => format!("the {} purchase family code", nth(n)),
        CouponField::AdditionalRulesCode => "the additional purchase rules code".into(),
        CouponField::PurchaseCompanyPrefixLength(n) => {
            format!("the {} purchase company prefix's length digit", nth(n))
        }
        CouponField::PurchaseCompanyPrefix(n) => {
            format!("the {} purchase company prefix", nth(n))
        }
        CouponField::ExpirationDate => "the expiration date".into(),
        CouponField::StartDate => "the start date".into(),
        CouponField::SerialNumberLength => "the serial number's length digit".into(),
        CouponField::SerialNumber => "the serial number".into(),
        CouponField::RetailerIdLength => "the retailer company prefix or GLN's length digit".into(),
        CouponField::RetailerId => "the retailer company prefix or GLN".into(),
        CouponField::SaveValueCode => "the save value code".into(),
        CouponField::SaveValueAppliesTo => "the \"save value applies to item\" digit".into(),
        CouponField::StoreCouponFlag => "the store coupon flag".into(),
        CouponField::DontMultiplyFlag => "the \"don't multiply\" flag".into(),
        CouponField::FormatCode => "the format code".into(),
        CouponField::FunderIdLength => "the funder id's length digit".into(),
        CouponField::FunderId => "the funder id".into(),
    }
}

fn coupon_field_es(field: CouponField) -> String {
    let nth = |n: u8| match n {
        1 => "primera",
        2 => "segunda",
        _ => "tercera",
    };
    match field {
        CouponField::CompanyPrefixLength => "el dígito de longitud del prefijo de empresa".into(),
        CouponField::CompanyPrefix => "el prefijo de empresa".into(),
        CouponField::OfferCode => "el código de oferta".into(),
        CouponField::SaveValueLength => "el dígito de longitud del valor de descuento".into(),
        CouponField::SaveValue => "el valor de descuento".into(),
        CouponField::PurchaseRequirementLength(n) => {
            format!(
                "el dígito de longitud del requisito de la {} compra",
                nth(n)
            )
        }
        CouponField::PurchaseRequirement(n) => format!("el requisito de la {} compra", nth(n)),
        CouponField::PurchaseRequirementCode(n) => {
            format!("el código de requisito de la {} compra", nth(n))
        }
        CouponField::FamilyCode(n) => format!("el código de familia de la {} compra", nth(n)),
        CouponField::AdditionalRulesCode => "el código de reglas de compra adicionales".into(),
        CouponField::PurchaseCompanyPrefixLength(n) => {
            format!(
                "el dígito de longitud del prefijo de empresa de la {} compra",
                nth(n)
            )
        }
        CouponField::PurchaseCompanyPrefix(n) => {
            format!("el prefijo de empresa de la {} compra", nth(n))
        }
        CouponField::ExpirationDate => "la fecha de caducidad".into(),
        CouponField::StartDate => "la fecha de inicio".into(),
        CouponField::SerialNumberLength => "el dígito de longitud del número de serie".into(),
        CouponField::SerialNumber => "el número de serie".into(),
        CouponField::RetailerIdLength => {
            "el dígito de longitud del prefijo de empresa o GLN del minorista".into()
        }
        CouponField::RetailerId => "el prefijo de empresa o GLN del minorista".into(),
        CouponField::SaveValueCode => "el código de valor de descuento".into(),
        CouponField::SaveValueAppliesTo => "el dígito «el descuento se aplica al artículo»".into(),
        CouponField::StoreCouponFlag => "el indicador de cupón de tienda".into(),
        CouponField::DontMultiplyFlag => "el indicador «no multiplicar»".into(),
        CouponField::FormatCode => "el código de formato".into(),
        CouponField::FunderIdLength => "el dígito de longitud del id del financiador".into(),
        CouponField::FunderId => "el id del financiador".into(),
    }
}

fn coupon_en(problem: &CouponProblem) -> String {
    match *problem {
        CouponProblem::NotDigit { position } => {
            format!("a coupon code is digits only, but character {position} is not a digit")
        }
        CouponProblem::Missing(field) => {
            format!(
                "the coupon code ends where {} should start",
                coupon_field_en(field)
            )
        }
        CouponProblem::Invalid { field, found } => {
            format!("{} cannot be {found}", coupon_field_en(field))
        }
        CouponProblem::Truncated(field) => {
            format!("the coupon code ends inside {}", coupon_field_en(field))
        }
        CouponProblem::BadDate { field, problem } => {
            format!(
                "{} is not a valid date ({})",
                coupon_field_en(field),
                date_en(&problem)
            )
        }
        CouponProblem::ExpiresBeforeStart => {
            "the coupon's expiration date is before its start date".into()
        }
        CouponProblem::ExcessData { position } => {
            format!("the coupon code has data after its last field, from character {position}")
        }
    }
}

fn coupon_es(problem: &CouponProblem) -> String {
    match *problem {
        CouponProblem::NotDigit { position } => format!(
            "un código de cupón lleva solo dígitos, pero el carácter {position} no es un dígito"
        ),
        CouponProblem::Missing(field) => format!(
            "el código de cupón termina donde debería empezar {}",
            coupon_field_es(field)
        ),
        CouponProblem::Invalid { field, found } => {
            format!("{} no puede ser {found}", coupon_field_es(field))
        }
        CouponProblem::Truncated(field) => {
            format!(
                "el código de cupón termina dentro de {}",
                coupon_field_es(field)
            )
        }
        CouponProblem::BadDate { field, problem } => format!(
            "{} no es una fecha válida ({})",
            coupon_field_es(field),
            date_es(&problem)
        ),
        CouponProblem::ExpiresBeforeStart => {
            "la fecha de caducidad del cupón es anterior a su fecha de inicio".into()
        }
        CouponProblem::ExcessData { position } => format!(
            "el código de cupón tiene datos después de su último campo, desde el carácter \
             {position}"
        ),
    }
}

fn needs_en(min: usize, fixed: bool, numeric: bool) -> String {
    let what = if numeric { "digits" } else { "characters" };
    if fixed {
        format!("it needs {min} {what}")
    } else {
        format!("it needs at least {min} {what}")
    }
}

fn date_en(problem: &DateProblem) -> String {
    match *problem {
        DateProblem::NotDigits => "the date must be all digits, YYMMDD or YYYYMMDD".into(),
        DateProblem::NoSuchMonth { month } => format!("month {month:02} does not exist"),
        DateProblem::NoSuchDay { year, month, day } => {
            format!("{year:04}-{month:02} has no day {day:02}")
        }
        DateProblem::DayZeroNotAllowed => "day 00 is not allowed for this date".into(),
    }
}

fn date_es(problem: &DateProblem) -> String {
    match *problem {
        DateProblem::NotDigits => "la fecha debe ser solo dígitos, AAMMDD o AAAAMMDD".into(),
        DateProblem::NoSuchMonth { month } => format!("el mes {month:02} no existe"),
        DateProblem::NoSuchDay { year, month, day } => {
            format!("{year:04}-{month:02} no tiene día {day:02}")
        }
        DateProblem::DayZeroNotAllowed => "el día 00 no está permitido en esta fecha".into(),
    }
}

fn time_en(problem: &TimeProblem) -> String {
    match *problem {
        TimeProblem::NotDigits => "the time must be all digits, HHMM".into(),
        TimeProblem::NoSuchHour { hour } => format!("hour {hour:02} does not exist"),
        TimeProblem::NoSuchMinute { minute } => {
            format!("minute or second {minute:02} does not exist")
        }
    }
}

fn lint_en(linter: Linter, value: &str) -> String {
    match linter {
        Linter::Gcppos1 | Linter::Gcppos2 => {
            format!(
                "\"{value}\" must contain a GS1 Company Prefix (at least 4 digits) at its start"
            )
        }
        Linter::Iso3166 | Linter::Iso3166999 => format!("{value} is not an ISO 3166 country code"),
        Linter::Iso3166alpha2 => format!("{value} is not an ISO 3166 two-letter country code"),
        Linter::Iso4217 => format!("{value} is not an ISO 4217 currency code"),
        Linter::Iso5218 => format!("{value} is not a sex code (0, 1, 2 or 9)"),
        Linter::Pcenc => format!("\"{value}\" has a % that is not followed by two hex digits"),
        Linter::Zero => format!("\"{value}\" must be 0"),
        Linter::Nonzero => format!("\"{value}\" must not be zero"),
        Linter::Winding => format!("winding direction {value} must be 0, 1 or 9"),
        Linter::Pieceoftotal => format!(
            "\"{value}\" is not a valid piece number and total (neither may be zero, and the piece \
             may not exceed the total)"
        ),
        Linter::Latitude => format!("{value} is not a valid latitude"),
        Linter::Longitude => format!("{value} is not a valid longitude"),
        Linter::Yesno => format!("{value} must be 0 (no) or 1 (yes)"),
        Linter::Hyphen => format!("\"{value}\" may only be a hyphen"),
        Linter::Importeridx => format!("\"{value}\" is not an importer index character"),
        Linter::Mediatype => format!("{value} is not an AIDC media type (01-10 or 80-99)"),
        Linter::Posinseqslash => format!("\"{value}\" is not a position in a sequence, like 1/3"),
        Linter::Nozeroprefix => format!("\"{value}\" must not start with 0"),
        Linter::Hasnondigit => format!("\"{value}\" must contain a character that is not a digit"),
        Linter::Iban => format!("\"{value}\" is not a valid IBAN"),
        Linter::Packagetype => format!(
            "{value} is not a GS1 package type code (UN/ECE Recommendation 21, like BX or CT)"
        ),
        other => format!("\"{value}\" fails the GS1 {} check", other.name()),
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
        vec![
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
        let warnings = [
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
        ];
        for warning in warnings {
            let english = warning.message(Language::English);
            let spanish = warning.message(Language::Spanish);
            assert_eq!(english, warning.to_string());
            assert_ne!(english, spanish, "{warning:?} has no Spanish text");
        }
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
