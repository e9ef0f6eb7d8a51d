//! What 7 Quarantine / release says, in English and Spanish side by side.

use crate::text::{bilingual, Language, Words};

/// What 7 Quarantine / release says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// Scan the package.
    ScanPackage,
    /// A package chosen: what the keys do.
    Chosen(String),
    /// Release is for supervisors.
    ReleaseSupervisorsOnly,
    /// Quarantined.
    Quarantined(String),
    /// Released.
    Released(String),
    /// The reason question.
    AskReason(String),
    /// Help: scan.
    KeyScan,
    /// Help: q.
    KeyQuarantine,
    /// Help: l.
    KeyRelease,
    /// A pallet or tote scanned: how many packages it holds, what `q` does.
    PalletHolds(String, usize),
    /// The question before quarantining a whole pallet: label, packages, reason.
    ConfirmPallet(String, usize, String),
    /// The question before quarantining a whole pallet whose contents are withheld: label,
    /// reason.
    ConfirmPalletWithheld(String, String),
    /// A pallet or tote scanned while a count is open: its contents are not shown.
    PalletWithheld(String),
    /// The answers to it.
    ConfirmKeys,
    /// A whole pallet quarantined.
    PalletQuarantined(String, usize),
    /// Help: a pallet's label.
    KeyPallet,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::Title => bilingual!(l,
                en: "7 Quarantine / release",
                es: "7 Cuarentena / liberar",
            ),
            Text::ScanPackage => bilingual!(l, en: "Scan the package", es: "Escanee el paquete"),
            Text::Chosen(uid) => bilingual!(l,
                en: "{uid}: q quarantine · l release",
                es: "{uid}: q cuarentena · l liberar",
            ),
            Text::ReleaseSupervisorsOnly => bilingual!(l,
                en: "l release: supervisors only; ask a supervisor",
                es: "l liberar: solo supervisores; avise a un supervisor",
            ),
            Text::Quarantined(uid) => bilingual!(l,
                en: "{uid} quarantined: take it to the cage",
                es: "{uid} en cuarentena: llévelo a la jaula",
            ),
            Text::Released(uid) => bilingual!(l,
                en: "{uid} released to active stock",
                es: "{uid} liberado a inventario activo",
            ),
            Text::AskReason(uid) => bilingual!(l,
                en: "{uid}\nReason: number + Enter",
                es: "{uid}\nMotivo: número + Enter",
            ),
            Text::KeyScan => bilingual!(l, en: "scan    the package", es: "escanear el paquete"),
            Text::PalletHolds(label, n) => bilingual!(l,
                en: "{label} holds {n} packages: q quarantines them all",
                es: "{label} tiene {n} paquetes: q los pone todos en cuarentena",
            ),
            Text::ConfirmPallet(label, n, reason) => bilingual!(l,
                en: "Quarantine all {n} packages on {label} for {reason}? Each goes to the cage",
                es: "¿Poner en cuarentena los {n} paquetes de {label} por {reason}? Todos van a la jaula",
            ),
            Text::ConfirmKeys => bilingual!(l,
                en: "Enter quarantine · Esc no",
                es: "Enter cuarentena · Esc no",
            ),
            Text::ConfirmPalletWithheld(label, reason) => bilingual!(l,
                en: "Quarantine everything on {label} for {reason}? It goes to the cage",
                es: "¿Poner en cuarentena todo lo de {label} por {reason}? Va a la jaula",
            ),
            Text::PalletWithheld(label) => bilingual!(l,
                en: "{label}: a count is open, so what it holds is not shown; q quarantines it all",
                es: "{label}: hay un conteo abierto y no se muestra su contenido; q lo pone todo en cuarentena",
            ),
            Text::PalletQuarantined(label, n) => bilingual!(l,
                en: "{n} packages of {label} quarantined: take them to the cage",
                es: "{n} paquetes de {label} en cuarentena: llévelos a la jaula",
            ),
            Text::KeyPallet => bilingual!(l,
                en: "scan a pallet/tote  all it holds",
                es: "escanear tarima/caja  todo lo que tiene",
            ),
            Text::KeyQuarantine => bilingual!(l,
                en: "q       quarantine it",
                es: "q       cuarentena",
            ),
            Text::KeyRelease => bilingual!(l,
                en: "l       release it (supervisor)",
                es: "l       liberarlo (supervisor)",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarantine_reads_in_both_languages() {
        for text in [
            Text::Title,
            Text::ScanPackage,
            Text::ReleaseSupervisorsOnly,
            Text::PalletHolds("P".into(), 2),
            Text::ConfirmPallet("P".into(), 2, "R".into()),
            Text::ConfirmKeys,
            Text::PalletQuarantined("P".into(), 2),
            Text::ConfirmPalletWithheld("P".into(), "R".into()),
            Text::PalletWithheld("P".into()),
            Text::KeyPallet,
        ] {
            assert_ne!(text.text(Language::English), text.text(Language::Spanish));
        }
    }
}
