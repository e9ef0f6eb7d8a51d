//! `decode_into` gives exactly what `decode` gives, whatever the record it decodes into held
//! before: every scan of the engine cross-check data and hand-picked scans of every kind
//! (errors, EPCs, candidates, warnings, escapes), decoded one after the other into one record
//! in both orders, and random sequences of scanner-like and arbitrary input from barcode
//! scanners and RFID readers. The JSON written from the reused record is compared too.

use proptest::prelude::*;

use tally_ids::{
    decode, decode_into, Date, DecodeOptions, Decoded, Source, StateSystems, UidSystem,
};

fn options(source: Source) -> DecodeOptions {
    let mut options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
    options.source = source;
    options
}

/// Decodes `scan` into `record` and checks it against a fresh `decode`, field by field and
/// as JSON.
fn assert_same(scan: &[u8], options: &DecodeOptions, record: &mut Decoded) {
    decode_into(scan, options, record);
    let fresh = decode(scan, options);
    assert_eq!(*record, fresh, "{}", String::from_utf8_lossy(scan));
    let (mut reused, mut expected) = (Vec::new(), Vec::new());
    record.write_json(&mut reused);
    fresh.write_json(&mut expected);
    assert_eq!(
        String::from_utf8_lossy(&reused),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(record.is_valid(), fresh.is_valid());
}

/// Scans that fill every field of a record, and that leave each of them empty.
const HAND_PICKED: &[&str] = &[
    "]C1010703206980498815210526100329",
    "]C10107032069804987",
    "]C101095060001343521727010210B0000001\u{1d}21S0000001",
    "]C1310300125039221299\u{1d}39328404999\u{1d}70032612312359\u{1d}",
    "]C1010950600013435217261332",
    "]C110ABCDEFGHIJKLMNOPQRSTU17261231",
    "]C110A\u{1d}10B",
    "]Q1https://id.gs1.org/01/09506000134352/10/A0000002?17=261231",
    "]Q1https://example.com/01/09506000134352/21/0000007",
    "]Q1https://example.com/foo/01/00614141123452/10/ABC%2F1?15=250330&x=1",
    "]Q1https://id.gs1.org/products/abc",
    "]Q1https://id.gs1.org/01/09506000134353?10=%zz",
    "]d2(01)09506000134352(17)261231",
    "]d201095060001343522100000043103000004",
    "]E05901234123457",
    "]E004252614",
    "]I31001234567890",
    "]E0123",
    "0107032069804988",
    "0107032069804987",
    "9876543210123456",
    "9780306406157",
    "1A4FF0100000022000000123",
    "1A4FF01000000220000001",
    "66476844637402l3",
    "\u{1d}0107032069804988100329\u{1d}15210526",
    "(01) 09506000134352 (17) 261231 (10) A1",
    "hello \"world\" \\ caf\u{e9}",
    "]A0ABC-123",
    "]X",
    "",
    "\r\n",
];

const RFID: &[&str] = &[
    "3074257BF7194E4000001A85",
    "30003074257BF7194E4000001A85",
    "3074257BF7194E4000001A850000",
    "38003074257BF7194E4000001A850000",
    "34001A4FF0100000022000000123",
    "1a4ff0100000022000000123",
    "2D74257BF4499602D2000000",
    "2800ABCDEF0123456789ABCD",
    "3000",
    "not hex",
];

#[test]
fn every_fixture_decoded_into_one_record_equals_a_fresh_decode() {
    let engine = include_str!("data/gs1-syntax-engine-cases.tsv");
    let mut scans: Vec<Vec<u8>> = engine
        .lines()
        .skip(1)
        .map(|line| {
            let scan = line.split('\t').next().unwrap_or_default();
            scan.replace("<GS>", "\u{1d}").into_bytes()
        })
        .collect();
    scans.extend(HAND_PICKED.iter().map(|s| s.as_bytes().to_vec()));
    scans.push(vec![b'1'; tally_ids::MAX_SCAN_LEN + 1]);
    scans.push(b"]C1\xff\xfe10\xc3".to_vec());
    let barcode = options(Source::Barcode);
    let mut metrc = options(Source::Barcode);
    metrc.state_systems = StateSystems::only(&[UidSystem::Metrc]);
    let rfid = options(Source::Rfid);
    let mut record = Decoded::default();
    // Forwards, then backwards: each scan meets buffers left by scans of other kinds.
    for scan in scans.iter().chain(scans.iter().rev()) {
        assert_same(scan, &barcode, &mut record);
        assert_same(scan, &metrc, &mut record);
    }
    for scan in RFID.iter().chain(HAND_PICKED).chain(RFID.iter().rev()) {
        assert_same(scan.as_bytes(), &rfid, &mut record);
        assert_same(scan.as_bytes(), &barcode, &mut record);
    }
}

#[test]
fn a_fresh_record_is_plain_text_with_nothing_in_it() {
    let record = Decoded::default();
    assert_eq!(record.input, "");
    assert!(record.is_valid());
    assert!(record.elements.is_empty() && record.hri.is_none());
    // Once used, a record compares by what it holds, not by the buffers it keeps.
    let mut used = Decoded::default();
    decode_into(
        b"]C101095060001343521526123110L0000000",
        &options(Source::Barcode),
        &mut used,
    );
    assert_ne!(used, record);
    assert_eq!(used.clone(), used);
}

/// One scan as a barcode scanner or an RFID reader might hand it over.
fn scan() -> impl Strategy<Value = (Vec<u8>, bool)> {
    let scanner_like = "(\\]([CdQeEIJY][0-9]|Y[0-9]ab|W0))?(\\(?[0-9]{2,4}\\)?[0-9A-Za-z%/()<>.-]{0,12}\\x1d?){0,5}(https?://[a-z.]{1,8}(/[0-9]{2,4}/[0-9A-Za-z%]{0,14}){0,4}(\\?[0-9]{2,4}=[0-9A-Za-z%]{0,8}(&[0-9a-z]{1,4}=[0-9%]{0,6}){0,3})?)?"
        .prop_map(String::into_bytes);
    let hex = "(3[0-9A-F]|1A|2[0-9A-F])[0-9A-F]{0,40}".prop_map(String::into_bytes);
    let bytes = prop::collection::vec(any::<u8>(), 0..120);
    (prop_oneof![scanner_like, hex, bytes], any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_sequences_decoded_into_one_record_equal_fresh_decodes(
        scans in prop::collection::vec(scan(), 1..24),
    ) {
        let (barcode, rfid) = (options(Source::Barcode), options(Source::Rfid));
        let mut record = Decoded::default();
        for (scan, from_reader) in &scans {
            let options = if *from_reader { &rfid } else { &barcode };
            decode_into(scan, options, &mut record);
            prop_assert_eq!(&record, &decode(scan, options));
        }
    }
}
