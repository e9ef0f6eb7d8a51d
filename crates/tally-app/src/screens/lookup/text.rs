//! What 6 Lookup says, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

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
            Text::LookupTitle => pick(l, "6 Lookup", "6 Consulta"),
            Text::LookupPrompt => pick(
                l,
                "Scan a package or location, or type it and Enter",
                "Escanee un paquete o ubicación, o escríbalo y Enter",
            ),
            Text::LookingUp(scan) => match l {
                Language::English => format!("Looking up {scan}…"),
                Language::Spanish => format!("Buscando {scan}…"),
            },
            Text::FoundPackage(uid) => match l {
                Language::English => format!("Package {uid}"),
                Language::Spanish => format!("Paquete {uid}"),
            },
            Text::FoundLocation(id) => match l {
                Language::English => format!("Location {id}"),
                Language::Spanish => format!("Ubicación {id}"),
            },
            Text::WithheldCount => pick(
                l,
                "withheld: a count is open",
                "oculto: hay un conteo abierto",
            ),
            Text::PackagesHere => pick(l, "Packages", "Paquetes"),
            Text::History(n) => match l {
                Language::English => format!("History on this device ({n})"),
                Language::Spanish => format!("Historial en este equipo ({n})"),
            },
            Text::NoHistory => pick(
                l,
                "No events of it on this device",
                "Ningún evento de él en este equipo",
            ),
            Text::Conflict => pick(
                l,
                "CONFLICT between devices: ask a supervisor",
                "CONFLICTO entre equipos: avise a un supervisor",
            ),
            Text::Item => pick(l, "Item", "Artículo"),
            Text::Lot => pick(l, "Lot", "Lote"),
            Text::Status => pick(l, "Status", "Estado"),
            Text::Location => pick(l, "Where", "Dónde"),
            Text::Tote => pick(l, "Tote", "Caja"),
            Text::Quantity => pick(l, "Qty", "Cant."),
            Text::Expires => pick(l, "Expires", "Vence"),
            Text::Kind => pick(l, "Kind", "Tipo"),
            Text::KeyScroll => pick(
                l,
                "↑ ↓      scroll the history",
                "↑ ↓      mover el historial",
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
