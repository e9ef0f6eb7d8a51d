//! `Decoded::write_json` writes exactly what `serde_json` writes from `Serialize`: checked on
//! every scan of the engine cross-check data, on hand-picked scans that fill every field
//! (symbology, dates, times, decimals, currency, EPC with and without filter, candidates,
//! warnings, escapes), and on arbitrary bytes from barcode scanners and RFID readers.

use proptest::prelude::*;

use tally_ids::{decode, Date, DecodeOptions, Source, StateSystems, UidSystem};

fn options(source: Source) -> DecodeOptions {
    let mut options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
    options.source = source;
    options
}

fn assert_same(scan: &[u8], options: &DecodeOptions) {
    let decoded = decode(scan, options);
    let mut ours = b"left over from the last scan".to_vec();
    ours.clear();
    decoded.write_json(&mut ours);
    let serde = serde_json::to_vec(&decoded).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&serde),
        "{}",
        String::from_utf8_lossy(scan)
    );
}

#[test]
fn every_engine_case_is_written_as_serde_writes_it() {
    let text = include_str!("data/gs1-syntax-engine-cases.tsv");
    let barcode = options(Source::Barcode);
    for line in text.lines().skip(1) {
        let scan = line.split('\t').next().unwrap_or_default();
        assert_same(scan.replace("<GS>", "\u{1d}").as_bytes(), &barcode);
    }
}

#[test]
fn every_field_is_written_as_serde_writes_it() {
    let barcode = options(Source::Barcode);
    for scan in [
        "]C1010703206980498815210526100329",
        "]C10107032069804987",
        "0107032069804987",
        "6647684463740213",
        "1A4FF0100000022000000123",
        "1A4FF01000000220000001",
        "]C131030001253922084012345\u{1d}8008261124143015\u{1d}7003261124143",
        "]C17007261101261130\u{1d}3922084012345",
        "]Q1https://id.gs1.org/01/09506000134352/10/A%22b%5C?17=261231",
        "]Q1https://id.gs1.org/",
        "]E05901234123457",
        "]C0quote \" backslash \\ tab \t bell \u{7} del \u{7f} é ✓",
        "(01)09506000134352(10)A1",
        "",
        "]Z9",
    ] {
        assert_same(scan.as_bytes(), &barcode);
    }
    let mut metrc = barcode;
    metrc.state_systems = StateSystems::only(&[UidSystem::Metrc]);
    assert_same(b"0107032069804987", &metrc);
    let rfid = options(Source::Rfid);
    for scan in [
        "3074257BF7194E4000001A85",
        "3074257BF7194E4000001A850000",
        "30003074257BF7194E4000001A85",
        "1A4FF0100000022000000123",
        "2D74257BF4499602D2000000",
        "ABCDEF0123456789ABCDEF01",
        "not hex",
    ] {
        assert_same(scan.as_bytes(), &rfid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_scans_are_written_as_serde_writes_them(
        scan in proptest::collection::vec(any::<u8>(), 0..80),
        rfid in any::<bool>(),
    ) {
        let source = if rfid { Source::Rfid } else { Source::Barcode };
        assert_same(&scan, &options(source));
    }

    #[test]
    fn arbitrary_gs1_like_scans_are_written_as_serde_writes_them(
        scan in "(\\][CQde][0-9])?[0-9A-Za-z\u{1d}\"\\\\%/?&=:.()-]{0,60}",
    ) {
        assert_same(scan.as_bytes(), &options(Source::Barcode));
    }
}
