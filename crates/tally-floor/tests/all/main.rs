//! tally-floor's end-to-end tests, one binary: each file is a module named as its file was
//! (`cargo test -p tally-floor --test all flows::`); what several of them check is here.

mod floor;
mod flows;
mod receiving;

use tally_events::payload::kind_name;
use tally_events::SignedEvent;
use tally_floor::Step;
use tally_testkit::Fixture;

/// The kinds of the events a step recorded, each read back from the replica's log and
/// verified as signed by this handheld's key, and as the very record the step reported.
fn signed_kinds(f: &Fixture, step: &Step) -> Vec<String> {
    step.recorded
        .iter()
        .map(|r| {
            let bytes: Vec<u8> = f
                .replica
                .view()
                .query_row(
                    "SELECT bytes FROM event_log WHERE seq = ?1",
                    [r.seq],
                    |row| row.get(0),
                )
                .expect("the recorded event is in the log");
            let event = SignedEvent::from_bytes(bytes).expect("a well-formed record");
            event.verify().expect("signed by the device key");
            assert_eq!(event.device(), f.replica.device());
            assert_eq!(event.record_hash(), r.hash);
            kind_name(event.payload_kind()).expect("a known kind")
        })
        .collect()
}
