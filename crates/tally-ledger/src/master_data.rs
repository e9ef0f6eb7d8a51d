//! Who may record master data (admin events) at the ledger.
//!
//! Master data (facility settings, locations, items, batches, packages registered, manifests,
//! pick lists, count tasks, users, reason codes, scales, device revocations) is recorded as
//! signed admin events, payload kinds 256 to 511 (docs/EVENT-FORMAT.md), except kind 269
//! `package_arrived`, a receiving event registered in that block, and kind 280
//! `device_rebootstrapped`, a supervisor's step on the device. The ledger accepts one from
//! a device only when
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

/// Kind 269 `package_arrived`: a receiving event numbered in the master-data block.
const KIND_PACKAGE_ARRIVED: u16 = 269;

/// Kind 280 `device_rebootstrapped`: a supervisor's re-bootstrap of a device's view, numbered
/// in the master-data block.
const KIND_DEVICE_REBOOTSTRAPPED: u16 = 280;

/// Whether payload kind `kind` is master data (an admin event).
pub fn is_master_data(kind: u16) -> bool {
    (256..=511).contains(&kind)
        && kind != KIND_PACKAGE_ARRIVED
        && kind != KIND_DEVICE_REBOOTSTRAPPED
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
    fn master_data_is_the_admin_block_without_package_arrived() {
        for kind in [256, 257, 263, 264, 268, 270, 273, 274, 276, 511] {
            assert!(is_master_data(kind), "{kind}");
        }
        for kind in [1, 2, 3, 16, 50, 64, 82, 99, 255, 269, 280, 512] {
            assert!(!is_master_data(kind), "{kind}");
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
