//! Reading and writing EPC URIs: tag URIs `urn:epc:tag:<scheme>:<filter>.<parts>`, pure-identity
//! URIs `urn:epc:id:<name>:<parts>` and raw URIs `urn:epc:raw:<bits>.x<HEX>` (TDS §6, §12).

use super::chars;
use super::error::EpcError;
use super::tables::{self, SchemeDef};
use super::{clip, MAX_EPC_BYTES};

/// The longest URI [`parse_tag_uri`] reads. The longest real tag URI (ADI-var with 32- and
/// 30-character fields, all escaped) is well under this.
pub(crate) const MAX_URI_CHARS: usize = 512;

/// A tag URI split into its scheme and parts (still escaped).
#[derive(Debug)]
pub(crate) enum TagUri<'a> {
    /// A scheme from the TDS tables.
    Scheme {
        def: &'static SchemeDef,
        filter: Option<&'a str>,
        parts: Vec<&'a str>,
    },
    /// A raw URI: the bytes it stands for.
    Raw(Vec<u8>),
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn not_epc(uri: &str) -> EpcError {
    EpcError::NotEpcUri {
        uri: clip(uri).to_owned(),
    }
}

/// Splits a tag URI (or raw URI) into scheme and parts. Control information in brackets
/// (`[umi=1]`, TDS §12.2) describes the PC word, not the EPC, and is skipped.
pub(crate) fn parse_tag_uri(uri: &str) -> Result<TagUri<'_>, EpcError> {
    if uri.len() > MAX_URI_CHARS {
        return Err(not_epc(uri));
    }
    let text = uri.trim();
    if let Some(rest) = strip_prefix_ignore_case(text, "urn:epc:raw:") {
        let body = skip_control(rest);
        // Written with or without a colon after the control fields.
        let body = if body.len() < rest.len() {
            body.strip_prefix(':').unwrap_or(body)
        } else {
            body
        };
        return parse_raw(uri, body).map(TagUri::Raw);
    }
    let rest = strip_prefix_ignore_case(text, "urn:epc:tag:").ok_or_else(|| not_epc(uri))?;
    let (name, body) = rest.split_once(':').ok_or_else(|| not_epc(uri))?;
    let def = tables::by_name(name).ok_or_else(|| EpcError::UnknownScheme {
        scheme: clip(name).to_owned(),
    })?;
    let body = skip_control(body);
    let expected = def.uri_parts();
    let mut parts: Vec<&str> = body.splitn(expected, '.').collect();
    if parts.len() != expected {
        return Err(EpcError::WrongPartCount {
            scheme: def.name,
            expected,
            found: parts.len(),
        });
    }
    let filter = if def.has_filter() {
        Some(parts.remove(0))
    } else {
        None
    };
    Ok(TagUri::Scheme { def, filter, parts })
}

/// Splits a pure-identity URI `urn:epc:id:<name>:<parts>` for encoding with `def`.
pub(crate) fn parse_pure_uri<'a>(
    uri: &'a str,
    def: &'static SchemeDef,
) -> Result<Vec<&'a str>, EpcError> {
    if uri.len() > MAX_URI_CHARS {
        return Err(not_epc(uri));
    }
    let text = uri.trim();
    let rest = strip_prefix_ignore_case(text, "urn:epc:id:").ok_or_else(|| not_epc(uri))?;
    let (name, body) = rest.split_once(':').ok_or_else(|| not_epc(uri))?;
    if !name.eq_ignore_ascii_case(def.pure) {
        return Err(EpcError::SchemeMismatch {
            scheme: def.name,
            identity: clip(name).to_owned(),
        });
    }
    let expected = def.uri_parts() - usize::from(def.has_filter());
    let parts: Vec<&str> = body.splitn(expected, '.').collect();
    if parts.len() != expected {
        return Err(EpcError::WrongPartCount {
            scheme: def.name,
            expected,
            found: parts.len(),
        });
    }
    Ok(parts)
}

/// Skips `[...]` groups at the front.
fn skip_control(mut text: &str) -> &str {
    while let Some(rest) = text.strip_prefix('[') {
        match rest.split_once(']') {
            Some((_, after)) => text = after,
            None => break,
        }
    }
    text
}

fn parse_raw(uri: &str, body: &str) -> Result<Vec<u8>, EpcError> {
    let bad = |reason: &'static str| EpcError::BadRawUri {
        uri: clip(uri).to_owned(),
        reason,
    };
    let (len, value) = body
        .split_once('.')
        .ok_or_else(|| bad("it needs <bits>.x<hex>"))?;
    let bits: usize = len
        .parse()
        .map_err(|_| bad("the length before the dot must be a number of bits"))?;
    let hex = value
        .strip_prefix('x')
        .or_else(|| value.strip_prefix('X'))
        .ok_or_else(|| bad("only the hex form .x<hex> can be written to a tag"))?;
    if bits == 0 || bits % 8 != 0 || bits > MAX_EPC_BYTES * 8 {
        return Err(bad(
            "the length must be a whole number of bytes, at most 496 bits",
        ));
    }
    if hex.len() != bits / 4 {
        return Err(bad("the number of hex digits does not match the length"));
    }
    let mut out = Vec::with_capacity(bits / 8);
    for pair in hex.as_bytes().chunks(2) {
        let digit = |b: u8| (b as char).to_digit(16);
        match pair {
            [h, l] => match (digit(*h), digit(*l)) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(bad("it contains a character that is not a hex digit")),
            },
            _ => return Err(bad("the number of hex digits does not match the length")),
        }
    }
    Ok(out)
}

/// `urn:epc:tag:<scheme>:[filter.]parts` with escapes.
pub(crate) fn tag_uri(def: &SchemeDef, filter: Option<u8>, parts: &[String]) -> String {
    let mut s = String::with_capacity(64);
    s.push_str("urn:epc:tag:");
    s.push_str(def.name);
    s.push(':');
    if let Some(f) = filter {
        s.push_str(&f.to_string());
        s.push('.');
    }
    push_parts(&mut s, parts);
    s
}

/// `urn:epc:id:<name>:parts` with escapes.
pub(crate) fn pure_uri(def: &SchemeDef, parts: &[String]) -> String {
    let mut s = String::with_capacity(64);
    s.push_str("urn:epc:id:");
    s.push_str(def.pure);
    s.push(':');
    push_parts(&mut s, parts);
    s
}

fn push_parts(s: &mut String, parts: &[String]) {
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        chars::escape_into(s, p);
    }
}
