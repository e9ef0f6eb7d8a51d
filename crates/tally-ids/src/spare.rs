//! Buffers kept from one decoded scan for the next.
//!
//! [`crate::decode_into`] takes the strings and the element list of the scan it overwrites
//! (its input, element values, HRI, Digital Link ...) and builds the next scan in them, so a
//! tool decoding millions of scans allocates next to nothing per scan once they are warm. The
//! spare buffers ride along in the [`crate::Decoded`] they came from; they are capacity, not
//! content: they never change what a scan holds, compares equal to, or serialises to.

use std::fmt;

use crate::gs1::Element;

/// Most strings kept (a scan holds a few dozen at the very most; more is never reused).
const MAX_STRINGS: usize = 64;

/// Empty strings and an empty element list, with their capacity, ready for the next scan.
#[derive(Default)]
pub(crate) struct Spare {
    strings: Vec<String>,
    elements: Vec<Element>,
}

impl Spare {
    /// An empty string, with the capacity of one kept earlier when there is one.
    #[inline]
    pub(crate) fn string(&mut self) -> String {
        self.strings.pop().unwrap_or_default()
    }

    /// `text` in a kept string.
    #[inline]
    pub(crate) fn text(&mut self, text: &str) -> String {
        let mut out = self.string();
        out.push_str(text);
        out
    }

    /// `bytes` as text (invalid UTF-8 replaced, as `String::from_utf8_lossy` does) in a kept
    /// string.
    #[inline]
    pub(crate) fn lossy(&mut self, bytes: &[u8]) -> String {
        let mut out = self.string();
        push_lossy(&mut out, bytes);
        out
    }

    /// An empty element list, with the capacity of the one kept earlier.
    #[inline]
    pub(crate) fn elements(&mut self) -> Vec<Element> {
        std::mem::take(&mut self.elements)
    }

    /// Keeps `text`'s buffer for a later scan.
    #[inline]
    pub(crate) fn keep(&mut self, mut text: String) {
        if text.capacity() > 0 && self.strings.len() < MAX_STRINGS {
            text.clear();
            self.strings.push(text);
        }
    }

    /// Keeps `text`'s buffer, if there is one.
    #[inline]
    pub(crate) fn keep_some(&mut self, text: Option<String>) {
        if let Some(text) = text {
            self.keep(text);
        }
    }

    /// Keeps the list's buffer and each element's strings.
    pub(crate) fn keep_elements(&mut self, mut elements: Vec<Element>) {
        for element in elements.drain(..) {
            self.keep(element.value);
            self.keep_some(element.currency);
        }
        if elements.capacity() > self.elements.capacity() {
            self.elements = elements;
        }
    }
}

/// Appends `bytes` as text, invalid UTF-8 replaced by U+FFFD exactly as
/// `String::from_utf8_lossy` does.
#[inline]
pub(crate) fn push_lossy(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// Spare buffers are never part of a scan's value: every copy starts without them.
impl Clone for Spare {
    fn clone(&self) -> Spare {
        Spare::default()
    }
}

/// Spare buffers are never part of a scan's value: two scans compare equal whatever they hold.
impl PartialEq for Spare {
    fn eq(&self, _: &Spare) -> bool {
        true
    }
}

impl Eq for Spare {}

impl fmt::Debug for Spare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Spare")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_text_is_what_the_standard_library_makes_of_it() {
        for bytes in [
            &b"plain"[..],
            b"",
            b"caf\xc3\xa9",
            b"\xff\xfe cut \xc3",
            b"\xe2\x82",
        ] {
            let mut spare = Spare::default();
            spare.keep(String::from("left over from the scan before"));
            assert_eq!(
                spare.lossy(bytes),
                String::from_utf8_lossy(bytes),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn kept_buffers_come_back_empty_and_their_number_is_bounded() {
        let mut spare = Spare::default();
        for _ in 0..MAX_STRINGS * 2 {
            spare.keep(String::from("value"));
        }
        assert_eq!(spare.strings.len(), MAX_STRINGS);
        let text = spare.text("next");
        assert_eq!(text, "next");
        assert!(text.capacity() >= "value".len());
        // A buffer with no capacity is not worth keeping.
        let mut empty = Spare::default();
        empty.keep(String::new());
        assert!(empty.strings.is_empty());
    }
}
