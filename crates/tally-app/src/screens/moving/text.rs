//! What 2 Move / put away says, in English and Spanish side by side.

use crate::text::{bilingual, Language, Words};

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
            Text::Title => bilingual!(l, en: "2 Move / put away", es: "2 Mover / ubicar"),
            Text::ScanPackage => bilingual!(l,
                en: "Scan the package to move",
                es: "Escanee el paquete que va a mover",
            ),
            Text::ScanLocation(uid) => bilingual!(l,
                en: "{uid}: scan where it goes",
                es: "{uid}: escanee a dónde va",
            ),
            Text::Moved(uid, from, to) => bilingual!(l,
                en: "{uid} moved {from} → {to}",
                es: "{uid} movido {from} → {to}",
            ),
            Text::Dropped(uid) => bilingual!(l,
                en: "{uid} let go; nothing recorded",
                es: "{uid} descartado; no se registró nada",
            ),
            Text::KeyScanBoth => bilingual!(l,
                en: "scan    package, then location",
                es: "escanear paquete, luego ubicación",
            ),
            Text::KeyDrop => bilingual!(l,
                en: "Esc     let the package go",
                es: "Esc     descartar el paquete",
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
