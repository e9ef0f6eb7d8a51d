//! The demo facility: a realistic, deterministic set of admin events (facility settings,
//! vaults and a quarantine cage, items across flower, vapes, concentrates and edibles, batches
//! with and without COA, users, reason codes, scales, packages, inbound and outbound manifests,
//! pick lists and count tasks), recorded through [`Replica::record`] like any admin event.
//!
//! The same `seed` gives the same facility (ids, quantities, dates); only the device key and
//! the signatures differ between runs (and the salts of the PIN verifiers, which are not in
//! the log). The generator is a SplitMix64 stream written out here, so the output does not
//! change when a dependency does.

use tally_events::limits;
use tally_events::payload::{
    BatchDefined, CoaStatus, ContinuedTask, CountTaskIssued, FacilitySettingsDefined,
    InboundManifestIssued, ItemCategory, ItemDefined, LocationDefined, LocationKind, ManifestLine,
    ManifestLinesAdded, OutboundManifestIssued, PackageRegistered, PackageStatus, PickListIssued,
    PickListLine, ReasonCodeDefined, Role, ScaleRegistered, TaskLinesAdded, UnitOfMeasure,
    UserDefinedV2,
};
use tally_events::pin::make_verifier;
use tally_events::{Date, MassUnit, Payload, PinParams, Quantity};

use crate::error::ReplicaError;
use crate::pins::IssuedVerifier;
use crate::replica::{Replica, EVENTS_PER_ACTION_MAX};

/// Most packages a demo facility may hold.
pub const PACKAGES_MAX: usize = 5_000_000;
/// The admin badge that records the demo's master data.
pub const ADMIN_BADGE: &str = "B9001";
/// The demo facility id.
pub const FACILITY: &str = "FAC-DENVER-01";

/// Demo users: (badge, name, role, PIN).
pub const USERS: &[(&str, &str, Role, &str)] = &[
    ("B1001", "Alex Rivera", Role::Operator, "1111"),
    ("B1002", "Sam Chen", Role::Operator, "2222"),
    ("B1003", "Priya Nair", Role::Operator, "3333"),
    ("B2001", "Jordan Lee", Role::Supervisor, "4444"),
    ("B2002", "Morgan Diaz", Role::Supervisor, "5555"),
    (ADMIN_BADGE, "Casey Admin", Role::Admin, "9999"),
];

/// Demo reason codes.
pub const REASONS: &[(&str, &str)] = &[
    ("SCALE-VARIANCE", "Scale variance"),
    ("ENTRY-ERROR", "Entry error"),
    ("DAMAGE", "Damaged"),
    ("THEFT", "Theft or loss"),
    ("WASTE", "Waste"),
    ("DRYING", "Moisture loss (drying)"),
    ("LABEL-MISMATCH", "Label does not match COA"),
    ("NO-COA", "No passed COA"),
    ("WEIGHT-OFF", "Weight outside tolerance"),
    ("TAMPERED", "Packaging tampered"),
    ("NOT-ON-MANIFEST", "Not on the manifest"),
    ("SHORT-STOCK", "Not enough stock"),
    ("EXPIRED", "Expired"),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

/// (id, sku, name, category, weighed, unit net mg or units per package)
const ITEMS: &[(&str, &str, ItemCategory, bool)] = &[
    ("OGK-35", "OG Kush 3.5 g jar", ItemCategory::Flower, false),
    (
        "BDR-35",
        "Blue Dream 3.5 g jar",
        ItemCategory::Flower,
        false,
    ),
    ("GSC-70", "GSC 7 g pouch", ItemCategory::Flower, false),
    (
        "SDI-BULK",
        "Sour Diesel bulk flower",
        ItemCategory::Flower,
        true,
    ),
    (
        "WDC-BULK",
        "Wedding Cake bulk flower",
        ItemCategory::Flower,
        true,
    ),
    (
        "PR-HZ-5",
        "Haze pre-roll 5-pack",
        ItemCategory::PreRoll,
        false,
    ),
    ("VC-LR-1", "Live resin cart 1 g", ItemCategory::Vape, false),
    (
        "VC-DST-05",
        "Distillate cart 0.5 g",
        ItemCategory::Vape,
        false,
    ),
    (
        "VC-AIO-03",
        "All-in-one vape 0.3 g",
        ItemCategory::Vape,
        false,
    ),
    ("CN-BDR-1", "Badder 1 g", ItemCategory::Concentrate, false),
    ("CN-SHT-1", "Shatter 1 g", ItemCategory::Concentrate, false),
    (
        "CN-RSN-BULK",
        "Live rosin bulk",
        ItemCategory::Concentrate,
        true,
    ),
    (
        "ED-GUM-10",
        "Gummies 10 x 10 mg",
        ItemCategory::Edible,
        false,
    ),
    (
        "ED-CHC-100",
        "Dark chocolate bar 100 mg",
        ItemCategory::Edible,
        false,
    ),
    ("ED-MNT-20", "Mints 20 x 5 mg", ItemCategory::Edible, false),
    (
        "TN-1000",
        "Tincture 1000 mg 30 ml",
        ItemCategory::Tincture,
        false,
    ),
];

fn metrc_tag(serial: u64) -> String {
    format!("1A4FF0100000{:012}", serial % 1_000_000_000_000)
}

fn date(year: u16, month: u8, day: u8) -> Result<Date, ReplicaError> {
    Date::new(year, month, day)
        .ok_or_else(|| ReplicaError::Storage(format!("bad demo date {year}-{month}-{day}")))
}

/// What the demo holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Events recorded.
    pub events: usize,
    /// Packages registered (in the facility and arriving).
    pub packages: usize,
    /// Inbound manifests.
    pub inbound_manifests: usize,
    /// Outbound manifests.
    pub outbound_manifests: usize,
    /// Pick lists.
    pub pick_lists: usize,
    /// Count tasks.
    pub count_tasks: usize,
}

struct Batcher<'r> {
    replica: &'r mut Replica,
    pending: Vec<Payload>,
    events: usize,
}

impl Batcher<'_> {
    fn push(&mut self, payload: Payload) -> Result<(), ReplicaError> {
        self.pending.push(payload);
        if self.pending.len() >= EVENTS_PER_ACTION_MAX {
            self.flush()?;
        }
        Ok(())
    }
    /// Pushes events that belong together (a list and its continuations) into one action.
    fn push_group(&mut self, payloads: Vec<Payload>) -> Result<(), ReplicaError> {
        if self.pending.len() + payloads.len() > EVENTS_PER_ACTION_MAX {
            self.flush()?;
        }
        for payload in payloads {
            self.push(payload)?;
        }
        Ok(())
    }
    fn flush(&mut self) -> Result<(), ReplicaError> {
        if !self.pending.is_empty() {
            let batch = std::mem::take(&mut self.pending);
            self.events += self.replica.record(ADMIN_BADGE, batch)?.len();
        }
        Ok(())
    }
}

/// Records a demo facility with `packages` packages in stock; the demo users' PIN verifiers
/// use the production parameters.
pub fn demo(
    replica: &mut Replica,
    packages: usize,
    seed: u64,
) -> Result<DemoSummary, ReplicaError> {
    demo_with_pin_params(replica, packages, seed, &PinParams::PRODUCTION)
}

/// Stores the demo users' PIN verifiers the way the ledger's would arrive: Argon2id PHC
/// strings with fresh random salts (they are not part of the facility's deterministic data),
/// sealed under the device's pepper, outside the log.
pub fn store_demo_pins(replica: &mut Replica, params: &PinParams) -> Result<usize, ReplicaError> {
    let mut verifiers = Vec::with_capacity(USERS.len());
    for (badge, _, _, pin) in USERS {
        let phc = make_verifier(params, pin, &mut rand_core::OsRng).map_err(|problem| {
            ReplicaError::PinVerifier {
                badge: (*badge).into(),
                problem,
            }
        })?;
        verifiers.push(IssuedVerifier {
            badge: (*badge).into(),
            phc,
        });
    }
    replica.store_pin_verifiers(&verifiers)
}

/// [`demo`] with the PIN verifiers' parameters given ([`PinParams::TEST`] in tests).
pub fn demo_with_pin_params(
    replica: &mut Replica,
    packages: usize,
    seed: u64,
    pin_params: &PinParams,
) -> Result<DemoSummary, ReplicaError> {
    if packages > PACKAGES_MAX {
        return Err(ReplicaError::Limit(format!(
            "{packages} packages (at most {PACKAGES_MAX})"
        )));
    }
    let mut rng = Rng(seed);
    let mut out = Batcher {
        replica,
        pending: Vec::new(),
        events: 0,
    };
    out.push(Payload::FacilitySettingsDefined(FacilitySettingsDefined {
        facility_id: FACILITY.into(),
        name: "Front Range Distribution".into(),
        license_number: "403R-00017".into(),
        time_zone: "America/Denver".into(),
        receiving_tolerance_mg: 500,
        count_tolerance_mg: 200,
        count_tolerance_units: 0,
        recount_by_another: true,
    }))?;
    let mut sellable = Vec::new();
    for vault in ["VAULT-A", "VAULT-B", "VAULT-C"] {
        out.push(location(
            vault,
            &format!("Vault {}", &vault[6..]),
            LocationKind::Vault,
            true,
            None,
        ))?;
        sellable.push(vault.to_owned());
        for shelf in 1..=8 {
            let id = format!("{vault}-S{shelf:02}");
            out.push(location(
                &id,
                &format!("Vault {} shelf {shelf}", &vault[6..]),
                LocationKind::Shelf,
                true,
                Some(vault),
            ))?;
            sellable.push(id);
        }
    }
    out.push(location(
        "QC-01",
        "Quarantine cage",
        LocationKind::QuarantineCage,
        false,
        None,
    ))?;
    out.push(location(
        "DOCK-1",
        "Receiving dock",
        LocationKind::Dock,
        false,
        None,
    ))?;
    for lane in 1..=3 {
        out.push(location(
            &format!("LANE-{lane}"),
            &format!("Staging lane {lane}"),
            LocationKind::StagingLane,
            false,
            None,
        ))?;
    }
    for van in 1..=2 {
        out.push(location(
            &format!("VAN-{van}"),
            &format!("Delivery van {van}"),
            LocationKind::Vehicle,
            false,
            None,
        ))?;
    }
    for (id, name, category, weighed) in ITEMS {
        out.push(Payload::ItemDefined(ItemDefined {
            item_id: (*id).into(),
            sku: format!("SKU-{id}"),
            name: (*name).into(),
            category: *category,
            unit_of_measure: if *weighed {
                UnitOfMeasure::Weight
            } else {
                UnitOfMeasure::Each
            },
            gtin: None,
            manifest_weight_is_net: *weighed,
            tare_mg: Some(if *weighed { 45_000 } else { 12_000 }),
        }))?;
    }
    // Batches: four per item; most passed, some pending, missing or failed.
    let mut batches: Vec<(String, usize, CoaStatus)> = Vec::new();
    for (index, (id, ..)) in ITEMS.iter().enumerate() {
        for b in 0..4u8 {
            let coa = match rng.below(20) {
                0 => CoaStatus::Failed,
                1 => CoaStatus::Missing,
                2 | 3 => CoaStatus::Pending,
                _ => CoaStatus::Passed,
            };
            let batch_id = format!("{id}-L{:02}", b + 1);
            let month = 1 + (rng.below(12) as u8);
            out.push(Payload::BatchDefined(BatchDefined {
                batch_id: batch_id.clone(),
                item_id: (*id).into(),
                lot: format!(
                    "LOT-{}{:03}",
                    &id[..2],
                    100 + u32::from(b) * 7 + index as u32
                ),
                coa_status: coa,
                expiry: Some(date(
                    2027 + u16::from(b / 2),
                    month,
                    1 + (rng.below(28) as u8),
                )?),
                thc_bp: (coa != CoaStatus::Missing).then(|| 1_500 + rng.below(1_500) as u32),
                cbd_bp: (coa != CoaStatus::Missing).then(|| rng.below(200) as u32),
            }))?;
            batches.push((batch_id, index, coa));
        }
    }
    for (badge, name, role, _) in USERS {
        out.push(Payload::UserDefinedV2(UserDefinedV2 {
            badge: (*badge).into(),
            name: (*name).into(),
            role: *role,
            active: true,
        }))?;
    }
    for (code, description) in REASONS {
        out.push(Payload::ReasonCodeDefined(ReasonCodeDefined {
            code: (*code).into(),
            description: (*description).into(),
        }))?;
    }
    for (id, serial, due) in [
        ("SCALE-01", "B743210987", date(2027, 6, 30)?),
        ("SCALE-02", "B743210988", date(2027, 3, 31)?),
    ] {
        out.push(Payload::ScaleRegistered(ScaleRegistered {
            scale_id: id.into(),
            serial: serial.into(),
            model: "MS6002TS".into(),
            division: "0.01".into(),
            capacity: "6200".into(),
            unit: MassUnit::G,
            calibration_due: due,
        }))?;
    }
    let quantity_for = |rng: &mut Rng, item: usize| {
        if ITEMS[item].3 {
            Quantity::Milligrams(200_000 + rng.below(2_000_000))
        } else {
            Quantity::Units(6 + rng.below(60))
        }
    };
    // Stock.
    let mut stock: Vec<(String, usize, CoaStatus, Quantity)> =
        Vec::with_capacity(packages.min(100_000));
    for serial in 0..packages {
        let (batch_id, item, coa) = &batches[rng.below(batches.len() as u64) as usize];
        let uid = metrc_tag(serial as u64 + 1);
        let (location_id, status) = match (coa, rng.below(100)) {
            (CoaStatus::Failed, _) | (_, 0) => ("QC-01".to_owned(), PackageStatus::Quarantined),
            (CoaStatus::Pending | CoaStatus::Missing, _) | (_, 1) => (
                sellable[rng.below(sellable.len() as u64) as usize].clone(),
                PackageStatus::OnHold,
            ),
            _ => (
                sellable[rng.below(sellable.len() as u64) as usize].clone(),
                PackageStatus::Active,
            ),
        };
        let quantity = quantity_for(&mut rng, *item);
        out.push(Payload::PackageRegistered(PackageRegistered {
            uid: uid.clone(),
            item_id: ITEMS[*item].0.into(),
            batch_id: batch_id.clone(),
            quantity,
            location_id,
            status,
        }))?;
        if stock.len() < 100_000 && status == PackageStatus::Active {
            stock.push((uid, *item, *coa, quantity));
        }
    }
    // Inbound manifests: packages registered in transit on the dock, two of them with problems
    // left for the receiver to find (an extra case on the truck, a case missing).
    let mut next_serial = 900_000_000_000u64;
    let inbound = 3;
    for m in 1..=inbound {
        let mut lines = Vec::new();
        for _ in 0..12 {
            next_serial += 1;
            let (batch_id, item, _) = &batches[rng.below(batches.len() as u64) as usize];
            let uid = metrc_tag(next_serial);
            let quantity = quantity_for(&mut rng, *item);
            let weight_mg = match quantity {
                Quantity::Milligrams(mg) => mg,
                Quantity::Units(n) => n * 4_000 + 12_000,
            };
            out.push(Payload::PackageRegistered(PackageRegistered {
                uid: uid.clone(),
                item_id: ITEMS[*item].0.into(),
                batch_id: batch_id.clone(),
                quantity,
                location_id: "DOCK-1".into(),
                status: PackageStatus::InTransit,
            }))?;
            lines.push(ManifestLine {
                uid,
                item_id: ITEMS[*item].0.into(),
                quantity,
                weight_mg: Some(weight_mg),
            });
        }
        out.push_group(split_inbound_manifest(InboundManifestIssued {
            manifest_id: format!("IN-2026-{m:04}"),
            origin_license: format!("403-X00{}", 10 + m),
            destination_license: "403R-00017".into(),
            driver: ["Dana Ortiz", "Lee Park", "Chris Bell"][m % 3].into(),
            vehicle: format!("CO-{}KX{}", 300 + m, 10 + m),
            lines,
        }))?;
    }
    // Outbound manifests and pick lists for two routes, from stock that passed its COA.
    let passed: Vec<&(String, usize, CoaStatus, Quantity)> =
        stock.iter().filter(|s| s.2 == CoaStatus::Passed).collect();
    let mut outbound = 0;
    for route in 1..=2usize {
        let chosen: Vec<&&(String, usize, CoaStatus, Quantity)> =
            passed.iter().skip(route * 10).take(4).collect();
        if chosen.is_empty() {
            continue;
        }
        outbound += 1;
        out.push_group(split_outbound_manifest(OutboundManifestIssued {
            manifest_id: format!("OUT-2026-{route:04}"),
            origin_license: "403R-00017".into(),
            destination_license: format!("402R-0{}12", route),
            route_id: format!("ROUTE-{route}"),
            driver: "Robin Shah".into(),
            vehicle: format!("VAN-{route}"),
            lines: chosen
                .iter()
                .map(|(uid, item, _, quantity)| ManifestLine {
                    uid: uid.clone(),
                    item_id: ITEMS[*item].0.into(),
                    quantity: *quantity,
                    weight_mg: None,
                })
                .collect(),
        }))?;
    }
    let pick_lists = 3;
    for p in 1..=pick_lists {
        let mut lines = Vec::new();
        for line in 1..=3u32 {
            let item = rng.below(ITEMS.len() as u64) as usize;
            lines.push(PickListLine {
                line,
                item_id: ITEMS[item].0.into(),
                quantity: if ITEMS[item].3 {
                    Quantity::Milligrams(28_000)
                } else {
                    Quantity::Units(2 + rng.below(6))
                },
                batch_id: None,
            });
        }
        out.push_group(split_pick_list(PickListIssued {
            pick_list_id: format!("PL-{p:04}"),
            order_id: format!("ORD-88{p:03}"),
            route_id: format!("ROUTE-{}", 1 + p % 2),
            lines,
        }))?;
    }
    let counts: [(&str, Vec<String>, Vec<String>); 3] = [
        (
            "CT-0001",
            vec!["VAULT-A-S01".into(), "VAULT-A-S02".into()],
            vec!["CN-BDR-1".into(), "CN-SHT-1".into(), "CN-RSN-BULK".into()],
        ),
        ("CT-0002", vec!["VAULT-B-S03".into()], vec![]),
        (
            "CT-0003",
            vec!["VAULT-C-S05".into(), "VAULT-C-S06".into()],
            vec!["VC-LR-1".into(), "VC-DST-05".into()],
        ),
    ];
    for (id, locations, items) in &counts {
        out.push_group(split_count_task(CountTaskIssued {
            count_task_id: (*id).into(),
            locations: locations.clone(),
            items: items.clone(),
            assigned_to: None,
        }))?;
    }
    out.flush()?;
    store_demo_pins(out.replica, pin_params)?;
    Ok(DemoSummary {
        events: out.events,
        packages: packages + inbound * 12,
        inbound_manifests: inbound,
        outbound_manifests: outbound,
        pick_lists,
        count_tasks: counts.len(),
    })
}

/// An inbound manifest as events: `inbound_manifest_issued` with its first lines, then
/// `manifest_lines_added` events with the rest, in order (one record holds at most
/// [`limits::MANIFEST_LINES_PER_EVENT`] lines). Record them in one action.
pub fn split_inbound_manifest(mut manifest: InboundManifestIssued) -> Vec<Payload> {
    let rest = split_off(&mut manifest.lines, limits::MANIFEST_LINES_PER_EVENT);
    let id = manifest.manifest_id.clone();
    let mut out = vec![Payload::InboundManifestIssued(manifest)];
    out.extend(manifest_continuations(&id, false, rest));
    out
}

/// An outbound manifest as events (see [`split_inbound_manifest`]).
pub fn split_outbound_manifest(mut manifest: OutboundManifestIssued) -> Vec<Payload> {
    let rest = split_off(&mut manifest.lines, limits::MANIFEST_LINES_PER_EVENT);
    let id = manifest.manifest_id.clone();
    let mut out = vec![Payload::OutboundManifestIssued(manifest)];
    out.extend(manifest_continuations(&id, true, rest));
    out
}

/// A pick list as events: `pick_list_issued` with its first lines, then `task_lines_added`.
pub fn split_pick_list(mut list: PickListIssued) -> Vec<Payload> {
    let rest = split_off(&mut list.lines, limits::PICK_LINES_PER_EVENT);
    let id = list.pick_list_id.clone();
    let mut out = vec![Payload::PickListIssued(list)];
    out.extend(rest.chunks(limits::PICK_LINES_PER_EVENT).map(|chunk| {
        Payload::TaskLinesAdded(TaskLinesAdded {
            task: ContinuedTask::PickList,
            task_id: id.clone(),
            pick_lines: chunk.to_vec(),
            locations: Vec::new(),
            items: Vec::new(),
        })
    }));
    out
}

/// A count task as events: `count_task_issued` with its first locations and items, then
/// `task_lines_added` with the rest.
pub fn split_count_task(mut task: CountTaskIssued) -> Vec<Payload> {
    let per = limits::COUNT_TASK_ENTRIES_PER_EVENT;
    let mut locations = split_off(&mut task.locations, per).into_iter().peekable();
    let mut items = split_off(&mut task.items, per).into_iter().peekable();
    let id = task.count_task_id.clone();
    let mut out = vec![Payload::CountTaskIssued(task)];
    while locations.peek().is_some() || items.peek().is_some() {
        out.push(Payload::TaskLinesAdded(TaskLinesAdded {
            task: ContinuedTask::CountTask,
            task_id: id.clone(),
            pick_lines: Vec::new(),
            locations: locations.by_ref().take(per).collect(),
            items: items.by_ref().take(per).collect(),
        }));
    }
    out
}

/// Keeps the first `keep` items in `list` and returns the rest.
fn split_off<T>(list: &mut Vec<T>, keep: usize) -> Vec<T> {
    if list.len() > keep {
        list.split_off(keep)
    } else {
        Vec::new()
    }
}

fn manifest_continuations(
    id: &str,
    outbound: bool,
    rest: Vec<ManifestLine>,
) -> impl Iterator<Item = Payload> + '_ {
    let chunks: Vec<Vec<ManifestLine>> = rest
        .chunks(limits::MANIFEST_LINES_PER_EVENT)
        .map(<[ManifestLine]>::to_vec)
        .collect();
    chunks.into_iter().map(move |lines| {
        Payload::ManifestLinesAdded(ManifestLinesAdded {
            manifest_id: id.to_owned(),
            outbound,
            lines,
        })
    })
}

fn location(
    id: &str,
    name: &str,
    kind: LocationKind,
    sellable: bool,
    parent: Option<&str>,
) -> Payload {
    Payload::LocationDefined(LocationDefined {
        location_id: id.into(),
        name: name.into(),
        kind,
        sellable,
        parent: parent.map(str::to_owned),
    })
}
