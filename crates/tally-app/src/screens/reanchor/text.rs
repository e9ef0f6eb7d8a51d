//! What the re-anchor screen says, in English and Spanish side by side.

use crate::text::{bilingual, Language, Words};

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
            Text::Title => bilingual!(l, en: "Re-anchor ledger", es: "Reanclar libro central"),
            Text::Row => bilingual!(l,
                en: "Re-anchor to a restored ledger",
                es: "Reanclar a un libro central restaurado",
            ),
            Text::Looking => bilingual!(l,
                en: "Asking the ledger…",
                es: "Consultando el libro central…",
            ),
            Text::CannotCompare => bilingual!(l,
                en: "Cannot compare with the ledger; r tries again",
                es: "No se puede comparar con el libro central; r reintenta",
            ),
            Text::Ledger(url) => bilingual!(l, en: "Ledger: {url}", es: "Libro central: {url}"),
            Text::Held(size, root) => bilingual!(l,
                en: "Held:     {size} · {root}",
                es: "Guardado: {size} · {root}",
            ),
            Text::Restored(size, root) => bilingual!(l,
                en: "Restored: {size} · {root}",
                es: "Restaurado: {size} · {root}",
            ),
            Text::Refused(why) => bilingual!(l, en: "REFUSED: {why}", es: "RECHAZADO: {why}"),
            Text::NothingToDo => bilingual!(l,
                en: "The ledger extends what this device holds: nothing to re-anchor",
                es: "El libro central extiende lo que guarda este equipo: nada que reanclar",
            ),
            Text::TypeReason => bilingual!(l,
                en: "Check it is the backup's checkpoint; type why (the incident) and Enter",
                es: "Verifique que es el punto de la copia; escriba por qué (el incidente) y Enter",
            ),
            Text::ReasonFirst => bilingual!(l,
                en: "Type the reason first (when the ledger was restored)",
                es: "Escriba primero el motivo (cuándo se restauró el libro)",
            ),
            Text::Confirm(size) => bilingual!(l,
                en: "Re-anchor this device to the restored ledger ({size})?",
                es: "¿Reanclar este equipo al libro restaurado ({size})?",
            ),
            Text::Because(reason) => bilingual!(l, en: "Reason: {reason}", es: "Motivo: {reason}"),
            Text::Irreversible => bilingual!(l,
                en: "This cannot be undone.",
                es: "No se puede deshacer.",
            ),
            Text::ConfirmKeys => bilingual!(l, en: "Enter yes · Esc no", es: "Enter sí · Esc no"),
            Text::Recorded(held, new) => bilingual!(l,
                en: "Re-anchored: held {held} → restored {new}",
                es: "Reanclado: guardado {held} → restaurado {new}",
            ),
            Text::Next => bilingual!(l,
                en: "tallyd pushes again what the ledger lost at its next pass (asked now).",
                es: "tallyd reenvía lo que perdió el libro en su próxima pasada (pedida ya).",
            ),
            Text::KeyReason => bilingual!(l,
                en: "reason Enter  re-anchor (asks)",
                es: "motivo Enter  reanclar (pregunta)",
            ),
            Text::KeyAgain => bilingual!(l,
                en: "r        ask the ledger again",
                es: "r        consultar otra vez",
            ),
        }
    }
}
