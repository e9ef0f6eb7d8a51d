//! Refusals: the normal "no" of a workflow, written for the person holding the device.
//!
//! A refusal means nothing was recorded. Variants carry structured fields only (ids, counts,
//! statuses), never sentences, so [`Refusal::message`] renders each one in English or Spanish
//! from this one catalogue, written in the one localisation style of tally
//! ([`tally_vocab::bilingual!`]): each refusal's English and Spanish side by side, so adding a
//! refusal is one variant and one arm. `Display` is the English text. Refusals of the blind-count
//! workflow never carry an expected quantity.

use std::fmt;

use tally_events::payload::PackageStatus;
use tally_events::Quantity;
use tally_vocab::bilingual;
pub use tally_vocab::{Language, Message};

use crate::weight::{MassUnit, WeightError};

impl Message for Refusal {
    fn message(&self, language: Language) -> String {
        Refusal::message(self, language)
    }
}

/// What a reason code was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    /// Quarantine.
    Quarantine,
    /// Rejecting a manifest line.
    Rejection,
    /// A short pick.
    Short,
    /// A count adjustment.
    Adjustment,
    /// A destruction.
    Destruction,
    /// A release from quarantine or hold.
    Release,
}

/// What was attempted on a package in the wrong status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Moving it.
    Moved,
    /// Picking it.
    Picked,
    /// Destroying it.
    Destroyed,
    /// Releasing it from quarantine or hold.
    Released,
}

/// A decision already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The line was accepted.
    Accepted,
    /// The line was rejected.
    Rejected,
    /// The variance was adjusted.
    Adjusted,
}

/// A receiving check that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The weight is outside tolerance.
    Weight,
    /// The label does not match the batch or its COA.
    Label,
}

/// What there was too much of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Many {
    /// Tags in one RFID sweep.
    TagsInSweep,
    /// Packages in one quarantine.
    PackagesInQuarantine,
}

/// Why a workflow step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The badge and PIN do not sign anyone in. One refusal for an unknown or inactive badge,
    /// a badge without a PIN verifier, and a wrong PIN: it tells nobody which badges exist.
    SignInRefused {
        /// Badge as typed.
        badge: String,
    },
    /// The badge is locked out after too many wrong PINs (right PIN or not).
    BadgeLockedOut {
        /// Badge.
        badge: String,
    },
    /// Unlocking a badge that is not locked.
    NotLockedOut {
        /// Badge.
        badge: String,
    },
    /// A supervisor tried to unlock their own badge.
    UnlockOwnBadge {
        /// Badge.
        badge: String,
    },
    /// The user lacks the role.
    NotSupervisor {
        /// Badge.
        badge: String,
    },
    /// The scan is not a package tag.
    NotATag {
        /// What was scanned.
        scan: String,
    },
    /// The tag is not in the replica.
    UnknownPackage {
        /// Tag.
        uid: String,
    },
    /// Unknown location.
    UnknownLocation {
        /// Location scanned.
        location: String,
    },
    /// No quarantine cage is defined.
    NoQuarantineCage,
    /// The location is not a staging lane.
    NotAStagingLane {
        /// Location scanned.
        location: String,
    },
    /// Unknown manifest.
    UnknownManifest {
        /// Manifest id.
        manifest: String,
    },
    /// The manifest is already closed.
    ManifestAlreadyClosed {
        /// Manifest id.
        manifest: String,
    },
    /// A package must be scanned into receiving before it is weighed, checked or decided.
    NotScanned {
        /// Tag.
        uid: String,
        /// Manifest id.
        manifest: String,
    },
    /// The package is not on the manifest being received.
    NotOnManifest {
        /// Tag.
        uid: String,
        /// Manifest.
        manifest: String,
    },
    /// A line was already decided, or a variance already adjusted.
    AlreadyDecided {
        /// Tag.
        uid: String,
        /// What was decided.
        decision: Decision,
    },
    /// A mis-scan void of a case that already has checks, a quarantine or a decision.
    ArrivalHasRecords {
        /// Tag.
        uid: String,
    },
    /// A package that failed a check cannot be accepted until it is quarantined.
    FailedCheck {
        /// Tag.
        uid: String,
        /// Which check.
        check: Check,
    },
    /// Lines are still undecided.
    Undecided {
        /// Manifest.
        manifest: String,
        /// How many.
        count: usize,
    },
    /// Nothing was scanned for an action that needs packages.
    NothingScanned,
    /// The manifest line has no weight to compare with.
    NoManifestWeight {
        /// Tag.
        uid: String,
    },
    /// The scale reading is not stable.
    UnstableReading,
    /// The reading is not a weight.
    NotAWeight(#[from] WeightError),
    /// The reading is in a mass unit the event log cannot record (troy units, grains).
    UnitNotRecorded {
        /// The unit the scale printed.
        unit: MassUnit,
    },
    /// The reading is not a positive weight.
    NoWeight,
    /// The scale is not in the register.
    UnknownScale {
        /// Scale id.
        scale: String,
    },
    /// The scale's calibration is overdue.
    CalibrationOverdue {
        /// Scale.
        scale: String,
        /// Due date.
        due: String,
    },
    /// The scale failed its last calibration check: no weighing on it until a check passes.
    CalibrationCheckFailed {
        /// Scale.
        scale: String,
    },
    /// Destruction: the net weight on the scale is not what the package holds.
    DestructionWeightMismatch {
        /// Tag.
        uid: String,
        /// Net weight measured, as text with unit.
        measured: String,
        /// Quantity on record, as text with unit.
        expected: String,
        /// The tolerance, as text with unit.
        tolerance: String,
    },
    /// Destruction: a gross reading without a tare cannot be compared with the package.
    GrossWithoutTare {
        /// Tag.
        uid: String,
    },
    /// The reason code is unknown.
    UnknownReason {
        /// Code given.
        code: String,
        /// What it was for.
        kind: ReasonKind,
    },
    /// Quarantined or held stock cannot go to a sellable location.
    QuarantinedIntoSellable {
        /// Tag.
        uid: String,
        /// Status.
        status: PackageStatus,
        /// Target.
        location: String,
    },
    /// The package cannot be handled in its status.
    WrongStatus {
        /// Tag.
        uid: String,
        /// Current status.
        status: PackageStatus,
        /// What was attempted.
        action: Action,
    },
    /// The package is already in a tote.
    AlreadyInTote {
        /// Tag.
        uid: String,
    },
    /// The package is already there.
    AlreadyThere {
        /// Tag.
        uid: String,
        /// Location.
        location: String,
    },
    /// Two devices touched this package: a supervisor must resolve it first.
    InConflict {
        /// Tag.
        uid: String,
    },
    /// A settlement of a package that has no conflict on record.
    NotInConflict {
        /// Tag.
        uid: String,
    },
    /// Unknown pick list.
    UnknownPickList {
        /// Pick list id.
        pick_list: String,
    },
    /// The pick line is complete or does not exist.
    LineComplete {
        /// Pick list.
        pick_list: String,
        /// Line.
        line_no: u32,
    },
    /// Wrong item for the line.
    WrongItem {
        /// Tag.
        uid: String,
        /// SKU scanned.
        found: String,
        /// SKU wanted.
        wanted: String,
    },
    /// Not the first-expiring lot.
    NotFefo {
        /// Tag scanned.
        uid: String,
        /// Tag to take.
        take_uid: String,
        /// Its lot.
        take_lot: String,
        /// Its expiry.
        take_expiry: String,
        /// Where it is.
        take_location: String,
    },
    /// The batch may not be sold.
    NoPassedCoa {
        /// Tag.
        uid: String,
        /// COA status column value.
        coa: String,
    },
    /// The package is past its expiry date.
    Expired {
        /// Tag.
        uid: String,
        /// Expiry date.
        expiry: String,
    },
    /// The batch the order requires is not available.
    BatchUnavailable {
        /// Batch.
        batch: String,
    },
    /// A tote must be scanned.
    ScanTote,
    /// The tote holds no picks.
    ToteEmpty {
        /// Tote.
        tote: String,
    },
    /// The tote holds picks for several routes.
    ToteMixedRoutes {
        /// Tote.
        tote: String,
    },
    /// The quantity is in the wrong unit or zero.
    WrongUnit {
        /// The line is weighed.
        weighed: bool,
    },
    /// More than the line needs.
    MoreThanLine {
        /// Line.
        line_no: u32,
        /// What it still needs.
        remaining: Quantity,
    },
    /// More than the package holds.
    MoreThanPackage {
        /// Tag.
        uid: String,
        /// What it holds.
        available: Quantity,
    },
    /// The outbound manifest does not match what was staged.
    ManifestNotExact {
        /// Manifest.
        manifest: String,
        /// Missing count.
        missing: usize,
        /// Extra count.
        extra: usize,
        /// Mismatch count.
        mismatched: usize,
    },
    /// Unknown count task.
    UnknownCount {
        /// Task.
        task: String,
    },
    /// The count has not been started.
    CountNotStarted {
        /// Task.
        task: String,
    },
    /// The count cannot be started now.
    CountUnavailable {
        /// Task.
        task: String,
    },
    /// Too many recount rounds.
    TooManyRounds {
        /// Task.
        task: String,
    },
    /// The count is not waiting for review.
    NotInReview {
        /// Task.
        task: String,
    },
    /// Variances still need an approved adjustment.
    VariancesOpen {
        /// Task.
        task: String,
        /// How many.
        open: usize,
    },
    /// The location is not part of the count.
    NotInCount {
        /// Location.
        location: String,
        /// Task.
        task: String,
    },
    /// The package was not found in this round yet.
    NotFoundInCount {
        /// Tag.
        uid: String,
    },
    /// Packages found without a quantity.
    QuantitiesMissing {
        /// How many.
        count: usize,
    },
    /// The package is weighed, not counted.
    WeighIt {
        /// Tag.
        uid: String,
    },
    /// The package is counted, not weighed.
    CountIt {
        /// Tag.
        uid: String,
    },
    /// Nothing to adjust.
    NoVariance {
        /// Tag.
        uid: String,
    },
    /// The recount must be done by another counter.
    RecountBySameCounter {
        /// Badge.
        badge: String,
    },
    /// Only the counter who started (or was assigned) may count.
    NotTheCounter {
        /// Task.
        task: String,
        /// Counter.
        counter: String,
    },
    /// The approver counted this task.
    ApproverIsCounter {
        /// Badge.
        badge: String,
    },
    /// A witness must be a different person than the actor.
    WitnessIsActor {
        /// Badge.
        badge: String,
    },
    /// The destruction method is missing.
    MethodRequired,
    /// No reason code was given.
    ReasonRequired {
        /// What the reason is for.
        kind: ReasonKind,
    },
    /// The batch has no passed COA, so the package cannot become sellable.
    ReleaseWithoutPassedCoa {
        /// Tag.
        uid: String,
        /// Batch id (empty when the package names none).
        batch: String,
        /// COA status column value.
        coa: String,
    },
    /// Too many items in one action.
    TooMany {
        /// Max.
        max: usize,
        /// What.
        what: Many,
    },
    /// The ledger holds another event signed with this device's key at `seq`: the device must
    /// not sign again until it is re-enrolled.
    DeviceForked {
        /// The seq both histories claim.
        seq: u64,
    },
    /// A count has started at the location and is not submitted yet: what is there must not
    /// change while it is counted.
    UnderCount {
        /// The location being counted.
        location: String,
        /// What was attempted.
        action: Action,
    },
    /// The person is in the middle of a count.
    CountInProgress {
        /// The task being counted.
        task: String,
    },
}

/// The words of a catalogue: each value's English and Spanish side by side.
macro_rules! words {
    ($language:expr, $value:expr, { $($pattern:pat => ($en:expr, $es:expr)),+ $(,)? }) => {
        match ($value, $language) {
            $(
                ($pattern, Language::English) => $en,
                ($pattern, Language::Spanish) => $es,
            )+
        }
    };
}

impl Decision {
    fn words(self, language: Language) -> &'static str {
        words!(language, self, {
            Decision::Accepted => ("accepted", "aceptado"),
            Decision::Rejected => ("rejected", "rechazado"),
            Decision::Adjusted => ("adjusted", "ajustado"),
        })
    }
}

impl Check {
    fn words(self, language: Language) -> &'static str {
        words!(language, self, {
            Check::Weight => ("weight", "de peso"),
            Check::Label => ("label", "de etiqueta"),
        })
    }
}

impl ReasonKind {
    fn words(self, language: Language) -> &'static str {
        words!(language, self, {
            ReasonKind::Quarantine => ("quarantine", "de cuarentena"),
            ReasonKind::Rejection => ("rejection", "de rechazo"),
            ReasonKind::Short => ("short pick", "de faltante"),
            ReasonKind::Adjustment => ("adjustment", "de ajuste"),
            ReasonKind::Destruction => ("destruction", "de destrucción"),
            ReasonKind::Release => ("release", "de liberación"),
        })
    }
}

impl Action {
    /// What cannot be done, as in "cannot be {moved}" / "no puede {moverse}".
    fn words(self, language: Language) -> &'static str {
        words!(language, self, {
            Action::Moved => ("moved", "moverse"),
            Action::Picked => ("picked", "surtirse"),
            Action::Destroyed => ("destroyed", "destruirse"),
            Action::Released => ("released", "liberarse"),
        })
    }
}

impl Many {
    fn words(self, language: Language) -> &'static str {
        words!(language, self, {
            Many::TagsInSweep => ("tags in one sweep", "etiquetas en un barrido"),
            Many::PackagesInQuarantine => ("packages in one quarantine", "paquetes en una cuarentena"),
        })
    }
}

fn status_words(status: PackageStatus, language: Language) -> &'static str {
    words!(language, status, {
        PackageStatus::Active => ("active", "activo"),
        PackageStatus::OnHold => ("on hold", "retenido"),
        PackageStatus::Quarantined => ("quarantined", "en cuarentena"),
        PackageStatus::InTransit => ("in transit", "en tránsito"),
        PackageStatus::Destroyed => ("destroyed", "destruido"),
        PackageStatus::Finished => ("finished", "agotado"),
    })
}

/// A COA status column value in `language` (English keeps the column value).
fn coa_words(coa: &str, language: Language) -> &str {
    match language {
        Language::English => coa,
        Language::Spanish => match coa {
            "missing" => "sin certificado",
            "pending" => "pendiente",
            "failed" => "reprobado",
            "passed" => "aprobado",
            other => other,
        },
    }
}

fn grams(mg: u64) -> String {
    format!("{}.{:03} g", mg / 1000, mg % 1000)
}

fn quantity_words(q: Quantity, language: Language) -> String {
    match q {
        Quantity::Units(1) => bilingual!(language, en: "1 unit", es: "1 unidad"),
        Quantity::Units(n) => bilingual!(language, en: "{n} units", es: "{n} unidades"),
        Quantity::Milligrams(mg) => grams(mg),
    }
}

fn under_count(location: &str, action: Action, language: Language) -> String {
    let (rule, then) = words!(language, action, {
        Action::Moved => (
            ("nothing moves into or out of it", "Leave the package where it is and move it after the count"),
            ("no se mueve nada hacia ni desde ella", "Deje el paquete donde está y muévalo después del conteo")
        ),
        Action::Picked => (
            ("nothing is picked there", "Pick this line after the count"),
            ("no se surte nada de ella", "Surta esta línea después del conteo")
        ),
        Action::Destroyed => (
            ("nothing there is destroyed", "Destroy it after the count"),
            ("no se destruye nada en ella", "Destrúyalo después del conteo")
        ),
        Action::Released => (
            ("nothing there is released", "Release it after the count"),
            ("no se libera nada en ella", "Libérelo después del conteo")
        ),
    });
    bilingual!(language,
        en: "location {location} is being counted: {rule} until the count is submitted. {then}",
        es: "la ubicación {location} se está contando: {rule} hasta que se envíe el conteo. {then}",
    )
}

impl Refusal {
    /// The message in `language` (English is also `Display`): the catalogue, each refusal's
    /// English and Spanish side by side.
    #[allow(clippy::too_many_lines)]
    pub fn message(&self, language: Language) -> String {
        use Refusal as R;
        match self {
            R::SignInRefused { badge } => bilingual!(language,
                en: "badge {badge} and this PIN do not match an active user on this device; check both and try again",
                es: "el gafete {badge} y este PIN no corresponden a un usuario activo en este equipo; revise ambos e intente de nuevo",
            ),
            R::BadgeLockedOut { badge } => bilingual!(language,
                en: "badge {badge} is locked after too many wrong PINs; ask a supervisor to unlock it, or wait 15 minutes",
                es: "el gafete {badge} está bloqueado por demasiados PIN incorrectos; pida a un supervisor que lo desbloquee, o espere 15 minutos",
            ),
            R::NotLockedOut { badge } => bilingual!(language,
                en: "badge {badge} is not locked; there is nothing to unlock",
                es: "el gafete {badge} no está bloqueado; no hay nada que desbloquear",
            ),
            R::UnlockOwnBadge { badge } => bilingual!(language,
                en: "{badge} cannot unlock their own badge; another supervisor must do it",
                es: "{badge} no puede desbloquear su propio gafete; lo debe hacer otro supervisor",
            ),
            R::NotSupervisor { badge } => bilingual!(language,
                en: "{badge} is not a supervisor; a supervisor must do this",
                es: "{badge} no es supervisor; esto lo debe hacer un supervisor",
            ),
            R::NotATag { scan } => bilingual!(language,
                en: "{scan:?} is not a package tag; scan the tag label",
                es: "{scan:?} no es una etiqueta de paquete; escanee la etiqueta",
            ),
            R::UnknownPackage { uid } => bilingual!(language,
                en: "package {uid} is not known on this device",
                es: "el paquete {uid} no existe en este equipo",
            ),
            R::UnknownLocation { location } => bilingual!(language,
                en: "location {location} is not known on this device",
                es: "la ubicación {location} no existe en este equipo",
            ),
            R::NoQuarantineCage => bilingual!(language,
                en: "this facility has no quarantine cage on this device; ask a supervisor",
                es: "esta instalación no tiene jaula de cuarentena en este equipo; avise a un supervisor",
            ),
            R::NotAStagingLane { location } => bilingual!(language,
                en: "{location} is not a staging lane; scan a staging lane",
                es: "{location} no es un carril de preparación; escanee un carril",
            ),
            R::UnknownManifest { manifest } => bilingual!(language,
                en: "manifest {manifest} is not known on this device",
                es: "el manifiesto {manifest} no existe en este equipo",
            ),
            R::ManifestAlreadyClosed { manifest } => bilingual!(language,
                en: "manifest {manifest} is already closed",
                es: "el manifiesto {manifest} ya está cerrado",
            ),
            R::NotScanned { uid, manifest } => bilingual!(language,
                en: "scan package {uid} on manifest {manifest} first",
                es: "primero escanee el paquete {uid} del manifiesto {manifest}",
            ),
            R::NotOnManifest { uid, manifest } => bilingual!(language,
                en: "package {uid} is not on manifest {manifest}; quarantine or reject it",
                es: "el paquete {uid} no está en el manifiesto {manifest}; póngalo en cuarentena o recházelo",
            ),
            R::AlreadyDecided { uid, decision } => {
                let decision = decision.words(language);
                bilingual!(language,
                    en: "package {uid} was already {decision}",
                    es: "el paquete {uid} ya fue {decision}",
                )
            }
            R::ArrivalHasRecords { uid } => bilingual!(language,
                en: "package {uid} was already weighed, checked, quarantined or decided; reject it instead of voiding its scan",
                es: "el paquete {uid} ya fue pesado, revisado, puesto en cuarentena o decidido; recházelo en vez de anular su escaneo",
            ),
            R::FailedCheck { uid, check } => {
                let check = check.words(language);
                bilingual!(language,
                    en: "package {uid} failed its {check} check; quarantine or reject it",
                    es: "el paquete {uid} no pasó la revisión {check}; póngalo en cuarentena o recházelo",
                )
            }
            R::Undecided { manifest, count } => bilingual!(language,
                en: "manifest {manifest} still has {count} scanned packages neither accepted nor rejected",
                es: "el manifiesto {manifest} tiene {count} paquetes escaneados sin aceptar ni rechazar",
            ),
            R::NothingScanned => bilingual!(language,
                en: "scan the packages first",
                es: "primero escanee los paquetes",
            ),
            R::NoManifestWeight { uid } => bilingual!(language,
                en: "the manifest gives no weight for package {uid}; check it by count",
                es: "el manifiesto no indica peso para el paquete {uid}; revíselo por conteo",
            ),
            R::UnstableReading => bilingual!(language,
                en: "the scale is not stable yet; wait for the stable sign and weigh again",
                es: "la báscula aún no está estable; espere la señal de estable y vuelva a pesar",
            ),
            // The weight's own catalogue (tally-vocab) says it in both languages.
            R::NotAWeight(e) => e.message(language),
            R::UnitNotRecorded { unit } => bilingual!(language,
                en: "a weight in {unit} cannot be recorded; set the scale to g, kg, mg, oz, lb or ct",
                es: "un peso en {unit} no se puede registrar; ponga la báscula en g, kg, mg, oz, lb o ct",
            ),
            R::NoWeight => bilingual!(language,
                en: "the scale shows no weight; put the package on the scale",
                es: "la báscula no marca peso; ponga el paquete en la báscula",
            ),
            R::UnknownScale { scale } => bilingual!(language,
                en: "scale {scale} is not in the scale register; use a registered scale",
                es: "la báscula {scale} no está en el registro; use una báscula registrada",
            ),
            R::CalibrationOverdue { scale, due } => bilingual!(language,
                en: "scale {scale} was due for calibration on {due}; use another scale",
                es: "la báscula {scale} debía calibrarse el {due}; use otra báscula",
            ),
            R::CalibrationCheckFailed { scale } => bilingual!(language,
                en: "scale {scale} failed its last calibration check: do not weigh on it. Check it with a certified weight (tally devices calibrate) until it passes, or use another scale",
                es: "la báscula {scale} no pasó su última verificación de calibración: no pese en ella. Verifíquela con una pesa certificada (tally devices calibrate) hasta que pase, o use otra báscula",
            ),
            R::DestructionWeightMismatch {
                uid,
                measured,
                expected,
                tolerance,
            } => bilingual!(language,
                en: "the scale reads {measured} net but package {uid} holds {expected} (more than {tolerance} apart): weigh it again; if the package really holds a different amount, have a supervisor adjust it with a reason first, then destroy it",
                es: "la báscula marca {measured} neto pero el paquete {uid} tiene {expected} (más de {tolerance} de diferencia): vuelva a pesarlo; si el paquete de verdad tiene otra cantidad, que un supervisor la ajuste con un motivo antes de destruirlo",
            ),
            R::GrossWithoutTare { uid } => bilingual!(language,
                en: "the scale reading for {uid} is gross and no tare is known: tare the container on the scale (net reading) and weigh again",
                es: "la lectura de la báscula para {uid} es bruta y no se conoce la tara: tare el recipiente en la báscula (lectura neta) y vuelva a pesar",
            ),
            R::UnknownReason { code, kind } => {
                let kind = kind.words(language);
                bilingual!(language,
                    en: "{code:?} is not a known reason code; choose a {kind} reason from the list",
                    es: "{code:?} no es un código de motivo conocido; elija un motivo {kind} de la lista",
                )
            }
            R::QuarantinedIntoSellable {
                uid,
                status,
                location,
            } => {
                let status = status_words(*status, language);
                bilingual!(language,
                    en: "package {uid} is {status}; it cannot go to sellable location {location}. Take it to the quarantine cage",
                    es: "el paquete {uid} está {status}; no puede ir a la ubicación vendible {location}. Llévelo a la jaula de cuarentena",
                )
            }
            R::WrongStatus {
                uid,
                status,
                action,
            } => {
                let status = status_words(*status, language);
                let action = action.words(language);
                bilingual!(language,
                    en: "package {uid} is {status} and cannot be {action}",
                    es: "el paquete {uid} está {status} y no puede {action}",
                )
            }
            R::AlreadyInTote { uid } => bilingual!(language,
                en: "package {uid} is already in a tote",
                es: "el paquete {uid} ya está en una caja",
            ),
            R::AlreadyThere { uid, location } => bilingual!(language,
                en: "package {uid} is already in {location}",
                es: "el paquete {uid} ya está en {location}",
            ),
            R::InConflict { uid } => bilingual!(language,
                en: "package {uid} has a conflict between devices; a supervisor must resolve it",
                es: "el paquete {uid} tiene un conflicto entre equipos; un supervisor debe resolverlo",
            ),
            R::NotInConflict { uid } => bilingual!(language,
                en: "package {uid} has no conflict between devices on record; there is nothing to settle",
                es: "el paquete {uid} no tiene conflicto entre equipos registrado; no hay nada que resolver",
            ),
            R::UnknownPickList { pick_list } => bilingual!(language,
                en: "pick list {pick_list} is not known on this device",
                es: "la lista de surtido {pick_list} no existe en este equipo",
            ),
            R::LineComplete { pick_list, line_no } => bilingual!(language,
                en: "line {line_no} of pick list {pick_list} is complete or does not exist",
                es: "la línea {line_no} de la lista {pick_list} está completa o no existe",
            ),
            R::WrongItem { uid, found, wanted } => bilingual!(language,
                en: "wrong item: package {uid} is {found}, this line needs {wanted}",
                es: "artículo equivocado: el paquete {uid} es {found}, esta línea pide {wanted}",
            ),
            R::NotFefo {
                take_uid,
                take_lot,
                take_expiry,
                take_location,
                ..
            } => bilingual!(language,
                en: "not this lot: take package {take_uid} (lot {take_lot}, expires {take_expiry}) from {take_location} first",
                es: "este lote no: tome primero el paquete {take_uid} (lote {take_lot}, caduca {take_expiry}) de {take_location}",
            ),
            R::NoPassedCoa { uid, coa } => {
                let coa = coa_words(coa, language);
                bilingual!(language,
                    en: "package {uid} has no passed lab result (COA {coa}); it cannot be picked",
                    es: "el paquete {uid} no tiene análisis de laboratorio aprobado (COA {coa}); no se puede surtir",
                )
            }
            R::Expired { uid, expiry } => bilingual!(language,
                en: "package {uid} expired on {expiry}; it cannot be picked. Set it aside for destruction",
                es: "el paquete {uid} caducó el {expiry}; no se puede surtir. Apártelo para destrucción",
            ),
            R::BatchUnavailable { batch } => bilingual!(language,
                en: "this order needs batch {batch}, and none of it can be picked",
                es: "este pedido requiere el lote {batch} y no hay nada de él para surtir",
            ),
            R::ScanTote => bilingual!(language,
                en: "scan the tote the package goes into",
                es: "escanee la caja donde va el paquete",
            ),
            R::ToteEmpty { tote } => bilingual!(language,
                en: "tote {tote} is empty",
                es: "la caja {tote} está vacía",
            ),
            R::ToteMixedRoutes { tote } => bilingual!(language,
                en: "tote {tote} holds picks for several routes; split it",
                es: "la caja {tote} tiene productos de varias rutas; sepárelos",
            ),
            R::WrongUnit { weighed: true } => bilingual!(language,
                en: "enter a quantity in grams (weigh it)",
                es: "ingrese la cantidad en gramos (péselo)",
            ),
            R::WrongUnit { weighed: false } => bilingual!(language,
                en: "enter a quantity in units",
                es: "ingrese la cantidad en unidades",
            ),
            R::MoreThanLine { line_no, remaining } => {
                let remaining = quantity_words(*remaining, language);
                bilingual!(language,
                    en: "line {line_no} needs only {remaining}",
                    es: "la línea {line_no} solo necesita {remaining}",
                )
            }
            R::MoreThanPackage { uid, available } => {
                let available = quantity_words(*available, language);
                bilingual!(language,
                    en: "package {uid} holds only {available}",
                    es: "el paquete {uid} solo contiene {available}",
                )
            }
            R::ManifestNotExact {
                manifest,
                missing,
                extra,
                mismatched,
            } => bilingual!(language,
                en: "manifest {manifest} is not exact: {missing} missing, {extra} extra, {mismatched} mismatched; it cannot be marked ready",
                es: "el manifiesto {manifest} no cuadra: {missing} faltantes, {extra} sobrantes, {mismatched} con diferencias; no se puede marcar listo",
            ),
            R::UnknownCount { task } => bilingual!(language,
                en: "count task {task} is not known on this device",
                es: "la tarea de conteo {task} no existe en este equipo",
            ),
            R::CountNotStarted { task } => bilingual!(language,
                en: "count task {task} is not being counted; start the count first",
                es: "la tarea de conteo {task} no está en curso; inicie el conteo",
            ),
            R::CountUnavailable { task } => bilingual!(language,
                en: "count task {task} cannot be counted now",
                es: "la tarea de conteo {task} no se puede contar ahora",
            ),
            R::TooManyRounds { task } => bilingual!(language,
                en: "count task {task} has had too many rounds; a supervisor must review it",
                es: "la tarea de conteo {task} tuvo demasiadas rondas; debe revisarla un supervisor",
            ),
            R::NotInReview { task } => bilingual!(language,
                en: "count task {task} is not waiting for review",
                es: "la tarea de conteo {task} no está en revisión",
            ),
            R::VariancesOpen { task, open } => bilingual!(language,
                en: "count task {task}: {open} variances still need an approved adjustment",
                es: "tarea de conteo {task}: {open} diferencias aún necesitan un ajuste aprobado",
            ),
            R::NotInCount { location, task } => bilingual!(language,
                en: "location {location} is not part of count task {task}",
                es: "la ubicación {location} no forma parte de la tarea de conteo {task}",
            ),
            R::NotFoundInCount { uid } => bilingual!(language,
                en: "scan package {uid} before entering its quantity",
                es: "escanee el paquete {uid} antes de ingresar su cantidad",
            ),
            R::QuantitiesMissing { count } => bilingual!(language,
                en: "enter a quantity for the {count} packages found without one",
                es: "ingrese la cantidad de los {count} paquetes encontrados sin cantidad",
            ),
            R::WeighIt { uid } => bilingual!(language,
                en: "package {uid} is sold by weight; weigh it",
                es: "el paquete {uid} se vende por peso; péselo",
            ),
            R::CountIt { uid } => bilingual!(language,
                en: "package {uid} is counted in units; type the number of units",
                es: "el paquete {uid} se cuenta por unidades; escriba el número de unidades",
            ),
            R::NoVariance { uid } => bilingual!(language,
                en: "package {uid} has no variance to adjust",
                es: "el paquete {uid} no tiene diferencia que ajustar",
            ),
            R::RecountBySameCounter { badge } => bilingual!(language,
                en: "this recount must be done by a different counter than {badge}",
                es: "este reconteo lo debe hacer una persona distinta de {badge}",
            ),
            R::NotTheCounter { task, counter } => bilingual!(language,
                en: "count task {task} is for {counter}",
                es: "la tarea de conteo {task} es de {counter}",
            ),
            R::ApproverIsCounter { badge } => bilingual!(language,
                en: "{badge} counted this task and cannot approve its adjustments",
                es: "{badge} contó esta tarea y no puede aprobar sus ajustes",
            ),
            R::WitnessIsActor { badge } => bilingual!(language,
                en: "the witness must be a different person from {badge}",
                es: "el testigo debe ser una persona distinta de {badge}",
            ),
            R::MethodRequired => bilingual!(language,
                en: "say how the product was made unusable",
                es: "indique cómo se inutilizó el producto",
            ),
            R::ReasonRequired { kind } => {
                let kind = kind.words(language);
                bilingual!(language,
                    en: "a reason code is required; choose a {kind} reason from the list",
                    es: "falta el código de motivo; elija un motivo {kind} de la lista",
                )
            }
            R::ReleaseWithoutPassedCoa { uid, batch, coa } => {
                let coa = coa_words(coa, language);
                bilingual!(language,
                    en: "package {uid} cannot be released: batch {batch} has no passed lab result (COA {coa}); keep it held until the COA passes",
                    es: "el paquete {uid} no puede liberarse: el lote {batch} no tiene análisis de laboratorio aprobado (COA {coa}); manténgalo retenido hasta que el COA se apruebe",
                )
            }
            R::TooMany { max, what } => {
                let what = what.words(language);
                bilingual!(language,
                    en: "too many at once: at most {max} {what}",
                    es: "demasiados a la vez: como máximo {max} {what}",
                )
            }
            R::DeviceForked { seq } => bilingual!(language,
                en: "this device must not record: the ledger holds a different event {seq} signed by its key (a fork). Dock it and ask a supervisor to re-enroll it",
                es: "este equipo no puede registrar: el libro central tiene otro evento {seq} firmado con su llave (una bifurcación). Llévelo a la base y pida a un supervisor que lo vuelva a dar de alta",
            ),
            R::UnderCount { location, action } => under_count(location, *action, language),
            R::CountInProgress { task } => bilingual!(language,
                en: "you are counting {task}: submit the count before you move, pick or destroy anything",
                es: "está contando {task}: envíe el conteo antes de mover, surtir o destruir algo",
            ),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Language::English))
    }
}
