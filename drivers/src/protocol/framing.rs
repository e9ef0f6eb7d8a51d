//! Shared, bounded stream framing: binary frames with a length and a check ([`FrameBuffer`]),
//! text lines ([`LineBuffer`]) and fixed-length HID reports ([`ReportBuffer`]).
//!
//! [`FrameBuffer`] keeps at most a fixed number of bytes whatever it is fed. It asks a
//! [`FrameFormat`] whether the bytes at the current position start a frame; on anything that is
//! not a good frame it drops one byte and tries again (so a stray start byte cannot swallow the
//! real frame behind it). Skipped bytes are reported as one [`ProtocolError::Noise`] before the
//! next good frame; a frame that fails its check right where the previous frame ended is
//! reported precisely (bad CRC, bad checksum).
//!
//! Every position inside a frame's payload is itself a candidate (a Chafon 288 inventory block
//! `EPCLen | EPC` is even shaped like a frame), and about one in 65,536 of those passes a 16-bit
//! check by chance. So candidates are tried in stream order, and a complete frame further on is
//! never preferred to an earlier candidate that is still arriving, with one exception:
//! * right after a good frame, and after noise, an incomplete candidate is the next frame
//!   arriving in pieces: the decoder waits for it. (An earlier version searched ahead after
//!   noise too; a chance match inside the payload of the reply that followed two noise bytes
//!   then cut that reply, and both its tags were lost.)
//! * inside the bytes of a frame that failed its check where the previous frame ended, which
//!   are known to be damaged, an incomplete candidate does not block: a complete frame that
//!   passes its check, starting inside those bytes or right where the failed frame claimed to
//!   end, is decoded without waiting. Nothing beyond that point is searched.
//!
//! A torn frame whose length field promises more bytes than will come thus holds back the
//! frames behind it, but never loses them, and never for long: at most until its promised
//! length has arrived (one maximum frame; its check then fails and the rule above applies), or
//! until the line goes quiet: the driver then calls
//! [`Decoder::idle`](crate::protocol::Decoder::idle), which drops every incomplete candidate as
//! torn and decodes, in order, the complete frames behind them.

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

impl Candidate {
    /// A whole frame of `len` bytes: good when its 16-bit CRC is the one `expected`.
    pub fn crc16(len: usize, expected: u16, got: u16) -> Candidate {
        if expected == got {
            Candidate::Frame(len)
        } else {
            Candidate::Bad {
                len,
                error: ProtocolError::BadCrc { expected, got },
            }
        }
    }

    /// A whole frame of `len` bytes: good when its 8-bit checksum is the one `expected`.
    pub fn checksum8(len: usize, expected: u8, got: u8) -> Candidate {
        if expected == got {
            Candidate::Frame(len)
        } else {
            Candidate::Bad {
                len,
                error: ProtocolError::BadChecksum { expected, got },
            }
        }
    }
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
    /// The current position is where the previous good frame ended (a bad frame there is
    /// reported precisely, not as noise).
    in_sync: bool,
    /// End of the last frame that failed its check where the previous frame ended: the look-ahead
    /// past incomplete candidates stays inside `start + 1 ..= damaged_end`.
    damaged_end: usize,
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
            damaged_end: 0,
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
        self.damaged_end = 0;
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
                self.damaged_end = self.damaged_end.saturating_sub(s);
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
            self.process(format, false, out, &mut on_frame);
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
            self.damaged_end = 0;
            self.forget_search();
        }
    }

    /// The line has gone quiet with a partial frame buffered: that frame will never complete.
    /// Drops every incomplete candidate (reported as noise) and decodes, in order, every
    /// complete frame found behind them.
    pub fn idle<F: FrameFormat + ?Sized>(
        &mut self,
        format: &F,
        out: &mut Vec<DeviceEvent>,
        mut on_frame: impl FnMut(&[u8], &mut Vec<DeviceEvent>),
    ) {
        self.process(format, true, out, &mut on_frame);
        self.flush_noise(out);
        self.buf.clear();
        self.start = 0;
        self.in_sync = true;
        self.damaged_end = 0;
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

    /// With an incomplete candidate at `start` inside damaged bytes: the smallest offset in
    /// `start + 1 ..= damaged_end` where a complete frame passing its check lies, if any.
    fn search_ahead<F: FrameFormat + ?Sized>(&mut self, format: &F) -> Option<usize> {
        let end = self.buf.len();
        // Offsets up to `last` may be taken; their frames may reach past it.
        let last = self.damaged_end.min(end.saturating_sub(1));
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
            let mut keep = offset > start && offset <= last;
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
        for offset in self.scan_end..=last {
            match format.check(&self.buf[offset..end]) {
                Candidate::Frame(_) => {
                    self.scan_end = offset + 1;
                    return Some(offset);
                }
                Candidate::NeedMore(n) => self.pending.push((offset, offset + n)),
                Candidate::NotStart | Candidate::Bad { .. } => {}
            }
        }
        self.scan_end = self.scan_end.max(last + 1);
        None
    }

    /// Decodes from `start` in stream order. An incomplete candidate stops the scan (its bytes
    /// are still coming) unless it lies in damaged bytes and a good frame follows within them,
    /// or `line_quiet`: then no more bytes will come and it is skipped.
    fn process<F: FrameFormat + ?Sized>(
        &mut self,
        format: &F,
        line_quiet: bool,
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
                    self.damaged_end = 0;
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
                        self.damaged_end = self.start + len;
                    }
                    self.skip(1);
                    self.in_sync = false;
                }
                Candidate::NeedMore(_) => {
                    if line_quiet {
                        // No more bytes will come: this candidate is torn.
                        self.skip(1);
                        self.in_sync = false;
                    } else if self.start >= self.damaged_end {
                        // Fresh bytes (after a good frame, after noise): this is the next frame
                        // arriving in pieces. Wait for it rather than guess at a frame inside it.
                        break;
                    } else {
                        match self.search_ahead(format) {
                            Some(offset) => {
                                let n = offset - self.start;
                                self.skip(n);
                            }
                            None => break,
                        }
                    }
                }
            }
            if self.skipped.saturating_sub(self.quiet) >= NOISE_REPORT_BYTES {
                self.flush_noise(out);
            }
        }
    }
}

/// A reply the protocol cannot make sense of, as the event a decoder reports.
pub fn malformed(what: &str) -> DeviceEvent {
    DeviceEvent::Error(ProtocolError::Malformed {
        what: what.to_string(),
    })
}

/// Fixed-length HID reports cut from a byte stream: whole reports are handed over straight
/// from the chunk read, a report split over reads (a capture, a slow transport) is gathered
/// first. Holds at most one report's bytes.
#[derive(Debug, Clone, Default)]
pub struct ReportBuffer {
    partial: Vec<u8>,
}

impl ReportBuffer {
    /// An empty buffer for reports of `len` bytes.
    pub fn new(len: usize) -> ReportBuffer {
        ReportBuffer {
            partial: Vec::with_capacity(len),
        }
    }

    /// Bytes of an incomplete report held.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }

    /// Drops an incomplete report.
    pub fn clear(&mut self) {
        self.partial.clear();
    }

    /// Drops an incomplete report as torn (the line went quiet in the middle of it),
    /// reporting its bytes as noise.
    pub fn drop_torn(&mut self, out: &mut Vec<DeviceEvent>) {
        if !self.partial.is_empty() {
            out.push(DeviceEvent::Error(ProtocolError::Noise {
                bytes: self.partial.len(),
            }));
            self.partial.clear();
        }
    }

    /// Calls `on_report` with each whole report of `len` (at least 1) bytes in `chunk`. Where
    /// a report starts, `starts(first byte)` false leaves the rest of the chunk unread (a
    /// report that is not ours: hidraw delivers one report per read).
    pub fn feed(
        &mut self,
        chunk: &[u8],
        len: usize,
        mut starts: impl FnMut(u8) -> bool,
        mut on_report: impl FnMut(&[u8]),
    ) {
        let len = len.max(1);
        let mut rest = chunk;
        while let Some(&first) = rest.first() {
            if self.partial.is_empty() {
                if !starts(first) {
                    return;
                }
                if rest.len() >= len {
                    let (report, tail) = rest.split_at(len);
                    on_report(report);
                    rest = tail;
                    continue;
                }
            }
            let take = (len - self.partial.len()).min(rest.len());
            self.partial.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.partial.len() == len {
                on_report(&self.partial);
                self.partial.clear();
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

/// A command of a text protocol as bytes: its text and CR LF.
pub fn crlf_command(text: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() + 2);
    bytes.extend_from_slice(text);
    bytes.extend_from_slice(b"\r\n");
    bytes
}

/// Defines the decoder of a text protocol whose lines stand alone (A&D, Ohaus): a
/// [`LineBuffer`] of `max` bytes, each complete line handed to `parse`, nothing else kept.
macro_rules! line_decoder {
    ($(#[$doc:meta])* $name:ident, parse: $parse:path, max: $max:expr, protocol: $protocol:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            lines: $crate::protocol::framing::LineBuffer,
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $name {
            /// Bytes of a partial line currently buffered.
            pub fn buffered(&self) -> usize {
                self.lines.buffered()
            }

            /// A fresh decoder.
            pub fn new() -> $name {
                $name {
                    lines: $crate::protocol::framing::LineBuffer::new($max),
                }
            }
        }

        impl $crate::protocol::Decoder for $name {
            fn feed(&mut self, chunk: &[u8], out: &mut Vec<$crate::event::DeviceEvent>) {
                self.lines.feed(chunk, out, |line, out| out.push($parse(line)));
            }

            fn idle(&mut self, out: &mut Vec<$crate::event::DeviceEvent>) {
                self.lines.idle(out);
            }

            fn reset(&mut self) {
                self.lines.reset();
            }

            fn protocol(&self) -> $crate::protocol::ProtocolId {
                $protocol
            }
        }
    };
}
pub(crate) use line_decoder;

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
            Candidate::checksum8(total, expected, w[total - 1])
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
        // Good frames, each followed by a long frame that fails its check (damaged bytes the
        // look-ahead searches) and by noise (candidates waited for one by one).
        let mut bytes = Vec::new();
        for i in 0..40 {
            bytes.extend_from_slice(&frame(b"ok"));
            let mut damaged = frame(&noise(200 + i));
            if let Some(last) = damaged.last_mut() {
                *last ^= 0x5A;
            }
            bytes.extend_from_slice(&damaged);
            bytes.extend_from_slice(&noise(300 + i));
        }
        // Start out of sync, as after line noise.
        fb.feed(&format, &[0x00], &mut out, |_, _| {});
        let mut frames = 0;
        for b in &bytes {
            fb.feed(&format, std::slice::from_ref(b), &mut out, |_, _| {
                frames += 1
            });
        }
        assert!(frames >= 40, "{frames} frames");
        // While a candidate waits for its bytes only it is looked at (one cheap check per read);
        // the look-ahead through damaged bytes classifies each offset a few times in total (the
        // memo) and sums each complete candidate at most twice: linear in n, never a re-scan of
        // the window per read.
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

    /// Regression: a chance check match inside the payload of a frame that is still arriving
    /// (after noise, or right after a frame that failed its check) used to be taken as a frame
    /// (the resync searched ahead of the incomplete candidate without limit), so the real frame
    /// was lost and garbage decoded in its place.
    #[test]
    fn chance_match_inside_a_frame_still_arriving_does_not_cut_it() {
        let format = Counting {
            checks: Cell::new(0),
            bytes_summed: Cell::new(0),
        };
        // The payload holds a well-formed inner frame: a Len byte, 3 bytes, their sum.
        let inner = frame(&[0x10, 0x20, 0x30]);
        let mut payload = vec![0xAA];
        payload.extend_from_slice(&inner);
        payload.push(0xBB);
        let outer = frame(&payload);
        let good = frame(b"ok");
        let mut damaged = frame(&[0x55; 6]);
        if let Some(last) = damaged.last_mut() {
            *last ^= 0x5A;
        }
        // After noise, and right after a frame that failed its check: the look-ahead through
        // the damaged bytes stops where they end, so it cannot reach into the frame behind.
        for (before, events) in [
            (
                vec![0x00, 0x01, 0x00],
                vec![DeviceEvent::Error(ProtocolError::Noise { bytes: 3 })],
            ),
            (
                [&good[..], &damaged].concat(),
                vec![DeviceEvent::Error(ProtocolError::BadChecksum {
                    expected: 0x55u8.wrapping_mul(6),
                    got: 0x55u8.wrapping_mul(6) ^ 0x5A,
                })],
            ),
        ] {
            let stream = [&before[..], &outer].concat();
            let expected = if before.len() == 3 {
                vec![outer.clone()]
            } else {
                vec![good.clone(), outer.clone()]
            };
            for cut in 1..stream.len() {
                let mut fb = FrameBuffer::new(256);
                let mut frames = Vec::new();
                let mut out = Vec::new();
                for piece in [&stream[..cut], &stream[cut..]] {
                    fb.feed(&format, piece, &mut out, |f, _| frames.push(f.to_vec()));
                }
                fb.idle(&format, &mut out, |f, _| frames.push(f.to_vec()));
                assert_eq!(frames, expected, "cut at {cut}");
                assert_eq!(out, events, "cut at {cut}");
            }
        }
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
