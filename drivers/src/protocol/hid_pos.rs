//! HID POS barcode scanner reports (usage page 0x8C).
//!
//! The report layout comes from the interface's report descriptor ([`parse_hid_pos`]) or, when
//! there is none, the common 64-byte Honeywell / Access-IS layout. Each report carries the AIM
//! symbology bytes (which ReM firmware may leave zero: the scan then has no symbology), the
//! decoded data (exactly `byte count` bytes when the report has a byte count, else with trailing
//! NUL padding removed) and a "continued" flag: reports are joined while it is set, and the scan
//! is emitted with the report that clears it. The symbology comes from the first report.
//!
//! hidraw returns one report per read; a report split across chunks is put back together.
//! Reports with another report ID (not the scanned-data report) are ignored.

use crate::event::{DeviceEvent, ProtocolError};
use crate::protocol::framing::ReportBuffer;
use crate::protocol::hid_descriptor::{parse_hid_pos, HidPosLayout};
use crate::protocol::{Decoder, ParamsError, ProtocolId, ProtocolParams};

/// Decoder for HID POS scanned-data reports.
#[derive(Debug, Clone)]
pub struct HidPosDecoder {
    layout: HidPosLayout,
    max_scan: usize,
    /// a report being put back together from several chunks
    partial: ReportBuffer,
    /// data of a scan continued over several reports
    scan: Vec<u8>,
    symbology: Option<String>,
    in_scan: bool,
    overflowed: bool,
}

impl HidPosDecoder {
    /// A decoder for reports laid out as `layout`.
    pub fn new(layout: HidPosLayout, max_scan: usize) -> HidPosDecoder {
        HidPosDecoder {
            partial: ReportBuffer::new(layout.report_len),
            layout,
            max_scan,
            scan: Vec::new(),
            symbology: None,
            in_scan: false,
            overflowed: false,
        }
    }

    /// Builds the decoder from profile parameters (descriptor or the 64-byte default).
    pub fn from_params(params: &ProtocolParams) -> Result<HidPosDecoder, ParamsError> {
        let layout = match &params.hid_descriptor {
            Some(descriptor) => parse_hid_pos(descriptor)?,
            None => HidPosLayout::honeywell_64(),
        };
        Ok(HidPosDecoder::new(layout, params.max_scan_bytes))
    }

    /// The layout in use.
    pub fn layout(&self) -> &HidPosLayout {
        &self.layout
    }

    /// Bytes currently buffered: a partial report plus a continued scan.
    pub fn buffered(&self) -> usize {
        self.partial.pending() + self.scan.len()
    }

    fn symbology_of(&self, report: &[u8]) -> Option<String> {
        let bytes: Vec<u8> = self
            .layout
            .symbology
            .iter()
            .map(|f| f.and_then(|f| f.read(report)).unwrap_or(0))
            .map(|v| u8::try_from(v & 0xFF).unwrap_or(0))
            .collect();
        match bytes.as_slice() {
            [b']', code, modifier] if code.is_ascii_graphic() && modifier.is_ascii_graphic() => {
                Some(format!("]{}{}", char::from(*code), char::from(*modifier)))
            }
            _ => None,
        }
    }

    fn on_report(&mut self, report: &[u8], out: &mut Vec<DeviceEvent>) {
        let l = &self.layout;
        let data_end = (l.data_offset + l.data_len).min(report.len());
        let field = report.get(l.data_offset..data_end).unwrap_or(&[]);
        let data = match l.byte_count.and_then(|f| f.read(report)) {
            Some(count) => {
                let n = usize::try_from(count).unwrap_or(usize::MAX);
                if n > field.len() {
                    out.push(DeviceEvent::Error(ProtocolError::BadReport {
                        reason: format!(
                            "byte count {n} is larger than the {} data bytes of the report",
                            field.len()
                        ),
                    }));
                    self.abandon();
                    return;
                }
                &field[..n]
            }
            None => {
                let end = field.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
                &field[..end]
            }
        };
        let continued = l
            .continued
            .and_then(|f| f.read(report))
            .is_some_and(|v| v & 1 == 1);
        if !self.in_scan {
            self.in_scan = true;
            self.symbology = self.symbology_of(report);
            self.scan.clear();
            self.overflowed = false;
        }
        if !self.overflowed {
            if self.scan.len() + data.len() > self.max_scan {
                out.push(DeviceEvent::Error(ProtocolError::ScanTooLong {
                    limit: self.max_scan,
                }));
                self.overflowed = true;
                self.scan.clear();
            } else {
                self.scan.extend_from_slice(data);
            }
        }
        if !continued {
            if !self.overflowed && !self.scan.is_empty() {
                // The report carries the identifier beside the data; the scan hands both
                // over as one input, identifier in front, as a serial scanner sends them.
                let mut bytes = self
                    .symbology
                    .take()
                    .map(String::into_bytes)
                    .unwrap_or_default();
                bytes.append(&mut self.scan);
                out.push(DeviceEvent::scan(bytes));
            }
            self.abandon();
        }
    }

    fn abandon(&mut self) {
        self.in_scan = false;
        self.overflowed = false;
        self.symbology = None;
        self.scan.clear();
    }
}

impl Decoder for HidPosDecoder {
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<DeviceEvent>) {
        let mut reports = std::mem::take(&mut self.partial);
        let report_id = self.layout.report_id;
        reports.feed(
            chunk,
            self.layout.report_len,
            // Another report (hidraw: one report per read) is not ours.
            |first| report_id.is_none_or(|id| id == first),
            |report| self.on_report(report, out),
        );
        self.partial = reports;
    }

    fn idle(&mut self, out: &mut Vec<DeviceEvent>) {
        // hidraw returns whole reports, so a partial one is a capture artefact: drop it. A scan
        // continued over several reports is kept: the next report may still come.
        self.partial.drop_torn(out);
    }

    fn reset(&mut self) {
        self.partial.clear();
        self.abandon();
    }

    fn protocol(&self) -> ProtocolId {
        ProtocolId::HidPos
    }
}
