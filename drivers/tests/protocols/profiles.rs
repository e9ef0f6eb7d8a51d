//! Every shipped firmware profile parses and validates, both embedded and loaded from the
//! directory, and the ids the issue names exist.

use std::path::Path;

use tally_drivers::profile::{DeviceKind, ProfileSet};

fn shipped_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../firmware-profiles"))
}

#[test]
fn every_embedded_profile_validates() {
    let set = ProfileSet::embedded().expect("embedded profiles load");
    assert!(set.len() >= 14, "only {} profiles", set.len());
    for p in set.iter() {
        p.validate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.file,
            format!("{}/{}.toml", p.kind.as_str(), p.id),
            "profiles live in firmware-profiles/<kind>/<id>.toml"
        );
    }
}

#[test]
fn the_directory_and_the_embedded_copy_agree() {
    let embedded = ProfileSet::embedded().unwrap();
    let loaded = ProfileSet::load_dir(shipped_dir()).unwrap();
    assert_eq!(embedded.len(), loaded.len());
    for p in embedded.iter() {
        let q = loaded.get(&p.id).unwrap();
        assert_eq!(p.transport, q.transport);
        assert_eq!(p.protocol, q.protocol);
        assert_eq!(p.matching, q.matching);
        assert_eq!(p.params, q.params);
    }
}

#[test]
fn the_required_ids_exist_with_their_protocols() {
    let set = ProfileSet::embedded().unwrap();
    for (id, protocol) in [
        ("generic-hid-pos", "hid-pos"),
        ("generic-keyboard-wedge", "keyboard-wedge"),
        ("mettler-toledo-mt-sics", "mt-sics"),
        ("and-standard-format", "and-standard"),
        ("ohaus-standard", "ohaus"),
        ("nci-weigh-tronix", "nci"),
        ("chafon-uhfreader18", "chafon-uhfreader18"),
        ("chafon-uhfreader288", "chafon-uhfreader288"),
        ("thingmagic-mercury", "thingmagic-mercury"),
        ("m100-bb7e", "m100-bb7e"),
    ] {
        let p = set.get(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.protocol, protocol, "{id}");
    }
}

#[test]
fn scanners_of_each_vendor_and_mode_are_covered() {
    let set = ProfileSet::embedded().unwrap();
    for vendor in ["Honeywell", "Zebra", "Datalogic", "Newland"] {
        assert!(
            set.iter()
                .any(|p| p.kind == DeviceKind::Scanner && p.vendor.starts_with(vendor)),
            "no {vendor} scanner"
        );
    }
    for protocol in ["hid-pos", "keyboard-wedge", "serial-barcode"] {
        assert!(
            set.iter().filter(|p| p.protocol == protocol).count() >= 3,
            "{protocol}"
        );
    }
    for vendor in ["Mettler", "A&D", "Ohaus", "NCI"] {
        assert!(
            set.iter()
                .any(|p| p.kind == DeviceKind::Scale && p.vendor.starts_with(vendor)),
            "no {vendor} scale"
        );
    }
}

#[test]
fn a_model_profile_beats_the_generic_one_it_extends() {
    let set = ProfileSet::embedded().unwrap();
    let honeywell = set
        .match_usb(0x0C2E, 0x0B8F, Some(0x8C), Some(0x02), Some(0))
        .unwrap();
    assert_eq!(honeywell.id, "honeywell-voyager-1400g-hid-pos");
    assert_eq!(honeywell.protocol, "hid-pos");
    assert_eq!(honeywell.transport.report_size, Some(64), "inherited");
    let unknown = set
        .match_usb(0x1234, 0x5678, Some(0x8C), Some(0x02), Some(0))
        .unwrap();
    assert_eq!(unknown.id, "generic-hid-pos");
    assert!(set
        .match_usb(0x1234, 0x5678, Some(0x01), Some(0x06), Some(0))
        .is_none());
    // A keyboard-mode scanner's vendor interface is not its keyboard.
    let wedge = set
        .match_usb(0x05F9, 0x2206, Some(0x01), Some(0x06), Some(0))
        .unwrap();
    assert_eq!(wedge.id, "datalogic-gryphon-keyboard");
    assert!(set
        .match_usb(0x05F9, 0x2206, Some(0xFF00), Some(0x01), Some(1))
        .is_none());
    let cdc = set.match_serial("/dev/ttyACM0", Some((0x1EAB, 0x0C06)));
    assert_eq!(cdc.len(), 1);
    assert_eq!(cdc[0].id, "newland-hr3290-serial");
}

#[test]
fn a_typo_in_a_copied_directory_is_reported_with_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let scale_dir = dir.path().join("scale");
    std::fs::create_dir(&scale_dir).unwrap();
    let text = std::fs::read_to_string(shipped_dir().join("scale/ohaus-standard.toml")).unwrap();
    std::fs::write(
        scale_dir.join("ohaus-standard.toml"),
        text.replace("flow_control", "flow_contrl"),
    )
    .unwrap();
    let err = ProfileSet::load_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("ohaus-standard.toml"), "{err}");
    assert!(err.contains("flow_contrl"), "{err}");
}
