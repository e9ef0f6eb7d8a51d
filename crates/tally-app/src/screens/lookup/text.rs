//! What 6 Lookup says, in English and Spanish side by side.

use crate::text::{bilingual, Language, Words};

/// What 6 Lookup says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Lookup title.
    LookupTitle,
    /// Lookup prompt.
    LookupPrompt,
    /// Looking up.
    LookingUp(String),
    /// Found a package.
    FoundPackage(String),
    /// Found a location.
    FoundLocation(String),
    /// Withheld while a count is open.
    WithheldCount,
    /// Packages at a location.
    PackagesHere,
    /// History heading.
    History(usize),
    /// No history.
    NoHistory,
    /// A conflict between devices.
    Conflict,
    /// Item label.
    Item,
    /// Lot label.
    Lot,
    /// Status label.
    Status,
    /// Location label.
    Location,
    /// Tote label.
    Tote,
    /// Quantity label.
    Quantity,
    /// Expiry label.
    Expires,
    /// Kind label of a location.
    Kind,
    /// Arrows scroll.
    KeyScroll,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::LookupTitle => bilingual!(l, en: "6 Lookup", es: "6 Consulta"),
            Text::LookupPrompt => bilingual!(l,
                en: "Scan a package or location, or type it and Enter",
                es: "Escanee un paquete o ubicación, o escríbalo y Enter",
            ),
            Text::LookingUp(scan) => bilingual!(l,
                en: "Looking up {scan}…",
                es: "Buscando {scan}…",
            ),
            Text::FoundPackage(uid) => bilingual!(l, en: "Package {uid}", es: "Paquete {uid}"),
            Text::FoundLocation(id) => bilingual!(l, en: "Location {id}", es: "Ubicación {id}"),
            Text::WithheldCount => bilingual!(l,
                en: "withheld: a count is open",
                es: "oculto: hay un conteo abierto",
            ),
            Text::PackagesHere => bilingual!(l, en: "Packages", es: "Paquetes"),
            Text::History(n) => bilingual!(l,
                en: "History on this device ({n})",
                es: "Historial en este equipo ({n})",
            ),
            Text::NoHistory => bilingual!(l,
                en: "No events of it on this device",
                es: "Ningún evento de él en este equipo",
            ),
            Text::Conflict => bilingual!(l,
                en: "CONFLICT between devices: ask a supervisor",
                es: "CONFLICTO entre equipos: avise a un supervisor",
            ),
            Text::Item => bilingual!(l, en: "Item", es: "Artículo"),
            Text::Lot => bilingual!(l, en: "Lot", es: "Lote"),
            Text::Status => bilingual!(l, en: "Status", es: "Estado"),
            Text::Location => bilingual!(l, en: "Where", es: "Dónde"),
            Text::Tote => bilingual!(l, en: "Tote", es: "Caja"),
            Text::Quantity => bilingual!(l, en: "Qty", es: "Cant."),
            Text::Expires => bilingual!(l, en: "Expires", es: "Vence"),
            Text::Kind => bilingual!(l, en: "Kind", es: "Tipo"),
            Text::KeyScroll => bilingual!(l,
                en: "↑ ↓      scroll the history",
                es: "↑ ↓      mover el historial",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_reads_in_both_languages() {
        for text in [Text::LookupPrompt, Text::NoHistory, Text::WithheldCount] {
            assert_ne!(text.text(Language::English), text.text(Language::Spanish));
        }
    }
}
