//! Profile loading and validation tests.

use super::*;
use crate::protocol::ProtocolId;

const SCALE: &str = r#"
kind = "scale"
vendor = "Acme"
model = "S1"
description = "test scale"
protocol = "mt-sics"
verified = false
source = "none"
[match]
serial = [{ path = "/dev/ttyUSB*" }]
[transport]
type = "serial"
baud = 9600
data_bits = 8
parity = "none"
stop_bits = 1
flow_control = "none"
"#;

fn one(file: &str, text: &str) -> Result<ProfileSet, ProfileError> {
    ProfileSet::from_sources([(file.to_string(), text.to_string())])
}

#[test]
fn a_valid_profile_loads() {
    let set = one("scale/acme-s1.toml", SCALE).unwrap();
    let p = set.get("acme-s1").unwrap();
    assert_eq!(p.transport.baud, Some(9600));
    assert!(p.matches_serial("/dev/ttyUSB0", None));
    assert!(!p.matches_serial("/dev/ttyACM0", None));
}

#[test]
fn a_misspelt_key_names_the_file_and_key() {
    let text = SCALE.replace("baud = 9600", "baudrate = 9600");
    let err = one("scale/acme-s1.toml", &text).unwrap_err().to_string();
    assert!(err.contains("scale/acme-s1.toml"), "{err}");
    assert!(err.contains("baudrate"), "{err}");
}

#[test]
fn a_bad_value_names_the_key() {
    let text = SCALE.replace("baud = 9600", "baud = 9601");
    let err = one("scale/acme-s1.toml", &text).unwrap_err().to_string();
    assert!(err.contains("transport.baud"), "{err}");
    let text = SCALE.replace("\"mt-sics\"", "\"mt-sicks\"");
    let err = one("scale/acme-s1.toml", &text).unwrap_err().to_string();
    assert!(err.contains("`protocol`"), "{err}");
}

#[test]
fn extends_fills_missing_fields_and_detects_loops() {
    let base = SCALE.replace(
        "[match]\nserial = [{ path = \"/dev/ttyUSB*\" }]\n",
        "generic = true\n",
    );
    let child = "extends = \"base\"\nmodel = \"S2\"\nverified = true\n[match]\nserial = [{ path = \"/dev/ttyS*\" }]\n[transport]\nbaud = 2400\n";
    let set = ProfileSet::from_sources([
        ("scale/base.toml".to_string(), base.clone()),
        ("scale/child.toml".to_string(), child.to_string()),
    ])
    .unwrap();
    let c = set.get("child").unwrap();
    assert_eq!(c.transport.baud, Some(2400));
    assert_eq!(c.transport.data_bits, Some(8));
    assert_eq!(c.protocol, "mt-sics");
    assert!(c.verified);
    assert!(!c.generic);
    let looped = base.replace("generic = true", "generic = true\nextends = \"child\"");
    let err = ProfileSet::from_sources([
        ("scale/base.toml".to_string(), looped),
        ("scale/child.toml".to_string(), child.to_string()),
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("extends"), "{err}");
}

#[test]
fn the_protocol_list_is_the_registry() {
    for id in ProtocolId::ALL {
        let text = SCALE.replace("\"mt-sics\"", &format!("\"{id}\""));
        let parsed = one("scale/acme-s1.toml", &text);
        // The name parses back to the id; only kind/transport checks may refuse it.
        if let Ok(set) = parsed {
            assert_eq!(set.get("acme-s1").unwrap().protocol, id);
        }
    }
    let err = one(
        "scale/acme-s1.toml",
        &SCALE.replace("\"mt-sics\"", "\"mt-sicks\""),
    )
    .unwrap_err()
    .to_string();
    for id in ProtocolId::ALL {
        assert!(err.contains(id.as_str()), "{err}");
    }
}

#[test]
fn a_non_printable_fnc1_substitute_is_refused() {
    let text = SCALE
        .replace("kind = \"scale\"", "kind = \"scanner\"")
        .replace("\"mt-sics\"", "\"serial-barcode\"")
        + "[params]\nsuffix = \"\\r\"\nfnc1_substitute = \"\\u0007\"\n";
    let err = one("scanner/acme-s1.toml", &text).unwrap_err().to_string();
    assert!(err.contains("fnc1_substitute"), "{err}");
}

#[test]
fn glob_matches_like_a_shell() {
    assert!(glob_match("/dev/ttyUSB*", "/dev/ttyUSB12"));
    assert!(glob_match("/dev/tty?SB0", "/dev/ttyUSB0"));
    assert!(glob_match(
        "*Mettler*",
        "/dev/serial/by-id/usb-Mettler_Toledo-if00"
    ));
    assert!(!glob_match("/dev/ttyUSB*", "/dev/ttyACM0"));
    assert!(glob_match("*", ""));
}
