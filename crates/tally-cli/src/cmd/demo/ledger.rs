//! The demo's embedded ledger: `tally-ledger serve` run in this process on a free loopback
//! port, over the SQLite ledger database in the demo directory, with the demo device enrolled
//! (a one-time token issued and used at once, through the ledger's own enrollment logic).
//!
//! The demo site's admin credential (an operator key file in the demo directory, created on
//! first use) is registered in the ledger as an admin operator, so `tally-ledger` commands on
//! the demo's ledger and the app's dock view have a credential without touching the user's own
//! `~/.config/tally-ledger`.
//!
//! The device side of enrollment (pinning the ledger's origin and verifier key in the replica)
//! and pushing events are the sync daemon's ([`super::sync`]): the enrollment is also written
//! to `ledger/enrollment.json`, and [`EmbeddedLedger::url`] is where it pushes.

use std::path::Path;
use std::thread::JoinHandle;

use anyhow::Context;
use tally_events::DeviceId;

/// A ledger serving on loopback until dropped.
pub struct EmbeddedLedger {
    url: String,
    enrollment: tally_ledger::Enrollment,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for EmbeddedLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedLedger")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl EmbeddedLedger {
    /// Opens (or creates) the ledger at `db`, registers the admin credential in `admin_key`
    /// (created if missing), enrolls `device` for `facility` if it is not enrolled yet, writes
    /// the enrollment to `enrollment_file` and serves on 127.0.0.1 at a port the system picks,
    /// its replica service's views in `views_dir`.
    pub fn start(
        db: &Path,
        views_dir: &Path,
        enrollment_file: &Path,
        admin_key: &Path,
        facility: &str,
        device: &DeviceId,
        name: &str,
    ) -> anyhow::Result<EmbeddedLedger> {
        let mut ledger = tally_ledger::open_or_create_sqlite(db)
            .with_context(|| format!("cannot open the demo ledger {}", db.display()))?;
        register_admin(&ledger, admin_key)?;
        let id = device.to_string();
        let enrolled = ledger.devices()?.into_iter().find(|d| d.device_id == id);
        let enrollment = match enrolled {
            Some(d) => tally_ledger::Enrollment {
                device_id: d.device_id,
                name: d.name,
                facility: d.facility,
                origin: ledger.origin().to_owned(),
                verifier_key: ledger.verifier_key().to_owned(),
            },
            None => {
                let token = ledger.create_token(facility, name)?;
                ledger.enroll(&token, device)?
            }
        };
        std::fs::write(enrollment_file, serde_json::to_vec_pretty(&enrollment)?)
            .with_context(|| format!("cannot write {}", enrollment_file.display()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the demo ledger's runtime")?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .context("cannot listen on loopback for the demo ledger")?;
        let address = listener.local_addr()?;
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let views_dir = views_dir.to_owned();
        let thread = std::thread::Builder::new()
            .name("demo-ledger".into())
            .spawn(move || {
                // A failure here only means nothing syncs; the app does not depend on it, and
                // printing would draw over the app's screen.
                let options = tally_ledger::server::ServeOptions {
                    views_dir,
                    tls: None,
                    projection_poll: tally_ledger::server::DEFAULT_PROJECTION_POLL,
                };
                let stopped = async move {
                    let _ = stop.await;
                };
                let _ = runtime.block_on(tally_ledger::server::serve_with(
                    ledger, listener, stopped, &options,
                ));
            })?;
        Ok(EmbeddedLedger {
            url: format!("http://{address}"),
            enrollment,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// Where the ledger serves (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The demo device's enrollment.
    pub fn enrollment(&self) -> &tally_ledger::Enrollment {
        &self.enrollment
    }
}

/// Registers the admin credential in `path` (created if missing) as an admin operator of the
/// ledger, once.
fn register_admin(
    ledger: &tally_ledger::Ledger<tally_ledger::SqliteStore>,
    path: &Path,
) -> anyhow::Result<()> {
    use tally_ledger::credentials;
    use tally_ledger::ops_store::OpsStore as _;
    let key = credentials::load_or_create_admin_key(path).with_context(|| {
        format!(
            "cannot prepare the demo ledger's admin key {}",
            path.display()
        )
    })?;
    let store = ledger.store();
    if store.operator(&key.device_id().0)?.is_none() {
        let mut row = credentials::creator_row(&key);
        row.name = "demo admin".into();
        store.put_operator(&row, tally_ledger::now_unix_ms())?;
    }
    Ok(())
}

impl Drop for EmbeddedLedger {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn device(dir: &Path) -> DeviceId {
        let db = dir.join("replica.db");
        let replica = tally_replica::Replica::init_in_key_dir(
            &db,
            &dir.join("keys"),
            Box::new(tally_replica::clock::SystemClock::new()),
            tally_events::payload::DeviceEnrolled {
                facility: "FAC".into(),
                hardware_serial: "T".into(),
                enrollment_token_sha256: tally_events::Sha256Hash::of(b"t"),
                previous_device: None,
            },
            &tally_replica::keys::KeyOptions::default(),
        )
        .unwrap();
        replica.device()
    }

    fn get(url: &str, path: &str) -> String {
        let address = url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    /// The ledger answers over HTTP on loopback with the device enrolled; started again on the
    /// same database it keeps the one enrollment and its log's identity, on a new free port;
    /// stopped, its port is closed.
    #[test]
    fn serves_on_loopback_with_the_device_enrolled_once() {
        let dir = tempfile::tempdir().unwrap();
        let device = device(dir.path());
        let db = dir.path().join("ledger.db");
        let file = dir.path().join("enrollment.json");
        let views = dir.path().join("views");
        let admin = dir.path().join("admin/admin.key");
        let first =
            EmbeddedLedger::start(&db, &views, &file, &admin, "FAC-1", &device, "DEMO").unwrap();
        assert!(
            first.url().starts_with("http://127.0.0.1:"),
            "{}",
            first.url()
        );
        let info = get(first.url(), "/v1/info");
        assert!(info.starts_with("HTTP/1.1 200"), "{info}");
        assert!(info.contains(&first.enrollment().origin), "{info}");
        assert_eq!(first.enrollment().device_id, device.to_string());
        let written: tally_ledger::Enrollment =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(&written, first.enrollment());
        let second_side_by_side = tempfile::tempdir().unwrap();
        let other = EmbeddedLedger::start(
            &second_side_by_side.path().join("ledger.db"),
            &second_side_by_side.path().join("views"),
            &second_side_by_side.path().join("enrollment.json"),
            &second_side_by_side.path().join("admin/admin.key"),
            "FAC-1",
            &device,
            "DEMO",
        )
        .unwrap();
        assert_ne!(other.url(), first.url());
        let url = first.url().to_owned();
        drop(first);
        assert!(
            std::net::TcpStream::connect(url.trim_start_matches("http://")).is_err(),
            "the port stays open after the demo"
        );
        let again =
            EmbeddedLedger::start(&db, &views, &file, &admin, "FAC-1", &device, "DEMO").unwrap();
        assert_eq!(again.enrollment(), &written);
        drop(again);
        let ledger = tally_ledger::open_sqlite(&db).unwrap();
        let devices = ledger.devices().unwrap();
        assert_eq!(devices.len(), 1, "{devices:?}");
        assert_eq!(devices[0].facility, "FAC-1");
        // The demo's admin credential: a private file in the demo's directory, registered
        // once as an admin operator of the ledger.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&admin).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let key = tally_ledger::credentials::read_admin_key(&admin).unwrap();
        use tally_ledger::ops_store::OpsStore as _;
        let operators = ledger.store().operators().unwrap();
        assert_eq!(operators.len(), 1, "{operators:?}");
        assert_eq!(operators[0].key, key.device_id().0);
        assert_eq!(
            operators[0].role,
            tally_ledger::ops_store::OperatorRole::Admin
        );
    }
}
