//! `tallyd run`: sync passes for ever. After a pass that left nothing to push it waits for new
//! local events (checked every [`LOCAL_POLL`]) or the periodic check of the ledger; after a
//! failure it waits out a capped exponential backoff with jitter, and tries again at once
//! when the network changes (netlink) — so the backlog moves within moments of the dock
//! network coming back, not at the end of a long backoff.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rand::Rng as _;
use tally_ledger_client::ClientOptions;

use crate::backoff::Backoff;
use crate::engine::{DeviceFiles, SyncError, Syncer};
use crate::netwatch;

/// How often the daemon looks for new local events while idle.
pub const LOCAL_POLL: Duration = Duration::from_millis(500);

/// Settings of the loop.
#[derive(Debug, Clone)]
pub struct DaemonOptions {
    /// First retry delay.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_cap: Duration,
    /// How often an idle daemon checks the ledger's checkpoint anyway.
    pub idle_check: Duration,
    /// Records per push.
    pub batch: usize,
    /// Listen to netlink for network changes.
    pub netlink: bool,
}

impl Default for DaemonOptions {
    fn default() -> Self {
        Self {
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(60),
            idle_check: Duration::from_secs(60),
            batch: crate::engine::DEFAULT_BATCH,
            netlink: true,
        }
    }
}

/// Why the loop woke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The kernel announced a network change.
    Network,
}

fn network() -> Wake {
    Wake::Network
}

/// Waits until `deadline`, or until new local events appear (when `watch_local`), or a
/// network change. Returns true when woken by the network.
fn wait(syncer: &Syncer, wakes: &Receiver<Wake>, deadline: Instant, watch_local: bool) -> bool {
    loop {
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        let step = (deadline - now).min(LOCAL_POLL);
        match wakes.recv_timeout(step) {
            Ok(Wake::Network) => {
                // Let a burst of changes (link up, address, route) settle into one attempt.
                std::thread::sleep(Duration::from_millis(100));
                while wakes.try_recv().is_ok() {}
                return true;
            }
            // The sender lives as long as `run`: only timeouts come here.
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
        }
        if watch_local && syncer.has_waiting().unwrap_or(false) {
            return false;
        }
    }
}

/// Runs for ever (returns only when the device cannot sync at all: not enrolled, key gone).
pub fn run(
    files: &DeviceFiles,
    client: &ClientOptions,
    options: &DaemonOptions,
) -> Result<(), SyncError> {
    let mut syncer = Syncer::open(files, client)?;
    syncer.set_batch(options.batch);
    let (tx, wakes) = mpsc::channel();
    if options.netlink {
        netwatch::spawn(tx.clone(), network);
    }
    let mut backoff = Backoff::new(options.backoff_base, options.backoff_cap);
    let mut rng = rand::thread_rng();
    tracing::info!(ledger = %syncer.link().url, "tallyd running");
    loop {
        match syncer.pass_and_record() {
            Ok(report) => {
                if report.pushed > 0 || backoff.failures() > 0 {
                    tracing::info!(
                        pushed = report.pushed,
                        mark = report.pushed_seq,
                        checkpoint = report.checkpoint_size,
                        "in sync with the ledger"
                    );
                }
                backoff.reset();
                wait(&syncer, &wakes, Instant::now() + options.idle_check, true);
            }
            Err(error) => {
                let delay = backoff.next_delay(rng.gen::<f64>());
                if error.is_history_violation() {
                    tracing::error!(%error, retry_in_ms = delay.as_millis() as u64, "the ledger's log is refused");
                } else {
                    tracing::warn!(%error, retry_in_ms = delay.as_millis() as u64, "sync failed; retrying");
                }
                if let SyncError::NotEnrolled | SyncError::KeyChanged { .. } = error {
                    return Err(error);
                }
                if wait(&syncer, &wakes, Instant::now() + delay, false) {
                    tracing::info!("network changed: trying the ledger now");
                    backoff.reset();
                }
            }
        }
    }
}
