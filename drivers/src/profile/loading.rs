//! Loading profiles: parsing a file, resolving `extends`, the set embedded at build time and
//! profile directories read at run time.

use std::collections::BTreeMap;
use std::path::Path;

use super::schema::{ProfileFile, TransportFile};
use super::*;
use crate::protocol::{self, ProtocolId};

/// The shipped profile files: (path relative to `firmware-profiles/`, contents).
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_profiles.rs"));

#[derive(Debug, Clone)]
struct RawProfile {
    id: String,
    file: String,
    data: ProfileFile,
}

fn parse_file(file: &str, text: &str) -> Result<RawProfile, ProfileError> {
    let id = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let data: ProfileFile = toml::from_str(text).map_err(|e| ProfileError::Parse {
        file: file.to_string(),
        reason: e.to_string().trim_end().replace('\n', " / "),
    })?;
    Ok(RawProfile {
        id,
        file: file.to_string(),
        data,
    })
}

/// Fills every unset field of `child` from `parent`.
fn merge(child: &ProfileFile, parent: &ProfileFile) -> ProfileFile {
    let t = match (&child.transport, &parent.transport) {
        (Some(c), Some(p)) => Some(TransportFile {
            kind: c.kind.or(p.kind),
            baud: c.baud.or(p.baud),
            data_bits: c.data_bits.or(p.data_bits),
            parity: c.parity.or(p.parity),
            stop_bits: c.stop_bits.or(p.stop_bits),
            flow_control: c.flow_control.or(p.flow_control),
            read_timeout_ms: c.read_timeout_ms.or(p.read_timeout_ms),
            interface: c.interface.or(p.interface),
            endpoint_in: c.endpoint_in.or(p.endpoint_in),
            endpoint_out: c.endpoint_out.or(p.endpoint_out),
            report_size: c.report_size.or(p.report_size),
            grab_keyboard: c.grab_keyboard.or(p.grab_keyboard),
        }),
        (c, p) => c.clone().or_else(|| p.clone()),
    };
    let params = match (&child.params, &parent.params) {
        (Some(c), Some(p)) => Some(ProtocolParams {
            prefix: c.prefix.clone().or_else(|| p.prefix.clone()),
            suffix: c.suffix.clone().or_else(|| p.suffix.clone()),
            fnc1_substitute: c
                .fnc1_substitute
                .clone()
                .or_else(|| p.fnc1_substitute.clone()),
            keyboard_layout: c
                .keyboard_layout
                .clone()
                .or_else(|| p.keyboard_layout.clone()),
            aim_prefix: c.aim_prefix.or(p.aim_prefix),
            address: c.address.or(p.address),
            poll_command: c.poll_command.clone().or_else(|| p.poll_command.clone()),
            poll_interval_ms: c.poll_interval_ms.or(p.poll_interval_ms),
            rf_power_dbm: c.rf_power_dbm.or(p.rf_power_dbm),
            session: c.session.or(p.session),
            q_value: c.q_value.or(p.q_value),
            antenna: c.antenna.or(p.antenna),
            scan_time_ms: c.scan_time_ms.or(p.scan_time_ms),
            beep_hex: c.beep_hex.clone().or_else(|| p.beep_hex.clone()),
            division: c.division.clone().or_else(|| p.division.clone()),
            unit: c.unit.clone().or_else(|| p.unit.clone()),
        }),
        (c, p) => c.clone().or_else(|| p.clone()),
    };
    let mut quirks = parent.quirks.clone();
    quirks.extend(child.quirks.iter().cloned());
    ProfileFile {
        kind: child.kind.or(parent.kind),
        vendor: child.vendor.clone().or_else(|| parent.vendor.clone()),
        model: child.model.clone().or_else(|| parent.model.clone()),
        mode: child.mode.clone().or_else(|| parent.mode.clone()),
        description: child
            .description
            .clone()
            .or_else(|| parent.description.clone()),
        // The resolved profile records what it extends itself, not its parent's base.
        extends: child.extends.clone(),
        protocol: child.protocol.clone().or_else(|| parent.protocol.clone()),
        // Never inherited: each file states what it has confirmed itself.
        verified: child.verified,
        source: child.source.clone().or_else(|| parent.source.clone()),
        quirks,
        // Match rules are never inherited: a model's match is its own.
        matching: child.matching.clone(),
        transport: t,
        params,
        init: child.init.clone().or_else(|| parent.init.clone()),
        // A profile that extends a generic one is not generic itself unless it says so.
        generic: child.generic,
    }
}

fn require<T: Clone>(value: &Option<T>, file: &str, key: &str) -> Result<T, ProfileError> {
    value
        .clone()
        .ok_or_else(|| invalid(file, key, "is missing (and no profile it extends sets it)"))
}

fn finish(raw: &RawProfile, data: ProfileFile) -> Result<Profile, ProfileError> {
    let file = raw.file.as_str();
    let transport = data.transport.unwrap_or_default();
    let kind = require(&transport.kind, file, "transport.type")?;
    let profile = Profile {
        id: raw.id.clone(),
        file: raw.file.clone(),
        kind: require(&data.kind, file, "kind")?,
        vendor: require(&data.vendor, file, "vendor")?,
        model: require(&data.model, file, "model")?,
        mode: data.mode,
        description: require(&data.description, file, "description")?,
        extends: data.extends,
        protocol: parse_protocol(file, &require(&data.protocol, file, "protocol")?)?,
        verified: require(&data.verified, file, "verified")?,
        source: require(&data.source, file, "source")?,
        quirks: data.quirks,
        generic: data.generic.unwrap_or(false),
        matching: data.matching.unwrap_or_default(),
        transport: TransportSettings {
            kind,
            baud: transport.baud,
            data_bits: transport.data_bits,
            parity: transport.parity,
            stop_bits: transport.stop_bits,
            flow_control: transport.flow_control,
            read_timeout_ms: transport.read_timeout_ms.unwrap_or(200),
            interface: transport.interface,
            endpoint_in: transport.endpoint_in,
            endpoint_out: transport.endpoint_out,
            report_size: transport.report_size,
            grab_keyboard: transport.grab_keyboard.unwrap_or(false),
        },
        params: data.params.unwrap_or_default(),
        init: data.init.unwrap_or_default(),
    };
    profile.validate()?;
    Ok(profile)
}

fn parse_protocol(file: &str, name: &str) -> Result<ProtocolId, ProfileError> {
    name.parse().map_err(|_| {
        invalid(
            file,
            "protocol",
            format!(
                "is `{name}`, which is not a known protocol (one of: {})",
                protocol::known_protocols()
            ),
        )
    })
}

/// A set of resolved, validated profiles, keyed by id.
#[derive(Debug, Clone, Default)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
}

impl ProfileSet {
    /// The profiles shipped in `firmware-profiles/`, embedded at build time.
    pub fn embedded() -> Result<Self, ProfileError> {
        Self::from_sources(
            EMBEDDED
                .iter()
                .map(|(file, text)| (file.to_string(), text.to_string())),
        )
    }

    /// The names of the embedded files (relative to `firmware-profiles/`).
    pub fn embedded_files() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(file, _)| *file)
    }

    /// Loads every `*.toml` under `dir` (one level of kind directories, as shipped).
    pub fn load_dir(dir: &Path) -> Result<Self, ProfileError> {
        let mut files = Vec::new();
        collect_toml(dir, dir, 0, &mut files)?;
        files.sort();
        let mut sources = Vec::with_capacity(files.len());
        for path in files {
            let shown = path.display().to_string();
            let size = std::fs::metadata(&path)
                .map_err(|e| ProfileError::Read {
                    file: shown.clone(),
                    reason: e.to_string(),
                })?
                .len();
            if size > MAX_PROFILE_FILE_BYTES {
                return Err(ProfileError::Read {
                    file: shown,
                    reason: format!("larger than {MAX_PROFILE_FILE_BYTES} bytes"),
                });
            }
            let text = std::fs::read_to_string(&path).map_err(|e| ProfileError::Read {
                file: shown.clone(),
                reason: e.to_string(),
            })?;
            sources.push((shown, text));
        }
        Self::from_sources(sources)
    }

    /// Parses, resolves `extends` and validates a set of (file name, contents) pairs.
    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ProfileError> {
        let mut raw: BTreeMap<String, RawProfile> = BTreeMap::new();
        for (file, text) in sources {
            if raw.len() >= MAX_PROFILES {
                return Err(ProfileError::TooMany { dir: file });
            }
            let parsed = parse_file(&file, &text)?;
            if let Some(previous) = raw.get(&parsed.id) {
                return Err(ProfileError::DuplicateId {
                    id: parsed.id.clone(),
                    first: previous.file.clone(),
                    second: parsed.file,
                });
            }
            raw.insert(parsed.id.clone(), parsed);
        }
        let mut profiles = BTreeMap::new();
        for item in raw.values() {
            let mut data = item.data.clone();
            let mut seen = vec![item.id.clone()];
            let mut next = item.data.extends.clone();
            while let Some(parent_id) = next {
                if seen.len() > MAX_EXTENDS_DEPTH || seen.contains(&parent_id) {
                    return Err(invalid(
                        &item.file,
                        "extends",
                        format!("forms a loop or a chain longer than {MAX_EXTENDS_DEPTH}"),
                    ));
                }
                let Some(parent) = raw.get(&parent_id) else {
                    return Err(invalid(
                        &item.file,
                        "extends",
                        format!("names `{parent_id}`, which is not a profile"),
                    ));
                };
                let extends = data.extends.clone();
                data = merge(&data, &parent.data);
                data.extends = extends;
                seen.push(parent_id);
                next = parent.data.extends.clone();
            }
            let profile = finish(item, data)?;
            profiles.insert(profile.id.clone(), profile);
        }
        Ok(Self { profiles })
    }

    /// Adds (or replaces) a profile after validating it (a site's own profile, a test's).
    pub fn insert(&mut self, profile: Profile) -> Result<(), ProfileError> {
        profile.validate()?;
        if !self.profiles.contains_key(&profile.id) && self.profiles.len() >= MAX_PROFILES {
            return Err(ProfileError::TooMany {
                dir: profile.file.clone(),
            });
        }
        self.profiles.insert(profile.id.clone(), profile);
        Ok(())
    }

    /// The profile with this id.
    pub fn get(&self, id: &str) -> Result<&Profile, ProfileError> {
        self.profiles
            .get(id)
            .ok_or_else(|| ProfileError::Unknown(id.to_string()))
    }

    /// Every profile, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Profile> {
        self.profiles.values()
    }

    /// How many profiles.
    pub fn len(&self) -> usize {
        self.profiles.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    /// The best non-generic profile for a USB/HID interface, else a generic one that matches.
    pub fn match_usb(
        &self,
        vendor_id: u16,
        product_id: u16,
        usage_page: Option<u16>,
        usage: Option<u16>,
        interface: Option<u8>,
    ) -> Option<&Profile> {
        let candidates = self
            .iter()
            .filter(|p| p.matches_usb(vendor_id, product_id, usage_page, usage, interface));
        candidates.max_by_key(|p| {
            (
                p.usb_specificity(vendor_id, product_id, usage_page, interface),
                !p.generic,
                std::cmp::Reverse(p.id.clone()),
            )
        })
    }

    /// Every profile that matches a serial port (a bridge shared by several models gives
    /// several; the caller must then be told which one to use).
    pub fn match_serial(&self, path: &str, usb_ids: Option<(u16, u16)>) -> Vec<&Profile> {
        self.iter()
            .filter(|p| p.matches_serial(path, usb_ids))
            .collect()
    }
}

fn collect_toml(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
) -> Result<(), ProfileError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ProfileError::Read {
        file: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| ProfileError::Read {
            file: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        let path = entry.path();
        if path.is_dir() && depth < 2 {
            collect_toml(root, &path, depth + 1, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            if out.len() >= MAX_PROFILES {
                return Err(ProfileError::TooMany {
                    dir: root.display().to_string(),
                });
            }
            out.push(path);
        }
    }
    Ok(())
}
