//! Shared helpers of the integration tests: a fixed key, a pinned clock, one sample of every
//! payload kind (the values behind the golden fixtures: never change them), and a chain
//! builder.

#![allow(dead_code)]

use tally_events::payload::*;
use tally_events::{
    Bytes, ChainWriter, Date, DeviceId, DeviceKey, ManualClock, MassUnit, Payload, Quantity,
    Sha256Hash, SignedEvent, Timestamp,
};

/// The fixed seed of the test device key (golden fixtures are signed with it).
pub const TEST_SEED: [u8; 32] = [
    0x74, 0x61, 0x6c, 0x6c, 0x79, 0x2d, 0x67, 0x6f, 0x6c, 0x64, 0x65, 0x6e, 0x2d, 0x6b, 0x65, 0x79,
    0x2d, 0x73, 0x65, 0x65, 0x64, 0x2d, 0x30, 0x30, 0x30, 0x31, 0x2d, 0x76, 0x31, 0x2e, 0x30, 0x00,
];

pub fn test_key() -> DeviceKey {
    DeviceKey::from_seed(TEST_SEED)
}

pub fn other_key() -> DeviceKey {
    DeviceKey::from_seed([9u8; 32])
}

pub const FACILITY: &str = "C11-0000347-LIC";

/// 2026-11-24T06:00:00Z, boot 0x11.., 5 minutes after boot.
pub fn start_time() -> Timestamp {
    Timestamp {
        wall_unix_ms: 1_795_500_000_000,
        boot_id: [0x11; 16],
        since_boot_us: 300_000_000,
    }
}

pub fn clock() -> ManualClock {
    ManualClock::new(start_time())
}

fn s(text: &str) -> String {
    text.to_owned()
}

pub fn enrolled() -> DeviceEnrolled {
    DeviceEnrolled {
        facility: s(FACILITY),
        hardware_serial: s("ZEBRA-TC58-21345B0042"),
        enrollment_token_sha256: Sha256Hash::of(b"enrollment token 7F3K-9QX2"),
        previous_device: None,
    }
}

const UID_A: &str = "1A4FF0100000022000000123";
const UID_B: &str = "1A4FF0100000022000000124";

/// One payload of every kind this version knows, in registry order.
pub fn every_payload() -> Vec<Payload> {
    let date = |y, m, d| Date::new(y, m, d).expect("valid date");
    vec![
        Payload::DeviceEnrolled(DeviceEnrolled {
            previous_device: Some(DeviceId([0xab; 32])),
            ..enrolled()
        }),
        Payload::UserSignedIn(UserSignedIn {
            badge: s("B-1042"),
            purpose: SignInPurpose::Session,
        }),
        Payload::UserSignedOut(UserSignedOut { badge: s("B-1042") }),
        Payload::UserLockedOut(UserLockedOut {
            badge: s("B-1042"),
            failed_attempts: 5,
            locked_until_unix_ms: 1_795_500_100_123,
        }),
        Payload::UserUnlocked(UserUnlocked { badge: s("B-1042") }),
        Payload::LedgerReanchored(LedgerReanchored {
            origin: s("ledger.example.com/tally"),
            held_size: 1_204,
            held_root: Sha256Hash([0x5a; 32]),
            new_size: 1_180,
            new_root: Sha256Hash([0xa5; 32]),
            reason: s("ledger restored from the 02:00 backup"),
        }),
        Payload::ScanRecorded(ScanRecorded {
            raw: Bytes(b"]C1011061414100001810LOT42\x1d21SER9".to_vec()),
            source: ScanSource::BarcodeHid,
            reader: s("zebra-ds2208"),
            symbology: Some(s("]C1")),
            decoded_uid: None,
        }),
        Payload::RfidSweepRecorded(RfidSweepRecorded {
            reader: s("zebra-rfd40"),
            location: Some(s("VAULT-1/S03")),
            tags: vec![
                RfidTagRead {
                    epc: Bytes(vec![
                        0x30, 0x14, 0x25, 0x7b, 0xf7, 0x19, 0x4e, 0x40, 0x00, 0x00, 0x1a, 0x85,
                    ]),
                    decoded_uid: Some(s(UID_A)),
                },
                RfidTagRead {
                    epc: Bytes(vec![0xe2, 0x00, 0x34, 0x12, 0x01, 0x23]),
                    decoded_uid: None,
                },
            ],
        }),
        Payload::WeightRecorded(WeightRecorded {
            scale_id: s("MT-ICS425-B812345678"),
            value: s("3.52"),
            unit: MassUnit::G,
            mode: WeighMode::Net,
            tare: Some(s("12.10")),
            stable: true,
            division: s("0.01"),
            uid: Some(s(UID_A)),
        }),
        Payload::ScaleCalibrationChecked(ScaleCalibrationChecked {
            scale_id: s("MT-ICS425-B812345678"),
            reference_value: s("100.00"),
            reference_unit: MassUnit::G,
            reading_value: s("100.01"),
            reading_unit: MassUnit::G,
            result: CheckResult::Pass,
        }),
        Payload::ManifestLineReceived(ManifestLineReceived {
            manifest_id: s("0004512345"),
            uid: s(UID_A),
            quantity: Quantity::Units(24),
            measured_mg: Some(84_480),
        }),
        Payload::ManifestLineRejected(ManifestLineRejected {
            manifest_id: s("0004512345"),
            uid: s(UID_B),
            reason_code: s("DAMAGED"),
            note: s("case crushed, seal broken"),
        }),
        Payload::ManifestClosed(ManifestClosed {
            manifest_id: s("0004512345"),
            missing_uids: vec![s("1A4FF0100000022000000125")],
            unexpected_uids: vec![],
        }),
        Payload::LabelChecked(LabelChecked {
            uid: s(UID_A),
            batch_id: s("BATCH-OGK-2611"),
            coa_present: true,
            result: CheckResult::Fail,
            findings: vec![s("THC potency 23.4% on label, 21.0% on COA")],
        }),
        Payload::PackageQuarantined(PackageQuarantined {
            uid: s(UID_A),
            reason_code: s("LABEL_MISMATCH"),
            note: s("potency on label differs from COA"),
            location: Some(s("QUAR-CAGE-1")),
        }),
        Payload::PackageReleased(PackageReleased {
            uid: s(UID_A),
            reason_code: s("RELABELED"),
            note: s("relabeled per COA"),
        }),
        Payload::PackageMoved(PackageMoved {
            uid: s(UID_A),
            from_location: s("DOCK-1"),
            to_location: s("VAULT-1/S03/B2"),
        }),
        Payload::PackageSplit(PackageSplit {
            source_uid: s(UID_A),
            new_uid: s("1A4FF0100000022000000999"),
            quantity: Quantity::Units(6),
        }),
        Payload::PickRecorded(PickRecorded {
            pick_list_id: s("PL-2026-1124-07"),
            line: 3,
            uid: s(UID_A),
            quantity: Quantity::Units(6),
            tote_id: s("TOTE-0042"),
        }),
        Payload::PickShorted(PickShorted {
            pick_list_id: s("PL-2026-1124-07"),
            line: 4,
            short: Quantity::Milligrams(28_000),
            reason_code: s("NOT_FOUND"),
        }),
        Payload::ToteStaged(ToteStaged {
            tote_id: s("TOTE-0042"),
            route_id: s("ROUTE-DEN-3"),
            location: s("STAGE-LANE-2"),
        }),
        Payload::LoadingReconciled(LoadingReconciled {
            manifest_id: s("0004519999"),
            result: CheckResult::Fail,
            missing_uids: vec![],
            extra_uids: vec![s(UID_B)],
            mismatches: vec![LoadingMismatch {
                uid: s(UID_A),
                expected: Quantity::Units(6),
                staged: Quantity::Units(5),
            }],
        }),
        Payload::CountStarted(CountStarted {
            count_task_id: s("CT-0815"),
            round: 1,
        }),
        Payload::CountLineRecorded(CountLineRecorded {
            count_task_id: s("CT-0815"),
            round: 1,
            location: s("VAULT-2/S01"),
            uid: s(UID_A),
            quantity: Quantity::Milligrams(27_850),
        }),
        Payload::CountSubmitted(CountSubmitted {
            count_task_id: s("CT-0815"),
            round: 1,
            lines: 17,
        }),
        Payload::RecountRequested(RecountRequested {
            count_task_id: s("CT-0815"),
            round: 2,
            uids: vec![s(UID_A)],
            by_another_counter: true,
        }),
        Payload::CountClosed(CountClosed {
            count_task_id: s("CT-0815"),
        }),
        Payload::AdjustmentApproved(AdjustmentApproved {
            uid: s(UID_A),
            from: Quantity::Milligrams(28_000),
            to: Quantity::Milligrams(27_850),
            reason_code: s("DRYING"),
            approver: s("B-2001"),
            count_task_id: Some(s("CT-0815")),
        }),
        Payload::DestructionRecorded(DestructionRecorded {
            uid: s(UID_B),
            quantity: Quantity::Milligrams(3_520),
            weight_event_seq: Some(41),
            reason_code: s("EXPIRED"),
            method: s("mixed 50/50 with cat litter, landfill"),
            witness: s("B-2001"),
        }),
        Payload::InvestigationOpened(InvestigationOpened {
            investigation_id: s("INV-0007"),
            uids: vec![s(UID_A), s(UID_B)],
            reason_code: s("COUNT_VARIANCE"),
            note: s("12 g short after recount"),
            count_task_id: Some(s("CT-0815")),
        }),
        Payload::InvestigationClosed(InvestigationClosed {
            investigation_id: s("INV-0007"),
            outcome_code: s("SCALE_VARIANCE"),
            note: s("scale B drifted; recalibrated"),
        }),
        Payload::EventVoided(EventVoided {
            target: EventRef {
                device: DeviceId([0x5a; 32]),
                seq: 40,
                record_sha256: Sha256Hash::of(b"event 40"),
            },
            reason_code: s("ENTRY_ERROR"),
            note: s("wrong package scanned"),
        }),
        Payload::FacilitySettingsDefined(FacilitySettingsDefined {
            facility_id: s(FACILITY),
            name: s("Front Range Distribution"),
            license_number: s("403-00123"),
            time_zone: s("America/Denver"),
            receiving_tolerance_mg: 500,
            count_tolerance_mg: 100,
            count_tolerance_units: 0,
            recount_by_another: true,
        }),
        Payload::LocationDefined(LocationDefined {
            location_id: s("VAULT-1/S03/B2"),
            name: s("Vault 1, shelf 3, bin 2"),
            kind: LocationKind::Bin,
            sellable: true,
            parent: Some(s("VAULT-1/S03")),
        }),
        Payload::ItemDefined(ItemDefined {
            item_id: s("ITEM-OGK-3.5"),
            sku: s("OGK-35-JAR"),
            name: s("OG Kush 3.5 g jar"),
            category: ItemCategory::Flower,
            unit_of_measure: UnitOfMeasure::Each,
            gtin: Some(s("00614141000018")),
            manifest_weight_is_net: true,
            tare_mg: Some(12_100),
        }),
        Payload::BatchDefined(BatchDefined {
            batch_id: s("BATCH-OGK-2611"),
            item_id: s("ITEM-OGK-3.5"),
            lot: s("LOT42"),
            coa_status: CoaStatus::Passed,
            expiry: Some(date(2027, 5, 31)),
            thc_bp: Some(2_100),
            cbd_bp: None,
        }),
        Payload::PackageRegistered(PackageRegistered {
            uid: s(UID_A),
            item_id: s("ITEM-OGK-3.5"),
            batch_id: s("BATCH-OGK-2611"),
            quantity: Quantity::Units(24),
            location_id: s("VAULT-1/S03/B2"),
            status: PackageStatus::Active,
        }),
        Payload::InboundManifestIssued(InboundManifestIssued {
            manifest_id: s("0004512345"),
            origin_license: s("403R-00077"),
            destination_license: s("403-00123"),
            driver: s("J. Ortega"),
            vehicle: s("CO ABC-123"),
            lines: vec![ManifestLine {
                uid: s(UID_A),
                item_id: s("ITEM-OGK-3.5"),
                quantity: Quantity::Units(24),
                weight_mg: Some(84_000),
            }],
        }),
        Payload::OutboundManifestIssued(OutboundManifestIssued {
            manifest_id: s("0004519999"),
            origin_license: s("403-00123"),
            destination_license: s("402R-00042"),
            route_id: s("ROUTE-DEN-3"),
            driver: s("M. Chen"),
            vehicle: s("CO XYZ-789"),
            lines: vec![ManifestLine {
                uid: s(UID_A),
                item_id: s("ITEM-OGK-3.5"),
                quantity: Quantity::Units(6),
                weight_mg: None,
            }],
        }),
        Payload::PickListIssued(PickListIssued {
            pick_list_id: s("PL-2026-1124-07"),
            order_id: s("ORD-88123"),
            route_id: s("ROUTE-DEN-3"),
            lines: vec![PickListLine {
                line: 3,
                item_id: s("ITEM-OGK-3.5"),
                quantity: Quantity::Units(6),
                batch_id: None,
            }],
        }),
        Payload::CountTaskIssued(CountTaskIssued {
            count_task_id: s("CT-0815"),
            locations: vec![s("VAULT-2/S01")],
            items: vec![],
            assigned_to: Some(s("B-1042")),
        }),
        Payload::UserDefined(UserDefined {
            badge: s("B-1042"),
            name: s("Ana Ruiz"),
            role: Role::Operator,
            pin_hash: s("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"),
            active: true,
        }),
        Payload::ReasonCodeDefined(ReasonCodeDefined {
            code: s("DRYING"),
            description: s("Moisture loss of flower over time"),
        }),
        Payload::ScaleRegistered(ScaleRegistered {
            scale_id: s("MT-ICS425-B812345678"),
            serial: s("B812345678"),
            model: s("ICS425s-3"),
            division: s("0.01"),
            capacity: s("3000"),
            unit: MassUnit::G,
            calibration_due: date(2027, 1, 15),
        }),
        Payload::DeviceRevoked(DeviceRevoked {
            device: DeviceId([0x5a; 32]),
            reason: s("handheld lost on route"),
        }),
        // Added by the replica branch (kind 269).
        Payload::PackageArrived(PackageArrived {
            manifest_id: s("IN-2026-0001"),
            uid: s("1A4FF0100000022000000123"),
            on_manifest: true,
        }),
        // Added by the PIN branch (kind 270): a user without PIN material.
        Payload::UserDefinedV2(UserDefinedV2 {
            badge: s("B-1042"),
            name: s("Ana Ruiz"),
            role: Role::Operator,
            active: true,
        }),
        // Added by the logs branch (kinds 273, 274).
        Payload::ManifestLinesAdded(ManifestLinesAdded {
            manifest_id: s("IN-2026-0001"),
            outbound: false,
            lines: vec![ManifestLine {
                uid: s(UID_B),
                item_id: s("ITEM-FLOWER-35"),
                quantity: Quantity::Milligrams(3_500),
                weight_mg: Some(3_512),
            }],
        }),
        Payload::TaskLinesAdded(TaskLinesAdded {
            task: ContinuedTask::CountTask,
            task_id: s("CT-2026-0007"),
            pick_lines: vec![],
            locations: vec![s("VAULT-1/S04"), s("VAULT-1/S05")],
            items: vec![s("ITEM-VAPE-05")],
        }),
        // Added by the seam branch (kind 276).
        Payload::FacilityStateSystemDefined(FacilityStateSystemDefined {
            facility_id: s("FAC-DENVER-01"),
            state_system: StateSystem::Metrc,
        }),
        // Added by the app-receive branch (kind 277).
        Payload::ReceiptDifferenceNoted(ReceiptDifferenceNoted {
            manifest_id: s("IN-2026-0001"),
            uid: s(UID_B),
            manifest_quantity: Quantity::Milligrams(3_500),
            received_quantity: Quantity::Milligrams(3_380),
            reason_code: s("DRYING"),
            note: s("case lighter than manifest; seal intact"),
        }),
        Payload::ConflictSettled(ConflictSettled {
            uid: s("1A4FF0100000022000000123"),
            quantity: Quantity::Milligrams(28_350),
            location_id: s("VAULT-A"),
            status: PackageStatus::Active,
            reason_code: s("SCALE-VARIANCE"),
            through_ledger_index: 4_096,
        }),
        // Added by the sweep branch (kind 279).
        Payload::CountSweepRecorded(CountSweepRecorded {
            count_task_id: s("CT-2026-0001"),
            round: 2,
            reader: s("zebra-rfd40"),
            location: s("VAULT-1/S03"),
            tags: vec![
                RfidTagRead {
                    epc: Bytes(vec![
                        0x30, 0x14, 0x25, 0x7b, 0xf7, 0x19, 0x4e, 0x40, 0x00, 0x00, 0x1a, 0x85,
                    ]),
                    decoded_uid: Some(s(UID_A)),
                },
                RfidTagRead {
                    epc: Bytes(vec![0xe2, 0x00, 0x34, 0x12, 0x01, 0x23]),
                    decoded_uid: None,
                },
            ],
        }),
        Payload::DeviceRebootstrapped(DeviceRebootstrapped {
            origin: s("ledger.example.com/tally"),
            cursor: 2_048,
            served_size: 1_990,
            reason: s("ledger restored from the 02:00 backup renumbered the stream"),
        }),
    ]
}

/// A chain of `len` events (genesis + `len - 1` events cycling through every non-genesis
/// payload kind), one second apart.
pub fn build_chain_with(key: DeviceKey, len: usize) -> Vec<SignedEvent> {
    let clock = clock();
    let (mut writer, genesis) = ChainWriter::genesis(key, &clock, "", enrolled()).expect("genesis");
    let samples: Vec<Payload> = every_payload()
        .into_iter()
        .filter(|payload| !matches!(payload, Payload::DeviceEnrolled(_)))
        .collect();
    let mut events = vec![genesis];
    for index in 1..len {
        clock.advance_ms(1_000);
        let payload = samples[(index - 1) % samples.len()].clone();
        events.push(writer.append(&clock, "B-1042", payload).expect("append"));
    }
    events
}

pub fn build_chain(len: usize) -> Vec<SignedEvent> {
    build_chain_with(test_key(), len)
}

pub fn raw(events: &[SignedEvent]) -> Vec<Vec<u8>> {
    events
        .iter()
        .map(|event| event.as_bytes().to_vec())
        .collect()
}
