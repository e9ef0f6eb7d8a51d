//! `tally` run as the built binary with its standard output the write end of a pipe whose
//! reader has already gone (`tally replica stats | head -1` once `head` has exited): every
//! command ends quietly with status 0, printing nothing to standard error. Before, `println!`
//! panicked ("failed printing to stdout: Broken pipe", status 101) and the device simulator
//! died the same way.

use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The write end of a pipe whose read end is closed: a reader that has gone away.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    let status = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(status, 0, "pipe2: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just created and are owned by nobody else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    Stdio::from(write)
}

/// A `tally` command with no usable default key directory and its output into a closed pipe.
fn tally(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tally"));
    command
        .args(args)
        .env_remove("TALLY_KEY_DIR")
        .env("XDG_STATE_HOME", "/dev/null/no-key-dir-in-tests")
        .env("HOME", "/dev/null/no-home-in-tests")
        .stdin(Stdio::null())
        .stdout(closed_pipe())
        .stderr(Stdio::piped());
    command
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Asserts the quiet end: status 0 and nothing on standard error.
fn assert_quiet(what: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "{what}: stderr: {stderr}");
    assert_eq!(output.status.code(), Some(0), "{what}: {:?}", output.status);
}

/// Waits for `child` at most `limit` (it is killed and the test fails after that).
fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for tally") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tally kept running with nobody reading its output");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn replica_stats_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let db = dir.path().join("hh.db");
    let init = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args([
            "replica",
            "init",
            "--db",
            p(&db),
            "--key-dir",
            p(keys.path()),
        ])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    for args in [
        &["replica", "stats", "--db", p(&db)][..],
        &["replica", "stats", "--db", p(&db), "--json"],
    ] {
        let output = tally(args).output().unwrap();
        assert_quiet(&args.join(" "), &output);
    }
    // The replica is untouched: the same command into a real reader still works.
    let stats = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["replica", "stats", "--db", p(&db)])
        .output()
        .unwrap();
    assert!(stats.status.success());
    assert!(!stats.stdout.is_empty());
}

#[test]
fn listing_and_decoding_into_a_closed_pipe_end_quietly() {
    for args in [
        &["--help"][..],
        &["devices", "profiles"],
        &["decode", "1A4FF0100000022000000123"],
        &["decode", "--json", "]C10107032069804987"],
    ] {
        let output = tally(args).output().unwrap();
        assert_quiet(&args.join(" "), &output);
    }
    // Standard input with many lines: the output fills no pipe buffer, it fails at once.
    let mut child = tally(&["decode", "--json"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write as _;
        for _ in 0..100_000 {
            // tally may have ended already: its end of this pipe is gone then.
            if input
                .write_all(b"]C1010703206980498815210526100329\n")
                .is_err()
            {
                break;
            }
        }
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_quiet("decode --json from standard input", &output);
}

#[test]
fn a_simulator_whose_output_goes_away_stops_and_removes_its_link() {
    let dir = tempfile::tempdir().unwrap();
    for (device, protocol) in [("scale", "mt-sics"), ("rfid", "chafon-uhfreader288")] {
        let link = dir.path().join(device);
        let mut child = tally(&[
            "devices",
            "simulate",
            device,
            "--protocol",
            protocol,
            "--link",
            p(&link),
            "--duration",
            "600",
        ])
        .spawn()
        .unwrap();
        let status = wait_at_most(&mut child, Duration::from_secs(60));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(stderr.is_empty(), "{device}: stderr: {stderr}");
        assert_eq!(status.code(), Some(0), "{device}: {status:?}");
        assert!(
            std::fs::symlink_metadata(&link).is_err(),
            "{device}: the simulator's link {} is left behind",
            link.display()
        );
    }
}
