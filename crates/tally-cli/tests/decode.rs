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
fn help_speaks_to_a_technician() {
    let output = tally(&["decode", "--help"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for needle in ["--source", "--separator", "--json", "<GS>", "Exit status"] {
        assert!(text.contains(needle), "help mentions {needle}: {text}");
    }
}
