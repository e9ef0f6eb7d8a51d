//! `tally demo` end to end: the real binary in real terminals (tmux, driven with send-keys and
//! read with capture-pane), in temporary demo directories.
//!
//! One run: the app appears signed in as the demo's receiver with the simulated scale's live
//! weight and the RFID reader on home; a case's barcode typed as a keyboard-wedge burst is
//! taken as a scan; the case received on 1 Receive goes out through the demo's tallyd (home's
//! "to send" falls to 0, 0 Sync says online) and the embedded ledger holds the device's
//! records byte for byte; on 5 Count a package counted by weight goes on the demo's scale near
//! its weight on record and its count line is recorded from it; a second demo in another directory runs side by side (its own ledger port)
//! while a second demo in the same directory is refused; Ctrl-C, SIGINT, SIGTERM and SIGHUP (the
//! terminal going away) each end a demo with nothing left behind (the process, checked by
//! pid, and the simulators' PTY links); run again, the demo continues with the same device
//! and its log; `--reset` starts over with a new device; after a SIGKILL the next run takes
//! over the stale links and lock.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A tmux server of its own (its own socket), so the test touches no other session.
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn new(dir: &Path) -> Tmux {
        let tmux = Tmux {
            socket: dir.join("tmux.sock"),
        };
        // A session that stays, so the server keeps the panes of demos that ended.
        tmux.run(&["new-session", "-d", "-s", "keep", "-x", "100", "-y", "30"]);
        tmux.run(&["set-option", "-g", "remain-on-exit", "on"]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
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
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `tally demo ARGS` as session `name` (the pane's process is tally itself);
    /// returns its pid.
    fn demo(&self, name: &str, args: &[&str]) -> i32 {
        let command = format!(
            "exec {} demo {}",
            env!("CARGO_BIN_EXE_tally"),
            args.join(" ")
        );
        self.run(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            &command,
        ]);
        self.run(&["display-message", "-p", "-t", name, "#{pane_pid}"])
            .trim()
            .parse()
            .expect("a pid")
    }

    fn keys(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// A person types `text` (one key at a time) and Enter.
    fn type_slowly(&self, name: &str, text: &str) {
        for c in text.chars() {
            self.keys(name, &["-l", &c.to_string()]);
            std::thread::sleep(Duration::from_millis(150));
        }
        self.keys(name, &["Enter"]);
    }

    /// Esc until home shows.
    fn home(&self, name: &str) {
        for _ in 0..5 {
            if self.pane(name).contains("0 Sync") {
                return;
            }
            self.keys(name, &["Escape"]);
            std::thread::sleep(Duration::from_millis(400));
        }
        self.wait_for(name, &["0 Sync"]);
    }

    fn pane(&self, name: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", name, "-S", "-200"])
    }

    /// Waits until the pane shows every one of `texts`.
    fn wait_for(&self, name: &str, texts: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let pane = self.pane(name);
            if texts.iter().all(|t| pane.contains(t)) {
                return pane;
            }
            assert!(
                Instant::now() < deadline,
                "{name} never showed {texts:?}; it shows:\n{pane}"
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

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// Waits for the process to be gone: reaped, or a zombie whose every thread has exited (a
/// killed process's main thread can be a zombie while its other threads still hold its files,
/// the demo's lock among them).
fn wait_gone(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                s.split(") ")
                    .nth(1)
                    .is_some_and(|rest| rest.starts_with('Z'))
            })
            .unwrap_or(false);
        let threads = std::fs::read_dir(format!("/proc/{pid}/task"))
            .map(|d| d.count())
            .unwrap_or(0);
        if !alive(pid) || (zombie && threads <= 1) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("tally demo (pid {pid}) is still running");
}

fn query<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The demo device's records in its replica, in seq order.
fn replica_records(db: &Path) -> Vec<Vec<u8>> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare("SELECT bytes FROM event_log ORDER BY seq")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// The records the demo's embedded ledger logged (one device), in seq order.
fn ledger_records(dir: &Path) -> Vec<Vec<u8>> {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("ledger/ledger.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut stmt = conn
        .prepare("SELECT record FROM entries ORDER BY device_id, seq")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn device_key(dir: &Path) -> Vec<String> {
    let mut keys: Vec<String> = std::fs::read_dir(dir.join("keys"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".key"))
        .collect();
    keys.sort();
    keys
}

/// What the app shows once the demo has signed its receiver in and the devices are up.
const READY: &[&str] = &["B1001", "1 Receive", "Scale 0.000 g", "RFID on"];

#[test]
fn the_demo_runs_continues_resets_runs_side_by_side_and_leaves_nothing_behind() {
    let work = tempfile::tempdir().unwrap();
    let tmux = Tmux::new(work.path());
    let a = work.path().join("a");
    let b = work.path().join("b");
    let demo_args = |dir: &Path, extra: &[&str]| {
        let mut args = vec!["--dir".to_owned(), p(dir).to_owned()];
        args.extend(["--packages".to_owned(), "60".to_owned()]);
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };
    let start = |name: &str, args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        tmux.demo(name, &args)
    };

    // First run: signed in, devices up.
    let pid_a = start("a1", demo_args(&a, &[]));
    tmux.wait_for("a1", READY);
    let replica = a.join("replica/replica.db");
    let first_key = device_key(&a);
    assert_eq!(first_key.len(), 1, "{first_key:?}");
    assert!(a.join("ledger/ledger.db").exists());
    assert!(a.join("devices/scale").exists() && a.join("devices/rfid").exists());

    // A case's barcode as a wedge burst: taken as a scan (home looks it up).
    let uid: String = query(
        &replica,
        "SELECT uid FROM inbound_lines ORDER BY manifest_id, uid LIMIT 1",
    );
    tmux.keys("a1", &["-l", &uid]);
    tmux.keys("a1", &["Enter"]);
    tmux.wait_for("a1", &[&uid, "DOCK-1"]);

    // Receive it: 1 Receive, the first manifest, the case's barcode. tallyd pushes it to the
    // embedded ledger: home's "to send" falls to 0 and the ledger holds the device's records
    // exactly as the replica signed them, the case's arrival among them.
    tmux.home("a1");
    tmux.type_slowly("a1", "1");
    tmux.wait_for("a1", &["1 IN-"]);
    tmux.type_slowly("a1", "1");
    tmux.wait_for("a1", &["0 of "]);
    tmux.keys("a1", &["-l", &uid]);
    tmux.keys("a1", &["Enter"]);
    tmux.wait_for("a1", &["1 of "]);
    tmux.home("a1");
    tmux.wait_for("a1", &["0 to send"]);
    let ledger_records = ledger_records(&a);
    let replica_records = replica_records(&replica);
    assert_eq!(ledger_records, replica_records);
    assert!(
        replica_records
            .iter()
            .any(|r| r.windows(uid.len()).any(|w| w == uid.as_bytes())),
        "no record names the received case {uid}"
    );
    // 5 Count: a package counted by weight, scanned at its location, goes on the demo's scale
    // near its weight on record (the app tells the demo which package it waits to weigh);
    // the settled load records its count line, and the screen shows what the scale reads,
    // never the record.
    let open = "t.status IN ('scheduled','counting','recount')
                AND (t.assigned_to IS NULL OR t.assigned_to = 'B1001')";
    let weighed = format!(
        "FROM count_tasks t JOIN count_task_locations l ON l.task_id = t.id
           JOIN packages p ON p.location_id = l.location_id
          WHERE p.unit = 'mg' AND p.status = 'active' AND {open}
          ORDER BY t.id, l.location_id, p.uid LIMIT 1"
    );
    let task: String = query(&replica, &format!("SELECT t.id {weighed}"));
    let location: String = query(&replica, &format!("SELECT l.location_id {weighed}"));
    let package: String = query(&replica, &format!("SELECT p.uid {weighed}"));
    let recorded_mg: i64 = query(&replica, &format!("SELECT p.quantity {weighed}"));
    let row: i64 = query(
        &replica,
        &format!(
            "SELECT count(*) FROM count_tasks WHERE id <= '{task}'
                AND status IN ('scheduled','counting','recount')"
        ),
    );
    tmux.type_slowly("a1", "5");
    tmux.wait_for("a1", &[&task]);
    tmux.type_slowly("a1", &row.to_string());
    tmux.wait_for("a1", &["· with quantity 0"]);
    for scan in [&location, &package] {
        tmux.keys("a1", &["-l", scan]);
        tmux.keys("a1", &["Enter"]);
    }
    // (The demo's RFID reader sweeps the first task's first location: more are found.)
    let pane = tmux.wait_for("a1", &["· with quantity 1"]);
    let counted_mg: i64 = query(
        &replica,
        &format!("SELECT quantity FROM counter_lines WHERE uid = '{package}'"),
    );
    let off = (counted_mg - recorded_mg).abs();
    assert!(
        (15..=2_500).contains(&off),
        "{counted_mg} mg counted for a package of {recorded_mg} mg"
    );
    let grams = |mg: i64| format!("{}.{:03} g", mg / 1_000, mg % 1_000);
    assert!(pane.contains(&grams(counted_mg)), "{pane}");
    assert!(!pane.contains(&grams(recorded_mg)), "{pane}");
    tmux.home("a1");
    // 0 Sync says so in detail.
    tmux.type_slowly("a1", "0");
    tmux.wait_for(
        "a1",
        &["ONLINE", "Events waiting: 0", "Ledger: http://127.0.0.1:"],
    );
    tmux.home("a1");

    // Side by side: another directory runs; the same directory is refused.
    let pid_b = start("b1", demo_args(&b, &[]));
    tmux.wait_for("b1", READY);
    let pid_a2 = start("a2", demo_args(&a, &[]));
    tmux.wait_for("a2", &["another demo is running in"]);
    wait_gone(pid_a2);
    let port = |dir: &Path| -> String {
        let text = std::fs::read_to_string(dir.join("tally.toml")).unwrap();
        text.lines()
            .find(|l| l.starts_with("ledger_url"))
            .unwrap_or_default()
            .to_owned()
    };
    assert_ne!(port(&a), port(&b), "two demos, two ledgers, two ports");

    // Ctrl-C ends A; SIGTERM ends B. Nothing is left behind.
    tmux.keys("a1", &["C-c"]);
    tmux.wait_for("a1", &["The demo's files stay in"]);
    wait_gone(pid_a);
    // The demo printed its users' badges and PINs before the app started (the main screen,
    // back once the app's screen is gone) and again as it ended.
    let pane = tmux.pane("a1");
    assert_eq!(
        pane.matches("Users (badge, PIN):").count(),
        2,
        "the users before and after the app:\n{pane}"
    );
    let (before, after) = pane
        .split_once("The demo's files stay in")
        .expect("the closing words");
    for (badge, name, _, pin) in tally_replica::seed::USERS {
        let line = format!("{badge}  PIN {pin}  {name}");
        assert!(
            before.contains(&line),
            "{line:?} not printed before:\n{pane}"
        );
        assert!(after.contains(&line), "{line:?} not printed after:\n{pane}");
    }
    // SAFETY: sending SIGTERM to the demo this test started.
    assert_eq!(unsafe { libc::kill(pid_b, libc::SIGTERM) }, 0);
    tmux.wait_for("b1", &["The demo's files stay in"]);
    wait_gone(pid_b);
    for dir in [&a, &b] {
        assert!(!dir.join("devices/scale").exists(), "scale link left");
        assert!(!dir.join("devices/rfid").exists(), "reader link left");
    }
    let events_after_first: i64 = query(&replica, "SELECT count(*) FROM event_log");

    // Run again: the same device continues its log (the sign-out of the first run is there).
    // (What the demo prints before the app starts is read after it ends: the app's screen
    // covers it meanwhile.)
    let pid = start("a3", demo_args(&a, &[]));
    // (The scale holds the weight of the case received in the first run.)
    tmux.wait_for(
        "a3",
        &["B1001", "1 Receive", "Scale ", "RFID on", "0 to send"],
    );
    assert_eq!(device_key(&a), first_key);
    // The terminal goes away (SIGHUP): the demo ends too.
    tmux.run(&["kill-session", "-t", "a3"]);
    wait_gone(pid);
    let events_after_second: i64 = query(&replica, "SELECT count(*) FROM event_log");
    assert!(
        events_after_second > events_after_first,
        "{events_after_second} events after the second run, {events_after_first} before"
    );
    assert!(!a.join("devices/scale").exists(), "scale link left");

    // --reset: a new facility and a new device.
    let pid = start("a4", demo_args(&a, &["--reset"]));
    tmux.wait_for("a4", READY);
    // A new log: the facility and one sign-in, not the old runs' events.
    let events_after_reset: i64 = query(&replica, "SELECT count(*) FROM event_log");
    assert!(
        events_after_reset < events_after_second,
        "{events_after_reset} events after --reset, {events_after_second} before"
    );
    let new_key = device_key(&a);
    assert_eq!(new_key.len(), 1);
    assert_ne!(new_key, first_key);
    // SIGINT (not the Ctrl-C key, which the app reads itself in raw mode) ends it cleanly.
    // SAFETY: sending SIGINT to the demo this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    tmux.wait_for("a4", &["Starting over", "The demo's files stay in"]);
    wait_gone(pid);

    // Killed outright (nothing can clean up): its stale PTY links and lock do not stop the
    // next run, which takes the devices over and continues.
    let pid = start("a5", demo_args(&a, &[]));
    tmux.wait_for("a5", READY);
    // SAFETY: sending SIGKILL to the demo this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    wait_gone(pid);
    let pid = start("a6", demo_args(&a, &[]));
    tmux.wait_for("a6", READY);
    assert_eq!(device_key(&a), new_key);
    tmux.keys("a6", &["C-c"]);
    tmux.wait_for("a6", &["Continuing the demo", "The demo's files stay in"]);
    wait_gone(pid);
}
