//! The floor workflows: pure decisions over the replica's view.
//!
//! Each step reads the view and returns a [`Plan`]: what to tell the person holding the device
//! and the facts to record, or a [`Refusal`]. Nothing here writes: [`crate::Replica::act`] runs a
//! step inside the write transaction and records its facts in that same transaction, so a step
//! is either recorded completely or not at all, and no other write can slip in between the
//! decision and the record. The one exception is [`session::check`], which counts wrong PINs
//! in a local table outside the view and may record a lockout while refusing. The blind-count steps run on a separate, restricted connection
//! ([`count::CountingView`]) that cannot read expected quantities.

pub mod conflicts;
pub mod count;
pub mod counter_wall;
pub mod destruction;
pub mod identifier;
pub mod loading;
pub mod lookup;
pub mod moves;
pub mod picking;
pub mod reanchor;
pub mod rebootstrap;
pub mod receiving;
pub mod release;
pub mod scale;
pub mod session;
pub mod under_count;

use rusqlite::{Connection, OptionalExtension};
use tally_ids::{StateSystems, UidSystem};

use tally_events::payload::PackageStatus;
use tally_events::{Payload, Quantity};

use crate::error::ReplicaError;
use crate::model;
use crate::refusal::{ReasonKind, Refusal};

pub use identifier::{Gs1Data, Identifier, StateTag, Unreadable};
pub use session::Session;

/// The outcome of a workflow step: what to show, and the facts to record (possibly none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<T> {
    /// What the device shows.
    pub outcome: T,
    /// Events recorded as one atomic action, in this order.
    pub facts: Vec<Payload>,
}

impl<T> Plan<T> {
    /// A plan recording these facts.
    pub fn new(outcome: T, facts: Vec<Payload>) -> Self {
        Plan { outcome, facts }
    }
    /// A plan recording nothing.
    pub fn nothing(outcome: T) -> Self {
        Plan {
            outcome,
            facts: Vec::new(),
        }
    }
}

/// Result of a workflow step.
pub type StepResult<T> = Result<Plan<T>, ReplicaError>;

/// Longest scan or typed identifier accepted.
pub const ID_LEN_MAX: usize = 64;
/// Most tags in one RFID burst handed to a workflow.
pub const BURST_TAGS_MAX: usize = 65_536;

/// The state systems of the facility this device is enrolled at (kind 276
/// `facility_state_system_defined`); every system while the facility has none on record.
pub fn state_systems(view: &Connection) -> Result<StateSystems, ReplicaError> {
    let system: Option<String> = view
        .prepare_cached(
            "SELECT state_system FROM facility_state_systems
             WHERE facility_id = (SELECT value FROM meta WHERE key = 'facility')",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    systems_named(system.as_deref())
}

/// The state systems a `facility_state_systems` row names (every system for no row).
pub(crate) fn systems_named(system: Option<&str>) -> Result<StateSystems, ReplicaError> {
    Ok(match system {
        Some("metrc") => StateSystems::only(&[UidSystem::Metrc]),
        Some("biotrack") => StateSystems::only(&[UidSystem::BioTrack]),
        Some(other) => return Err(storage(format!("bad state system {other}"))),
        None => StateSystems::all(),
    })
}

/// Reads text typed on the keyboard (or sent by a keyboard-wedge scanner) as the scan it is,
/// under the facility's state systems; `today` is the facility's date. Text that is no
/// readable scan (a damaged tag) is refused as no tag.
pub fn typed(
    view: &Connection,
    text: &str,
    today: tally_ids::Date,
) -> Result<Identifier, ReplicaError> {
    Identifier::typed(text, state_systems(view)?, today).map_err(|u| u.refusal().into())
}

/// The package tag a scan names, as a tag of the facility's state system (see
/// [`state_systems`]), or a refusal: a GS1 label, an EPC or text is no package tag, and at a
/// Metrc site a BioTrack id is none either.
pub fn package_tag(view: &Connection, scanned: &Identifier) -> Result<String, ReplicaError> {
    match scanned.state_tag() {
        Some(tag) => facility_tag(view, tag),
        None => Err(scanned.not_a_tag().into()),
    }
}

/// A package tag as a tag of the facility's state system, or a refusal (at a Metrc site a
/// 16-digit BioTrack id is no tag).
pub fn facility_tag(view: &Connection, tag: &StateTag) -> Result<String, ReplicaError> {
    Ok(tag_in(tag, state_systems(view)?)?)
}

/// A package tag as a tag of one of `systems`, or a refusal.
pub(crate) fn tag_in(tag: &StateTag, systems: StateSystems) -> Result<String, Refusal> {
    if systems.contains(tag.system()) {
        Ok(tag.uid().to_owned())
    } else {
        Err(Refusal::NotATag {
            scan: tag.uid().chars().take(ID_LEN_MAX).collect(),
        })
    }
}

/// A package as the non-counting workflows see it (with quantities).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRow {
    /// Tag.
    pub uid: String,
    /// Item id.
    pub item_id: String,
    /// Item SKU.
    pub sku: String,
    /// Item name.
    pub item_name: String,
    /// Batch id, when known.
    pub batch_id: Option<String>,
    /// Lot code.
    pub lot: Option<String>,
    /// COA status (`missing` when the batch is unknown).
    pub coa: String,
    /// Expiry date.
    pub expires_on: Option<String>,
    /// Quantity on record.
    pub quantity: Quantity,
    /// Location.
    pub location_id: Option<String>,
    /// Status.
    pub status: PackageStatus,
    /// Tote it is in.
    pub tote_id: Option<String>,
    /// Flagged conflict between devices.
    pub conflict: bool,
}

fn storage(what: String) -> ReplicaError {
    ReplicaError::Storage(what)
}

/// Reads one package with its item and batch.
pub fn package(view: &Connection, uid: &str) -> Result<Option<PackageRow>, ReplicaError> {
    let row = view
        .prepare_cached(
            "SELECT p.uid, p.item_id, i.sku, i.name, p.batch_id, b.lot, coalesce(b.coa_status, 'missing'),
                    b.expires_on, p.quantity, p.unit, p.location_id, p.status, p.tote_id, p.conflict
             FROM packages p JOIN items i ON i.id = p.item_id LEFT JOIN batches b ON b.id = p.batch_id
             WHERE p.uid = ?1",
        )?
        .query_row([uid], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                ),
                (
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, Option<String>>(12)?,
                    r.get::<_, bool>(13)?,
                ),
            ))
        })
        .optional()?;
    let Some((a, b)) = row else { return Ok(None) };
    Ok(Some(PackageRow {
        uid: a.0,
        item_id: a.1,
        sku: a.2,
        item_name: a.3,
        batch_id: a.4,
        lot: a.5,
        coa: a.6,
        expires_on: b.0,
        quantity: model::join(b.1, &b.2)
            .ok_or_else(|| storage(format!("bad quantity {} {}", b.1, b.2)))?,
        location_id: b.3,
        status: model::parse_status(&b.4).ok_or_else(|| storage(format!("bad status {}", b.4)))?,
        tote_id: b.5,
        conflict: b.6,
    }))
}

/// Reads a package or refuses with "not known".
pub fn known_package(view: &Connection, uid: &str) -> Result<PackageRow, ReplicaError> {
    package(view, uid)?.ok_or_else(|| {
        Refusal::UnknownPackage {
            uid: uid.to_owned(),
        }
        .into()
    })
}

/// A location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind (column value, e.g. `vault`).
    pub kind: String,
    /// Sellable stock may be stored here.
    pub sellable: bool,
}

/// Reads a location or refuses with "not known".
pub fn location(view: &Connection, id: &str) -> Result<LocationRow, ReplicaError> {
    let id = id.trim();
    let row = view
        .prepare_cached("SELECT id, name, kind, sellable FROM locations WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(LocationRow {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                sellable: r.get(3)?,
            })
        })
        .optional()?;
    row.ok_or_else(|| {
        Refusal::UnknownLocation {
            location: id.chars().take(ID_LEN_MAX).collect(),
        }
        .into()
    })
}

/// The first quarantine cage of the facility (by id).
pub fn quarantine_cage(view: &Connection) -> Result<LocationRow, ReplicaError> {
    let id: Option<String> = view
        .prepare_cached(
            "SELECT id FROM locations WHERE kind = 'quarantine_cage' ORDER BY id LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => location(view, &id),
        None => Err(Refusal::NoQuarantineCage.into()),
    }
}

/// Recount rounds before a variance goes to the supervisor anyway.
pub const MAX_RECOUNTS: i64 = 2;

/// Facility settings (zero tolerances and recount-by-another when none were defined).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Receiving weight tolerance, mg.
    pub receiving_tolerance_mg: i64,
    /// Count tolerance for weighed packages, mg.
    pub count_tolerance_mg: i64,
    /// Count tolerance for counted packages, units.
    pub count_tolerance_units: i64,
    /// A recount must be done by another counter.
    pub recount_by_another: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            receiving_tolerance_mg: 0,
            count_tolerance_mg: 0,
            count_tolerance_units: 0,
            recount_by_another: true,
        }
    }
}

/// Reads the settings of the facility this device is enrolled at (the first facility when the
/// replica holds no settings for it).
pub fn settings(view: &Connection) -> Result<Settings, ReplicaError> {
    let row = view
        .prepare_cached(
            "SELECT receiving_tolerance_mg, count_tolerance_mg, count_tolerance_units, recount_by_another
             FROM facilities
             ORDER BY id = (SELECT value FROM meta WHERE key = 'facility') DESC, id LIMIT 1",
        )?
        .query_row([], |r| {
            Ok(Settings {
                receiving_tolerance_mg: r.get(0)?,
                count_tolerance_mg: r.get(1)?,
                count_tolerance_units: r.get(2)?,
                recount_by_another: r.get(3)?,
            })
        })
        .optional()?;
    Ok(row.unwrap_or_default())
}

/// Checks that a reason code exists.
pub fn reason(view: &Connection, code: &str, kind: ReasonKind) -> Result<String, ReplicaError> {
    let code = code.trim();
    let found: Option<String> = view
        .prepare_cached("SELECT code FROM reason_codes WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?;
    found.ok_or_else(|| {
        Refusal::UnknownReason {
            code: code.chars().take(ID_LEN_MAX).collect(),
            kind,
        }
        .into()
    })
}

/// Refuses packages flagged in conflict.
pub fn not_in_conflict(package: &PackageRow) -> Result<(), Refusal> {
    if package.conflict {
        Err(Refusal::InConflict {
            uid: package.uid.clone(),
        })
    } else {
        Ok(())
    }
}

/// Gives each fact of one action that points at an earlier fact of the same action the seq
/// that fact is recorded under, `first_seq` being the seq of the action's first fact (the
/// facts are recorded in order). The recorder calls this once it has reserved the action's
/// seqs; the rules are the workflows' ([`destruction::link_reading`]).
pub(crate) fn link_facts(facts: &mut [Payload], first_seq: u64) {
    destruction::link_reading(facts, first_seq);
}

/// Splits a list into chunks of at most `max` items, for a fact whose list could be longer than
/// one record holds (`tally_events::limits`): the fact is recorded as several events in one
/// action. An empty list is one empty chunk (the fact is still recorded).
pub(crate) fn chunks_of<T: Clone>(list: &[T], max: usize) -> Vec<Vec<T>> {
    if list.is_empty() {
        return vec![Vec::new()];
    }
    list.chunks(max.max(1)).map(<[T]>::to_vec).collect()
}

/// Chunk `index` of `chunks`, or an empty list past its end.
pub(crate) fn chunk_at<T: Clone>(chunks: &[Vec<T>], index: usize) -> Vec<T> {
    chunks.get(index).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_at(text: &str, systems: StateSystems) -> Result<String, Refusal> {
        let today = tally_ids::Date::new(2026, 11, 24).expect("a date");
        let scanned =
            Identifier::typed(text, StateSystems::all(), today).map_err(|u| u.refusal())?;
        match scanned.state_tag() {
            Some(tag) => tag_in(tag, systems),
            None => Err(scanned.not_a_tag()),
        }
    }

    #[test]
    fn tags_are_normalised_or_refused() {
        let tag = |text: &str| tag_at(text, StateSystems::all());
        assert_eq!(
            tag(" 1a4ff0100000022000000123 ").unwrap(),
            "1A4FF0100000022000000123"
        );
        assert!(matches!(tag("1A4FF01"), Err(Refusal::NotATag { .. })));
        assert!(matches!(
            tag("1A4FF0100000022000000-23"),
            Err(Refusal::NotATag { .. })
        ));
        assert!(matches!(
            tag("2B4FF0100000022000000123"),
            Err(Refusal::NotATag { .. })
        ));
        let long = "X".repeat(1000);
        match tag(&long) {
            Err(Refusal::NotATag { scan }) => assert_eq!(scan.len(), ID_LEN_MAX),
            other => panic!("{other:?}"),
        }
        // A tag of another state system is none at this facility.
        assert!(matches!(
            tag_at("0107032069804987", StateSystems::only(&[UidSystem::Metrc])),
            Err(Refusal::NotATag { scan }) if scan == "0107032069804987"
        ));
    }
}
