//! Loading on the floor: the outbound manifests not yet ready, the reconciliation of what is
//! staged for a manifest's route against its lines (missing, extra, mismatched), recorded as
//! evidence when the loader asks for it, and the manifest marked ready (closed for loading) only
//! when it is exact. Every rule is `tally_replica::workflow::loading`'s.

use rusqlite::Connection;
use tally_replica::workflow::loading::{self, Reconciliation};
use tally_replica::workflow::Session;
use tally_replica::{Replica, ReplicaError};

use crate::floor::{Floor, Outcome, Step};

/// An outbound manifest as the list screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRow {
    /// Manifest id (what its barcode holds).
    pub id: String,
    /// The route whose staged totes are loaded.
    pub route: String,
    /// Destination licence.
    pub destination: String,
    /// Lines on the manifest.
    pub lines: u32,
}

/// The outbound manifests still in draft (not marked ready), by id.
pub fn open_outbound(view: &Connection) -> Result<Vec<OutboundRow>, ReplicaError> {
    let mut stmt = view.prepare_cached(
        "SELECT m.id, m.route, m.destination_license,
                (SELECT count(*) FROM outbound_lines l WHERE l.manifest_id = m.id)
         FROM outbound_manifests m WHERE m.status = 'draft' ORDER BY m.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OutboundRow {
            id: r.get(0)?,
            route: r.get(1)?,
            destination: r.get(2)?,
            lines: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What is staged against `manifest` now, recording nothing (the screen's live list).
pub fn compare(view: &Connection, manifest: &str) -> Result<Reconciliation, ReplicaError> {
    loading::compare(view, manifest)
}

impl Floor {
    /// Records the reconciliation of `manifest` as it stands (exact or not: the record is
    /// evidence either way).
    pub fn reconcile(
        &self,
        replica: &mut Replica,
        who: &Session,
        manifest: &str,
    ) -> Result<Step, ReplicaError> {
        let (reconciliation, recorded) =
            replica.act(&who.badge, |view| loading::reconcile(view, manifest))?;
        Ok(Step {
            outcome: Outcome::Reconciled(reconciliation),
            recorded,
        })
    }

    /// Marks `manifest` ready for loading (after the loader confirmed); refused unless exact.
    pub fn mark_ready(
        &self,
        replica: &mut Replica,
        who: &Session,
        manifest: &str,
    ) -> Result<Step, ReplicaError> {
        let (reconciliation, recorded) =
            replica.act(&who.badge, |view| loading::mark_ready(view, manifest))?;
        Ok(Step {
            outcome: Outcome::ManifestReady(reconciliation),
            recorded,
        })
    }
}
