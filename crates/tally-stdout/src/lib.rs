//! A command-line tool whose reader goes away (`tally replica stats | head -1`,
//! `tally-ledger devices --db … | head`) stops quietly with status 0, as ripgrep and other
//! well-behaved filters do, instead of panicking in `println!` with "failed printing to
//! stdout: Broken pipe" or printing an error.
//!
//! Rust starts every program with SIGPIPE ignored, so a write to a pipe whose reader has
//! closed it fails with `EPIPE`, and `println!` panics on that failure. Restoring the default
//! action (the process is killed, status 141 in a shell) would end quietly too, but also on a
//! socket or a child's pipe whose other end closed, where the caller must see an error (a
//! PostgreSQL connection over a Unix socket, a server's client). So [`end_quietly_when_closed`]
//! installs a handler that looks at standard output and standard error only: when one of them
//! is a pipe or socket nobody reads any more, the process ends at once with status 0; any
//! other SIGPIPE is left to the failing write, which returns `EPIPE` as before.
//!
//! A command that must clean up before it ends (a device simulator removes its link) calls
//! [`handle_closed_output_here`] and treats [`is_closed_output`] errors itself.
//!
//! Unix only; elsewhere both functions do nothing.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the running command treats a closed standard output itself.
static HANDLED_HERE: AtomicBool = AtomicBool::new(false);

/// Makes the process end quietly (status 0, nothing printed, no destructors run) as soon as a
/// write to a closed standard output or standard error raises SIGPIPE. Call it first thing in
/// `main`, before any thread starts. Any other broken pipe or socket still returns `EPIPE` to
/// its writer.
pub fn end_quietly_when_closed() {
    #[cfg(unix)]
    unix::install();
}

/// From now on, a write to a closed standard output fails with `EPIPE` (see
/// [`is_closed_output`]) instead of ending the process: for a command that must clean up
/// first. `println!` then panics again, so such a command writes with `writeln!` and `?`.
pub fn handle_closed_output_here() {
    HANDLED_HERE.store(true, Ordering::SeqCst);
}

/// Whether `error` is the failure of writing to a pipe or socket whose reader went away.
pub fn is_closed_output(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

#[cfg(unix)]
mod unix {
    //! The SIGPIPE handler (only async-signal-safe calls inside: `poll` and `_exit`).

    use std::sync::atomic::Ordering;

    use super::HANDLED_HERE;

    pub(super) fn install() {
        // SAFETY: plain libc calls on zero-initialised, correctly typed structures; the
        // handler only calls async-signal-safe functions.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigpipe as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGPIPE, &action, std::ptr::null_mut());
            // A parent may have blocked SIGPIPE; the handler must see it.
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPIPE);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }

    /// Runs on the thread whose write failed, before the write returns `EPIPE`.
    extern "C" fn on_sigpipe(_signal: libc::c_int) {
        if HANDLED_HERE.load(Ordering::SeqCst) {
            return;
        }
        if nobody_reads(libc::STDOUT_FILENO) || nobody_reads(libc::STDERR_FILENO) {
            // SAFETY: `_exit` is async-signal-safe and never returns.
            unsafe { libc::_exit(0) }
        }
    }

    /// Whether `fd` is a pipe without readers or a socket whose peer closed (`poll` reports
    /// POLLERR for the first, POLLHUP for the second; a terminal or file reports neither).
    fn nobody_reads(fd: libc::c_int) -> bool {
        let mut poll = libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd, zero timeout.
        let ready = unsafe { libc::poll(&mut poll, 1, 0) };
        ready == 1 && poll.revents & (libc::POLLERR | libc::POLLHUP) != 0
    }
}
