//! Ctrl-C for the technician tools (`tally devices simulate`, `monitor`, `capture`): a flag set
//! by SIGINT/SIGTERM, polled by their loops, so they stop cleanly (a simulator removes its
//! link, a capture file is flushed).

use std::sync::atomic::{AtomicBool, Ordering};

use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: nix::libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Installs the SIGINT/SIGTERM handler (idempotent).
pub fn install() -> Result<(), nix::Error> {
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        signal::sigaction(Signal::SIGINT, &action)?;
        signal::sigaction(Signal::SIGTERM, &action)?;
    }
    Ok(())
}

/// Whether Ctrl-C (or SIGTERM) arrived since [`install`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
