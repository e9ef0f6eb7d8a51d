//! 7 Quarantine / release on a real demo replica, through the floor layer: an operator
//! quarantines a package with a reason (it goes to the cage); release is shown dimmed for an
//! operator with why and refused; a supervisor releases it; a scan during the reason question
//! is held. At 40×20 and 80×24, in English and Spanish.

mod common;

use common::App;
use tally_app::event::{Key, Tone};
use tally_app::state::Screen;

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];

fn shots(app: &App, name: &str) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            app.screen(width, height)
        );
    }
}

fn key(app: &mut App, c: char) {
    app.type_text(&c.to_string());
    app.wait(100);
}

fn status(app: &App, uid: &str) -> (String, Option<String>) {
    app.view
        .query_row(
            "SELECT status, location_id FROM packages WHERE uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn reason_number(app: &App, code: &str) -> String {
    let n: i64 = app
        .view
        .query_row(
            "SELECT count(*) FROM reason_codes WHERE code <= ?1",
            [code],
            |r| r.get(0),
        )
        .unwrap();
    n.to_string()
}

#[test]
fn an_operator_quarantines_and_a_supervisor_releases() {
    let mut app = App::demo(30);
    let uid: String = app
        .view
        .query_row(
            "SELECT p.uid FROM packages p JOIN batches b ON b.id = p.batch_id
             WHERE p.status = 'active' AND b.coa_status = 'passed' AND p.location_id LIKE 'VAULT-%'
             ORDER BY p.uid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    app.sign_in("B1001", "1111");
    app.type_line("7");
    assert!(matches!(app.state.screen(), Screen::Quarantine(_)));
    shots(&app, "quarantine_prompt");
    app.wedge_scan(&uid);
    key(&mut app, 'l');
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Error),
        "release is for supervisors"
    );
    shots(&app, "quarantine_release_refused");
    key(&mut app, 'q');
    // A scan during the reason question is held, not taken as the answer.
    app.wedge_scan("1A4FF0100000000000000099");
    assert_eq!(app.state.held_scans.len(), 1);
    shots(&app, "quarantine_reason");
    app.type_line(&reason_number(&app, "DAMAGE"));
    assert_eq!(
        status(&app, &uid),
        ("quarantined".into(), Some("QC-01".into()))
    );
    // The held scan was handled after the answer: it is the package now.
    assert!(app.state.held_scans.is_empty());
    app.wedge_scan(&uid);
    shots(&app, "quarantine_done");
    app.press(Key::Esc);
    app.press(Key::Esc);
    app.press(Key::Enter);
    app.sign_in("B2001", "4444");
    app.press(Key::F(2));
    app.type_line("7");
    app.wedge_scan(&uid);
    key(&mut app, 'l');
    app.type_line(&reason_number(&app, "ENTRY-ERROR"));
    assert_eq!(
        app.signals.last(),
        Some(&Tone::Success),
        "{}",
        app.state.status.text
    );
    assert_eq!(status(&app, &uid).0, "active");
    shots(&app, "quarantine_released_es");
}
