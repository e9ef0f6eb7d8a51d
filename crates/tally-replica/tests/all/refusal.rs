//! The core's refusal catalogue in both languages: every refusal of
//! `tally_testkit::catalogue::every_refusal` (each variant, values of realistic length) reads
//! in English and in Spanish, differently, `Display` is the English, no two different refusals
//! read the same, and every identifier a person needs (badge, tag, location, lot, date,
//! weight, ...) that the English names is named in the Spanish too.

use std::collections::BTreeMap;

use tally_replica::refusal::Language;
use tally_testkit::catalogue::*;

#[test]
fn every_refusal_renders_in_english_and_spanish() {
    let all = every_refusal();
    // The catalogue may list one refusal twice (once per enum value it covers): the same
    // refusal reads the same; two different ones never do.
    let mut english = BTreeMap::new();
    for r in &all {
        let en = r.message(Language::English);
        let es = r.message(Language::Spanish);
        assert!(!en.trim().is_empty() && !es.trim().is_empty(), "{r:?}");
        assert_ne!(en, es, "{r:?} is not translated");
        assert_eq!(en, r.to_string());
        if let Some(earlier) = english.insert(en.clone(), r) {
            assert_eq!(earlier, r, "two refusals read the same: {en}");
        }
        for field in [
            BADGE,
            BADGE2,
            UID,
            UID2,
            LOCATION,
            MANIFEST,
            SCALE,
            CODE,
            PICK_LIST,
            ITEM_FOUND,
            ITEM_WANTED,
            BATCH,
            LOT,
            TASK,
            TOTE,
            "2027-01-01",
            "1.500 g",
        ] {
            if en.contains(field) {
                assert!(es.contains(field), "{es} lacks {field}");
            }
        }
    }
}
