//! Fuzzes the export reader and the chain verifier on arbitrary files: a verdict or an error,
//! never a panic; batch and strict verification always agree, and the streaming verifier
//! reaches the same verdict as `verify_chain`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_events::{read_export, verify_chain, ChainOptions, ChainVerifier, Next, VerifyMode};

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = read_export(data) {
        let strict = verify_chain(&records, &ChainOptions::default());
        let batch = verify_chain(
            &records,
            &ChainOptions {
                mode: VerifyMode::Batch,
                ..ChainOptions::default()
            },
        );
        assert_eq!(strict, batch, "batch and strict verification disagree");
        let mut stream = ChainVerifier::new(ChainOptions::default(), records.as_slice());
        for record in &records {
            if stream.push(record.clone()) == Next::Done {
                break;
            }
        }
        assert_eq!(stream.finish(), strict, "the streaming verifier disagrees");
    }
});
