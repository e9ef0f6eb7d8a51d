//! Who may record master data (admin events) at the ledger.
//!
//! Master data (facility settings, locations, items, batches, packages registered, manifests,
//! pick lists, count tasks, users, reason codes, scales, device revocations) is recorded as
//! signed admin events, payload kinds 256 to 511 (docs/EVENT-FORMAT.md), except the floor
//! events numbered in that block ([`FLOOR_KINDS_IN_ADMIN_BLOCK`]: a receiving arrival, a
//! receipt difference, a conflict settled by a supervisor, a count sweep, a re-bootstrap). An
//! unknown kind of the block counts as master data (refused unless an admin or the defining
//! device recorded it); a test makes every known kind of the block one or the other on purpose.
//! The ledger accepts one from a device only when
//!
//! - the device is the **first device enrolled for its facility** (the one that defines a new
//!   site, and the demo seed's device), or
//! - the event's actor (the badge signed in on the device) is an **active admin of that
//!   facility at the ledger** (`tally-ledger user add --role admin`).
//!
//! Anything else is refused with `not_admin`; the records before it are kept.

use std::collections::HashSet;

use tally_events::DeviceId;

use crate::store::{Store, StoreError};

/// Floor events numbered in the master-data block: recorded by the people on the floor in
/// their roles (the replica's workflows check who may), never admin-only at the ledger.
pub const FLOOR_KINDS_IN_ADMIN_BLOCK: [u16; 5] = [
    269, // package_arrived: a receiver scanning a case
    277, // receipt_difference_noted: a receiver accepting at another quantity
    278, // conflict_settled: a supervisor settling a package in conflict
    279, // count_sweep_recorded: a counter's RFID sweep
    280, // device_rebootstrapped: a supervisor re-bootstrapping the device's view
];

/// Whether payload kind `kind` is master data (an admin event).
pub fn is_master_data(kind: u16) -> bool {
    (256..=511).contains(&kind) && !FLOOR_KINDS_IN_ADMIN_BLOCK.contains(&kind)
}

/// Who may record master data for one device's push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRule {
    /// The device is its facility's first enrolled device.
    pub defines_facility: bool,
    /// The facility's active admins at the ledger.
    pub admins: HashSet<String>,
}

impl AdminRule {
    /// The rule for `device` of `facility`, read from the store.
    pub fn for_device<S: Store>(
        store: &S,
        device: &DeviceId,
        facility: &str,
    ) -> Result<Self, StoreError> {
        let first = store
            .devices()?
            .into_iter()
            .find(|d| d.facility == facility)
            .map(|d| d.device_id);
        let admins = store
            .users(facility)?
            .into_iter()
            .filter(|u| u.active && u.role == "admin")
            .map(|u| u.badge)
            .collect();
        Ok(Self {
            defines_facility: first == Some(*device),
            admins,
        })
    }

    /// Whether an event of `kind` by `actor` may be accepted.
    pub fn allows(&self, kind: u16, actor: &str) -> bool {
        !is_master_data(kind) || self.defines_facility || self.admins.contains(actor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_data_is_the_admin_block_without_its_floor_events() {
        for kind in [256, 257, 263, 264, 268, 270, 273, 274, 276, 511] {
            assert!(is_master_data(kind), "{kind}");
        }
        for kind in [
            1, 2, 3, 16, 50, 64, 82, 99, 255, 269, 277, 278, 279, 280, 512,
        ] {
            assert!(!is_master_data(kind), "{kind}");
        }
    }

    /// Every kind of the block that tally-events knows is classified here on purpose: a new
    /// kind numbered in the block fails this test until someone decides whether a floor device
    /// may record it without an admin (the default, master data, refuses it).
    #[test]
    fn every_known_kind_of_the_admin_block_is_classified_on_purpose() {
        const MASTER_DATA: [u16; 17] = [
            256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 270, 273, 274, 276,
        ];
        let known: Vec<u16> = (256..=511)
            .filter(|&kind| tally_events::payload::kind_name(kind).is_some())
            .collect();
        for kind in &known {
            assert!(
                MASTER_DATA.contains(kind) != FLOOR_KINDS_IN_ADMIN_BLOCK.contains(kind),
                "kind {kind} ({:?}) is neither master data nor a floor event on purpose",
                tally_events::payload::kind_name(*kind)
            );
            assert_eq!(is_master_data(*kind), MASTER_DATA.contains(kind), "{kind}");
        }
        for kind in MASTER_DATA.iter().chain(&FLOOR_KINDS_IN_ADMIN_BLOCK) {
            assert!(known.contains(kind), "kind {kind} is not a known kind");
        }
    }

    #[test]
    fn only_the_defining_device_or_an_admin_records_master_data() {
        let rule = AdminRule {
            defines_facility: false,
            admins: ["B9001".to_owned()].into_iter().collect(),
        };
        assert!(rule.allows(257, "B9001"));
        assert!(!rule.allows(257, "B1001"));
        assert!(rule.allows(50, "B1001"), "floor events need no admin");
        assert!(
            rule.allows(269, "B1001"),
            "package_arrived is a receiving event"
        );
        let definer = AdminRule {
            defines_facility: true,
            admins: HashSet::new(),
        };
        assert!(definer.allows(256, "anyone"));
    }
}
