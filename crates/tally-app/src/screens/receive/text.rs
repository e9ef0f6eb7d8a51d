//! What 1 Receive says, in English and Spanish side by side.

use crate::render::grams;
use crate::text::{pick, Language, Words};

/// What 1 Receive says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title of the list.
    Title,
    /// Choose a manifest.
    ChooseManifest,
    /// No manifest waiting.
    NoManifests,
    /// The manifests are being read.
    Reading,
    /// A scan or typed text that is no manifest waiting.
    NoSuchManifest(String),
    /// Opening a manifest.
    Opening(String),
    /// Progress: lines arrived of lines, unexpected, decided.
    Progress {
        /// Lines whose case arrived.
        arrived: usize,
        /// Lines on the manifest.
        lines: usize,
        /// Cases not on the manifest.
        unexpected: usize,
        /// Cases decided.
        decided: usize,
    },
    /// Scan the next case.
    ScanNext,
    /// Every case arrived: decide each one.
    DecideEach,
    /// Everything decided: close.
    AllDone,
    /// A decision key with no case scanned or marked.
    ScanACaseFirst,
    /// A case arrived (tag, SKU).
    Arrived(String, String),
    /// A case not on the manifest.
    Unexpected(String),
    /// A case scanned twice.
    Duplicate(String),
    /// The label passed.
    LabelPassed,
    /// The label failed: the problems.
    LabelFailed(String),
    /// The weight (mg, on the manifest's basis) is within tolerance.
    WeightOk(i64),
    /// The weight (mg, on the manifest's basis) is out of tolerance.
    WeightOff(i64),
    /// The case on the scale was weighed already: the new weight is not recorded.
    AlreadyWeighed(String, i64),
    /// A case not on the manifest has no weight to be checked against: not recorded.
    NotWeighedHere(String),
    /// Accepted.
    Accepted(String),
    /// Rejected.
    Rejected(String),
    /// A mis-scan voided.
    Voided(String),
    /// Quarantined.
    Quarantined(String),
    /// Closed.
    ClosedDone,
    /// A scan after the close.
    ClosedNoScan,
    /// The scan identifies nothing.
    Unreadable(String),
    /// A case not on the manifest has no manifest quantity.
    NotOnManifest(String),
    /// The quantity question.
    AskQuantity {
        /// The case.
        uid: String,
        /// The manifest's quantity, as shown.
        manifest: String,
        /// Grams are asked.
        weighed: bool,
    },
    /// A quantity that does not read.
    BadQuantity {
        /// Grams are asked.
        weighed: bool,
    },
    /// The reason question.
    AskReason,
    /// Not a reason of the list.
    NoSuchReason(String),
    /// The reject confirmation.
    ConfirmReject {
        /// The case.
        uid: String,
        /// Reason code.
        reason: String,
    },
    /// A question was left.
    Cancelled,
    /// Heading: the discrepancy list.
    Discrepancies,
    /// Missing and unexpected counts at close.
    ClosedSummary {
        /// Missing lines.
        missing: usize,
        /// Unexpected cases.
        unexpected: usize,
        /// Accepted.
        accepted: usize,
        /// Rejected.
        rejected: usize,
    },
    /// Missing heading.
    Missing,
    /// Unexpected heading.
    UnexpectedList,
    /// Manifest column.
    ManifestQty,
    /// Received column.
    Received,
    /// Nothing received.
    NotReceived,
    /// No discrepancy.
    NoDiscrepancy,
    /// Help: number and Enter opens.
    KeyOpenManifest,
    /// Help: scan a manifest.
    KeyScanManifest,
    /// Help: scan a case.
    KeyScanCase,
    /// Help: arrows mark a case.
    KeyMark,
    /// Help: accept.
    KeyAccept,
    /// Help: accept at another quantity.
    KeyAcceptAt,
    /// Help: reject.
    KeyReject,
    /// Help: quarantine.
    KeyQuarantine,
    /// Help: p.
    KeyQuarantinePallet,
    /// Quarantine the whole pallet: how many cases, the reason (then: the cases, the keys).
    ConfirmPallet {
        /// Cases on it.
        cases: usize,
        /// Reason code.
        reason: String,
    },
    /// No case on the pallet can be quarantined.
    NothingToQuarantine,
    /// Help: void.
    KeyVoid,
    /// Help: close.
    KeyClose,
    /// Help: tare and zero.
    KeyScale,
    /// Key help: weigh the marked case with the stable weight on the scale.
    KeyWeigh,
    /// Help: confirmation.
    KeyConfirm,
    /// Help: pick a reason.
    KeyPickReason,
    /// Help: type a quantity.
    KeyQuantity,
    /// Help: scroll the list.
    KeyScrollList,
    /// The keys hint on the manifest.
    ActionsHint,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        let en = l == Language::English;
        match self {
            Text::Title => pick(l, "1 Receive", "1 Recibir"),
            Text::ChooseManifest => pick(
                l,
                "Type a manifest's number and Enter, or scan its barcode",
                "Escriba el número del manifiesto y Enter, o escanee su código",
            ),
            Text::NoManifests => pick(l, "No manifest is waiting", "Ningún manifiesto pendiente"),
            Text::Reading => pick(l, "Reading…", "Leyendo…"),
            Text::NoSuchManifest(text) => match l {
                Language::English => format!("{text} is not a manifest waiting here; type its number or scan it"),
                Language::Spanish => format!("{text} no es un manifiesto pendiente; escriba su número o escanéelo"),
            },
            Text::Opening(m) => match l {
                Language::English => format!("Opening {m}…"),
                Language::Spanish => format!("Abriendo {m}…"),
            },
            Text::Progress {
                arrived,
                lines,
                unexpected,
                decided,
            } => match l {
                Language::English => format!(
                    "{arrived} of {lines} received, {unexpected} unexpected, {decided} decided"
                ),
                Language::Spanish => format!(
                    "{arrived} de {lines} recibidos, {unexpected} inesperados, {decided} decididos"
                ),
            },
            Text::ScanNext => pick(l, "Scan the next case", "Escanee la siguiente caja"),
            Text::DecideEach => pick(
                l,
                "Every case is in: decide each one (a accept, r reject)",
                "Todas las cajas llegaron: decida cada una (a aceptar, r rechazar)",
            ),
            Text::AllDone => pick(l, "All decided: c closes the manifest", "Todo decidido: c cierra el manifiesto"),
            Text::ScanACaseFirst => pick(
                l,
                "Scan a case (or mark one with the arrows) first",
                "Primero escanee una caja (o márquela con las flechas)",
            ),
            Text::Arrived(uid, sku) => match l {
                Language::English => format!("{uid} arrived ({sku}); weigh it or scan its label"),
                Language::Spanish => format!("{uid} llegó ({sku}); pésela o escanee su etiqueta"),
            },
            Text::Unexpected(uid) => match l {
                Language::English => format!("{uid} is NOT on the manifest: set it aside, q quarantine or r reject"),
                Language::Spanish => format!("{uid} NO está en el manifiesto: apártela, q cuarentena o r rechazar"),
            },
            Text::Duplicate(uid) => match l {
                Language::English => format!("{uid} was already scanned; nothing recorded"),
                Language::Spanish => format!("{uid} ya fue escaneada; no se registró nada"),
            },
            Text::LabelPassed => pick(l, "Label and COA match", "Etiqueta y COA coinciden"),
            Text::LabelFailed(problems) => match l {
                Language::English => format!("Label check FAILED: {problems}. Quarantine it (q)"),
                Language::Spanish => format!("Revisión de etiqueta FALLÓ: {problems}. Póngala en cuarentena (q)"),
            },
            Text::WeightOk(mg) => match l {
                Language::English => format!("{}: weight within tolerance", grams(*mg)),
                Language::Spanish => format!("{}: peso dentro de tolerancia", grams(*mg)),
            },
            Text::WeightOff(mg) => match l {
                Language::English => format!(
                    "{}: weight OUT of tolerance: quarantine it (q) or accept at the weight (d)",
                    grams(*mg)
                ),
                Language::Spanish => format!(
                    "{}: peso FUERA de tolerancia: cuarentena (q) o aceptar con el peso (d)",
                    grams(*mg)
                ),
            },
            Text::AlreadyWeighed(uid, mg) => match l {
                Language::English => format!(
                    "{uid} is weighed already; {} not recorded: w records it for the marked case",
                    grams(*mg)
                ),
                Language::Spanish => format!(
                    "{uid} ya está pesada; {} no registrado: w lo registra para la marcada",
                    grams(*mg)
                ),
            },
            Text::NotWeighedHere(uid) => match l {
                Language::English => format!(
                    "{uid} is NOT on the manifest: no weight to check; nothing recorded"
                ),
                Language::Spanish => format!(
                    "{uid} NO está en el manifiesto: sin peso que comprobar; nada registrado"
                ),
            },
            Text::Accepted(uid) => match l {
                Language::English => format!("{uid} accepted"),
                Language::Spanish => format!("{uid} aceptada"),
            },
            Text::Rejected(uid) => match l {
                Language::English => format!("{uid} rejected"),
                Language::Spanish => format!("{uid} rechazada"),
            },
            Text::Voided(uid) => match l {
                Language::English => format!("Scan of {uid} voided"),
                Language::Spanish => format!("Escaneo de {uid} anulado"),
            },
            Text::Quarantined(uids) => match l {
                Language::English => format!("{uids} quarantined: take it to the cage"),
                Language::Spanish => format!("{uids} en cuarentena: llévela a la jaula"),
            },
            Text::ClosedDone => pick(l, "Manifest closed", "Manifiesto cerrado"),
            Text::ClosedNoScan => pick(
                l,
                "This manifest is closed; Esc goes back",
                "Este manifiesto está cerrado; Esc regresa",
            ),
            Text::Unreadable(input) => match l {
                Language::English => format!("{input:?} cannot be read; scan it again or type it"),
                Language::Spanish => format!("{input:?} no se puede leer; escanéelo otra vez o escríbalo"),
            },
            Text::NotOnManifest(uid) => match l {
                Language::English => format!("{uid} is not on the manifest: quarantine (q) or reject (r) it"),
                Language::Spanish => format!("{uid} no está en el manifiesto: cuarentena (q) o rechazo (r)"),
            },
            Text::AskQuantity {
                uid,
                manifest,
                weighed,
            } => {
                let unit = match (en, weighed) {
                    (true, true) => "grams",
                    (true, false) => "units",
                    (false, true) => "gramos",
                    (false, false) => "unidades",
                };
                match l {
                    Language::English => format!("{uid}\nmanifest {manifest}\nreceived, in {unit}, + Enter:"),
                    Language::Spanish => format!("{uid}\nmanifiesto {manifest}\nrecibido, en {unit}, + Enter:"),
                }
            }
            Text::BadQuantity { weighed } => match (l, weighed) {
                (Language::English, true) => "Type the weight in grams, e.g. 452.5".into(),
                (Language::English, false) => "Type a whole number of units".into(),
                (Language::Spanish, true) => "Escriba el peso en gramos, p. ej. 452.5".into(),
                (Language::Spanish, false) => "Escriba un número entero de unidades".into(),
            },
            Text::AskReason => pick(l, "Reason: number + Enter", "Motivo: número + Enter"),
            Text::NoSuchReason(typed) => match l {
                Language::English => format!("{typed:?} is not on the list; type a reason's number"),
                Language::Spanish => format!("{typed:?} no está en la lista; escriba el número de un motivo"),
            },
            Text::ConfirmReject { uid, reason } => match l {
                Language::English => format!("Reject {uid}\n({reason})?\nIt cannot be undone.\nEnter: yes   Esc: no"),
                Language::Spanish => format!("¿Rechazar {uid}\n({reason})?\nNo se puede deshacer.\nEnter: sí   Esc: no"),
            },
            Text::Cancelled => pick(l, "Cancelled; nothing recorded", "Cancelado; no se registró nada"),
            Text::Discrepancies => pick(
                l,
                "Discrepancies (key into the state system):",
                "Diferencias (capturar en el sistema estatal):",
            ),
            Text::ClosedSummary {
                missing,
                unexpected,
                accepted,
                rejected,
            } => match l {
                Language::English => format!(
                    "{accepted} accepted, {rejected} rejected, {missing} missing, {unexpected} unexpected"
                ),
                Language::Spanish => format!(
                    "{accepted} aceptados, {rejected} rechazados, {missing} faltantes, {unexpected} inesperados"
                ),
            },
            Text::Missing => pick(l, "Missing", "Faltantes"),
            Text::UnexpectedList => pick(l, "Unexpected", "Inesperados"),
            Text::ManifestQty => pick(l, "manifest", "manifiesto"),
            Text::Received => pick(l, "received", "recibido"),
            Text::NotReceived => pick(l, "none", "nada"),
            Text::NoDiscrepancy => pick(l, "No discrepancy", "Sin diferencias"),
            Text::KeyOpenManifest => pick(l, "1-9 Enter open that manifest", "1-9 Enter abrir ese manifiesto"),
            Text::KeyScanManifest => pick(l, "scan    a manifest's barcode", "escanear código del manifiesto"),
            Text::KeyScanCase => pick(l, "scan    a case (or its label)", "escanear una caja (o su etiqueta)"),
            Text::KeyMark => pick(l, "↑ ↓     mark a case", "↑ ↓     marcar una caja"),
            Text::KeyAccept => pick(l, "a       accept it", "a       aceptarla"),
            Text::KeyAcceptAt => pick(l, "d       accept at another qty", "d       aceptar con otra cant."),
            Text::KeyReject => pick(l, "r       reject it (asks)", "r       rechazarla (pregunta)"),
            Text::KeyQuarantine => pick(l, "q       quarantine it", "q       cuarentena"),
            Text::KeyQuarantinePallet => pick(
                l,
                "p       quarantine the pallet",
                "p       cuarentena de la tarima",
            ),
            Text::ConfirmPallet { cases, reason } => match l {
                Language::English => format!(
                    "Quarantine the pallet: all {cases} cases arrived and not decided ({reason})?"
                ),
                Language::Spanish => format!(
                    "¿Cuarentena de la tarima: los {cases} casos llegados sin decidir ({reason})?"
                ),
            },
            Text::NothingToQuarantine => pick(
                l,
                "No case on this pallet can be quarantined: scan the cases first",
                "Ningún caso de esta tarima puede ir a cuarentena: escanee los casos primero",
            ),
            Text::KeyVoid => pick(l, "v       void a mis-scan", "v       anular mal escaneo"),
            Text::KeyClose => pick(l, "c       close the manifest", "c       cerrar el manifiesto"),
            Text::KeyScale => pick(l, "t / z   tare / zero scale", "t / z   tara / cero báscula"),
            Text::KeyWeigh => pick(l, "w       weigh the marked case", "w       pesar la marcada"),
            Text::KeyConfirm => pick(l, "Enter   yes · Esc no", "Enter   sí · Esc no"),
            Text::KeyPickReason => pick(l, "1-9 Enter pick the reason", "1-9 Enter elegir el motivo"),
            Text::KeyQuantity => pick(l, "digits Enter the quantity", "dígitos Enter la cantidad"),
            Text::KeyScrollList => pick(l, "↑ ↓     scroll the list", "↑ ↓     mover la lista"),
            Text::ActionsHint => pick(
                l,
                "a ok d qty r rej q quar v void c close",
                "a ok d cant r rech q cuar v anul c cerr",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receiving_reads_in_both_languages() {
        for text in [
            Text::ScanNext,
            Text::AllDone,
            Text::Cancelled,
            Text::KeyReject,
            Text::ActionsHint,
            Text::KeyQuarantinePallet,
            Text::ConfirmPallet {
                cases: 2,
                reason: "R".into(),
            },
            Text::NothingToQuarantine,
            Text::WeightOk(1),
            Text::WeightOff(1),
            Text::AlreadyWeighed("U".into(), 1),
            Text::NotWeighedHere("U".into()),
            Text::KeyWeigh,
        ] {
            assert_ne!(text.text(Language::English), text.text(Language::Spanish));
        }
    }
}
