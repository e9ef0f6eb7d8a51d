//! A fault-injecting TCP proxy for HTTP/1.1 between `tallyd` and the ledger, on threads.
//!
//! Each client connection carries one request (the proxy asks the ledger to close after its
//! answer, and the client follows the `connection: close` it forwards). For each connection a
//! seeded random generator picks one [`Fault`]: the sequence of faults of a proxy is a pure
//! function of its seed, so a failing run is reproduced with the seed it prints
//! (`TALLY_FAULT_SEED`). What each fault did is counted, so a test can show every kind
//! happened.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// Forwards the request and the answer untouched.
    Pass,
    /// Resets the connection as soon as it is accepted (a refused connection).
    Refuse,
    /// Reads the whole request, then closes without forwarding or answering (dropped).
    Drop,
    /// Reads part of the request, then resets (the ledger never sees it).
    ResetMidRequest,
    /// Forwards the request, then sends part of the ledger's answer and resets (the ledger
    /// did the work; the client never learns it).
    ResetMidResponse,
    /// Forwards after a delay.
    Delay,
    /// Sends the request to the ledger twice and forwards the second answer.
    Duplicate,
    /// Answers 500 itself without forwarding.
    Answer500,
    /// Forwards the request, then answers 500 instead of the ledger's answer.
    Forward500,
}

/// Every fault but [`Fault::Pass`].
pub const FAULTS: &[Fault] = &[
    Fault::Refuse,
    Fault::Drop,
    Fault::ResetMidRequest,
    Fault::ResetMidResponse,
    Fault::Delay,
    Fault::Duplicate,
    Fault::Answer500,
    Fault::Forward500,
];

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    pub port: u16,
    pub seed: u64,
    counts: Arc<Mutex<BTreeMap<Fault, u64>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// A proxy on a free loopback port to `127.0.0.1:upstream`, injecting a fault into about
    /// `fault_percent` % of connections, chosen by a generator seeded with `seed`.
    pub fn start(upstream: u16, seed: u64, fault_percent: u32) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let counts = Arc::new(Mutex::new(BTreeMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let counts = counts.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(seed);
                while !stop.load(Ordering::Relaxed) {
                    let client = match listener.accept() {
                        Ok((client, _)) => client,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(2));
                            continue;
                        }
                        Err(_) => continue,
                    };
                    // Decided in accept order, on this thread: the sequence is the seed's.
                    let fault = if rng.gen_range(0..100) < fault_percent {
                        FAULTS[rng.gen_range(0..FAULTS.len())]
                    } else {
                        Fault::Pass
                    };
                    let cut = rng.gen_range(1..100usize);
                    let delay = Duration::from_millis(rng.gen_range(20..200));
                    *counts.lock().unwrap().entry(fault).or_insert(0) += 1;
                    std::thread::spawn(move || {
                        let _ = serve(client, upstream, fault, cut, delay);
                    });
                }
            })
        };
        FaultProxy {
            port,
            seed,
            counts,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How many connections got each fault so far.
    pub fn counts(&self) -> BTreeMap<Fault, u64> {
        self.counts.lock().unwrap().clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Closes `stream` with a TCP reset (SO_LINGER 0).
fn reset(stream: TcpStream) {
    let _ = rustix::net::sockopt::set_socket_linger(&stream, Some(Duration::ZERO));
    drop(stream);
}

/// Reads one HTTP/1.1 request (head and `content-length` body) and returns it with its head
/// rewritten to ask the server to close after answering.
fn read_request(client: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    client.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = client.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let mut length = 0usize;
    let mut lines: Vec<&str> = Vec::new();
    for line in head.trim_end_matches("\r\n").split("\r\n") {
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("connection:") {
            continue;
        }
        lines.push(line);
    }
    while raw.len() < head_end + length {
        let n = client.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let mut request = lines.join("\r\n").into_bytes();
    request.extend_from_slice(b"\r\nconnection: close\r\n\r\n");
    request.extend_from_slice(&raw[head_end..head_end + length]);
    Ok(request)
}

/// Sends `request` to the ledger and reads its whole answer (it closes after it).
fn forward(upstream: u16, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    server.set_read_timeout(Some(Duration::from_secs(30)))?;
    server.write_all(request)?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    Ok(answer)
}

const ANSWER_500: &[u8] = b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\n\
content-length: 21\r\nconnection: close\r\n\r\ninjected server error";

fn serve(
    mut client: TcpStream,
    upstream: u16,
    fault: Fault,
    cut_percent: usize,
    delay: Duration,
) -> std::io::Result<()> {
    if fault == Fault::Refuse {
        reset(client);
        return Ok(());
    }
    if fault == Fault::ResetMidRequest {
        // Read a part of what the client sends (at least one byte), then reset.
        client.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut buf = [0u8; 64];
        let _ = client.read(&mut buf[..1 + cut_percent % 63]);
        reset(client);
        return Ok(());
    }
    let request = read_request(&mut client)?;
    let answer = match fault {
        Fault::Drop => {
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
        Fault::Answer500 => ANSWER_500.to_vec(),
        Fault::Delay => {
            std::thread::sleep(delay);
            forward(upstream, &request)?
        }
        Fault::Duplicate => {
            let _ = forward(upstream, &request)?;
            forward(upstream, &request)?
        }
        Fault::Forward500 => {
            forward(upstream, &request)?;
            ANSWER_500.to_vec()
        }
        Fault::ResetMidResponse => {
            let answer = forward(upstream, &request)?;
            let cut = (answer.len() * cut_percent / 100).clamp(1, answer.len().max(1));
            let _ = client.write_all(&answer[..cut.min(answer.len())]);
            let _ = client.flush();
            reset(client);
            return Ok(());
        }
        Fault::Pass | Fault::Refuse | Fault::ResetMidRequest => forward(upstream, &request)?,
    };
    client.write_all(&answer)?;
    client.flush()?;
    let _ = client.shutdown(Shutdown::Write);
    // Let the client read to the end before the socket goes.
    let mut sink = [0u8; 256];
    client.set_read_timeout(Some(Duration::from_secs(2)))?;
    while matches!(client.read(&mut sink), Ok(n) if n > 0) {}
    Ok(())
}
