//! Wakes the projector when the log grows, instead of leaving it to poll.
//!
//! - In the process that ingests, [`CommitSignal::notify`] is called after each push commits.
//! - On PostgreSQL every write transaction of the store sends `NOTIFY tally_ledger_log` at
//!   commit ([`NOTIFY_SQL`]); [`listen_postgres`] holds a connection that `LISTEN`s and turns
//!   each notification into a [`CommitSignal::notify`], so a push ingested by another `serve`
//!   process (or the CLI) wakes this one's projector too.
//! - A SQLite ledger written by another process is noticed by the projector's fallback poll.
//!
//! The projector reads the signal's generation before it looks at the log and waits only while
//! the generation has not moved, so a commit that lands while it folds is never missed.

use std::sync::atomic::{AtomicBool, Ordering};

use postgres::fallible_iterator::FallibleIterator;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "tally_ledger_log";
/// What a PostgreSQL write transaction runs before it commits.
pub const NOTIFY_SQL: &str = "NOTIFY tally_ledger_log";

/// A counter of commits that threads can wait on.
#[derive(Debug, Default)]
pub struct CommitSignal {
    generation: Mutex<u64>,
    moved: Condvar,
}

impl CommitSignal {
    /// A new signal, shared.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Something was committed: wakes every waiter.
    pub fn notify(&self) {
        let mut generation = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        *generation = generation.wrapping_add(1);
        self.moved.notify_all();
    }

    /// The number of commits signalled so far.
    pub fn generation(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the generation is no longer `seen` or `timeout` passed; returns the
    /// generation then.
    pub fn wait_past(&self, seen: u64, timeout: Duration) -> u64 {
        let deadline = Instant::now() + timeout;
        let mut generation = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        while *generation == seen {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            generation = match self.moved.wait_timeout(generation, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        *generation
    }
}

/// Listens on PostgreSQL at `url` for commits of any process and signals them, until `stop`
/// is set (looked at every second). A lost connection is logged and made again; a commit
/// missed meanwhile is caught by the projector's fallback poll.
pub fn listen_postgres(url: String, signal: Arc<CommitSignal>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let mut client = match postgres::Client::connect(&url, postgres::NoTls)
            .and_then(|mut c| c.batch_execute(&format!("LISTEN {CHANNEL}")).map(|()| c))
        {
            Ok(client) => client,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for commits; the projector polls");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        // A commit may have landed before LISTEN took effect.
        signal.notify();
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            // A fresh iterator per wait: one whose timeout has elapsed would not wait again.
            let next = client
                .notifications()
                .timeout_iter(Duration::from_secs(1))
                .next();
            match next {
                Ok(Some(_)) => signal.notify(),
                Ok(None) if client.is_closed() => {
                    tracing::warn!("the commit listener's connection closed; listening again");
                    break;
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "lost the commit listener; listening again");
                    break;
                }
            }
        }
    }
}
