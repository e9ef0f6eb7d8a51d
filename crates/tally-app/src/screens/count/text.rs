//! What 5 Count says, in English and Spanish side by side. Nothing here takes an expected
//! quantity: the count's words only ever name what the counter did.

use crate::render::grams;
use crate::text::{pick, Language, Words};

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
        let es = l == Language::Spanish;
        match self {
            Text::Title => pick(l, "5 Count", "5 Contar"),
            Text::ChooseTask => pick(
                l,
                "Choose a count: number + Enter, or scan it",
                "Elija un conteo: número + Enter, o escanéelo",
            ),
            Text::NoTasks => pick(l, "No counts waiting for you", "No hay conteos para usted"),
            Text::Reading => pick(l, "Reading…", "Leyendo…"),
            Text::NoSuchTask(t) if es => format!("{t} no es un conteo de la lista"),
            Text::NoSuchTask(t) => format!("{t} is not a count on the list"),
            Text::Starting(t) if es => format!("Abriendo {t}…"),
            Text::Starting(t) => format!("Opening {t}…"),
            Text::Started(r, loc) if es => format!("Vuelta {r}: escanee los paquetes en {loc}"),
            Text::Started(r, loc) => format!("Round {r}: scan the packages at {loc}"),
            Text::CountingAt(loc) if es => format!("Ahora cuenta en {loc}"),
            Text::CountingAt(loc) => format!("Now counting at {loc}"),
            Text::TaskRound(t, r) if es => format!("{t} · vuelta {r}"),
            Text::TaskRound(t, r) => format!("{t} · round {r}"),
            Text::Location(loc) if es => format!("Ubicación: {loc}"),
            Text::Location(loc) => format!("Location: {loc}"),
            Text::Progress(f, e) if es => format!("Encontró {f} · con cantidad {e}"),
            Text::Progress(f, e) => format!("Found {f} · with quantity {e}"),
            Text::ScanPackage => pick(
                l,
                "Scan a package (or another location of this count)",
                "Escanee un paquete (u otra ubicación de este conteo)",
            ),
            Text::TypeUnits(uid) if es => format!("{uid}: escriba las unidades y Enter"),
            Text::TypeUnits(uid) => format!("{uid}: type its units and Enter"),
            Text::WeighIt(uid) if es => {
                format!("{uid}: póngalo en la báscula y espere un peso estable")
            }
            Text::WeighIt(uid) => format!("{uid}: put it on the scale, wait for a stable weight"),
            Text::AlreadyCounted(uid) if es => format!("{uid} ya se contó en esta vuelta"),
            Text::AlreadyCounted(uid) => format!("{uid} is already counted in this round"),
            Text::CountedWeighed(mg) if es => {
                format!("Contado: {}. Escanee el siguiente", grams(*mg))
            }
            Text::CountedWeighed(mg) => format!("Counted: {}. Scan the next package", grams(*mg)),
            Text::UnitsNotWeight(uid) if es => {
                format!("{uid} se cuenta en unidades: escríbalas; el peso no se registró")
            }
            Text::UnitsNotWeight(uid) => {
                format!("{uid} is counted in units: type them; the weight is not recorded")
            }
            Text::KeyWeigh => pick(l, "w  take the stable weight", "w  tomar el peso estable"),
            Text::Counted => pick(
                l,
                "Counted. Scan the next package",
                "Contado. Escanee el siguiente",
            ),
            Text::AlreadyHasQuantity => pick(
                l,
                "That package already has its quantity in this round",
                "Ese paquete ya tiene su cantidad en esta vuelta",
            ),
            Text::Swept(n) if es => format!("{n} etiquetas nuevas leídas"),
            Text::Swept(n) => format!("{n} new tags read"),
            Text::ToSupervisor => pick(
                l,
                "Submitted. It goes to a supervisor",
                "Enviado. Pasa a un supervisor",
            ),
            Text::ToRecount(n) if es => format!("Enviado. {n} paquetes se vuelven a contar"),
            Text::ToRecount(n) => format!("Submitted. {n} packages to recount"),
            Text::Submitted(t) if es => format!("{t} enviado"),
            Text::Submitted(t) => format!("{t} submitted"),
            Text::RecountThese => pick(
                l,
                "To recount (by the counter the facility names):",
                "Para volver a contar (por quien indique la instalación):",
            ),
            Text::ConfirmSubmit => pick(
                l,
                "Submit this round? You cannot add to it after",
                "¿Enviar esta vuelta? Después no se puede agregar",
            ),
            Text::ConfirmKeys => pick(
                l,
                "Enter submit · Esc keep counting",
                "Enter enviar · Esc seguir",
            ),
            Text::Unreadable(scan) if es => format!("{scan:?} no se puede leer; escanee de nuevo"),
            Text::Unreadable(scan) => format!("{scan:?} cannot be read; scan it again"),
            Text::NotACountStep(_) => pick(
                l,
                "That answer is not a count's; scan again",
                "Esa respuesta no es de un conteo; escanee de nuevo",
            ),
            Text::Busy => pick(
                l,
                "Wait: the last scan is being recorded",
                "Espere: se registra el último escaneo",
            ),
            Text::Round(r) if es => format!("vuelta {r}"),
            Text::Round(r) => format!("round {r}"),
            Text::Recount(r, true) if es => format!("recuento, vuelta {r}, por otro contador"),
            Text::Recount(r, true) => format!("recount, round {r}, by another counter"),
            Text::Recount(r, false) if es => format!("recuento, vuelta {r}"),
            Text::Recount(r, false) => format!("recount, round {r}"),
            Text::KeyScanTask => pick(l, "scan      open that count", "escanear  abrir ese conteo"),
            Text::KeyUnits => pick(
                l,
                "units + Enter  the quantity",
                "unidades + Enter  la cantidad",
            ),
            Text::KeyLocation => pick(
                l,
                "scan a location  count there",
                "escanee ubicación  contar ahí",
            ),
            Text::KeySubmit => pick(l, "Enter (empty)  submit", "Enter (vacío)  enviar"),
            Text::KeyNextTask => pick(l, "Enter    the next count", "Enter    el siguiente conteo"),
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
