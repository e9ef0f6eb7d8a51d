//! Signature checks of an upload before the ingest lock: every record's payload hash and
//! `verify_strict` signature under the uploading device's key, on every core. Ingest is one
//! writer at a time (the log index counter), so checking signatures inside it would use one
//! core whatever the machine; checked here, uploads verify in parallel (with each other, and
//! a large upload across cores) and ingest only checks the chain's links
//! ([`tally_events::verify_chain_links`]) for records whose check passed. A record whose
//! check failed, or any doubt, falls back to the full `verify_chain` inside ingest, so the
//! verdict and the refusal are the same either way.

use tally_events::{DeviceId, SignedEvent, VerifierKey};

/// Uploads smaller than this are checked on the calling thread.
const PARALLEL_FROM: usize = 64;

/// The outcome of [`precheck`]: for each record of the upload, its record hash when it parsed,
/// is by the device and its payload and signature verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prechecked {
    verified: Vec<Option<[u8; 32]>>,
}

impl Prechecked {
    /// Whether the record at `position` of the upload, whose record hash is `record_hash`,
    /// verified (the hash ties the check to these very bytes).
    pub fn verified(&self, position: usize, record_hash: &[u8; 32]) -> bool {
        self.verified
            .get(position)
            .is_some_and(|hash| hash.as_ref() == Some(record_hash))
    }
}

fn check_one(key: &VerifierKey, device: &DeviceId, record: &[u8]) -> Option<[u8; 32]> {
    let event = SignedEvent::from_bytes(record.to_vec()).ok()?;
    if event.device() != *device {
        return None;
    }
    event.verify_with(key).ok()?;
    Some(event.record_hash().0)
}

/// Checks every record of an upload by `device` on up to `threads` threads.
pub fn precheck(device: &DeviceId, records: &[Vec<u8>], threads: usize) -> Prechecked {
    let Ok(key) = VerifierKey::new(device) else {
        return Prechecked {
            verified: vec![None; records.len()],
        };
    };
    let threads = threads.max(1);
    if records.len() < PARALLEL_FROM || threads == 1 {
        return Prechecked {
            verified: records.iter().map(|r| check_one(&key, device, r)).collect(),
        };
    }
    let chunk = records.len().div_ceil(threads);
    let parts: Vec<Vec<Option<[u8; 32]>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                let key = &key;
                scope.spawn(move || {
                    part.iter()
                        .map(|r| check_one(key, device, r))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(records.chunks(chunk))
            // A failed thread verified nothing: its records take the full check in ingest.
            .map(|(h, part)| h.join().unwrap_or_else(|_| vec![None; part.len()]))
            .collect()
    });
    Prechecked {
        verified: parts.into_iter().flatten().collect(),
    }
}

/// Threads to check with: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_events::payload::{DeviceEnrolled, UserSignedOut};
    use tally_events::{ChainWriter, DeviceKey, ManualClock, Payload, Sha256Hash, Timestamp};

    fn chain(n: usize) -> Vec<Vec<u8>> {
        let clock = ManualClock::new(Timestamp {
            wall_unix_ms: 1_795_500_000_000,
            boot_id: [1; 16],
            since_boot_us: 1,
        });
        let (mut writer, genesis) = ChainWriter::genesis(
            DeviceKey::from_seed([9; 32]),
            &clock,
            "",
            DeviceEnrolled {
                facility: "F".into(),
                hardware_serial: "S".into(),
                enrollment_token_sha256: Sha256Hash::of(b"t"),
                previous_device: None,
            },
        )
        .unwrap();
        let mut out = vec![genesis.into_bytes()];
        for i in 1..n {
            clock.advance_ms(1);
            let payload = Payload::UserSignedOut(UserSignedOut {
                badge: format!("B{i}"),
            });
            out.push(writer.append(&clock, "B", payload).unwrap().into_bytes());
        }
        out
    }

    #[test]
    fn only_intact_records_of_the_device_with_valid_signatures_pass() {
        let device = DeviceKey::from_seed([9; 32]).device_id();
        let mut records = chain(200);
        let last = records[150].len() - 1;
        records[150][last] ^= 1; // the signature
        records[7].truncate(10); // not an event
        for threads in [1, 3] {
            let checked = precheck(&device, &records, threads);
            for (position, record) in records.iter().enumerate() {
                let hash = SignedEvent::from_bytes(record.clone())
                    .map(|e| e.record_hash().0)
                    .unwrap_or([0; 32]);
                assert_eq!(
                    checked.verified(position, &hash),
                    position != 150 && position != 7,
                    "position {position}, {threads} threads"
                );
            }
            // Another record's hash at a verified position does not pass.
            let other = SignedEvent::from_bytes(records[3].clone())
                .unwrap()
                .record_hash()
                .0;
            assert!(!checked.verified(4, &other));
            assert!(!checked.verified(500, &other));
        }
        // Records of another device: nothing passes.
        let other = DeviceKey::from_seed([8; 32]).device_id();
        let checked = precheck(&other, &records, 2);
        assert!(checked.verified.iter().all(Option::is_none));
    }
}
