//! Character sets of the EPC string fields and the %-escaping of EPC URIs (TDS §5, Table A-1,
//! Table G-1).
//!
//! * 7-bit fields (SGTIN-198 serials and friends) hold the GS1 AI encodable character set 82.
//! * 6-bit fields (ADI, CPI-var) hold `A`–`Z`, `0`–`9`, `-`, `/` and `#`: the 6-bit code is the
//!   low six bits of the ASCII code.
//! * In URIs, `"` `%` `&` `/` `<` `>` `?` `#` are written `%22` `%25` `%26` `%2F` `%3C` `%3E`
//!   `%3F` `%23`; every other allowed character is written as itself.

/// True for the characters of GS1 AI encodable character set 82.
pub(crate) fn is_cs82(c: u8) -> bool {
    matches!(c,
        b'!' | b'"' | b'%' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b'-' | b'.'
        | b'/' | b'0'..=b'9' | b':' | b';' | b'<' | b'=' | b'>' | b'?' | b'A'..=b'Z' | b'_'
        | b'a'..=b'z')
}

/// Where a 6-bit string may hold `#`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    /// Anywhere (CPI part references).
    Anywhere,
    /// Only as the first character (ADI serials).
    First,
    /// Nowhere (ADI part numbers).
    Nowhere,
}

impl Hash {
    /// Where an ADI string field may hold `#`: first only when the table says so, else nowhere.
    pub(crate) fn of_adi(hash_first: bool) -> Hash {
        if hash_first {
            Hash::First
        } else {
            Hash::Nowhere
        }
    }
}

/// True when `c` may stand at `index` of a 6-bit string field.
pub(crate) fn is_six_bit_char(c: u8, index: usize, hash: Hash) -> bool {
    match c {
        b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'/' => true,
        b'#' => match hash {
            Hash::Anywhere => true,
            Hash::First => index == 0,
            Hash::Nowhere => false,
        },
        _ => false,
    }
}

/// The character a non-zero 6-bit code stands for.
pub(crate) fn six_bit_to_ascii(code: u8) -> u8 {
    if code < 0x20 {
        code | 0x40
    } else {
        code
    }
}

/// The 6-bit code of an ASCII character from the 6-bit set (or a space).
pub(crate) fn ascii_to_six_bit(c: u8) -> u8 {
    c & 0x3F
}

/// True for the characters of a CAGE code or DoDAAC: digits and capitals except `I` and `O`.
pub(crate) fn is_cage_char(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'A'..=b'H' | b'J'..=b'N' | b'P'..=b'Z')
}

fn must_escape(c: u8) -> bool {
    matches!(c, b'"' | b'%' | b'&' | b'/' | b'<' | b'>' | b'?' | b'#')
}

/// Appends `value` to `out` with URI escapes.
pub(crate) fn escape_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for c in value.chars() {
        match u8::try_from(c) {
            Ok(b) if must_escape(b) => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0x0F)] as char);
            }
            _ => out.push(c),
        }
    }
}

/// Why a URI component could not be unescaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnescapeError {
    /// A `%` not followed by two hex digits.
    BrokenEscape,
    /// A character that must be written as an escape, or is not ASCII.
    Unescaped(char),
}

/// Reverses [`escape_into`]: `%XX` becomes the character; characters that must be escaped may
/// not appear as themselves. Characters are not checked against a field's set here.
pub(crate) fn unescape(text: &str) -> Result<String, UnescapeError> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|h| (*h as char).to_digit(16));
            let lo = bytes.get(i + 2).and_then(|l| (*l as char).to_digit(16));
            match (hi, lo) {
                (Some(h), Some(l)) => out.push(char::from((h * 16 + l) as u8)),
                _ => return Err(UnescapeError::BrokenEscape),
            }
            i += 3;
        } else if !b.is_ascii() {
            let c = text[i..]
                .chars()
                .next()
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            return Err(UnescapeError::Unescaped(c));
        } else if must_escape(b) {
            return Err(UnescapeError::Unescaped(b as char));
        } else {
            out.push(b as char);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cs82_has_82_characters() {
        assert_eq!((0u8..=127).filter(|c| is_cs82(*c)).count(), 82);
    }

    #[test]
    fn escaping_round_trips_every_cs82_character() {
        let all: String = (0u8..=127)
            .filter(|c| is_cs82(*c))
            .map(char::from)
            .collect();
        let mut escaped = String::new();
        escape_into(&mut escaped, &all);
        for c in ['"', '%', '&', '/', '<', '>', '?'] {
            assert!(!escaped.contains(c) || c == '%', "{c} left unescaped");
        }
        assert!(escaped.contains("%2F") && escaped.contains("%25") && escaped.contains("%22"));
        assert_eq!(unescape(&escaped).as_deref(), Ok(all.as_str()));
    }

    #[test]
    fn unescape_rejects_raw_slash_and_broken_escapes() {
        assert_eq!(unescape("32a/b"), Err(UnescapeError::Unescaped('/')));
        assert_eq!(unescape("32a%2"), Err(UnescapeError::BrokenEscape));
        assert_eq!(unescape("32a%zz"), Err(UnescapeError::BrokenEscape));
        assert_eq!(unescape("é"), Err(UnescapeError::Unescaped('é')));
        assert_eq!(unescape("32a%2fb").as_deref(), Ok("32a/b"));
    }

    #[test]
    fn six_bit_codes_match_ascii_low_bits() {
        for c in (b'A'..=b'Z')
            .chain(b'0'..=b'9')
            .chain([b'-', b'/', b'#', b' '])
        {
            let code = ascii_to_six_bit(c);
            assert_ne!(code, 0);
            assert_eq!(six_bit_to_ascii(code), c);
        }
    }
}
