//! Notices the network coming back: a `NETLINK_ROUTE` socket subscribed to link, address and
//! route changes (rustix sockets). Every change the kernel announces wakes the sync loop, which
//! then tries the ledger at once instead of waiting out its backoff; a change that did not
//! bring the ledger back costs one failed attempt.

use std::os::fd::OwnedFd;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::{bind, recv, socket_with, AddressFamily, RecvFlags, SocketFlags, SocketType};

/// `RTMGRP_LINK`: a link went up or down.
const RTMGRP_LINK: u32 = 0x1;
/// `RTMGRP_IPV4_IFADDR`: an IPv4 address was added or removed.
const RTMGRP_IPV4_IFADDR: u32 = 0x10;
/// `RTMGRP_IPV4_ROUTE`: an IPv4 route changed.
const RTMGRP_IPV4_ROUTE: u32 = 0x40;
/// `RTMGRP_IPV6_IFADDR`: an IPv6 address was added or removed.
const RTMGRP_IPV6_IFADDR: u32 = 0x100;
/// `RTMGRP_IPV6_ROUTE`: an IPv6 route changed.
const RTMGRP_IPV6_ROUTE: u32 = 0x400;

/// The groups tallyd listens to.
pub const GROUPS: u32 =
    RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE;

/// Opens the netlink socket (subscribed before this returns, so no change after it is missed).
pub fn subscribe() -> std::io::Result<OwnedFd> {
    let fd = socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        None, // NETLINK_ROUTE is protocol 0
    )?;
    bind(&fd, &SocketAddrNetlink::new(0, GROUPS))?;
    Ok(fd)
}

/// Sends `wake()` on `to` for every batch of network changes, on a thread of its own, until the
/// receiver is gone. Returns `None` (logged) when netlink is not available: the timer alone
/// then drives retries.
pub fn spawn<T: Send + 'static>(to: Sender<T>, wake: fn() -> T) -> Option<JoinHandle<()>> {
    let fd = match subscribe() {
        Ok(fd) => fd,
        Err(error) => {
            tracing::warn!(%error, "no netlink socket: network changes will not wake tallyd");
            return None;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("tallyd-netlink".into())
        .spawn(move || {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match recv(&fd, &mut buf[..], RecvFlags::empty()) {
                    Ok(_) => {
                        tracing::debug!("network change");
                        if to.send(wake()).is_err() {
                            return;
                        }
                    }
                    Err(rustix::io::Errno::INTR) | Err(rustix::io::Errno::NOBUFS) => {
                        // NOBUFS: changes were dropped; something changed, so wake anyway.
                        if to.send(wake()).is_err() {
                            return;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the netlink socket failed; network changes no longer wake tallyd");
                        return;
                    }
                }
            }
        });
    spawned.ok()
}
