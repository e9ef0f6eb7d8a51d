//! The cost of one PIN guess: one Argon2id of a 4-digit PIN with each named parameter set,
//! plus the seal under the device pepper (what a device does per sign-in attempt, and what an
//! attacker with the verifier and the pepper would pay per guess). The production set must
//! cost about 100 ms on a handheld's cores; see `docs/ARCHITECTURE.md` for the numbers.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tally_events::pin::{hash_guess, make_verifier, PinParams, PinVerifier};
use tally_events::DeviceKey;

fn guess(c: &mut Criterion) {
    let pepper = DeviceKey::from_seed([7; 32]).pin_pepper();
    let mut group = c.benchmark_group("pin_guess");
    group.sample_size(10);
    for (name, params) in [
        ("production", PinParams::PRODUCTION),
        ("test", PinParams::TEST),
    ] {
        let phc = make_verifier(&params, "4821", &mut rand_core::OsRng).expect("verifier");
        let verifier = PinVerifier::parse(&phc).expect("parse");
        let sealed = pepper.seal("B1001", &verifier.output);
        group.bench_function(name, |b| {
            b.iter(|| {
                let output =
                    hash_guess(&verifier.params, &verifier.salt, black_box("1234")).expect("hash");
                black_box(pepper.opens("B1001", &output, &sealed))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, guess);
criterion_main!(benches);
