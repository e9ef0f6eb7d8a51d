//! GS1 Digital Link URIs: `https://id.gs1.org/01/09506000134352/10/A1?17=261231`.
//!
//! A URI is read into the same elements as an element string: the primary key and its
//! qualifiers from the path (in the order the syntax dictionary's `dlpkey` attribute allows),
//! then the data attributes from the query in the order they appear; values are
//! percent-decoded and checked like any element. Any domain and any path prefix before the
//! primary key are accepted; query parameters that are not AIs are ignored. Elements render
//! back as the canonical URI on `https://id.gs1.org`, data attributes sorted by AI.

use super::ai::{self, AiDef};
use super::element::{push_element, Element, ElementString, MAX_ELEMENTS};
use crate::date::Date;
use crate::error::{quote, ScanError};

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
    if !is_web_uri(uri) {
        return None;
    }
    let text = std::str::from_utf8(uri).ok()?;
    let after_scheme = &text[text.find("://")? + 3..];
    let without_fragment = after_scheme.split('#').next().unwrap_or_default();
    let (before_query, query) = match without_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (without_fragment, None),
    };
    let path = before_query
        .find('/')
        .map_or("", |i| &before_query[i + 1..]);
    let segments: Vec<&str> = path.split('/').take(MAX_PARTS + 1).collect();
    if segments.len() > MAX_PARTS {
        return Some(failure(ScanError::NotDigitalLink));
    }
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
        return None;
    };

    let mut result = ElementString::default();
    let pairs: Vec<(&'static AiDef, &str)> = segments[key_index..]
        .chunks(2)
        .filter_map(|pair| ai::lookup(pair[0]).map(|d| (d, pair[1])))
        .collect();
    let key = pairs[0].0;
    check_qualifier_order(key, &pairs[1..], &mut result.errors);
    for (i, (def, raw)) in pairs.iter().enumerate() {
        let Some(value) = percent_decode(raw, &mut result.errors) else {
            continue;
        };
        let value = if i == 0 && def.ai == "01" && matches!(value.len(), 8 | 12 | 13) {
            // Legacy short GTINs in the path are padded to 14 digits.
            format!("{value:0>14}")
        } else {
            value
        };
        push_element(&mut result, def, value.as_bytes(), today);
    }
    for param in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .take(MAX_PARTS)
    {
        let (name, raw) = param.split_once('=').unwrap_or((param, ""));
        let Some(def) = ai::lookup(name) else {
            continue;
        };
        if result.elements.len() >= MAX_ELEMENTS {
            break;
        }
        // A qualifier of the sequence the path uses (or could still use) must be in the path;
        // a qualifier of another sequence is an ordinary data attribute.
        let qualifier = key.dl_primary_key.is_some_and(|alts| {
            alts.iter()
                .any(|alt| alt.contains(&def.ai) && fits(alt, &pairs[1..]))
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
        push_element(&mut result, def, value.as_bytes(), today);
    }
    Some(result)
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
    qualifiers
        .iter()
        .all(|(q, _)| match alt[next..].iter().position(|a| *a == q.ai) {
            Some(p) => {
                next += p + 1;
                true
            }
            None => false,
        })
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

/// Percent-decodes `raw`; `None` (with an error) when it is malformed or not UTF-8.
fn percent_decode(raw: &str, errors: &mut Vec<ScanError>) -> Option<String> {
    if !raw.contains('%') {
        return Some(raw.to_string());
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
        Ok(s) => Some(s),
        Err(_) => {
            errors.push(ScanError::BadPercentEncoding { text: quote(bytes) });
            None
        }
    }
}

fn percent_encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The canonical GS1 Digital Link URI of `elements`: the first primary key with the
/// qualifiers of its `dlpkey` sequence in the path, everything else as query attributes
/// sorted by AI.
pub fn to_digital_link(elements: &[Element]) -> Result<String, ScanError> {
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
    let present = |ai: &str| elements.iter().any(|e| e.ai == ai);
    let chosen: &[&str] = alternatives
        .iter()
        .max_by_key(|alt| alt.iter().filter(|a| present(a)).count())
        .copied()
        .unwrap_or_default();
    let mut uri = String::from(CANONICAL_PREFIX);
    let mut in_path = vec![key_index];
    uri.push('/');
    uri.push_str(key_def.ai);
    uri.push('/');
    percent_encode(&elements[key_index].value, &mut uri);
    for qualifier in chosen {
        if let Some(i) = elements.iter().position(|e| e.ai == *qualifier) {
            in_path.push(i);
            uri.push('/');
            uri.push_str(qualifier);
            uri.push('/');
            percent_encode(&elements[i].value, &mut uri);
        }
    }
    let mut attributes: Vec<&Element> = elements
        .iter()
        .enumerate()
        .filter(|(i, _)| !in_path.contains(i))
        .map(|(_, e)| e)
        .collect();
    attributes.sort_by(|a, b| a.ai.cmp(b.ai));
    for (n, e) in attributes.iter().enumerate() {
        uri.push(if n == 0 { '?' } else { '&' });
        uri.push_str(e.ai);
        uri.push('=');
        percent_encode(&e.value, &mut uri);
    }
    Ok(uri)
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
