//! 9 Supervisor on a real demo replica: what waits (a count in review, a locked badge), a
//! count's lines with expected and counted quantities, an adjustment approved with a reason
//! code after the question an irreversible step asks, the count closed, a badge unlocked;
//! refusals in the user's words; snapshots at 40 × 20 and 80 × 24, English and Spanish.

mod common;

use common::App;
use tally_app::event::{Key, Tone};
use tally_app::screens::supervisor::{Stage, Supervisor};
use tally_app::state::Screen;
use tally_events::payload::{PackageRegistered, PackageStatus};
use tally_events::{Payload, Quantity};
use tally_floor::Floor;
use tally_replica::Refusal;
use tally_replica::ReplicaError;
use tally_testkit::another_device;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];
const TASK: &str = "CT-0001";

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

fn stage(app: &App) -> Stage {
    match app.state.screen() {
        Screen::Supervisor(Supervisor { stage, .. }) => stage.clone(),
        other => panic!("not on 9 Supervisor: {other:?}"),
    }
}

/// A demo replica with CT-0001 counted (nothing found, by three counters, so every package
/// is a variance) and now in review, and badge B1002 locked out.
fn review_app() -> App {
    let mut app = App::demo(30);
    let batch = app.batch_of("CN-BDR-1");
    let registered = ["1A4FF0100000099000000011", "1A4FF0100000099000000012"]
        .iter()
        .zip([12u64, 30])
        .map(|(uid, units)| {
            Payload::PackageRegistered(PackageRegistered {
                uid: (*uid).into(),
                item_id: "CN-BDR-1".into(),
                batch_id: batch.clone(),
                quantity: Quantity::Units(units),
                location_id: "VAULT-A-S01".into(),
                status: PackageStatus::Active,
            })
        })
        .collect();
    app.replica.record("ADMIN", registered).unwrap();
    let floor = Floor::new(tally_app::worker::today(&app.replica));
    for (badge, pin) in [("B1001", "1111"), ("B1002", "2222"), ("B1003", "3333")] {
        let status: String = app
            .view
            .query_row(
                "SELECT status FROM count_tasks WHERE id = ?1",
                [TASK],
                |r| r.get(0),
            )
            .unwrap();
        if status == "review" {
            break;
        }
        let (who, _) = app.replica.sign_in(badge, pin).unwrap();
        floor.start_count(&mut app.replica, &who, TASK).unwrap();
        floor.submit_count(&mut app.replica, &who, TASK).unwrap();
    }
    for _ in 0..5 {
        let _ = app.replica.sign_in("B1002", "0000");
    }
    app
}

#[test]
fn an_operator_is_not_offered_the_supervisor_s_screen() {
    let mut app = review_app();
    app.sign_in("B1001", "1111");
    app.type_line("9");
    assert!(matches!(app.state.screen(), Screen::Home { .. }));
    assert_eq!(app.signals.last(), Some(&Tone::Error));
}

#[test]
fn a_supervisor_approves_each_variance_with_a_reason_closes_the_count_and_unlocks_a_badge() {
    let mut app = review_app();
    app.sign_in("B2001", "4444");
    app.type_line("9");
    shots(&app, "supervisor_work");
    // The count in review is the first row.
    app.type_line("1");
    let lines = match stage(&app) {
        Stage::Review { lines, .. } => {
            // The lines, then the row that closes the count.
            let mut rows = lines.rows.expect("read");
            rows.pop();
            rows
        }
        other => panic!("{other:?}"),
    };
    assert!(
        !lines.is_empty(),
        "a count with nothing found has variances"
    );
    shots(&app, "supervisor_review");
    // Closing with variances open: the question, then the core's refusal.
    app.type_line(&(lines.len() + 1).to_string());
    shots(&app, "supervisor_confirm_close");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "supervisor_close_refused");
    // An unknown reason code is refused; nothing is recorded.
    app.type_line("1");
    shots(&app, "supervisor_reason");
    app.type_line("BECAUSE");
    shots(&app, "supervisor_confirm_approve");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    // Esc on the question approves nothing.
    app.type_line("1");
    app.type_line("ENTRY-ERROR");
    app.press(Key::Esc);
    let approved: i64 = app
        .view
        .query_row("SELECT count(*) FROM adjustments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(approved, 0);
    // Each line approved in turn.
    for row in 1..=lines.len() {
        app.type_line(&row.to_string());
        app.type_line("ENTRY-ERROR");
        app.press(Key::Enter);
        assert_eq!(
            app.signals.last(),
            Some(&Tone::Success),
            "{}",
            app.state.status.text
        );
    }
    // An approved line stays listed; approving it again is the core's refusal.
    app.type_line("1");
    app.type_line("ENTRY-ERROR");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "supervisor_already_adjusted");
    let approved: i64 = app
        .view
        .query_row(
            "SELECT count(*) FROM adjustments WHERE task_id = ?1",
            [TASK],
            |r| r.get(0),
        )
        .unwrap();
    assert!(approved >= 1);
    shots(&app, "supervisor_approved");
    app.press(Key::F(2));
    shots(&app, "supervisor_approved_spanish");
    app.press(Key::F(2));
    // Every variance adjusted: the count closes (after its question) and leaves the list.
    app.type_line(&(lines.len() + 1).to_string());
    app.press(Key::Enter);
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    let status: String = app
        .view
        .query_row(
            "SELECT status FROM count_tasks WHERE id = ?1",
            [TASK],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "closed");
    // Back on what waits: unlock B1002 after the question.
    let unlock_row = match stage(&app) {
        Stage::Work { list, .. } => {
            tally_app::screens::supervisor::row_number_of_unlock(&list, "B1002")
        }
        other => panic!("{other:?}"),
    };
    app.type_line(&unlock_row.expect("B1002 is listed").to_string());
    shots(&app, "supervisor_confirm_unlock");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    match app.replica.sign_in("B1002", "2222") {
        Ok((who, _)) => assert_eq!(who.badge, "B1002"),
        Err(ReplicaError::Refused(Refusal::BadgeLockedOut { .. })) => panic!("still locked"),
        Err(other) => panic!("{other}"),
    }
}

fn count(app: &App, sql: &str) -> i64 {
    app.view.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_supervisor_opens_a_conflict_sees_both_sides_and_settles_it_after_the_question() {
    use tally_app::screens::supervisor::{Field, Row};
    use tally_events::payload::PackageMoved;

    let mut app = App::demo(30);
    let (uid, from): (String, String) = app
        .view
        .query_row(
            "SELECT uid, location_id FROM packages WHERE status = 'active'
             AND location_id LIKE 'VAULT-A-S%' ORDER BY uid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // This device moves the package; another device had moved it elsewhere, in the ledger's
    // order before this device's move: a conflict.
    app.sign_in("B2001", "4444");
    app.type_line("2");
    app.wedge_scan(&uid);
    app.wedge_scan("VAULT-B-S01");
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    app.press(Key::Esc);
    let remote = another_device(
        tally_replica::seed::FACILITY,
        vec![Payload::PackageMoved(PackageMoved {
            uid: uid.clone(),
            from_location: from,
            to_location: "VAULT-C-S01".into(),
        })],
    );
    app.replica.apply_deltas(&remote).unwrap();
    assert_eq!(count(&app, "SELECT count(*) FROM conflicts"), 1);

    app.type_line("9");
    let row = match stage(&app) {
        Stage::Work { list, .. } => {
            list.rows
                .unwrap()
                .iter()
                .position(|r| *r == Row::Conflict(uid.clone()))
                .expect("the conflict is listed")
                + 1
        }
        other => panic!("{other:?}"),
    };
    app.type_line(&row.to_string());
    shots(&app, "supervisor_conflict_sides");
    let screen = app.screen(80, 24);
    assert!(screen.contains("This device: #"), "{screen}");
    assert!(screen.contains("Ledger: #2 package_moved"), "{screen}");
    // Quantity as recorded, where it is found, status as recorded, then a reason.
    app.press(Key::Enter);
    app.wedge_scan("VAULT-C-S01");
    shots(&app, "supervisor_conflict_status");
    app.press(Key::Enter);
    app.type_line("BECAUSE");
    shots(&app, "supervisor_conflict_confirm");
    let before = count(&app, "SELECT count(*) FROM event_log");
    // Esc on the question settles nothing.
    app.press(Key::Esc);
    assert_eq!(count(&app, "SELECT count(*) FROM event_log"), before);
    // An unknown reason code: the core's refusal, shown; the form stays at the reason.
    app.type_line("BECAUSE");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    shots(&app, "supervisor_conflict_refused");
    assert!(matches!(
        stage(&app),
        Stage::Conflict { ref form, .. } if form.field == Field::Reason
    ));
    assert_eq!(count(&app, "SELECT count(*) FROM event_log"), before);
    app.type_line("ENTRY-ERROR");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Success));
    assert!(matches!(stage(&app), Stage::Work { .. }));
    assert_eq!(count(&app, "SELECT count(*) FROM conflicts"), 0);
    assert_eq!(
        count(&app, "SELECT count(*) FROM event_log WHERE kind = 278"),
        1,
        "one conflict_settled event"
    );
    let (at, status): (String, String) = app
        .view
        .query_row(
            "SELECT location_id, status FROM packages WHERE uid = ?1",
            [&uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((at.as_str(), status.as_str()), ("VAULT-C-S01", "active"));
}
