//! The floor layer: the one joint between the devices and the workflows.
//!
//! A driver hands over a [`DeviceEvent`](tally_drivers::event::DeviceEvent); [`Floor::handle`]
//! reads it for the [`Screen`] the user is on and runs the right workflow step through
//! [`Replica::act`](tally_replica::Replica::act), so the step is decided and recorded as one
//! signed action. A scan or tag read is decoded by `tally-ids` (under the facility's state
//! systems) into an [`Identifier`] first; a scale reading counts only when it is a stable
//! weight. Nothing here draws a screen or opens a device: the terminal app, tests and tools
//! feed it events and show its [`Outcome`].
//!
//! ```text
//! drivers (protocol decoder) ──DeviceEvent──▶ floor (Floor::handle)
//!     ├─ Scan / TagRead ─ScanInput──▶ tally_ids::ScanInput::decode ─▶ workflow::Identifier
//!     └─ Weight ─ stable weight ─▶ workflow::scale::Reading
//! floor ─▶ tally_replica::workflow::<step> inside Replica::act ─▶ signed event
//! ```
//!
//! Beside [`Floor::handle`], the steps a person keys rather than scans go through the floor
//! too, each in its own module: picking (a quantity into a tote, a short with a reason),
//! loading (reconcile, mark ready), a count's rounds (start, units typed, submit), the
//! supervisor's review (approve, close, unlock a badge) and destruction with a witness. The
//! lists the screens show (open pick lists, outbound manifests, count tasks, counts in review,
//! locked badges, conflicts) are read here too, so a screen holds no SQL and no rule.

// No unwrap on data from outside: the library returns errors; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod count_rounds;
mod destroying;
mod floor;
mod loading;
mod picking;
mod supervising;
mod today;

pub use count_rounds::{count_tasks, my_lines};
pub use destroying::DestroyOrder;
pub use floor::quarantine::{
    pallet_contents, pallet_packages, PalletContents, PALLET_PACKAGES_MAX,
};
pub use floor::receiving;
pub use floor::{DeviceInput, Floor, Ignored, Outcome, ScaleSetup, Screen, Step};
pub use loading::{compare as compare_loading, open_outbound, OutboundRow};
pub use picking::{open_pick_lists, typed_quantity, walk as pick_walk, PickListRow};
pub use supervising::{
    conflict_sides, conflicts, counts_in_review, locked_badges, may_supervise, review, ConflictRow,
    ConflictSides, LockedBadge, ReviewRow,
};
/// The typed identifier the workflows take is theirs (`tally_replica::workflow::identifier`);
/// the floor produces it.
pub use tally_replica::workflow::{Gs1Data, Identifier, StateTag, Unreadable};
pub use today::{date_in_zone, facility_time_zone, facility_today};
