//! Configuration: one TOML file with defaults for everything, and command-line overrides on
//! top ([`Overrides`]). Unknown keys are refused, so a misspelt setting is never silently
//! ignored. The file format is documented in the crate's `README.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use tally_replica::keys::KeyOptions;

use crate::state::Settings;
use crate::text::Language;
use crate::wedge::WedgeConfig;

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the configuration {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("the configuration {path} is not valid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        message: String,
    },
    /// No database was named.
    #[error("no replica database: give --db PATH or `database = \"...\"` in the configuration")]
    NoDatabase,
    /// No key directory can be found.
    #[error("{0}")]
    KeyDir(String),
    /// A language code is not known.
    #[error("language {0:?} is not known; use \"en\" or \"es\"")]
    Language(String),
}

/// Where the device key is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLocation {
    /// This file.
    File(PathBuf),
    /// `<device-id>.key` in this directory (the id the database records).
    Dir(PathBuf),
}

/// A language as the file spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum LanguageCode {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Spanish.
    #[serde(rename = "es")]
    Es,
}

impl LanguageCode {
    /// The language.
    pub fn language(self) -> Language {
        match self {
            LanguageCode::En => Language::English,
            LanguageCode::Es => Language::Spanish,
        }
    }

    /// Parses `en` or `es`.
    pub fn parse(code: &str) -> Result<LanguageCode, ConfigError> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(LanguageCode::En),
            "es" => Ok(LanguageCode::Es),
            _ => Err(ConfigError::Language(code.to_owned())),
        }
    }
}

/// Timeouts, in seconds or milliseconds as named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timeouts {
    /// Lock the screen after this many seconds without a key (0: never).
    pub auto_lock_secs: u64,
    /// How long the status line flashes after a success or an error.
    pub flash_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            auto_lock_secs: 300,
            flash_ms: 700,
        }
    }
}

/// A device the handheld uses (opened through the drivers at start; see `devices`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceConfig {
    /// `scanner`, `rfid` or `scale`.
    pub kind: String,
    /// Its port or device path (`/dev/ttyACM0`, `/dev/hidraw1`, a PTY).
    pub path: PathBuf,
    /// The driver profile (see `tally devices profiles`).
    pub profile: String,
    /// Scales: the scale's asset id in the facility's scale register (`SCALE-01`), so its
    /// stable weights can be recorded against it.
    #[serde(default)]
    pub scale_id: Option<String>,
}

/// The configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The replica database.
    pub database: Option<PathBuf>,
    /// The key directory: the key file is `<device-id>.key` in it.
    pub key_dir: Option<PathBuf>,
    /// The device key file itself (wins over `key_dir`).
    pub key: Option<PathBuf>,
    /// Accept a key file in the database's own directory (demos and test rigs only).
    pub allow_key_beside_database: bool,
    /// Language before sign-in and for users without their own.
    pub language: LanguageCode,
    /// Languages of users, by badge.
    pub user_languages: BTreeMap<String, LanguageCode>,
    /// The central ledger's address (used by sync once the ledger exists).
    pub ledger_url: Option<String>,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Keyboard-wedge scanner timing.
    pub wedge: WedgeConfig,
    /// Devices.
    pub devices: Vec<DeviceConfig>,
}

/// Settings given on the command line; each one wins over the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--db`.
    pub database: Option<PathBuf>,
    /// `--key`.
    pub key: Option<PathBuf>,
    /// `--key-dir`.
    pub key_dir: Option<PathBuf>,
    /// `--allow-key-beside-db`.
    pub allow_key_beside_database: bool,
    /// `--language`.
    pub language: Option<LanguageCode>,
    /// `--ledger-url`.
    pub ledger_url: Option<String>,
    /// `--auto-lock-secs`.
    pub auto_lock_secs: Option<u64>,
}

impl Config {
    /// Parses a configuration text (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Reads a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Applies command-line overrides.
    pub fn with(mut self, overrides: Overrides) -> Config {
        if let Some(db) = overrides.database {
            self.database = Some(db);
        }
        if let Some(dir) = overrides.key_dir {
            // A key directory given on the command line wins over a key file in the file.
            self.key_dir = Some(dir);
            self.key = None;
        }
        if let Some(key) = overrides.key {
            self.key = Some(key);
        }
        if overrides.allow_key_beside_database {
            self.allow_key_beside_database = true;
        }
        if let Some(language) = overrides.language {
            self.language = language;
        }
        if let Some(url) = overrides.ledger_url {
            self.ledger_url = Some(url);
        }
        if let Some(secs) = overrides.auto_lock_secs {
            self.timeouts.auto_lock_secs = secs;
        }
        self
    }

    /// The replica database.
    pub fn database(&self) -> Result<&Path, ConfigError> {
        self.database.as_deref().ok_or(ConfigError::NoDatabase)
    }

    /// Where the device key is: `key`, else `key_dir`, else the process's default key
    /// directory (`$TALLY_KEY_DIR`, `$XDG_STATE_HOME/tally/keys`, `~/.local/state/tally/keys`).
    pub fn key_location(&self) -> Result<KeyLocation, ConfigError> {
        Ok(match (&self.key, &self.key_dir) {
            (Some(key), _) => KeyLocation::File(key.clone()),
            (None, Some(dir)) => KeyLocation::Dir(dir.clone()),
            (None, None) => KeyLocation::Dir(
                tally_replica::keys::default_key_dir()
                    .map_err(|e| ConfigError::KeyDir(e.to_string()))?,
            ),
        })
    }

    /// How the replica may find its key.
    pub fn key_options(&self) -> KeyOptions {
        KeyOptions {
            allow_key_beside_database: self.allow_key_beside_database,
        }
    }

    /// What the state machine needs.
    pub fn settings(&self) -> Settings {
        Settings {
            language: self.language.language(),
            user_languages: self
                .user_languages
                .iter()
                .map(|(badge, code)| (badge.clone(), code.language()))
                .collect(),
            auto_lock_ms: self.timeouts.auto_lock_secs.saturating_mul(1_000),
            flash_ms: self.timeouts.flash_ms,
            wedge: self.wedge,
            // Filled from `devices` with their profiles when the devices are opened
            // (`run`): a scale's division is its profile's.
            scales: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
database = "/var/lib/tally/replica.db"
key_dir = "/etc/tally/keys"
language = "es"
ledger_url = "https://ledger.example:7443"

[user_languages]
B1001 = "en"

[timeouts]
auto_lock_secs = 120
flash_ms = 500

[wedge]
max_gap_ms = 30
min_len = 6
terminator = "tab"

[[devices]]
kind = "scale"
path = "/dev/ttyUSB0"
profile = "ohaus-ranger"
"#;

    #[test]
    fn the_documented_file_parses_with_every_setting() {
        let config = Config::parse(FULL, Path::new("t.toml")).unwrap();
        assert_eq!(config.language, LanguageCode::Es);
        assert_eq!(config.timeouts.auto_lock_secs, 120);
        assert_eq!(config.wedge.min_len, 6);
        assert_eq!(config.devices.len(), 1);
        assert_eq!(
            config.key_location().unwrap(),
            KeyLocation::Dir("/etc/tally/keys".into())
        );
        let settings = config.settings();
        assert_eq!(settings.auto_lock_ms, 120_000);
        assert_eq!(
            settings.user_languages.get("B1001"),
            Some(&Language::English)
        );
    }

    #[test]
    fn an_empty_file_is_all_defaults_and_asks_for_a_database() {
        let config = Config::parse("", Path::new("t.toml")).unwrap();
        assert_eq!(config.timeouts, Timeouts::default());
        assert!(matches!(config.database(), Err(ConfigError::NoDatabase)));
    }

    #[test]
    fn the_command_line_wins_over_the_file() {
        let config = Config::parse(FULL, Path::new("t.toml"))
            .unwrap()
            .with(Overrides {
                database: Some("/tmp/x.db".into()),
                key: Some("/tmp/keys/x.key".into()),
                language: Some(LanguageCode::En),
                auto_lock_secs: Some(0),
                ..Overrides::default()
            });
        assert_eq!(config.database().unwrap(), Path::new("/tmp/x.db"));
        assert_eq!(
            config.key_location().unwrap(),
            KeyLocation::File("/tmp/keys/x.key".into())
        );
        assert_eq!(config.settings().language, Language::English);
        assert_eq!(config.settings().auto_lock_ms, 0);
    }

    #[test]
    fn a_misspelt_setting_is_refused_with_its_name() {
        let error = Config::parse("auto_lock = 5\n", Path::new("t.toml")).unwrap_err();
        assert!(error.to_string().contains("auto_lock"), "{error}");
        let error = Config::parse("language = \"fr\"\n", Path::new("t.toml")).unwrap_err();
        assert!(error.to_string().contains("fr"), "{error}");
    }
}

#[cfg(test)]
mod example {
    use super::*;

    /// The example file shipped with the crate parses, and its defaults are the defaults.
    #[test]
    fn the_example_file_is_valid_and_states_the_defaults() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tally.example.toml"));
        let config = Config::load(path).unwrap();
        assert_eq!(config.timeouts, Timeouts::default());
        assert_eq!(config.wedge, WedgeConfig::default());
        assert_eq!(config.language, LanguageCode::En);
        assert_eq!(
            config.key_location().unwrap(),
            KeyLocation::Dir("/var/lib/tally/keys".into())
        );
        assert!(!config.key_options().allow_key_beside_database);
    }
}
