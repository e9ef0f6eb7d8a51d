//! What one sign-in attempt costs with the production PIN parameters, and that a refusal takes
//! the same time whether the badge exists (wrong PIN) or not (unknown badge): both run one
//! Argon2id, so timing does not enumerate badges. Compare the two medians in the report.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use tally_events::payload::{DeviceEnrolled, Role, UserDefinedV2};
use tally_events::pin::make_verifier;
use tally_events::{Payload, PinParams, Sha256Hash};
use tally_replica::clock::SystemClock;
use tally_replica::pins::IssuedVerifier;
use tally_replica::Replica;

fn replica(dir: &std::path::Path, keys: &std::path::Path) -> Replica {
    let mut replica = Replica::init(
        &dir.join("sign-in.db"),
        &keys.join("sign-in.key"),
        Box::new(SystemClock::new()),
        DeviceEnrolled {
            facility: "FAC-BENCH".into(),
            hardware_serial: "BENCH-PIN".into(),
            enrollment_token_sha256: Sha256Hash::of(b"bench"),
            previous_device: None,
        },
    )
    .expect("init");
    replica
        .record(
            "ADMIN",
            vec![Payload::UserDefinedV2(UserDefinedV2 {
                badge: "B1001".into(),
                name: "Alex Rivera".into(),
                role: Role::Operator,
                active: true,
            })],
        )
        .expect("user");
    let phc =
        make_verifier(&PinParams::PRODUCTION, "1111", &mut rand_core::OsRng).expect("verifier");
    replica
        .store_pin_verifiers(&[IssuedVerifier {
            badge: "B1001".into(),
            phc,
        }])
        .expect("store");
    replica
}

fn refusals(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = tempfile::tempdir().expect("tempdir");
    let mut replica = replica(dir.path(), keys.path());
    let mut group = c.benchmark_group("sign_in_refused");
    group.sample_size(10);
    group.bench_function("known_badge_wrong_pin", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                let start = Instant::now();
                assert!(replica.sign_in("B1001", "0000").is_err());
                spent += start.elapsed();
                // Reset the count of wrong PINs (untimed) so no lockout changes the path.
                replica.witness("B1001", "1111").expect("right PIN");
            }
            spent
        })
    });
    let mut n = 0u64;
    group.bench_function("unknown_badge", |b| {
        b.iter(|| {
            n += 1;
            // A new badge each time: never locked, one wrong attempt each.
            assert!(replica.sign_in(&format!("X{n}"), "0000").is_err());
        })
    });
    group.finish();
}

criterion_group!(benches, refusals);
criterion_main!(benches);
