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

mod floor;

pub use floor::{DeviceInput, Floor, Ignored, Outcome, ScaleSetup, Screen, Step};
/// The typed identifier the workflows take is theirs (`tally_replica::workflow::identifier`);
/// the floor produces it.
pub use tally_replica::workflow::{Gs1Data, Identifier, StateTag, Unreadable};
