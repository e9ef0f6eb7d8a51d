//! `tally decode` as scripts use it: the real binary, its JSON contract, escapes, standard
//! input and exit status.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn tally(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tally runs");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            pipe.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// One JSON object per output line.
fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

fn decode_json(scan: &str) -> (Value, Option<i32>) {
    let output = tally(&["decode", "--json", scan], None);
    let mut lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    (lines.remove(0), output.status.code())
}

#[test]
fn gs1_128_scan_in_json() {
    let (v, code) = decode_json("]C1010703206980498815210526100329");
    assert_eq!(code, Some(0));
    assert_eq!(v["input"], "]C1010703206980498815210526100329");
    assert_eq!(v["kind"], "gs1");
    assert_eq!(v["symbology"]["id"], "]C1");
    assert_eq!(v["symbology"]["name"], "GS1-128");
    assert_eq!(v["hri"], "(01)07032069804988(15)210526(10)0329");
    let elements = v["elements"].as_array().unwrap();
    assert_eq!(elements.len(), 3);
    assert_eq!(elements[0]["ai"], "01");
    assert_eq!(elements[0]["title"], "GTIN");
    assert_eq!(elements[0]["value"], "07032069804988");
    assert_eq!(elements[1]["ai"], "15");
    assert_eq!(elements[1]["date"], "2021-05-26");
    assert_eq!(elements[2]["value"], "0329");
    assert!(v["epc"].is_null());
    assert!(v["uid"].is_null());
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn implied_decimal_and_day_zero() {
    let (v, code) = decode_json("3105123456");
    assert_eq!(code, Some(0));
    assert_eq!(v["elements"][0]["decimal"], "1.23456");
    let (v, _) = decode_json("]C115250200");
    assert_eq!(v["elements"][0]["date"], "2025-02-28");
}

#[test]
fn escapes_stand_for_the_gs_byte() {
    let expected = "(01)07032069804988(10)0329(15)210526";
    for scan in [
        "0107032069804988100329<GS>15210526",
        "0107032069804988100329\\x1d15210526",
        "0107032069804988100329\u{1d}15210526",
    ] {
        let (v, code) = decode_json(scan);
        assert_eq!(code, Some(0), "{scan}");
        assert_eq!(v["hri"], expected, "{scan}");
        assert_eq!(v["input"], scan, "input is echoed as typed");
    }
}

#[test]
fn extra_separator_characters() {
    let output = tally(
        &[
            "decode",
            "--json",
            "--separator",
            "|",
            "0107032069804988100329|15210526",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        json_lines(&output)[0]["hri"],
        "(01)07032069804988(10)0329(15)210526"
    );
}

#[test]
fn standard_input_one_scan_per_line_and_exit_1_on_any_error() {
    let input = b"]C10107032069804988\n]C10107032069804987\r\n\n1A4FF0100000022000000123\n";
    let output = tally(&["decode", "--json"], Some(input));
    assert_eq!(output.status.code(), Some(1), "one scan has an error");
    let lines = json_lines(&output);
    assert_eq!(
        lines.len(),
        3,
        "blank lines are skipped, every scan is printed"
    );
    assert_eq!(lines[0]["errors"], serde_json::json!([]));
    assert_eq!(
        lines[1]["errors"],
        serde_json::json!(["GTIN check digit should be 8, got 7"])
    );
    assert_eq!(lines[2]["kind"], "metrc_tag");
    assert_eq!(lines[2]["uid"], "1A4FF0100000022000000123");
}

#[test]
fn scans_ended_by_cr_alone_are_separate_scans() {
    // Regression: a scanner log where each scan ends with CR (a common scanner suffix) was
    // read as one long scan.
    let input = b"]C10107032069804988\r1A4FF0100000022000000123\r]C10107032069804987\r\n";
    let output = tally(&["decode", "--json"], Some(input));
    let lines = json_lines(&output);
    let kinds: Vec<&str> = lines.iter().map(|v| v["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["gs1", "metrc_tag", "gs1"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the third has a wrong check digit"
    );
}

#[test]
fn rfid_epc_banks() {
    let output = tally(
        &[
            "decode",
            "--json",
            "--source",
            "rfid",
            "3074257BF7194E4000001A85",
            "1A4FF0100000022000000123",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output);
    assert_eq!(lines[0]["kind"], "epc");
    assert_eq!(lines[0]["epc"]["scheme"], "sgtin-96");
    assert_eq!(
        lines[0]["epc"]["tag_uri"],
        "urn:epc:tag:sgtin-96:3.0614141.812345.6789"
    );
    assert_eq!(
        lines[0]["epc"]["pure_uri"],
        "urn:epc:id:sgtin:0614141.812345.6789"
    );
    assert_eq!(lines[0]["epc"]["filter"], 3);
    assert_eq!(lines[0]["hri"], "(01)80614141123458(21)6789");
    assert_eq!(
        lines[1]["kind"], "metrc_tag",
        "an EPC whose hex is a Metrc tag is that tag"
    );
    assert_eq!(lines[1]["uid"], "1A4FF0100000022000000123");
}

#[test]
fn digital_link_only_in_plain_2d_codes() {
    let (v, code) = decode_json("]Q1https://example.com/01/00614141123452/10/ABC123?15=250330");
    assert_eq!(code, Some(0));
    assert_eq!(v["kind"], "gs1_digital_link");
    assert_eq!(v["hri"], "(01)00614141123452(10)ABC123(15)250330");
    let (v, code) = decode_json("]Q3https://example.com/01/00614141123452/10/ABC123?15=250330");
    assert_eq!(code, Some(1));
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
}

#[test]
fn ambiguous_scans_list_candidates() {
    let (v, code) = decode_json("4101234567890128");
    assert_eq!(code, Some(0));
    assert_eq!(v["kind"], "gs1");
    let kinds: Vec<&str> = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["gs1", "biotrack_id"]);
    assert_eq!(v["candidates"][0]["chosen"], true);
    assert!(v["choice"].as_str().unwrap().contains("BioTrack"));
}

#[test]
fn a_metrc_facility_sees_gs1_errors_not_biotrack_ids() {
    // Every system (the default): a BioTrack id, with a warning naming the GS1 problem.
    let (v, code) = decode_json("0107032069804987");
    assert_eq!(code, Some(0), "a warning is not an error");
    assert_eq!(v["kind"], "biotrack_id");
    let warning = v["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("GTIN check digit should be 8, got 7"),
        "{warning}"
    );
    // --state metrc: no BioTrack reading, the GS1 error, exit 1.
    let output = tally(
        &["decode", "--json", "--state", "metrc", "0107032069804987"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let v = &json_lines(&output)[0];
    assert_eq!(v["kind"], "gs1");
    assert_eq!(
        v["errors"],
        serde_json::json!(["GTIN check digit should be 8, got 7"])
    );
    assert_eq!(v["warnings"], serde_json::json!([]));
    // Repeatable: both systems named is the same as the default.
    let output = tally(
        &[
            "decode",
            "--json",
            "--state",
            "metrc",
            "--state",
            "biotrack",
            "6647684463740213",
        ],
        None,
    );
    assert_eq!(json_lines(&output)[0]["kind"], "biotrack_id");
    // The summary shows the warning.
    let output = tally(&["decode", "0107032069804987"], None);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("WARNING: read as a BioTrack id"), "{text}");
}

#[test]
fn digital_link_field_and_pc_word() {
    let (v, _) = decode_json("]C1010703206980498815210526100329");
    assert_eq!(
        v["digital_link"],
        "https://id.gs1.org/01/07032069804988/10/0329?15=210526"
    );
    let (v, _) = decode_json("]C10107032069804987");
    assert!(v["digital_link"].is_null());
    let (v, _) = decode_json("]C1100329");
    assert!(v["digital_link"].is_null(), "a batch alone has no GS1 key");
    let output = tally(
        &["decode", "--source", "rfid", "30003074257BF7194E4000001A85"],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("urn:epc:tag:sgtin-96:3.0614141.812345.6789"),
        "{text}"
    );
    assert!(
        text.contains("note: the reader sent the tag's PC word 3000 in front of the EPC"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        tally(&["decode", "--source", "laser", "x"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        tally(&["decode", "--separator", "¦", "x"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        tally(&["decode", "--no-such-flag"], None).status.code(),
        Some(2)
    );
    assert_eq!(
        tally(&["decode", "--threads", "0"], Some(b"x\n"))
            .status
            .code(),
        Some(2)
    );
    let digits = tally(&["decode", "--separator", "29", "x"], None);
    assert_eq!(digits.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&digits.stderr).contains("letter or digit"));
    assert_eq!(
        tally(&["decode", "--state", "leaf", "x"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn readable_summary_without_json() {
    let output = tally(
        &[
            "decode",
            "]C10107032069804987",
            "]C1010703206980498815210526",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("GS1-128"), "{text}");
    assert!(
        text.contains("ERROR: GTIN check digit should be 8, got 7"),
        "{text}"
    );
    assert!(
        text.contains("BEST BEFORE or BEST BY  210526  = 2021-05-26"),
        "{text}"
    );
    assert!(
        text.contains("Digital Link: https://id.gs1.org/01/07032069804988?15=210526"),
        "{text}"
    );
}

#[test]
fn summary_never_sends_control_characters_to_the_terminal() {
    // Regression: a scan holding ESC sequences (or the GS byte from a real scanner) was
    // echoed raw, so a crafted barcode could clear or rewrite the technician's screen.
    let output = tally(
        &["decode"],
        Some(b"hello\x1b[2J\x1b]0;pwned\x07\n0107032069804988100329\x1d15210526\n"),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        !text.bytes().any(|b| b.is_ascii_control() && b != b'\n'),
        "{text:?}"
    );
    assert!(text.contains("hello\\x1b[2J\\x1b]0;pwned\\x07"), "{text}");
    assert!(
        text.contains("0107032069804988100329<GS>15210526"),
        "{text}"
    );
}

#[test]
fn help_speaks_to_a_technician() {
    let output = tally(&["decode", "--help"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "--source",
        "--separator",
        "--state",
        "--json",
        "<GS>",
        "Exit status",
    ] {
        assert!(text.contains(needle), "help mentions {needle}: {text}");
    }
}

/// Regression: `tally decode ... | head -1` printed "tally: Broken pipe" and exited 1 when the
/// reader closed the pipe early. It now stops quietly.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::{BufRead, BufReader};

    let scans: Vec<String> = (0..20_000)
        .map(|_| "1A4FF0100000022000000123".into())
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
        .args(["decode", "--json"])
        .args(&scans)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tally runs");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert!(first.contains("\"kind\":\"metrc_tag\""), "{first}");
    // The reader is dropped here, closing the pipe with most of the output unread.
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("Broken pipe"), "stderr: {stderr}");
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
}

#[test]
fn near_misses_a_receiver_meets() {
    // A 128-bit EPC bank: an SGTIN-96 and a word of zeros, read as the SGTIN with a note.
    let output = tally(
        &["decode", "--source", "rfid", "3074257BF7194E4000001A850000"],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let summary = String::from_utf8(output.stdout).unwrap();
    assert!(
        summary.contains("EPC: urn:epc:tag:sgtin-96:3.0614141.812345.6789"),
        "{summary}"
    );
    assert!(
        summary.contains("note: the tag's EPC memory holds 1 word(s) of zeros"),
        "{summary}"
    );
    assert!(!summary.contains("PC word"), "{summary}");
    // A Metrc tag cut short: a damaged tag, exit status 1, in JSON too.
    let output = tally(&["decode", "1A4FF01000000220000001"], None);
    assert_eq!(output.status.code(), Some(1));
    let summary = String::from_utf8(output.stdout).unwrap();
    assert!(
        summary.contains("ERROR: this looks like a damaged Metrc tag: it has 22 characters"),
        "{summary}"
    );
    let (v, code) = decode_json("1A4FF01000000220000001");
    assert_eq!((v["kind"].as_str(), code), (Some("metrc_tag"), Some(1)));
    assert_eq!(v["uid"], Value::Null);
    // A Digital Link on GS1's resolver without a key is an error, not plain text.
    let (v, code) = decode_json("]Q1https://id.gs1.org/products/abc");
    assert_eq!(code, Some(1));
    assert_eq!(v["kind"], "gs1_digital_link");
    assert!(v["errors"][0]
        .as_str()
        .unwrap()
        .contains("is on GS1's resolver id.gs1.org but its path has no GS1 primary key"));
}

#[test]
fn json_lines_on_standard_input_match_arguments() {
    // The reused buffers of the line loop give each scan exactly what it gets on its own.
    let scans = [
        "]C10107032069804988<GS>10AB",
        "]C10107032069804987",
        "1A4FF0100000022000000123",
        "]Q1https://example.com/01/09506000134352?999=x",
        "hello \"world\"",
    ];
    let input = scans.join("\n");
    let output = tally(&["decode", "--json"], Some(input.as_bytes()));
    let piped = json_lines(&output);
    assert_eq!(piped.len(), scans.len());
    for (scan, from_stdin) in scans.iter().zip(&piped) {
        assert_eq!(&decode_json(scan).0, from_stdin, "{scan}");
    }
}

/// A long log read from standard input is decoded on every core: its output must be line for
/// line what the same scans give one at a time, in the same order, with the same exit status.
#[test]
fn a_long_log_on_standard_input_keeps_its_order_and_matches_scans_one_by_one() {
    let scans: Vec<String> = (0..9_000)
        .map(|i| match i % 6 {
            0 => format!("]C101095060001343521526123110L{i:07}"),
            1 => format!("]Q1https://id.gs1.org/01/09506000134352/10/A{i:07}?17=261231"),
            2 => format!("]d2010950600013435221{i:07}<GS>3103000{:03}", i % 1000),
            3 => format!("1A4FF01000000220{i:08}"),
            // A wrong check digit: exit status 1.
            4 => format!("]C1010950600013435310L{i:07}"),
            _ => format!("not a code {i}"),
        })
        .collect();
    let mut input = scans.join("\n").into_bytes();
    input.push(b'\n');
    // Standard input is written by another thread: the output fills its pipe long before the
    // input is all written.
    let from_stdin = |threads: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tally"))
            .args(["decode", "--json"])
            .args(threads)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tally runs");
        let mut pipe = child.stdin.take().unwrap();
        let input = input.clone();
        let writer = std::thread::spawn(move || pipe.write_all(&input));
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert_eq!(output.status.code(), Some(1), "{threads:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let every_core = from_stdin(&[]);
    // One thread, or more threads than cores: the same bytes.
    assert!(
        from_stdin(&["--threads", "1"]) == every_core,
        "--threads 1 differs"
    );
    assert!(
        from_stdin(&["--threads", "3"]) == every_core,
        "--threads 3 differs"
    );
    let lines: Vec<&str> = every_core.lines().collect();
    assert_eq!(lines.len(), scans.len());
    // The same scans as arguments, in a few batches, decoded one after the other.
    for (batch_index, batch) in scans.chunks(1_500).enumerate() {
        let mut args = vec!["decode", "--json"];
        args.extend(batch.iter().map(String::as_str));
        let one_by_one = tally(&args, None);
        let expected = String::from_utf8(one_by_one.stdout).unwrap();
        for (offset, expected) in expected.lines().enumerate() {
            let index = batch_index * 1_500 + offset;
            assert_eq!(lines[index], expected, "scan {index}: {}", scans[index]);
        }
    }
}
