//! Fuzzes the decoder of one encoded event: any bytes must give a parsed event or a clear
//! error, never a panic or an unbounded allocation; a parsed event's accessors, payload
//! decoder and verification must not panic either; and a payload that decodes re-encodes to
//! the same bytes (the encoding is canonical).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_events::{Payload, SignedEvent};

fuzz_target!(|data: &[u8]| {
    // The payload decoders on their own: first two bytes pick the kind.
    if data.len() >= 2 {
        let kind = u16::from_be_bytes([data[0], data[1]]);
        if let Ok(payload) = Payload::decode(kind, &data[2..]) {
            if let Ok(body) = payload.encode_body() {
                assert_eq!(body, &data[2..], "payload encoding is not canonical");
            }
        }
    }
    // The whole record.
    if let Ok(event) = SignedEvent::from_bytes(data.to_vec()) {
        let _ = (event.seq(), event.prev(), event.device(), event.timestamp().wall_utc());
        let _ = (event.actor(), event.facility(), event.payload_kind(), event.signature());
        let _ = (event.record_hash(), event.payload_intact());
        if let Ok(payload) = event.payload() {
            if let Ok(body) = payload.encode_body() {
                assert_eq!(body, event.payload_bytes());
            }
        }
        let _ = event.verify();
    }
});
