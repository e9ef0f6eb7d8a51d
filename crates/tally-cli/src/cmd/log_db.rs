//! `tally log show --db PATH`: the device's own log read from its replica database, as shown on
//! the device. While a count is open, the quantities and weights of events about the counted
//! stock are withheld, and so are their payload hashes and, from the first withheld event on,
//! every record hash, `prev` and signature (each depends on the withheld bytes through the
//! chain, so a quantity could be recovered from any of them by trying every value). An export file shown with `tally log show FILE`
//! is an auditor's view and shows everything.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::Value;
use tally_events::{Payload, SignedEvent};
use tally_replica::workflow::under_count::CountedStock;

/// What replaces a withheld value.
pub const WITHHELD: &str = "withheld while a count is open";

/// Fields holding a weight or a quantity, wherever they appear in a withheld payload.
const WEIGHT_FIELDS: &[&str] = &["value", "tare", "measured_mg", "weight_mg"];

/// Replaces every quantity (`{"units": n}` / `{"mg": n}`) and weight in a payload's JSON.
fn withhold(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_quantity = map.len() == 1
                && map
                    .iter()
                    .all(|(k, v)| (k == "units" || k == "mg") && v.is_number());
            if is_quantity {
                *value = Value::String(WITHHELD.to_owned());
                return;
            }
            for (field, inner) in map.iter_mut() {
                if WEIGHT_FIELDS.contains(&field.as_str()) && !inner.is_null() {
                    *inner = Value::String(WITHHELD.to_owned());
                } else {
                    withhold(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(withhold),
        _ => {}
    }
}

/// Shows the device log of a replica database.
pub fn show(db: &Path, json: bool) -> anyhow::Result<ExitCode> {
    // The replica's errors name the file already.
    let conn = tally_replica::db::open_read_only(db).context("cannot open the replica")?;
    let counted = CountedStock::load(&conn).context("cannot read the open counts")?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut problems = 0usize;
    let mut first = true;
    if json {
        writeln!(out, "[")?;
    }
    // Once an event is withheld, every later record hash, `prev` and signature depends on its
    // bytes (the chain), so they are withheld too; payload hashes of other events are not.
    let mut tainted = false;
    tally_replica::replica::each_record(&conn, |record| -> anyhow::Result<()> {
        let event = match SignedEvent::from_bytes(record) {
            Ok(event) => event,
            Err(error) => {
                problems += 1;
                eprintln!("tally: a record of {} is damaged: {error}", db.display());
                return Ok(());
            }
        };
        let payload = event.payload().ok();
        let secret = payload.as_ref().is_some_and(|p| counted.withholds(p));
        let chained = tainted || secret;
        if json {
            let mut value = serde_json::to_value(&event)?;
            if secret {
                if let Some(payload) = value.get_mut("payload") {
                    withhold(payload);
                }
                value["payload_sha256"] = Value::String(WITHHELD.to_owned());
            }
            if chained {
                value["record_sha256"] = Value::String(WITHHELD.to_owned());
                value["signature"] = Value::String(WITHHELD.to_owned());
            }
            if tainted {
                value["prev"] = Value::String(WITHHELD.to_owned());
            }
            let separator = if first { "" } else { "," };
            writeln!(out, "{separator}{}", serde_json::to_string(&value)?)?;
        } else if chained {
            print_withheld(&mut out, &event, payload.as_ref(), secret)?;
        } else {
            super::log::print_event(&mut out, &event)?;
        }
        first = false;
        tainted = chained;
        Ok(())
    })?;
    if json {
        writeln!(out, "]")?;
    }
    out.flush()?;
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints an event without its record hash; `secret`: its quantities and weights withheld too.
fn print_withheld(
    out: &mut impl Write,
    event: &SignedEvent,
    payload: Option<&Payload>,
    secret: bool,
) -> anyhow::Result<()> {
    let kind = event.payload_kind();
    let name = tally_events::payload::kind_name(kind).unwrap_or_else(|| "unknown".to_owned());
    let actor = if event.actor().is_empty() {
        "-"
    } else {
        event.actor()
    };
    writeln!(
        out,
        "#{seq}  {when}  {name} (kind {kind})  by {actor}  at {facility}",
        seq = event.seq(),
        when = event.timestamp().wall_utc(),
        facility = event.facility(),
    )?;
    if let Some(payload) = payload {
        let mut value = serde_json::to_value(payload)?;
        if secret {
            withhold(&mut value);
        }
        if let Value::Object(fields) = value {
            for (field, value) in fields {
                if field == "kind" {
                    continue;
                }
                let value = match value {
                    Value::String(text) => text,
                    Value::Null => "-".to_owned(),
                    other => other.to_string(),
                };
                writeln!(out, "    {field}: {value}")?;
            }
        }
    }
    writeln!(out, "    record {WITHHELD}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_weights_are_withheld_wherever_they_are() {
        let mut value = serde_json::json!({
            "uid": "1A4", "quantity": {"units": 10}, "from": {"mg": 5000},
            "lines": [{"uid": "1A5", "quantity": {"units": 3}, "weight_mg": 4200}],
            "value": "5.43", "tare": null, "round": 1
        });
        withhold(&mut value);
        let text = value.to_string();
        for secret in ["10", "5000", "4200", "5.43", "\"3\"", ":3"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(value["round"], 1, "what is not a quantity stays");
        assert_eq!(value["tare"], Value::Null);
    }
}
