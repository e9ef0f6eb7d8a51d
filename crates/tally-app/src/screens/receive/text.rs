//! What 1 Receive says, in English and Spanish side by side.

use crate::render::grams;
use crate::text::{bilingual, Language, Words};

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
            Text::Title => bilingual!(l, en: "1 Receive", es: "1 Recibir"),
            Text::ChooseManifest => bilingual!(l,
                en: "Type a manifest's number and Enter, or scan its barcode",
                es: "Escriba el número del manifiesto y Enter, o escanee su código",
            ),
            Text::NoManifests => bilingual!(l,
                en: "No manifest is waiting",
                es: "Ningún manifiesto pendiente",
            ),
            Text::Reading => bilingual!(l, en: "Reading…", es: "Leyendo…"),
            Text::NoSuchManifest(text) => bilingual!(l,
                en: "{text} is not a manifest waiting here; type its number or scan it",
                es: "{text} no es un manifiesto pendiente; escriba su número o escanéelo",
            ),
            Text::Opening(m) => bilingual!(l, en: "Opening {m}…", es: "Abriendo {m}…"),
            Text::Progress {
                arrived,
                lines,
                unexpected,
                decided,
            } => bilingual!(l,
                en: "{arrived} of {lines} received, {unexpected} unexpected, {decided} decided",
                es: "{arrived} de {lines} recibidos, {unexpected} inesperados, {decided} decididos",
            ),
            Text::ScanNext => bilingual!(l,
                en: "Scan the next case",
                es: "Escanee la siguiente caja",
            ),
            Text::DecideEach => bilingual!(l,
                en: "Every case is in: decide each one (a accept, r reject)",
                es: "Todas las cajas llegaron: decida cada una (a aceptar, r rechazar)",
            ),
            Text::AllDone => bilingual!(l,
                en: "All decided: c closes the manifest",
                es: "Todo decidido: c cierra el manifiesto",
            ),
            Text::ScanACaseFirst => bilingual!(l,
                en: "Scan a case (or mark one with the arrows) first",
                es: "Primero escanee una caja (o márquela con las flechas)",
            ),
            Text::Arrived(uid, sku) => bilingual!(l,
                en: "{uid} arrived ({sku}); weigh it or scan its label",
                es: "{uid} llegó ({sku}); pésela o escanee su etiqueta",
            ),
            Text::Unexpected(uid) => bilingual!(l,
                en: "{uid} is NOT on the manifest: set it aside, q quarantine or r reject",
                es: "{uid} NO está en el manifiesto: apártela, q cuarentena o r rechazar",
            ),
            Text::Duplicate(uid) => bilingual!(l,
                en: "{uid} was already scanned; nothing recorded",
                es: "{uid} ya fue escaneada; no se registró nada",
            ),
            Text::LabelPassed => bilingual!(l,
                en: "Label and COA match",
                es: "Etiqueta y COA coinciden",
            ),
            Text::LabelFailed(problems) => bilingual!(l,
                en: "Label check FAILED: {problems}. Quarantine it (q)",
                es: "Revisión de etiqueta FALLÓ: {problems}. Póngala en cuarentena (q)",
            ),
            Text::WeightOk(mg) => {
                let weight = grams(*mg);
                bilingual!(l,
                    en: "{weight}: weight within tolerance",
                    es: "{weight}: peso dentro de tolerancia",
                )
            }
            Text::WeightOff(mg) => {
                let weight = grams(*mg);
                bilingual!(l,
                    en: "{weight}: weight OUT of tolerance: quarantine it (q) or accept at the weight (d)",
                    es: "{weight}: peso FUERA de tolerancia: cuarentena (q) o aceptar con el peso (d)",
                )
            }
            Text::AlreadyWeighed(uid, mg) => {
                let weight = grams(*mg);
                bilingual!(l,
                    en: "{uid} is weighed already; {weight} not recorded: w records it for the marked case",
                    es: "{uid} ya está pesada; {weight} no registrado: w lo registra para la marcada",
                )
            }
            Text::NotWeighedHere(uid) => bilingual!(l,
                en: "{uid} is NOT on the manifest: no weight to check; nothing recorded",
                es: "{uid} NO está en el manifiesto: sin peso que comprobar; nada registrado",
            ),
            Text::Accepted(uid) => bilingual!(l, en: "{uid} accepted", es: "{uid} aceptada"),
            Text::Rejected(uid) => bilingual!(l, en: "{uid} rejected", es: "{uid} rechazada"),
            Text::Voided(uid) => bilingual!(l,
                en: "Scan of {uid} voided",
                es: "Escaneo de {uid} anulado",
            ),
            Text::Quarantined(uids) => bilingual!(l,
                en: "{uids} quarantined: take it to the cage",
                es: "{uids} en cuarentena: llévela a la jaula",
            ),
            Text::ClosedDone => bilingual!(l, en: "Manifest closed", es: "Manifiesto cerrado"),
            Text::ClosedNoScan => bilingual!(l,
                en: "This manifest is closed; Esc goes back",
                es: "Este manifiesto está cerrado; Esc regresa",
            ),
            Text::Unreadable(input) => bilingual!(l,
                en: "{input:?} cannot be read; scan it again or type it",
                es: "{input:?} no se puede leer; escanéelo otra vez o escríbalo",
            ),
            Text::NotOnManifest(uid) => bilingual!(l,
                en: "{uid} is not on the manifest: quarantine (q) or reject (r) it",
                es: "{uid} no está en el manifiesto: cuarentena (q) o rechazo (r)",
            ),
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
                bilingual!(l,
                    en: "{uid}\nmanifest {manifest}\nreceived, in {unit}, + Enter:",
                    es: "{uid}\nmanifiesto {manifest}\nrecibido, en {unit}, + Enter:",
                )
            }
            Text::BadQuantity { weighed: true } => bilingual!(l,
                en: "Type the weight in grams, e.g. 452.5",
                es: "Escriba el peso en gramos, p. ej. 452.5",
            ),
            Text::BadQuantity { weighed: false } => bilingual!(l,
                en: "Type a whole number of units",
                es: "Escriba un número entero de unidades",
            ),
            Text::AskReason => bilingual!(l,
                en: "Reason: number + Enter",
                es: "Motivo: número + Enter",
            ),
            Text::NoSuchReason(typed) => bilingual!(l,
                en: "{typed:?} is not on the list; type a reason's number",
                es: "{typed:?} no está en la lista; escriba el número de un motivo",
            ),
            Text::ConfirmReject { uid, reason } => bilingual!(l,
                en: "Reject {uid}\n({reason})?\nIt cannot be undone.\nEnter: yes   Esc: no",
                es: "¿Rechazar {uid}\n({reason})?\nNo se puede deshacer.\nEnter: sí   Esc: no",
            ),
            Text::Cancelled => bilingual!(l,
                en: "Cancelled; nothing recorded",
                es: "Cancelado; no se registró nada",
            ),
            Text::Discrepancies => bilingual!(l,
                en: "Discrepancies (key into the state system):",
                es: "Diferencias (capturar en el sistema estatal):",
            ),
            Text::ClosedSummary {
                missing,
                unexpected,
                accepted,
                rejected,
            } => bilingual!(l,
                en: "{accepted} accepted, {rejected} rejected, {missing} missing, {unexpected} unexpected",
                es: "{accepted} aceptados, {rejected} rechazados, {missing} faltantes, {unexpected} inesperados",
            ),
            Text::Missing => bilingual!(l, en: "Missing", es: "Faltantes"),
            Text::UnexpectedList => bilingual!(l, en: "Unexpected", es: "Inesperados"),
            Text::ManifestQty => bilingual!(l, en: "manifest", es: "manifiesto"),
            Text::Received => bilingual!(l, en: "received", es: "recibido"),
            Text::NotReceived => bilingual!(l, en: "none", es: "nada"),
            Text::NoDiscrepancy => bilingual!(l, en: "No discrepancy", es: "Sin diferencias"),
            Text::KeyOpenManifest => bilingual!(l,
                en: "1-9 Enter open that manifest",
                es: "1-9 Enter abrir ese manifiesto",
            ),
            Text::KeyScanManifest => bilingual!(l,
                en: "scan    a manifest's barcode",
                es: "escanear código del manifiesto",
            ),
            Text::KeyScanCase => bilingual!(l,
                en: "scan    a case (or its label)",
                es: "escanear una caja (o su etiqueta)",
            ),
            Text::KeyMark => bilingual!(l,
                en: "↑ ↓     mark a case",
                es: "↑ ↓     marcar una caja",
            ),
            Text::KeyAccept => bilingual!(l, en: "a       accept it", es: "a       aceptarla"),
            Text::KeyAcceptAt => bilingual!(l,
                en: "d       accept at another qty",
                es: "d       aceptar con otra cant.",
            ),
            Text::KeyReject => bilingual!(l,
                en: "r       reject it (asks)",
                es: "r       rechazarla (pregunta)",
            ),
            Text::KeyQuarantine => bilingual!(l,
                en: "q       quarantine it",
                es: "q       cuarentena",
            ),
            Text::KeyQuarantinePallet => bilingual!(l,
                en: "p       quarantine the pallet",
                es: "p       cuarentena de la tarima",
            ),
            Text::ConfirmPallet { cases, reason } => bilingual!(l,
                en: "Quarantine the pallet: all {cases} cases arrived and not decided ({reason})?",
                es: "¿Cuarentena de la tarima: los {cases} casos llegados sin decidir ({reason})?",
            ),
            Text::NothingToQuarantine => bilingual!(l,
                en: "No case on this pallet can be quarantined: scan the cases first",
                es: "Ningún caso de esta tarima puede ir a cuarentena: escanee los casos primero",
            ),
            Text::KeyVoid => bilingual!(l,
                en: "v       void a mis-scan",
                es: "v       anular mal escaneo",
            ),
            Text::KeyClose => bilingual!(l,
                en: "c       close the manifest",
                es: "c       cerrar el manifiesto",
            ),
            Text::KeyScale => bilingual!(l,
                en: "t / z   tare / zero scale",
                es: "t / z   tara / cero báscula",
            ),
            Text::KeyWeigh => bilingual!(l,
                en: "w       weigh the marked case",
                es: "w       pesar la marcada",
            ),
            Text::KeyConfirm => bilingual!(l,
                en: "Enter   yes · Esc no",
                es: "Enter   sí · Esc no",
            ),
            Text::KeyPickReason => bilingual!(l,
                en: "1-9 Enter pick the reason",
                es: "1-9 Enter elegir el motivo",
            ),
            Text::KeyQuantity => bilingual!(l,
                en: "digits Enter the quantity",
                es: "dígitos Enter la cantidad",
            ),
            Text::KeyScrollList => bilingual!(l,
                en: "↑ ↓     scroll the list",
                es: "↑ ↓     mover la lista",
            ),
            Text::ActionsHint => bilingual!(l,
                en: "a ok d qty r rej q quar v void c close",
                es: "a ok d cant r rech q cuar v anul c cerr",
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
