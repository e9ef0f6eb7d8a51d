//! The GS1 Application Identifier table: what each AI is called, how its data is laid out
//! (components of numeric or alphanumeric characters, fixed or variable length), whether a
//! separator must follow it, which content checks ("linters") apply, and its GS1 Digital Link
//! role.
//!
//! The table itself (`ai_table.rs`) is generated from the GS1 Barcode Syntax Dictionary
//! (`data/gs1-syntax-dictionary.txt`) by the `ai_table` test; never edit it by hand.

use std::fmt;

pub use crate::vocab::Linter;

/// The character set a component's characters are drawn from (GS1 General Specifications §7.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// Digits `0`-`9` (dictionary type `N`).
    Numeric,
    /// GS1 AI encodable character set 82 (dictionary type `X`).
    Cset82,
    /// GS1 AI encodable character set 39 (dictionary type `Y`).
    Cset39,
    /// URL-safe base 64 (dictionary type `Z`).
    Base64Url,
}

impl Charset {
    /// The dictionary's letter for this character set.
    pub fn letter(self) -> char {
        match self {
            Charset::Numeric => 'N',
            Charset::Cset82 => 'X',
            Charset::Cset39 => 'Y',
            Charset::Base64Url => 'Z',
        }
    }

    /// The character set a dictionary letter stands for.
    pub fn from_letter(letter: char) -> Option<Charset> {
        match letter {
            'N' => Some(Charset::Numeric),
            'X' => Some(Charset::Cset82),
            'Y' => Some(Charset::Cset39),
            'Z' => Some(Charset::Base64Url),
            _ => None,
        }
    }

    /// Words a warehouse worker understands.
    pub fn describe(self) -> &'static str {
        match self {
            Charset::Numeric => "digits only",
            Charset::Cset82 => "letters, digits and GS1 punctuation",
            Charset::Cset39 => "upper-case letters, digits, # - /",
            Charset::Base64Url => "base64url characters",
        }
    }

    /// Whether `byte` belongs to the character set.
    #[inline]
    pub fn allows(self, byte: u8) -> bool {
        match self {
            Charset::Numeric => byte.is_ascii_digit(),
            Charset::Cset82 => is_cset82(byte),
            Charset::Cset39 => matches!(byte, b'#' | b'-' | b'/' | b'0'..=b'9' | b'A'..=b'Z'),
            Charset::Base64Url => {
                matches!(byte, b'-' | b'_' | b'=' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z')
            }
        }
    }
}

/// Whether `byte` is in GS1 CSET 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
#[inline]
pub fn is_cset82(byte: u8) -> bool {
    matches!(byte, b'!' | b'"' | b'%'..=b'?' | b'A'..=b'Z' | b'_' | b'a'..=b'z')
}

/// One component of an AI's data field, e.g. `N6,yymmd0` or `[X..16]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    /// Character set.
    pub charset: Charset,
    /// Fewest characters (equal to `max_len` for a fixed-length component).
    pub min_len: u8,
    /// Most characters.
    pub max_len: u8,
    /// Whether the component may be left out (only at the end of the data).
    pub optional: bool,
    /// Content checks, in the dictionary's order.
    pub linters: &'static [Linter],
}

impl Component {
    /// Whether the component always has the same length.
    pub fn is_fixed(&self) -> bool {
        self.min_len == self.max_len
    }
}

impl fmt::Display for Component {
    /// Renders the component as the syntax dictionary writes it, e.g. `[N3],iso3166`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.optional {
            f.write_str("[")?;
        }
        if self.is_fixed() {
            write!(f, "{}{}", self.charset.letter(), self.max_len)?;
        } else {
            write!(f, "{}..{}", self.charset.letter(), self.max_len)?;
        }
        if self.optional {
            f.write_str("]")?;
        }
        for linter in self.linters {
            write!(f, ",{}", linter.name())?;
        }
        Ok(())
    }
}

/// One Application Identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiDef {
    /// The AI, 2 to 4 digits.
    pub ai: &'static str,
    /// The GS1 data title, e.g. `BATCH/LOT`; empty where the dictionary gives none.
    pub title: &'static str,
    /// Whether a separator (FNC1/GS) must follow the data unless it ends the message
    /// (dictionary flag `*` absent).
    pub fnc1_required: bool,
    /// Whether the AI may be a GS1 Digital Link data attribute (dictionary flag `?`).
    pub dl_data_attribute: bool,
    /// The data field, component by component.
    pub components: &'static [Component],
    /// GS1 Digital Link primary-key role: `None` if the AI is not a primary key, otherwise the
    /// alternative ordered sequences of qualifier AIs (one empty sequence = no qualifiers).
    pub dl_primary_key: Option<&'static [&'static [&'static str]]>,
    /// The remaining dictionary attributes (`req=`, `ex=` association rules), verbatim.
    pub associations: &'static str,
}

impl AiDef {
    /// Fewest data characters.
    pub fn min_len(&self) -> usize {
        self.components
            .iter()
            .filter(|c| !c.optional)
            .map(|c| usize::from(c.min_len))
            .sum()
    }

    /// Most data characters.
    pub fn max_len(&self) -> usize {
        self.components.iter().map(|c| usize::from(c.max_len)).sum()
    }

    /// Whether the data always has the same length.
    pub fn is_fixed_len(&self) -> bool {
        self.components.iter().all(|c| c.is_fixed() && !c.optional)
    }

    /// The data specification as the dictionary writes it, e.g. `N13,csum,gcppos1 [X..17]`.
    pub fn format(&self) -> String {
        let parts: Vec<String> = self.components.iter().map(|c| c.to_string()).collect();
        parts.join(" ")
    }

    /// Every linter of every component.
    pub fn linters(&self) -> impl Iterator<Item = Linter> + '_ {
        self.components
            .iter()
            .flat_map(|c| c.linters.iter().copied())
    }

    /// Number of implied decimal places, for the measure and amount AIs whose last digit
    /// says where the decimal point goes (31nn-36nn, 390n-395n).
    pub fn decimals(&self) -> Option<u8> {
        let b = self.ai.as_bytes();
        if b.len() != 4 {
            return None;
        }
        let implied = matches!(b[1], b'1'..=b'6') && b[0] == b'3'
            || (b[0] == b'3' && b[1] == b'9' && matches!(b[2], b'0'..=b'3' | b'4' | b'5'));
        implied.then(|| b[3] - b'0')
    }
}

pub use super::ai_table::AI_TABLE;

/// Whether two AIs are the same, for the hot paths that compare every element's AI: AIs are
/// two to four digits, which a plain loop compares faster than a call to `memcmp`.
#[inline]
pub(crate) fn same_ai(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The order of two AIs as text (`"17" < "235" < "3103"`), what `str::cmp` gives, compared
/// byte by byte in line: a few digits are not worth a call to `memcmp`.
#[inline]
pub(crate) fn order(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .zip(b.bytes())
        .map(|(x, y)| x.cmp(&y))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()))
}

/// The AI definition for `ai` (exact digits, e.g. `"3103"`).
#[inline]
pub fn lookup(ai: &str) -> Option<&'static AiDef> {
    let def = lookup_prefix(ai.as_bytes())?;
    (def.ai.len() == ai.len()).then_some(def)
}

/// The AI that starts `data`, if any: GS1 AIs are prefix-free and their first two digits
/// fix their length. Constant time: one table read for the length, one for the AI.
#[inline]
pub fn lookup_prefix(data: &[u8]) -> Option<&'static AiDef> {
    AI_TABLE.get(table_index_of_prefix(data)?)
}

/// Where the AI `ai` (exact digits) is in [`AI_TABLE`], for tables kept beside it.
#[inline]
pub(crate) fn table_index(ai: &str) -> Option<usize> {
    let index = table_index_of_prefix(ai.as_bytes())?;
    (AI_TABLE.get(index)?.ai.len() == ai.len()).then_some(index)
}

/// Where the AI that starts `data` is in [`AI_TABLE`] (see [`lookup_prefix`]).
#[inline]
fn table_index_of_prefix(data: &[u8]) -> Option<usize> {
    let (&a, &b) = (data.first()?, data.get(1)?);
    if !a.is_ascii_digit() || !b.is_ascii_digit() {
        return None;
    }
    let prefix = usize::from(a - b'0') * 10 + usize::from(b - b'0');
    let len = usize::from(super::ai_table::AI_LENGTH_BY_PREFIX[prefix]);
    let mut code = prefix;
    for &digit in data.get(2..len)? {
        if !digit.is_ascii_digit() {
            return None;
        }
        code = code * 10 + usize::from(digit - b'0');
    }
    let slot = match len {
        2 => code,
        3 => INDEX_3_DIGIT + code,
        4 => INDEX_4_DIGIT + code,
        _ => return None,
    };
    match INDEX[slot] {
        NO_AI => None,
        i => Some(usize::from(i)),
    }
}

const INDEX_3_DIGIT: usize = 100;
const INDEX_4_DIGIT: usize = 1100;
const NO_AI: u16 = u16::MAX;

/// Position in [`AI_TABLE`] of every possible 2-, 3- and 4-digit AI, built at compile time.
static INDEX: [u16; 11_100] = build_index();

const fn build_index() -> [u16; 11_100] {
    let mut index = [NO_AI; 11_100];
    let mut i = 0;
    while i < AI_TABLE.len() {
        let ai = AI_TABLE[i].ai.as_bytes();
        let mut code = 0;
        let mut j = 0;
        while j < ai.len() {
            code = code * 10 + (ai[j] - b'0') as usize;
            j += 1;
        }
        let slot = match ai.len() {
            2 => code,
            3 => INDEX_3_DIGIT + code,
            _ => INDEX_4_DIGIT + code,
        };
        index[slot] = i as u16;
        i += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ais_compare_as_their_text_does() {
        let mut texts: Vec<&str> = AI_TABLE.iter().map(|d| d.ai).collect();
        texts.extend(["", "0", "1", "011", "99999"]);
        for a in &texts {
            for b in &texts {
                assert_eq!(order(a, b), a.cmp(b), "{a} {b}");
                assert_eq!(same_ai(a, b), a == b, "{a} {b}");
            }
        }
    }

    #[test]
    fn lookups() {
        let gtin = lookup("01").unwrap();
        assert_eq!(gtin.title, "GTIN");
        assert!(!gtin.fnc1_required);
        assert_eq!(gtin.format(), "N14,csum,gcppos2");
        assert_eq!(lookup_prefix(b"3103001250").unwrap().ai, "3103");
        assert_eq!(lookup_prefix(b"3103001250").unwrap().decimals(), Some(3));
        assert_eq!(lookup("10").unwrap().decimals(), None);
        assert_eq!(lookup("3932").unwrap().decimals(), Some(2));
        assert_eq!(lookup("7006").unwrap().decimals(), None);
        assert!(lookup("0").is_none());
        assert!(lookup("011").is_none());
        assert!(lookup_prefix(b"5").is_none());
        assert!(lookup_prefix(b"xx").is_none());
    }
}
