//! Which profile fits a device: USB/HID ids and usages, serial paths (glob patterns), and
//! how specific a USB match is.

use super::*;

impl Profile {
    /// Whether this profile matches a USB/HID interface.
    pub fn matches_usb(
        &self,
        vendor_id: u16,
        product_id: u16,
        usage_page: Option<u16>,
        usage: Option<u16>,
        interface: Option<u8>,
    ) -> bool {
        let by_id = self.matching.usb.iter().any(|rule| {
            rule.vendor_id == vendor_id
                && rule.product_id.is_none_or(|p| p == product_id)
                && rule.usage_page.is_none_or(|p| Some(p) == usage_page)
                && rule.usage.is_none_or(|u| Some(u) == usage)
                && rule.interface.is_none_or(|i| Some(i) == interface)
        });
        let by_usage = self.matching.hid_usage.iter().any(|rule| {
            Some(rule.usage_page) == usage_page && rule.usage.is_none_or(|u| Some(u) == usage)
        });
        by_id || by_usage
    }

    /// Whether this profile matches a serial port.
    pub fn matches_serial(&self, path: &str, usb_ids: Option<(u16, u16)>) -> bool {
        self.matching.serial.iter().any(|rule| {
            rule.path.as_deref().is_none_or(|p| glob_match(p, path))
                && rule
                    .usb_vendor_id
                    .is_none_or(|v| usb_ids.is_some_and(|(vid, _)| vid == v))
                && rule
                    .usb_product_id
                    .is_none_or(|p| usb_ids.is_some_and(|(_, pid)| pid == p))
        })
    }

    /// How specific a USB match is (more = better), used to prefer a model over a generic one.
    pub fn usb_specificity(
        &self,
        vendor_id: u16,
        product_id: u16,
        usage_page: Option<u16>,
        interface: Option<u8>,
    ) -> u8 {
        let mut best = 0;
        for rule in &self.matching.usb {
            if rule.vendor_id != vendor_id {
                continue;
            }
            let mut score = 1;
            if rule.product_id == Some(product_id) {
                score += 4;
            }
            if rule.usage_page.is_some() && rule.usage_page == usage_page {
                score += 2;
            }
            if rule.interface.is_some() && rule.interface == interface {
                score += 1;
            }
            best = best.max(score);
        }
        best
    }
}

/// `*` matches any run of characters, `?` one character; everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}
