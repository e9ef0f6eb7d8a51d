//! Shared, bounded stream framing: binary frames with a length and a check ([`FrameBuffer`]) and
//! text lines ([`LineBuffer`]).
//!
//! [`FrameBuffer`] keeps at most a fixed number of bytes whatever it is fed. It asks a
//! [`FrameFormat`] whether the bytes at the current position start a frame; on anything that is
//! not a good frame it drops one byte and tries again (so a stray start byte cannot swallow the
//! real frame behind it). Skipped bytes are reported as one [`ProtocolError::Noise`] before the
//! next good frame; a frame that fails its check right where the previous frame ended is
//! reported precisely (bad CRC, bad checksum).
//!
//! A torn frame whose length field promises more bytes than will come must not hold back the
//! good frame behind it. Two rules handle that without ever guessing inside a healthy stream:
//! * while resynchronising (after noise or a bad frame), an incomplete candidate does not block:
//!   the buffer is searched further on for a complete frame that passes its check;
//! * right after a good frame, an incomplete candidate is simply the next frame arriving in
//!   pieces, and the decoder waits for it. If the line then goes quiet, the driver calls
//!   [`Decoder::idle`](crate::protocol::Decoder::idle), which drops the candidate as torn and
//!   decodes what is behind it. (Searching ahead inside a healthy stream would let a chance CRC
//!   match inside a frame's payload, about one in 65,536 candidates, cut a real frame.)

use crate::event::{DeviceEvent, ProtocolError};

/// Skipped bytes are reported at the latest once this many have piled up.
pub const NOISE_REPORT_BYTES: usize = 1024;

/// What the bytes at the current position are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// Not the start of a frame (wrong start byte, impossible length): skip one byte.
    NotStart,
    /// Could be a frame; more bytes are needed to tell: the answer may change once the window
    /// holds this many bytes (the frame's length when the header says it, else the header's).
    NeedMore(usize),
    /// A whole frame of this length whose check failed (`error` says how).
    Bad {
        /// the candidate frame's length in bytes
        len: usize,
        /// why it was rejected
        error: ProtocolError,
    },
    /// A good frame of this length.
    Frame(usize),
}

/// A binary frame format: recognises frames at the start of a byte slice.
pub trait FrameFormat {
    /// Largest possible frame in bytes; the buffer holds at most twice this.
    fn max_frame(&self) -> usize;
    /// Classifies the bytes at the start of `window`.
    fn check(&self, window: &[u8]) -> Candidate;
}

/// A bounded buffer that cuts a byte stream into frames of one [`FrameFormat`].
#[derive(Debug, Clone)]
pub struct FrameBuffer {
    buf: Vec<u8>,
    start: usize,
    cap: usize,
    in_sync: bool,
    skipped: usize,
    /// Skipped bytes that belonged to a frame already reported as bad.
    quiet: usize,
    /// Resynchronisation memo: the offsets in `start + 1 .. scan_end` have been classified;
    /// those that may still become frames are in `pending` as (offset, buffer length needed),
    /// in increasing offset order. Classifications that cannot change (not a start, a bad
    /// frame) are never repeated, so a resync costs each offset O(1) checks in total instead of
    /// one per read.
    scan_end: usize,
    pending: Vec<(usize, usize)>,
}

impl FrameBuffer {
    /// A buffer for frames of at most `max_frame` bytes.
    pub fn new(max_frame: usize) -> FrameBuffer {
        let cap = max_frame.saturating_mul(2).max(16);
        FrameBuffer {
            buf: Vec::with_capacity(cap),
            start: 0,
            cap,
            in_sync: true,
            skipped: 0,
            quiet: 0,
            scan_end: 0,
            pending: Vec::new(),
        }
    }

    /// Forgets buffered bytes and counters.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.start = 0;
        self.in_sync = true;
        self.skipped = 0;
        self.quiet = 0;
        self.forget_search();
    }

    fn forget_search(&mut self) {
        self.scan_end = 0;
        self.pending.clear();
    }

    /// Bytes currently held (for tests of the memory bound).
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The most bytes this buffer will ever hold.
    pub fn capacity_limit(&self) -> usize {
        self.cap
    }

    /// Appends `chunk` and calls `on_frame` for every good frame, in order; errors go to `out`.
    pub fn feed<F: FrameFormat + ?Sized>(
        &mut self,
        format: &F,
        chunk: &[u8],
        out: &mut Vec<DeviceEvent>,
        mut on_frame: impl FnMut(&[u8], &mut Vec<DeviceEvent>),
    ) {
        let mut rest = chunk;
        loop {
            if self.start > 0 {
                let s = self.start;
                self.buf.drain(..s);
                self.start = 0;
                self.scan_end = self.scan_end.saturating_sub(s);
                self.pending.retain_mut(|(offset, needed)| {
                    if *offset <= s {
                        return false;
                    }
                    *offset -= s;
                    *needed = needed.saturating_sub(s);
                    true
                });
            }
            let room = self.cap.saturating_sub(self.buf.len());
            let take = room.min(rest.len());
            self.buf.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            self.process(format, out, &mut on_frame);
            if rest.is_empty() {
                break;
            }
            if self.buffered() >= self.cap {
                // Cannot happen with a consistent format (an incomplete candidate is at most
                // max_frame long); drop a byte rather than loop forever.
                self.skip(1);
            }
        }
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
            self.forget_search();
        }
    }

    /// The line has gone quiet with a partial frame buffered: that frame will never complete.
    /// Drops it (reported as noise) and decodes any complete frame found behind its start.
    pub fn idle<F: FrameFormat + ?Sized>(
        &mut self,
        format: &F,
        out: &mut Vec<DeviceEvent>,
        mut on_frame: impl FnMut(&[u8], &mut Vec<DeviceEvent>),
    ) {
        // Each pass drops the dead candidate at the front and decodes the frames behind it.
        // A pass ends either waiting on a candidate right after a decoded frame (dead too: the
        // line is quiet, so go round again) or having found no complete frame anywhere in the
        // rest of the buffer (drop it all).
        while self.buffered() > 0 {
            self.skip(1);
            self.in_sync = false;
            self.process(format, out, &mut on_frame);
            if !self.in_sync {
                let rest = self.buffered();
                self.skip(rest);
            }
        }
        self.flush_noise(out);
        self.buf.clear();
        self.start = 0;
        self.in_sync = true;
        self.forget_search();
    }

    fn skip(&mut self, n: usize) {
        self.start += n;
        self.skipped += n;
    }

    fn flush_noise(&mut self, out: &mut Vec<DeviceEvent>) {
        let noise = self.skipped.saturating_sub(self.quiet);
        if noise > 0 {
            out.push(DeviceEvent::Error(ProtocolError::Noise { bytes: noise }));
        }
        self.skipped = 0;
        self.quiet = 0;
    }

    /// While resynchronising with an incomplete candidate at `start`: the smallest offset after
    /// it where a complete frame passing its check lies, if any.
    fn search_ahead<F: FrameFormat + ?Sized>(&mut self, format: &F) -> Option<usize> {
        let end = self.buf.len();
        let start = self.start;
        if self.scan_end <= start {
            self.scan_end = start + 1;
            self.pending.clear();
        }
        // Candidates seen before that may have completed since.
        let mut found = None;
        let mut kept = 0;
        for i in 0..self.pending.len() {
            let (offset, needed) = self.pending[i];
            let mut keep = offset > start;
            if keep && found.is_none() && needed <= end {
                match format.check(&self.buf[offset..end]) {
                    Candidate::Frame(_) => found = Some(offset),
                    Candidate::NeedMore(n) => self.pending[i].1 = offset + n.max(end - offset + 1),
                    Candidate::NotStart | Candidate::Bad { .. } => keep = false,
                }
            }
            if keep {
                self.pending[kept] = self.pending[i];
                kept += 1;
            }
        }
        self.pending.truncate(kept);
        if found.is_some() {
            return found;
        }
        // Offsets not classified yet.
        for offset in self.scan_end..end {
            match format.check(&self.buf[offset..end]) {
                Candidate::Frame(_) => {
                    self.scan_end = offset + 1;
                    return Some(offset);
                }
                Candidate::NeedMore(n) => self.pending.push((offset, offset + n)),
                Candidate::NotStart | Candidate::Bad { .. } => {}
            }
        }
        self.scan_end = end;
        None
    }

    fn process<F: FrameFormat + ?Sized>(
        &mut self,
        format: &F,
        out: &mut Vec<DeviceEvent>,
        on_frame: &mut impl FnMut(&[u8], &mut Vec<DeviceEvent>),
    ) {
        while self.start < self.buf.len() {
            let window = &self.buf[self.start..];
            match format.check(window) {
                Candidate::Frame(len) => {
                    let len = len.clamp(1, window.len());
                    self.flush_noise(out);
                    on_frame(&self.buf[self.start..self.start + len], out);
                    self.start += len;
                    self.in_sync = true;
                    self.forget_search();
                }
                Candidate::NotStart => {
                    self.skip(1);
                    self.in_sync = false;
                }
                Candidate::Bad { len, error } => {
                    if self.in_sync {
                        self.flush_noise(out);
                        out.push(DeviceEvent::Error(error));
                        self.quiet = len;
                    }
                    self.skip(1);
                    self.in_sync = false;
                }
                Candidate::NeedMore(_) => {
                    if self.in_sync {
                        // Right after a good frame: this is the next frame arriving in pieces.
                        break;
                    }
                    match self.search_ahead(format) {
                        Some(offset) => {
                            let n = offset - self.start;
                            self.skip(n);
                        }
                        None => break,
                    }
                }
            }
            if self.skipped.saturating_sub(self.quiet) >= NOISE_REPORT_BYTES {
                self.flush_noise(out);
            }
        }
    }
}

/// A bounded line splitter for text protocols: a line ends at CR or LF (so CR, LF and CR LF all
/// work); empty lines are skipped; a line longer than the limit is reported once and dropped up
/// to its end.
#[derive(Debug, Clone)]
pub struct LineBuffer {
    buf: Vec<u8>,
    max: usize,
    overflowed: bool,
}

impl LineBuffer {
    /// A splitter for lines of at most `max` bytes.
    pub fn new(max: usize) -> LineBuffer {
        LineBuffer {
            buf: Vec::with_capacity(max.min(256)),
            max,
            overflowed: false,
        }
    }

    /// Forgets a partial line.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.overflowed = false;
    }

    /// Bytes currently held.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The line went quiet: a partial line will never be ended; drop it as noise.
    pub fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        if !self.overflowed && !self.buf.is_empty() {
            out.push(DeviceEvent::Error(ProtocolError::Noise {
                bytes: self.buf.len(),
            }));
        }
        self.reset();
    }

    /// Splits `chunk` into lines, calling `on_line` for each complete, non-empty line.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        out: &mut Vec<DeviceEvent>,
        mut on_line: impl FnMut(&[u8], &mut Vec<DeviceEvent>),
    ) {
        let mut rest = chunk;
        while !rest.is_empty() {
            match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
                Some(end) => {
                    let piece = &rest[..end];
                    rest = &rest[end + 1..];
                    if self.overflowed {
                        self.overflowed = false;
                        self.buf.clear();
                        continue;
                    }
                    if self.buf.len() + piece.len() > self.max {
                        out.push(DeviceEvent::Error(ProtocolError::TooLong {
                            limit: self.max,
                        }));
                        self.buf.clear();
                        continue;
                    }
                    if self.buf.is_empty() {
                        if !piece.is_empty() {
                            on_line(piece, out);
                        }
                    } else {
                        self.buf.extend_from_slice(piece);
                        let line = std::mem::take(&mut self.buf);
                        on_line(&line, out);
                        self.buf = line;
                        self.buf.clear();
                    }
                }
                None => {
                    if !self.overflowed {
                        if self.buf.len() + rest.len() > self.max {
                            out.push(DeviceEvent::Error(ProtocolError::TooLong {
                                limit: self.max,
                            }));
                            self.buf.clear();
                            self.overflowed = true;
                        } else {
                            self.buf.extend_from_slice(rest);
                        }
                    }
                    rest = &[];
                }
            }
        }
    }
}

/// Renders bytes for an error message: printable ASCII as is, anything else as `<0xNN>`,
/// at most 80 bytes.
pub fn printable(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes.iter().take(80) {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("<0x{b:02X}>"));
        }
    }
    if bytes.len() > 80 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A length-prefixed format with a one-byte sum check that counts how often it is asked.
    /// `Len | payload… | sum`, Len = bytes after Len, at least 2.
    struct Counting {
        checks: Cell<usize>,
        bytes_summed: Cell<usize>,
    }

    impl FrameFormat for Counting {
        fn max_frame(&self) -> usize {
            256
        }

        fn check(&self, w: &[u8]) -> Candidate {
            self.checks.set(self.checks.get() + 1);
            let Some(&len) = w.first() else {
                return Candidate::NeedMore(1);
            };
            if len < 2 {
                return Candidate::NotStart;
            }
            let total = usize::from(len) + 1;
            if w.len() < total {
                return Candidate::NeedMore(total);
            }
            self.bytes_summed.set(self.bytes_summed.get() + total);
            let expected = w[1..total - 1].iter().fold(0u8, |a, &b| a.wrapping_add(b));
            if expected == w[total - 1] {
                Candidate::Frame(total)
            } else {
                Candidate::Bad {
                    len: total,
                    error: ProtocolError::BadChecksum {
                        expected,
                        got: w[total - 1],
                    },
                }
            }
        }
    }

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut f = vec![u8::try_from(payload.len() + 1).unwrap()];
        f.extend_from_slice(payload);
        f.push(payload.iter().fold(0u8, |a, &b| a.wrapping_add(b)));
        f
    }

    /// Deterministic noise (a linear congruential generator), with no valid frame in it.
    fn noise(n: usize) -> Vec<u8> {
        let mut x: u32 = 12345;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                u8::try_from(x >> 24).unwrap()
            })
            .collect()
    }

    #[test]
    fn resync_work_stays_linear_when_noise_arrives_byte_by_byte() {
        let format = Counting {
            checks: Cell::new(0),
            bytes_summed: Cell::new(0),
        };
        let mut fb = FrameBuffer::new(format.max_frame());
        let mut out = Vec::new();
        let bytes = noise(20_000);
        // Start out of sync, as after line noise.
        fb.feed(&format, &[0x00], &mut out, |_, _| {});
        for b in &bytes {
            fb.feed(&format, std::slice::from_ref(b), &mut out, |_, _| {});
        }
        // Without the memo every read re-checks every offset of the window and sums every
        // complete candidate again (quadratic in the window); with it each offset is classified
        // a few times in total and summed at most twice: linear in n.
        let n = bytes.len();
        assert!(
            format.checks.get() < 8 * n,
            "{} checks",
            format.checks.get()
        );
        assert!(
            format.bytes_summed.get() < 256 * n,
            "{} bytes summed",
            format.bytes_summed.get()
        );
        assert!(fb.buffered() <= fb.capacity_limit());
    }

    #[test]
    fn idle_decodes_every_good_frame_between_torn_ones() {
        let format = Counting {
            checks: Cell::new(0),
            bytes_summed: Cell::new(0),
        };
        let mut fb = FrameBuffer::new(256);
        let torn_a = &frame(&[7; 100])[..10];
        let good_b = frame(b"B");
        let torn_c = &frame(&[9; 120])[..5];
        let good_d = frame(b"D");
        let stream = [torn_a, &good_b, torn_c, &good_d].concat();
        let mut frames = Vec::new();
        let mut out = Vec::new();
        fb.feed(&format, &stream, &mut out, |f, _| frames.push(f.to_vec()));
        assert!(frames.is_empty());
        fb.idle(&format, &mut out, |f, _| frames.push(f.to_vec()));
        assert_eq!(frames, vec![good_b, good_d]);
        assert_eq!(fb.buffered(), 0);
        let noise_reported: usize = out
            .iter()
            .map(|e| match e {
                DeviceEvent::Error(ProtocolError::Noise { bytes }) => *bytes,
                _ => 0,
            })
            .sum();
        assert_eq!(noise_reported, 15);
    }
}
