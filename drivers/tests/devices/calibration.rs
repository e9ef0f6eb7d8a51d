//! Calibration check wiring: a scale simulator in `drift` mode creeps up one division every
//! few readings; the stable readings of a certified 100.00 g check weight are recorded, and
//! drift beyond the allowed number of divisions is flagged.

use std::time::{Duration, Instant};

use tally_drivers::driver::{record_calibration, DriverEvent};
use tally_drivers::event::{DeviceEvent, Milligrams};
use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};

use crate::support::{fast_profile, open_session};

#[test]
fn drift_beyond_the_limit_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Drift);
    config.base_divisions = 10_000; // 100.00 g
    config.drift_every = 2; // +0.01 g every second reading
    let sim = ScaleSimulator::start(&link, config).unwrap();
    let profile = fast_profile("mettler-toledo-mt-sics", 20);
    let mut session = open_session(&profile, &link);
    let certified = Milligrams(100_000);
    let mut records = Vec::new();
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    while records.len() < 8 {
        assert!(Instant::now() < deadline);
        session.step(Duration::from_millis(100), &mut out).unwrap();
        for e in out.drain(..) {
            if let DriverEvent::Device(DeviceEvent::Weight(w)) = e {
                records.push(record_calibration(&profile, "sim", certified, &w, 2).unwrap());
            }
        }
    }
    sim.stop();
    // Readings 1..8 weigh 100.00 + floor(n / 2) divisions of 0.01 g.
    for (n, r) in records.iter().enumerate() {
        let divisions = (n as i64 + 1) / 2;
        assert_eq!(r.deviation_mg, divisions * 10, "{r:?}");
        assert_eq!(r.drifted, divisions > 2, "{r:?}");
        assert_eq!(r.certified_mg, 100_000);
        assert_eq!(r.profile, "mettler-toledo-mt-sics");
    }
    assert!(records.iter().any(|r| r.drifted) && records.iter().any(|r| !r.drifted));
}
