//! [`Floor::handle`]: one device event, on one screen, becomes at most one workflow step run
//! through [`Replica::act`].
//!
//! This module holds what every screen shares (the [`Screen`] enum, the step's [`Outcome`],
//! why an event did nothing, a scan's decoding, a stable weight's checks) and dispatches to
//! one module per screen: [`receiving`], [`moving`], [`counting`], [`lookup`].

mod counting;
mod lookup;
mod moving;
pub(crate) mod quarantine;
pub mod receiving;

use tally_drivers::event::{DeviceEvent, ReadingMode, WeighMode, WeightReading, WeightUnit};
use tally_events::payload::ConflictSettled;
use tally_events::MassUnit;
use tally_events::Quantity;
use tally_ids::{Date, Language, ScanInput, StateSystems};
use tally_replica::workflow::count::{Entered, ScanTally, Scanned, Submitted, Variance};
use tally_replica::workflow::destruction::Destroyed;
use tally_replica::workflow::loading::Reconciliation;
use tally_replica::workflow::lookup::Found;
use tally_replica::workflow::moves::Moved;
use tally_replica::workflow::receiving::{LabelProblem, ScanOutcome, WeighOutcome};
use tally_replica::workflow::scale::Reading;
use tally_replica::workflow::{self, Identifier, Session, StateTag, Unreadable};
use tally_replica::{Recorded, Replica, ReplicaError};
use tally_vocab::bilingual;

/// The screen the user is on: what a scan or a weight means there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Receiving a manifest: a case's state tag is scanned (and becomes the current package),
    /// then its GS1 label is checked and its stable weight recorded.
    Receiving {
        /// Manifest id.
        manifest: String,
        /// The package scanned last, which a label or a weight belongs to.
        package: Option<StateTag>,
    },
    /// Moving: scan a package, then the location it goes to.
    Moving {
        /// The package scanned, waiting for its location.
        package: Option<StateTag>,
    },
    /// Counting a task at one location (the count already started): an RFID tag read is
    /// found in a sweep; a barcode scan finds a package, and a weighed one waits for its
    /// stable weight, which records its count line.
    Counting {
        /// Count task id.
        task: String,
        /// The location being counted.
        location: String,
        /// The package scanned last, waiting for its weight (or, counted in units, its units).
        package: Option<StateTag>,
    },
    /// Lookup: scan anything to see what it is.
    Lookup,
    /// Picking one line of a pick list: a package's tag (checked against the line at once)
    /// and a tote's barcode, in either order; the quantity is typed ([`Floor::pick`]).
    Picking {
        /// Pick list id.
        pick_list: String,
        /// The line being picked.
        line_no: u32,
        /// The package scanned and accepted for the line.
        package: Option<StateTag>,
        /// The tote scanned.
        tote: Option<String>,
    },
    /// Staging: scan a tote, then the staging lane it goes to.
    Staging {
        /// The tote scanned, waiting for its lane.
        tote: Option<String>,
    },
    /// Destroying: scan the package, put it on the scale; its stable reading is kept here and
    /// recorded with the destruction ([`Floor::destroy`]).
    Destroying {
        /// The package scanned.
        package: Option<StateTag>,
        /// Its stable reading, once weighed.
        reading: Option<Reading>,
    },
}

/// Where a scale's readings go: its asset id in the scale register and its division as the
/// scale prints it (the register holds the division in milligrams; the event records it as
/// printed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleSetup {
    /// The device name the driver manager gives the scale (its binding).
    pub device: String,
    /// Asset id in the scale register.
    pub scale_id: String,
    /// Division `d` as printed, in the scale's unit (e.g. `0.01`).
    pub division: String,
}

/// One event from one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInput {
    /// The device name the driver manager gives the device (its binding).
    pub device: String,
    /// What the device said.
    pub event: DeviceEvent,
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Receiving: a case was scanned.
    Arrived(ScanOutcome),
    /// Receiving: the current case's label was checked against its GS1 data; the problems
    /// found (none when it passed), each said in the user's language by its `message`.
    LabelChecked(Vec<LabelProblem>),
    /// Receiving: the current case was weighed.
    Weighed(WeighOutcome),
    /// Moving: the package to move was scanned; scan its location next.
    PackageChosen {
        /// The package.
        uid: String,
    },
    /// Moving: the package was moved.
    Moved(Moved),
    /// Counting: tags found by an RFID read (new, duplicate, unreadable).
    Swept(ScanTally),
    /// Counting: a barcode scan found a package (a weighed one waits for its weight).
    CountScanned(Scanned),
    /// Counting: a weighed package's count line (recorded, or a duplicate in this round).
    CountEntered(Entered),
    /// Lookup: what the scan is.
    Found(Box<Found>),
    /// Receiving: a line was accepted (at the manifest's quantity or another, with a reason).
    Accepted {
        /// The package.
        uid: String,
    },
    /// Receiving: a line was rejected.
    Rejected {
        /// The package.
        uid: String,
    },
    /// Receiving: a mis-scanned case's arrival was voided.
    Voided {
        /// The package.
        uid: String,
    },
    /// Cases (receiving) or a package in stock quarantined.
    Quarantined(Vec<String>),
    /// Receiving: the manifest was closed.
    Closed(Box<receiving::Closed>),
    /// Release: a package released from quarantine or hold.
    Released(tally_replica::workflow::release::Released),
    /// Picking: the package scanned may be picked for the line (nothing recorded yet).
    PickPackageChosen {
        /// The package.
        uid: String,
    },
    /// Picking or staging: the tote scanned.
    ToteChosen {
        /// The tote.
        tote: String,
    },
    /// Picking: a quantity of the package went into the tote.
    Picked {
        /// The package.
        uid: String,
        /// What is left of the line.
        remaining: Quantity,
    },
    /// Picking: the rest of the line was shorted.
    Shorted {
        /// The quantity shorted.
        short: Quantity,
    },
    /// Staging: the tote is staged for its route.
    Staged {
        /// The tote.
        tote: String,
        /// Its route.
        route: String,
    },
    /// Loading: the reconciliation recorded (an exact one marks the manifest ready).
    Reconciled(Reconciliation),
    /// Loading: the manifest is marked ready.
    ManifestReady(Reconciliation),
    /// Counting: the round being counted.
    CountStarted {
        /// Round number (1 for the first count).
        round: i64,
    },
    /// Counting: the round was submitted; the packages to recount, never by how much.
    CountSubmitted(Submitted),
    /// Supervisor: an adjustment approved (the reviewed line).
    Approved(Variance),
    /// Supervisor: the count is closed.
    CountClosed {
        /// Count task id.
        task: String,
    },
    /// Supervisor: a package's conflicts were settled as the supervisor found it.
    ConflictSettled(ConflictSettled),
    /// Supervisor: a badge's lockout was lifted.
    Unlocked {
        /// The badge.
        badge: String,
    },
    /// Destroying: the package to destroy was scanned; weigh it next.
    DestroyPackageChosen {
        /// The package.
        uid: String,
    },
    /// Destroying: the package's stable weight, kept for the destruction (nothing recorded).
    DestroyWeighed {
        /// The package.
        uid: String,
        /// The value as the scale printed it.
        value: String,
        /// Its unit.
        unit: MassUnit,
    },
    /// Destroying: the package was destroyed before its witness.
    Destroyed(Destroyed),
    /// The scan identifies nothing; nothing was recorded.
    Unreadable(Unreadable),
    /// The event means nothing on this screen; nothing was recorded.
    Ignored(Ignored),
}

/// Why an event did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ignored {
    /// A reading that is not a stable weight (in motion, overload, pieces): wait for the
    /// stable sign.
    NotAStableWeight(String),
    /// A stable weight in a unit of mass events do not record (troy ounces, grains, ...).
    UnitNotRecorded {
        /// The unit, as printed.
        unit: String,
    },
    /// A weight from a device that is not set up as a scale on this handheld.
    UnknownScale {
        /// The device.
        device: String,
    },
    /// A weight or a label with no package scanned first.
    ScanThePackageFirst,
    /// A scan of something this screen does not take (e.g. a GS1 label on the move screen).
    NotForThisScreen {
        /// What was scanned, as read.
        scanned: String,
    },
    /// A weight on a screen that weighs nothing.
    NoWeighingHere,
    /// A device reply or a device error: for the device status line, not for a workflow.
    DeviceMessage(String),
    /// A count step away from the counting screen.
    NotCounting,
    /// A destruction away from the destruction screen.
    NotDestroying,
    /// A destruction with no stable weight taken.
    WeighThePackageFirst,
}

impl Ignored {
    /// What to tell the person holding the device.
    pub fn message(&self, language: Language) -> String {
        match self {
            Ignored::NotAStableWeight(why) => why.clone(),
            Ignored::UnitNotRecorded { unit } => bilingual!(language,
                en: "a weight in {unit} cannot be recorded; set the scale to g, kg, mg, oz, lb or ct",
                es: "un peso en {unit} no se puede registrar; ponga la báscula en g, kg, mg, oz, lb o ct",
            ),
            Ignored::UnknownScale { device } => bilingual!(language,
                en: "{device} is not set up as a scale on this handheld; ask a supervisor",
                es: "{device} no está configurado como báscula en este terminal; avise a un supervisor",
            ),
            Ignored::ScanThePackageFirst => bilingual!(language,
                en: "scan the package's tag first",
                es: "escanee primero la etiqueta del paquete",
            ),
            Ignored::NotForThisScreen { scanned } => bilingual!(language,
                en: "{scanned} means nothing on this screen",
                es: "{scanned} no sirve en esta pantalla",
            ),
            Ignored::NoWeighingHere => bilingual!(language,
                en: "nothing is weighed on this screen",
                es: "en esta pantalla no se pesa nada",
            ),
            Ignored::DeviceMessage(text) => text.clone(),
            Ignored::NotCounting => bilingual!(language,
                en: "open a count task first",
                es: "abra primero una tarea de conteo",
            ),
            Ignored::NotDestroying => bilingual!(language,
                en: "open Destroy first",
                es: "abra primero Destruir",
            ),
            Ignored::WeighThePackageFirst => bilingual!(language,
                en: "put the package on the scale and wait for a stable weight",
                es: "ponga el paquete en la báscula y espere un peso estable",
            ),
        }
    }
}

/// A step's outcome and the signed events it recorded (none for most outcomes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What happened.
    pub outcome: Outcome,
    /// The events recorded, in order.
    pub recorded: Vec<Recorded>,
}

impl Step {
    pub(crate) fn nothing(outcome: Outcome) -> Step {
        Step {
            outcome,
            recorded: Vec::new(),
        }
    }
}

/// The floor layer of one handheld: how its scans are read and where its scales' readings go.
/// The facility's state system is facility data: it is read from the replica's view at each
/// scan (kind 276 `facility_state_system_defined`).
#[derive(Debug, Clone)]
pub struct Floor {
    today: Date,
    scales: Vec<ScaleSetup>,
}

impl Floor {
    /// A floor working on `today` (the facility's date: GS1 expiry years, scale calibration).
    pub fn new(today: Date) -> Floor {
        Floor {
            today,
            scales: Vec::new(),
        }
    }

    /// Adds a scale whose stable weights are recorded.
    pub fn with_scale(mut self, scale: ScaleSetup) -> Floor {
        self.scales.retain(|s| s.device != scale.device);
        self.scales.push(scale);
        self
    }

    /// The facility's date as `YYYY-MM-DD`.
    pub(crate) fn today_text(&self) -> String {
        self.today.to_string()
    }

    /// Reads a scan or tag read as the identifier it is, recognising the state tags of
    /// `state_systems` only.
    pub fn identify(
        &self,
        state_systems: StateSystems,
        input: &ScanInput,
    ) -> Result<Identifier, Unreadable> {
        Identifier::read(input, state_systems, self.today)
    }

    /// Runs the step `input` means on `screen`, recording it through `replica` as `who`;
    /// `screen` moves on (the package scanned becomes the current one). A refusal is an
    /// error and records nothing.
    pub fn handle(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        input: &DeviceInput,
    ) -> Result<Step, ReplicaError> {
        if let Some(scan) = input.event.input() {
            let systems = workflow::state_systems(replica.view())?;
            return match self.identify(systems, &scan) {
                Ok(identifier) => self.scanned(replica, who, screen, input, &scan, identifier),
                Err(unreadable) => Ok(Step::nothing(Outcome::Unreadable(unreadable))),
            };
        }
        match &input.event {
            DeviceEvent::Weight(reading) => self.weighed(replica, who, screen, input, reading),
            DeviceEvent::Reply(reply) => Ok(Step::nothing(Outcome::Ignored(
                Ignored::DeviceMessage(tally_drivers::report::reply_text(reply)),
            ))),
            DeviceEvent::Error(error) => Ok(Step::nothing(Outcome::Ignored(
                Ignored::DeviceMessage(error.to_string()),
            ))),
            DeviceEvent::Scan(_) | DeviceEvent::TagRead { .. } => {
                unreachable!("scans and tag reads are handled above")
            }
        }
    }

    fn scanned(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        input: &DeviceInput,
        scan: &ScanInput,
        identifier: Identifier,
    ) -> Result<Step, ReplicaError> {
        match screen {
            Screen::Receiving { manifest, package } => {
                receiving::scanned(replica, who, manifest, package, identifier)
            }
            Screen::Moving { package } => moving::scanned(replica, who, package, identifier),
            Screen::Counting {
                task,
                location,
                package,
            } => counting::scanned(
                replica,
                who,
                counting::Place { task, location },
                package,
                (input, scan),
                identifier,
            ),
            Screen::Lookup => lookup::scanned(replica, identifier),
            Screen::Picking { .. } | Screen::Staging { .. } | Screen::Destroying { .. } => {
                self.scanned_in_new_flows(replica, who, screen, &identifier)
            }
        }
    }

    /// A scan on the picking, staging or destruction screen.
    fn scanned_in_new_flows(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        identifier: &Identifier,
    ) -> Result<Step, ReplicaError> {
        let step = match (&mut *screen, identifier) {
            (Screen::Picking { .. }, Identifier::StateTag(tag)) => {
                self.pick_package_scanned(replica, who, screen, tag.clone())?
            }
            (Screen::Picking { tote, .. }, Identifier::Text(text)) => {
                let scanned = text.trim().to_owned();
                *tote = Some(scanned.clone());
                Step::nothing(Outcome::ToteChosen { tote: scanned })
            }
            (Screen::Staging { tote }, Identifier::Text(text)) => match tote.take() {
                None => {
                    let scanned = text.trim().to_owned();
                    *tote = Some(scanned.clone());
                    Step::nothing(Outcome::ToteChosen { tote: scanned })
                }
                Some(chosen) => match self.stage_scanned(replica, who, &chosen, text) {
                    Ok(step) => step,
                    Err(refused) => {
                        // A refused lane keeps the tote: scan another lane.
                        *tote = Some(chosen);
                        return Err(refused);
                    }
                },
            },
            (Screen::Destroying { package, reading }, Identifier::StateTag(tag)) => {
                *package = Some(tag.clone());
                *reading = None;
                Step::nothing(Outcome::DestroyPackageChosen {
                    uid: tag.uid().to_owned(),
                })
            }
            (_, other) => not_for_this_screen(other),
        };
        Ok(step)
    }

    fn weighed(
        &self,
        replica: &mut Replica,
        who: &Session,
        screen: &mut Screen,
        input: &DeviceInput,
        reading: &WeightReading,
    ) -> Result<Step, ReplicaError> {
        if matches!(
            screen,
            Screen::Moving { .. }
                | Screen::Lookup
                | Screen::Picking { .. }
                | Screen::Staging { .. }
        ) {
            return Ok(Step::nothing(Outcome::Ignored(Ignored::NoWeighingHere)));
        }
        let stable = match reading.require_stable() {
            Ok(stable) => stable,
            Err(why) => {
                return Ok(Step::nothing(Outcome::Ignored(Ignored::NotAStableWeight(
                    why.to_string(),
                ))))
            }
        };
        let Some(unit) = mass_unit(&stable.unit) else {
            return Ok(Step::nothing(Outcome::Ignored(Ignored::UnitNotRecorded {
                unit: stable.unit.symbol().to_owned(),
            })));
        };
        let Some(scale) = self.scales.iter().find(|s| s.device == input.device) else {
            return Ok(Step::nothing(Outcome::Ignored(Ignored::UnknownScale {
                device: input.device.clone(),
            })));
        };
        let recorded_reading = Reading {
            scale_id: scale.scale_id.clone(),
            value: stable.value.clone(),
            unit,
            net: stable.mode == Some(ReadingMode::Weighed(WeighMode::Net)),
            tare: None,
            stable: true,
            division: scale.division.clone(),
        };
        let today = self.today.to_string();
        match screen {
            Screen::Counting {
                task,
                location,
                package,
            } => counting::weighed(
                replica,
                who,
                counting::Place { task, location },
                package,
                &recorded_reading,
                &today,
            ),
            Screen::Receiving { manifest, package } => receiving::weighed(
                replica,
                who,
                manifest,
                package.as_ref(),
                &recorded_reading,
                &today,
            ),
            Screen::Destroying { package, reading } => {
                let Some(uid) = package.as_ref().map(|tag| tag.uid().to_owned()) else {
                    return Ok(Step::nothing(Outcome::Ignored(
                        Ignored::ScanThePackageFirst,
                    )));
                };
                let outcome = Outcome::DestroyWeighed {
                    uid,
                    value: recorded_reading.value.clone(),
                    unit: recorded_reading.unit,
                };
                // Recorded with the destruction, after the witness: nothing is recorded now.
                *reading = Some(recorded_reading);
                Ok(Step::nothing(outcome))
            }
            Screen::Moving { .. }
            | Screen::Lookup
            | Screen::Picking { .. }
            | Screen::Staging { .. } => {
                Ok(Step::nothing(Outcome::Ignored(Ignored::NoWeighingHere)))
            }
        }
    }
}

/// A scan this screen does not take: said back in a few words, nothing recorded.
fn not_for_this_screen(identifier: &Identifier) -> Step {
    Step::nothing(Outcome::Ignored(Ignored::NotForThisScreen {
        scanned: identifier.describe(),
    }))
}

/// The unit of mass events record, for a scale's unit.
fn mass_unit(unit: &WeightUnit) -> Option<MassUnit> {
    unit.mass()
        .filter(|mass| tally_events::is_recorded_mass_unit(*mass))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_in_english_and_spanish() {
        let notices = [
            Ignored::UnitNotRecorded { unit: "dwt".into() },
            Ignored::UnknownScale {
                device: "scale-9".into(),
            },
            Ignored::ScanThePackageFirst,
            Ignored::NotForThisScreen {
                scanned: "(01)09501101530003".into(),
            },
            Ignored::NoWeighingHere,
            Ignored::NotCounting,
            Ignored::NotDestroying,
            Ignored::WeighThePackageFirst,
        ];
        for notice in notices {
            let en = notice.message(Language::English);
            let es = notice.message(Language::Spanish);
            assert!(!en.is_empty() && !es.is_empty(), "{notice:?}");
            assert_ne!(en, es, "{notice:?}");
        }
    }

    #[test]
    fn only_units_of_mass_are_recorded() {
        assert_eq!(mass_unit(&WeightUnit::Gram), Some(MassUnit::G));
        assert_eq!(mass_unit(&WeightUnit::Pound), Some(MassUnit::Lb));
        assert_eq!(mass_unit(&WeightUnit::Pieces), None);
        assert_eq!(mass_unit(&WeightUnit::TroyOunce), None);
    }
}
