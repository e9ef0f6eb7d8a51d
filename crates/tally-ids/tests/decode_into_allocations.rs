//! Decoding scan after scan into one record allocates nothing once its buffers are warm, for
//! the valid scans a receiver meets all day (GS1-128, GS1 DataMatrix, Digital Links in QR
//! Codes, a web address that is no Digital Link), JSON written into a reused buffer included.
//! A test binary of its own: the counting allocator counts for this thread only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use tally_ids::{decode_into, Date, DecodeOptions, Decoded};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down has no counters any more.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

// SAFETY: every call goes straight to the system allocator; counting touches no memory the
// allocator hands out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations made by `work` on this thread.
fn allocations(work: impl FnOnce()) -> usize {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|on| on.set(true));
    work();
    COUNTING.with(|on| on.set(false));
    ALLOCATIONS.with(Cell::get)
}

/// Line `i` of `scripts/bench decode`'s valid kinds, with its lots and serials.
fn scan(i: usize) -> String {
    let s = format!("{i:07}");
    match i % 6 {
        0 => format!("]C101095060001343521526123110L{s}"),
        1 => format!(
            "]C1010950600013435217270{:03}10B{s}\u{1d}21S{s}",
            100 + i % 28 + 1
        ),
        2 => format!("]Q1https://id.gs1.org/01/09506000134352/10/A{s}?17=261231"),
        3 => format!("]C100106141410000000019400PO{s}"),
        4 => format!("]d2010950600013435221{s}\u{1d}3103000{:03}", i % 1000),
        _ => format!("]Q1https://example.com/01/09506000134352/21/{s}"),
    }
}

#[test]
fn warm_buffers_decode_valid_scans_without_allocating() {
    let options = DecodeOptions::new(Date::new(2026, 11, 24).unwrap());
    let scans: Vec<String> = (0..3_000).map(scan).collect();
    let mut record = Decoded::default();
    let mut json = Vec::with_capacity(1 << 16);
    // Warm: the record's buffers, and the JSON heads written once per AI.
    for scan in &scans[..1_000] {
        decode_into(scan.as_bytes(), &options, &mut record);
        assert!(record.is_valid(), "{scan}: {:?}", record.errors);
        json.clear();
        record.write_json(&mut json);
    }
    let made = allocations(|| {
        for scan in &scans[1_000..] {
            decode_into(scan.as_bytes(), &options, &mut record);
            json.clear();
            record.write_json(&mut json);
        }
    });
    assert_eq!(made, 0, "allocations for 2,000 warm scans");
    // The counter counts: a fresh record allocates for the same scan.
    let fresh = allocations(|| {
        let mut record = Decoded::default();
        decode_into(scans[0].as_bytes(), &options, &mut record);
    });
    assert!(fresh > 0);
}
