//! The demo's dock: what the simulated scale carries and what the simulated RFID reader sees.
//!
//! The scale follows the replica read-only, as goods go on it on a real floor:
//! - when a receiver scans a case (a new row in `inbound_receipts`), the case's manifest weight
//!   (in its container) is put on the platter with the noise of a real dock
//!   ([`loads::case_weight`]: most cases inside the facility's receiving tolerance, about one in
//!   five outside it; a case the manifest does not list gets a plausible weight of its own);
//! - when a counter scans a package counted by weight on 5 Count (the app tells the follower
//!   its tag, `tally_app::Start::weighing`: a count scan records nothing to follow), the
//!   package's weight on record is put on the scale with the noise of goods on a shelf ([`loads::count_weight`]: mostly inside the facility's count
//!   tolerance, some beyond it, never the record itself). The app shows what the scale reads,
//!   as a real scale's display would: a reading, never the expected quantity (the blind-count
//!   leak test draws the count screen with these loads).
//!
//! Nothing is written; the weight still has to be read by the driver and recorded by the app
//! like any scale reading.
//!
//! The reader's script: the packages at the first count task's first location (what a sweep
//! there finds), and one package from elsewhere (a case put back in the wrong place).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};
use tally_drivers::sim::scale::{loads, Platter};
use tally_drivers::sim::Rng;

/// How often the replica is looked at.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(250);
/// The scale's division in milligrams (0.01 g, as the demo's registered scale SCALE-01).
pub const DIVISION_MG: i64 = 10;

/// The latest case scanned at receiving: (manifest, uid, what the scale shows for it if it is
/// listed). That is its manifest weight, plus its container (the item's tare) when the
/// manifest weight is net: the case goes on the scale in its container, and the core takes
/// the tare off again before comparing.
pub fn latest_arrival(
    view: &Connection,
) -> rusqlite::Result<Option<(String, String, Option<i64>)>> {
    view.query_row(
        "SELECT r.manifest_id, r.uid,
                l.weight_mg + CASE WHEN i.weight_is_net THEN coalesce(i.tare_mg, 0) ELSE 0 END
           FROM inbound_receipts r
           LEFT JOIN inbound_lines l ON l.manifest_id = r.manifest_id AND l.uid = r.uid
           LEFT JOIN items i ON i.id = l.item_id
          ORDER BY r.rowid DESC LIMIT 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
    .optional()
}

/// The weight on record of the package `uid` when it is counted by weight (mg).
pub fn recorded_weight(view: &Connection, uid: &str) -> rusqlite::Result<Option<i64>> {
    Ok(view
        .query_row(
            "SELECT quantity FROM packages WHERE uid = ?1 AND unit = 'mg'",
            [uid],
            |row| row.get(0),
        )
        .optional()?
        .flatten())
}

/// The facility's receiving and count tolerances (mg).
fn tolerances(view: &Connection) -> rusqlite::Result<(i64, i64)> {
    view.query_row(
        "SELECT receiving_tolerance_mg, count_tolerance_mg FROM facilities ORDER BY id LIMIT 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// One look: the load to put on the scale, in divisions, if any — for a case scanned at
/// receiving not seen before (`last_case`), or for `counted`, a package a count screen waits
/// to weigh (nothing for a package not counted by weight).
fn next_load(
    view: &Connection,
    last_case: &mut Option<(String, String)>,
    counted: Option<&str>,
    rng: &mut Rng,
) -> rusqlite::Result<Option<i64>> {
    let (receiving_tolerance, count_tolerance) = tolerances(view)?;
    let mut load = None;
    if let Some((manifest, uid, manifest_mg)) = latest_arrival(view)? {
        let case = Some((manifest, uid));
        if *last_case != case {
            *last_case = case;
            load = Some(loads::case_weight(
                manifest_mg,
                receiving_tolerance,
                DIVISION_MG,
                rng,
            ));
        }
    }
    if let Some(uid) = counted {
        if let Some(recorded) = recorded_weight(view, uid)? {
            load = Some(loads::count_weight(
                recorded,
                count_tolerance,
                DIVISION_MG,
                rng,
            ));
        }
    }
    Ok(load.map(divisions))
}

/// Milligrams as whole scale divisions, rounded to the nearest.
pub fn divisions(mg: i64) -> i64 {
    (mg + DIVISION_MG / 2).div_euclid(DIVISION_MG)
}

/// The thread that puts each scanned case on the scale.
pub struct ScaleFollower {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ScaleFollower {
    /// Follows the replica at `db` (read-only) and the tags of the packages the app waits to
    /// weigh (`weighing`), putting loads on `platter`.
    pub fn start(
        db: PathBuf,
        platter: Platter,
        weighing: Receiver<String>,
        seed: u64,
    ) -> std::io::Result<ScaleFollower> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("demo-scale".into())
                .spawn(move || follow(&db, &platter, &weighing, seed, &stop))?
        };
        Ok(ScaleFollower {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ScaleFollower {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn follow(db: &Path, platter: &Platter, weighing: &Receiver<String>, seed: u64, stop: &AtomicBool) {
    let mut rng = Rng::new(seed);
    let mut view: Option<Connection> = None;
    let mut last_case = None;
    let mut counted: Option<String> = None;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(FOLLOW_EVERY);
        // The latest package the app waits to weigh (one the counter scanned since the last
        // look; an earlier one was put down).
        if let Some(uid) = weighing.try_iter().last() {
            counted = Some(uid);
        }
        if view.is_none() {
            view = tally_replica::db::open_read_only(db).ok();
        }
        let Some(connection) = &view else { continue };
        match next_load(connection, &mut last_case, counted.as_deref(), &mut rng) {
            Ok(load) => {
                counted = None;
                if let (Some(load), Ok(mut on_platter)) = (load, platter.lock()) {
                    *on_platter = Some(load);
                }
            }
            // Reopened at the next look (the file replaced by --reset, a busy moment).
            Err(_) => view = None,
        }
    }
}

/// The EPCs the demo's RFID reader sees: the packages at the first count task's first
/// location, and one from another location.
pub fn reader_script(view: &Connection) -> rusqlite::Result<Vec<Vec<u8>>> {
    let location: Option<String> = view
        .query_row(
            "SELECT location_id FROM count_task_locations ORDER BY task_id, location_id LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let mut uids: Vec<String> = Vec::new();
    if let Some(location) = &location {
        let mut here = view.prepare(
            "SELECT uid FROM packages WHERE location_id = ?1 AND status IN ('active','on_hold')
              ORDER BY uid LIMIT 200",
        )?;
        uids.extend(
            here.query_map([location], |row| row.get::<_, String>(0))?
                .flatten(),
        );
        let stray: Option<String> = view
            .query_row(
                "SELECT uid FROM packages WHERE location_id <> ?1 AND status = 'active'
                  ORDER BY uid LIMIT 1",
                [location],
                |row| row.get(0),
            )
            .optional()?;
        uids.extend(stray);
    }
    // Metrc tags are 24 hexadecimal digits: the tag's EPC is those 12 bytes.
    Ok(uids
        .iter()
        .filter_map(|uid| hex::decode(uid).ok().filter(|epc| epc.len() == 12))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_round_to_the_nearest_hundredth_of_a_gram() {
        assert_eq!(divisions(412_374), 41_237);
        assert_eq!(divisions(412_375), 41_238);
        assert_eq!(divisions(0), 0);
    }

    /// A case's tag as a scanner reads it.
    fn scanned(uid: &str) -> tally_replica::workflow::Identifier {
        let today = tally_events::Date::parse_iso("2026-12-07").unwrap();
        tally_replica::workflow::Identifier::typed(uid, tally_ids::StateSystems::all(), today)
            .unwrap()
    }

    /// A demo replica in `dir` with a receiver signed in, and its first manifest line.
    fn demo_replica(
        dir: &Path,
    ) -> (
        tally_replica::Replica,
        tally_replica::workflow::Session,
        PathBuf,
        (String, String, i64),
    ) {
        let db = dir.join("replica").join("replica.db");
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        let mut replica = tally_replica::Replica::init_in_key_dir(
            &db,
            &dir.join("keys"),
            Box::new(tally_replica::clock::SystemClock::new()),
            tally_events::payload::DeviceEnrolled {
                facility: tally_replica::seed::FACILITY.into(),
                hardware_serial: "T".into(),
                enrollment_token_sha256: tally_events::Sha256Hash::of(b"t"),
                previous_device: None,
            },
            &tally_replica::keys::KeyOptions::default(),
        )
        .unwrap();
        tally_replica::seed::demo_with_pin_params(
            &mut replica,
            10,
            1,
            &tally_events::PinParams::TEST,
        )
        .unwrap();
        let line = replica
            .view()
            .query_row(
                // The case's weight on the scale: in its container when the manifest's is net.
                "SELECT l.manifest_id, l.uid,
                        l.weight_mg + CASE WHEN i.weight_is_net THEN coalesce(i.tare_mg, 0) ELSE 0 END
                   FROM inbound_lines l JOIN items i ON i.id = l.item_id
                  ORDER BY l.manifest_id, l.uid LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let (session, _) = replica.sign_in("B1001", "1111").unwrap();
        (replica, session, db, line)
    }

    /// The whole dock over real serial I/O: a case scanned into the replica goes on the
    /// simulated MT-SICS balance, whose stable reading reaches the app's event stream through
    /// the driver as a weight for the floor layer, near the case's manifest weight.
    #[test]
    fn a_scanned_case_s_weight_reaches_the_app_over_the_serial_line() {
        use tally_app::event::{DeviceEvent, Event};
        use tally_replica::workflow::receiving;
        let dir = tempfile::tempdir().unwrap();
        let (mut replica, session, db, (manifest, uid, weight_mg)) = demo_replica(dir.path());
        let link_path = dir.path().join("scale");
        let mut config = tally_drivers::sim::scale::ScaleConfig::new(
            tally_drivers::sim::scale::ScaleProtocol::MtSics,
            tally_drivers::sim::scale::ScaleMode::Stable,
        );
        config.base_divisions = 0;
        config.capacity_divisions = 620_000;
        let scale = tally_drivers::sim::scale::ScaleSimulator::start(&link_path, config).unwrap();
        let follower =
            ScaleFollower::start(db, scale.platter(), std::sync::mpsc::channel().1, 5).unwrap();
        let (events, inbox) = std::sync::mpsc::channel();
        let link = tally_app::devices::DeviceLink::start(
            &[tally_app::config::DeviceConfig {
                kind: "scale".into(),
                path: link_path,
                profile: "mettler-toledo-mt-sics".into(),
                scale_id: Some("SCALE-01".into()),
            }],
            events,
        )
        .unwrap()
        .unwrap();
        replica
            .act(&session.badge, |v| {
                receiving::scan(v, &manifest, &scanned(&uid))
            })
            .unwrap();
        let until = std::time::Instant::now() + Duration::from_secs(15);
        let weighed_mg = loop {
            assert!(
                std::time::Instant::now() < until,
                "no weight reached the app"
            );
            if let Ok(Event::Device(DeviceEvent::Floor(input))) =
                inbox.recv_timeout(Duration::from_millis(50))
            {
                if let tally_drivers::event::DeviceEvent::Weight(reading) = input.event {
                    let mg = reading.to_milligrams().unwrap().0;
                    if mg != 0 {
                        break mg;
                    }
                }
            }
        };
        assert!(
            (weighed_mg - weight_mg).abs() <= 500 * 12 + DIVISION_MG,
            "{weighed_mg} mg weighed for a {weight_mg} mg case"
        );
        link.stop();
        drop(follower);
        scale.stop();
    }

    /// A case of a weighed item: its manifest weight is net, so the follower puts it on the
    /// scale in its container (the weight plus the item's tare), and the core's verdict on
    /// that reading is within tolerance. (It left the container off, so every weighed case of
    /// the demo was out of tolerance by the tare.)
    #[test]
    fn a_net_case_goes_on_the_scale_in_its_container_and_weighs_within_tolerance() {
        use tally_replica::workflow::{receiving, scale::Reading};
        let dir = tempfile::tempdir().unwrap();
        let (mut replica, session, db, _) = demo_replica(dir.path());
        let (manifest, uid, weight_mg, tare_mg): (String, String, i64, i64) = replica
            .view()
            .query_row(
                "SELECT l.manifest_id, l.uid, l.weight_mg, i.tare_mg
                   FROM inbound_lines l JOIN items i ON i.id = l.item_id
                  WHERE i.weight_is_net = 1 AND i.tare_mg > 0
                  ORDER BY l.manifest_id, l.uid LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        replica
            .act(&session.badge, |v| {
                receiving::scan(v, &manifest, &scanned(&uid))
            })
            .unwrap();
        let view = tally_replica::db::open_read_only(&db).unwrap();
        let (_, _, shown) = latest_arrival(&view).unwrap().unwrap();
        assert_eq!(shown, Some(weight_mg + tare_mg));
        let on_scale = divisions(weight_mg + tare_mg);
        let reading = Reading {
            scale_id: "SCALE-01".into(),
            value: format!("{}.{:02}", on_scale / 100, on_scale % 100),
            unit: tally_events::MassUnit::G,
            net: false,
            tare: None,
            stable: true,
            division: "0.01".into(),
        };
        let tag = scanned(&uid).state_tag().cloned().unwrap();
        let today =
            tally_ids::Date::from_unix_days(replica.now_ms().div_euclid(86_400_000)).to_string();
        let (verdict, _) = replica
            .act(&session.badge, |v| {
                receiving::weigh(v, &manifest, &tag, &reading, &today)
            })
            .unwrap();
        assert!(verdict.within, "{verdict:?}");
    }

    /// A real replica: a receiver scans a listed case; the follower, reading the file, puts
    /// its weight on the platter (near the manifest weight), and the same case scanned again
    /// is not put on again.
    #[test]
    fn each_scanned_case_goes_on_the_scale() {
        use tally_replica::workflow::receiving;
        let dir = tempfile::tempdir().unwrap();
        let (mut replica, session, db, (manifest, uid, weight_mg)) = demo_replica(dir.path());
        let platter = Platter::default();
        let follower =
            ScaleFollower::start(db.clone(), platter.clone(), std::sync::mpsc::channel().1, 9)
                .unwrap();
        let placed = || {
            let until = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                if let Some(load) = platter.lock().unwrap().take() {
                    return load;
                }
                assert!(
                    std::time::Instant::now() < until,
                    "nothing put on the scale"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        };
        replica
            .act(&session.badge, |v| {
                receiving::scan(v, &manifest, &scanned(&uid))
            })
            .unwrap();
        let load_mg = placed() * DIVISION_MG;
        // Within a generous band of the manifest weight: in or out of tolerance, never
        // something unrelated.
        assert!(
            (load_mg - weight_mg).abs() <= 500 * 12 + DIVISION_MG,
            "{load_mg} mg for a {weight_mg} mg case"
        );
        // The same case scanned again (a duplicate) is not a new load.
        let _ = replica.act(&session.badge, |v| {
            receiving::scan(v, &manifest, &scanned(&uid))
        });
        std::thread::sleep(FOLLOW_EVERY * 3);
        assert_eq!(*platter.lock().unwrap(), None);
        drop(follower);
    }

    /// 5 Count: the app tells the follower the tag of the package it waits to weigh; a
    /// package counted by weight goes on the scale near its weight on record (never on it),
    /// each time it is scanned; one counted in units puts nothing on.
    #[test]
    fn a_package_counted_by_weight_goes_on_the_scale_when_the_app_waits_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let (replica, _, db, _) = demo_replica(dir.path());
        let pick = |unit: &str| -> (String, i64) {
            replica
                .view()
                .query_row(
                    "SELECT uid, quantity FROM packages WHERE unit = ?1 ORDER BY uid LIMIT 1",
                    [unit],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap()
        };
        let (weighed, recorded_mg) = pick("mg");
        let (in_units, _) = pick("each");
        let platter = Platter::default();
        let (weighing, to_weigh) = std::sync::mpsc::channel();
        let follower = ScaleFollower::start(db, platter.clone(), to_weigh, 11).unwrap();
        let placed = || {
            let until = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                if let Some(load) = platter.lock().unwrap().take() {
                    return load;
                }
                assert!(
                    std::time::Instant::now() < until,
                    "nothing put on the scale"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        };
        // The demo's receipts are followed too: whatever the latest arrival put on goes.
        std::thread::sleep(FOLLOW_EVERY * 3);
        platter.lock().unwrap().take();
        for _ in 0..3 {
            weighing.send(weighed.clone()).unwrap();
            let load_mg = placed() * DIVISION_MG;
            let off = (load_mg - recorded_mg).abs();
            assert!(
                (2 * DIVISION_MG - DIVISION_MG / 2..=200 * 12 + DIVISION_MG).contains(&off),
                "{load_mg} mg for a package of {recorded_mg} mg"
            );
        }
        weighing.send(in_units).unwrap();
        std::thread::sleep(FOLLOW_EVERY * 3);
        assert_eq!(*platter.lock().unwrap(), None);
        drop(follower);
    }
}
