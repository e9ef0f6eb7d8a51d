//! RFID inventory rounds: deduplicate tag reads within a round and measure the read rate.
//!
//! A reader reports the same tag many times in one round (several antennas, several slots,
//! continuous mode). [`InventoryRound`] keeps one entry per EPC, in the order tags were first
//! seen, with its read count, strongest RSSI and the antennas that saw it. It holds at most
//! `max_tags` distinct tags (further new tags are counted, not stored) and refuses EPCs longer
//! than [`EPC_BYTES_MAX`]. Time is passed in by the caller (milliseconds on any monotonic
//! clock), so the code is pure and testable.

use std::collections::HashMap;

use crate::event::DeviceEvent;

/// Longest EPC accepted: 496 bits, the largest EPC bank Gen2 allows.
pub const EPC_BYTES_MAX: usize = 62;
/// Default limit of distinct tags in one round (one sweep event holds at most this many).
pub const ROUND_TAGS_MAX: usize = 4096;

/// One distinct tag seen in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSeen {
    /// the EPC
    pub epc: Vec<u8>,
    /// how many times it was read in the round
    pub reads: u32,
    /// the strongest RSSI reported for it (reader units, see [`DeviceEvent::TagRead`])
    pub rssi_max: Option<i16>,
    /// antennas that saw it: bit n-1 set for antenna n (antennas 1–32)
    pub antennas: u32,
    /// when it was first read (ms)
    pub first_seen_ms: u64,
    /// when it was last read (ms)
    pub last_seen_ms: u64,
}

/// What [`InventoryRound::record`] did with a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// first read of this tag in the round
    New,
    /// the tag was already seen in the round
    Repeat,
    /// a new tag, but the round already holds `max_tags` tags: counted in `dropped`
    Full,
    /// the EPC is empty or longer than [`EPC_BYTES_MAX`]: ignored
    Rejected,
}

/// The tags of one inventory round.
#[derive(Debug, Clone)]
pub struct InventoryRound {
    started_ms: u64,
    max_tags: usize,
    index: HashMap<Box<[u8]>, usize>,
    tags: Vec<TagSeen>,
    reads: u64,
    dropped: u64,
    last_read_ms: u64,
}

impl InventoryRound {
    /// A round started at `started_ms` holding at most `max_tags` distinct tags.
    pub fn new(started_ms: u64, max_tags: usize) -> InventoryRound {
        InventoryRound {
            started_ms,
            max_tags,
            index: HashMap::with_capacity(max_tags.min(1024)),
            tags: Vec::with_capacity(max_tags.min(1024)),
            reads: 0,
            dropped: 0,
            last_read_ms: started_ms,
        }
    }

    /// Records one tag read at `at_ms`.
    pub fn record(
        &mut self,
        epc: &[u8],
        rssi: Option<i16>,
        antenna: Option<u8>,
        at_ms: u64,
    ) -> Recorded {
        if epc.is_empty() || epc.len() > EPC_BYTES_MAX {
            return Recorded::Rejected;
        }
        self.reads += 1;
        self.last_read_ms = self.last_read_ms.max(at_ms);
        let antenna_bit = antenna
            .filter(|a| (1..=32).contains(a))
            .map_or(0, |a| 1u32 << (a - 1));
        if let Some(&i) = self.index.get(epc) {
            let tag = &mut self.tags[i];
            tag.reads = tag.reads.saturating_add(1);
            tag.rssi_max = match (tag.rssi_max, rssi) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            tag.antennas |= antenna_bit;
            tag.last_seen_ms = tag.last_seen_ms.max(at_ms);
            return Recorded::Repeat;
        }
        if self.tags.len() >= self.max_tags {
            self.dropped += 1;
            return Recorded::Full;
        }
        self.index.insert(epc.into(), self.tags.len());
        self.tags.push(TagSeen {
            epc: epc.to_vec(),
            reads: 1,
            rssi_max: rssi,
            antennas: antenna_bit,
            first_seen_ms: at_ms,
            last_seen_ms: at_ms,
        });
        Recorded::New
    }

    /// Records a [`DeviceEvent::TagRead`]; other events are ignored (`None`).
    pub fn record_event(&mut self, event: &DeviceEvent, at_ms: u64) -> Option<Recorded> {
        match event {
            DeviceEvent::TagRead { epc, rssi, antenna } => {
                Some(self.record(epc, *rssi, *antenna, at_ms))
            }
            _ => None,
        }
    }

    /// Distinct tags stored so far.
    pub fn unique(&self) -> usize {
        self.tags.len()
    }

    /// All tag reads recorded (repeats included, rejected EPCs excluded).
    pub fn reads(&self) -> u64 {
        self.reads
    }

    /// New tags not stored because the round was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The distinct tags, in the order they were first seen.
    pub fn tags(&self) -> &[TagSeen] {
        &self.tags
    }

    /// Distinct tags per second from the start of the round to `now_ms` (0 when no time has
    /// passed). A rate for display; counts stay exact integers.
    pub fn unique_per_second(&self, now_ms: u64) -> f64 {
        rate(
            self.tags.len() as u64 + self.dropped,
            now_ms.saturating_sub(self.started_ms),
        )
    }

    /// Tag reads (repeats included) per second from the start of the round to `now_ms`.
    pub fn reads_per_second(&self, now_ms: u64) -> f64 {
        rate(self.reads, now_ms.saturating_sub(self.started_ms))
    }

    /// Ends the round and returns its summary, timed to the last read.
    pub fn finish(self) -> RoundSummary {
        let duration_ms = self.last_read_ms.saturating_sub(self.started_ms);
        RoundSummary {
            unique_per_second: rate(self.tags.len() as u64 + self.dropped, duration_ms),
            duration_ms,
            reads: self.reads,
            dropped: self.dropped,
            tags: self.tags,
        }
    }
}

#[allow(clippy::cast_precision_loss)] // a displayed rate; exact counts are kept as integers
fn rate(count: u64, ms: u64) -> f64 {
    if ms == 0 {
        0.0
    } else {
        count as f64 * 1000.0 / ms as f64
    }
}

/// What one inventory round found.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundSummary {
    /// distinct tags, in the order first seen
    pub tags: Vec<TagSeen>,
    /// all reads, repeats included
    pub reads: u64,
    /// new tags not stored because the round was full
    pub dropped: u64,
    /// from the start of the round to the last read
    pub duration_ms: u64,
    /// distinct tags (stored + dropped) per second over `duration_ms`
    pub unique_per_second: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedupes_and_merges_metadata() {
        let mut round = InventoryRound::new(1_000, 10);
        assert_eq!(
            round.record(&[1, 2], Some(-60), Some(1), 1_000),
            Recorded::New
        );
        assert_eq!(round.record(&[3, 4], None, None, 1_100), Recorded::New);
        assert_eq!(
            round.record(&[1, 2], Some(-50), Some(3), 1_500),
            Recorded::Repeat
        );
        assert_eq!(round.record(&[], None, None, 1_500), Recorded::Rejected);
        assert_eq!(round.unique(), 2);
        assert_eq!(round.reads(), 3);
        let first = &round.tags()[0];
        assert_eq!(first.reads, 2);
        assert_eq!(first.rssi_max, Some(-50));
        assert_eq!(first.antennas, 0b101);
        assert_eq!(first.last_seen_ms, 1_500);
        assert_eq!(round.unique_per_second(3_000), 1.0);
        let summary = round.finish();
        assert_eq!(summary.duration_ms, 500);
        assert_eq!(summary.unique_per_second, 4.0);
    }

    #[test]
    fn a_full_round_counts_new_tags_without_storing_them() {
        let mut round = InventoryRound::new(0, 1);
        assert_eq!(round.record(&[1], None, None, 0), Recorded::New);
        assert_eq!(round.record(&[2], None, None, 0), Recorded::Full);
        assert_eq!(round.record(&[1], None, None, 0), Recorded::Repeat);
        assert_eq!(round.unique(), 1);
        assert_eq!(round.dropped(), 1);
    }
}
