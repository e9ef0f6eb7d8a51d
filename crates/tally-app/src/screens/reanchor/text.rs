//! What the re-anchor screen says, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

/// What the re-anchor screen says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// The supervisor row that opens it.
    Row,
    /// Asking the ledger.
    Looking,
    /// The checkpoints could not be compared.
    CannotCompare,
    /// The ledger's address.
    Ledger(String),
    /// The checkpoint held: size, root (short).
    Held(u64, String),
    /// The checkpoint served: size, root (short).
    Restored(u64, String),
    /// The ledger is refused, with tallyd's reason.
    Refused(String),
    /// The ledger is not refused.
    NothingToDo,
    /// Type the reason.
    TypeReason,
    /// A reason is needed first.
    ReasonFirst,
    /// The question.
    Confirm(u64),
    /// The question's reason line.
    Because(String),
    /// Irreversible.
    Irreversible,
    /// Answers.
    ConfirmKeys,
    /// Recorded: held size, restored size.
    Recorded(u64, u64),
    /// What happens next.
    Next,
    /// Key: the reason.
    KeyReason,
    /// Key: look again.
    KeyAgain,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::Title => pick(l, "Re-anchor ledger", "Reanclar libro central"),
            Text::Row => pick(
                l,
                "Re-anchor to a restored ledger",
                "Reanclar a un libro central restaurado",
            ),
            Text::Looking => pick(l, "Asking the ledger…", "Consultando el libro central…"),
            Text::CannotCompare => pick(
                l,
                "Cannot compare with the ledger; r tries again",
                "No se puede comparar con el libro central; r reintenta",
            ),
            Text::Ledger(url) => match l {
                Language::English => format!("Ledger: {url}"),
                Language::Spanish => format!("Libro central: {url}"),
            },
            Text::Held(size, root) => match l {
                Language::English => format!("Held:     {size} · {root}"),
                Language::Spanish => format!("Guardado: {size} · {root}"),
            },
            Text::Restored(size, root) => match l {
                Language::English => format!("Restored: {size} · {root}"),
                Language::Spanish => format!("Restaurado: {size} · {root}"),
            },
            Text::Refused(why) => match l {
                Language::English => format!("REFUSED: {why}"),
                Language::Spanish => format!("RECHAZADO: {why}"),
            },
            Text::NothingToDo => pick(
                l,
                "The ledger extends what this device holds: nothing to re-anchor",
                "El libro central extiende lo que guarda este equipo: nada que reanclar",
            ),
            Text::TypeReason => pick(
                l,
                "Check it is the backup's checkpoint; type why (the incident) and Enter",
                "Verifique que es el punto de la copia; escriba por qué (el incidente) y Enter",
            ),
            Text::ReasonFirst => pick(
                l,
                "Type the reason first (when the ledger was restored)",
                "Escriba primero el motivo (cuándo se restauró el libro)",
            ),
            Text::Confirm(size) => match l {
                Language::English => {
                    format!("Re-anchor this device to the restored ledger ({size})?")
                }
                Language::Spanish => format!("¿Reanclar este equipo al libro restaurado ({size})?"),
            },
            Text::Because(reason) => match l {
                Language::English => format!("Reason: {reason}"),
                Language::Spanish => format!("Motivo: {reason}"),
            },
            Text::Irreversible => pick(l, "This cannot be undone.", "No se puede deshacer."),
            Text::ConfirmKeys => pick(l, "Enter yes · Esc no", "Enter sí · Esc no"),
            Text::Recorded(held, new) => match l {
                Language::English => format!("Re-anchored: held {held} → restored {new}"),
                Language::Spanish => format!("Reanclado: guardado {held} → restaurado {new}"),
            },
            Text::Next => pick(
                l,
                "tallyd pushes again what the ledger lost at its next pass (asked now).",
                "tallyd reenvía lo que perdió el libro en su próxima pasada (pedida ya).",
            ),
            Text::KeyReason => pick(
                l,
                "reason Enter  re-anchor (asks)",
                "motivo Enter  reanclar (pregunta)",
            ),
            Text::KeyAgain => pick(
                l,
                "r        ask the ledger again",
                "r        consultar otra vez",
            ),
        }
    }
}
