//! Folds an arbitrary payload from another device (a ledger delta) into a replica: whatever the
//! bytes, decoding and `apply` return a value or an error, never a panic, and a failed fold
//! leaves the view as it was (the transaction is rolled back).
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use rusqlite::Connection;
use tally_events::Payload;
use tally_replica::apply::{apply, EventMeta, Origin};

thread_local! {
    static VIEW: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let kind = u16::from_be_bytes([data[0], data[1]]);
    let Ok(payload) = Payload::decode(kind, &data[2..]) else {
        return;
    };
    VIEW.with(|cell| {
        let mut slot = cell.borrow_mut();
        let conn = slot.get_or_insert_with(|| {
            let conn = Connection::open_in_memory().expect("in-memory database");
            tally_replica::db::migrate(&conn).expect("schema");
            conn
        });
        let before = tally_replica::stats::view_digest(conn).expect("digest");
        let tx = conn.unchecked_transaction().expect("transaction");
        let meta = EventMeta {
            origin: Origin::Remote { ledger_index: 1 },
            kind,
            actor: "FUZZ",
            device: &[9; 32],
            facility: "FAC-FUZZ",
        };
        match apply(&tx, &meta, &payload) {
            Ok(()) => {
                tx.commit().expect("commit");
            }
            Err(_) => {
                drop(tx);
                let after = tally_replica::stats::view_digest(conn).expect("digest");
                assert_eq!(before, after, "a failed fold changed the view");
            }
        }
    });
});
