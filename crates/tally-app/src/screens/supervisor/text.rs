//! What 9 Supervisor says, in English and Spanish side by side.

use tally_events::payload::PackageStatus;

use crate::text::{pick, Language, Words};

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
        let es = l == Language::Spanish;
        match self {
            Text::Title => pick(l, "9 Supervisor", "9 Supervisor"),
            Text::Choose => pick(
                l,
                "Number + Enter opens a row",
                "Número + Enter abre una fila",
            ),
            Text::Reading => pick(l, "Reading…", "Leyendo…"),
            Text::DockRow => crate::screens::dock::text::Text::Row.text(l),
            Text::ReanchorRow => crate::screens::reanchor::text::Text::Row.text(l),
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
            Text::ConflictOf(u) if es => format!("Conflicto {u}"),
            Text::ConflictOf(u) => format!("Conflict {u}"),
            Text::RecordedNow(q, loc, st) if es => {
                format!("Registrado: {q} en {loc}, {}", Text::Status(*st).text(l))
            }
            Text::RecordedNow(q, loc, st) => {
                format!("Recorded: {q} at {loc}, {}", Text::Status(*st).text(l))
            }
            Text::ThisDevice(seq, kind) if es => format!("Este equipo: #{seq} {kind}"),
            Text::ThisDevice(seq, kind) => format!("This device: #{seq} {kind}"),
            Text::LedgerSide(index, kind) if es => format!("Libro central: #{index} {kind}"),
            Text::LedgerSide(index, kind) => format!("Ledger: #{index} {kind}"),
            Text::TypeQuantity => pick(
                l,
                "Check the package. Quantity found + Enter (Enter alone: as recorded)",
                "Revise el paquete. Cantidad hallada + Enter (solo Enter: la registrada)",
            ),
            Text::BadQuantity { weighed: true } => pick(
                l,
                "Type the weight found in grams, e.g. 452.5",
                "Escriba el peso hallado en gramos, p. ej. 452.5",
            ),
            Text::BadQuantity { weighed: false } => pick(
                l,
                "Type the whole units found, e.g. 12",
                "Escriba las unidades halladas, p. ej. 12",
            ),
            Text::ScanLocation => pick(
                l,
                "Scan where it is (Enter alone: as recorded)",
                "Escanee dónde está (solo Enter: la registrada)",
            ),
            Text::ChooseStatus => {
                pick(l, "Its status: number + Enter", "Su estado: número + Enter")
            }
            Text::TypeSettleReason => pick(
                l,
                "Adjustment reason code + Enter",
                "Código de motivo del ajuste + Enter",
            ),
            Text::FoundAt(q, loc) if es => format!("Hallado: {q} en {loc}"),
            Text::FoundAt(q, loc) => format!("Found: {q} at {loc}"),
            Text::Status(st) => match st {
                PackageStatus::Active => pick(l, "active", "activo"),
                PackageStatus::OnHold => pick(l, "on hold", "retenido"),
                PackageStatus::Quarantined => pick(l, "quarantined", "en cuarentena"),
                PackageStatus::InTransit => pick(l, "in transit", "en tránsito"),
                PackageStatus::Destroyed => pick(l, "destroyed", "destruido"),
                PackageStatus::Finished => pick(l, "finished", "terminado"),
            },
            Text::ConfirmSettle(u, q, loc, st, r) if es => format!(
                "¿Resolver {u} como {q} en {loc}, {} ({r})?",
                Text::Status(*st).text(l)
            ),
            Text::ConfirmSettle(u, q, loc, st, r) => format!(
                "Settle {u} as {q} at {loc}, {} ({r})?",
                Text::Status(*st).text(l)
            ),
            Text::Settled(u) if es => format!("Conflicto de {u} resuelto"),
            Text::Settled(u) => format!("Conflict of {u} settled"),
            Text::KeySettleField => pick(
                l,
                "type/scan + Enter  the field",
                "escriba/escanee + Enter  el campo",
            ),
            Text::KeyKeepRecorded => {
                pick(l, "Enter alone  as recorded", "solo Enter  lo registrado")
            }
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
            Text::Done => pick(l, "Done", "Hecho"),
            Text::KeyReason => pick(l, "line + Enter  approve it", "línea + Enter  aprobarla"),
            Text::KeyClose => pick(l, "last row  close the count", "última fila  cerrar conteo"),
        }
    }
}
