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
            if texts.iter().all(|t| pane.contains(t)) {
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
    let home = tmux.wait_for(&["Home", "1 Receive", "0 Sync", "never synced"]);
    assert!(!home.contains("1111"), "the PIN shows:\n{home}");
    assert!(home.contains("Inbound 3"), "{home}");

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
        "40",
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
