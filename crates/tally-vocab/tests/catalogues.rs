//! Every message of every catalogue in the workspace has a Spanish text of its own: each
//! `bilingual!(…, en: "…", es: "…")` in the sources is read, and its Spanish must be neither
//! empty nor the English copied (a copy-paste that the compiler cannot see). A message that
//! really is the same in both languages (a name, a code) is listed here, on purpose.

use std::fs;
use std::path::{Path, PathBuf};

/// Texts that read the same in English and Spanish.
const SAME_IN_BOTH: &[&str] = &[
    // The supervisor's screen: the word is Spanish too.
    "9 Supervisor",
    // The language key names both languages in both.
    "F2       English / español",
    // Home's device lines: a device whose state is not known yet, and a device kind.
    "?",
    "RFID",
];

/// Files that hold a catalogue written with `bilingual!` (a sample of every crate's): each must
/// be read.
const CATALOGUES: &[&str] = &[
    "crates/tally-vocab/src/language.rs",
    "crates/tally-events/src/messages.rs",
    "crates/tally-ids/src/error.rs",
    "crates/tally-replica/src/refusal.rs",
    "crates/tally-replica/src/workflow/receiving/label_problem.rs",
    "crates/tally-app/src/text.rs",
    "crates/tally-app/src/screens/sync/text.rs",
    "crates/tally-app/src/screens/dock/text.rs",
    "crates/tally-app/src/screens/count/text.rs",
    "crates/tally-ledger/src/error.rs",
    "crates/tally-ledger/src/pins.rs",
    "crates/tally-ledger-client/src/wire.rs",
];

/// One `bilingual!` message: where it is and its two texts.
#[derive(Debug)]
struct Pair {
    place: String,
    en: String,
    es: String,
}

/// The workspace's root (this crate is `crates/tally-vocab`).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && !name.to_string_lossy().starts_with('.') {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literal starting at `text[0] == '"'`, unescaped (`\` + newline + indentation
/// folded as Rust folds it), and the rest after it.
fn literal(text: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &text[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\n' => {
                    while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                        chars.next();
                    }
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The text after `label:` (skipping white space) as a literal.
fn labelled<'a>(text: &'a str, label: &str) -> Option<(String, &'a str)> {
    let at = text.find(label)?;
    let rest = text[at + label.len()..].trim_start();
    rest.starts_with('"').then(|| literal(rest))?
}

fn pairs() -> Vec<Pair> {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("drivers"), &mut files);
    let mut all = Vec::new();
    for file in files {
        let Ok(source) = fs::read_to_string(&file) else {
            continue;
        };
        if file.ends_with("tally-vocab/tests/catalogues.rs") {
            continue;
        }
        let mut rest = source.as_str();
        while let Some(at) = rest.find("bilingual!(") {
            let before = &source[..source.len() - rest.len() + at];
            let line = before.lines().count();
            rest = &rest[at + "bilingual!(".len()..];
            // Comments and doc examples are not catalogue entries.
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            if before[line_start..].trim_start().starts_with("//") {
                continue;
            }
            let place = format!(
                "{}:{line}",
                file.strip_prefix(&root).unwrap_or(&file).display()
            );
            let (en, after) = labelled(rest, "en:").unwrap_or_else(|| panic!("{place}: no en"));
            let (es, after) = labelled(after, "es:").unwrap_or_else(|| panic!("{place}: no es"));
            all.push(Pair { place, en, es });
            rest = after;
        }
    }
    all
}

#[test]
fn every_message_has_a_spanish_text_of_its_own() {
    let all = pairs();
    // The catalogues of tally-events, tally-ids, the replica, the floor, the app and the
    // ledger: if this falls, the reading above lost them.
    assert!(all.len() > 750, "only {} messages found", all.len());
    for file in CATALOGUES {
        assert!(
            all.iter()
                .any(|pair| pair.place.starts_with(&format!("{file}:"))),
            "no message read in {file}"
        );
    }
    let mut copied = Vec::new();
    for pair in &all {
        assert!(!pair.en.trim().is_empty(), "{}: empty English", pair.place);
        assert!(!pair.es.trim().is_empty(), "{}: empty Spanish", pair.place);
        if pair.en == pair.es && !SAME_IN_BOTH.contains(&pair.en.as_str()) {
            copied.push(format!("{}: {:?}", pair.place, pair.en));
        }
    }
    assert!(
        copied.is_empty(),
        "Spanish copied from the English:\n{}",
        copied.join("\n")
    );
}

#[test]
fn the_reading_of_literals_folds_as_rust_does() {
    let (text, rest) = literal("\"a \\\"b\\\" \\\n      c\\n\", es").unwrap();
    assert_eq!(text, "a \"b\" c\n");
    assert_eq!(rest, ", es");
}
