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
    /// Could be a frame; more bytes are needed to tell.
    NeedMore,
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
        }
    }

    /// Forgets buffered bytes and counters.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.start = 0;
        self.in_sync = true;
        self.skipped = 0;
        self.quiet = 0;
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
                self.buf.drain(..self.start);
                self.start = 0;
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
        if self.buffered() == 0 {
            return;
        }
        self.skip(1);
        self.in_sync = false;
        self.process(format, out, &mut on_frame);
        let rest = self.buffered();
        self.skip(rest);
        self.flush_noise(out);
        self.buf.clear();
        self.start = 0;
        self.in_sync = true;
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
                Candidate::NeedMore => {
                    if self.in_sync {
                        // Right after a good frame: this is the next frame arriving in pieces.
                        break;
                    }
                    let ahead = (1..window.len())
                        .find(|&i| matches!(format.check(&window[i..]), Candidate::Frame(_)));
                    match ahead {
                        Some(offset) => {
                            self.skip(offset);
                            self.in_sync = false;
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
