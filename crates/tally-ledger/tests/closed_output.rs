//! `tally-ledger` run as the built binary with its standard output the write end of a pipe
//! whose reader has already gone (`tally-ledger export --db … | head -c 100` once `head` has
//! exited): every one-shot command ends quietly with status 0 and nothing on standard error.
//! Before, `println!` panicked (status 101) and written output failed with "tally-ledger:
//! Broken pipe" (status 1).

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_tally-ledger");

/// The admin key `init` registers for the ledger's creator: in the test's own directory, never
/// the user's configuration.
fn admin_key(db: &str) -> String {
    format!("{db}.operator/admin.key")
}

/// Runs `tally-ledger` with its output into a pipe whose read end is closed.
fn into_closed_pipe(args: &[&str], admin_key: &str) -> Output {
    let (read, write) = nix::unistd::pipe().expect("a pipe");
    drop(read);
    Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key)
        .stdin(Stdio::null())
        .stdout(Stdio::from(write))
        .stderr(Stdio::piped())
        .output()
        .expect("run tally-ledger")
}

#[test]
fn one_shot_commands_into_a_closed_pipe_end_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let db = db.to_str().unwrap();
    for args in [
        &["init", "--db", db][..],
        &["verifier-key", "--db", db],
        &["verify", "--db", db],
        &["export", "--db", db],
        &["--help"],
    ] {
        let output = into_closed_pipe(args, &admin_key(db));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.is_empty(), "{args:?}: stderr: {stderr}");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {:?}",
            output.status
        );
    }
    // `init` did its work before it printed the key: the ledger is there and verifies.
    let verify = Command::new(BIN)
        .args(["verify", "--db", db])
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key(db))
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
