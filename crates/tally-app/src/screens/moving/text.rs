//! What 2 Move / put away says, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

/// What 2 Move / put away says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// Scan the package.
    ScanPackage,
    /// Scan where it goes.
    ScanLocation(String),
    /// Moved: tag, from, to.
    Moved(String, String, String),
    /// The package scanned was let go.
    Dropped(String),
    /// Help: scan a package, then its location.
    KeyScanBoth,
    /// Help: Esc lets the package go.
    KeyDrop,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::Title => pick(l, "2 Move / put away", "2 Mover / ubicar"),
            Text::ScanPackage => pick(
                l,
                "Scan the package to move",
                "Escanee el paquete que va a mover",
            ),
            Text::ScanLocation(uid) => match l {
                Language::English => format!("{uid}: scan where it goes"),
                Language::Spanish => format!("{uid}: escanee a dónde va"),
            },
            Text::Moved(uid, from, to) => match l {
                Language::English => format!("{uid} moved {from} → {to}"),
                Language::Spanish => format!("{uid} movido {from} → {to}"),
            },
            Text::Dropped(uid) => match l {
                Language::English => format!("{uid} let go; nothing recorded"),
                Language::Spanish => format!("{uid} descartado; no se registró nada"),
            },
            Text::KeyScanBoth => pick(
                l,
                "scan    package, then location",
                "escanear paquete, luego ubicación",
            ),
            Text::KeyDrop => pick(
                l,
                "Esc     let the package go",
                "Esc     descartar el paquete",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_reads_in_both_languages() {
        for text in [Text::Title, Text::ScanPackage, Text::KeyDrop] {
            assert_ne!(text.text(Language::English), text.text(Language::Spanish));
        }
    }
}
