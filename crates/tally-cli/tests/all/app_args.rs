//! `tally app` refuses bad set-ups before it takes the terminal: no database, a database that
//! is not there, a configuration with a misspelt setting, an unknown language. Each says what
//! is wrong and exits 1 (2 for a usage error).

use std::process::{Command, Output};

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .output()
        .expect("run tally")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_set_ups_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let none = tally(&["app"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        stderr(&none).contains("give --db PATH"),
        "{}",
        stderr(&none)
    );

    let missing = dir.path().join("missing.db");
    let out = tally(&["app", "--db", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no replica database"),
        "{}",
        stderr(&out)
    );

    let config = dir.path().join("tally.toml");
    std::fs::write(&config, "database = \"x.db\"\n[timeouts]\nauto_lock = 5\n").unwrap();
    let out = tally(&["app", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("auto_lock"), "{}", stderr(&out));

    let out = tally(&["app", "--db", "x.db", "--language", "fr"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"fr\""), "{}", stderr(&out));
}
