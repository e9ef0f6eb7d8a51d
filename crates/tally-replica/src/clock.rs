//! The device's clock: UTC wall time, the boot id and the time since boot, as the event
//! envelope wants them. Tests use `tally_events::ManualClock` instead.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tally_events::{Clock, Timestamp};

/// The real clock of a Linux device.
///
/// The boot id comes from `/proc/sys/kernel/random/boot_id` (zeros where it does not exist);
/// time since boot is `/proc/uptime` read once at start plus a monotonic [`Instant`] since then,
/// so it never goes backwards while the process runs.
#[derive(Debug)]
pub struct SystemClock {
    boot_id: [u8; 16],
    uptime_at_start_us: u64,
    started: Instant,
}

impl SystemClock {
    /// Reads the boot id and the uptime.
    pub fn new() -> SystemClock {
        let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .ok()
            .and_then(|text| {
                let digits: String = text.trim().chars().filter(|c| *c != '-').collect();
                let mut out = [0u8; 16];
                hex::decode_to_slice(digits, &mut out).ok().map(|()| out)
            })
            .unwrap_or([0u8; 16]);
        let uptime_at_start_us = std::fs::read_to_string("/proc/uptime")
            .ok()
            .and_then(|text| {
                let first = text.split_whitespace().next()?.to_owned();
                let (secs, frac) = first.split_once('.').unwrap_or((first.as_str(), "0"));
                let secs: u64 = secs.parse().ok()?;
                let frac: u64 = format!("{frac:0<6}").get(..6)?.parse().ok()?;
                Some(secs * 1_000_000 + frac)
            })
            .unwrap_or(0);
        SystemClock {
            boot_id,
            uptime_at_start_us,
            started: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let wall_unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let since = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        Timestamp {
            wall_unix_ms,
            boot_id: self.boot_id,
            since_boot_us: self.uptime_at_start_us.saturating_add(since),
        }
    }
}
