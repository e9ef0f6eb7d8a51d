//! The demo's sync daemon: tallyd's run loop (`tally_sync::daemon::run_until`) on a thread of
//! the demo's process, pushing the demo device's events to the embedded ledger as they are
//! recorded, so the person watches them go out (home's "to send" falls to 0; 0 Sync shows the
//! detail). It is stopped with the app, before the ledger.
//!
//! The device side of enrollment is done here, not over HTTP with a token: the demo opened the
//! ledger's database itself, so it pins the log's origin and verifier key straight from it in
//! the replica (`tally_replica::outbox::set_link`), and the URL of this run's port (a new free
//! port each run; the pinned log stays the same, which `set_link` checks).

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;
use tally_sync::daemon::{DaemonOptions, Stop};
use tally_sync::DeviceFiles;

use super::layout::Layout;
use super::ledger::EmbeddedLedger;

/// tallyd's loop, running until dropped.
pub struct DemoSync {
    stop: Arc<Stop>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for DemoSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoSync").finish_non_exhaustive()
    }
}

fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Pins the demo device's replica to the embedded ledger (its log, and this run's URL).
pub fn pin(layout: &Layout, ledger: &EmbeddedLedger) -> anyhow::Result<()> {
    let enrollment = ledger.enrollment();
    let device = tally_events::DeviceId::from_hex(&enrollment.device_id)
        .context("the demo ledger enrolled a device id that does not parse")?;
    let mut conn = tally_replica::db::open(&layout.replica())?;
    tally_replica::outbox::set_link(
        &mut conn,
        &tally_replica::outbox::LedgerLink {
            url: ledger.url().to_owned(),
            origin: enrollment.origin.clone(),
            verifier_key: enrollment.verifier_key.clone(),
            device,
            facility: enrollment.facility.clone(),
            name: enrollment.name.clone(),
            enrolled_unix_ms: now_unix_ms(),
        },
    )
    .context("cannot pin the demo ledger in the replica")?;
    Ok(())
}

impl DemoSync {
    /// Pins the replica to `ledger` and starts tallyd's loop on a thread.
    pub fn start(layout: &Layout, ledger: &EmbeddedLedger) -> anyhow::Result<DemoSync> {
        pin(layout, ledger)?;
        let files = DeviceFiles {
            db: layout.replica(),
            key_dir: layout.keys(),
            key_options: tally_replica::keys::KeyOptions::default(),
        };
        // On loopback: no network changes to watch; a lost connection is retried within 5 s.
        let options = DaemonOptions {
            backoff_cap: Duration::from_secs(5),
            netlink: false,
            ..DaemonOptions::default()
        };
        let stop = Arc::new(Stop::new());
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("demo-tallyd".into())
                .spawn(move || {
                    // A failure to start (the key gone) only means nothing syncs: 0 Sync and
                    // home say so from the replica; printing would draw over the app.
                    let _ = tally_sync::daemon::run_until(
                        &files,
                        &tally_ledger_client::ClientOptions::default(),
                        &options,
                        &stop,
                    );
                })
                .context("cannot start the demo's sync daemon")?
        };
        Ok(DemoSync {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for DemoSync {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
