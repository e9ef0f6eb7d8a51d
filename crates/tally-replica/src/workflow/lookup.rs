//! Lookup: scan anything and see what it is, where it should be, its status and the events of
//! it this device holds.
//!
//! While any count on this device is open (started and not closed by a supervisor), lookup
//! withholds the location, tote and quantity of every package, and `under_count` is the same
//! for every package: an answer that differed between packages in and out of the counted
//! locations would tell the counter which packages are expected there. Counted locations show
//! no package count. This holds for everybody: the counter may be the one holding the device.

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::payload::kind_name;
use tally_events::{Quantity, SignedEvent};

use super::count::{any_count_open, locations_under_count};
use super::{location, package, state_systems, tag_in, Identifier, LocationRow, ID_LEN_MAX};
use crate::error::ReplicaError;
use crate::model;
use crate::refusal::Refusal;

/// Most history entries returned.
pub const HISTORY_MAX: usize = 200;

/// One event that touched a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// `local` (this device's seq) or `remote` (ledger index).
    pub origin: String,
    /// Seq or ledger index.
    pub reference: i64,
    /// Payload kind name (`package_moved`, ...), or `kind N` when unknown.
    pub kind: String,
    /// Who.
    pub actor: String,
    /// When (UTC wall clock of the device).
    pub at: String,
}

/// What a package is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInfo {
    /// Tag.
    pub uid: String,
    /// SKU.
    pub sku: String,
    /// Item name.
    pub item_name: String,
    /// Lot.
    pub lot: Option<String>,
    /// COA status.
    pub coa: String,
    /// Expiry.
    pub expires_on: Option<String>,
    /// Status.
    pub status: String,
    /// Where it should be; `None` while a count is open on this device.
    pub location_id: Option<String>,
    /// Tote it is in; `None` while a count is open on this device.
    pub tote_id: Option<String>,
    /// Quantity on record; `None` while a count is open on this device.
    pub quantity: Option<Quantity>,
    /// A count is open on this device, so location, tote and quantity are withheld (the same
    /// for every package: it never tells whether this one is expected in a counted location).
    pub under_count: bool,
    /// Flagged conflict between devices.
    pub conflict: bool,
    /// Events of it on this device, newest first.
    pub history: Vec<HistoryEntry>,
}

/// What a location is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationInfo {
    /// The location.
    pub location: LocationRow,
    /// Packages recorded there; `None` while a count is open there.
    pub packages: Option<i64>,
}

/// A lookup answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A package.
    Package(Box<PackageInfo>),
    /// A location.
    Location(LocationInfo),
}

fn history(view: &Connection, uid: &str) -> Result<Vec<HistoryEntry>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT h.origin, h.ref, h.kind, coalesce(e.bytes, r.bytes) FROM package_history h
         LEFT JOIN event_log e ON h.origin = 'local' AND e.seq = h.ref
         LEFT JOIN remote_events r ON h.origin = 'remote' AND r.ledger_index = h.ref
         WHERE h.uid = ?1 ORDER BY h.origin = 'local', h.ref DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![uid, HISTORY_MAX as i64], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, u16>(2)?,
            r.get::<_, Option<Vec<u8>>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (origin, reference, kind, bytes) = row?;
        let (actor, at) = match bytes.map(SignedEvent::from_bytes) {
            Some(Ok(event)) => (event.actor().to_owned(), event.timestamp().wall_utc()),
            _ => (String::new(), String::new()),
        };
        out.push(HistoryEntry {
            origin,
            reference,
            kind: kind_name(kind).unwrap_or_else(|| format!("kind {kind}")),
            actor,
            at,
        });
    }
    Ok(out)
}

/// Looks up a scan: a package tag (of the facility's state system) or a location id.
pub fn lookup(view: &Connection, scanned: &Identifier) -> Result<Found, ReplicaError> {
    let counted = locations_under_count(view)?;
    if let Some(tag) = scanned.state_tag() {
        let upper = tag_in(tag, state_systems(view)?)?;
        let Some(p) = package(view, &upper)? else {
            return Err(Refusal::UnknownPackage { uid: upper }.into());
        };
        let under_count = any_count_open(view)?;
        return Ok(Found::Package(Box::new(PackageInfo {
            history: history(view, &p.uid)?,
            uid: p.uid,
            sku: p.sku,
            item_name: p.item_name,
            lot: p.lot,
            coa: p.coa,
            expires_on: p.expires_on,
            status: model::status(p.status).to_owned(),
            location_id: p.location_id.filter(|_| !under_count),
            tote_id: p.tote_id.filter(|_| !under_count),
            quantity: (!under_count).then_some(p.quantity),
            under_count,
            conflict: p.conflict,
        })));
    }
    let Some(scan) = scanned.plain_id().map(str::trim) else {
        return Err(scanned.not_a_tag().into());
    };
    if scan.len() > ID_LEN_MAX {
        return Err(scanned.not_a_tag().into());
    }
    let is_location: Option<String> = view
        .prepare_cached("SELECT id FROM locations WHERE id = ?1")?
        .query_row([scan], |r| r.get(0))
        .optional()?;
    if is_location.is_none() {
        return Err(Refusal::NotATag {
            scan: scan.to_owned(),
        }
        .into());
    }
    let location = location(view, scan)?;
    let packages = if counted.contains(&location.id) {
        None
    } else {
        Some(
            view.prepare_cached("SELECT count(*) FROM packages WHERE location_id = ?1")?
                .query_row([&location.id], |r| r.get(0))?,
        )
    };
    Ok(Found::Location(LocationInfo { location, packages }))
}
