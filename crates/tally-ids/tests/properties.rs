//! Property tests: random valid GS1 data built from the whole AI table survives
//! encode → decode (element string, human-readable text and Digital Link), and the decoder
//! never panics, whatever bytes it is handed.

use proptest::prelude::*;

use tally_ids::date::gs1_century;
use tally_ids::gs1::ai::{AiDef, Charset, Component, Linter, AI_TABLE};
use tally_ids::gs1::{self, lint, Gs1Options, Separators};
use tally_ids::{decode, Date, DecodeOptions, Source};

fn today() -> Date {
    Date::new(2026, 11, 24).unwrap()
}

/// A small deterministic generator, so one proptest seed builds one whole value.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick(&mut self, alphabet: &[u8]) -> u8 {
        alphabet[self.below(alphabet.len() as u64) as usize]
    }
}

const DIGITS: &[u8] = b"0123456789";
const CSET82: &[u8] =
    b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const CSET39: &[u8] = b"#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const BASE64URL: &[u8] = b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

fn two(n: u64) -> String {
    format!("{n:02}")
}

/// A value for one component that passes its character set and linters.
fn component_value(c: &Component, rng: &mut Rng) -> String {
    let has = |l: Linter| c.linters.contains(&l);
    let len = if c.is_fixed() {
        usize::from(c.max_len)
    } else {
        usize::from(c.min_len) + rng.below(u64::from(c.max_len - c.min_len) + 1) as usize
    };
    // Linters that fix the whole value.
    let date = |rng: &mut Rng, day_zero: bool| {
        let day = if day_zero && rng.below(4) == 0 {
            0
        } else {
            1 + rng.below(28)
        };
        format!(
            "{}{}{}",
            two(rng.below(100)),
            two(1 + rng.below(12)),
            two(day)
        )
    };
    let fixed = if has(Linter::Yymmd0) {
        Some(date(rng, true))
    } else if has(Linter::Yymmdd) {
        Some(date(rng, false))
    } else if has(Linter::Yyyymmdd) {
        Some(format!(
            "{}{}",
            1900 + rng.below(200),
            &date(rng, false)[2..]
        ))
    } else if has(Linter::Hhmi) {
        Some(format!("{}{}", two(rng.below(24)), two(rng.below(60))))
    } else if has(Linter::Hh) {
        Some(two(rng.below(24)))
    } else if has(Linter::Mi) || has(Linter::Ss) {
        Some(two(rng.below(60)))
    } else if has(Linter::Iso3166) || has(Linter::Iso3166999) {
        Some(["840", "276", "124", "484"][rng.below(4) as usize].to_string())
    } else if has(Linter::Iso4217) {
        Some(["840", "978", "124"][rng.below(3) as usize].to_string())
    } else if has(Linter::Iso3166alpha2) {
        Some(["US", "DE", "CA"][rng.below(3) as usize].to_string())
    } else if has(Linter::Iso5218) {
        Some(["0", "1", "2", "9"][rng.below(4) as usize].to_string())
    } else if has(Linter::Zero) {
        Some("0".to_string())
    } else if has(Linter::Winding) {
        Some(["0", "1", "9"][rng.below(3) as usize].to_string())
    } else if has(Linter::Yesno) {
        Some(["0", "1"][rng.below(2) as usize].to_string())
    } else if has(Linter::Hyphen) {
        Some("-".to_string())
    } else if has(Linter::Mediatype) {
        Some(two(1 + rng.below(10)))
    } else if has(Linter::Pieceoftotal) {
        let total = 1 + rng.below(99);
        Some(format!("{}{}", two(1 + rng.below(total)), two(total)))
    } else if has(Linter::Latitude) || has(Linter::Longitude) {
        Some(format!("{:010}", rng.below(1_800_000_001)))
    } else if has(Linter::Posinseqslash) {
        let total = 1 + rng.below(9);
        Some(format!("{}/{total}", 1 + rng.below(total)))
    } else if has(Linter::Importeridx) {
        Some(char::from(rng.pick(b"-_0123456789ABCXYZabcxyz")).to_string())
    } else if has(Linter::Iban) {
        Some("GB82WEST12345698765432".to_string())
    } else if has(Linter::Packagetype) {
        Some(["BX", "CT", "PX", "1A", "200", "X11"][rng.below(6) as usize].to_string())
    } else if has(Linter::Couponcode) || has(Linter::Couponposoffer) {
        let digits = |rng: &mut Rng, n: u64| -> String {
            (0..n)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect()
        };
        // Length digit v announces v + 6 digits of company prefix, funder or serial.
        let sized = |rng: &mut Rng, max: u64| {
            let v = rng.below(max + 1);
            format!("{v}{}", digits(rng, v + 6))
        };
        Some(if has(Linter::Couponcode) {
            // Company prefix, offer code, save value.
            let mut code = format!("{}{}", sized(rng, 6), digits(rng, 6));
            let save_len = 1 + rng.below(5);
            code.push_str(&format!("{save_len}{}", digits(rng, save_len)));
            // Purchase requirement, its code and family code; maybe an expiration date.
            let req_len = 1 + rng.below(5);
            code.push_str(&format!("{req_len}{}", digits(rng, req_len)));
            code.push_str(&format!("{}{}", rng.below(5), digits(rng, 3)));
            if rng.below(2) == 0 {
                code.push('3');
                code.push_str(&date(rng, false));
            }
            code
        } else {
            format!(
                "{}{}{}{}",
                rng.below(2),
                sized(rng, 6),
                digits(rng, 6),
                sized(rng, 9)
            )
        })
    } else {
        None
    };
    if let Some(value) = fixed {
        return value;
    }
    let alphabet: &[u8] = match c.charset {
        Charset::Numeric => DIGITS,
        Charset::Cset82 if has(Linter::Pcenc) => &CSET82[3..], // no '%'
        Charset::Cset82 => CSET82,
        Charset::Cset39 => CSET39,
        Charset::Base64Url => BASE64URL,
    };
    let mut bytes: Vec<u8> = (0..len).map(|_| rng.pick(alphabet)).collect();
    if has(Linter::Gcppos1) || has(Linter::Gcppos2) {
        for b in bytes.iter_mut().take(5) {
            *b = rng.pick(DIGITS);
        }
    }
    if has(Linter::Nonzero) || has(Linter::Nozeroprefix) {
        bytes[0] = b'1' + rng.below(9) as u8;
    }
    if has(Linter::Hasnondigit) && bytes.iter().all(u8::is_ascii_digit) {
        let at = bytes.len() - 3;
        bytes[at] = b'A';
    }
    if has(Linter::Csum) {
        let check = lint::mod10_check_digit(&bytes[..len - 1]).unwrap();
        bytes[len - 1] = b'0' + check;
    }
    if has(Linter::Csumalpha) {
        let pair = lint::check_character_pair(&bytes[..len - 2]).unwrap();
        bytes[len - 2..].copy_from_slice(&pair);
    }
    String::from_utf8(bytes).unwrap()
}

/// A valid value for `def`, sometimes leaving out optional components.
fn value_for(def: &AiDef, rng: &mut Rng) -> String {
    let mut value = String::new();
    for c in def.components {
        if c.optional && rng.below(2) == 0 {
            break;
        }
        let mut c = *c;
        // Components with csumalpha/hasnondigit need room for their prefix, letter and pair.
        if c.linters.contains(&Linter::Csumalpha) {
            c.min_len = c.min_len.max(8);
        }
        if c.linters
            .iter()
            .any(|l| matches!(l, Linter::Gcppos1 | Linter::Gcppos2))
        {
            c.min_len = c.min_len.max(5);
        }
        value.push_str(&component_value(&c, rng));
    }
    value
}

/// Distinct AIs with valid values.
fn elements(picks: &[(usize, u64)]) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for &(index, seed) in picks {
        let def = &AI_TABLE[index % AI_TABLE.len()];
        if out.iter().any(|(ai, _)| *ai == def.ai) {
            continue;
        }
        out.push((def.ai, value_for(def, &mut Rng(seed))));
    }
    out
}

fn pairs(elements: &[gs1::Element]) -> Vec<(&str, &str)> {
    elements.iter().map(|e| (e.ai, e.value.as_str())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn element_strings_round_trip(picks in prop::collection::vec((0usize..10_000, any::<u64>()), 1..7), redundant in any::<bool>()) {
        let expected = elements(&picks);
        let borrowed: Vec<(&str, &str)> = expected.iter().map(|(a, v)| (*a, v.as_str())).collect();
        let encoded = gs1::encode(&borrowed, redundant);
        let options = Gs1Options { separators: Separators::gs_only(), today: today() };
        let parsed = gs1::parse_element_string(encoded.as_bytes(), &options);
        prop_assert!(parsed.errors.is_empty(), "{encoded:?}: {:?}", parsed.errors);
        prop_assert_eq!(pairs(&parsed.elements), borrowed.clone());

        // The human-readable text reads back to the same elements (values with "(" can be
        // ambiguous in HRI, as printed text is).
        if expected.iter().all(|(_, v)| !v.contains('(')) {
            let from_hri = gs1::parse_hri(&parsed.hri(), today());
            prop_assert!(from_hri.errors.is_empty(), "{}: {:?}", parsed.hri(), from_hri.errors);
            prop_assert_eq!(pairs(&from_hri.elements), borrowed.clone());
        }

        // Announced as GS1 DataMatrix, the unified decoder agrees.
        let decoded = decode(format!("]d2{encoded}").as_bytes(), &DecodeOptions::new(today()));
        prop_assert!(decoded.errors.is_empty(), "{:?}", decoded.errors);
        prop_assert_eq!(decoded.hri, Some(parsed.hri()));

        // Its Digital Link, when it has one, reads back without a problem to the same data.
        if let Some(uri) = &decoded.digital_link {
            let back = gs1::parse_digital_link(uri.as_bytes(), today()).unwrap();
            prop_assert!(back.errors.is_empty(), "{uri}: {:?}", back.errors);
            let mut got = pairs(&back.elements);
            let mut want = pairs(&decoded.elements);
            got.sort();
            got.dedup();
            want.sort();
            want.dedup();
            prop_assert_eq!(got, want, "{}", uri);
        }
    }

    #[test]
    fn digital_links_round_trip(key in 0usize..10_000, seed in any::<u64>(), picks in prop::collection::vec((0usize..10_000, any::<u64>()), 0..5)) {
        let keys: Vec<&AiDef> = AI_TABLE.iter().filter(|d| d.dl_primary_key.is_some()).collect();
        let key = keys[key % keys.len()];
        let mut all = vec![(key.ai, value_for(key, &mut Rng(seed)))];
        let qualifiers: Vec<&str> = key.dl_primary_key.unwrap().first().map(|alt| alt.to_vec()).unwrap_or_default();
        for (ai, value) in elements(&picks) {
            let def = tally_ids::gs1::ai::lookup(ai).unwrap();
            let allowed = def.dl_data_attribute || qualifiers.contains(&ai);
            if allowed && def.dl_primary_key.is_none() && !all.iter().any(|(a, _)| *a == ai) {
                all.push((ai, value));
            }
        }
        let borrowed: Vec<(&str, &str)> = all.iter().map(|(a, v)| (*a, v.as_str())).collect();
        let encoded = gs1::encode(&borrowed, false);
        let options = Gs1Options { separators: Separators::gs_only(), today: today() };
        let parsed = gs1::parse_element_string(encoded.as_bytes(), &options);
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let uri = gs1::to_digital_link(&parsed.elements).unwrap();
        let back = gs1::parse_digital_link(uri.as_bytes(), today()).unwrap();
        prop_assert!(back.errors.is_empty(), "{uri}: {:?}", back.errors);
        let mut expected = borrowed.clone();
        let mut got = pairs(&back.elements);
        expected.sort();
        got.sort();
        prop_assert_eq!(got, expected);
        // Canonical: rendering again gives the same URI.
        prop_assert_eq!(gs1::to_digital_link(&back.elements).unwrap(), uri);
    }

    #[test]
    fn decoder_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut options = DecodeOptions::new(today());
        let barcode = decode(&bytes, &options);
        prop_assert!(barcode.errors.len() <= 200);
        options.source = Source::Rfid;
        let _ = decode(&bytes, &options);
    }

    #[test]
    fn decoder_never_panics_on_scan_like_text(text in "(\\]([CdQeEIJY][0-9]|Y[0-9]ab|W0))?(\\(?[0-9]{2,4}\\)?[0-9A-Za-z%/()<>.-]{0,12}\\x1d?){0,5}(https?://[a-z.]{1,8}(/[0-9]{2,4}/[0-9A-Za-z%]{0,14}){0,4}(\\?[0-9]{2,4}=[0-9A-Za-z%]{0,8}(&[0-9a-z]{1,4}=[0-9%]{0,6}){0,3})?)?") {
        let mut options = DecodeOptions::new(today());
        options.separators = Separators::with_extra("|").unwrap();
        let decoded = decode(text.as_bytes(), &options);
        // Serialising never fails either.
        prop_assert!(serde_json::to_string(&decoded).is_ok());
    }

    #[test]
    fn century_window_stays_within_49_years_back_and_50_ahead(yy in 0u8..100, year in 1900u16..2200) {
        let today = Date::new(year, 6, 1).unwrap();
        let full = i32::from(gs1_century(yy, today));
        prop_assert_eq!(full % 100, i32::from(yy));
        let offset = full - i32::from(year);
        prop_assert!((-49..=50).contains(&offset), "{yy} in {year} -> {full}");
    }

    #[test]
    fn mod10_catches_every_single_digit_error(digits in "[0-9]{1,17}", at in any::<prop::sample::Index>(), delta in 1u8..10) {
        let mut bytes = digits.into_bytes();
        let check = lint::mod10_check_digit(&bytes).unwrap();
        let i = at.index(bytes.len());
        bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
        prop_assert_ne!(lint::mod10_check_digit(&bytes), Some(check));
    }
}
