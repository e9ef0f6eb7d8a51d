//! Decoding a long input on every core, with the output in input order.
//!
//! Scans are independent of each other, so a million-line scanner log is cut into chunks of
//! lines: one thread reads chunks, worker threads decode and format them, and the calling
//! thread writes each chunk's output as soon as every chunk before it is written. A fixed set
//! of chunk buffers circulates (read → decoded → written → read again), so memory stays
//! bounded whatever the input's length and nothing is allocated per chunk once they are warm.
//!
//! Written with the standard library's threads and channels: the job is one ordered
//! producer/consumer loop, which a thread pool crate would not make shorter.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::thread;

use super::{read_line, INPUT_BUFFER};

/// Lines per chunk: enough to make a chunk's trip through the channels cheap against decoding
/// it, few enough that the first output goes out at once.
const LINES_PER_CHUNK: usize = 2048;
/// Bytes of input per chunk, whatever the number of lines (long lines fill it first).
const BYTES_PER_CHUNK: usize = 1 << 17;
/// Chunks in circulation per worker: one being decoded, one waiting, one being written.
const CHUNKS_PER_WORKER: usize = 3;

/// A run of input lines and, once decoded, their output.
#[derive(Default)]
struct Chunk {
    /// Its place in the input.
    index: u64,
    /// The lines, one after the other.
    input: Vec<u8>,
    /// Where each line ends in `input`.
    ends: Vec<usize>,
    /// The output of every line, in order.
    output: Vec<u8>,
    /// Whether any line was not a valid scan.
    any_errors: bool,
}

impl Chunk {
    fn lines(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let line = &self.input[start..end];
            start = end;
            line
        })
    }

    fn clear(&mut self) {
        self.input.clear();
        self.ends.clear();
        self.output.clear();
        self.any_errors = false;
    }
}

/// Writes one scan's output after `output`'s end, with what each thread keeps from scan to
/// scan in `scratch`; returns whether the scan was valid.
pub(super) type Render<'a, S> = dyn Fn(&[u8], &mut S, &mut Vec<u8>) -> bool + Sync + 'a;

/// Reads scans from `input` one per line (blank lines skipped), renders each on `workers`
/// threads with `render`, and writes the output to `out` in input order. Returns whether any
/// scan had errors. An error reading or writing stops everything and is returned.
pub(super) fn run<S: Default>(
    input: impl Read + Send,
    out: &mut impl Write,
    workers: usize,
    render: &Render<'_, S>,
) -> io::Result<bool> {
    let workers = workers.max(1);
    let chunks = workers * CHUNKS_PER_WORKER;
    let (pool_tx, pool_rx) = sync_channel::<Chunk>(chunks);
    let (work_tx, work_rx) = sync_channel::<Chunk>(chunks);
    let (done_tx, done_rx) = sync_channel::<Chunk>(chunks);
    for _ in 0..chunks {
        // The channel holds every chunk: this cannot block or fail.
        let _ = pool_tx.send(Chunk::default());
    }
    let work_rx = Mutex::new(work_rx);
    thread::scope(|scope| {
        let reader = scope.spawn(move || read_chunks(input, &pool_rx, work_tx));
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || decode_chunks(work_rx, done_tx, render));
        }
        drop(done_tx);
        // On a write error this returns early, dropping the pool's sender and the finished
        // chunks' receiver: the reader and the workers then stop at their next step.
        let written = write_in_order(out, done_rx, pool_tx);
        let read = reader.join().unwrap_or_else(|_| {
            Err(io::Error::other(
                "the thread reading the scans stopped unexpectedly",
            ))
        });
        let any_errors = written?;
        read?;
        Ok(any_errors)
    })
}

/// The reader: fills chunks from the pool with lines and hands them to the workers, until the
/// input ends or nobody takes chunks any more.
fn read_chunks(
    input: impl Read,
    pool: &Receiver<Chunk>,
    work: SyncSender<Chunk>,
) -> io::Result<()> {
    let mut input = io::BufReader::with_capacity(INPUT_BUFFER, input);
    let mut index = 0u64;
    let mut ended = false;
    while !ended {
        let Ok(mut chunk) = pool.recv() else {
            return Ok(());
        };
        chunk.clear();
        chunk.index = index;
        while chunk.ends.len() < LINES_PER_CHUNK && chunk.input.len() < BYTES_PER_CHUNK {
            let start = chunk.input.len();
            match read_line(&mut input, &mut chunk.input, start) {
                Ok(true) => {}
                Ok(false) => {
                    ended = true;
                    break;
                }
                Err(error) => {
                    // What was read before the failure is still decoded and written.
                    chunk.input.truncate(start);
                    if !chunk.ends.is_empty() {
                        let _ = work.send(chunk);
                    }
                    return Err(error);
                }
            }
            if chunk.input[start..].iter().all(u8::is_ascii_whitespace) {
                chunk.input.truncate(start);
                continue;
            }
            chunk.ends.push(chunk.input.len());
        }
        if chunk.ends.is_empty() {
            break;
        }
        if work.send(chunk).is_err() {
            return Ok(());
        }
        index += 1;
    }
    Ok(())
}

/// A worker: renders every line of each chunk it takes.
fn decode_chunks<S: Default>(
    work: &Mutex<Receiver<Chunk>>,
    done: SyncSender<Chunk>,
    render: &Render<'_, S>,
) {
    let mut scratch = S::default();
    loop {
        // A poisoned lock means another worker panicked: stop taking work.
        let next = match work.lock() {
            Ok(work) => work.recv(),
            Err(_) => return,
        };
        let Ok(mut chunk) = next else {
            return;
        };
        let mut output = std::mem::take(&mut chunk.output);
        let mut any_errors = false;
        for line in chunk.lines() {
            any_errors |= !render(line, &mut scratch, &mut output);
        }
        chunk.output = output;
        chunk.any_errors = any_errors;
        if done.send(chunk).is_err() {
            return;
        }
    }
}

/// The writer: writes finished chunks in input order and returns them to the pool.
fn write_in_order(
    out: &mut impl Write,
    done: Receiver<Chunk>,
    pool: SyncSender<Chunk>,
) -> io::Result<bool> {
    let mut waiting = BTreeMap::new();
    let mut next = 0u64;
    let mut any_errors = false;
    for chunk in done {
        waiting.insert(chunk.index, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            out.write_all(&chunk.output)?;
            any_errors |= chunk.any_errors;
            next += 1;
            // The reader may have stopped (end of input): then the chunk is simply dropped.
            let _ = pool.send(chunk);
        }
    }
    Ok(any_errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a line as its length and the line, so order and content are both checked;
    /// lines starting with `!` count as invalid.
    fn render(line: &[u8], _scratch: &mut Vec<u8>, out: &mut Vec<u8>) -> bool {
        out.extend_from_slice(format!("{} ", line.len()).as_bytes());
        out.extend_from_slice(line);
        out.push(b'\n');
        !line.starts_with(b"!")
    }

    fn through(input: &[u8], workers: usize) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        let any_errors = run(input, &mut out, workers, &render).unwrap();
        (out, any_errors)
    }

    #[test]
    fn output_keeps_input_order_across_many_chunks_and_workers() {
        let mut input = Vec::new();
        let mut expected = Vec::new();
        for i in 0..(LINES_PER_CHUNK * 7 + 13) {
            let line = format!("scan-{i}-{}", "x".repeat(i % 97));
            input.extend_from_slice(line.as_bytes());
            input.extend_from_slice(if i % 3 == 0 { b"\r\n" } else { b"\n" });
            render(line.as_bytes(), &mut Vec::new(), &mut expected);
        }
        for workers in [1, 2, 5] {
            let (out, any_errors) = through(&input, workers);
            assert!(out == expected, "{workers} workers: output differs");
            assert!(!any_errors);
        }
    }

    #[test]
    fn blank_lines_are_skipped_and_one_bad_scan_is_reported() {
        let (out, any_errors) = through(b"a\n\n   \nb\r!c\n", 2);
        assert_eq!(out, b"1 a\n1 b\n2 !c\n");
        assert!(any_errors);
        let (out, any_errors) = through(b"", 2);
        assert!(out.is_empty() && !any_errors);
    }

    #[test]
    fn long_lines_fill_chunks_by_size_and_are_cut_at_the_limit() {
        let long = vec![b'7'; BYTES_PER_CHUNK * 2];
        let mut input = long.clone();
        input.extend_from_slice(b"\nafter\n");
        let (out, _) = through(&input, 2);
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        let first = lines.next().unwrap();
        let (length, _) = first.split_once(' ').unwrap();
        assert_eq!(length, (super::super::MAX_LINE_BYTES + 1).to_string());
        assert_eq!(lines.next(), Some("5 after"));
        assert_eq!(lines.next(), None);
    }

    /// A reader that fails after some bytes.
    struct Failing(usize);

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("the disk went away"));
            }
            let n = buf.len().min(self.0).min(6);
            buf[..n].copy_from_slice(&b"abcde\n"[..n]);
            self.0 -= n;
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_is_returned_after_what_was_read_is_written() {
        let mut out = Vec::new();
        let error = run(Failing(12), &mut out, 2, &render).unwrap_err();
        assert_eq!(error.to_string(), "the disk went away");
        assert_eq!(out, b"5 abcde\n5 abcde\n");
    }

    /// A writer that refuses everything, like a closed pipe.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_stops_the_reader_and_the_workers() {
        // Far more input than the chunks in circulation hold: the run must still end.
        let input = b"scan\n".repeat(LINES_PER_CHUNK * CHUNKS_PER_WORKER * 8);
        let error = run(&input[..], &mut Closed, 2, &render).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
