//! The replica's column values for the event log's types: how quantities, statuses, kinds and
//! dates are stored in SQLite and read back. One place, so the fold and the workflows agree.

use tally_events::payload::{
    CoaStatus, ItemCategory, LocationKind, PackageStatus, Role, UnitOfMeasure,
};
use tally_events::{Date, Quantity};

/// Unit column of a quantity.
pub const EACH: &str = "each";
/// Unit column of a weight in milligrams.
pub const MG: &str = "mg";

/// A quantity as (amount, unit column). Amounts above `i64::MAX` are refused by the caller.
pub fn split(quantity: Quantity) -> (u64, &'static str) {
    match quantity {
        Quantity::Units(n) => (n, EACH),
        Quantity::Milligrams(n) => (n, MG),
    }
}

/// Reads a quantity back from (amount, unit column).
pub fn join(amount: i64, unit: &str) -> Option<Quantity> {
    let amount = u64::try_from(amount).ok()?;
    match unit {
        EACH => Some(Quantity::Units(amount)),
        MG => Some(Quantity::Milligrams(amount)),
        _ => None,
    }
}

/// The amount of a quantity as stored (saturating at `i64::MAX`, far above any real stock).
pub fn amount(quantity: Quantity) -> i64 {
    i64::try_from(split(quantity).0).unwrap_or(i64::MAX)
}

/// Same unit, different amount.
pub fn with_amount(quantity: Quantity, amount: u64) -> Quantity {
    match quantity {
        Quantity::Units(_) => Quantity::Units(amount),
        Quantity::Milligrams(_) => Quantity::Milligrams(amount),
    }
}

/// Whether two quantities have the same unit.
pub fn same_unit(a: Quantity, b: Quantity) -> bool {
    split(a).1 == split(b).1
}

/// Unit column of an item's unit of measure.
pub fn uom(unit: UnitOfMeasure) -> &'static str {
    match unit {
        UnitOfMeasure::Each => EACH,
        UnitOfMeasure::Weight => MG,
    }
}

/// Column value of a location kind.
pub fn location_kind(kind: LocationKind) -> &'static str {
    match kind {
        LocationKind::Vault => "vault",
        LocationKind::Shelf => "shelf",
        LocationKind::Bin => "bin",
        LocationKind::QuarantineCage => "quarantine_cage",
        LocationKind::StagingLane => "staging_lane",
        LocationKind::Vehicle => "vehicle",
        LocationKind::Dock => "dock",
        LocationKind::Tote => "tote",
    }
}

/// Column value of an item category.
pub fn category(category: ItemCategory) -> &'static str {
    match category {
        ItemCategory::Flower => "flower",
        ItemCategory::Vape => "vape",
        ItemCategory::Concentrate => "concentrate",
        ItemCategory::Edible => "edible",
        ItemCategory::Tincture => "tincture",
        ItemCategory::PreRoll => "preroll",
        ItemCategory::Topical => "topical",
        ItemCategory::Other => "other",
    }
}

/// Column value of a COA status.
pub fn coa(status: CoaStatus) -> &'static str {
    match status {
        CoaStatus::Missing => "missing",
        CoaStatus::Pending => "pending",
        CoaStatus::Passed => "passed",
        CoaStatus::Failed => "failed",
    }
}

/// Column value of a package status.
pub fn status(status: PackageStatus) -> &'static str {
    match status {
        PackageStatus::Active => "active",
        PackageStatus::OnHold => "on_hold",
        PackageStatus::Quarantined => "quarantined",
        PackageStatus::InTransit => "in_transit",
        PackageStatus::Destroyed => "destroyed",
        PackageStatus::Finished => "finished",
    }
}

/// Reads a package status column.
pub fn parse_status(text: &str) -> Option<PackageStatus> {
    Some(match text {
        "active" => PackageStatus::Active,
        "on_hold" => PackageStatus::OnHold,
        "quarantined" => PackageStatus::Quarantined,
        "in_transit" => PackageStatus::InTransit,
        "destroyed" => PackageStatus::Destroyed,
        "finished" => PackageStatus::Finished,
        _ => return None,
    })
}

/// Column value of a role.
pub fn role(role: Role) -> &'static str {
    match role {
        Role::Operator => "operator",
        Role::Supervisor => "supervisor",
        Role::Admin => "admin",
        Role::Auditor => "auditor",
    }
}

/// Reads a role column.
pub fn parse_role(text: &str) -> Option<Role> {
    Some(match text {
        "operator" => Role::Operator,
        "supervisor" => Role::Supervisor,
        "admin" => Role::Admin,
        "auditor" => Role::Auditor,
        _ => return None,
    })
}

/// A date column (`YYYY-MM-DD`).
pub fn date(date: Date) -> String {
    date.to_string()
}

/// Reads a `YYYY-MM-DD` date (surrounding spaces allowed).
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse_iso(text.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_dates_round_trip() {
        for q in [Quantity::Units(12), Quantity::Milligrams(3_500)] {
            let (amount, unit) = split(q);
            assert_eq!(join(amount as i64, unit), Some(q));
        }
        assert_eq!(join(-1, EACH), None);
        assert_eq!(join(1, "kg"), None);
        let d = parse_date("2027-02-28").unwrap();
        assert_eq!(date(d), "2027-02-28");
        assert!(parse_date("2027-02-30").is_none());
        for s in [
            "active",
            "on_hold",
            "quarantined",
            "in_transit",
            "destroyed",
            "finished",
        ] {
            assert_eq!(status(parse_status(s).unwrap()), s);
        }
    }
}
