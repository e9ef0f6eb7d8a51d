//! `tally app` end to end: the real binary in a real terminal (tmux, driven with send-keys and
//! read with capture-pane) on a demo replica made by `tally demo seed`. A badge is scanned
//! (keyboard wedge: the whole barcode and Enter in one burst), the PIN is typed by a person,
//! Lookup is opened from home by its number and a package's UID is scanned; the screen shows
//! the package and its history. Ctrl-C signs out and quits; the replica then holds the
//! sign-in and the sign-out, and its exported log verifies.

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
