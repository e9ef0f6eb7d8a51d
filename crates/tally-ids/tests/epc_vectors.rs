//! Every row of `tests/vectors/epc.tsv` (TDS 1.13 Appendix E.3 examples and two encodings that
//! must be rejected): hex → tag URI, pure-identity URI and GS1 element string, and the tag URI
//! encoded back to the same bytes.

use tally_ids::epc::{decode_epc, encode_tag_uri, parse_hex};

struct Row {
    line: usize,
    hex: String,
    tag_uri: String,
    pure_uri: String,
    gs1: String,
}

fn rows() -> Vec<Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/epc.tsv");
    let text = std::fs::read_to_string(path).expect("tests/vectors/epc.tsv is readable");
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().expect("header line");
    assert_eq!(header, "hex\ttag_uri\tpure_uri\tgs1_element_string\tsource");
    lines
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 5, "line {} has {} columns", i + 1, cols.len());
            Row {
                line: i + 1,
                hex: cols[0].to_owned(),
                tag_uri: cols[1].to_owned(),
                pure_uri: cols[2].to_owned(),
                gs1: cols[3].to_owned(),
            }
        })
        .collect()
}

#[test]
fn every_valid_row_decodes_to_its_uris_and_element_string() {
    let rows = rows();
    let valid: Vec<&Row> = rows.iter().filter(|r| !r.tag_uri.is_empty()).collect();
    assert!(valid.len() >= 17, "expected the 17 App. E.3 examples");
    for row in valid {
        let bytes = parse_hex(&row.hex).unwrap();
        let epc = decode_epc(&bytes)
            .unwrap_or_else(|e| panic!("line {}: {} does not decode: {e}", row.line, row.hex));
        assert_eq!(epc.tag_uri, row.tag_uri, "line {}", row.line);
        assert_eq!(epc.pure_uri, row.pure_uri, "line {}", row.line);
        let expected_gs1 = (!row.gs1.is_empty()).then(|| row.gs1.clone());
        assert_eq!(epc.gs1_element_string, expected_gs1, "line {}", row.line);
        let scheme = row.tag_uri.split(':').nth(3).unwrap();
        assert_eq!(epc.scheme, scheme, "line {}", row.line);
    }
}

#[test]
fn every_valid_tag_uri_encodes_back_to_its_hex() {
    for row in rows().iter().filter(|r| !r.tag_uri.is_empty()) {
        let bytes = encode_tag_uri(&row.tag_uri)
            .unwrap_or_else(|e| panic!("line {}: {} does not encode: {e}", row.line, row.tag_uri));
        assert_eq!(bytes, parse_hex(&row.hex).unwrap(), "line {}", row.line);
    }
}

#[test]
fn every_invalid_row_is_rejected_with_a_reason() {
    let rows = rows();
    let invalid: Vec<&Row> = rows.iter().filter(|r| r.tag_uri.is_empty()).collect();
    assert!(!invalid.is_empty());
    for row in invalid {
        let bytes = parse_hex(&row.hex).unwrap();
        let err = decode_epc(&bytes)
            .map(|epc| epc.tag_uri)
            .expect_err(&format!("line {}: {} must be rejected", row.line, row.hex));
        assert!(!err.to_string().is_empty());
    }
}
