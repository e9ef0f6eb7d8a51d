//! `tally log verify` and `tally log show` stream: run as the real binary on a 50 MB export of
//! tiny records, their peak resident memory (the child's `ru_maxrss`) stays far below the size
//! of the file. This file holds one test, so the children it measures are its own.

use std::io::Write as _;
use std::process::{Command, Stdio};

use tally_events::payload::{DeviceEnrolled, UserSignedOut};
use tally_events::{
    ChainWriter, DeviceKey, ExportWriter, ManualClock, Payload, Sha256Hash, Timestamp,
};

/// Peak resident set of the largest child waited for so far, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(status, 0);
    // Linux reports kilobytes.
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn verify_and_show_of_a_50_mb_export_stay_within_a_few_mb() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.tlog");
    let key = DeviceKey::from_seed([0x51; 32]);
    let clock = ManualClock::new(Timestamp {
        wall_unix_ms: 1_795_500_000_000,
        boot_id: [3; 16],
        since_boot_us: 1,
    });
    let (mut writer, genesis) = ChainWriter::genesis(
        key.clone(),
        &clock,
        "",
        DeviceEnrolled {
            facility: "F".into(),
            hardware_serial: "S".into(),
            enrollment_token_sha256: Sha256Hash::of(b"t"),
            previous_device: None,
        },
    )
    .unwrap();
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut export = ExportWriter::v2(file).unwrap();
    export.write(&genesis).unwrap();
    let mut size = 16u64;
    while size < 50_000_000 {
        clock.advance_ms(1);
        let event = writer
            .append(
                &clock,
                "B",
                Payload::UserSignedOut(UserSignedOut { badge: "B".into() }),
            )
            .unwrap();
        size += 4 + event.as_bytes().len() as u64;
        export.write(&event).unwrap();
    }
    let events = export.records();
    export.finish_signed(&key).unwrap().flush().unwrap();
    let file_size = std::fs::metadata(&path).unwrap().len();
    assert!(file_size >= 50_000_000);

    let before = children_peak_rss();
    let output = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["log", "verify", "--batch"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(&format!("intact: {events} events")),
        "{text}"
    );
    let verify_peak = children_peak_rss();

    let status = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["log", "show"])
        .arg(&path)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let show_peak = children_peak_rss();
    // A generous bound: the binary itself, its buffers and one batch of records; reading the
    // whole file into memory would need more than 50 MB.
    let bound = 24 * 1024 * 1024;
    eprintln!("file {file_size} bytes; peak RSS: verify {verify_peak}, show {show_peak}");
    assert!(before <= bound, "a test child already used {before} bytes");
    assert!(
        verify_peak <= bound,
        "verify peaked at {verify_peak} bytes for a {file_size}-byte file"
    );
    assert!(
        show_peak <= bound,
        "show peaked at {show_peak} bytes for a {file_size}-byte file"
    );
}
