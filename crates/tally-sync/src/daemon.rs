//! `tallyd run`: sync passes for ever. After a pass that left nothing to push it waits for new
//! local events (checked every [`LOCAL_POLL`]) or the periodic check of the ledger; after a
//! failure it waits out a capped exponential backoff with jitter, and tries again at once
//! when the network changes (netlink) — so the backlog moves within moments of the dock
//! network coming back, not at the end of a long backoff. A "sync now" from the app (a new
//! count in the replica's `ledger_sync_requests`, seen at the same polls) also runs a pass at
//! once, and [`run_until`] ends the loop when another thread asks (the demo stops its daemon
//! with the app, before its ledger).

use std::sync::atomic::{AtomicBool, Ordering};
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

/// Asks a loop started with [`run_until`] to end (from another thread): it ends within one
/// [`LOCAL_POLL`] of a wait, or after the pass under way.
#[derive(Debug, Default)]
pub struct Stop(AtomicBool);

impl Stop {
    /// A loop not asked to stop.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks the loop to end.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the loop was asked to end.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What ended a wait early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Woken {
    /// The deadline passed (or new local events, when watched).
    Timer,
    /// The network changed, or the app asked for a sync now: try at once, forget the backoff.
    Now,
    /// The loop was asked to stop.
    Stop,
}

fn network() -> Wake {
    Wake::Network
}

/// What a wait watches besides its deadline.
struct Watch<'a> {
    wakes: &'a Receiver<Wake>,
    stop: &'a Stop,
    /// The app's "sync now" count last seen.
    requests_seen: u64,
}

impl Watch<'_> {
    /// Waits until `deadline`, or until new local events appear (when `watch_local`), a
    /// network change, a "sync now" from the app, or a stop.
    fn wait(&mut self, syncer: &Syncer, deadline: Instant, watch_local: bool) -> Woken {
        loop {
            if self.stop.is_stopped() {
                return Woken::Stop;
            }
            let now = Instant::now();
            if now >= deadline {
                return Woken::Timer;
            }
            let step = (deadline - now).min(LOCAL_POLL);
            match self.wakes.recv_timeout(step) {
                Ok(Wake::Network) => {
                    // Let a burst of changes (link up, address, route) settle into one attempt.
                    std::thread::sleep(Duration::from_millis(100));
                    while self.wakes.try_recv().is_ok() {}
                    return Woken::Now;
                }
                // The sender lives as long as `run`: only timeouts come here.
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
            }
            if self.asked_now(syncer) {
                return Woken::Now;
            }
            if watch_local && syncer.has_waiting().unwrap_or(false) {
                return Woken::Timer;
            }
        }
    }

    /// Whether the app asked for a sync since the last look.
    fn asked_now(&mut self, syncer: &Syncer) -> bool {
        let requests = syncer.sync_requests().unwrap_or(self.requests_seen);
        let asked = requests > self.requests_seen;
        self.requests_seen = requests;
        asked
    }
}

/// Runs for ever (returns only when the device cannot sync at all: not enrolled, key gone).
pub fn run(
    files: &DeviceFiles,
    client: &ClientOptions,
    options: &DaemonOptions,
) -> Result<(), SyncError> {
    run_until(files, client, options, &Stop::new())
}

/// Runs until `stop` is asked (then returns `Ok`), or the device cannot sync at all (not
/// enrolled, key gone).
pub fn run_until(
    files: &DeviceFiles,
    client: &ClientOptions,
    options: &DaemonOptions,
    stop: &Stop,
) -> Result<(), SyncError> {
    let mut syncer = Syncer::open(files, client)?;
    syncer.set_batch(options.batch);
    let (tx, wakes) = mpsc::channel();
    if options.netlink {
        netwatch::spawn(tx.clone(), network);
    }
    let mut backoff = Backoff::new(options.backoff_base, options.backoff_cap);
    let mut rng = rand::thread_rng();
    let mut watch = Watch {
        wakes: &wakes,
        stop,
        requests_seen: syncer.sync_requests()?,
    };
    tracing::info!(ledger = %syncer.link().url, "tallyd running");
    loop {
        if stop.is_stopped() {
            return Ok(());
        }
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
                let deadline = Instant::now() + options.idle_check;
                if watch.wait(&syncer, deadline, true) == Woken::Now {
                    tracing::info!("woken (network change or sync now): trying the ledger");
                }
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
                if watch.wait(&syncer, Instant::now() + delay, false) == Woken::Now {
                    tracing::info!("network changed or sync now: trying the ledger now");
                    backoff.reset();
                }
            }
        }
    }
}
