//! Pseudo-terminal pairs for the device simulators, with a stable symlink that survives
//! "replugging".
//!
//! A simulator owns the master side and answers like a device; the driver opens the slave path
//! through the ordinary serial transport, exactly as it would open a USB-serial adapter. The
//! slave is put in raw mode so every byte passes unchanged (no CR/LF translation, no echo).
//! Unplugging closes both sides: the driver's next read fails as it would when an adapter is
//! pulled. Replugging opens a new pair (a new `/dev/pts/N`) and re-points the stable symlink.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::termios::{self, SetArg};

mod ioctl {
    // How many bytes wait to be read on a terminal (FIONREAD = TIOCINQ).
    nix::ioctl_read_bad!(fionread, nix::libc::FIONREAD, nix::libc::c_int);
}
use ioctl::fionread;

/// One open pseudo-terminal pair.
#[derive(Debug)]
pub struct Pty {
    master: File,
    // Held open so the master never sees a hang-up while no driver has the slave open, and to
    // ask how much the driver has not read yet.
    slave: OwnedFd,
    slave_path: PathBuf,
}

impl Pty {
    /// Opens a new pair with the slave in raw mode.
    pub fn open() -> io::Result<Self> {
        let pair = nix::pty::openpty(None, None).map_err(io::Error::from)?;
        let mut attrs = termios::tcgetattr(pair.slave.as_fd()).map_err(io::Error::from)?;
        termios::cfmakeraw(&mut attrs);
        termios::tcsetattr(pair.slave.as_fd(), SetArg::TCSANOW, &attrs).map_err(io::Error::from)?;
        let slave_path = nix::unistd::ttyname(pair.slave.as_fd()).map_err(io::Error::from)?;
        Ok(Self {
            master: File::from(pair.master),
            slave: pair.slave,
            slave_path,
        })
    }

    /// The slave device (`/dev/pts/N`) a driver opens.
    pub fn slave_path(&self) -> &Path {
        &self.slave_path
    }

    /// Reads what the driver wrote, waiting at most `timeout`; `Ok(0)` when nothing came.
    pub fn read_timeout(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
        let ms = u16::try_from(timeout.as_millis()).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(self.master.as_fd(), PollFlags::POLLIN)];
        let ready = poll(&mut fds, PollTimeout::from(ms)).map_err(io::Error::from)?;
        if ready == 0 {
            return Ok(0);
        }
        match self.master.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// How many bytes the driver has not read yet from the slave side.
    pub fn unread_by_driver(&self) -> io::Result<usize> {
        let mut count: nix::libc::c_int = 0;
        // SAFETY: FIONREAD writes one int through the pointer; the fd is open.
        unsafe { fionread(self.slave.as_raw_fd(), &mut count) }.map_err(io::Error::from)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Sends bytes to the driver.
    pub fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.master.write_all(bytes)?;
        self.master.flush()
    }
}

/// A symlink with a fixed path that always points at the current PTY slave.
#[derive(Debug)]
pub struct StableLink {
    link: PathBuf,
}

impl StableLink {
    /// Creates (or takes over) `link` and points it at `target`.
    pub fn new(link: &Path, target: &Path) -> io::Result<Self> {
        let this = Self {
            link: link.to_path_buf(),
        };
        this.point_to(target)?;
        Ok(this)
    }

    /// Re-points the link atomically (a new symlink renamed over the old one).
    pub fn point_to(&self, target: &Path) -> io::Result<()> {
        let mut tmp = self.link.clone().into_os_string();
        tmp.push(format!(".tmp-{}", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(target, &tmp)?;
        std::fs::rename(&tmp, &self.link)
    }

    /// Removes the link while the device is unplugged (opening it then fails like a missing
    /// adapter).
    pub fn remove(&self) -> io::Result<()> {
        match std::fs::remove_file(&self.link) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The link path.
    pub fn path(&self) -> &Path {
        &self.link
    }
}

impl Drop for StableLink {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.link);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_pass_unchanged_both_ways() {
        let mut pty = Pty::open().unwrap();
        let mut slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(pty.slave_path())
            .unwrap();
        let all: Vec<u8> = (0u8..=255).collect();
        slave.write_all(&all).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        while got.len() < all.len() {
            let n = pty.read_timeout(&mut buf, Duration::from_secs(10)).unwrap();
            assert!(n > 0, "timed out after {} bytes", got.len());
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, all);
        pty.write_all(b"S S     100.00 g\r\n").unwrap();
        let mut back = [0u8; 18];
        slave.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"S S     100.00 g\r\n");
    }

    #[test]
    fn the_link_follows_a_replug() {
        let dir = tempfile::tempdir().unwrap();
        let link_path = dir.path().join("scale");
        let first = Pty::open().unwrap();
        let link = StableLink::new(&link_path, first.slave_path()).unwrap();
        assert_eq!(std::fs::read_link(&link_path).unwrap(), first.slave_path());
        let second = Pty::open().unwrap();
        drop(first);
        link.point_to(second.slave_path()).unwrap();
        assert_eq!(std::fs::read_link(&link_path).unwrap(), second.slave_path());
        drop(link);
        assert!(std::fs::symlink_metadata(&link_path).is_err());
    }
}
