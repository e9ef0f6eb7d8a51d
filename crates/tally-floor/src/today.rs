//! "Today" on the facility's calendar: expiry checks, FEFO and the dates a screen shows are
//! days where the facility is, not in UTC. A handheld in Denver at 6 pm on the 17th is on the
//! 17th, although UTC is already on the 18th; a lot that expires on the 17th may still be
//! picked there until local midnight.
//!
//! The zone is the facility's (`facility_settings_defined.time_zone`, an IANA name such as
//! `America/Denver`). A name the time-zone database does not know counts as UTC, the old
//! behaviour, rather than stopping every step on the floor.

use rusqlite::{Connection, OptionalExtension};
use tally_ids::Date;
use tally_replica::ReplicaError;

const MS_PER_DAY: i64 = 86_400_000;

/// The date at `now_ms` (Unix milliseconds) in the time zone named `zone`; UTC when the name
/// is not a known zone.
pub fn date_in_zone(now_ms: i64, zone: &str) -> Date {
    let offset_ms = jiff::tz::TimeZone::get(zone)
        .ok()
        .zip(jiff::Timestamp::from_millisecond(now_ms).ok())
        .map_or(0, |(tz, at)| i64::from(tz.to_offset(at).seconds()) * 1_000);
    Date::from_unix_days(now_ms.saturating_add(offset_ms).div_euclid(MS_PER_DAY))
}

/// The facility's time zone as recorded (`None` before its settings are).
pub fn facility_time_zone(view: &Connection) -> Result<Option<String>, ReplicaError> {
    Ok(view
        .prepare_cached("SELECT time_zone FROM facilities ORDER BY id LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Today at the facility, at `now_ms` (Unix milliseconds): in its time zone, UTC before its
/// settings are recorded.
pub fn facility_today(view: &Connection, now_ms: i64) -> Result<Date, ReplicaError> {
    let zone = facility_time_zone(view)?;
    Ok(date_in_zone(now_ms, zone.as_deref().unwrap_or("UTC")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-18 03:30 UTC: still the 17th in Denver (UTC-7), already the 18th in Tokyo.
    const EVENING_IN_DENVER: i64 = 1_794_972_600_000;

    #[test]
    fn the_date_is_the_facility_s_not_utc_s() {
        assert_eq!(
            date_in_zone(EVENING_IN_DENVER, "UTC").to_string(),
            "2026-11-18"
        );
        assert_eq!(
            date_in_zone(EVENING_IN_DENVER, "America/Denver").to_string(),
            "2026-11-17"
        );
        assert_eq!(
            date_in_zone(EVENING_IN_DENVER, "Asia/Tokyo").to_string(),
            "2026-11-18"
        );
        // Summer time: Denver is UTC-6 in July; 05:30 UTC is 23:30 on the day before.
        let july = 1_783_056_600_000; // 2026-07-03 05:30 UTC
        assert_eq!(date_in_zone(july, "UTC").to_string(), "2026-07-03");
        assert_eq!(
            date_in_zone(july, "America/Denver").to_string(),
            "2026-07-02"
        );
    }

    #[test]
    fn an_unknown_zone_counts_as_utc() {
        assert_eq!(
            date_in_zone(EVENING_IN_DENVER, "Mars/Olympus").to_string(),
            "2026-11-18"
        );
    }
}
