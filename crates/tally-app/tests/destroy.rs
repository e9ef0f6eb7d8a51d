//! 8 Destroy on a real demo replica: the package, the scale's tag, its stable weight from the
//! scale, a reason and a method, a witness's badge and PIN on the same device (masked, never
//! the person destroying), the question, then one recorded action; refusals (the same person
//! as witness, a wrong PIN) record no destruction; snapshots at 40 × 20 and 80 × 24.

mod common;

use common::App;
use tally_app::event::{DeviceEvent, Event, Key, Tone};
use tally_app::screens::destroy::{Destroy, Step};
use tally_app::state::Screen;
use tally_events::payload::{PackageRegistered, PackageStatus};
use tally_events::{Payload, Quantity};

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

fn step(app: &App) -> Step {
    match app.state.screen() {
        Screen::Destroy(Destroy { step, .. }) => *step,
        other => panic!("not on 8 Destroy: {other:?}"),
    }
}

fn destructions(app: &App) -> i64 {
    app.view
        .query_row(
            "SELECT count(*) FROM packages WHERE status = 'destroyed'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_package_is_destroyed_before_a_witness_who_signs_in_on_the_same_device() {
    let mut app = App::demo(30);
    let batch: String = app
        .view
        .query_row(
            "SELECT id FROM batches WHERE item_id = 'CN-RSN-BULK' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (uid, mg) = ("1A4FF0100000099000000031".to_owned(), 12_340i64);
    app.replica
        .record(
            "ADMIN",
            vec![Payload::PackageRegistered(PackageRegistered {
                uid: uid.clone(),
                item_id: "CN-RSN-BULK".into(),
                batch_id: batch,
                quantity: Quantity::Milligrams(mg as u64),
                location_id: "VAULT-B-S01".into(),
                status: PackageStatus::Active,
            })],
        )
        .unwrap();
    app.sign_in("B1001", "1111");
    app.type_line("8");
    shots(&app, "destroy_scan_package");
    app.wedge_scan(&uid);
    app.wedge_scan("SCALE-01");
    assert_eq!(step(&app), Step::Weight);
    // Motion first: nothing taken; then the stable weight.
    app.send(Event::Device(DeviceEvent::Weight {
        milligrams: mg - 400,
        stable: false,
    }));
    assert_eq!(step(&app), Step::Weight);
    shots(&app, "destroy_weighing");
    app.send(Event::Device(DeviceEvent::Weight {
        milligrams: mg,
        stable: true,
    }));
    assert_eq!(step(&app), Step::Reason);
    app.type_line("DAMAGE");
    app.type_line("mixed 50/50 with cat litter, landfill");
    assert_eq!(step(&app), Step::WitnessBadge);
    shots(&app, "destroy_witness_badge");

    // The person destroying cannot witness.
    app.wedge_scan("B1001");
    app.type_text("1111");
    let screen = app.screen(40, 20);
    assert!(
        screen.contains("••••") && !screen.contains("1111"),
        "{screen}"
    );
    shots(&app, "destroy_witness_pin");
    app.press(Key::Enter);
    shots(&app, "destroy_confirm");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(destructions(&app), 0);
    assert_eq!(step(&app), Step::WitnessBadge);
    shots(&app, "destroy_witness_is_actor");

    // A wrong PIN: refused, nothing destroyed.
    app.wedge_scan("B2001");
    app.type_line("0000");
    app.press(Key::Enter);
    assert_eq!(app.signals.last(), Some(&Tone::Error));
    assert_eq!(destructions(&app), 0);

    // The supervisor witnesses.
    app.wedge_scan("B2001");
    app.type_line("4444");
    app.press(Key::Enter);
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    let status: String = app
        .view
        .query_row("SELECT status FROM packages WHERE uid = ?1", [&uid], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "destroyed");
    let witnessed: i64 = app
        .view
        .query_row(
            "SELECT count(*) FROM event_log WHERE actor = 'B1001' AND kind = 96",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(witnessed, 1);
    assert_eq!(step(&app), Step::Package);
    shots(&app, "destroy_done");
}
