//! What 9 Supervisor says, in English and Spanish side by side.

use tally_events::payload::PackageStatus;

use crate::text::{bilingual, Language, Words};

/// What 9 Supervisor says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// Choose a row.
    Choose,
    /// The row that opens the dock view.
    DockRow,
    /// The row that opens the re-anchoring.
    ReanchorRow,
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
    /// A conflict's heading.
    ConflictOf(String),
    /// What the replica holds now: quantity, location, status.
    RecordedNow(String, String, PackageStatus),
    /// This device's side: seq, kind.
    ThisDevice(i64, String),
    /// The ledger's side: index, kind.
    LedgerSide(i64, String),
    /// The form: type the quantity found.
    TypeQuantity,
    /// A quantity that is not one in the package's unit.
    BadQuantity {
        /// The package is weighed (grams).
        weighed: bool,
    },
    /// The form: scan the location.
    ScanLocation,
    /// The form: choose the status.
    ChooseStatus,
    /// The form: the adjustment reason code.
    TypeSettleReason,
    /// What the form holds: quantity, location.
    FoundAt(String, String),
    /// A status's name.
    Status(PackageStatus),
    /// The settle question: tag, quantity, location, status, reason.
    ConfirmSettle(String, String, String, PackageStatus, String),
    /// Settled.
    Settled(String),
    /// Key: the form's fields.
    KeySettleField,
    /// Key: Enter alone keeps what is recorded.
    KeyKeepRecorded,
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
        match self {
            Text::Title => bilingual!(l, en: "9 Supervisor", es: "9 Supervisor"),
            Text::Choose => bilingual!(l,
                en: "Number + Enter opens a row",
                es: "Número + Enter abre una fila",
            ),
            Text::Reading => bilingual!(l, en: "Reading…", es: "Leyendo…"),
            Text::DockRow => crate::screens::dock::text::Text::Row.text(l),
            Text::ReanchorRow => crate::screens::reanchor::text::Text::Row.text(l),
            Text::NothingWaits => bilingual!(l,
                en: "Nothing waits for a supervisor",
                es: "Nada espera a un supervisor",
            ),
            Text::NoSuchRow(t) => bilingual!(l,
                en: "{t} is not a row on the list",
                es: "{t} no es una fila de la lista",
            ),
            Text::ReviewRow(t) => bilingual!(l, en: "review count {t}", es: "revisar conteo {t}"),
            Text::UnlockRow(b) => bilingual!(l,
                en: "unlock badge {b}",
                es: "desbloquear gafete {b}",
            ),
            Text::ConflictRow(u) => bilingual!(l, en: "conflict {u}", es: "conflicto {u}"),
            Text::ConflictOf(u) => bilingual!(l, en: "Conflict {u}", es: "Conflicto {u}"),
            Text::RecordedNow(q, loc, st) => {
                let status = Text::Status(*st).text(l);
                bilingual!(l,
                    en: "Recorded: {q} at {loc}, {status}",
                    es: "Registrado: {q} en {loc}, {status}",
                )
            }
            Text::ThisDevice(seq, kind) => bilingual!(l,
                en: "This device: #{seq} {kind}",
                es: "Este equipo: #{seq} {kind}",
            ),
            Text::LedgerSide(index, kind) => bilingual!(l,
                en: "Ledger: #{index} {kind}",
                es: "Libro central: #{index} {kind}",
            ),
            Text::TypeQuantity => bilingual!(l,
                en: "Check the package. Quantity found + Enter (Enter alone: as recorded)",
                es: "Revise el paquete. Cantidad hallada + Enter (solo Enter: la registrada)",
            ),
            Text::BadQuantity { weighed: true } => bilingual!(l,
                en: "Type the weight found in grams, e.g. 452.5",
                es: "Escriba el peso hallado en gramos, p. ej. 452.5",
            ),
            Text::BadQuantity { weighed: false } => bilingual!(l,
                en: "Type the whole units found, e.g. 12",
                es: "Escriba las unidades halladas, p. ej. 12",
            ),
            Text::ScanLocation => bilingual!(l,
                en: "Scan where it is (Enter alone: as recorded)",
                es: "Escanee dónde está (solo Enter: la registrada)",
            ),
            Text::ChooseStatus => {
                bilingual!(l, en: "Its status: number + Enter", es: "Su estado: número + Enter")
            }
            Text::TypeSettleReason => bilingual!(l,
                en: "Adjustment reason code + Enter",
                es: "Código de motivo del ajuste + Enter",
            ),
            Text::FoundAt(q, loc) => bilingual!(l,
                en: "Found: {q} at {loc}",
                es: "Hallado: {q} en {loc}",
            ),
            Text::Status(st) => match st {
                PackageStatus::Active => bilingual!(l, en: "active", es: "activo"),
                PackageStatus::OnHold => bilingual!(l, en: "on hold", es: "retenido"),
                PackageStatus::Quarantined => bilingual!(l,
                    en: "quarantined",
                    es: "en cuarentena",
                ),
                PackageStatus::InTransit => bilingual!(l, en: "in transit", es: "en tránsito"),
                PackageStatus::Destroyed => bilingual!(l, en: "destroyed", es: "destruido"),
                PackageStatus::Finished => bilingual!(l, en: "finished", es: "terminado"),
            },
            Text::ConfirmSettle(u, q, loc, st, r) => {
                let status = Text::Status(*st).text(l);
                bilingual!(l,
                    en: "Settle {u} as {q} at {loc}, {status} ({r})?",
                    es: "¿Resolver {u} como {q} en {loc}, {status} ({r})?",
                )
            }
            Text::Settled(u) => bilingual!(l,
                en: "Conflict of {u} settled",
                es: "Conflicto de {u} resuelto",
            ),
            Text::KeySettleField => bilingual!(l,
                en: "type/scan + Enter  the field",
                es: "escriba/escanee + Enter  el campo",
            ),
            Text::KeyKeepRecorded => {
                bilingual!(l, en: "Enter alone  as recorded", es: "solo Enter  lo registrado")
            }
            Text::ReviewOf(t) => bilingual!(l,
                en: "Count {t} in review",
                es: "Conteo {t} en revisión",
            ),
            Text::LineColumns => bilingual!(l,
                en: "tag · expected → counted (variance)",
                es: "etiqueta · esperado → contado (diferencia)",
            ),
            Text::CloseRow => bilingual!(l, en: "close the count", es: "cerrar el conteo"),
            Text::TypeReason(uid) => bilingual!(l,
                en: "{uid} reason code + Enter (Esc cancels)",
                es: "{uid} código de motivo + Enter (Esc cancela)",
            ),
            Text::ConfirmApprove(uid, reason) => bilingual!(l,
                en: "Approve the adjustment of {uid} ({reason})?",
                es: "¿Aprobar el ajuste de {uid} ({reason})?",
            ),
            Text::ConfirmClose => bilingual!(l,
                en: "Close this count?",
                es: "¿Cerrar este conteo?",
            ),
            Text::ConfirmUnlock(b) => bilingual!(l,
                en: "Unlock badge {b}?",
                es: "¿Desbloquear el gafete {b}?",
            ),
            Text::Irreversible => bilingual!(l,
                en: "This cannot be undone.",
                es: "No se puede deshacer.",
            ),
            Text::ConfirmKeys => bilingual!(l, en: "Enter yes · Esc no", es: "Enter sí · Esc no"),
            Text::Approved(uid) => bilingual!(l,
                en: "Adjustment of {uid} approved",
                es: "Ajuste de {uid} aprobado",
            ),
            Text::Closed(t) => bilingual!(l, en: "Count {t} closed", es: "Conteo {t} cerrado"),
            Text::Unlocked(b) => bilingual!(l,
                en: "Badge {b} unlocked",
                es: "Gafete {b} desbloqueado",
            ),
            Text::Done => bilingual!(l, en: "Done", es: "Hecho"),
            Text::KeyReason => bilingual!(l,
                en: "line + Enter  approve it",
                es: "línea + Enter  aprobarla",
            ),
            Text::KeyClose => bilingual!(l,
                en: "last row  close the count",
                es: "última fila  cerrar conteo",
            ),
        }
    }
}
