//! `tally audit FILE --key KEY [--csv]`: verifies a chain-of-custody bundle written by
//! `tally-ledger custody`, offline, from the bundle and the ledger's note verifier key alone,
//! and prints what it proves (and what it cannot), or the events as CSV in the facility's time
//! zone. The verification is `tally_events::custody::verify`; this module reads, converts
//! times and prints.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use tally_events::custody::{self, CustodyReport, Role, VerifiedEntry};
use tally_events::note::NoteVerifier;
use tally_events::{Language, Message, Payload};
use tally_vocab::bilingual;

/// Arguments of `tally audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The custody bundle (`tally-ledger custody --out FILE`).
    #[arg(required_unless_present = "ledger", conflicts_with = "ledger")]
    pub file: Option<PathBuf>,
    /// Verify the whole log served by the ledger at URL instead (its `/log/` tiles): every
    /// entry's signature, every device's chain and the Merkle root of the signed checkpoint.
    #[arg(long, value_name = "URL")]
    pub ledger: Option<String>,
    /// With --ledger: threads verifying signatures (default: one per core).
    #[arg(long, value_name = "N", requires = "ledger")]
    pub threads: Option<usize>,
    /// With --ledger: an extra trusted CA certificate (PEM) for an https:// ledger.
    #[arg(long, value_name = "PEM", requires = "ledger")]
    pub ca_cert: Option<PathBuf>,
    /// The ledger's note verifier key (`name+keyid+base64key`, as `tally-ledger verifier-key`
    /// prints it), or a file holding it.
    #[arg(long, value_name = "KEY")]
    pub key: String,
    /// Print the events as CSV, times in the facility's time zone.
    #[arg(long)]
    pub csv: bool,
    /// Language of the report: `en` (English) or `es` (Spanish).
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = parse_language)]
    pub lang: Language,
}

fn parse_language(text: &str) -> Result<Language, String> {
    match text {
        "en" => Ok(Language::English),
        "es" => Ok(Language::Spanish),
        _ => Err("the language is en (English) or es (Spanish)".to_owned()),
    }
}

/// The key's text, given on the command line or read from the file it names.
fn verifier_text(key: &str) -> anyhow::Result<String> {
    verifier(key)?;
    if NoteVerifier::parse(key).is_ok() {
        return Ok(key.to_owned());
    }
    Ok(std::fs::read_to_string(key)?.trim().to_owned())
}

/// The key given on the command line, or read from the file it names.
fn verifier(key: &str) -> anyhow::Result<NoteVerifier> {
    if let Ok(verifier) = NoteVerifier::parse(key) {
        return Ok(verifier);
    }
    let text = std::fs::read_to_string(key).with_context(|| {
        format!("--key {key:?} is neither a ledger verifier key (name+keyid+base64key) nor a file holding one / no es una clave del libro central ni un archivo que la contenga")
    })?;
    NoteVerifier::parse(text.trim()).with_context(|| {
        format!("the file {key} does not hold a ledger verifier key / el archivo no contiene una clave del libro central")
    })
}

/// Runs `tally audit`: exit 0 when the bundle verifies, 1 with the reason when it does not.
pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    if let Some(url) = &args.ledger {
        return super::audit_log::run(url, &args, verifier_text(&args.key)?);
    }
    let key = verifier(&args.key)?;
    let Some(file) = &args.file else {
        anyhow::bail!(
            "give a custody bundle FILE or --ledger URL / indique un archivo o --ledger URL"
        );
    };
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read the bundle {}", file.display()))?;
    let report = match custody::verify(&bytes, &key) {
        Ok(report) => report,
        Err(error) => {
            let text = error.message(args.lang);
            match args.lang {
                Language::English => eprintln!("NOT VERIFIED: {text} [{}]", error.code()),
                Language::Spanish => eprintln!("NO VERIFICADO: {text} [{}]", error.code()),
            }
            return Ok(ExitCode::from(1));
        }
    };
    let zone = time_zone(&report);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.csv {
        write_csv(&mut out, &report, &zone)?;
    } else {
        write_text(&mut out, &report, &zone, args.lang)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The facility's time zone from the bundle's settings, or UTC when it has none (or names a
/// zone this build does not know: the report says which it used).
fn time_zone(report: &CustodyReport) -> jiff::tz::TimeZone {
    report
        .time_zone
        .as_deref()
        .and_then(|name| jiff::tz::TimeZone::get(name).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC)
}

fn zone_name(zone: &jiff::tz::TimeZone) -> String {
    zone.iana_name().unwrap_or("UTC").to_owned()
}

/// A device wall clock (Unix ms, UTC) as local time with its offset.
fn local_time(wall_unix_ms: i64, zone: &jiff::tz::TimeZone) -> String {
    match jiff::Timestamp::from_millisecond(wall_unix_ms) {
        Ok(ts) => ts
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S%.3f %:z")
            .to_string(),
        Err(_) => format!("{wall_unix_ms} ms (out of range)"),
    }
}

/// What an event did, in one short phrase, and the scale, witness and location it names.
struct Facts {
    summary: String,
    scale: String,
    witness: String,
    location: String,
    quantity: String,
}

/// The witness's sign-in and the scale's registration, as the destruction and weight rows
/// show them.
fn witness_note(
    report: &CustodyReport,
    entry: &VerifiedEntry,
    zone: &jiff::tz::TimeZone,
) -> String {
    match report.witness_sign_in(entry) {
        Some(signed_in) => format!(
            "; witness signed in on this device at {} (log index {})",
            local_time(signed_in.event.timestamp().wall_unix_ms, zone),
            signed_in.index
        ),
        None => String::new(),
    }
}

fn scale_note(report: &CustodyReport, entry: &VerifiedEntry) -> String {
    match report
        .scale_registration(entry)
        .map(|e| (&e.payload, e.index))
    {
        Some((Payload::ScaleRegistered(r), index)) => format!(
            "; scale registered as serial {} model {}, calibration due {} (log index {index})",
            r.serial, r.model, r.calibration_due
        ),
        _ => String::new(),
    }
}

fn facts(report: &CustodyReport, entry: &VerifiedEntry, zone: &jiff::tz::TimeZone) -> Facts {
    let mut f = Facts {
        summary: String::new(),
        scale: String::new(),
        witness: String::new(),
        location: String::new(),
        quantity: String::new(),
    };
    match &entry.payload {
        Payload::PackageRegistered(p) => {
            f.location = p.location_id.clone();
            f.quantity = p.quantity.to_string();
            f.summary = format!("registered: item {} batch {}", p.item_id, p.batch_id);
        }
        Payload::PackageMoved(p) => {
            f.location = p.to_location.clone();
            f.summary = format!("moved from {} to {}", p.from_location, p.to_location);
        }
        Payload::PackageQuarantined(p) => {
            f.location = p.location.clone().unwrap_or_default();
            f.summary = format!("quarantined: {} {}", p.reason_code, p.note);
        }
        Payload::PackageReleased(p) => {
            f.summary = format!("released: {} {}", p.reason_code, p.note)
        }
        Payload::WeightRecorded(p) => {
            f.scale = p.scale_id.clone();
            f.quantity = format!("{} {:?}", p.value, p.unit).to_lowercase();
            f.summary = format!(
                "weighed {} {:?} {:?}{}{}",
                p.value,
                p.unit,
                p.mode,
                if p.stable { "" } else { " (unstable)" },
                scale_note(report, entry)
            );
        }
        Payload::ScaleRegistered(p) => {
            f.scale = p.scale_id.clone();
            f.summary = format!(
                "scale registered: serial {} model {}, division {} {:?}, calibration due {}",
                p.serial, p.model, p.division, p.unit, p.calibration_due
            );
        }
        Payload::UserSignedIn(p) => {
            if entry.role == Role::Witness {
                f.witness = p.badge.clone();
            }
            let purpose = format!("{:?}", p.purpose).to_lowercase();
            f.summary = format!("{} signed in ({purpose})", p.badge);
        }
        Payload::DestructionRecorded(p) => {
            f.witness = p.witness.clone();
            f.quantity = p.quantity.to_string();
            f.summary = format!(
                "destroyed: {} by {}{}",
                p.reason_code,
                p.method,
                witness_note(report, entry, zone)
            );
        }
        Payload::CountLineRecorded(p) => {
            f.location = p.location.clone();
            f.quantity = p.quantity.to_string();
            f.summary = format!("counted in task {} round {}", p.count_task_id, p.round);
        }
        Payload::ManifestLineReceived(p) => {
            f.quantity = p.quantity.to_string();
            f.summary = format!("received on manifest {}", p.manifest_id);
        }
        Payload::AdjustmentApproved(p) => {
            f.quantity = p.to.to_string();
            f.summary = format!(
                "adjusted from {} to {}: {} approved by {}",
                p.from, p.to, p.reason_code, p.approver
            );
        }
        Payload::EventVoided(p) => {
            f.summary = format!(
                "voids seq {} of device {}: {}",
                p.target.seq,
                short(&p.target.device.to_string()),
                p.reason_code
            );
        }
        other => {
            f.summary = serde_json::to_string(other).unwrap_or_default();
        }
    }
    f
}

fn short(hex: &str) -> String {
    hex.chars().take(12).collect()
}

fn kind(entry: &VerifiedEntry) -> String {
    tally_events::payload::kind_name(entry.event.payload_kind())
        .unwrap_or_else(|| format!("unknown_{}", entry.event.payload_kind()))
}

fn write_text(
    out: &mut impl Write,
    report: &CustodyReport,
    zone: &jiff::tz::TimeZone,
    lang: Language,
) -> io::Result<()> {
    let l = lang;
    let events: Vec<&VerifiedEntry> = report.events().collect();
    let (uid, origin) = (&report.uid, &report.origin);
    let (size, root) = (report.checkpoint.size, &report.checkpoint.root);
    let verified = bilingual!(l,
        en: "VERIFIED: custody of {uid} in the log {origin}\ncheckpoint: {size} entries, root {root}",
        es: "VERIFICADO: custodia de {uid} en el registro {origin}\npunto de control: {size} entradas, raíz {root}",
    );
    writeln!(out, "{verified}")?;
    let facilities = report
        .facilities
        .iter()
        .map(String::as_str)
        .collect::<Vec<&str>>()
        .join(", ");
    let zone_note = match &report.time_zone {
        Some(name) if zone.iana_name() == Some(name.as_str()) => name.clone(),
        Some(name) => bilingual!(l,
            en: "{name} unknown here, times in UTC",
            es: "{name} desconocida aquí, horas en UTC",
        ),
        None => bilingual!(l,
            en: "no settings in the bundle, times in UTC",
            es: "el paquete no trae configuración, horas en UTC",
        ),
    };
    let facility = bilingual!(l,
        en: "facility: {facilities} (time zone {zone_note})",
        es: "instalación: {facilities} (zona horaria {zone_note})",
    );
    writeln!(out, "{facility}")?;
    let (count, voided) = (events.len(), events.iter().filter(|e| e.voided).count());
    let counted = bilingual!(l,
        en: "events: {count} ({voided} voided)",
        es: "eventos: {count} ({voided} anulados)",
    );
    writeln!(out, "{counted}")?;
    for entry in &events {
        let f = facts(report, entry, zone);
        let index = entry.index;
        let time = local_time(entry.event.timestamp().wall_unix_ms, zone);
        let device = short(&entry.event.device().to_string());
        let seq = entry.event.seq();
        let user = match entry.event.actor() {
            "" => "-",
            actor => actor,
        };
        let kind = kind(entry);
        let summary = &f.summary;
        let scale = match f.scale.as_str() {
            "" => String::new(),
            scale => bilingual!(l, en: "  scale {scale}", es: "  báscula {scale}"),
        };
        let witness = match f.witness.as_str() {
            "" => String::new(),
            witness => bilingual!(l, en: "  witness {witness}", es: "  testigo {witness}"),
        };
        let voided = match entry.voided {
            true => bilingual!(l, en: "  [VOIDED]", es: "  [ANULADO]"),
            false => String::new(),
        };
        let line = bilingual!(l,
            en: "  #{index:<8} {time}  device {device} seq {seq}  user {user}  {kind}  {summary}{scale}{witness}{voided}",
            es: "  #{index:<8} {time}  dispositivo {device} seq {seq}  usuario {user}  {kind}  {summary}{scale}{witness}{voided}",
        );
        writeln!(out, "{line}")?;
    }
    let context = |role| report.entries.iter().filter(|e| e.role == role).count();
    let (genesis, weight, witness) = (
        context(Role::Genesis),
        context(Role::Weight),
        context(Role::Witness),
    );
    let (scale, void, settings) = (
        context(Role::Scale),
        context(Role::Void),
        context(Role::Settings),
    );
    let context = bilingual!(l,
        en: "context: {genesis} genesis, {weight} weight, {witness} witness, {scale} scale, {void} void, {settings} settings\n\
             Each event is signed by its device and proved to be in the log signed by the ledger's key.\n\
             What this bundle cannot prove:",
        es: "contexto: {genesis} alta, {weight} peso, {witness} testigo, {scale} báscula, {void} anulación, {settings} configuración\n\
             Cada evento está firmado por su dispositivo y probado en el registro firmado por la clave del libro central.\n\
             Lo que este paquete no puede probar:",
    );
    writeln!(out, "{context}")?;
    for limit in report.limits(lang) {
        writeln!(out, "  - {limit}")?;
    }
    Ok(())
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; a field
/// that a spreadsheet would take for a formula gets a leading apostrophe.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn write_csv(
    out: &mut impl Write,
    report: &CustodyReport,
    zone: &jiff::tz::TimeZone,
) -> io::Result<()> {
    writeln!(
        out,
        "uid,log_index,role,local_time,time_zone,device_id,seq,facility,user,kind,summary,location,quantity,scale,witness,voided,record_sha256,checkpoint_size"
    )?;
    let zone_name = zone_name(zone);
    for entry in &report.entries {
        let f = facts(report, entry, zone);
        let row = [
            report.uid.clone(),
            entry.index.to_string(),
            entry.role.name().to_owned(),
            local_time(entry.event.timestamp().wall_unix_ms, zone),
            zone_name.clone(),
            entry.event.device().to_string(),
            entry.event.seq().to_string(),
            entry.event.facility().to_owned(),
            entry.event.actor().to_owned(),
            kind(entry),
            f.summary,
            f.location,
            f.quantity,
            f.scale,
            f.witness,
            entry.voided.to_string(),
            entry.event.record_hash().to_string(),
            report.checkpoint.size.to_string(),
        ];
        let line: Vec<String> = row.iter().map(|v| field(v)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{field, local_time};

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-500"), "-500");
    }

    #[test]
    fn times_are_shown_in_the_facility_zone_with_daylight_saving() {
        let la = jiff::tz::TimeZone::get("America/Los_Angeles").unwrap();
        // 2026-07-01T12:00:00Z is 05:00 PDT; 2026-12-01T12:00:00Z is 04:00 PST.
        assert_eq!(
            local_time(1_782_907_200_000, &la),
            "2026-07-01 05:00:00.000 -07:00"
        );
        assert_eq!(
            local_time(1_796_126_400_000, &la),
            "2026-12-01 04:00:00.000 -08:00"
        );
    }
}
