//! What 5 Count says, in English and Spanish side by side. Nothing here takes an expected
//! quantity: the count's words only ever name what the counter did.

use crate::render::grams;
use crate::text::{bilingual, Language, Words};

/// What 5 Count says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// Choose a task.
    ChooseTask,
    /// No tasks.
    NoTasks,
    /// Reading the tasks.
    Reading,
    /// Not a task of the list.
    NoSuchTask(String),
    /// Starting a task.
    Starting(String),
    /// A round started at a location.
    Started(i64, String),
    /// The count moved to a location.
    CountingAt(String),
    /// Task and round heading.
    TaskRound(String, i64),
    /// Location heading.
    Location(String),
    /// The counter's progress: found, with a quantity.
    Progress(usize, usize),
    /// Scan a package.
    ScanPackage,
    /// Type the units of a package.
    TypeUnits(String),
    /// Weigh a package.
    WeighIt(String),
    /// Already counted in this round.
    AlreadyCounted(String),
    /// Counted.
    Counted,
    /// Counted on the scale: what it read (mg), which the counter sees on the scale anyway.
    CountedWeighed(i64),
    /// A weight for a package counted in units: not recorded.
    UnitsNotWeight(String),
    /// Key help: take the stable weight on the scale.
    KeyWeigh,
    /// Already has a quantity.
    AlreadyHasQuantity,
    /// Tags swept.
    Swept(usize),
    /// Submitted: to a supervisor.
    ToSupervisor,
    /// Submitted: packages to recount.
    ToRecount(usize),
    /// Submitted heading.
    Submitted(String),
    /// Recount heading.
    RecountThese,
    /// Submit question.
    ConfirmSubmit,
    /// Submit answers.
    ConfirmKeys,
    /// Not readable.
    Unreadable(String),
    /// An answer that is not a count's.
    NotACountStep(String),
    /// Waiting for the device.
    Busy,
    /// Round label in the task list.
    Round(i64),
    /// Round label in the task list of a recount (the round; whether the facility wants it
    /// counted by someone who counted no earlier round).
    Recount(i64, bool),
    /// Key: scan a task.
    KeyScanTask,
    /// Key: units.
    KeyUnits,
    /// Key: location.
    KeyLocation,
    /// Key: submit.
    KeySubmit,
    /// Key: next task.
    KeyNextTask,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::Title => bilingual!(l, en: "5 Count", es: "5 Contar"),
            Text::ChooseTask => bilingual!(l,
                en: "Choose a count: number + Enter, or scan it",
                es: "Elija un conteo: número + Enter, o escanéelo",
            ),
            Text::NoTasks => bilingual!(l,
                en: "No counts waiting for you",
                es: "No hay conteos para usted",
            ),
            Text::Reading => bilingual!(l, en: "Reading…", es: "Leyendo…"),
            Text::NoSuchTask(t) => bilingual!(l,
                en: "{t} is not a count on the list",
                es: "{t} no es un conteo de la lista",
            ),
            Text::Starting(t) => bilingual!(l, en: "Opening {t}…", es: "Abriendo {t}…"),
            Text::Started(r, loc) => bilingual!(l,
                en: "Round {r}: scan the packages at {loc}",
                es: "Vuelta {r}: escanee los paquetes en {loc}",
            ),
            Text::CountingAt(loc) => bilingual!(l,
                en: "Now counting at {loc}",
                es: "Ahora cuenta en {loc}",
            ),
            Text::TaskRound(t, r) => bilingual!(l, en: "{t} · round {r}", es: "{t} · vuelta {r}"),
            Text::Location(loc) => bilingual!(l, en: "Location: {loc}", es: "Ubicación: {loc}"),
            Text::Progress(f, e) => bilingual!(l,
                en: "Found {f} · with quantity {e}",
                es: "Encontró {f} · con cantidad {e}",
            ),
            Text::ScanPackage => bilingual!(l,
                en: "Scan a package (or another location of this count)",
                es: "Escanee un paquete (u otra ubicación de este conteo)",
            ),
            Text::TypeUnits(uid) => bilingual!(l,
                en: "{uid}: type its units and Enter",
                es: "{uid}: escriba las unidades y Enter",
            ),
            Text::WeighIt(uid) => bilingual!(l,
                en: "{uid}: put it on the scale, wait for a stable weight",
                es: "{uid}: póngalo en la báscula y espere un peso estable",
            ),
            Text::AlreadyCounted(uid) => bilingual!(l,
                en: "{uid} is already counted in this round",
                es: "{uid} ya se contó en esta vuelta",
            ),
            Text::CountedWeighed(mg) => {
                let weight = grams(*mg);
                bilingual!(l,
                    en: "Counted: {weight}. Scan the next package",
                    es: "Contado: {weight}. Escanee el siguiente",
                )
            }
            Text::UnitsNotWeight(uid) => bilingual!(l,
                en: "{uid} is counted in units: type them; the weight is not recorded",
                es: "{uid} se cuenta en unidades: escríbalas; el peso no se registró",
            ),
            Text::KeyWeigh => bilingual!(l,
                en: "w  take the stable weight",
                es: "w  tomar el peso estable",
            ),
            Text::Counted => bilingual!(l,
                en: "Counted. Scan the next package",
                es: "Contado. Escanee el siguiente",
            ),
            Text::AlreadyHasQuantity => bilingual!(l,
                en: "That package already has its quantity in this round",
                es: "Ese paquete ya tiene su cantidad en esta vuelta",
            ),
            Text::Swept(n) => bilingual!(l,
                en: "{n} new tags read",
                es: "{n} etiquetas nuevas leídas",
            ),
            Text::ToSupervisor => bilingual!(l,
                en: "Submitted. It goes to a supervisor",
                es: "Enviado. Pasa a un supervisor",
            ),
            Text::ToRecount(n) => bilingual!(l,
                en: "Submitted. {n} packages to recount",
                es: "Enviado. {n} paquetes se vuelven a contar",
            ),
            Text::Submitted(t) => bilingual!(l, en: "{t} submitted", es: "{t} enviado"),
            Text::RecountThese => bilingual!(l,
                en: "To recount (by the counter the facility names):",
                es: "Para volver a contar (por quien indique la instalación):",
            ),
            Text::ConfirmSubmit => bilingual!(l,
                en: "Submit this round? You cannot add to it after",
                es: "¿Enviar esta vuelta? Después no se puede agregar",
            ),
            Text::ConfirmKeys => bilingual!(l,
                en: "Enter submit · Esc keep counting",
                es: "Enter enviar · Esc seguir",
            ),
            Text::Unreadable(scan) => bilingual!(l,
                en: "{scan:?} cannot be read; scan it again",
                es: "{scan:?} no se puede leer; escanee de nuevo",
            ),
            Text::NotACountStep(_) => bilingual!(l,
                en: "That answer is not a count's; scan again",
                es: "Esa respuesta no es de un conteo; escanee de nuevo",
            ),
            Text::Busy => bilingual!(l,
                en: "Wait: the last scan is being recorded",
                es: "Espere: se registra el último escaneo",
            ),
            Text::Round(r) => bilingual!(l, en: "round {r}", es: "vuelta {r}"),
            Text::Recount(r, true) => bilingual!(l,
                en: "recount, round {r}, by another counter",
                es: "recuento, vuelta {r}, por otro contador",
            ),
            Text::Recount(r, false) => bilingual!(l,
                en: "recount, round {r}",
                es: "recuento, vuelta {r}",
            ),
            Text::KeyScanTask => bilingual!(l,
                en: "scan      open that count",
                es: "escanear  abrir ese conteo",
            ),
            Text::KeyUnits => bilingual!(l,
                en: "units + Enter  the quantity",
                es: "unidades + Enter  la cantidad",
            ),
            Text::KeyLocation => bilingual!(l,
                en: "scan a location  count there",
                es: "escanee ubicación  contar ahí",
            ),
            Text::KeySubmit => bilingual!(l,
                en: "Enter (empty)  submit",
                es: "Enter (vacío)  enviar",
            ),
            Text::KeyNextTask => bilingual!(l,
                en: "Enter    the next count",
                es: "Enter    el siguiente conteo",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_in_both_languages() {
        let all = [
            Text::Title,
            Text::ChooseTask,
            Text::NoTasks,
            Text::NoSuchTask("X".into()),
            Text::Started(1, "L".into()),
            Text::Progress(1, 2),
            Text::ScanPackage,
            Text::TypeUnits("U".into()),
            Text::WeighIt("U".into()),
            Text::Counted,
            Text::CountedWeighed(1),
            Text::UnitsNotWeight("U".into()),
            Text::KeyWeigh,
            Text::ToSupervisor,
            Text::ToRecount(2),
            Text::ConfirmSubmit,
            Text::ConfirmKeys,
            Text::KeySubmit,
        ];
        for t in all {
            assert_ne!(
                t.text(Language::English),
                t.text(Language::Spanish),
                "{t:?}"
            );
        }
    }
}
