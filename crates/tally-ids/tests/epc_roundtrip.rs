//! Property tests: for every EPC scheme, random valid field values for every partition encode to
//! binary and decode back to the same tag URI; arbitrary bytes and text never panic; whatever
//! decodes, encodes back to the same bits.
//!
//! The partition tables are written out here again, from TDS 1.13 §14, independently of the
//! crate's own tables.

use proptest::prelude::*;
use tally_ids::epc::{decode_epc, encode_pure_uri, encode_tag_uri, EpcIdentity};

/// Exactly `n` decimal digits (leading zeros allowed).
fn digits(n: usize) -> BoxedStrategy<String> {
    proptest::collection::vec(0u8..10, n)
        .prop_map(|v| v.into_iter().map(|d| char::from(b'0' + d)).collect())
        .boxed()
}

/// A decimal integer below `limit`, written without leading zeros.
fn int_below(limit: u64) -> BoxedStrategy<String> {
    prop_oneof![
        Just(0u64),
        Just(limit - 1),
        0..limit,
        (0u32..64).prop_map(move |b| (1u64 << b.min(63)) % limit),
    ]
    .prop_map(|v| v.to_string())
    .boxed()
}

/// `(partition, company prefix)`.
fn company_prefix() -> BoxedStrategy<(usize, String)> {
    (0usize..7)
        .prop_flat_map(|p| (Just(p), digits(12 - p)))
        .boxed()
}

const CS82: &[u8] =
    b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/// URI form of a string: the TDS escapes for `"` `%` `&` `/` `<` `>` `?` `#`.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' | '%' | '&' | '/' | '<' | '>' | '?' | '#' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            _ => out.push(c),
        }
    }
    out
}

/// 1..=max characters of GS1 character set 82, escaped for a URI.
fn cs82(max: usize) -> BoxedStrategy<String> {
    proptest::collection::vec(proptest::sample::select(CS82), 1..=max)
        .prop_map(|v| escape(&String::from_utf8(v).unwrap()))
        .boxed()
}

const SIX: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/";

/// `min..=max` characters of the 6-bit set, optionally with `#` allowed everywhere.
fn six_bit(min: usize, max: usize, hash: bool) -> BoxedStrategy<String> {
    let set: Vec<u8> = if hash {
        SIX.iter().copied().chain([b'#']).collect()
    } else {
        SIX.to_vec()
    };
    proptest::collection::vec(proptest::sample::select(set), min..=max)
        .prop_map(|v| escape(&String::from_utf8(v).unwrap()))
        .boxed()
}

fn cage() -> BoxedStrategy<String> {
    let set: Vec<u8> = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".to_vec();
    proptest::collection::vec(proptest::sample::select(set), 5..=6)
        .prop_map(|v| String::from_utf8(v).unwrap())
        .boxed()
}

/// `urn:epc:tag:<scheme>:<filter>.<cp>.<second>.<rest>` for a scheme with a partition table,
/// where `second(p)` makes the field after the company prefix for partition `p`.
fn partitioned(
    scheme: &'static str,
    second: fn(usize) -> BoxedStrategy<String>,
    rest: BoxedStrategy<String>,
) -> BoxedStrategy<String> {
    (0u8..8, company_prefix(), rest)
        .prop_flat_map(move |(f, (p, cp), rest)| {
            second(p).prop_map(move |s| {
                let tail = if rest.is_empty() {
                    String::new()
                } else {
                    format!(".{rest}")
                };
                format!("urn:epc:tag:{scheme}:{f}.{cp}.{s}{tail}")
            })
        })
        .boxed()
}

fn none() -> BoxedStrategy<String> {
    Just(String::new()).boxed()
}

fn strategy(scheme: &'static str) -> BoxedStrategy<String> {
    match scheme {
        "sgtin-96" => partitioned(scheme, |p| digits(p + 1), int_below(1 << 38)),
        "sgtin-198" => partitioned(scheme, |p| digits(p + 1), cs82(20)),
        "sscc-96" => partitioned(scheme, |p| digits(p + 5), none()),
        "sgln-96" => partitioned(scheme, digits, int_below(1 << 41)),
        "sgln-195" => partitioned(scheme, digits, cs82(20)),
        "grai-96" => partitioned(scheme, digits, int_below(1 << 38)),
        "grai-170" => partitioned(scheme, digits, cs82(16)),
        "giai-96" => partitioned(
            scheme,
            |p| {
                let bits = [42, 45, 48, 52, 55, 58, 62][p];
                int_below(10u64.pow(13 + p as u32).min(1 << bits))
            },
            none(),
        ),
        "giai-202" => partitioned(scheme, |p| cs82(18 + p), none()),
        "gsrn-96" | "gsrnp-96" => partitioned(scheme, |p| digits(p + 5), none()),
        "gdti-96" => partitioned(scheme, digits, int_below(1 << 41)),
        "gdti-174" => partitioned(scheme, digits, cs82(17)),
        "cpi-96" => partitioned(
            scheme,
            |p| int_below(10u64.pow(3 + p as u32)),
            int_below(1 << 31),
        ),
        "cpi-var" => partitioned(
            scheme,
            |p| six_bit(1, 18 + p, true),
            int_below(1_000_000_000_000),
        ),
        "sgcn-96" => partitioned(scheme, digits, (1usize..=12).prop_flat_map(digits).boxed()),
        "itip-110" | "itip-212" => {
            let serial = if scheme == "itip-110" {
                int_below(1 << 38)
            } else {
                cs82(20)
            };
            partitioned(
                scheme,
                |p| digits(p + 1),
                (digits(2), digits(2), serial)
                    .prop_map(|(a, b, s)| format!("{a}.{b}.{s}"))
                    .boxed(),
            )
        }
        "gid-96" => (int_below(1 << 28), int_below(1 << 24), int_below(1 << 36))
            .prop_map(|(m, c, s)| format!("urn:epc:tag:gid-96:{m}.{c}.{s}"))
            .boxed(),
        "usdod-96" => (0u8..16, cage(), int_below(1 << 36))
            .prop_map(|(f, c, s)| format!("urn:epc:tag:usdod-96:{f}.{c}.{s}"))
            .boxed(),
        "adi-var" => (
            0u8..64,
            cage(),
            six_bit(0, 32, false),
            (any::<bool>(), six_bit(1, 29, false)),
        )
            .prop_map(|(f, c, pn, (hash, ser))| {
                let ser = if hash { format!("%23{ser}") } else { ser };
                format!("urn:epc:tag:adi-var:{f}.{c}.{pn}.{ser}")
            })
            .boxed(),
        other => panic!("no strategy for {other}"),
    }
}

/// Encodes, decodes, and checks the decoded EPC says the same thing.
fn round_trip(uri: &str) -> Result<(), TestCaseError> {
    let bytes = encode_tag_uri(uri).map_err(|e| TestCaseError::fail(format!("{uri}: {e}")))?;
    prop_assert_eq!(bytes.len() % 2, 0, "whole 16-bit words");
    let epc = decode_epc(&bytes).map_err(|e| TestCaseError::fail(format!("{uri}: {e}")))?;
    prop_assert_eq!(&epc.tag_uri, uri);
    let scheme = uri.split(':').nth(3).unwrap();
    prop_assert_eq!(&epc.scheme, scheme);
    prop_assert!(bytes.len() * 8 - epc.bit_length < 16);
    let pure_name = scheme.split('-').next().unwrap();
    let pure_prefix = format!("urn:epc:id:{pure_name}:");
    prop_assert!(epc.pure_uri.starts_with(&pure_prefix));
    prop_assert_eq!(&encode_tag_uri(&epc.tag_uri).unwrap(), &bytes);
    let from_pure = encode_pure_uri(&epc.pure_uri, scheme, epc.filter.unwrap_or(0))
        .map_err(|e| TestCaseError::fail(format!("{}: {e}", epc.pure_uri)))?;
    prop_assert_eq!(from_pure, bytes);
    if let EpcIdentity::Sgtin { gtin, .. } | EpcIdentity::Itip { gtin, .. } = &epc.identity {
        prop_assert_eq!(gtin.len(), 14);
        prop_assert!(epc
            .gs1_element_string
            .as_deref()
            .unwrap()
            .contains(gtin.as_str()));
    }
    Ok(())
}

macro_rules! round_trip_tests {
    ($($name:ident => $scheme:literal),* $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            $(
                #[test]
                fn $name(uri in strategy($scheme)) {
                    round_trip(&uri)?;
                }
            )*
        }
    };
}

round_trip_tests! {
    sgtin_96 => "sgtin-96",
    sgtin_198 => "sgtin-198",
    sscc_96 => "sscc-96",
    sgln_96 => "sgln-96",
    sgln_195 => "sgln-195",
    grai_96 => "grai-96",
    grai_170 => "grai-170",
    giai_96 => "giai-96",
    giai_202 => "giai-202",
    gsrn_96 => "gsrn-96",
    gsrnp_96 => "gsrnp-96",
    gdti_96 => "gdti-96",
    gdti_174 => "gdti-174",
    cpi_96 => "cpi-96",
    cpi_var => "cpi-var",
    sgcn_96 => "sgcn-96",
    itip_110 => "itip-110",
    itip_212 => "itip-212",
    gid_96 => "gid-96",
    usdod_96 => "usdod-96",
    adi_var => "adi-var",
}

/// Header bytes of the schemes, plus a few that are not, to steer random bytes into the
/// decoders.
fn bank() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![(0x2Cu8..=0x41), any::<u8>(),];
    (header, proptest::collection::vec(any::<u8>(), 0..70)).prop_map(|(h, mut rest)| {
        rest.insert(0, h);
        rest
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Whatever decodes encodes back to the same bits; past them there is only zero padding
    /// (the encoder pads to whole 16-bit words, a bank may stop at any byte).
    #[test]
    fn decode_never_panics_and_what_decodes_encodes_back(bytes in bank()) {
        if let Ok(epc) = decode_epc(&bytes) {
            let again = encode_tag_uri(&epc.tag_uri)
                .map_err(|e| TestCaseError::fail(format!("{}: {e}", epc.tag_uri)))?;
            let n = again.len().min(bytes.len());
            prop_assert_eq!(&again[..n], &bytes[..n]);
            prop_assert!(bytes[n..].iter().chain(&again[n..]).all(|b| *b == 0));
            prop_assert_eq!(decode_epc(&again).unwrap(), epc);
        }
    }

    /// Zeroing the tail of a bank after the header makes most schemes decodable: exercise the
    /// success paths with random prefixes too.
    #[test]
    fn short_random_prefixes_with_zero_tail(h in 0x2Cu8..=0x41, body in proptest::collection::vec(any::<u8>(), 0..12), words in 6usize..28) {
        let mut bytes = vec![h];
        bytes.extend(body);
        bytes.resize(words * 2, 0);
        if let Ok(epc) = decode_epc(&bytes) {
            let again = encode_tag_uri(&epc.tag_uri).unwrap();
            prop_assert_eq!(&again[..], &bytes[..again.len()]);
        }
    }

    #[test]
    fn encode_never_panics_on_text(text in ".{0,200}") {
        let _ = encode_tag_uri(&text);
        let _ = tally_ids::epc::parse_hex(&text);
    }

    #[test]
    fn encode_never_panics_on_mangled_uris(
        uri in strategy("sgtin-198").boxed(),
        cut in 0usize..80,
        junk in "[%./:#a-zA-Z0-9\\[\\]]{0,6}",
    ) {
        let mut s = uri.clone();
        let at = cut.min(s.len());
        s.insert_str(at, &junk);
        let _ = encode_tag_uri(&s);
        s.truncate(at);
        let _ = encode_tag_uri(&s);
    }
}
