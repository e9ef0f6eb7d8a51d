//! Where a demo keeps its files: one directory (a per-user data directory by default), with
//! the replica, the device key and the embedded ledger's database in separate places:
//!
//! ```text
//! DIR/
//!   demo.lock               held while a demo runs here (a second demo in DIR is refused)
//!   tally.toml              the app configuration the demo runs with (for reference)
//!   replica/replica.db      the handheld's replica (and its -wal / -shm while open)
//!   keys/<device-id>.key    the device key, in a key directory of its own (mode 0700)
//!   ledger/ledger.db        the embedded ledger's database
//!   ledger/enrollment.json  the demo device's enrollment at that ledger (origin, verifier key)
//!   ledger/views/           the ledger's replica-service views (derived, rebuilt if missing)
//!   ledger-admin/admin.key  the demo site's ledger admin credential (mode 0600, its directory
//!                           0700; registered in the ledger as an admin operator): the
//!                           operator key for `tally-ledger` commands on the demo's ledger
//!                           (`TALLY_LEDGER_ADMIN_KEY=DIR/ledger-admin/admin.key tally-ledger
//!                           devices --db DIR/ledger/ledger.db`) and for the app's dock view;
//!                           never beside the ledger's database, never in ~/.config
//!   devices/scale           the scale simulator's serial port (a link to its PTY, while running)
//!   devices/rfid            the RFID reader simulator's serial port (likewise)
//! ```
//!
//! Running the demo again in the same directory continues where it left off; `--reset`
//! removes exactly these files first.

use std::path::{Path, PathBuf};

/// The environment variable naming the directory (below `--dir`, above the default).
pub const DIR_ENV: &str = "TALLY_DEMO_DIR";

/// The files of a demo in one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The directory.
    pub dir: PathBuf,
}

impl Layout {
    /// The layout in `dir`.
    pub fn new(dir: PathBuf) -> Layout {
        Layout { dir }
    }

    /// The lock held while a demo runs here.
    pub fn lock(&self) -> PathBuf {
        self.dir.join("demo.lock")
    }

    /// The app configuration written for reference.
    pub fn config(&self) -> PathBuf {
        self.dir.join("tally.toml")
    }

    /// The replica's directory.
    pub fn replica_dir(&self) -> PathBuf {
        self.dir.join("replica")
    }

    /// The replica database.
    pub fn replica(&self) -> PathBuf {
        self.replica_dir().join("replica.db")
    }

    /// The key directory.
    pub fn keys(&self) -> PathBuf {
        self.dir.join("keys")
    }

    /// The ledger's directory.
    pub fn ledger_dir(&self) -> PathBuf {
        self.dir.join("ledger")
    }

    /// The embedded ledger's database.
    pub fn ledger(&self) -> PathBuf {
        self.ledger_dir().join("ledger.db")
    }

    /// The ledger's replica service's views (derived from the ledger's log, rebuilt when
    /// missing).
    pub fn ledger_views(&self) -> PathBuf {
        self.ledger_dir().join("views")
    }

    /// The demo site's ledger admin credential (an operator key file), in a directory of its
    /// own: not beside the ledger's database (a copy of that directory would carry both),
    /// not in the user's own configuration.
    pub fn ledger_admin_key(&self) -> PathBuf {
        self.dir.join("ledger-admin").join("admin.key")
    }

    /// The demo device's enrollment at the ledger.
    pub fn enrollment(&self) -> PathBuf {
        self.ledger_dir().join("enrollment.json")
    }

    /// Where the simulators' serial ports appear.
    pub fn devices(&self) -> PathBuf {
        self.dir.join("devices")
    }

    /// The scale simulator's port.
    pub fn scale(&self) -> PathBuf {
        self.devices().join("scale")
    }

    /// The RFID reader simulator's port.
    pub fn rfid(&self) -> PathBuf {
        self.devices().join("rfid")
    }

    /// Removes the demo's files (and nothing else in the directory); the lock stays.
    pub fn reset(&self) -> std::io::Result<()> {
        for dir in [
            self.replica_dir(),
            self.keys(),
            self.ledger_dir(),
            self.dir.join("ledger-admin"),
            self.devices(),
        ] {
            match std::fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        match std::fs::remove_file(self.config()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The layout as printed for the person running the demo.
    pub fn describe(&self, device_key: Option<&Path>) -> String {
        let key = device_key.map_or_else(|| self.keys().join("<device-id>.key"), Path::to_path_buf);
        [
            ("replica", self.replica()),
            ("device key", key),
            ("ledger", self.ledger()),
            ("ledger admin", self.ledger_admin_key()),
            ("scale port", self.scale()),
            ("RFID port", self.rfid()),
            ("app config", self.config()),
        ]
        .iter()
        .map(|(name, path)| format!("  {name:<12} {}\n", path.display()))
        .collect()
    }
}

/// The default directory: `$TALLY_DEMO_DIR`, else `$XDG_DATA_HOME/tally/demo`, else
/// `~/.local/share/tally/demo`.
pub fn default_dir(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = non_empty(DIR_ENV) {
        return Some(dir);
    }
    if let Some(data) = non_empty("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Some(data.join("tally").join("demo"));
    }
    non_empty("HOME").map(|home| home.join(".local").join("share").join("tally").join("demo"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_default_directory_is_per_user() {
        assert_eq!(
            default_dir(env(&[("HOME", "/home/ana")])),
            Some(PathBuf::from("/home/ana/.local/share/tally/demo"))
        );
        assert_eq!(
            default_dir(env(&[("HOME", "/home/ana"), ("XDG_DATA_HOME", "/data")])),
            Some(PathBuf::from("/data/tally/demo"))
        );
        // A relative XDG_DATA_HOME is invalid by the spec and ignored.
        assert_eq!(
            default_dir(env(&[("HOME", "/home/ana"), ("XDG_DATA_HOME", "rel")])),
            Some(PathBuf::from("/home/ana/.local/share/tally/demo"))
        );
        assert_eq!(
            default_dir(env(&[("HOME", "/home/ana"), (DIR_ENV, "/tmp/d")])),
            Some(PathBuf::from("/tmp/d"))
        );
        assert_eq!(default_dir(env(&[])), None);
    }

    #[test]
    fn replica_key_and_ledger_are_separate_files_in_separate_directories() {
        let layout = Layout::new("/d".into());
        let dirs = [
            layout.replica().parent().unwrap().to_path_buf(),
            layout.keys(),
            layout.ledger().parent().unwrap().to_path_buf(),
            layout.ledger_admin_key().parent().unwrap().to_path_buf(),
        ];
        assert_eq!(
            dirs.iter().collect::<std::collections::BTreeSet<_>>().len(),
            4
        );
    }

    #[test]
    fn reset_removes_the_demo_s_files_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().to_owned());
        let admin = layout.ledger_admin_key().parent().unwrap().to_path_buf();
        for sub in [
            layout.replica_dir(),
            layout.keys(),
            layout.ledger_dir(),
            admin,
        ] {
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join("f"), b"x").unwrap();
        }
        std::fs::write(layout.config(), b"x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
        layout.reset().unwrap();
        layout.reset().unwrap();
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![OsString::from("notes.txt")]);
    }
}
