//! 5 Count on a real demo replica: the task list, a blind round (scans, units typed, a weighed
//! package refused units, duplicates, a tag that is no package), the submit question and the
//! recount list; snapshots at 40 × 20 and 80 × 24, English and Spanish.
//!
//! Weighed packages are counted from the scale: a settled load records the count line of the
//! weighed package waiting (through the app's device wiring from a PTY scale simulator too),
//! the screen shows what the scale reads, and motion, an overload or an unplugged scale
//! record nothing.
//!
//! And the promise of a blind count, tried as an attacker would: every frame drawn during the
//! count and every refusal, at both sizes and in both languages, is searched for the expected
//! quantities and weights of the packages in the counted locations (as the app prints
//! quantities, as bare numbers, as grams with and without their trailing zeros, as
//! milligrams); one found fails the test.

mod common;

use common::{draw, App};
use tally_app::event::{Key, Tone};
use tally_app::screens::count::{Count, Stage};
use tally_app::state::Screen;
use tally_app::text::Language;
use tally_drivers::sim::scale::loads;
use tally_events::payload::{PackageRegistered, PackageStatus};
use tally_events::{Payload, Quantity};

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];
const TASK: &str = "CT-0001";
const LOCATION: &str = "VAULT-A-S01";
/// Two packages the test adds to the counted location, with quantities no frame has a
/// reason to print: 7,351 badder jars and 5,437.21 g of rosin.
const UNITS_UID: &str = "1A4FF0100000099000000001";
const WEIGHED_UID: &str = "1A4FF0100000099000000002";

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

/// A demo replica with the two packages added at the counted location, signed in as `badge`.
fn counting_app(badge: &str, pin: &str) -> App {
    let mut app = App::demo(30);
    let batch = |item: &str| -> String {
        app.view
            .query_row(
                "SELECT id FROM batches WHERE item_id = ?1 ORDER BY id LIMIT 1",
                [item],
                |r| r.get(0),
            )
            .unwrap()
    };
    let (units_batch, weighed_batch) = (batch("CN-BDR-1"), batch("CN-RSN-BULK"));
    app.replica
        .record(
            "ADMIN",
            vec![
                Payload::PackageRegistered(PackageRegistered {
                    uid: UNITS_UID.into(),
                    item_id: "CN-BDR-1".into(),
                    batch_id: units_batch,
                    quantity: Quantity::Units(7_351),
                    location_id: LOCATION.into(),
                    status: PackageStatus::Active,
                }),
                Payload::PackageRegistered(PackageRegistered {
                    uid: WEIGHED_UID.into(),
                    item_id: "CN-RSN-BULK".into(),
                    batch_id: weighed_batch,
                    quantity: Quantity::Milligrams(5_437_210),
                    location_id: LOCATION.into(),
                    status: PackageStatus::Active,
                }),
            ],
        )
        .unwrap();
    app.sign_in(badge, pin);
    app.with_scale()
}

fn count_stage(app: &App) -> Stage {
    match app.state.screen() {
        Screen::Count(Count { stage, .. }) => stage.clone(),
        other => panic!("not on 5 Count: {other:?}"),
    }
}

#[test]
fn the_task_list_opens_by_number_and_a_round_starts_there() {
    let mut app = counting_app("B1003", "3333");
    app.type_line("5");
    shots(&app, "count_tasks");
    // A number not on the list is refused in the user's words.
    app.type_line("9");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "count_no_such_task");
    app.type_line("1");
    match count_stage(&app) {
        Stage::Counting {
            task,
            round,
            location,
            ..
        } => assert_eq!(
            (task.as_str(), round, location.as_str()),
            (TASK, 1, LOCATION)
        ),
        other => panic!("{other:?}"),
    }
    shots(&app, "count_round_started");
    app.press(Key::F(1));
    shots(&app, "count_help");
}

#[test]
fn scanning_the_task_s_barcode_opens_it_and_esc_goes_home() {
    let mut app = counting_app("B1003", "3333");
    app.type_line("5");
    app.wedge_scan("CT-0003");
    assert!(matches!(count_stage(&app), Stage::Counting { task, .. } if task == "CT-0003"));
    app.press(Key::Esc);
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
}

/// Every frame of the app at both sizes and in both languages.
fn frames_of(app: &App, frames: &mut Vec<String>) {
    for language in [Language::English, Language::Spanish] {
        let mut state = app.state.clone();
        state.language = language;
        for (width, height) in SIZES {
            frames.push(draw(&state, width, height));
        }
    }
}

/// The ways a quantity could be printed.
fn spellings(quantity: i64, unit: &str) -> Vec<String> {
    let mut out = Vec::new();
    if unit == "mg" {
        let grams = format!("{}.{:03}", quantity / 1000, quantity % 1000);
        out.push(grams.clone());
        out.push(grams.trim_end_matches('0').trim_end_matches('.').to_owned());
        out.push(format!("{}", quantity / 1000));
        out.push(quantity.to_string());
    } else {
        out.push(quantity.to_string());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The first expected quantity or weight `text` shows, as spelled there.
fn leak(text: &str, hidden: &[(String, i64, String)], every_uid: &[String]) -> Option<String> {
    // Tags are long digit strings: take them out before looking for numbers.
    let mut scrubbed = text.to_owned();
    for uid in every_uid {
        scrubbed = scrubbed.replace(uid.as_str(), "<TAG>");
    }
    let tokens: Vec<String> = scrubbed
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map(|t| t.trim_matches(|c| c == '.' || c == ',').replace(',', ""))
        .filter(|t| !t.is_empty())
        .collect();
    for (_, quantity, unit) in hidden {
        for spelled in spellings(*quantity, unit) {
            // Small numbers (1, 2, …) are list rows and rounds everywhere: only numbers of
            // three digits or more can be told apart from them.
            if spelled.replace('.', "").len() < 3 {
                continue;
            }
            let decimal_comma = spelled.replace('.', "");
            if tokens.iter().any(|t| *t == spelled || *t == decimal_comma) {
                return Some(spelled);
            }
        }
    }
    None
}

#[test]
fn no_frame_or_refusal_of_a_blind_count_shows_an_expected_quantity_or_weight() {
    let mut app = counting_app("B1003", "3333");
    // The hidden values: what every package in the counted locations holds on record.
    let hidden: Vec<(String, i64, String)> = {
        let mut stmt = app
            .view
            .prepare(
                "SELECT p.uid, p.quantity, p.unit FROM packages p
                 JOIN count_task_locations l ON l.location_id = p.location_id AND l.task_id = ?1
                 UNION ALL
                 SELECT p.uid, p.measured_mg, 'mg' FROM packages p
                 JOIN count_task_locations l ON l.location_id = p.location_id AND l.task_id = ?1
                 WHERE p.measured_mg IS NOT NULL",
            )
            .unwrap();
        stmt.query_map([TASK], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(hidden
        .iter()
        .any(|(uid, q, _)| uid == UNITS_UID && *q == 7_351));
    let every_uid: Vec<String> = {
        let mut stmt = app.view.prepare("SELECT uid FROM packages").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut frames = Vec::new();
    let mut refusals = Vec::new();
    let mut step = |app: &mut App, act: &dyn Fn(&mut App)| {
        let signals = app.signals.len();
        act(app);
        frames_of(app, &mut frames);
        if app.signals[signals..].contains(&Tone::Error) {
            refusals.push(app.state.status.text.clone());
        }
    };
    step(&mut app, &|app| app.type_line("5"));
    step(&mut app, &|app| app.type_line("1"));
    // The package counted in units: scanned, a wrong number of units typed.
    step(&mut app, &|app| app.wedge_scan(UNITS_UID));
    step(&mut app, &|app| app.type_line("7000"));
    // Scanned again: a duplicate.
    step(&mut app, &|app| app.wedge_scan(UNITS_UID));
    // The weighed package: units typed for it are refused (it goes on the scale).
    step(&mut app, &|app| app.wedge_scan(WEIGHED_UID));
    step(&mut app, &|app| app.type_line("5"));
    // The screen waits to weigh it: the demo's scale is told its tag, and puts on what a real
    // package of that record weighs (`loads::count_weight`, the noise of goods on a shelf):
    // a reading near the record, never the record. Every one of those readings is drawn.
    assert_eq!(
        tally_app::screens::waiting_to_weigh(&app.state).as_deref(),
        Some(WEIGHED_UID)
    );
    let mut rng = tally_drivers::sim::Rng::new(3);
    for _ in 0..60 {
        let load = loads::count_weight(5_437_210, 200, 10, &mut rng);
        step(&mut app, &|app| app.scale_reads(load, false));
    }
    // On the scale: motion, an overload, a pulled cable, then a stable weight that records
    // its count line (what the scale reads is shown; 5,388.42 g is not what is on record).
    step(&mut app, &|app| app.scale_reads(5_391_070, false));
    step(&mut app, &|app| app.scale_out_of_range(true));
    step(&mut app, &|app| app.scale_connected(false));
    step(&mut app, &|app| app.scale_connected(true));
    step(&mut app, &|app| app.scale_reads(5_388_420, true));
    assert!(
        matches!(
            count_stage(&app),
            Stage::Counting {
                package: None,
                entered: 2,
                ..
            }
        ),
        "{:?}",
        count_stage(&app)
    );
    // A load with nothing waiting for it, and one for a package counted in units.
    step(&mut app, &|app| app.scale_reads(0, true));
    step(&mut app, &|app| app.scale_reads(1_250_000, true));
    step(&mut app, &|app| app.scale_reads(0, true));
    // Something that is no package tag, typed by hand.
    step(&mut app, &|app| app.type_line("NOT-A-TAG"));
    // Every tag on record, for the recount's RFID sweep below.
    let tags: Vec<String> = every_uid
        .iter()
        .filter(|u| u.len() == 24 && u.chars().all(|c| c.is_ascii_hexdigit()))
        .cloned()
        .collect();
    assert!(tags.contains(&UNITS_UID.to_owned()) && tags.contains(&WEIGHED_UID.to_owned()));
    // Every other package on record, wherever it is, scanned here and given a unit.
    for uid in every_uid
        .iter()
        .filter(|u| *u != UNITS_UID && *u != WEIGHED_UID)
    {
        step(&mut app, &|app| app.wedge_scan(uid));
        step(&mut app, &|app| app.type_line("1"));
        if matches!(
            count_stage(&app),
            Stage::Counting {
                package: Some(_),
                ..
            }
        ) {
            // A weighed package refused its units: put down.
            step(&mut app, &|app| app.press(Key::Esc));
        }
    }
    // The other location of the task, then submit (with its question) and the recount list.
    step(&mut app, &|app| app.wedge_scan("VAULT-A-S02"));
    step(&mut app, &|app| app.press(Key::Enter));
    step(&mut app, &|app| app.press(Key::Enter));
    assert!(
        matches!(count_stage(&app), Stage::Submitted { ref recount, .. } if !recount.is_empty()),
        "{:?}",
        count_stage(&app)
    );
    // The counter tries the lookup of a counted package too.
    step(&mut app, &|app| app.press(Key::Esc));
    step(&mut app, &|app| app.type_line("6"));
    step(&mut app, &|app| app.wedge_scan(UNITS_UID));
    step(&mut app, &|app| app.wedge_scan(WEIGHED_UID));
    // The recount (round 2), by another counter: signed out, B1002 signs in and counts it
    // with a sweep and a scan, typing units that are not the record's.
    for _ in 0..4 {
        if matches!(app.state.screen(), Screen::Home { .. }) {
            break;
        }
        step(&mut app, &|app| app.press(Key::Esc));
    }
    step(&mut app, &|app| app.press(Key::Esc));
    step(&mut app, &|app| app.press(Key::Enter));
    assert!(app.state.session.is_none());
    step(&mut app, &|app| app.sign_in("B1002", "2222"));
    step(&mut app, &|app| app.type_line("5"));
    step(&mut app, &|app| app.type_line("1"));
    assert!(
        matches!(count_stage(&app), Stage::Counting { round: 2, .. }),
        "the recount opened: {:?}",
        count_stage(&app)
    );
    // An RFID sweep: every tag on record read three times over, as a reader reports them
    // (packages here, elsewhere, counted in round 1 or not); then units for one found.
    for _ in 0..3 {
        for uid in &tags {
            step(&mut app, &|app| app.send(tag_read(epc_of(uid))));
        }
    }
    assert!(
        matches!(count_stage(&app), Stage::Counting { found, .. } if found > 0),
        "the sweep found packages: {:?}",
        count_stage(&app)
    );
    step(&mut app, &|app| app.wedge_scan(UNITS_UID));
    step(&mut app, &|app| app.type_line("7000"));
    step(&mut app, &|app| app.wedge_scan(UNITS_UID));
    step(&mut app, &|app| app.press(Key::Enter));
    step(&mut app, &|app| app.press(Key::Enter));
    assert!(refusals.len() >= 3, "{refusals:?}");

    let mut texts: Vec<String> = frames;
    texts.extend(refusals);
    // The detector finds a leak when there is one (so its silence below means something).
    for planted in [
        "Found 2 of 7351 u",
        "esperado 5437.21 g",
        "5,437.210",
        "5437210 mg",
    ] {
        assert!(
            leak(planted, &hidden, &every_uid).is_some(),
            "the detector misses {planted}"
        );
    }
    for text in &texts {
        if let Some(spelled) = leak(text, &hidden, &every_uid) {
            panic!("a blind count showed an expected quantity ({spelled}):\n{text}");
        }
    }
    // (The demo scale's readings of the rosin are near 5,437.21 g, as a real scale's are.)
    assert!(
        texts.iter().all(|t| !t.contains("7351")
            && !t.contains("7,351")
            && !t.contains("5437.21")
            && !t.contains("5,437.21")),
        "the test's own hidden values leaked"
    );
}

const COUNT_LINE_RECORDED: &str = "count_line_recorded";

/// Count lines recorded in the replica (as its log says).
fn count_lines(app: &App) -> usize {
    let mut stmt = app.view.prepare("SELECT kind FROM event_log").unwrap();
    stmt.query_map([], |r| r.get::<_, u16>(0))
        .unwrap()
        .filter(|k| {
            tally_events::payload::kind_name(*k.as_ref().unwrap()).as_deref()
                == Some(COUNT_LINE_RECORDED)
        })
        .count()
}

#[test]
fn a_weighed_package_is_counted_from_the_scale_and_the_screen_shows_what_it_reads() {
    let mut app = counting_app("B1003", "3333");
    app.type_line("5");
    app.type_line("1");
    // A load before any package is scanned: said, nothing recorded.
    app.scale_reads(2_000_000, true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    app.scale_reads(0, true);
    let lines = count_lines(&app);
    app.wedge_scan(WEIGHED_UID);
    assert!(matches!(
        count_stage(&app),
        Stage::Counting { weighed: true, .. }
    ));
    shots(&app, "count_weigh_it");
    app.scale_reads(5_391_070, false);
    shots(&app, "count_scale_moving");
    app.scale_out_of_range(true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "count_scale_overload");
    app.scale_connected(false);
    app.press(Key::F(2));
    shots(&app, "count_scale_unplugged_spanish");
    app.press(Key::F(2));
    app.scale_connected(true);
    assert_eq!(
        count_lines(&app),
        lines,
        "nothing recorded while the scale could not weigh"
    );
    assert!(matches!(
        count_stage(&app),
        Stage::Counting { package: Some(ref p), weighed: true, .. } if p == WEIGHED_UID
    ));
    app.scale_reads(5_388_420, true);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    assert_eq!(count_lines(&app), lines + 1);
    assert!(matches!(
        count_stage(&app),
        Stage::Counting {
            package: None,
            weighed: false,
            found: 1,
            entered: 1,
            ..
        }
    ));
    shots(&app, "count_weighed");
    // A package counted in units waits for its units: a weight is not taken for it.
    app.wedge_scan(UNITS_UID);
    app.scale_reads(0, true);
    app.scale_reads(812_000, true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(app.state.status.text.contains("counted in units"));
    assert_eq!(count_lines(&app), lines + 1);
    app.type_line("7000");
    assert_eq!(count_lines(&app), lines + 2);
}

/// The read of the counter's own lines (refreshing "Found · with quantity") holds up no
/// scan: a package scanned before it is answered is counted, not refused with "Wait".
#[test]
fn a_scan_right_after_the_round_starts_is_taken() {
    use tally_app::event::{Effect, Event};
    use tally_app::state::update;
    let mut app = counting_app("B1003", "3333");
    app.type_line("5");
    // The person types 1 and Enter; the worker's answer comes in, the lines read does not.
    app.type_text("1");
    app.now_ms += common::PERSON_GAP_MS;
    let at_ms = app.now_ms;
    let effects = update(
        &mut app.state,
        Event::Key {
            key: Key::Enter,
            at_ms,
        },
    );
    let (id, request) = effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Write { id, request } => Some((id, request)),
            _ => None,
        })
        .expect("the round's start");
    let reply = tally_app::worker::perform(&mut app.replica, request);
    let effects = update(&mut app.state, Event::Written { id, reply });
    assert!(effects.iter().any(|e| matches!(e, Effect::Read { .. })));
    // The scanner fires at once.
    let mut writes = 0;
    app.now_ms += 500;
    for key in UNITS_UID.chars().map(Key::Char).chain([Key::Enter]) {
        app.now_ms += common::SCANNER_GAP_MS;
        let at_ms = app.now_ms;
        let effects = update(&mut app.state, Event::Key { key, at_ms });
        writes += effects
            .iter()
            .filter(|e| matches!(e, Effect::Write { .. }))
            .count();
        assert!(
            !effects.contains(&Effect::Signal(Tone::Error)),
            "{effects:?}"
        );
    }
    assert_eq!(writes, 1, "the scan went to the worker");
}

/// A weighed package put on the scale before its scan: the load is said and not taken; after
/// the scan, `w` takes the stable weight on the scale. With nothing stable, `w` says so.
#[test]
fn w_takes_the_stable_weight_for_the_weighed_package_waiting() {
    let mut app = counting_app("B1003", "3333");
    app.type_line("5");
    app.type_line("1");
    let lines = count_lines(&app);
    app.scale_reads(5_401_330, true);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    app.wedge_scan(WEIGHED_UID);
    assert_eq!(count_lines(&app), lines);
    app.type_text("w");
    app.wait(100);
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    assert_eq!(count_lines(&app), lines + 1);
    assert!(app.state.status.text.contains("5401.330 g"));
    // The load moves off: nothing stable for `w`, nothing recorded.
    app.wedge_scan(UNITS_UID);
    app.scale_reads(12_000, false);
    app.type_text("w");
    app.wait(100);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(count_lines(&app), lines + 1);
}

/// Through the app's device wiring: the drivers' MT-SICS scale simulator on a PTY, opened by
/// `DeviceLink` with the demo's scale id; the weighed package scanned and put on the scale is
/// counted once the balance settles.
#[test]
fn a_package_on_the_pty_scale_is_counted_through_the_device_wiring() {
    use tally_app::config::DeviceConfig;
    use tally_app::devices::{scale_setups, DeviceLink};
    use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scale");
    let mut config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
    config.base_divisions = 0;
    config.capacity_divisions = 620_000;
    let sim = ScaleSimulator::start(&path, config).unwrap();
    let devices = [DeviceConfig {
        kind: "scale".into(),
        path: path.clone(),
        profile: ScaleProtocol::MtSics.profile_id().into(),
        scale_id: Some("SCALE-01".into()),
    }];
    let (events, inbox) = std::sync::mpsc::channel();
    let link = DeviceLink::start(&devices, events).unwrap().unwrap();
    let mut app = counting_app("B1003", "3333");
    let profiles = tally_drivers::profile::ProfileSet::embedded().unwrap();
    app.state.settings.scales = scale_setups(&devices, &profiles).unwrap();
    app.type_line("5");
    app.type_line("1");
    app.pump(&inbox, "the empty scale", |app| {
        app.state.devices.weight == Some((0, true))
    });
    let lines = count_lines(&app);
    app.wedge_scan(WEIGHED_UID);
    sim.place_load(538_842);
    let mut moved = false;
    app.pump(&inbox, "the package counted", |app| {
        moved |= matches!(app.state.devices.weight, Some((_, false)));
        matches!(count_stage(app), Stage::Counting { entered: 1, .. })
    });
    assert!(moved, "the balance settles before a stable weight");
    assert_eq!(count_lines(&app), lines + 1);
    assert!(
        app.state.status.text.contains("5388.420 g"),
        "{}",
        app.state.status.text
    );
    link.stop();
    sim.stop();
}

#[test]
fn a_round_is_counted_submitted_and_the_recount_is_listed_in_spanish_too() {
    let mut app = counting_app("B1003", "3333");
    app.type_line("5");
    app.type_line("1");
    app.wedge_scan(UNITS_UID);
    shots(&app, "count_type_units");
    app.type_line("7000");
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    assert!(matches!(
        count_stage(&app),
        Stage::Counting {
            found: 1,
            entered: 1,
            package: None,
            ..
        }
    ));
    shots(&app, "count_counted");
    app.wedge_scan(WEIGHED_UID);
    app.type_line("5");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "count_weigh_it_refused");
    app.press(Key::Esc);
    // Enter on an empty line asks first; a scan meanwhile is held, not taken as the answer.
    app.press(Key::Enter);
    shots(&app, "count_confirm_submit");
    app.press(Key::Esc);
    assert!(matches!(
        count_stage(&app),
        Stage::Counting { confirm_submit, .. } if !confirm_submit.asking()
    ));
    app.press(Key::Enter);
    app.press(Key::Enter);
    let recount = match count_stage(&app) {
        Stage::Submitted { recount, .. } => recount.rows.unwrap_or_default(),
        other => panic!("{other:?}"),
    };
    assert!(recount.contains(&UNITS_UID.to_owned()), "{recount:?}");
    shots(&app, "count_submitted");
    app.press(Key::F(2));
    shots(&app, "count_submitted_spanish");
    // The list says which round the task is in: its recount, by another counter at this
    // facility (never "round 1", never how much).
    app.press(Key::Enter);
    for (width, height) in SIZES {
        let shown = draw(&app.state, width, height);
        assert!(
            common::shows_whole(&shown, "recuento, vuelta 2, por otro contador"),
            "{shown}"
        );
    }
    shots(&app, "count_tasks_recount_spanish");
    app.press(Key::F(2));
    let shown = draw(&app.state, 80, 24);
    let row = shown
        .lines()
        .find(|line| line.contains(TASK))
        .unwrap_or_default();
    assert!(
        row.ends_with("recount, round 2, by another counter"),
        "{shown}"
    );
    app.press(Key::F(2));
    // The recount is by another counter at this facility: B1003 is refused it.
    app.type_line("1");
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "count_recount_by_another_spanish");
}

/// An RFID reader's tag read on the counting screen, as the device wiring hands it on.
fn tag_read(epc: Vec<u8>) -> tally_app::event::Event {
    tally_app::event::Event::Device(tally_app::event::DeviceEvent::Floor(
        tally_floor::DeviceInput {
            device: "rfid".into(),
            event: tally_drivers::event::DeviceEvent::TagRead {
                epc,
                rssi: Some(-50),
                antenna: Some(1),
            },
        },
    ))
}

/// A Metrc tag's EPC bank: its 24 hexadecimal digits as 12 bytes.
fn epc_of(uid: &str) -> Vec<u8> {
    (0..uid.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&uid[i..i + 2], 16).unwrap())
        .collect()
}

/// Tag reads on the counting screen are a sweep: every package at the location is found once
/// however often the reader reports it, a tag that is no package is found as nothing, and the
/// screen says how many were found, never what is expected. The counter's lines in the replica
/// hold exactly those packages, without quantities; the round submits after them.
#[test]
fn an_rfid_sweep_on_the_counting_screen_finds_each_package_once() {
    let mut app = counting_app("B1003", "3333");
    app.type_line("5");
    app.type_line("1");
    let uids: Vec<String> = app
        .view
        .prepare("SELECT uid FROM packages WHERE location_id = ?1 ORDER BY uid")
        .unwrap()
        .query_map([LOCATION], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(uids.len() >= 2, "{uids:?}");
    for _ in 0..3 {
        for uid in &uids {
            app.send(tag_read(epc_of(uid)));
        }
    }
    app.send(tag_read(vec![
        0x30, 0x74, 0x25, 0x7B, 0xF7, 0x19, 0x4E, 0x40,
    ]));
    assert!(matches!(
        count_stage(&app),
        Stage::Counting { found, entered: 0, .. } if found == uids.len()
    ));
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    for (width, height) in SIZES {
        let screen = app.screen(width, height);
        assert!(
            screen.contains(&format!("Found {} ", uids.len())),
            "{screen}"
        );
    }
    let who = tally_replica::workflow::Session {
        badge: "B1003".into(),
        role: tally_events::payload::Role::Operator,
    };
    let cv = tally_replica::workflow::count::CountingView::open(&app.db()).unwrap();
    let lines = tally_floor::my_lines(&cv, &who, TASK).unwrap();
    let mut found: Vec<String> = lines.iter().map(|l| l.uid.clone()).collect();
    found.sort();
    assert_eq!(found, uids);
    assert!(lines.iter().all(|l| l.quantity.is_none()));
    // Submitting asks first; the round's found packages still wait for their quantities, so
    // the core refuses it and nothing moves on.
    app.press(Key::Enter);
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert!(matches!(count_stage(&app), Stage::Counting { found, .. } if found == uids.len()));
}
