//! The committed udev rules are exactly what the profiles generate (regenerate with
//! `tally devices udev-rules > drivers/udev/70-tally-devices.rules`).

use tally_drivers::profile::{udev_rules, ProfileSet};

#[test]
fn committed_udev_rules_equal_the_generated_ones() {
    let generated = udev_rules(&ProfileSet::embedded().unwrap());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/udev/70-tally-devices.rules"
    ))
    .unwrap();
    assert_eq!(
        committed, generated,
        "drivers/udev/70-tally-devices.rules is stale: regenerate it with `tally devices udev-rules`"
    );
}

#[test]
fn every_usb_matched_profile_gets_a_rule() {
    let set = ProfileSet::embedded().unwrap();
    let rules = udev_rules(&set);
    for p in set.iter() {
        for rule in &p.matching.usb {
            assert!(
                rules.contains(&format!("ATTRS{{idVendor}}==\"{:04x}\"", rule.vendor_id)),
                "{}",
                p.id
            );
        }
    }
    assert!(rules
        .lines()
        .all(|l| l.is_empty() || l.starts_with('#') || l.contains("MODE=\"0660\"")));
}
