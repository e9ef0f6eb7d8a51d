//! The question before an irreversible step (close a manifest for loading, submit a count
//! round, approve an adjustment, settle a conflict, reject a case, destroy, quarantine a
//! pallet, re-anchor to a restored ledger; and sign out): one component every screen asks it
//! with. While it is shown the screen is
//! [`asking`](super::Flow::asking): a scan is held until it is answered, never taken as the
//! answer; Enter answers yes, Esc answers no. The question's words are the screen's own, drawn
//! in a box over the screen with [`render`].

use ratatui::layout::Rect;
use ratatui::Frame;

/// A question waiting for its answer, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm<Q> {
    question: Option<Q>,
}

impl<Q> Default for Confirm<Q> {
    fn default() -> Self {
        Confirm { question: None }
    }
}

impl<Q> Confirm<Q> {
    /// No question.
    pub fn none() -> Confirm<Q> {
        Confirm::default()
    }

    /// Asks `question`.
    pub fn ask(&mut self, question: Q) {
        self.question = Some(question);
    }

    /// Whether a question is shown.
    pub fn asking(&self) -> bool {
        self.question.is_some()
    }

    /// The question shown.
    pub fn question(&self) -> Option<&Q> {
        self.question.as_ref()
    }

    /// Enter: the question is answered yes and closes; returns it (`None`: none was shown).
    pub fn yes(&mut self) -> Option<Q> {
        self.question.take()
    }

    /// Esc: the question is answered no and closes; whether one was shown.
    pub fn no(&mut self) -> bool {
        self.question.take().is_some()
    }
}

/// Draws the question (`lines`: what is asked, then the keys that answer it) in a box over
/// the middle of `area`.
pub(crate) fn render(frame: &mut Frame, area: Rect, lines: &[String]) {
    crate::render::render_dialog(frame, area, lines);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_answers_yes_once_and_esc_answers_no() {
        let mut confirm = Confirm::none();
        assert!(!confirm.asking());
        assert_eq!(confirm.yes(), None::<u8>);
        confirm.ask(7);
        assert!(confirm.asking());
        assert_eq!(confirm.question(), Some(&7));
        assert_eq!(confirm.yes(), Some(7));
        assert_eq!(confirm.yes(), None, "a question is answered once");
        confirm.ask(8);
        assert!(confirm.no());
        assert!(!confirm.no());
        assert!(!confirm.asking());
    }
}
