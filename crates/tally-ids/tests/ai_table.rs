//! The GS1 AI table is generated from the GS1 Barcode Syntax Dictionary shipped in
//! `data/gs1-syntax-dictionary.txt`. This test is the generator (in the rust-analyzer
//! "sourcegen" style): it fails when `src/gs1/ai_table.rs` differs from what the dictionary
//! produces, and rewrites the file when run with `TALLY_REGENERATE=1`. A second test checks,
//! through the public API, that every AI of the dictionary is known with its title, format,
//! length, separator flag, linters and Digital Link role.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use tally_ids::gs1::ai::{self, Linter};

/// One dictionary line, as written.
#[derive(Debug, Clone)]
struct Entry {
    first: String,
    last: String,
    flags: String,
    spec: Vec<String>,
    attributes: Vec<String>,
    title: String,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dictionary() -> Vec<Entry> {
    let text = std::fs::read_to_string(crate_dir().join("data/gs1-syntax-dictionary.txt"))
        .expect("the syntax dictionary ships with the crate");
    let mut entries = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (body, title) = match line.split_once('#') {
            Some((body, title)) => (body, title.trim().to_string()),
            None => (line, String::new()),
        };
        let mut tokens = body.split_whitespace().peekable();
        let ais = tokens.next().expect("every entry starts with its AIs");
        let (first, last) = match ais.split_once('-') {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => (ais.to_string(), ais.to_string()),
        };
        let mut flags = String::new();
        if let Some(token) = tokens.peek() {
            if token
                .chars()
                .all(|c| "*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~".contains(c))
            {
                flags = token.to_string();
                tokens.next();
            }
        }
        let mut spec = Vec::new();
        let mut attributes = Vec::new();
        for token in tokens {
            let first_char = token.chars().next().unwrap();
            if attributes.is_empty() && (first_char == '[' || "NXYZ".contains(first_char)) {
                spec.push(token.to_string());
            } else {
                attributes.push(token.to_string());
            }
        }
        entries.push(Entry {
            first,
            last,
            flags,
            spec,
            attributes,
            title,
        });
    }
    entries
}

/// Every AI an entry covers (`3100-3105` covers six).
fn expand(entry: &Entry) -> Vec<String> {
    let width = entry.first.len();
    assert_eq!(
        width,
        entry.last.len(),
        "range ends have one width: {entry:?}"
    );
    let first: u32 = entry.first.parse().unwrap();
    let last: u32 = entry.last.parse().unwrap();
    (first..=last).map(|n| format!("{n:0width$}")).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ParsedComponent {
    charset: char,
    min: u8,
    max: u8,
    optional: bool,
    linters: Vec<String>,
}

fn parse_component(token: &str) -> ParsedComponent {
    let mut parts = token.split(',');
    let mut head = parts.next().unwrap();
    let optional = head.starts_with('[');
    if optional {
        head = head.trim_start_matches('[').trim_end_matches(']');
    }
    let charset = head.chars().next().unwrap();
    let rest = &head[1..];
    let (min, max) = match rest.strip_prefix("..") {
        Some(max) => (1, max.parse().unwrap()),
        None => {
            let n = rest.parse().unwrap();
            (n, n)
        }
    };
    let linters: Vec<String> = parts.map(str::to_string).collect();
    for name in &linters {
        assert!(
            Linter::from_name(name).is_some(),
            "the dictionary names linter {name:?}, which tally does not know: add it to Linter"
        );
    }
    ParsedComponent {
        charset,
        min,
        max,
        optional,
        linters,
    }
}

fn dlpkey(entry: &Entry) -> Option<Vec<Vec<String>>> {
    entry.attributes.iter().find_map(|a| {
        if a == "dlpkey" {
            Some(vec![Vec::new()])
        } else {
            a.strip_prefix("dlpkey=").map(|alts| {
                alts.split('|')
                    .map(|alt| alt.split(',').map(str::to_string).collect())
                    .collect()
            })
        }
    })
}

fn associations(entry: &Entry) -> String {
    let kept: Vec<&str> = entry
        .attributes
        .iter()
        .filter(|a| !a.starts_with("dlpkey"))
        .map(String::as_str)
        .collect();
    kept.join(" ")
}

fn charset_variant(letter: char) -> &'static str {
    match letter {
        'N' => "Numeric",
        'X' => "Cset82",
        'Y' => "Cset39",
        'Z' => "Base64Url",
        other => panic!("unknown character set {other:?} in the dictionary"),
    }
}

fn generate() -> String {
    let entries = dictionary();
    // Shared component constants, one per distinct component text.
    let mut components: BTreeMap<String, ParsedComponent> = BTreeMap::new();
    for entry in &entries {
        for token in &entry.spec {
            components
                .entry(token.clone())
                .or_insert_with(|| parse_component(token));
        }
    }
    let names: BTreeMap<String, String> = components
        .keys()
        .enumerate()
        .map(|(i, k)| (k.clone(), format!("C{i}")))
        .collect();

    let mut rows: Vec<(String, &Entry)> = Vec::new();
    for entry in &entries {
        for ai in expand(entry) {
            rows.push((ai, entry));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));

    let mut prefix_len = [0u8; 100];
    for (ai, _) in &rows {
        let index: usize = ai[..2].parse().unwrap();
        let len = ai.len() as u8;
        assert!(
            prefix_len[index] == 0 || prefix_len[index] == len,
            "AIs starting {} have different lengths: the prefix table cannot work",
            &ai[..2]
        );
        prefix_len[index] = len;
    }

    let mut out = String::new();
    out.push_str(
        "//! GENERATED from `data/gs1-syntax-dictionary.txt` (GS1 Barcode Syntax Dictionary) by\n\
         //! `tests/ai_table.rs`. Do not edit: update the dictionary, then run\n\
         //! `TALLY_REGENERATE=1 cargo test -p tally-ids --test ai_table`.\n\n\
         use super::ai::{AiDef, Charset, Component, Linter};\n\n",
    );
    out.push_str("/// Length of the AIs that start with each two-digit prefix (0 = no such AI).\n");
    out.push_str("pub(crate) static AI_LENGTH_BY_PREFIX: [u8; 100] = [\n");
    for chunk in prefix_len.chunks(20) {
        let cells: Vec<String> = chunk.iter().map(u8::to_string).collect();
        writeln!(out, "    {},", cells.join(", ")).unwrap();
    }
    out.push_str("];\n\n");
    for (text, c) in &components {
        let linters: Vec<String> = c
            .linters
            .iter()
            .map(|l| format!("Linter::{:?}", Linter::from_name(l).unwrap()))
            .collect();
        writeln!(
            out,
            "/// `{text}`\nconst {}: Component = Component {{ charset: Charset::{}, min_len: {}, max_len: {}, optional: {}, linters: &[{}] }};",
            names[text],
            charset_variant(c.charset),
            c.min,
            c.max,
            c.optional,
            linters.join(", ")
        )
        .unwrap();
    }
    out.push_str(
        "\n/// Every AI of the dictionary, sorted by AI.\npub static AI_TABLE: &[AiDef] = &[\n",
    );
    for (ai, entry) in &rows {
        let comps: Vec<&str> = entry.spec.iter().map(|t| names[t].as_str()).collect();
        let key = match dlpkey(entry) {
            None => "None".to_string(),
            Some(alts) => {
                let alts: Vec<String> = alts
                    .iter()
                    .map(|alt| {
                        let ais: Vec<String> = alt.iter().map(|a| format!("{a:?}")).collect();
                        format!("&[{}]", ais.join(", "))
                    })
                    .collect();
                format!("Some(&[{}])", alts.join(", "))
            }
        };
        writeln!(
            out,
            "    AiDef {{ ai: {ai:?}, title: {:?}, fnc1_required: {}, dl_data_attribute: {}, components: &[{}], dl_primary_key: {key}, associations: {:?} }},",
            entry.title,
            !entry.flags.contains('*'),
            entry.flags.contains('?'),
            comps.join(", "),
            associations(entry),
        )
        .unwrap();
    }
    out.push_str("];\n");
    out
}

#[test]
fn generated_table_matches_the_dictionary() {
    let path = crate_dir().join("src/gs1/ai_table.rs");
    let expected = generate();
    if std::env::var_os("TALLY_REGENERATE").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap();
    assert!(
        actual == expected,
        "src/gs1/ai_table.rs is stale: run TALLY_REGENERATE=1 cargo test -p tally-ids --test ai_table"
    );
}

#[test]
fn every_dictionary_ai_is_known_with_its_rules() {
    let entries = dictionary();
    let mut count = 0;
    for entry in &entries {
        for code in expand(entry) {
            count += 1;
            let def = ai::lookup(&code).unwrap_or_else(|| panic!("AI {code} is unknown"));
            assert_eq!(def.ai, code);
            assert_eq!(def.title, entry.title, "title of {code}");
            assert_eq!(def.format(), entry.spec.join(" "), "format of {code}");
            assert_eq!(
                def.fnc1_required,
                !entry.flags.contains('*'),
                "separator flag of {code}"
            );
            assert_eq!(
                def.dl_data_attribute,
                entry.flags.contains('?'),
                "DL flag of {code}"
            );
            let parsed: Vec<ParsedComponent> =
                entry.spec.iter().map(|t| parse_component(t)).collect();
            let fixed = parsed.iter().all(|c| c.min == c.max && !c.optional);
            assert_eq!(def.is_fixed_len(), fixed, "fixed length of {code}");
            let max: usize = parsed.iter().map(|c| usize::from(c.max)).sum();
            assert_eq!(def.max_len(), max, "maximum length of {code}");
            let linters: Vec<String> = parsed.iter().flat_map(|c| c.linters.clone()).collect();
            let known: Vec<String> = def.linters().map(|l| l.name().to_string()).collect();
            assert_eq!(known, linters, "linters of {code}");
            let key = def.dl_primary_key.map(|alts| {
                alts.iter()
                    .map(|alt| alt.iter().map(|s| s.to_string()).collect())
                    .collect()
            });
            assert_eq!(key, dlpkey(entry), "Digital Link key of {code}");
            // The prefix lookup finds the same AI at the front of a data string.
            let data = format!("{code}123456");
            assert_eq!(
                ai::lookup_prefix(data.as_bytes()).map(|d| d.ai),
                Some(code.as_str())
            );
        }
    }
    assert_eq!(
        ai::AI_TABLE.len(),
        count,
        "the table holds exactly the dictionary's AIs"
    );
    assert!(
        count > 500,
        "the dictionary lists over 500 AIs, got {count}"
    );
}

#[test]
fn well_known_ais_have_the_rules_the_general_specifications_give() {
    let sscc = ai::lookup("00").unwrap();
    assert!(sscc.is_fixed_len() && !sscc.fnc1_required && sscc.max_len() == 18);
    assert!(sscc.linters().any(|l| l == Linter::Csum));
    let lot = ai::lookup("10").unwrap();
    assert!(lot.fnc1_required && !lot.is_fixed_len() && lot.max_len() == 20);
    assert_eq!(
        ai::lookup("11").unwrap().linters().collect::<Vec<_>>(),
        vec![Linter::Yymmd0]
    );
    assert_eq!(
        ai::lookup("7006").unwrap().linters().collect::<Vec<_>>(),
        vec![Linter::Yymmdd]
    );
    assert!(ai::lookup("8013")
        .unwrap()
        .linters()
        .any(|l| l == Linter::Csumalpha));
    // Fixed length does not mean "no separator": 7003 is N10 and still needs one.
    let expiry_time = ai::lookup("7003").unwrap();
    assert!(expiry_time.is_fixed_len() && expiry_time.fnc1_required);
    assert_eq!(
        ai::lookup("01").unwrap().dl_primary_key,
        Some(&[&["22", "10", "21"][..], &["235"][..]][..])
    );
    assert_eq!(ai::lookup("3105").unwrap().decimals(), Some(5));
}
