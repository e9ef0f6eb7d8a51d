//! Serial barcode scanners (RS-232, USB-CDC): each scan is `prefix + data + suffix`.
//!
//! The prefix is optional (empty by default), the suffix is required (CR by default). Bytes
//! before a configured prefix are skipped as noise; with no prefix, leading CR/LF bytes are
//! skipped so that a scanner ending scans with CR LF works with the default suffix CR. When the
//! scanner is set to transmit the AIM symbology identifier, it is split off the data. A
//! configured FNC1 substitute character is turned back into GS (0x1D). A scan longer than the
//! limit is reported and dropped up to its suffix.

use crate::event::{DeviceEvent, ProtocolError};
use crate::protocol::{Decoder, ParamsError, ProtocolId, ProtocolParams};

/// GS, the GS1 FNC1 separator.
pub const GS: u8 = 0x1D;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Looking for the prefix (or, with no prefix, the first data byte).
    Idle,
    /// Inside a scan.
    Data,
    /// Dropping an overlong scan until its suffix.
    Overflow,
}

/// Decoder for prefix/suffix framed serial scanners.
#[derive(Debug, Clone)]
pub struct SerialBarcodeDecoder {
    prefix: Vec<u8>,
    suffix: Vec<u8>,
    fnc1_substitute: Option<u8>,
    max_scan: usize,
    state: State,
    /// Prefix bytes matched so far (Idle) / scan bytes including a partial suffix (Data).
    buf: Vec<u8>,
    matched_prefix: usize,
    noise: usize,
}

impl SerialBarcodeDecoder {
    /// Builds the decoder; the suffix must not be empty.
    pub fn new(params: &ProtocolParams) -> Result<SerialBarcodeDecoder, ParamsError> {
        params.validate()?;
        if params.suffix.is_empty() {
            return Err(ParamsError::EmptySuffix);
        }
        Ok(SerialBarcodeDecoder {
            prefix: params.prefix.clone(),
            suffix: params.suffix.clone(),
            fnc1_substitute: params.fnc1_substitute,
            max_scan: params.max_scan_bytes,
            state: State::Idle,
            buf: Vec::new(),
            matched_prefix: 0,
            noise: 0,
        })
    }

    /// Bytes currently buffered (at most `max_scan_bytes` + the suffix length).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    fn flush_noise(&mut self, out: &mut Vec<DeviceEvent>) {
        if self.noise > 0 {
            out.push(DeviceEvent::Error(ProtocolError::Noise {
                bytes: self.noise,
            }));
            self.noise = 0;
        }
    }

    fn finish_scan(&mut self, out: &mut Vec<DeviceEvent>) {
        let mut data = std::mem::take(&mut self.buf);
        data.truncate(data.len() - self.suffix.len());
        if let Some(sub) = self.fnc1_substitute {
            for b in data.iter_mut() {
                if *b == sub {
                    *b = GS;
                }
            }
        }
        self.flush_noise(out);
        if !data.is_empty() {
            out.push(DeviceEvent::scan(data.as_slice()));
        }
        self.buf = data;
        self.buf.clear();
        self.state = State::Idle;
    }

    fn step(&mut self, b: u8, out: &mut Vec<DeviceEvent>) {
        match self.state {
            State::Idle => {
                if self.prefix.is_empty() {
                    if b == b'\r' || b == b'\n' {
                        return;
                    }
                    self.state = State::Data;
                    self.step(b, out);
                } else if b == self.prefix[self.matched_prefix] {
                    self.matched_prefix += 1;
                    if self.matched_prefix == self.prefix.len() {
                        self.matched_prefix = 0;
                        self.state = State::Data;
                    }
                } else {
                    // Restart the prefix match (prefixes are short: a naive restart that
                    // re-tests this byte as the first prefix byte is enough for them).
                    self.noise += self.matched_prefix;
                    self.matched_prefix = 0;
                    if b == self.prefix[0] {
                        self.matched_prefix = 1;
                    } else if b != b'\r' && b != b'\n' {
                        self.noise += 1;
                    }
                }
            }
            State::Data => {
                self.buf.push(b);
                if self.buf.ends_with(&self.suffix) {
                    self.finish_scan(out);
                } else if self.buf.len() > self.max_scan + self.suffix.len() {
                    out.push(DeviceEvent::Error(ProtocolError::ScanTooLong {
                        limit: self.max_scan,
                    }));
                    self.buf.clear();
                    self.state = State::Overflow;
                }
            }
            State::Overflow => {
                self.buf.push(b);
                if self.buf.ends_with(&self.suffix) {
                    self.buf.clear();
                    self.state = State::Idle;
                } else if self.buf.len() >= self.suffix.len() {
                    // Keep only what could still be the start of the suffix.
                    let keep = self.suffix.len() - 1;
                    let from = self.buf.len() - keep;
                    self.buf.drain(..from);
                }
            }
        }
    }
}

impl Decoder for SerialBarcodeDecoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        for &b in chunk {
            self.step(b, out);
        }
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        // A scan without its suffix (or a lone prefix) will not be completed.
        self.noise += self.matched_prefix;
        if self.state == State::Data {
            self.noise += self.buf.len();
        }
        self.flush_noise(out);
        self.reset();
    }

    fn reset(&mut self) {
        self.state = State::Idle;
        self.buf.clear();
        self.matched_prefix = 0;
        self.noise = 0;
    }

    fn protocol(&self) -> ProtocolId {
        ProtocolId::SerialBarcode
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoder(params: ProtocolParams) -> SerialBarcodeDecoder {
        SerialBarcodeDecoder::new(&params).unwrap()
    }

    #[test]
    fn default_cr_suffix_with_crlf_scanner() {
        let mut d = decoder(ProtocolParams::default());
        let mut out = Vec::new();
        d.feed(b"5901234123457\r\n0100\r\n", &mut out);
        assert_eq!(
            out,
            vec![
                DeviceEvent::scan(&b"5901234123457"[..]),
                DeviceEvent::scan(&b"0100"[..]),
            ]
        );
    }

    #[test]
    fn prefix_aim_and_fnc1_substitute() {
        let mut d = decoder(ProtocolParams {
            prefix: vec![0x02],
            suffix: vec![0x03],
            aim_prefixed: true,
            fnc1_substitute: Some(b'|'),
            ..ProtocolParams::default()
        });
        let mut out = Vec::new();
        d.feed(b"xx\x02]C10112345678901231|10ABC\x03", &mut out);
        assert_eq!(
            out,
            vec![
                DeviceEvent::Error(ProtocolError::Noise { bytes: 2 }),
                DeviceEvent::scan(&b"]C10112345678901231\x1d10ABC"[..]),
            ]
        );
    }

    #[test]
    fn overlong_scan_is_dropped_and_next_scan_survives() {
        let mut d = decoder(ProtocolParams {
            max_scan_bytes: 8,
            ..ProtocolParams::default()
        });
        let mut out = Vec::new();
        d.feed(b"0123456789012345\rABC\r", &mut out);
        assert_eq!(
            out,
            vec![
                DeviceEvent::Error(ProtocolError::ScanTooLong { limit: 8 }),
                DeviceEvent::scan(&b"ABC"[..]),
            ]
        );
    }

    #[test]
    fn empty_suffix_is_refused() {
        let err = SerialBarcodeDecoder::new(&ProtocolParams {
            suffix: vec![],
            ..ProtocolParams::default()
        })
        .unwrap_err();
        assert_eq!(err, ParamsError::EmptySuffix);
    }
}
