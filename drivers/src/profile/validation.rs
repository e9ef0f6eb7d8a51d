//! Profile validation: every value of a resolved profile checked (ranges, protocol and
//! transport compatibility, what each parameter applies to), the error naming file and key.

use super::*;
use crate::protocol::ProtocolId;

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Which transports a protocol can run over.
fn protocol_transports(protocol: ProtocolId) -> &'static [TransportKind] {
    match protocol {
        ProtocolId::HidPos | ProtocolId::KeyboardWedge => &[TransportKind::Hidraw],
        ProtocolId::ChafonUhfReader18
        | ProtocolId::ChafonUhfReader288
        | ProtocolId::ThingMagicMercury
        | ProtocolId::M100Bb7e => &[TransportKind::Serial, TransportKind::Usb],
        ProtocolId::SerialBarcode
        | ProtocolId::MtSics
        | ProtocolId::AndStandard
        | ProtocolId::Ohaus
        | ProtocolId::Nci => &[TransportKind::Serial],
    }
}

impl Profile {
    /// Checks every value; the error names the file and the key.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        if !is_valid_id(&self.id) {
            return Err(invalid(
                file,
                "id",
                "(the file name) must be lower-case letters, digits and dashes",
            ));
        }
        for (key, value) in [
            ("vendor", &self.vendor),
            ("model", &self.model),
            ("description", &self.description),
            ("source", &self.source),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(file, key, "must not be empty"));
            }
            if value.len() > 512 {
                return Err(invalid(file, key, "is longer than 512 characters"));
            }
        }
        let kind = protocol_kind(self.protocol);
        if kind != self.kind {
            return Err(invalid(
                file,
                "kind",
                format!(
                    "is `{}` but protocol `{}` belongs to `{kind}` devices",
                    self.kind, self.protocol
                ),
            ));
        }
        if !protocol_transports(self.protocol).contains(&self.transport.kind) {
            return Err(invalid(
                file,
                "transport.type",
                format!(
                    "is `{:?}`, which protocol `{}` cannot run over",
                    self.transport.kind, self.protocol
                )
                .to_lowercase(),
            ));
        }
        self.validate_transport()?;
        self.validate_matching()?;
        self.validate_params()?;
        if self.init.len() > MAX_INIT_COMMANDS {
            return Err(invalid(
                file,
                "init",
                format!("has more than {MAX_INIT_COMMANDS} commands"),
            ));
        }
        for (n, cmd) in self.init.iter().enumerate() {
            let key = format!("init[{n}]");
            match (&cmd.text, &cmd.hex) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(invalid(file, &key, "needs exactly one of `text` or `hex`"))
                }
                (None, Some(hex)) => {
                    if hex::decode(hex).is_err() {
                        return Err(invalid(file, &format!("{key}.hex"), "is not valid hex"));
                    }
                }
                (Some(_), None) => {}
            }
            let len = cmd.bytes().len();
            if len == 0 || len > MAX_INIT_COMMAND_BYTES {
                return Err(invalid(
                    file,
                    &key,
                    format!("must be 1 to {MAX_INIT_COMMAND_BYTES} bytes"),
                ));
            }
        }
        if let Some(n) = self.init.iter().position(|c| c.feature_report) {
            if self.transport.kind != TransportKind::Hidraw {
                return Err(invalid(
                    file,
                    &format!("init[{n}].feature_report"),
                    "only applies to hidraw devices",
                ));
            }
        }
        if self.quirks.len() > 32 {
            return Err(invalid(file, "quirks", "has more than 32 entries"));
        }
        Ok(())
    }

    fn validate_transport(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        let t = &self.transport;
        if t.read_timeout_ms == 0 || t.read_timeout_ms > 60_000 {
            return Err(invalid(
                file,
                "transport.read_timeout_ms",
                "must be 1 to 60000",
            ));
        }
        match t.kind {
            TransportKind::Serial => {
                match t.baud {
                    Some(baud) if BAUD_RATES.contains(&baud) => {}
                    Some(baud) => {
                        return Err(invalid(
                            file,
                            "transport.baud",
                            format!("is {baud}, not a standard baud rate"),
                        ))
                    }
                    None => return Err(invalid(file, "transport.baud", "is required for serial")),
                }
                match t.data_bits {
                    Some(5..=8) => {}
                    _ => return Err(invalid(file, "transport.data_bits", "must be 5 to 8")),
                }
                match t.stop_bits {
                    Some(1 | 2) => {}
                    _ => return Err(invalid(file, "transport.stop_bits", "must be 1 or 2")),
                }
                if t.parity.is_none() {
                    return Err(invalid(file, "transport.parity", "is required for serial"));
                }
                if t.flow_control.is_none() {
                    return Err(invalid(
                        file,
                        "transport.flow_control",
                        "is required for serial",
                    ));
                }
            }
            TransportKind::Hidraw => {
                if let Some(size) = t.report_size {
                    if size == 0 || size > 4096 {
                        return Err(invalid(file, "transport.report_size", "must be 1 to 4096"));
                    }
                }
            }
            TransportKind::Usb => {
                match t.endpoint_in {
                    Some(ep) if ep & 0x80 != 0 => {}
                    _ => {
                        return Err(invalid(
                            file,
                            "transport.endpoint_in",
                            "must be an IN endpoint address (0x81 to 0x8F)",
                        ))
                    }
                }
                if let Some(ep) = t.endpoint_out {
                    if ep & 0x80 != 0 {
                        return Err(invalid(
                            file,
                            "transport.endpoint_out",
                            "must be an OUT endpoint address (0x01 to 0x0F)",
                        ));
                    }
                }
                if t.interface.is_none() {
                    return Err(invalid(file, "transport.interface", "is required for usb"));
                }
            }
        }
        if t.grab_keyboard && self.protocol != ProtocolId::KeyboardWedge {
            return Err(invalid(
                file,
                "transport.grab_keyboard",
                "only applies to keyboard-wedge scanners",
            ));
        }
        Ok(())
    }

    fn validate_matching(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        let m = &self.matching;
        for (n, rule) in m.usb.iter().enumerate() {
            if rule.vendor_id == 0 {
                return Err(invalid(
                    file,
                    &format!("match.usb[{n}].vendor_id"),
                    "must not be 0",
                ));
            }
            if self.transport.kind == TransportKind::Serial {
                return Err(invalid(
                    file,
                    &format!("match.usb[{n}]"),
                    "is for hidraw/usb devices; serial devices use match.serial with usb_vendor_id",
                ));
            }
        }
        if !m.hid_usage.is_empty() && self.transport.kind != TransportKind::Hidraw {
            return Err(invalid(
                file,
                "match.hid_usage",
                "only applies to hidraw devices",
            ));
        }
        for (n, rule) in m.serial.iter().enumerate() {
            let key = format!("match.serial[{n}]");
            if self.transport.kind != TransportKind::Serial {
                return Err(invalid(file, &key, "only applies to serial devices"));
            }
            if rule.path.is_none() && rule.usb_vendor_id.is_none() {
                return Err(invalid(
                    file,
                    &key,
                    "needs a `path` pattern or a `usb_vendor_id`",
                ));
            }
            if rule.usb_product_id.is_some() && rule.usb_vendor_id.is_none() {
                return Err(invalid(
                    file,
                    &format!("{key}.usb_product_id"),
                    "needs `usb_vendor_id` too",
                ));
            }
            if let Some(path) = &rule.path {
                if !path.starts_with('/') || path.len() > 256 {
                    return Err(invalid(
                        file,
                        &format!("{key}.path"),
                        "must be an absolute path pattern of at most 256 characters",
                    ));
                }
            }
        }
        if !self.generic && m.usb.is_empty() && m.hid_usage.is_empty() && m.serial.is_empty() {
            return Err(invalid(
                file,
                "match",
                "has no rule; add one or mark the profile `generic = true`",
            ));
        }
        Ok(())
    }

    fn validate_params(&self) -> Result<(), ProfileError> {
        let file = self.file.as_str();
        let p = &self.params;
        let scanner = self.kind == DeviceKind::Scanner;
        let rfid = self.kind == DeviceKind::Rfid;
        let scale = self.kind == DeviceKind::Scale;
        let only = |present: bool, ok: bool, key: &str, what: &str| {
            if present && !ok {
                Err(invalid(file, key, format!("only applies to {what}")))
            } else {
                Ok(())
            }
        };
        only(
            p.prefix.is_some(),
            self.protocol == ProtocolId::SerialBarcode,
            "params.prefix",
            "serial-barcode scanners",
        )?;
        only(
            p.suffix.is_some(),
            self.protocol == ProtocolId::SerialBarcode,
            "params.suffix",
            "serial-barcode scanners",
        )?;
        only(
            p.fnc1_substitute.is_some(),
            scanner,
            "params.fnc1_substitute",
            "scanners",
        )?;
        only(
            p.keyboard_layout.is_some(),
            self.protocol == ProtocolId::KeyboardWedge,
            "params.keyboard_layout",
            "keyboard-wedge scanners",
        )?;
        only(
            p.aim_prefix.is_some(),
            scanner,
            "params.aim_prefix",
            "scanners",
        )?;
        only(p.beep_hex.is_some(), scanner, "params.beep_hex", "scanners")?;
        only(
            p.address.is_some(),
            matches!(
                self.protocol,
                ProtocolId::ChafonUhfReader18 | ProtocolId::ChafonUhfReader288
            ),
            "params.address",
            "Chafon readers",
        )?;
        only(
            p.poll_command.is_some(),
            scale,
            "params.poll_command",
            "scales",
        )?;
        only(
            p.poll_interval_ms.is_some(),
            scale || rfid,
            "params.poll_interval_ms",
            "scales and RFID readers",
        )?;
        for (present, key) in [
            (p.rf_power_dbm.is_some(), "params.rf_power_dbm"),
            (p.session.is_some(), "params.session"),
            (p.q_value.is_some(), "params.q_value"),
            (p.antenna.is_some(), "params.antenna"),
            (p.scan_time_ms.is_some(), "params.scan_time_ms"),
        ] {
            only(present, rfid, key, "RFID readers")?;
        }
        only(p.division.is_some(), scale, "params.division", "scales")?;
        only(p.unit.is_some(), scale, "params.unit", "scales")?;
        for (value, key) in [(&p.prefix, "params.prefix"), (&p.suffix, "params.suffix")] {
            if let Some(v) = value {
                if v.len() > 8 {
                    return Err(invalid(file, key, "is longer than 8 bytes"));
                }
            }
        }
        if self.protocol == ProtocolId::SerialBarcode
            && p.suffix.as_deref().is_none_or(str::is_empty)
        {
            return Err(invalid(
                file,
                "params.suffix",
                "is required for serial-barcode scanners (how else does a scan end?)",
            ));
        }
        if let Some(sub) = &p.fnc1_substitute {
            if sub.chars().count() != 1 {
                return Err(invalid(
                    file,
                    "params.fnc1_substitute",
                    "must be exactly one character",
                ));
            }
        }
        if let Some(layout) = &p.keyboard_layout {
            if layout != "us" {
                return Err(invalid(
                    file,
                    "params.keyboard_layout",
                    format!("is `{layout}`; only `us` is supported"),
                ));
            }
        }
        if let Some(cmd) = &p.poll_command {
            if cmd.is_empty() || cmd.len() > 16 || !cmd.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(invalid(
                    file,
                    "params.poll_command",
                    "must be 1 to 16 printable characters",
                ));
            }
        }
        if let Some(ms) = p.poll_interval_ms {
            if !(20..=60_000).contains(&ms) {
                return Err(invalid(
                    file,
                    "params.poll_interval_ms",
                    "must be 20 to 60000",
                ));
            }
        }
        if let Some(power) = p.rf_power_dbm {
            if power > 33 {
                return Err(invalid(file, "params.rf_power_dbm", "must be 0 to 33 dBm"));
            }
        }
        if let Some(session) = p.session {
            if session > 3 {
                return Err(invalid(file, "params.session", "must be 0 to 3"));
            }
        }
        if let Some(q) = p.q_value {
            if q > 15 {
                return Err(invalid(file, "params.q_value", "must be 0 to 15"));
            }
        }
        if let Some(antenna) = p.antenna {
            if !(1..=8).contains(&antenna) {
                return Err(invalid(file, "params.antenna", "must be 1 to 8"));
            }
        }
        if let Some(ms) = p.scan_time_ms {
            if !(100..=25_500).contains(&ms) || ms % 100 != 0 {
                return Err(invalid(
                    file,
                    "params.scan_time_ms",
                    "must be a multiple of 100 from 100 to 25500",
                ));
            }
        }
        if let Some(hex) = &p.beep_hex {
            match hex::decode(hex) {
                Ok(bytes) if !bytes.is_empty() && bytes.len() <= 64 => {}
                _ => {
                    return Err(invalid(
                        file,
                        "params.beep_hex",
                        "must be 1 to 64 bytes of hex",
                    ))
                }
            }
        }
        if let Some(division) = &p.division {
            let ok = division.parse::<f64>().is_ok_and(|d| d > 0.0)
                && division.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if !ok {
                return Err(invalid(
                    file,
                    "params.division",
                    "must be a positive decimal such as \"0.01\"",
                ));
            }
        }
        if let Some(unit) = &p.unit {
            if !["g", "kg", "lb", "oz", "mg", "ct"].contains(&unit.as_str()) {
                return Err(invalid(
                    file,
                    "params.unit",
                    "must be one of g, kg, lb, oz, mg, ct",
                ));
            }
        }
        // What the decoder itself will insist on.
        if let Err(e) = decoder_params(self).validate() {
            return Err(invalid(file, "params", e.to_string()));
        }
        Ok(())
    }
}
