//! `tally app` end to end: the real binary in a real terminal (tmux, driven with send-keys and
//! read with capture-pane) on a demo replica made by `tally demo seed`. A badge is scanned
//! (keyboard wedge: the whole barcode and Enter in one burst), the PIN is typed by a person,
//! Lookup is opened from home by its number and a package's UID is scanned; the screen shows
//! the package and its history. Ctrl-C signs out and quits; the replica then holds the
//! sign-in and the sign-out, and its exported log verifies.
//!
//! A second run receives a demo manifest: 1 Receive, the manifest by its number, every case
//! scanned but one (missing) and a case that is not on it (unexpected), which is quarantined
//! and rejected (the question confirmed), the rest accepted, the manifest closed with its
//! discrepancy list; the replica then holds it all and its exported log verifies.
//!
//! A whole shift on one handheld, with the drivers' MT-SICS scale simulator on a PTY configured
//! in the app's TOML (`--config`): the receiver receives a manifest (two cases weighed on the
//! scale, one missing, one unexpected quarantined and rejected) and picks a line (a later lot
//! refused, naming the package to take and where); a counter counts a task blind (one package
//! miscounted, a weighed one on the scale, 100 mg light); another counter recounts what the
//! first submission named; a supervisor approves the weighed package's adjustment with a reason
//! code and closes the count, then destroys a package weighed on the scale before a witness
//! who signs in on the same device. Then read-only SQL on the replica file checks what it
//! holds, and `tally log verify` passes on its `tally log export`. Wedge bursts typed into tmux
//! are scans; the test waits for each screen's text, never for a fixed time. The same shift
//! runs at 80 × 24 and at 40 × 20 (texts looked for as the narrow pane wraps them).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .output()
        .expect("run tally")
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A tmux server of its own (its own socket), so the test touches no other session.
struct Tmux {
    socket: PathBuf,
    /// The screen is narrow: texts are looked for as the pane wraps them (line breaks and
    /// spaces ignored on both sides).
    wrapped: bool,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is needed for this test: apt-get install -y tmux (.ci/run installs it)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// A person typing: one key at a time, well apart.
    fn type_slowly(&self, text: &str) {
        for c in text.chars() {
            self.keys(&["-l", &c.to_string()]);
            std::thread::sleep(Duration::from_millis(150));
        }
        self.keys(&["Enter"]);
    }

    fn pane(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "app"]).stdout).into_owned()
    }

    /// Waits until the pane shows every one of `texts`.
    fn wait_for(&self, texts: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let pane = self.pane();
            if texts.iter().all(|t| self.shows(&pane, t)) {
                return pane;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {texts:?}; it shows:\n{pane}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

#[test]
fn sign_in_open_lookup_scan_a_package_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let db = dir.path().join("data/replica.db");
    let keys = dir.path().join("keys");
    let seeded = tally(&[
        "demo",
        "seed",
        "--db",
        p(&db),
        "--key-dir",
        p(&keys),
        "--packages",
        "40",
    ]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let uid: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT uid FROM packages ORDER BY uid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();

    let tmux = Tmux {
        socket: dir.path().join("tmux.sock"),
        wrapped: false,
    };
    let app = format!(
        "{} app --db {} --key-dir {} --auto-lock-secs 0; echo TALLY-EXIT=$?; sleep 600",
        env!("CARGO_BIN_EXE_tally"),
        p(&db),
        p(&keys)
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        "80",
        "-y",
        "24",
        &app,
    ]);
    tmux.wait_for(&["Sign in", "Scan your badge"]);

    // The badge scanned by a wedge scanner: the text and Enter in one burst.
    tmux.keys(&["B1001", "Enter"]);
    tmux.wait_for(&["Badge B1001: type your PIN"]);
    tmux.type_slowly("1111");
    // Home draws before its task counts are read ("Tasks: reading…"): wait for them too.
    let home = tmux.wait_for(&["Home", "1 Receive", "0 Sync", "never synced", "Inbound 3"]);
    assert!(!home.contains("1111"), "the PIN shows:\n{home}");

    tmux.type_slowly("6");
    tmux.wait_for(&["6 Lookup", "Scan a package"]);
    tmux.keys(&[&uid, "Enter"]);
    let found = tmux.wait_for(&[&format!("Package {uid}"), "package_registered", "ACTIVE"]);
    // The scan did not stay in the field.
    assert!(found.contains("> _"), "{found}");

    tmux.keys(&["C-c"]);
    tmux.wait_for(&["TALLY-EXIT=0"]);

    let log = dir.path().join("replica.log");
    let export = tally(&[
        "log",
        "export",
        "--db",
        p(&db),
        "--key-dir",
        p(&keys),
        "--out",
        p(&log),
    ]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let verify = tally(&["log", "verify", p(&log)]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let kinds: Vec<(u16, String)> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare("SELECT kind, actor FROM event_log WHERE kind IN (2, 3) ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(kinds, vec![(2, "B1001".into()), (3, "B1001".into())]);
}

/// A demo replica made by `tally demo seed` in `dir`: its database and key directory.
fn seed(dir: &Path) -> (PathBuf, PathBuf) {
    seed_with(dir, 40)
}

/// A demo replica of `packages` packages in stock, made by `tally demo seed` in `dir`.
fn seed_with(dir: &Path, packages: u32) -> (PathBuf, PathBuf) {
    std::fs::create_dir(dir.join("data")).unwrap();
    let db = dir.join("data/replica.db");
    let keys = dir.join("keys");
    let seeded = tally(&[
        "demo",
        "seed",
        "--db",
        p(&db),
        "--key-dir",
        p(&keys),
        "--packages",
        &packages.to_string(),
    ]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    (db, keys)
}

/// Starts `tally app` in its own tmux server, 80 × 24.
fn start_app(dir: &Path, db: &Path, keys: &Path) -> Tmux {
    let tmux = Tmux {
        socket: dir.join("tmux.sock"),
        wrapped: false,
    };
    let app = format!(
        "{} app --db {} --key-dir {} --auto-lock-secs 0; echo TALLY-EXIT=$?; sleep 600",
        env!("CARGO_BIN_EXE_tally"),
        p(db),
        p(keys)
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        "80",
        "-y",
        "24",
        &app,
    ]);
    tmux
}

/// Exports the replica's log and verifies it with `tally log verify`.
fn export_and_verify(dir: &Path, db: &Path, keys: &Path) {
    let log = dir.join("replica.log");
    let export = tally(&[
        "log",
        "export",
        "--db",
        p(db),
        "--key-dir",
        p(keys),
        "--out",
        p(&log),
    ]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let verify = tally(&["log", "verify", p(&log)]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[test]
fn receive_a_manifest_with_a_missing_and_an_unexpected_case_quarantine_one_and_close() {
    let dir = tempfile::tempdir().unwrap();
    let (db, keys) = seed(dir.path());
    let (lines, stranger, reason_number) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT uid FROM inbound_lines WHERE manifest_id = 'IN-2026-0001' ORDER BY uid",
            )
            .unwrap();
        let lines: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let stranger: String = conn
            .query_row(
                "SELECT uid FROM packages WHERE uid NOT IN (SELECT uid FROM inbound_lines)
                 ORDER BY uid LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // The reason list is shown in code order, numbered from 1.
        let reason_number: i64 = conn
            .query_row(
                "SELECT count(*) FROM reason_codes WHERE code <= 'NOT-ON-MANIFEST'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (lines, stranger, reason_number.to_string())
    };
    assert_eq!(lines.len(), 12);
    let (arrived, missing) = lines.split_at(11);

    let tmux = start_app(dir.path(), &db, &keys);
    tmux.wait_for(&["Sign in", "Scan your badge"]);
    tmux.keys(&["B1001", "Enter"]);
    tmux.wait_for(&["Badge B1001: type your PIN"]);
    tmux.type_slowly("1111");
    tmux.wait_for(&["Home", "1 Receive"]);
    tmux.type_slowly("1");
    tmux.wait_for(&["1 IN-2026-0001", "2 IN-2026-0002"]);
    tmux.type_slowly("1");
    tmux.wait_for(&["0 of 12 received"]);

    // Every case scanned (a wedge burst each) is recorded at once.
    for (n, uid) in arrived.iter().enumerate() {
        tmux.keys(&[uid, "Enter"]);
        tmux.wait_for(&[&format!("{} of 12 received", n + 1)]);
    }
    tmux.keys(&[&stranger, "Enter"]);
    tmux.wait_for(&["11 of 12 received, 1 unexpected", "NOT on the manifest"]);
    // Quarantined: q, the reason's number.
    tmux.keys(&["q"]);
    tmux.wait_for(&["Reason: number + Enter"]);
    tmux.type_slowly(&reason_number);
    tmux.wait_for(&["quarantined: take it to the cage"]);
    // Rejected: r, the reason, then the question answered.
    tmux.keys(&["r"]);
    tmux.wait_for(&["Reason: number + Enter"]);
    tmux.type_slowly(&reason_number);
    tmux.wait_for(&["It cannot be undone."]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[&format!("{stranger} rejected")]);
    // The rest accepted: each case scanned (it is marked), then a.
    for uid in arrived {
        tmux.keys(&[uid, "Enter"]);
        tmux.wait_for(&[&format!("{uid} was already scanned")]);
        tmux.keys(&["a"]);
        tmux.wait_for(&[&format!("{uid} accepted")]);
    }
    tmux.keys(&["c"]);
    let closed = tmux.wait_for(&["Manifest closed", "MISSING", "NOT-ON-MANIFEST"]);
    assert!(closed.contains(&missing[0]), "{closed}");
    assert!(closed.contains(&stranger), "{closed}");
    tmux.keys(&["C-c"]);
    tmux.wait_for(&["TALLY-EXIT=0"]);

    export_and_verify(dir.path(), &db, &keys);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let status: String = conn
        .query_row(
            "SELECT status FROM inbound_manifests WHERE id = 'IN-2026-0001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "closed");
    let (accepted, rejected, quarantined): (i64, i64, i64) = conn
        .query_row(
            "SELECT sum(decision = 'accepted'), sum(decision = 'rejected'), sum(quarantined)
             FROM inbound_receipts WHERE manifest_id = 'IN-2026-0001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((accepted, rejected, quarantined), (11, 1, 1));
    let closes: i64 = conn
        .query_row("SELECT count(*) FROM event_log WHERE kind = 34", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(closes, 1, "one manifest_closed event");
    let arrivals: i64 = conn
        .query_row("SELECT count(*) FROM event_log WHERE kind = 269", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        arrivals, 12,
        "one arrival per case scanned first, none for the duplicates"
    );
}

// ---------------------------------------------------------------------------------------
// A whole shift on one handheld: the real `tally app` in tmux, a PTY scale in its TOML.
// ---------------------------------------------------------------------------------------

impl Tmux {
    /// A person typing `text` and Enter: keys far enough apart never to be a scanner's burst
    /// (the shift's configuration allows a scanner 80 ms between keys).
    fn type_line(&self, text: &str) {
        for c in text.chars() {
            self.keys(&["-l", &c.to_string()]);
            std::thread::sleep(Duration::from_millis(150));
        }
        self.keys(&["Enter"]);
    }

    /// A scanner in keyboard-wedge mode: the barcode and Enter in one burst.
    fn scan(&self, text: &str) {
        self.keys(&[text, "Enter"]);
    }

    /// Signs `badge` in (scanned) with `pin` (typed); waits for home.
    fn sign_in(&self, badge: &str, pin: &str) {
        self.wait_for(&["Scan your badge"]);
        self.scan(badge);
        self.wait_for(&[&format!("Badge {badge}: type your PIN")]);
        self.type_line(pin);
        self.wait_for(&["1 Receive", "0 Sync", badge]);
    }

    /// Esc until home shows, then Esc (the question) and Enter: signed out.
    fn sign_out(&self) {
        self.home();
        self.keys(&["Escape"]);
        self.wait_for(&["Sign out? Enter: yes"]);
        self.keys(&["Enter"]);
        self.wait_for(&["Scan your badge"]);
    }

    /// Whether `pane` shows `text` (squeezed of spaces on a screen that wraps).
    fn shows(&self, pane: &str, text: &str) -> bool {
        let squeezed = |t: &str| t.split_whitespace().collect::<String>();
        match self.wrapped {
            true => squeezed(pane).contains(&squeezed(text)),
            false => pane.contains(text),
        }
    }

    /// Esc, one screen at a time, until home's menu shows with no question on it.
    ///
    /// The pane also changes by itself (the sync line, the live weight, a status flash), so
    /// "the pane changed" does not always mean the last Esc was taken, and one Esc too many
    /// lands on home as the sign-out question: that one is answered no.
    fn home(&self) {
        for _ in 0..10 {
            let pane = self.pane();
            if pane.contains("0 Sync") && pane.contains("9 Supervisor") {
                // Let any Esc still on its way arrive before looking at home again.
                std::thread::sleep(Duration::from_millis(300));
                let pane = self.pane();
                if !self.shows(&pane, "Sign out? Enter: yes") {
                    if pane.contains("0 Sync") && pane.contains("9 Supervisor") {
                        return;
                    }
                    continue;
                }
                self.keys(&["Escape"]);
                let deadline = Instant::now() + Duration::from_secs(10);
                while self.shows(&self.pane(), "Sign out? Enter: yes") && Instant::now() < deadline
                {
                    std::thread::sleep(Duration::from_millis(30));
                }
                continue;
            }
            self.keys(&["Escape"]);
            // The next screen is drawn when the key is taken.
            let deadline = Instant::now() + Duration::from_secs(10);
            while self.pane() == pane && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(30));
            }
        }
        panic!("never got home:\n{}", self.pane());
    }
}

/// Grams as the app prints them (`128.120 g`).
fn grams(mg: i64) -> String {
    format!("{}.{:03} g", mg / 1_000, mg % 1_000)
}

/// Today by the system clock (the app's replica clock), as `YYYY-MM-DD`.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    tally_ids::Date::from_unix_days(i64::try_from(days).unwrap()).to_string()
}

fn read_only(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// The scale simulator until it has sent a stable reading of `divisions` (a load settled).
fn settled(scale: &tally_drivers::sim::scale::ScaleSimulator, divisions: i64) {
    let want = format!("{}.{:02}", divisions / 100, divisions % 100);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sent = scale.sent();
        if sent
            .last()
            .is_some_and(|r| r.stable && r.value.as_deref() == Some(want.as_str()))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the scale never settled at {want}"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn a_whole_shift_receive_pick_count_recount_review_and_destroy_with_a_pty_scale() {
    whole_shift(80, 24);
}

/// The same shift on the smallest screen the app supports.
#[test]
fn a_whole_shift_on_a_40_by_20_screen() {
    whole_shift(40, 20);
}

fn whole_shift(width: u16, height: u16) {
    use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};

    let dir = tempfile::tempdir().unwrap();
    // Enough stock that a count location holds a weighed package and a counted one.
    let (db, keys) = seed_with(dir.path(), 120);
    // The demo's SCALE-01 played by the drivers' MT-SICS simulator on a PTY, configured in
    // the app's TOML like any scale.
    let scale_link = dir.path().join("scale");
    let mut scale_config = ScaleConfig::new(ScaleProtocol::MtSics, ScaleMode::Stable);
    scale_config.base_divisions = 0;
    scale_config.capacity_divisions = 10_000_000;
    let scale = ScaleSimulator::start(&scale_link, scale_config).unwrap();
    let config = dir.path().join("tally.toml");
    std::fs::write(
        &config,
        format!(
            // A scanner's keys may reach a loaded test machine's terminal up to 80 ms apart.
            "database = {:?}\nkey_dir = {:?}\n[timeouts]\nauto_lock_secs = 0\n\
             [wedge]\nmax_gap_ms = 80\n\n\
             [[devices]]\nkind = \"scale\"\npath = {:?}\nprofile = \"{}\"\nscale_id = \"SCALE-01\"\n",
            p(&db),
            p(&keys),
            p(&scale_link),
            ScaleProtocol::MtSics.profile_id()
        ),
    )
    .unwrap();

    // What the test needs to know, read from the replica file (read-only).
    let conn = read_only(&db);
    let manifest = "IN-2026-0001";
    // Each line with what a gross scale reading of the case is (net lines carry their tare).
    let lines: Vec<(String, i64)> = conn
        .prepare(
            "SELECT l.uid, l.weight_mg + CASE WHEN i.weight_is_net THEN coalesce(i.tare_mg, 0) ELSE 0 END
             FROM inbound_lines l JOIN items i ON i.id = l.item_id
             WHERE l.manifest_id = ?1 ORDER BY l.uid",
        )
        .unwrap()
        .query_map([manifest], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(lines.len(), 12);
    let (arrived, missing) = lines.split_at(11);
    let stranger: String = conn
        .query_row(
            "SELECT uid FROM packages WHERE uid NOT IN (SELECT uid FROM inbound_lines)
             AND status = 'active' ORDER BY uid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let reason_number = |code: &str| -> String {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM reason_codes WHERE code <= ?1",
                [code],
                |r| r.get(0),
            )
            .unwrap();
        n.to_string()
    };
    let not_on_manifest = reason_number("NOT-ON-MANIFEST");

    let tmux = Tmux {
        socket: dir.path().join("tmux.sock"),
        wrapped: width < 80,
    };
    let app = format!(
        "{} app --config {}; echo TALLY-EXIT=$?; sleep 600",
        env!("CARGO_BIN_EXE_tally"),
        p(&config)
    );
    let (x, y) = (width.to_string(), height.to_string());
    tmux.run(&["new-session", "-d", "-s", "app", "-x", &x, "-y", &y, &app]);

    // 1 Receive, as the receiver: every case but one, the first two weighed on the scale.
    tmux.sign_in("B1001", "1111");
    tmux.type_line("1");
    tmux.wait_for(&["1 IN-2026-0001"]);
    tmux.type_line("1");
    tmux.wait_for(&["0 of 12 received", "Scale 0.000 g stable"]);
    for (n, (uid, gross_mg)) in arrived.iter().enumerate() {
        tmux.scan(uid);
        tmux.wait_for(&[&format!("{} of 12 received", n + 1)]);
        if n < 2 {
            // The case goes on the scale: it settles and weighs the case just scanned.
            let divisions = (gross_mg + 5) / 10;
            scale.place_load(divisions);
            tmux.wait_for(&[&format!(
                "{}: weight within tolerance",
                grams(divisions * 10)
            )]);
        }
    }
    scale.place_load(0);
    tmux.scan(&stranger);
    tmux.wait_for(&["11 of 12 received, 1 unexpected", "NOT on the manifest"]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["Reason: number + Enter"]);
    tmux.type_line(&not_on_manifest);
    tmux.wait_for(&["quarantined: take it to the cage"]);
    tmux.keys(&["r"]);
    tmux.wait_for(&["Reason: number + Enter"]);
    tmux.type_line(&not_on_manifest);
    tmux.wait_for(&["It cannot be undone."]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[&format!("{stranger} rejected")]);
    for (uid, _) in arrived {
        tmux.scan(uid);
        tmux.wait_for(&[&format!("{uid} was already scanned")]);
        tmux.keys(&["a"]);
        tmux.wait_for(&[&format!("{uid} accepted")]);
    }
    tmux.keys(&["c"]);
    let closed = tmux.wait_for(&["Manifest closed", "MISSING", "NOT-ON-MANIFEST"]);
    assert!(closed.contains(&missing[0].0), "{closed}");

    // 3 Pick: a later lot of the line's item is refused, naming the package to take and
    // where; the right one goes into a tote.
    let list: String = conn
        .query_row(
            "SELECT id FROM pick_lists WHERE status = 'open' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let walk = tally_replica::workflow::picking::walk(&conn, &list, &today()).unwrap();
    let (row, take, later) = walk
        .iter()
        .enumerate()
        .filter_map(|(row, step)| {
            let take = step.take.clone()?;
            let later: Option<String> = conn
                .query_row(
                    "SELECT p.uid FROM packages p
                     JOIN batches b ON b.id = p.batch_id
                     JOIN packages t ON t.uid = ?1 AND t.item_id = p.item_id
                     JOIN batches tb ON tb.id = t.batch_id
                     WHERE p.uid <> t.uid AND p.status = 'active' AND p.tote_id IS NULL
                       AND b.coa_status = 'passed' AND b.expires_on > tb.expires_on
                     ORDER BY p.uid LIMIT 1",
                    [&take.uid],
                    |r| r.get(0),
                )
                .ok();
            Some((row + 1, take, later?))
        })
        .next()
        .expect("a pick line whose item has a later lot in stock");
    tmux.home();
    tmux.type_line("3");
    tmux.wait_for(&["Choose a pick list", &format!("{list} ·")]);
    tmux.scan(&list);
    tmux.wait_for(&[&format!("Pick list {list}, in walking order")]);
    tmux.type_line(&row.to_string());
    tmux.wait_for(&[&format!("Scan {} at {}", take.uid, take.location_id)]);
    tmux.scan(&later);
    // The refusal names the package to take first and where it is.
    tmux.wait_for(&[&take.uid, "first", &take.location_id]);
    tmux.scan(&take.uid);
    tmux.wait_for(&[&format!("{} is right", take.uid)]);
    tmux.scan("TOTE-E2E");
    tmux.wait_for(&["Tote TOTE-E2E"]);
    tmux.type_line("1");
    tmux.wait_for(&[&format!("{} picked", take.uid)]);
    tmux.sign_out();

    // 5 Count, blind, as B1003: one package miscounted, a weighed one on the scale.
    // A task whose count will expect a weighed and a counted package (what the count's start
    // freezes: the stock at its locations, of its items when it names some).
    let task: String = conn
        .query_row(
            "WITH counted AS (
               SELECT l.task_id, p.unit FROM count_task_locations l
               JOIN packages p ON p.location_id = l.location_id
               WHERE p.status NOT IN ('destroyed', 'finished', 'in_transit')
                 AND (NOT EXISTS (SELECT 1 FROM count_task_items i WHERE i.task_id = l.task_id)
                      OR p.item_id IN (SELECT item_id FROM count_task_items i
                                       WHERE i.task_id = l.task_id)))
             SELECT t.id FROM count_tasks t WHERE t.status = 'scheduled'
               AND EXISTS (SELECT 1 FROM counted c WHERE c.task_id = t.id AND c.unit = 'mg')
               AND EXISTS (SELECT 1 FROM counted c WHERE c.task_id = t.id AND c.unit = 'each')
             ORDER BY t.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a count task with a weighed and a counted package");
    tmux.sign_in("B1003", "3333");
    tmux.type_line("5");
    // The list read (a scan before it is answered is refused: "Wait").
    tmux.wait_for(&["Choose a count", &format!("{task} ·")]);
    tmux.scan(&task);
    tmux.wait_for(&["Round 1: scan the packages at"]);
    // What the round expects, frozen when it started (the test reads it; the screen never).
    let expected: Vec<(String, String, i64, String)> = conn
        .prepare(
            "SELECT location_id, uid, quantity, unit FROM count_expected
             WHERE task_id = ?1 ORDER BY location_id, uid",
        )
        .unwrap()
        .query_map([&task], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let miscounted = expected
        .iter()
        .find(|(_, _, _, unit)| unit == "each")
        .expect("a package counted in units")
        .clone();
    let weighed = expected
        .iter()
        .find(|(_, _, _, unit)| unit == "mg")
        .expect("a weighed package")
        .clone();
    let mut location = String::new();
    for (n, (at, uid, quantity, unit)) in expected.iter().enumerate() {
        if *at != location {
            location = at.clone();
            tmux.scan(at);
            tmux.wait_for(&[&format!("Location: {at}")]);
        }
        tmux.scan(uid);
        if unit == "each" {
            tmux.wait_for(&[&format!("{uid}: type its units")]);
            let counted = if *uid == miscounted.1 {
                quantity + 1
            } else {
                *quantity
            };
            tmux.type_line(&counted.to_string());
        } else {
            tmux.wait_for(&[&format!("{uid}: put it on the scale")]);
            // 100 mg light: within the count tolerance, a variance for the supervisor.
            let divisions = (quantity - 100) / 10;
            scale.place_load(divisions);
            tmux.wait_for(&[&format!("Counted: {}", grams(divisions * 10))]);
            scale.place_load(0);
        }
        tmux.wait_for(&[&format!("Found {} · with quantity {}", n + 1, n + 1)]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Submit this round?"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Submitted. 1 packages to recount", &miscounted.1]);
    tmux.sign_out();

    // The recount, by another counter (B1002), blind again.
    tmux.sign_in("B1002", "2222");
    tmux.type_line("5");
    // The list read (a scan before it is answered is refused: "Wait").
    tmux.wait_for(&["Choose a count", &format!("{task} ·")]);
    tmux.scan(&task);
    tmux.wait_for(&["Round 2: scan the packages at"]);
    tmux.scan(&miscounted.0);
    tmux.wait_for(&[&format!("Location: {}", miscounted.0)]);
    tmux.scan(&miscounted.1);
    tmux.wait_for(&[&format!("{}: type its units", miscounted.1)]);
    tmux.type_line(&miscounted.2.to_string());
    tmux.wait_for(&["Found 1 · with quantity 1"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Submit this round?"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Submitted. It goes to a supervisor"]);
    tmux.sign_out();

    // 9 Supervisor: the weighed package's variance approved with a reason, the count closed.
    tmux.sign_in("B2001", "4444");
    tmux.type_line("9");
    tmux.wait_for(&[&format!("review count {task}")]);
    tmux.type_line("1");
    tmux.wait_for(&[&format!("Count {task} in review")]);
    let review_row = expected
        .iter()
        .map(|(_, uid, _, _)| uid)
        .collect::<std::collections::BTreeSet<_>>()
        .iter()
        .position(|uid| **uid == weighed.1)
        .unwrap()
        + 1;
    tmux.type_line(&review_row.to_string());
    tmux.wait_for(&[&format!("{} reason code + Enter", weighed.1)]);
    tmux.type_line("SCALE-VARIANCE");
    tmux.wait_for(&["SCALE-VARIANCE"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[&format!("Adjustment of {} approved", weighed.1)]);
    tmux.type_line(&(expected.len() + 1).to_string());
    tmux.wait_for(&["Close this count?"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[&format!("Count {task} closed")]);

    // 8 Destroy, before a witness who signs in on this device; weighed on the PTY scale.
    let (doomed, doomed_mg): (String, i64) = conn
        .query_row(
            "SELECT uid, quantity FROM packages
             WHERE unit = 'mg' AND status = 'active' AND tote_id IS NULL
               AND location_id NOT IN (SELECT location_id FROM count_task_locations)
               AND quantity BETWEEN 1000 AND 100000000
             ORDER BY uid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    tmux.home();
    tmux.type_line("8");
    tmux.wait_for(&["Scan the package to destroy"]);
    tmux.scan(&doomed);
    tmux.wait_for(&["Scan the scale's asset tag"]);
    let divisions = doomed_mg / 10;
    scale.place_load(divisions);
    settled(&scale, divisions);
    tmux.scan("SCALE-01");
    tmux.wait_for(&["Reason code + Enter"]);
    tmux.type_line("DAMAGE");
    tmux.wait_for(&["Method + Enter"]);
    tmux.type_line("mixed with litter");
    tmux.wait_for(&["Witness: scan your badge"]);
    tmux.scan("B2002");
    tmux.wait_for(&["Witness: your PIN"]);
    tmux.type_line("5555");
    tmux.wait_for(&[&format!("Destroy {doomed}?")]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[&format!("{doomed} destroyed, witnessed by B2002")]);
    tmux.keys(&["C-c"]);
    tmux.wait_for(&["TALLY-EXIT=0"]);
    scale.stop();

    // What the replica holds (read-only SQL on the file), and its log verifies.
    export_and_verify(dir.path(), &db, &keys);
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        one("SELECT count(*) FROM inbound_manifests WHERE id = 'IN-2026-0001' AND status = 'closed'"),
        1
    );
    let (accepted, rejected, quarantined, weighed_ok): (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT sum(decision = 'accepted'), sum(decision = 'rejected'), sum(quarantined),
                    sum(weight_ok = 1)
             FROM inbound_receipts WHERE manifest_id = 'IN-2026-0001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((accepted, rejected, quarantined, weighed_ok), (11, 1, 1, 2));
    assert_eq!(
        one("SELECT count(*) FROM readings WHERE scale_id = 'SCALE-01'"),
        2 + 1 + 1,
        "two cases, the counted package and the destroyed one weighed on SCALE-01"
    );
    let picked: (String, String) = conn
        .query_row(
            "SELECT uid, tote_id FROM picks WHERE pick_list_id = ?1",
            [&list],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(picked, (take.uid.clone(), "TOTE-E2E".to_owned()));
    let status: String = conn
        .query_row(
            "SELECT status FROM count_tasks WHERE id = ?1",
            [&task],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "closed");
    let counters: Vec<(i64, String)> = conn
        .prepare(
            "SELECT DISTINCT round, counter FROM count_lines WHERE task_id = ?1 ORDER BY round",
        )
        .unwrap()
        .query_map([&task], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(counters, vec![(1, "B1003".into()), (2, "B1002".into())]);
    let adjustment: (String, i64, i64, String, String) = conn
        .query_row(
            "SELECT uid, from_qty, to_qty, reason, approver FROM adjustments WHERE task_id = ?1",
            [&task],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        adjustment,
        (
            weighed.1.clone(),
            weighed.2,
            // What the scale read: 100 mg light, to its 0.01 g division.
            (weighed.2 - 100) / 10 * 10,
            "SCALE-VARIANCE".into(),
            "B2001".into()
        )
    );
    let destroyed: String = conn
        .query_row(
            "SELECT status FROM packages WHERE uid = ?1",
            [&doomed],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(destroyed, "destroyed");
    let destruction: (String, String, String) = conn
        .query_row(
            "SELECT actor, witness, reason FROM destructions WHERE uid = ?1",
            [&doomed],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        destruction,
        ("B2001".into(), "B2002".into(), "DAMAGE".into())
    );
    // Everyone signed in on this device, in order; the witness's sign-in is part of the
    // destruction, recorded by the person destroying.
    let signed_in: Vec<String> = conn
        .prepare("SELECT actor FROM event_log WHERE kind = 2 ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(signed_in, ["B1001", "B1003", "B1002", "B2001", "B2001"]);
}
