//! Telling a keyboard-wedge scanner from a person: a pure classifier over (key, timestamp).
//!
//! A scanner in keyboard-wedge mode types a whole barcode in a burst, a few milliseconds
//! between keys, and ends it with its terminator (Enter, or Tab when so configured). A person
//! types tens to hundreds of milliseconds apart. Characters are echoed at once whoever types
//! them (a person never waits); when the terminator arrives, the classifier looks back at the
//! run of characters that arrived in one burst: if it is at least [`WedgeConfig::min_len`] long
//! and the terminator followed it just as fast, the burst is a scan, and the caller removes
//! the burst's characters from the field they were echoed into ([`Classified::Scan::erase`]).
//! Everything else is what a person typed; a person's line and Enter is still a scan wherever
//! a scan is expected, so a person can always type a UID by hand.
//!
//! A busy handheld may read a burst in pieces: its reading thread held up for a moment after
//! the first key, or in the middle, or before the terminator, so a gap longer than
//! `max_gap_ms` splits one barcode. Runs of keys that came at scanner speed (a *piece*) are
//! held together when the gap between them is at most [`STALL_FACTOR`] × `max_gap_ms` and the
//! scanner's pace dominates: the keys that followed their predecessor fast must be at least
//! [`FAST_PER_STALL`] times the stalls between pieces (a piece's first key read alone counts
//! as a piece). When the terminator comes, the pieces since the last longer pause (and the
//! terminator, if it came after a stall) are one scan if, without the earliest pieces that
//! break that rule, they are at least `min_len` long. A person types tens to hundreds of
//! milliseconds apart: their keys are pieces of one character with no fast gap inside, so
//! what a person types is never held together into a scan (a scan still needs its last key
//! and its terminator at scanner speed or one stall apart, and mostly fast keys).

use serde::{Deserialize, Serialize};

/// How many scanner gaps a stall inside one burst may last (a burst's first key read alone,
/// a burst split in the middle or before its terminator).
pub const STALL_FACTOR: u64 = 4;

/// How many keys typed at scanner speed a burst needs for each stall held inside it.
pub const FAST_PER_STALL: usize = 3;

/// Which key ends a scanner's burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Terminator {
    /// Enter (carriage return).
    #[default]
    Enter,
    /// Tab.
    Tab,
}

/// Timing of a keyboard-wedge scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WedgeConfig {
    /// Longest gap between two keys of one burst, in milliseconds.
    pub max_gap_ms: u64,
    /// Fewest characters a burst must have to be a scan.
    pub min_len: usize,
    /// The key the scanner ends a barcode with.
    pub terminator: Terminator,
}

impl Default for WedgeConfig {
    fn default() -> Self {
        WedgeConfig {
            max_gap_ms: 25,
            min_len: 4,
            terminator: Terminator::Enter,
        }
    }
}

/// A key as the classifier sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WedgeKey {
    /// A printable character.
    Char(char),
    /// Enter.
    Enter,
    /// Tab.
    Tab,
    /// Anything else (arrows, Backspace, function keys): ends any burst.
    Other,
}

/// What a key turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified {
    /// A character: echo it into the field being typed.
    Char(char),
    /// A person pressed Enter: submit the field.
    Enter,
    /// A person pressed Tab.
    Tab,
    /// Any other key, passed on unchanged.
    Other,
    /// A scanner typed `text` and its terminator: remove the last `erase` characters echoed
    /// into the field (they were the scan), then handle `text` as a scan.
    Scan {
        /// What was scanned.
        text: String,
        /// How many characters of the field were the scan.
        erase: usize,
    },
}

/// The classifier: remembers the current burst only (its pieces since the last long pause).
#[derive(Debug, Clone, Default)]
pub struct Wedge {
    config: WedgeConfig,
    /// The pieces of the current burst, oldest first; the last is the one being typed.
    pieces: Vec<Piece>,
    last_ms: Option<u64>,
}

/// Keys that came at scanner speed, one after another.
#[derive(Debug, Clone, Default)]
struct Piece {
    text: String,
    /// Keys that followed the one before them within `max_gap_ms` (all but the first).
    fast: usize,
}

impl Wedge {
    /// A classifier with this timing.
    pub fn new(config: WedgeConfig) -> Wedge {
        Wedge {
            config,
            pieces: Vec::new(),
            last_ms: None,
        }
    }

    /// Its timing.
    pub fn config(&self) -> WedgeConfig {
        self.config
    }

    /// The last character was taken as a screen's key, not typed: it begins no burst.
    pub fn taken_as_key(&mut self) {
        self.pieces.clear();
    }

    /// Classifies `key`, pressed at `at_ms` (a monotonic clock; earlier times than the last
    /// key count as a gap of zero).
    pub fn feed(&mut self, key: WedgeKey, at_ms: u64) -> Classified {
        let gap = self.last_ms.map(|last| at_ms.saturating_sub(last));
        let fast = gap.is_some_and(|gap| gap <= self.config.max_gap_ms);
        let stall = self.config.max_gap_ms.saturating_mul(STALL_FACTOR);
        let stalled = !fast && gap.is_some_and(|gap| gap <= stall);
        self.last_ms = Some(at_ms);
        let terminator = matches!(
            (key, self.config.terminator),
            (WedgeKey::Enter, Terminator::Enter) | (WedgeKey::Tab, Terminator::Tab)
        );
        match key {
            WedgeKey::Char(c) => {
                match self.pieces.last_mut() {
                    Some(piece) if fast => {
                        piece.text.push(c);
                        piece.fast += 1;
                    }
                    _ => {
                        if !stalled {
                            // A longer pause: whatever came before is no part of this burst.
                            self.pieces.clear();
                        }
                        self.pieces.push(Piece {
                            text: c.to_string(),
                            fast: 0,
                        });
                    }
                }
                Classified::Char(c)
            }
            _ if terminator && (fast || stalled) => {
                let pieces = std::mem::take(&mut self.pieces);
                match self.scan(&pieces, !fast) {
                    Some((text, erase)) => Classified::Scan { text, erase },
                    None => match key {
                        WedgeKey::Tab => Classified::Tab,
                        _ => Classified::Enter,
                    },
                }
            }
            WedgeKey::Enter => {
                self.pieces.clear();
                Classified::Enter
            }
            WedgeKey::Tab => {
                self.pieces.clear();
                Classified::Tab
            }
            WedgeKey::Other => {
                self.pieces.clear();
                Classified::Other
            }
        }
    }

    /// The scan `pieces` and a terminator make (`late`: the terminator came a stall after the
    /// last key), with how many echoed characters it takes back: the latest pieces whose keys
    /// came mostly at scanner speed, if they are long enough.
    fn scan(&self, pieces: &[Piece], late: bool) -> Option<(String, usize)> {
        let last = pieces.last()?;
        // A terminator a stall late needs a burst that was fast up to it.
        if late && last.fast == 0 {
            return None;
        }
        let mut fast: usize = pieces.iter().map(|p| p.fast).sum();
        let mut stalls = pieces.len() - 1 + usize::from(late);
        let mut first = 0;
        // The earliest pieces go until the scanner's pace dominates what is left.
        while first < pieces.len() - 1 && fast < stalls.saturating_mul(FAST_PER_STALL) {
            fast -= pieces[first].fast;
            stalls -= 1;
            first += 1;
        }
        if fast < stalls.saturating_mul(FAST_PER_STALL) {
            return None;
        }
        let text: String = pieces[first..].iter().map(|p| p.text.as_str()).collect();
        let erase = text.chars().count();
        (erase >= self.config.min_len).then_some((text, erase))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn feed_all(wedge: &mut Wedge, keys: &[(WedgeKey, u64)]) -> Vec<Classified> {
        keys.iter().map(|&(k, t)| wedge.feed(k, t)).collect()
    }

    fn burst(text: &str, start: u64, gap: u64) -> Vec<(WedgeKey, u64)> {
        let mut t = start;
        let mut keys: Vec<(WedgeKey, u64)> = text
            .chars()
            .map(|c| {
                t += gap;
                (WedgeKey::Char(c), t)
            })
            .collect();
        keys.push((WedgeKey::Enter, t + gap));
        keys
    }

    #[test]
    fn a_fast_burst_ending_in_enter_is_a_scan() {
        let mut wedge = Wedge::default();
        let out = feed_all(&mut wedge, &burst("1A4000000000000000001234", 1_000, 3));
        assert_eq!(
            out.last(),
            Some(&Classified::Scan {
                text: "1A4000000000000000001234".into(),
                erase: 24
            })
        );
        // Every character before it was echoed.
        assert!(out[..24].iter().all(|c| matches!(c, Classified::Char(_))));
    }

    #[test]
    fn a_person_typing_is_never_a_scan() {
        let mut wedge = Wedge::default();
        let out = feed_all(&mut wedge, &burst("1A4000000000000000001234", 1_000, 120));
        assert_eq!(out.last(), Some(&Classified::Enter));
    }

    #[test]
    fn a_person_pausing_before_enter_after_a_fast_paste_is_a_person() {
        let mut wedge = Wedge::default();
        let mut keys = burst("B1001", 0, 2);
        keys.last_mut().unwrap().1 = 900;
        assert_eq!(feed_all(&mut wedge, &keys).last(), Some(&Classified::Enter));
    }

    #[test]
    fn a_short_burst_is_a_person_pressing_a_digit_and_enter_quickly() {
        let mut wedge = Wedge::default();
        let out = feed_all(&mut wedge, &burst("6", 0, 5));
        assert_eq!(out, vec![Classified::Char('6'), Classified::Enter]);
    }

    #[test]
    fn a_scan_after_typed_text_erases_only_the_burst() {
        let mut wedge = Wedge::default();
        let mut keys = vec![(WedgeKey::Char('x'), 0), (WedgeKey::Char('y'), 300)];
        keys.extend(burst("ABCDEF", 2_000, 4));
        assert_eq!(
            feed_all(&mut wedge, &keys).last(),
            Some(&Classified::Scan {
                text: "ABCDEF".into(),
                erase: 6
            })
        );
    }

    /// The reading thread held up after a burst's first key: the rest comes 30 ms later, all
    /// at once. It is one scan of the whole barcode (the first key was left in the field).
    #[test]
    fn a_burst_whose_first_key_was_read_alone_is_one_scan() {
        let mut wedge = Wedge::default();
        let mut keys = vec![(WedgeKey::Char('V'), 1_000)];
        keys.extend(burst("AULT-B-S03", 1_030, 0));
        assert_eq!(
            feed_all(&mut wedge, &keys).last(),
            Some(&Classified::Scan {
                text: "VAULT-B-S03".into(),
                erase: 11
            })
        );
        // A key a person typed longer before, or keys a person typed at their pace just
        // before, stay theirs.
        for before in [
            vec![(WedgeKey::Char('x'), 900)],
            vec![
                (WedgeKey::Char('x'), 500),
                (WedgeKey::Char('y'), 580),
                (WedgeKey::Char('z'), 660),
                (WedgeKey::Char('w'), 740),
                (WedgeKey::Char('v'), 820),
                (WedgeKey::Char('u'), 900),
            ],
        ] {
            let mut wedge = Wedge::default();
            let mut keys = before;
            keys.extend(burst("ABCDEF", 1_040, 0));
            assert_eq!(
                feed_all(&mut wedge, &keys).last(),
                Some(&Classified::Scan {
                    text: "ABCDEF".into(),
                    erase: 6
                })
            );
        }
        // A key the screen took as its own is no scan's first character.
        let mut wedge = Wedge::default();
        wedge.feed(WedgeKey::Char('a'), 1_000);
        wedge.taken_as_key();
        assert_eq!(
            feed_all(&mut wedge, &burst("1A4FF01", 1_040, 0)).last(),
            Some(&Classified::Scan {
                text: "1A4FF01".into(),
                erase: 7
            })
        );
        // A lone key and a short fast run is still a person.
        let mut wedge = Wedge::default();
        let mut keys = vec![(WedgeKey::Char('1'), 1_000)];
        keys.extend(burst("2", 1_030, 0));
        assert_eq!(feed_all(&mut wedge, &keys).last(), Some(&Classified::Enter));
    }

    /// Keys at scanner speed, `gap` apart, from `start`; no terminator.
    fn run(text: &str, start: u64, gap: u64) -> Vec<(WedgeKey, u64)> {
        let mut keys = burst(text, start, gap);
        keys.pop();
        keys
    }

    /// The reading thread held up in the middle of a burst (not at its first key), once or
    /// twice, or just before the terminator, on a busy machine: still one scan of the whole
    /// barcode, every piece taken back from the field.
    #[test]
    fn a_burst_split_in_the_middle_is_one_scan() {
        let uid = "1A4FF0300000029000012345";
        let one_scan = Some(Classified::Scan {
            text: uid.into(),
            erase: 24,
        });
        // Split after its 9th key, 60 ms.
        let mut keys = run(&uid[..9], 1_000, 2);
        keys.extend(burst(&uid[9..], 1_078, 0));
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last().cloned(),
            one_scan
        );
        // Split twice, 90 ms then 40 ms, the pieces read all at once.
        let mut keys = run(&uid[..5], 1_000, 0);
        keys.extend(run(&uid[5..17], 1_090, 0));
        keys.extend(burst(&uid[17..], 1_130, 1));
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last().cloned(),
            one_scan
        );
        // Split two keys before its end.
        let mut keys = run(&uid[..22], 1_000, 1);
        keys.extend(burst(&uid[22..], 1_100, 1));
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last().cloned(),
            one_scan
        );
        // The terminator a stall after the last key.
        let mut keys = burst(uid, 1_000, 2);
        keys.last_mut().unwrap().1 += 70;
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last().cloned(),
            one_scan
        );
        // A person's text before the burst stays in the field, theirs.
        let mut wedge = Wedge::default();
        let mut keys = vec![(WedgeKey::Char('x'), 0), (WedgeKey::Char('y'), 400)];
        keys.extend(run(&uid[..9], 1_000, 2));
        keys.extend(burst(&uid[9..], 1_078, 0));
        assert_eq!(feed_all(&mut wedge, &keys).last().cloned(), one_scan);
        // A stall longer than STALL_FACTOR gaps is a pause: the pieces are not held together.
        let mut keys = run(&uid[..9], 1_000, 2);
        keys.extend(burst(&uid[9..], 1_200, 0));
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last(),
            Some(&Classified::Scan {
                text: uid[9..].into(),
                erase: 15
            })
        );
    }

    /// A person is never held together into a scan: keys a person's pace apart, with the
    /// Enter pressed right after the last key, or typed in quick pairs (two keys rolled
    /// within 15 ms, 80 ms between pairs), or a quantity typed quickly.
    #[test]
    fn a_person_typing_quickly_is_still_a_person() {
        let mut keys: Vec<(WedgeKey, u64)> = "1A4FF0300000029000012345"
            .chars()
            .enumerate()
            .map(|(i, c)| (WedgeKey::Char(c), 1_000 + 60 * i as u64))
            .collect();
        let end = keys.last().unwrap().1;
        keys.push((WedgeKey::Enter, end + 10));
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last(),
            Some(&Classified::Enter)
        );
        let mut keys = Vec::new();
        let mut t = 1_000;
        for pair in ["1A", "4F", "F0", "30", "00"] {
            for c in pair.chars() {
                keys.push((WedgeKey::Char(c), t));
                t += 15;
            }
            t += 80;
        }
        keys.push((WedgeKey::Enter, t - 95));
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last(),
            Some(&Classified::Enter)
        );
        let mut keys = vec![(WedgeKey::Char('4'), 1_000), (WedgeKey::Char('2'), 1_090)];
        keys.extend(burst("u", 1_170, 5));
        assert_eq!(
            feed_all(&mut Wedge::default(), &keys).last(),
            Some(&Classified::Enter)
        );
    }

    #[test]
    fn a_tab_terminator_is_honoured_and_enter_then_is_a_person() {
        let config = WedgeConfig {
            terminator: Terminator::Tab,
            ..WedgeConfig::default()
        };
        let mut wedge = Wedge::new(config);
        let mut keys = burst("ABCDEF", 0, 2);
        keys.last_mut().unwrap().0 = WedgeKey::Tab;
        assert!(matches!(
            feed_all(&mut wedge, &keys).last(),
            Some(Classified::Scan { .. })
        ));
        let mut wedge = Wedge::new(config);
        assert_eq!(
            feed_all(&mut wedge, &burst("ABCDEF", 0, 2)).last(),
            Some(&Classified::Enter)
        );
    }

    #[test]
    fn another_key_inside_a_burst_breaks_it() {
        let mut wedge = Wedge::default();
        let mut keys = burst("ABCDEF", 0, 2);
        keys.insert(5, (WedgeKey::Other, 9));
        // Only "F" follows the break: too short to be a scan.
        assert_eq!(feed_all(&mut wedge, &keys).last(), Some(&Classified::Enter));
    }

    proptest! {
        /// Any text the scanner types fast enough and long enough is a scan of exactly that
        /// text, whatever a person typed before it.
        #[test]
        fn scanner_bursts_are_scans(
            before in proptest::collection::vec((any::<char>(), 100u64..2_000), 0..8),
            text in "[ -~]{4,40}",
            gap in 0u64..=25,
        ) {
            let mut wedge = Wedge::default();
            let mut t = 0;
            for (c, g) in before {
                t += g;
                wedge.feed(WedgeKey::Char(c), t);
            }
            let keys = burst(&text, t + 500, gap);
            let out = feed_all(&mut wedge, &keys);
            prop_assert_eq!(
                out.last().cloned(),
                Some(Classified::Scan { erase: text.chars().count(), text: text.clone() })
            );
        }

        /// A person (every gap longer than the scanner's) never produces a scan, whatever
        /// keys they press.
        #[test]
        fn people_are_never_scans(
            keys in proptest::collection::vec(
                (prop_oneof![
                    any::<char>().prop_map(WedgeKey::Char),
                    Just(WedgeKey::Enter),
                    Just(WedgeKey::Tab),
                    Just(WedgeKey::Other),
                ], 26u64..5_000),
                0..60,
            ),
        ) {
            let mut wedge = Wedge::default();
            let mut t = 0;
            for (key, gap) in keys {
                t += gap;
                let out = wedge.feed(key, t);
                let is_scan = matches!(out, Classified::Scan { .. });
                prop_assert!(!is_scan);
            }
        }
    }
}
