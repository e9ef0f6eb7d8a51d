//! RFID sweeps on 5 Count. An RFID reader reports tag reads one by one, thousands a second,
//! most of them repeats. The screen gathers them and hands the worker one batch at a time: the
//! reads that arrived while the previous batch was committing go together in the next one (one
//! transaction, [`tally_floor::Floor::sweep`]), so recording keeps pace with the reader and no
//! frame waits for it. A tag read again while it waits in a batch is dropped here (the core
//! would count it a duplicate); the screen keeps how many packages were found, never which.

use std::collections::{HashSet, VecDeque};

use tally_floor::{DeviceInput, SWEEP_READS_MAX};

/// Tag reads on their way to the worker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Reads not yet handed to the worker, oldest first; each batch holds the reads of one
    /// location (the counter may move on while a batch commits).
    waiting: VecDeque<Batch>,
    /// The batches the worker is recording (their request ids).
    in_flight: Vec<u64>,
}

/// Reads at one location, each tag once.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Batch {
    location: String,
    reads: Vec<DeviceInput>,
    epcs: HashSet<Vec<u8>>,
}

impl Sweep {
    /// A tag read at `location`: kept for the next batch unless the same tag waits there.
    pub fn read(&mut self, location: &str, input: DeviceInput, epc: &[u8]) {
        let open = self
            .waiting
            .back()
            .is_some_and(|b| b.location == location && b.reads.len() < SWEEP_READS_MAX);
        if !open {
            self.waiting.push_back(Batch {
                location: location.to_owned(),
                reads: Vec::new(),
                epcs: HashSet::new(),
            });
        }
        if let Some(batch) = self.waiting.back_mut() {
            if batch.epcs.insert(epc.to_vec()) {
                batch.reads.push(input);
            }
        }
    }

    /// The next batch to hand to the worker (its location and reads) when the worker holds
    /// none; `all` takes it even then (before a submit, so every read is recorded first).
    pub fn next(&mut self, all: bool) -> Option<(String, Vec<DeviceInput>)> {
        if !all && !self.in_flight.is_empty() {
            return None;
        }
        self.waiting.pop_front().map(|b| (b.location, b.reads))
    }

    /// The worker was handed batch `id`.
    pub fn sent(&mut self, id: u64) {
        self.in_flight.push(id);
    }

    /// Whether `id` is a batch of this sweep; it is no longer in flight.
    pub fn answered(&mut self, id: u64) -> bool {
        let Some(index) = self.in_flight.iter().position(|i| *i == id) else {
            return false;
        };
        self.in_flight.remove(index);
        true
    }

    /// Drops the reads not yet handed over (a batch was refused: the rest would be too).
    pub fn drop_waiting(&mut self) {
        self.waiting.clear();
    }

    /// Tag reads waiting, not yet handed to the worker.
    pub fn waiting_reads(&self) -> usize {
        self.waiting.iter().map(|b| b.reads.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_drivers::event::DeviceEvent;

    fn tag(n: u8) -> (DeviceInput, Vec<u8>) {
        let epc = vec![0x1A, 0x4F, n];
        let input = DeviceInput {
            device: "rfid".into(),
            event: DeviceEvent::TagRead {
                epc: epc.clone(),
                rssi: None,
                antenna: None,
            },
        };
        (input, epc)
    }

    #[test]
    fn reads_go_in_batches_one_at_a_time_each_tag_once_per_batch() {
        let mut sweep = Sweep::default();
        for n in [1, 2, 1, 3] {
            let (input, epc) = tag(n);
            sweep.read("A", input, &epc);
        }
        let (location, reads) = sweep.next(false).unwrap();
        assert_eq!((location.as_str(), reads.len()), ("A", 3));
        sweep.sent(7);
        // While the worker records it, reads gather for the next batch, by location.
        let (input, epc) = tag(1);
        sweep.read("A", input, &epc);
        let (input, epc) = tag(4);
        sweep.read("B", input, &epc);
        assert_eq!(sweep.waiting_reads(), 2);
        assert_eq!(sweep.next(false), None);
        assert!(!sweep.answered(8));
        assert!(sweep.answered(7));
        assert_eq!(sweep.next(false).unwrap().0, "A");
        sweep.sent(9);
        // Before a submit every batch goes, in order.
        assert_eq!(sweep.next(true).unwrap().0, "B");
        assert_eq!(sweep.next(true), None);
    }

    #[test]
    fn a_batch_holds_at_most_what_one_sweep_takes() {
        let mut sweep = Sweep::default();
        for n in 0..=SWEEP_READS_MAX {
            let epc = (n as u32).to_be_bytes().to_vec();
            let input = DeviceInput {
                device: "rfid".into(),
                event: DeviceEvent::TagRead {
                    epc: epc.clone(),
                    rssi: None,
                    antenna: None,
                },
            };
            sweep.read("A", input, &epc);
        }
        assert_eq!(sweep.next(true).unwrap().1.len(), SWEEP_READS_MAX);
        assert_eq!(sweep.next(true).unwrap().1.len(), 1);
    }
}
