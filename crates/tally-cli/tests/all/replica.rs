//! `tally replica init|stats`, `tally demo seed` and `tally log export --db` run as the built
//! binary on real files: the exported log verifies with `tally log verify`, the demo is
//! deterministic for a seed, bad input gets a clear message and exit 1.

use std::path::Path;
use std::process::{Command, Output};

/// Runs tally with no usable default key directory: every test names its `--key-dir` (a
/// temporary directory), so nothing ever lands in the real home.
fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .env_remove("TALLY_KEY_DIR")
        .env("XDG_STATE_HOME", "/dev/null/no-key-dir-in-tests")
        .env("HOME", "/dev/null/no-home-in-tests")
        .output()
        .expect("run tally")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn init_stats_export_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let db = dir.path().join("hh.db");
    let out = tally(&[
        "replica",
        "init",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
        "--facility",
        "FAC-9",
        "--serial",
        "TC58-1",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("device"));
    // The key is named by device id in the key directory; nothing but the database beside it.
    let device = tally_replica::replica::recorded_device(&db).unwrap();
    let key = keys.path().join(format!("{device}.key"));
    assert!(key.exists());
    assert!(text(&out.stdout).contains(p(&key)));
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name.starts_with("hh.db") && !name.ends_with(".key"),
            "{name}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Never over an existing device.
    let again = tally(&[
        "replica",
        "init",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let stats = tally(&["replica", "stats", "--db", p(&db), "--json"]);
    assert!(stats.status.success());
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(json["events"], 1);
    assert_eq!(json["schema_version"], tally_replica::db::SCHEMA_VERSION);
    assert_eq!(json["held_deltas"], 0);
    assert_eq!(json["forks"], 0);
    let log = dir.path().join("hh.log");
    let export = tally(&[
        "log",
        "export",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
        "--out",
        p(&log),
    ]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let verify = tally(&["log", "verify", p(&log)]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    // Export to standard output gives the same bytes.
    let stdout = tally(&["log", "export", "--db", p(&db), "--key-dir", p(keys.path())]);
    assert_eq!(stdout.stdout, std::fs::read(&log).unwrap());
    let missing = tally(&["replica", "stats", "--db", p(&dir.path().join("none.db"))]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no replica database"));
}

#[test]
fn demo_seed_is_realistic_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let mut digests = Vec::new();
    for name in ["a.db", "b.db"] {
        let db = dir.path().join(name);
        let out = tally(&[
            "demo",
            "seed",
            "--db",
            p(&db),
            "--key-dir",
            p(keys.path()),
            "--packages",
            "300",
            "--seed",
            "11",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stats = tally(&["replica", "stats", "--db", p(&db), "--json"]);
        let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
        let packages: i64 = json["packages"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_i64().unwrap())
            .sum();
        assert_eq!(
            packages,
            300 + 36,
            "stock plus three inbound manifests of 12"
        );
        assert_eq!(json["inbound_manifests"], 3);
        assert_eq!(json["pick_lists"], 3);
        assert_eq!(json["count_tasks"], 3);
        assert!(json["packages"]["quarantined"].as_i64().unwrap() > 0);
        let conn = tally_replica::db::open_read_only(&db).unwrap();
        let categories: i64 = conn
            .query_row("SELECT count(DISTINCT category) FROM items", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(categories >= 4);
        let coa: i64 = conn
            .query_row("SELECT count(DISTINCT coa_status) FROM batches", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(coa >= 3, "batches with and without COA");
        let cage: i64 = conn
            .query_row(
                "SELECT count(*) FROM locations WHERE kind = 'quarantine_cage'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(cage, 1);
        let rows: Vec<String> = {
            let mut stmt = conn
                .prepare("SELECT uid || item_id || coalesce(batch_id, '') || quantity || status || coalesce(location_id, '') FROM packages ORDER BY uid")
                .unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        digests.push(rows);
    }
    assert_eq!(
        digests[0], digests[1],
        "the same seed gives the same facility"
    );
    let other = dir.path().join("c.db");
    assert!(tally(&[
        "demo",
        "seed",
        "--db",
        p(&other),
        "--key-dir",
        p(keys.path()),
        "--packages",
        "300",
        "--seed",
        "12"
    ])
    .status
    .success());
    let conn = tally_replica::db::open_read_only(&other).unwrap();
    let rows: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT uid || item_id || coalesce(batch_id, '') || quantity || status || coalesce(location_id, '') FROM packages ORDER BY uid")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_ne!(rows, digests[0], "another seed gives another facility");
    let bad = tally(&[
        "demo",
        "seed",
        "--db",
        p(&dir.path().join("d.db")),
        "--key-dir",
        p(keys.path()),
        "--packages",
        "99999999",
    ]);
    assert_eq!(bad.status.code(), Some(2), "usage error");
}

#[test]
fn a_key_beside_the_database_is_refused_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hh.db");
    let key = dir.path().join("hh.key");
    let out = tally(&["replica", "init", "--db", p(&db), "--key", p(&key)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("same directory as the database"),
        "{}",
        text(&out.stderr)
    );
    assert!(!db.exists() && !key.exists());
    let out = tally(&[
        "replica",
        "init",
        "--db",
        p(&db),
        "--key",
        p(&key),
        "--allow-key-beside-db",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(key.exists());
    // Without a key directory anywhere, the message says how to name one.
    let out = tally(&["replica", "init", "--db", p(&dir.path().join("x.db"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--key-dir"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn demo_seed_on_an_enrolled_replica_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let init = tally(&[
        "replica",
        "init",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
    ]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    let keys_before = std::fs::read_dir(keys.path()).unwrap().count();
    let seed = tally(&[
        "demo",
        "seed",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
        "--packages",
        "10",
    ]);
    assert_eq!(seed.status.code(), Some(1));
    let message = text(&seed.stderr);
    assert!(!message.contains("unusable"), "{message}");
    assert!(message.contains("already exists"), "{message}");
    assert!(message.contains("Choose a new --db path"), "{message}");
    assert!(
        message.contains("`tally demo` runs a whole demo"),
        "{message}"
    );
    // Nothing was created or changed.
    assert_eq!(std::fs::read_dir(keys.path()).unwrap().count(), keys_before);
    let stats = tally(&["replica", "stats", "--db", p(&db), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(json["events"], 1);
}

#[test]
fn re_enroll_gives_a_new_key_and_keeps_the_old_chain_for_a_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let db = dir.path().join("hh.db");
    let init = tally(&[
        "replica",
        "init",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
    ]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    let old = tally_replica::replica::recorded_device(&db).unwrap();
    let none = tally(&["replica", "superseded", "--db", p(&db)]);
    assert!(text(&none.stdout).contains("no events"));
    let out = tally(&[
        "replica",
        "re-enroll",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
        "--serial",
        "TC58-1",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let new = tally_replica::replica::recorded_device(&db).unwrap();
    assert_ne!(new, old);
    assert!(keys.path().join(format!("{new}.key")).exists());
    assert!(
        text(&out.stdout).contains("flagged   1 "),
        "{}",
        text(&out.stdout)
    );
    let listed = tally(&["replica", "superseded", "--db", p(&db), "--json"]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(json[0]["device"], old.to_string());
    assert_eq!(json[0]["seq"], 1);
    assert_eq!(json[0]["flagged"], true);
    assert_eq!(json[0]["re_enrolled_as"], new.to_string());
    // The new chain exports and verifies.
    let log = dir.path().join("hh.log");
    let export = tally(&[
        "log",
        "export",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
        "--out",
        p(&log),
    ]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    assert!(tally(&["log", "verify", p(&log)]).status.success());
}

#[test]
fn log_export_reads_while_the_app_holds_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let db = dir.path().join("hh.db");
    let init = tally(&[
        "replica",
        "init",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
    ]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    // The app runs (it holds the signing lock) while an export is taken.
    let app = tally_replica::Replica::open_in_key_dir(
        &db,
        keys.path(),
        Box::new(tally_replica::clock::SystemClock::new()),
        &tally_replica::keys::KeyOptions::default(),
    )
    .unwrap();
    let export = tally(&["log", "export", "--db", p(&db), "--key-dir", p(keys.path())]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    // A second signer is refused while the app runs.
    let second = tally(&[
        "replica",
        "re-enroll",
        "--db",
        p(&db),
        "--key-dir",
        p(keys.path()),
    ]);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        text(&second.stderr).contains("another tally is running on this device"),
        "{}",
        text(&second.stderr)
    );
    drop(app);
}
