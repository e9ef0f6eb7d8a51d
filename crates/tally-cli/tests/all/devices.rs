//! `tally devices` through the built binary: `profiles --json`, `replay` on the shared test
//! vectors (file and standard input), `udev-rules`, and simulate → capture → replay end to end
//! over a real PTY.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn tally() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tally"))
}

fn vectors(name: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("<CR>", "\r")
        .replace("<LF>", "\n")
        .replace("<ETX>", "\u{3}")
        .replace("<GS>", "\u{1d}")
}

fn replay_stdin(profile: &str, input: &str) -> (Vec<serde_json::Value>, i32) {
    let mut child = tally()
        .args(["devices", "replay", "--profile", profile, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    (lines, out.status.code().unwrap_or(-1))
}

#[test]
fn profiles_json_lists_every_required_profile() {
    let out = tally()
        .args(["devices", "profiles", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(all.len() >= 14);
    for id in [
        "generic-hid-pos",
        "generic-keyboard-wedge",
        "mettler-toledo-mt-sics",
        "and-standard-format",
        "ohaus-standard",
        "nci-weigh-tronix",
        "chafon-uhfreader18",
        "chafon-uhfreader288",
        "thingmagic-mercury",
        "m100-bb7e",
    ] {
        let p = all
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        assert!(p["protocol"].is_string() && p["source"].is_string(), "{p}");
        assert!(p["verified"].is_boolean(), "{p}");
        assert!(p["transport"]["type"].is_string(), "{p}");
    }
}

#[test]
fn a_bad_profiles_dir_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scale")).unwrap();
    std::fs::write(
        dir.path().join("scale/x.toml"),
        "kind = \"scale\"\nprotocl = \"nci\"\n",
    )
    .unwrap();
    let out = tally()
        .args(["devices", "profiles", "--profiles-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("x.toml") && err.contains("protocl"), "{err}");
}

#[test]
fn replay_decodes_every_scale_line_vector() {
    for row in vectors("scale-lines.tsv") {
        let (protocol, line, value, unit, stable, overload) =
            (&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]);
        let profile = match protocol.as_str() {
            "and" => "and-standard-format",
            "ohaus" => "ohaus-standard",
            "nci" => "nci-weigh-tronix",
            other => panic!("unknown protocol {other}"),
        };
        let bytes = unescape(line);
        let (events, code) = replay_stdin(profile, &format!("{}\n", hex_of(bytes.as_bytes())));
        assert_eq!(code, 0);
        assert_eq!(events.len(), 1, "{line}: {events:?}");
        let e = &events[0];
        if value.is_empty() {
            assert_eq!(e["type"], "error", "{line}: {e}");
            if overload == "true" {
                assert!(
                    e["message"].as_str().unwrap().contains("load"),
                    "{line}: {e}"
                );
            }
        } else {
            assert_eq!(e["type"], "weight", "{line}: {e}");
            assert_eq!(e["value"], value.as_str(), "{line}");
            assert_eq!(e["unit"], unit.as_str(), "{line}");
            assert_eq!(e["stable"], stable == "true", "{line}");
        }
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn replay_decodes_reader_frames_from_a_file_with_read_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    for row in vectors("rfid-frames.tsv") {
        let (protocol, direction, hex, meaning, valid) =
            (&row[0], &row[1], &row[2], &row[3], &row[4]);
        if direction != "reader" || hex.len() < 10 {
            continue;
        }
        let profile = match protocol.as_str() {
            "m100" => "m100-bb7e",
            "thingmagic" => "thingmagic-mercury",
            other => other,
        };
        // `|` = read boundary: one chunk per line, as a capture stores it.
        let file = dir.path().join("capture.txt");
        let mut text = String::from("# from rfid-frames.tsv\n");
        for part in hex.split('|') {
            text.push_str(part);
            text.push_str(" # +0ms\n");
        }
        std::fs::write(&file, text).unwrap();
        let out = tally()
            .args(["devices", "replay", "--profile", profile])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{meaning}");
        let events: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let tags: Vec<&serde_json::Value> = events.iter().filter(|e| e["type"] == "tag").collect();
        if valid == "true" && meaning.contains("EPC") {
            for epc in meaning
                .split(|c: char| !c.is_ascii_hexdigit())
                .filter(|w| w.len() == 24)
            {
                assert!(
                    tags.iter()
                        .any(|t| t["epc"].as_str().unwrap().eq_ignore_ascii_case(epc)),
                    "{meaning}: {events:?}"
                );
            }
        }
        if valid == "false" {
            assert!(tags.is_empty(), "{meaning}: {events:?}");
        }
    }
}

#[test]
fn replay_decodes_mt_sics_replies_and_reports_unreadable_lines() {
    let (events, code) = replay_stdin(
        "mettler-toledo-mt-sics",
        &format!(
            "{}\n{}\nnot hex\n{}\n",
            hex_of(b"S S     100.00 g\r\n"),
            hex_of(b"S D     129.07 g\r\n"),
            hex_of(b"S +\r\n")
        ),
    );
    assert_eq!(code, 1, "an unreadable line makes the exit status 1");
    assert_eq!(events.len(), 4, "{events:?}");
    assert_eq!(
        events[0],
        serde_json::json!({"type":"weight","value":"100.00","unit":"g","stable":true})
    );
    assert_eq!(events[1]["stable"], false);
    assert_eq!(events[2]["type"], "error");
    assert!(events[2]["message"].as_str().unwrap().contains("line 3"));
    assert_eq!(events[3]["type"], "error");
}

#[test]
fn replay_keeps_gs_in_scan_data() {
    let scan = b"]C10109501101530003\x1d10ABC\r";
    let (events, code) = replay_stdin("generic-serial-barcode", &format!("{}\n", hex_of(scan)));
    assert_eq!(code, 0);
    assert_eq!(
        events,
        vec![
            serde_json::json!({"type":"scan","symbology":"]C1","data":"0109501101530003\u{1d}10ABC"})
        ]
    );
}

#[test]
fn udev_rules_command_prints_the_committed_file() {
    let out = tally().args(["devices", "udev-rules"]).output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../drivers/udev/70-tally-devices.rules"),
    )
    .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), committed);
}

#[test]
fn simulate_capture_replay_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let mut sim = tally()
        .args([
            "devices",
            "simulate",
            "scale",
            "--protocol",
            "ohaus",
            "--duration",
            "120",
            "--link",
        ])
        .arg(&link)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(sim.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(
        first.trim(),
        link.display().to_string(),
        "prints its PTY link first"
    );
    let capture = dir.path().join("capture.txt");
    // A capture of a few seconds holds weights on a quiet machine; on a loaded one the window
    // can close before the first answer, so capture again (until a deadline) rather than fail.
    let deadline = Instant::now() + Duration::from_secs(90);
    let (text, values) = loop {
        let out = tally()
            .args([
                "devices",
                "capture",
                "--profile",
                "ohaus-standard",
                "--duration",
                "3",
                "--port",
            ])
            .arg(&link)
            .arg("--output")
            .arg(&capture)
            .output()
            .unwrap();
        if !out.status.success() {
            assert!(
                Instant::now() < deadline,
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(200));
            continue;
        }
        let text = std::fs::read_to_string(&capture).unwrap();
        let out = tally()
            .args(["devices", "replay", "--profile", "ohaus-standard"])
            .arg(&capture)
            .output()
            .unwrap();
        assert!(out.status.success());
        let values: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|e| e["type"] == "weight")
            .map(|e| e["value"].as_str().unwrap().to_string())
            .collect();
        if !values.is_empty() || Instant::now() > deadline {
            break (text, values);
        }
    };
    let _ = Command::new("kill")
        .arg("-INT")
        .arg(sim.id().to_string())
        .status();
    let _ = sim.wait();
    assert!(
        text.starts_with("# tally capture: profile=ohaus-standard"),
        "{text}"
    );
    assert!(
        text.contains("# sent 49500d0a"),
        "the IP polls are recorded: {text}"
    );
    assert!(!values.is_empty(), "no weight captured: {text}");
    // A still load: the stable simulator reads the same mass every time.
    assert!(values.iter().all(|v| v == "100.00"), "{values:?}");
}

/// Starts `tally devices simulate scale` with `extra` arguments and waits for its link line.
fn simulate_scale(link: &Path, extra: &[&str]) -> std::process::Child {
    let mut sim = tally()
        .args(["devices", "simulate", "scale", "--duration", "120"])
        .args(extra)
        .arg("--link")
        .arg(link)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(sim.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first.trim(), link.display().to_string());
    // Keep reading what it prints, so it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    sim
}

fn calibrate(link: &Path, certified: &str) -> std::process::Output {
    tally()
        .args([
            "devices",
            "calibrate",
            "--profile",
            "mettler-toledo-mt-sics",
            "--certified",
            certified,
            "--max-divisions",
            "0",
            "--timeout",
            "60",
            "--port",
        ])
        .arg(link)
        .output()
        .unwrap()
}

#[test]
fn calibrate_against_a_stable_simulator_finds_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let mut sim = simulate_scale(&link, &["--protocol", "mt-sics", "--mode", "stable"]);
    let out = calibrate(&link, "100.00");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let record: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(record["drifted"], false, "{stdout}");
    assert_eq!(record["deviation_mg"], 0, "{stdout}");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A second check on the same still load reads the same mass.
    let again = calibrate(&link, "100.00");
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let _ = Command::new("kill")
        .arg("-INT")
        .arg(sim.id().to_string())
        .status();
    let _ = sim.wait();

    // The load is the technician's check weight: 200.00 g read against a certified 199.99 g
    // is one division off, which --max-divisions 0 flags.
    let link = dir.path().join("scale-200");
    let mut sim = simulate_scale(&link, &["--load", "200.00"]);
    let out = calibrate(&link, "199.99");
    assert_eq!(out.status.code(), Some(1));
    let record: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(record["deviation_mg"], 10);
    assert_eq!(record["drifted"], true);
    let _ = Command::new("kill")
        .arg("-INT")
        .arg(sim.id().to_string())
        .status();
    let _ = sim.wait();
}

#[test]
fn simulate_refuses_a_load_that_is_not_a_decimal() {
    let out = tally()
        .args([
            "devices",
            "simulate",
            "scale",
            "--load",
            "lots",
            "--duration",
            "1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--load lots"), "{stderr}");
}

#[test]
fn monitor_prints_live_events_of_a_bound_simulator() {
    use tally_drivers::sim::scale::{ScaleConfig, ScaleMode, ScaleProtocol, ScaleSimulator};
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scale");
    let sim = ScaleSimulator::start(
        &link,
        ScaleConfig::new(ScaleProtocol::Nci, ScaleMode::Stable),
    )
    .unwrap();
    let out = tally()
        .args([
            "devices",
            "monitor",
            "--no-scan",
            "--duration",
            "4",
            "--bind",
        ])
        .arg(format!("{}=nci-weigh-tronix", link.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = sim.sent();
    sim.stop();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let weights: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["event"]["type"] == "weight")
        .collect();
    assert!(!weights.is_empty(), "{lines:?}");
    for (n, w) in weights.iter().enumerate() {
        assert_eq!(w["profile"], "nci-weigh-tronix");
        assert_eq!(w["device"], link.display().to_string());
        assert_eq!(w["event"]["unit"], "lb");
        assert_eq!(
            w["event"]["value"].as_str(),
            sent[n].value.as_deref(),
            "reading {} as sent",
            n + 1
        );
    }
}

#[test]
fn replay_reads_hid_pos_reports_with_the_captured_descriptor() {
    let rows = vectors("hid-reports.tsv");
    let mut descriptor = None;
    let mut checked = 0;
    for row in &rows {
        match row[0].as_str() {
            "hid-pos-descriptor" => descriptor = Some(row[1].clone()),
            "hid-pos-report" => {
                let d = descriptor.clone().unwrap();
                let input = format!("# hid-descriptor {d}\n{}\n", row[1]);
                let (events, code) = replay_stdin("generic-hid-pos", &input);
                assert_eq!(code, 0);
                if row[2].contains("continued false") {
                    assert_eq!(events.len(), 1, "{}: {events:?}", row[2]);
                    assert_eq!(events[0]["type"], "scan");
                    assert_eq!(events[0]["symbology"], "]E0");
                    assert_eq!(events[0]["data"], "5901234123457");
                } else {
                    // A continued report waits for the rest of the scan.
                    assert!(events.is_empty(), "{}: {events:?}", row[2]);
                }
                checked += 1;
            }
            _ => {}
        }
    }
    assert_eq!(checked, 2);
}

#[test]
fn replay_reads_keyboard_wedge_reports_one_per_line() {
    // Shift+a, release, Ctrl+], release, 1, release, Enter, release.
    let reports = [
        "0200040000000000",
        "0000000000000000",
        "0100300000000000",
        "0000000000000000",
        "00001e0000000000",
        "0000000000000000",
        "0000280000000000",
        "0000000000000000",
    ];
    let (events, code) = replay_stdin("generic-keyboard-wedge", &(reports.join("\n") + "\n"));
    assert_eq!(code, 0);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "scan");
    assert_eq!(events[0]["data"], "A\u{1d}1");
}
