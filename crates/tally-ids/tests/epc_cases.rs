//! Hand-picked EPC cases: what the decoder says about bad tags and bad URIs (in words a receiver
//! understands), raw URIs for unknown headers, padding, the GLN extension rule, and the JSON
//! shape of a decoded EPC.

use tally_ids::epc::{
    decode_epc, encode_pure_uri, encode_tag_uri, parse_hex, Epc, EpcError, EpcIdentity,
    MAX_EPC_BYTES,
};

fn decode_hex(hex: &str) -> Result<Epc, EpcError> {
    decode_epc(&parse_hex(hex).unwrap())
}

fn decode_err(hex: &str) -> EpcError {
    decode_hex(hex).expect_err(hex)
}

fn encode_err(uri: &str) -> EpcError {
    encode_tag_uri(uri).expect_err(uri)
}

#[test]
fn partition_7_is_named_in_the_message() {
    let err = decode_err("307C257BF7194E4000001A85");
    assert_eq!(
        err,
        EpcError::InvalidPartition {
            header: 0x30,
            scheme: "sgtin-96",
            partition: 7
        }
    );
    assert_eq!(
        err.to_string(),
        "EPC header 0x30 partition 7 is not valid (sgtin-96 allows 0 to 6)"
    );
}

#[test]
fn item_reference_with_too_many_digits_is_rejected() {
    let err = decode_err("3074257BF7D0900000001A85");
    assert_eq!(
        err,
        EpcError::TooManyDigits {
            scheme: "sgtin-96",
            field: "item reference",
            value: 1_000_000,
            digits: 6
        }
    );
    assert_eq!(
        err.to_string(),
        "sgtin-96: the item reference 1000000 has more than the 6 digits allowed here"
    );
}

#[test]
fn company_prefix_with_too_many_digits_is_rejected() {
    // SGTIN-96, partition 6: a 20-bit company prefix field holding 1,000,000 (7 digits).
    let bytes = encode_tag_uri("urn:epc:tag:sgtin-96:1.999999.0000001.1").unwrap();
    let mut bad = bytes.clone();
    // Company prefix field: bits 14..34. Set it to 0xF4240 = 1,000,000.
    let v: u64 = 1_000_000;
    for i in 0..20 {
        let bit = (v >> (19 - i)) & 1;
        let pos = 14 + i;
        let mask = 0x80u8 >> (pos % 8);
        if bit == 1 {
            bad[pos / 8] |= mask;
        } else {
            bad[pos / 8] &= !mask;
        }
    }
    assert_eq!(
        decode_epc(&bad),
        Err(EpcError::TooManyDigits {
            scheme: "sgtin-96",
            field: "company prefix",
            value: 1_000_000,
            digits: 6
        })
    );
}

#[test]
fn unknown_header_becomes_a_raw_uri() {
    // A Metrc tag: first byte 0x1A is a reserved header in TDS Table 14-1.
    let epc = decode_hex("1a4ff0100000022000000123").unwrap();
    assert_eq!(epc.scheme, "raw");
    assert_eq!(epc.header, 0x1A);
    assert_eq!(epc.bit_length, 96);
    assert_eq!(epc.tag_uri, "urn:epc:raw:96.x1A4FF0100000022000000123");
    assert_eq!(epc.pure_uri, epc.tag_uri);
    assert_eq!(epc.filter, None);
    assert_eq!(epc.gs1_element_string, None);
    assert_eq!(
        epc.identity,
        EpcIdentity::Raw {
            bit_length: 96,
            hex: "1A4FF0100000022000000123".into()
        }
    );
    assert_eq!(
        encode_tag_uri(&epc.tag_uri).unwrap(),
        parse_hex("1A4FF0100000022000000123").unwrap()
    );
}

#[test]
fn unprogrammed_and_deprecated_headers_are_raw() {
    assert_eq!(decode_hex("0000").unwrap().tag_uri, "urn:epc:raw:16.x0000");
    // GDTI-113 (0x3A) is deprecated in TDS 1.13; this decoder reports it raw.
    assert_eq!(
        decode_hex("3A74257BF46072000000162E").unwrap().scheme,
        "raw"
    );
}

#[test]
fn short_banks_say_how_many_bits_are_missing() {
    let err = decode_err("3074257BF7194E40");
    assert_eq!(
        err,
        EpcError::Truncated {
            header: 0x30,
            scheme: "sgtin-96",
            needed: 96,
            available: 64
        }
    );
    assert_eq!(
        err.to_string(),
        "EPC header 0x30 is sgtin-96, which needs 96 bits, but the tag gave only 64 bits"
    );
}

#[test]
fn zero_padding_after_the_epc_is_accepted_and_data_is_not() {
    let padded = decode_hex("3074257BF7194E4000001A85 0000 0000").unwrap();
    assert_eq!(padded.tag_uri, "urn:epc:tag:sgtin-96:3.0614141.812345.6789");
    assert_eq!(padded.bit_length, 96);
    assert_eq!(
        decode_err("3074257BF7194E4000001A85 0001"),
        EpcError::TrailingData {
            scheme: "sgtin-96",
            length: 96
        }
    );
}

#[test]
fn sscc_reserved_bits_must_be_zero() {
    let err = decode_err("3174257BF4499602D2000001");
    assert_eq!(
        err.to_string(),
        "sscc-96: the reserved bits after the serial reference must be zero, but they are not"
    );
}

#[test]
fn seven_bit_strings_reject_bad_characters_and_data_after_the_end() {
    // SGTIN-198 from TDS E.3 with the serial's first character replaced by 0x7F.
    let good = parse_hex("3674257BF6B7A659B2C2BF100000000000000000000000000000").unwrap();
    let mut bad = good.clone();
    // Serial starts at bit 58: set its 7 bits to 1111111.
    for pos in 58..65 {
        bad[pos / 8] |= 0x80 >> (pos % 8);
    }
    assert_eq!(
        decode_epc(&bad),
        Err(EpcError::BadCharacterCode {
            scheme: "sgtin-198",
            field: "serial",
            code: 0x7F
        })
    );
    // A bit set in the zero padding after the end marker.
    let mut late = good;
    late[22] = 0x01;
    assert_eq!(
        decode_epc(&late),
        Err(EpcError::DataAfterEnd {
            scheme: "sgtin-198",
            field: "serial"
        })
    );
}

#[test]
fn empty_alphanumeric_serial_is_rejected() {
    // SGTIN-198 from TDS E.3 with every bit from the serial (bit 58) on cleared.
    let mut bytes = parse_hex("3674257BF6B7A659B2C2BF100000000000000000000000000000").unwrap();
    for pos in 58..bytes.len() * 8 {
        bytes[pos / 8] &= !(0x80 >> (pos % 8));
    }
    assert_eq!(
        decode_epc(&bytes),
        Err(EpcError::EmptyField {
            scheme: "sgtin-198",
            field: "serial"
        })
    );
}

#[test]
fn sgln_extension_zero_means_no_extension() {
    let bytes = encode_tag_uri("urn:epc:tag:sgln-96:3.0614141.12345.0").unwrap();
    let epc = decode_epc(&bytes).unwrap();
    assert_eq!(
        epc.gs1_element_string.as_deref(),
        Some("(414)0614141123452")
    );
    assert_eq!(
        decode_hex("3274257BF46072000000162E")
            .unwrap()
            .gs1_element_string
            .as_deref(),
        Some("(414)0614141123452(254)5678")
    );
}

#[test]
fn typed_identities_carry_the_gs1_keys() {
    let sgtin = decode_hex("3074257BF7194E4000001A85").unwrap();
    assert_eq!(
        sgtin.identity,
        EpcIdentity::Sgtin {
            company_prefix: "0614141".into(),
            item_reference: "812345".into(),
            serial: "6789".into(),
            gtin: "80614141123458".into(),
        }
    );
    assert_eq!(sgtin.filter, Some(3));
    let sscc = decode_hex("3174257BF4499602D2000000").unwrap();
    assert!(matches!(
        sscc.identity,
        EpcIdentity::Sscc { ref sscc, .. } if sscc == "106141412345678908"
    ));
    let usdod = decode_hex("2F320434147455900000162E").unwrap();
    assert_eq!(
        usdod.identity,
        EpcIdentity::Usdod {
            cage_or_dodaac: "CAGEY".into(),
            serial: "5678".into()
        }
    );
    let serial = decode_hex("3674257BF6B7A659B2C2BF100000000000000000000000000000").unwrap();
    assert!(matches!(
        serial.identity,
        EpcIdentity::Sgtin { ref serial, .. } if serial == "32a/b"
    ));
}

#[test]
fn decoded_epc_serialises_to_json() {
    let epc = decode_hex("3074257BF7194E4000001A85").unwrap();
    let json = serde_json::to_value(&epc).unwrap();
    assert_eq!(json["scheme"], "sgtin-96");
    assert_eq!(
        json["tag_uri"],
        "urn:epc:tag:sgtin-96:3.0614141.812345.6789"
    );
    assert_eq!(json["pure_uri"], "urn:epc:id:sgtin:0614141.812345.6789");
    assert_eq!(json["filter"], 3);
    assert_eq!(json["gs1_element_string"], "(01)80614141123458(21)6789");
    assert_eq!(json["identity"]["type"], "sgtin");
    assert_eq!(json["identity"]["gtin"], "80614141123458");
    let raw = serde_json::to_value(decode_hex("1A4FF0100000022000000123").unwrap()).unwrap();
    assert_eq!(raw["filter"], serde_json::Value::Null);
    assert_eq!(raw["identity"]["type"], "raw");
}

#[test]
fn parse_hex_tolerates_case_spaces_and_0x() {
    let want = vec![0x30, 0x74, 0x25, 0x7B];
    assert_eq!(parse_hex("3074257b").unwrap(), want);
    assert_eq!(parse_hex(" 30 74\t25 7B ").unwrap(), want);
    assert_eq!(parse_hex("0x3074257B").unwrap(), want);
}

#[test]
fn parse_hex_says_what_is_wrong() {
    assert_eq!(
        parse_hex("30 7G").unwrap_err().to_string(),
        "'G' at position 4 is not a hex digit (0-9, A-F)"
    );
    assert_eq!(
        parse_hex("307").unwrap_err(),
        EpcError::OddHexDigits { digits: 3 }
    );
    assert_eq!(parse_hex("   ").unwrap_err(), EpcError::Empty);
    let long = "00".repeat(MAX_EPC_BYTES + 1);
    assert_eq!(
        parse_hex(&long).unwrap_err(),
        EpcError::TooLong {
            bytes: MAX_EPC_BYTES + 1,
            max: MAX_EPC_BYTES
        }
    );
    assert!(parse_hex(&"0".repeat(5000)).is_err());
}

#[test]
fn decode_bounds_its_input() {
    assert_eq!(decode_epc(&[]), Err(EpcError::Empty));
    assert_eq!(
        decode_epc(&[0u8; MAX_EPC_BYTES + 1]),
        Err(EpcError::TooLong {
            bytes: MAX_EPC_BYTES + 1,
            max: MAX_EPC_BYTES
        })
    );
}

#[test]
fn encode_explains_bad_tag_uris() {
    let cases: &[(&str, &str)] = &[
        (
            "urn:epc:id:sgtin:0614141.812345.6789",
            "'urn:epc:id:sgtin:0614141.812345.6789' is not an EPC tag URI (expected urn:epc:tag:<scheme>:... or urn:epc:raw:<bits>.x<hex>)",
        ),
        (
            "urn:epc:tag:sgtin-97:3.0614141.812345.6789",
            "'sgtin-97' is not an EPC scheme this decoder knows",
        ),
        (
            "urn:epc:tag:sgtin-96:3.0614141.812345",
            "sgtin-96 URI needs 4 parts separated by dots, but has 3",
        ),
        (
            "urn:epc:tag:sgtin-96:8.0614141.812345.6789",
            "sgtin-96: filter '8' is not valid (it must be a number from 0 to 7)",
        ),
        (
            "urn:epc:tag:sgtin-96:3.0614141.812345.06789",
            "sgtin-96: the serial '06789' has a leading zero, which this scheme cannot store",
        ),
        (
            "urn:epc:tag:sgtin-96:3.0614141.812345.274877906944",
            "sgtin-96: the serial '274877906944' is too large (at most 274877906943)",
        ),
        (
            "urn:epc:tag:sgtin-96:3.0614141.812345.67a",
            "sgtin-96: the serial '67a' must contain digits only",
        ),
        (
            "urn:epc:tag:sgtin-96:3.06141.8123456.6789",
            "sgtin-96: the company prefix '06141' has 5 digits; it must have 6 to 12",
        ),
        (
            "urn:epc:tag:sgtin-96:3.0614141.81234.6789",
            "sgtin-96: the item reference '81234' must have exactly 6 digits with this company prefix, not 5",
        ),
        (
            "urn:epc:tag:sgtin-198:3.0614141.712345.32a/b",
            "sgtin-198: the serial '32a/b' contains '/', which is not allowed there",
        ),
        (
            "urn:epc:tag:sgtin-198:3.0614141.712345.32a%2",
            "sgtin-198: the serial '32a%2' has a broken %-escape (use %2F for '/', %25 for '%')",
        ),
        (
            "urn:epc:tag:sgtin-198:3.0614141.712345.%7E",
            "sgtin-198: the serial '%7E' contains '~', which is not allowed there",
        ),
        (
            "urn:epc:tag:sgtin-198:3.0614141.712345.123456789012345678901",
            "sgtin-198: the serial '123456789012345678901' has 21 characters; at most 20 fit",
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGE.5678",
            "usdod-96: the CAGE code or DoDAAC 'CAGE' must be 5 or 6 characters long",
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGIO.5678",
            "usdod-96: the CAGE code or DoDAAC 'CAGIO' contains 'I', which is not allowed there",
        ),
        (
            "urn:epc:raw:96.x1A4F",
            "raw EPC URI 'urn:epc:raw:96.x1A4F' is not valid: the number of hex digits does not match the length",
        ),
    ];
    for (uri, message) in cases {
        assert_eq!(encode_err(uri).to_string(), *message, "{uri}");
    }
}

#[test]
fn tag_uris_are_read_case_insensitively_with_control_fields_skipped() {
    let want = parse_hex("3074257BF7194E4000001A85").unwrap();
    assert_eq!(
        encode_tag_uri("URN:EPC:TAG:SGTIN-96:3.0614141.812345.6789").unwrap(),
        want
    );
    assert_eq!(
        encode_tag_uri("urn:epc:tag:sgtin-96:[umi=1]3.0614141.812345.6789").unwrap(),
        want
    );
    assert_eq!(
        encode_tag_uri("urn:epc:tag:sgtin-198:3.0614141.712345.32a%2fb").unwrap(),
        parse_hex("3674257BF6B7A659B2C2BF100000000000000000000000000000").unwrap()
    );
}

#[test]
fn serials_with_dots_stay_whole() {
    // A '.' is a plain character in GS1 serials; it is the last URI part so it stays whole.
    let uri = "urn:epc:tag:sgtin-198:0.0614141.712345.a.b.c";
    let epc = decode_epc(&encode_tag_uri(uri).unwrap()).unwrap();
    assert_eq!(epc.tag_uri, uri);
    assert_eq!(
        epc.gs1_element_string.as_deref(),
        Some("(01)70614141123451(21)a.b.c")
    );
}

#[test]
fn every_error_reads_as_a_sentence() {
    let errors = [
        decode_err("307C257BF7194E4000001A85"),
        decode_err("3074257BF7D0900000001A85"),
        decode_err("3074"),
        encode_err("nonsense"),
        encode_err("urn:epc:tag:gid-96:1.2"),
    ];
    for e in errors {
        let text = e.to_string();
        assert!(text.len() > 15, "{text}");
        assert!(!text.contains("Error"), "{text}");
        assert!(!text.contains('{'), "{text}");
    }
}

#[test]
fn filter_values_are_explained() {
    let meaning = |uri: &str| {
        decode_epc(&encode_tag_uri(uri).unwrap())
            .unwrap()
            .filter_meaning()
    };
    assert_eq!(
        meaning("urn:epc:tag:sgtin-96:1.0614141.812345.6789"),
        Some("point-of-sale trade item")
    );
    assert_eq!(
        meaning("urn:epc:tag:sscc-96:6.0614141.1234567890"),
        Some("unit load")
    );
    assert_eq!(
        meaning("urn:epc:tag:sscc-96:1.0614141.1234567890"),
        Some("reserved")
    );
    assert_eq!(
        meaning("urn:epc:tag:sgln-96:0.0614141.12345.5678"),
        Some("all others")
    );
    assert_eq!(meaning("urn:epc:tag:gid-96:31415.271828.1414"), None);
    assert_eq!(
        decode_hex("1A4FF0100000022000000123")
            .unwrap()
            .filter_meaning(),
        None
    );
}

#[test]
fn pure_identity_uris_encode_with_a_scheme_and_filter() {
    assert_eq!(
        encode_pure_uri("urn:epc:id:sgtin:0614141.812345.6789", "sgtin-96", 3).unwrap(),
        parse_hex("3074257BF7194E4000001A85").unwrap()
    );
    assert_eq!(
        encode_pure_uri("urn:epc:id:sgtin:0614141.712345.32a%2Fb", "sgtin-198", 3).unwrap(),
        parse_hex("3674257BF6B7A659B2C2BF100000000000000000000000000000").unwrap()
    );
    assert_eq!(
        encode_pure_uri("urn:epc:id:gid:31415.271828.1414", "gid-96", 0).unwrap(),
        parse_hex("350007AB70425D4000000586").unwrap()
    );
    assert_eq!(
        encode_pure_uri("urn:epc:id:sscc:0614141.1234567890", "sgtin-96", 3)
            .unwrap_err()
            .to_string(),
        "sgtin-96 cannot carry a 'sscc' identity"
    );
    assert_eq!(
        encode_pure_uri("urn:epc:id:sgtin:0614141.812345.6789", "sgtin-96", 9)
            .unwrap_err()
            .to_string(),
        "sgtin-96: filter '9' is not valid (it must be a number from 0 to 7)"
    );
    assert_eq!(
        encode_pure_uri("urn:epc:id:sgtin:0614141.812345.6789", "sgtin-64", 3).unwrap_err(),
        EpcError::UnknownScheme {
            scheme: "sgtin-64".into()
        }
    );
}

#[test]
fn raw_uris_with_control_fields_encode_their_bits() {
    let want = parse_hex("0123456890ABCDEF01234567").unwrap();
    assert_eq!(
        encode_tag_uri("urn:epc:raw:[att=x01][xpc=x0004]:96.x0123456890ABCDEF01234567").unwrap(),
        want
    );
    assert_eq!(
        encode_tag_uri("urn:epc:raw:96.x0123456890abcdef01234567").unwrap(),
        want
    );
    assert!(matches!(
        encode_tag_uri("urn:epc:raw:96.1234"),
        Err(EpcError::BadRawUri { .. })
    ));
    assert!(matches!(
        encode_tag_uri("urn:epc:raw:100.x0123456890ABCDEF012345670"),
        Err(EpcError::BadRawUri { .. })
    ));
}
