//! Device simulators: a scale and an RFID reader that speak their serial protocols byte for
//! byte over a pseudo-terminal, so the real serial transport, decoders, drivers and manager
//! can be exercised without hardware (tests, demos, a technician checking a setup).
//!
//! Every simulator runs on its own thread behind a [`SimHandle`]: it keeps a stable symlink to
//! its PTY slave, answers commands like the real device, can be "unplugged" (PTY closed, link
//! removed) and "replugged" (new PTY, link re-pointed), and logs every reading it sends with a
//! sequence number, so a test can check that the decoded stream equals the sent one.

pub mod rfid;
pub mod scale;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::pty::{Pty, StableLink};

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The PTY or its link could not be created.
    #[error("cannot start the simulator: {0}")]
    Io(#[from] std::io::Error),
    /// A setting is out of range.
    #[error("simulator setting: {0}")]
    Config(String),
}

/// Most command bytes a simulator buffers without a terminator before it drops them.
pub const COMMAND_BYTES_MAX: usize = 4096;

/// The device side of a simulator: bytes in, bytes out, no I/O.
pub trait SimDevice: Send + 'static {
    /// Called with what the driver wrote; appends the reply to `out`.
    fn on_input(&mut self, bytes: &[u8], out: &mut Vec<u8>);
    /// Called about every 20 ms; appends unsolicited output (streamed readings) to `out`.
    fn on_tick(&mut self, now: Instant, out: &mut Vec<u8>);
    /// Asked after each output: unplug now for this long (the "unplug" mode).
    fn take_unplug(&mut self) -> Option<Duration> {
        None
    }
    /// Forgets half-received commands (after a replug).
    fn reset_input(&mut self) {}
}

struct Shared {
    stop: AtomicBool,
    replugs: AtomicU64,
    unplug_request: Mutex<Option<Duration>>,
    slave: Mutex<PathBuf>,
}

/// A running simulator.
pub struct SimHandle {
    link: PathBuf,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// Starts `device` on a new PTY with a stable symlink at `link`.
    pub fn start(link: &Path, mut device: impl SimDevice) -> Result<Self, SimError> {
        let pty = Pty::open()?;
        let stable = StableLink::new(link, pty.slave_path())?;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            replugs: AtomicU64::new(0),
            unplug_request: Mutex::new(None),
            slave: Mutex::new(pty.slave_path().to_path_buf()),
        });
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("device-simulator".into())
            .spawn(move || run(pty, stable, &mut device, &thread_shared))?;
        Ok(Self {
            link: link.to_path_buf(),
            shared,
            thread: Some(thread),
        })
    }

    /// The stable symlink a driver opens.
    pub fn link(&self) -> &Path {
        &self.link
    }

    /// The PTY slave the link points at now.
    pub fn slave_path(&self) -> PathBuf {
        self.shared
            .slave
            .lock()
            .map(|p| p.clone())
            .unwrap_or_default()
    }

    /// How many times the simulator was replugged.
    pub fn replugs(&self) -> u64 {
        self.shared.replugs.load(Ordering::SeqCst)
    }

    /// Unplugs the device for `duration` at the next quiet moment (after the driver has read
    /// everything sent so far), then plugs it back on a new PTY.
    pub fn unplug_for(&self, duration: Duration) {
        if let Ok(mut request) = self.shared.unplug_request.lock() {
            *request = Some(duration);
        }
    }

    /// Stops the simulator (after the driver has read what was sent, up to 2 s) and removes
    /// its link.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Waits (bounded) until the driver has read every byte written, so an unplug never throws
/// away a reading that was already sent.
///
/// Bytes written to the master reach the slave's queue through the kernel's flip buffer a
/// moment later, so the queue must be seen empty twice, some time apart.
fn wait_drained(pty: &Pty, stop: Option<&AtomicBool>, limit: Duration) {
    let deadline = Instant::now() + limit;
    let mut empty_seen = 0;
    while Instant::now() < deadline && !stop.is_some_and(|s| s.load(Ordering::SeqCst)) {
        std::thread::sleep(Duration::from_millis(25));
        match pty.unread_by_driver() {
            Ok(0) | Err(_) => {
                empty_seen += 1;
                if empty_seen >= 3 {
                    return;
                }
            }
            Ok(_) => empty_seen = 0,
        }
    }
}

fn run(mut pty: Pty, link: StableLink, device: &mut dyn SimDevice, shared: &Shared) {
    let mut buf = vec![0u8; 1024];
    let mut out = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        let requested = shared.unplug_request.lock().ok().and_then(|mut r| r.take());
        if let Some(duration) = requested.or_else(|| device.take_unplug()) {
            wait_drained(&pty, Some(&shared.stop), Duration::from_secs(30));
            let _ = link.remove();
            drop(pty);
            let until = Instant::now() + duration;
            while Instant::now() < until && !shared.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(10));
            }
            pty = match Pty::open() {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!("simulator cannot reopen its PTY: {e}");
                    return;
                }
            };
            device.reset_input();
            if let Err(e) = link.point_to(pty.slave_path()) {
                tracing::error!("simulator cannot re-point its link: {e}");
                return;
            }
            if let Ok(mut slave) = shared.slave.lock() {
                *slave = pty.slave_path().to_path_buf();
            }
            shared.replugs.fetch_add(1, Ordering::SeqCst);
            continue;
        }
        out.clear();
        match pty.read_timeout(&mut buf, Duration::from_millis(20)) {
            Ok(0) => {}
            Ok(n) => device.on_input(&buf[..n], &mut out),
            Err(e) => {
                tracing::warn!("simulator read failed: {e}");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        device.on_tick(Instant::now(), &mut out);
        if !out.is_empty() {
            if let Err(e) = pty.write_all(&out) {
                tracing::warn!("simulator write failed: {e}");
            }
        }
    }
    // Let a reading already sent reach the driver before the line goes away.
    wait_drained(&pty, None, Duration::from_secs(2));
}

/// A small deterministic random generator (xorshift64*) for noise and tag choices, so a
/// simulator run can be repeated exactly from its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// `count` noise bytes, none of them in `exclude`.
    pub fn noise(&mut self, count: usize, exclude: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let b = (self.next_u64() >> 56) as u8;
            if !exclude.contains(&b) {
                out.push(b);
            }
        }
        out
    }
}
