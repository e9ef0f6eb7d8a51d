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
//! A busy handheld may read a burst's first key alone and the rest only after its reading
//! thread was held up for a moment: a lone character (one that did not follow fast keys) less
//! than [`STALL_FACTOR`] × `max_gap_ms` before a burst that turns out to be a scan is the
//! scan's first character. No person types one key and fires a scanner that fast.

use serde::{Deserialize, Serialize};

/// How many scanner gaps a burst's first key, read alone, may come before the rest.
pub const STALL_FACTOR: u64 = 4;

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

/// The classifier: remembers the current burst only.
#[derive(Debug, Clone, Default)]
pub struct Wedge {
    config: WedgeConfig,
    burst: String,
    last_ms: Option<u64>,
    /// A lone character read just before the current burst, a stall apart: the burst's first
    /// key if the burst is a scan.
    lead: Option<char>,
}

impl Wedge {
    /// A classifier with this timing.
    pub fn new(config: WedgeConfig) -> Wedge {
        Wedge {
            config,
            burst: String::new(),
            last_ms: None,
            lead: None,
        }
    }

    /// Its timing.
    pub fn config(&self) -> WedgeConfig {
        self.config
    }

    /// The last character was taken as a screen's key, not typed: it begins no burst.
    pub fn taken_as_key(&mut self) {
        self.burst.clear();
        self.lead = None;
    }

    /// Classifies `key`, pressed at `at_ms` (a monotonic clock; earlier times than the last
    /// key count as a gap of zero).
    pub fn feed(&mut self, key: WedgeKey, at_ms: u64) -> Classified {
        let gap = self.last_ms.map(|last| at_ms.saturating_sub(last));
        let fast = gap.is_some_and(|gap| gap <= self.config.max_gap_ms);
        self.last_ms = Some(at_ms);
        let terminator = matches!(
            (key, self.config.terminator),
            (WedgeKey::Enter, Terminator::Enter) | (WedgeKey::Tab, Terminator::Tab)
        );
        match key {
            WedgeKey::Char(c) => {
                if !fast {
                    let stall = self.config.max_gap_ms.saturating_mul(STALL_FACTOR);
                    let mut chars = self.burst.chars();
                    self.lead = match (chars.next(), chars.next(), gap) {
                        (Some(lone), None, Some(gap)) if gap <= stall => Some(lone),
                        _ => None,
                    };
                    self.burst.clear();
                }
                self.burst.push(c);
                Classified::Char(c)
            }
            _ if terminator => {
                let mut burst = std::mem::take(&mut self.burst);
                let mut erase = burst.chars().count();
                let lead = self.lead.take();
                if fast && erase >= self.config.min_len {
                    if let Some(lead) = lead {
                        burst.insert(0, lead);
                        erase += 1;
                    }
                    Classified::Scan { text: burst, erase }
                } else {
                    match key {
                        WedgeKey::Tab => Classified::Tab,
                        _ => Classified::Enter,
                    }
                }
            }
            WedgeKey::Enter => {
                self.burst.clear();
                self.lead = None;
                Classified::Enter
            }
            WedgeKey::Tab => {
                self.burst.clear();
                self.lead = None;
                Classified::Tab
            }
            WedgeKey::Other => {
                self.burst.clear();
                self.lead = None;
                Classified::Other
            }
        }
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
        // A key a person typed longer before, or the last of several, stays theirs.
        for before in [
            vec![(WedgeKey::Char('x'), 900)],
            vec![(WedgeKey::Char('x'), 1_000), (WedgeKey::Char('y'), 1_010)],
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
