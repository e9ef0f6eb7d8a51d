//! Set-up shared by the device tests: a shipped profile made to poll fast, and a session on
//! a simulator's link once it is there.

use std::path::Path;
use std::time::{Duration, Instant};

use tally_drivers::driver::DeviceSession;
use tally_drivers::profile::{Profile, ProfileSet};
use tally_drivers::transport::serial::SerialTransport;

/// How long a test waits for a device before it fails (only bounds a hung test).
pub const DEADLINE: Duration = Duration::from_secs(90);

/// The shipped profile `id`, polling every `poll_ms` (the PTY does not care about baud rates).
pub fn fast_profile(id: &str, poll_ms: u64) -> Profile {
    let mut p = ProfileSet::embedded().unwrap().get(id).unwrap().clone();
    p.params.poll_interval_ms = Some(poll_ms);
    p
}

/// The embedded profile set with `id` made to poll every `poll_ms`.
pub fn fast_profile_set(id: &str, poll_ms: u64) -> ProfileSet {
    let mut set = ProfileSet::embedded().unwrap();
    set.insert(fast_profile(id, poll_ms)).unwrap();
    set
}

/// Opens a session on the simulator's link, waiting (up to [`DEADLINE`]) until it exists.
pub fn open_session(profile: &Profile, link: &Path) -> DeviceSession {
    let deadline = Instant::now() + DEADLINE;
    loop {
        match SerialTransport::open(link.to_str().unwrap(), &profile.transport) {
            Ok(t) => return DeviceSession::open(profile, Box::new(t)).unwrap(),
            Err(e) if Instant::now() < deadline => {
                eprintln!("waiting for {}: {e}", link.display());
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("{e}"),
        }
    }
}
