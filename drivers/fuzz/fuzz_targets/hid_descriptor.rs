//! Fuzz target: the HID report descriptor parser must not panic on any descriptor, and a layout
//! it returns must fit its report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_drivers::protocol::hid_descriptor::parse_hid_pos;

fuzz_target!(|data: &[u8]| {
    if let Ok(layout) = parse_hid_pos(data) {
        assert!(layout.data_offset + layout.data_len <= layout.report_len);
    }
});
