//! What 7 Quarantine / release says, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

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
            Text::Title => pick(l, "7 Quarantine / release", "7 Cuarentena / liberar"),
            Text::ScanPackage => pick(l, "Scan the package", "Escanee el paquete"),
            Text::Chosen(uid) => match l {
                Language::English => format!("{uid}: q quarantine · l release"),
                Language::Spanish => format!("{uid}: q cuarentena · l liberar"),
            },
            Text::ReleaseSupervisorsOnly => pick(
                l,
                "l release: supervisors only; ask a supervisor",
                "l liberar: solo supervisores; avise a un supervisor",
            ),
            Text::Quarantined(uid) => match l {
                Language::English => format!("{uid} quarantined: take it to the cage"),
                Language::Spanish => format!("{uid} en cuarentena: llévelo a la jaula"),
            },
            Text::Released(uid) => match l {
                Language::English => format!("{uid} released to active stock"),
                Language::Spanish => format!("{uid} liberado a inventario activo"),
            },
            Text::AskReason(uid) => match l {
                Language::English => format!("{uid}\nReason: number + Enter"),
                Language::Spanish => format!("{uid}\nMotivo: número + Enter"),
            },
            Text::KeyScan => pick(l, "scan    the package", "escanear el paquete"),
            Text::PalletHolds(label, n) => match l {
                Language::English => format!("{label} holds {n} packages: q quarantines them all"),
                Language::Spanish => format!("{label} tiene {n} paquetes: q los pone todos en cuarentena"),
            },
            Text::ConfirmPallet(label, n, reason) => match l {
                Language::English => {
                    format!("Quarantine all {n} packages on {label} for {reason}? Each goes to the cage")
                }
                Language::Spanish => format!(
                    "¿Poner en cuarentena los {n} paquetes de {label} por {reason}? Todos van a la jaula"
                ),
            },
            Text::ConfirmKeys => pick(l, "Enter quarantine · Esc no", "Enter cuarentena · Esc no"),
            Text::ConfirmPalletWithheld(label, reason) => match l {
                Language::English => {
                    format!("Quarantine everything on {label} for {reason}? It goes to the cage")
                }
                Language::Spanish => format!(
                    "¿Poner en cuarentena todo lo de {label} por {reason}? Va a la jaula"
                ),
            },
            Text::PalletWithheld(label) => match l {
                Language::English => format!(
                    "{label}: a count is open, so what it holds is not shown; q quarantines it all"
                ),
                Language::Spanish => format!(
                    "{label}: hay un conteo abierto y no se muestra su contenido; q lo pone todo en cuarentena"
                ),
            },
            Text::PalletQuarantined(label, n) => match l {
                Language::English => format!("{n} packages of {label} quarantined: take them to the cage"),
                Language::Spanish => {
                    format!("{n} paquetes de {label} en cuarentena: llévelos a la jaula")
                }
            },
            Text::KeyPallet => pick(
                l,
                "scan a pallet/tote  all it holds",
                "escanear tarima/caja  todo lo que tiene",
            ),
            Text::KeyQuarantine => pick(l, "q       quarantine it", "q       cuarentena"),
            Text::KeyRelease => pick(
                l,
                "l       release it (supervisor)",
                "l       liberarlo (supervisor)",
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
