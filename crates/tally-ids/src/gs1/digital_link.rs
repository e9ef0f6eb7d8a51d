//! GS1 Digital Link URIs: `https://id.gs1.org/01/09506000134352/10/A1?17=261231`.
//!
//! A URI is read into the same elements as an element string: the primary key and its
//! qualifiers from the path (in the order the syntax dictionary's `dlpkey` attribute allows),
//! then the data attributes from the query in the order they appear; values are
//! percent-decoded and checked like any element. Any domain and any path prefix before the
//! primary key are accepted; query parameters that are not AIs are ignored, except an
//! all-digit name that is no AI (a misprinted AI: an error). A web address with no primary key
//! is plain text, unless it is on GS1's resolver `id.gs1.org` or carries an AI in its query:
//! then it was meant as a Digital Link and the missing key is an error. (GS1's syntax engine
//! rejects every web address without a key; tally reads other web addresses, such as a
//! producer's site in a plain QR Code, as text.) Elements render back as the canonical URI on
//! `https://id.gs1.org`, data attributes sorted by AI.

use std::borrow::Cow;

use super::ai::{self, AiDef};
use super::element::{push_element, Element, ElementString, MAX_ELEMENTS};
use crate::date::Date;
use crate::error::{quote, ScanError};
use crate::spare::Spare;

/// The canonical GS1 resolver domain.
pub const CANONICAL_PREFIX: &str = "https://id.gs1.org";

/// Most path segments or query parameters read from one URI.
const MAX_PARTS: usize = 64;

/// Whether `data` is an http(s) URI (the only kind a Digital Link can be).
pub fn is_web_uri(data: &[u8]) -> bool {
    let starts = |prefix: &[u8]| {
        data.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    starts(b"https://") || starts(b"http://")
}

/// Reads a GS1 Digital Link URI. `None` when `uri` is not one at all (not http(s), or no GS1
/// primary key in its path), so the caller can treat it as plain text; otherwise the elements
/// and every problem found.
pub fn parse_digital_link(uri: &[u8], today: Date) -> Option<ElementString> {
    parse_digital_link_with(
        uri,
        std::str::from_utf8(uri).ok(),
        today,
        &mut Spare::default(),
    )
}

/// [`parse_digital_link`] in buffers kept from earlier scans; `text` is `uri` as text, `None`
/// when it is not UTF-8 (the caller checked it once for the whole scan).
pub(crate) fn parse_digital_link_with(
    uri: &[u8],
    text: Option<&str>,
    today: Date,
    spare: &mut Spare,
) -> Option<ElementString> {
    if !is_web_uri(uri) {
        return None;
    }
    let text = text?;
    // `http://` or `https://` (checked above): the scheme ends at the fifth or sixth byte.
    let after_scheme = &text[if uri[4] == b':' { 7 } else { 8 }..];
    let without_fragment = after_scheme.split('#').next().unwrap_or_default();
    let (before_query, query) = match without_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (without_fragment, None),
    };
    let path = before_query
        .find('/')
        .map_or("", |i| &before_query[i + 1..]);
    // The segments on the stack: this runs for every web address scanned.
    let mut all_segments = [""; MAX_PARTS + 1];
    let mut count = 0;
    for (slot, segment) in all_segments.iter_mut().zip(path.split('/')) {
        *slot = segment;
        count += 1;
    }
    if count > MAX_PARTS {
        return Some(failure(ScanError::NotDigitalLink));
    }
    let segments = &all_segments[..count];
    let key_index = (0..segments.len()).find(|&i| {
        ai::lookup(segments[i]).is_some_and(|d| d.dl_primary_key.is_some())
            && (segments.len() - i) % 2 == 0
            && segments[i..]
                .chunks(2)
                .all(|pair| ai::lookup(pair[0]).is_some())
    });
    let Some(key_index) = key_index else {
        if segments
            .iter()
            .any(|s| ai::lookup(s).is_some_and(|d| d.dl_primary_key.is_some()))
        {
            return Some(failure(ScanError::NotDigitalLink));
        }
        // GS1's resolver serves nothing but Digital Links, and an AI in the query is GS1
        // data: either way the URI was meant as one and lacks its key (the engine agrees).
        let on_resolver = is_resolver_host(before_query);
        if on_resolver || query_params(query).any(|(name, _)| ai::lookup(name).is_some()) {
            return Some(failure(ScanError::DigitalLinkWithoutKey { on_resolver }));
        }
        return None;
    };

    let mut result = ElementString {
        elements: spare.elements(),
        errors: Vec::new(),
    };
    // Every pair from the key on starts with an AI (`key_index` was chosen so).
    let key = ai::lookup(segments[key_index])?;
    let mut all_pairs = [(key, ""); MAX_PARTS / 2];
    let mut count = 0;
    for (slot, pair) in all_pairs.iter_mut().zip(segments[key_index..].chunks(2)) {
        if let Some(def) = ai::lookup(pair[0]) {
            *slot = (def, pair[1]);
            count += 1;
        }
    }
    let pairs = &all_pairs[..count];
    check_qualifier_order(key, &pairs[1..], &mut result.errors);
    for (i, (def, raw)) in pairs.iter().enumerate() {
        let Some(value) = percent_decode(raw, &mut result.errors) else {
            continue;
        };
        let value = if i == 0 && def.ai == "01" && matches!(value.len(), 8 | 12 | 13) {
            // Legacy short GTINs in the path are padded to 14 digits.
            Cow::Owned(format!("{value:0>14}"))
        } else {
            value
        };
        push_element(
            &mut result,
            def,
            value.as_bytes(),
            Some(&*value),
            today,
            spare,
        );
    }
    for (name, raw) in query_params(query) {
        let Some(def) = ai::lookup(name) else {
            // Other parameters are the resolver's business, but a number that is not an AI
            // is a misprinted AI (GS1 Digital Link standard §4.4; the engine rejects it too).
            if name.bytes().all(|b| b.is_ascii_digit()) {
                result.errors.push(ScanError::UnknownAiInQuery {
                    name: quote(name.as_bytes()),
                });
            }
            continue;
        };
        if result.elements.len() >= MAX_ELEMENTS {
            break;
        }
        // A qualifier of the sequence the path uses (or could still use) must be in the path;
        // a qualifier of another sequence is an ordinary data attribute.
        let qualifier = key.dl_primary_key.is_some_and(|alts| {
            alts.iter()
                .any(|alt| alt.iter().any(|a| ai::same_ai(a, def.ai)) && fits(alt, &pairs[1..]))
        });
        if qualifier {
            // Key qualifiers belong in the path, never in the query (the GS1 syntax engine agrees).
            result.errors.push(ScanError::DigitalLinkQualifierInQuery {
                key: key.ai,
                ai: def.ai,
            });
            continue;
        }
        if !def.dl_data_attribute {
            result.errors.push(ScanError::DigitalLinkAttribute {
                ai: def.ai.to_string(),
            });
            continue;
        }
        let Some(value) = percent_decode(raw, &mut result.errors) else {
            continue;
        };
        push_element(
            &mut result,
            def,
            value.as_bytes(),
            Some(&*value),
            today,
            spare,
        );
    }
    Some(result)
}

/// The `name=value` query parameters (at most [`MAX_PARTS`]); a parameter without `=` is no
/// AI and is skipped, as GS1's syntax engine does.
fn query_params(query: Option<&str>) -> impl Iterator<Item = (&str, &str)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .take(MAX_PARTS)
        .filter_map(|p| p.split_once('='))
}

/// Whether the authority (`host[:port]`, maybe with user info) is GS1's resolver `id.gs1.org`.
fn is_resolver_host(authority: &str) -> bool {
    let host = authority.split('/').next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    host.trim_end_matches('.')
        .eq_ignore_ascii_case("id.gs1.org")
}

fn failure(error: ScanError) -> ElementString {
    ElementString {
        elements: Vec::new(),
        errors: vec![error],
    }
}

/// Whether the path qualifiers follow `alt` in order (each optional, none repeated).
fn fits(alt: &[&str], qualifiers: &[(&'static AiDef, &str)]) -> bool {
    let mut next = 0;
    qualifiers.iter().all(
        |(q, _)| match alt[next..].iter().position(|a| ai::same_ai(a, q.ai)) {
            Some(p) => {
                next += p + 1;
                true
            }
            None => false,
        },
    )
}

/// Qualifiers must follow one of the key's `dlpkey` sequences, in order, without mixing.
fn check_qualifier_order(
    key: &AiDef,
    qualifiers: &[(&'static AiDef, &str)],
    errors: &mut Vec<ScanError>,
) {
    let Some(alternatives) = key.dl_primary_key else {
        return;
    };
    if alternatives.iter().any(|alt| fits(alt, qualifiers)) {
        return;
    }
    let offending = qualifiers
        .iter()
        .find(|(q, _)| !alternatives.iter().any(|alt| alt.contains(&q.ai)))
        .or(qualifiers.last())
        .map_or(String::new(), |(q, _)| q.ai.to_string());
    let allowed: Vec<String> = alternatives
        .iter()
        .map(|alt| {
            if alt.is_empty() {
                "none".to_string()
            } else {
                alt.iter()
                    .map(|a| format!("({a})"))
                    .collect::<Vec<_>>()
                    .join(" then ")
            }
        })
        .collect();
    errors.push(ScanError::DigitalLinkQualifier {
        key: key.ai,
        qualifier: offending,
        allowed: allowed.join(", or "),
    });
}

/// Percent-decodes `raw` (borrowed when it has no `%`); `None` (with an error) when it is
/// malformed or not UTF-8.
fn percent_decode<'a>(raw: &'a str, errors: &mut Vec<ScanError>) -> Option<Cow<'a, str>> {
    if !raw.contains('%') {
        return Some(Cow::Borrowed(raw));
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => out.push(b),
                None => {
                    errors.push(ScanError::BadPercentEncoding { text: quote(bytes) });
                    return None;
                }
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Some(Cow::Owned(s)),
        Err(_) => {
            errors.push(ScanError::BadPercentEncoding { text: quote(bytes) });
            None
        }
    }
}

/// Appends `value` percent-encoded: everything but the unreserved characters of RFC 3986.
fn percent_encode(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    // Runs of unreserved characters are copied whole (ASCII, so the cuts stay on char
    // boundaries); every other byte, each byte of a multi-byte character included, is %XX.
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(b)] {
            continue;
        }
        out.push_str(&value[start..i]);
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
        start = i + 1;
        // A multi-byte character's other bytes follow; `start` is back on a char boundary
        // once they are encoded (they are never unreserved).
    }
    out.push_str(&value[start..]);
}

/// The unreserved characters of RFC 3986: `A-Z a-z 0-9 - . _ ~`.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// The canonical GS1 Digital Link URI of `elements`: the first primary key with the
/// qualifiers of its `dlpkey` sequence in the path, everything else as query attributes
/// sorted by AI.
pub fn to_digital_link(elements: &[Element]) -> Result<String, ScanError> {
    let mut uri = String::new();
    to_digital_link_into(elements, &mut uri)?;
    Ok(uri)
}

/// [`to_digital_link`] written into `uri` (cleared first; what it holds after an error is
/// unspecified).
pub(crate) fn to_digital_link_into(
    elements: &[Element],
    uri: &mut String,
) -> Result<(), ScanError> {
    uri.clear();
    let (key_index, key_def) = elements
        .iter()
        .enumerate()
        .find_map(|(i, e)| {
            e.def()
                .filter(|d| d.dl_primary_key.is_some())
                .map(|d| (i, d))
        })
        .ok_or(ScanError::NoDigitalLinkKey)?;
    let alternatives = key_def.dl_primary_key.unwrap_or_default();
    let present = |ai: &str| elements.iter().any(|e| ai::same_ai(e.ai, ai));
    // With one sequence (SSCC, GLN ...) there is nothing to choose.
    let chosen: &[&str] = match alternatives {
        [only] => only,
        _ => alternatives
            .iter()
            .max_by_key(|alt| alt.iter().filter(|a| present(a)).count())
            .copied()
            .unwrap_or_default(),
    };
    // Path AIs: the key and the qualifiers of the chosen sequence present (a few at most; no
    // allocation, this runs for every valid scan).
    let mut path: [&str; 8] = [key_def.ai; 8];
    let mut path_len = 1;
    let capacity = CANONICAL_PREFIX.len()
        + elements
            .iter()
            .map(|e| e.ai.len() + e.value.len() + 2)
            .sum::<usize>();
    uri.reserve(capacity + 16);
    uri.push_str(CANONICAL_PREFIX);
    uri.push('/');
    uri.push_str(key_def.ai);
    uri.push('/');
    percent_encode(&elements[key_index].value, uri);
    for qualifier in chosen {
        if path_len == path.len() {
            break;
        }
        if let Some(e) = elements.iter().find(|e| ai::same_ai(e.ai, qualifier)) {
            path[path_len] = qualifier;
            path_len += 1;
            uri.push('/');
            uri.push_str(qualifier);
            uri.push('/');
            percent_encode(&e.value, uri);
        }
    }
    // Everything else is a query attribute. A repeat of a path AI is not (duplicates carry
    // the same value, or the element string is already in error).
    let path = &path[..path_len];
    let is_attribute = |e: &&Element| !path.iter().any(|p| ai::same_ai(p, e.ai));
    // An AI that is not a data attribute (a serial of another key, a second key ...) has no
    // place in a Digital Link: no URI rather than one that a resolver rejects.
    if let Some(e) = elements
        .iter()
        .filter(is_attribute)
        .find(|e| !e.def().is_some_and(|d| d.dl_data_attribute))
    {
        return Err(ScanError::DigitalLinkAttribute {
            ai: e.ai.to_string(),
        });
    }
    // Attributes sorted by AI, each once.
    let mut last: Option<&str> = None;
    while let Some(e) = elements
        .iter()
        .filter(is_attribute)
        .filter(|e| last.is_none_or(|l| ai::order(e.ai, l).is_gt()))
        .min_by(|a, b| ai::order(a.ai, b.ai))
    {
        uri.push(if last.is_none() { '?' } else { '&' });
        uri.push_str(e.ai);
        uri.push('=');
        percent_encode(&e.value, uri);
        last = Some(e.ai);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 24).unwrap()
    }

    #[test]
    fn reads_path_and_query() {
        let parsed = parse_digital_link(
            b"https://example.com/foo/01/00614141123452/10/ABC%2F1?15=250330&x=1",
            today(),
        )
        .unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.hri(), "(01)00614141123452(10)ABC/1(15)250330");
        assert_eq!(
            to_digital_link(&parsed.elements).unwrap(),
            "https://id.gs1.org/01/00614141123452/10/ABC%2F1?15=250330"
        );
    }

    #[test]
    fn qualifier_order_follows_the_dictionary() {
        let good = parse_digital_link(
            b"https://id.gs1.org/01/09506000134352/22/A/10/B/21/C",
            today(),
        )
        .unwrap();
        assert!(good.errors.is_empty(), "{:?}", good.errors);
        let bad =
            parse_digital_link(b"https://id.gs1.org/01/09506000134352/10/B/22/A", today()).unwrap();
        assert!(
            matches!(bad.errors[0], ScanError::DigitalLinkQualifier { .. }),
            "{:?}",
            bad.errors
        );
        let mixed = parse_digital_link(b"https://id.gs1.org/01/09506000134352/21/C/235/X", today())
            .unwrap();
        assert!(!mixed.errors.is_empty());
        let sscc =
            parse_digital_link(b"https://id.gs1.org/00/106141412345678908/10/B", today()).unwrap();
        assert!(!sscc.errors.is_empty());
    }

    #[test]
    fn qualifiers_of_the_sequence_in_use_belong_in_the_path() {
        let in_query =
            parse_digital_link(b"https://id.gs1.org/01/09506000134352?10=A1", today()).unwrap();
        assert!(
            matches!(
                in_query.errors[..],
                [ScanError::DigitalLinkQualifierInQuery {
                    key: "01",
                    ai: "10"
                }]
            ),
            "{:?}",
            in_query.errors
        );
        // With /235/ in the path, (10) belongs to the other sequence: an ordinary attribute.
        let other = parse_digital_link(
            b"https://id.gs1.org/01/09506000134352/235/X1?10=A1",
            today(),
        )
        .unwrap();
        assert!(other.errors.is_empty(), "{:?}", other.errors);
        let not_attribute = parse_digital_link(
            b"https://id.gs1.org/8018/061414112345678902?8019=12",
            today(),
        )
        .unwrap();
        assert!(!not_attribute.errors.is_empty());
    }

    #[test]
    fn plain_web_addresses_are_not_digital_links() {
        assert!(parse_digital_link(b"https://example.com/products/42", today()).is_none());
        assert!(parse_digital_link(b"ftp://id.gs1.org/01/09506000134352", today()).is_none());
        let broken =
            parse_digital_link(b"https://id.gs1.org/01/09506000134352/10", today()).unwrap();
        assert!(!broken.errors.is_empty());
    }

    #[test]
    fn a_uri_meant_as_a_digital_link_without_a_key_is_an_error() {
        for (uri, on_resolver) in [
            ("https://id.gs1.org/", true),
            ("https://ID.GS1.ORG/products/abc", true),
            ("http://id.gs1.org:443/gtin/abc?x=1", true),
            ("https://example.com/about?17=261231", false),
            ("https://example.com/?x=1&10=ABC", false),
        ] {
            let parsed = parse_digital_link(uri.as_bytes(), today());
            assert_eq!(
                parsed.map(|p| p.errors),
                Some(vec![ScanError::DigitalLinkWithoutKey { on_resolver }]),
                "{uri}"
            );
        }
        // Another host with no AI anywhere is a web address, not a Digital Link.
        assert!(parse_digital_link(b"https://example.com/?page=2", today()).is_none());
        assert!(parse_digital_link(b"https://id.gs1.org.example.com/x", today()).is_none());
    }

    #[test]
    fn a_numeric_query_parameter_must_be_an_ai() {
        let parsed = parse_digital_link(
            b"https://example.com/01/09506000134352?99=ABC&999=faux",
            today(),
        )
        .unwrap();
        assert_eq!(
            parsed.errors,
            [ScanError::UnknownAiInQuery { name: "999".into() }]
        );
        assert_eq!(
            parsed.errors[0].to_string(),
            "GS1 Digital Link: query parameter \"999\" is a number but not a GS1 Application \
             Identifier (a misprinted AI?)"
        );
        // Letters are the resolver's own parameters; a name without a value is skipped.
        let fine = parse_digital_link(
            b"https://example.com/01/09506000134352?linkType=all&17&17=261231",
            today(),
        )
        .unwrap();
        assert!(fine.errors.is_empty(), "{:?}", fine.errors);
        assert_eq!(fine.elements.len(), 2);
    }

    #[test]
    fn no_uri_for_elements_that_cannot_be_attributes() {
        // An SSCC has no key qualifiers, and a serial is no data attribute.
        let parsed = crate::gs1::parse_hri("(00)106141412345678908(21)ABC", today());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(
            to_digital_link(&parsed.elements),
            Err(ScanError::DigitalLinkAttribute { ai: "21".into() })
        );
        let rejected = format!("{CANONICAL_PREFIX}/00/106141412345678908?21=ABC");
        let back = parse_digital_link(rejected.as_bytes(), today()).unwrap();
        assert!(
            !back.errors.is_empty(),
            "the parser rejects what is no longer rendered"
        );
    }

    #[test]
    fn a_repeated_path_ai_stays_in_the_path() {
        // Regression: a (10) given twice (same value, which GS1 tolerates) went into the
        // query as well, where the parser rejects a key qualifier.
        let parsed = crate::gs1::parse_hri("(01)09506000134352(10)A1(17)261231(10)A1", today());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let uri = to_digital_link(&parsed.elements).unwrap();
        assert_eq!(uri, "https://id.gs1.org/01/09506000134352/10/A1?17=261231");
        let back = parse_digital_link(uri.as_bytes(), today()).unwrap();
        assert!(back.errors.is_empty(), "{:?}", back.errors);
    }

    #[test]
    fn bad_check_digit_and_percent_encoding_are_reported() {
        let parsed =
            parse_digital_link(b"https://id.gs1.org/01/09506000134353?10=%zz", today()).unwrap();
        assert_eq!(parsed.errors.len(), 2, "{:?}", parsed.errors);
        assert_eq!(
            parsed.errors[0].to_string(),
            "GTIN check digit should be 2, got 3"
        );
    }
}
