//! `tally replica init|stats`, `tally demo seed` and `tally log export --db` run as the built
//! binary on real files: the exported log verifies with `tally log verify`, the demo is
//! deterministic for a seed, bad input gets a clear message and exit 1.

use std::path::Path;
use std::process::{Command, Output};

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
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
    let db = dir.path().join("hh.db");
    let out = tally(&[
        "replica",
        "init",
        "--db",
        p(&db),
        "--facility",
        "FAC-9",
        "--serial",
        "TC58-1",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("device"));
    let key = dir.path().join("hh.db.key");
    assert!(key.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Never over an existing device.
    let again = tally(&["replica", "init", "--db", p(&db)]);
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
    let log = dir.path().join("hh.log");
    let export = tally(&["log", "export", "--db", p(&db), "--out", p(&log)]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    let verify = tally(&["log", "verify", p(&log)]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    // Export to standard output gives the same bytes.
    let stdout = tally(&["log", "export", "--db", p(&db)]);
    assert_eq!(stdout.stdout, std::fs::read(&log).unwrap());
    let missing = tally(&["replica", "stats", "--db", p(&dir.path().join("none.db"))]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no replica database"));
}

#[test]
fn demo_seed_is_realistic_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let mut digests = Vec::new();
    for name in ["a.db", "b.db"] {
        let db = dir.path().join(name);
        let out = tally(&[
            "demo",
            "seed",
            "--db",
            p(&db),
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
        "--packages",
        "99999999",
    ]);
    assert_eq!(bad.status.code(), Some(2), "usage error");
}
