//! What 9 Supervisor says, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

/// What 9 Supervisor says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// Choose a row.
    Choose,
    /// Reading.
    Reading,
    /// Nothing waits.
    NothingWaits,
    /// Not a row.
    NoSuchRow(String),
    /// A count in review row.
    ReviewRow(String),
    /// A locked badge row.
    UnlockRow(String),
    /// A conflict row.
    ConflictRow(String),
    /// The row that opens the re-anchoring.
    ReanchorRow,
    /// How a conflict is settled.
    ConflictHowTo(String),
    /// Review heading.
    ReviewOf(String),
    /// Columns of a line.
    LineColumns,
    /// The close row.
    CloseRow,
    /// Type a reason code.
    TypeReason(String),
    /// Approve question.
    ConfirmApprove(String, String),
    /// Close question.
    ConfirmClose,
    /// Unlock question.
    ConfirmUnlock(String),
    /// Irreversible.
    Irreversible,
    /// Answers.
    ConfirmKeys,
    /// Approved.
    Approved(String),
    /// Closed.
    Closed(String),
    /// Unlocked.
    Unlocked(String),
    /// Done.
    Done,
    /// Key: reason.
    KeyReason,
    /// Key: close.
    KeyClose,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        let es = l == Language::Spanish;
        match self {
            Text::Title => pick(l, "9 Supervisor", "9 Supervisor"),
            Text::Choose => pick(
                l,
                "Number + Enter opens a row",
                "Número + Enter abre una fila",
            ),
            Text::Reading => pick(l, "Reading…", "Leyendo…"),
            Text::NothingWaits => pick(
                l,
                "Nothing waits for a supervisor",
                "Nada espera a un supervisor",
            ),
            Text::NoSuchRow(t) if es => format!("{t} no es una fila de la lista"),
            Text::NoSuchRow(t) => format!("{t} is not a row on the list"),
            Text::ReviewRow(t) if es => format!("revisar conteo {t}"),
            Text::ReviewRow(t) => format!("review count {t}"),
            Text::UnlockRow(b) if es => format!("desbloquear gafete {b}"),
            Text::UnlockRow(b) => format!("unlock badge {b}"),
            Text::ConflictRow(u) if es => format!("conflicto {u}"),
            Text::ConflictRow(u) => format!("conflict {u}"),
            Text::ConflictHowTo(u) if es => format!(
                "{u}: revise el paquete; resolver un conflicto en esta pantalla aún no existe"
            ),
            Text::ConflictHowTo(u) => format!(
                "{u}: check the package; settling a conflict on this screen is not built yet"
            ),
            Text::ReviewOf(t) if es => format!("Conteo {t} en revisión"),
            Text::ReviewOf(t) => format!("Count {t} in review"),
            Text::LineColumns => pick(
                l,
                "tag · expected → counted (variance)",
                "etiqueta · esperado → contado (diferencia)",
            ),
            Text::CloseRow => pick(l, "close the count", "cerrar el conteo"),
            Text::TypeReason(uid) if es => format!("{uid} código de motivo + Enter (Esc cancela)"),
            Text::TypeReason(uid) => format!("{uid} reason code + Enter (Esc cancels)"),
            Text::ConfirmApprove(uid, reason) if es => {
                format!("¿Aprobar el ajuste de {uid} ({reason})?")
            }
            Text::ConfirmApprove(uid, reason) => {
                format!("Approve the adjustment of {uid} ({reason})?")
            }
            Text::ConfirmClose => pick(l, "Close this count?", "¿Cerrar este conteo?"),
            Text::ConfirmUnlock(b) if es => format!("¿Desbloquear el gafete {b}?"),
            Text::ConfirmUnlock(b) => format!("Unlock badge {b}?"),
            Text::Irreversible => pick(l, "This cannot be undone.", "No se puede deshacer."),
            Text::ConfirmKeys => pick(l, "Enter yes · Esc no", "Enter sí · Esc no"),
            Text::Approved(uid) if es => format!("Ajuste de {uid} aprobado"),
            Text::Approved(uid) => format!("Adjustment of {uid} approved"),
            Text::Closed(t) if es => format!("Conteo {t} cerrado"),
            Text::Closed(t) => format!("Count {t} closed"),
            Text::Unlocked(b) if es => format!("Gafete {b} desbloqueado"),
            Text::Unlocked(b) => format!("Badge {b} unlocked"),
            Text::ReanchorRow => crate::screens::reanchor::text::Text::Row.text(l),
            Text::Done => pick(l, "Done", "Hecho"),
            Text::KeyReason => pick(l, "line + Enter  approve it", "línea + Enter  aprobarla"),
            Text::KeyClose => pick(l, "last row  close the count", "última fila  cerrar conteo"),
        }
    }
}
