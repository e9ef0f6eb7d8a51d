//! What sign-in and the locked screen say, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

/// What sign-in and the locked screen say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Sign-in title.
    SignInTitle,
    /// Badge prompt.
    ScanBadge,
    /// PIN prompt for a badge.
    EnterPin(String),
    /// Signed in.
    Welcome(String),
    /// Locked title.
    LockedTitle,
    /// Locked prompt.
    LockedPrompt(String),
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::SignInTitle => pick(l, "Sign in", "Iniciar sesión"),
            Text::ScanBadge => pick(
                l,
                "Scan your badge or type its id, then Enter",
                "Escanee su gafete o escriba su número y Enter",
            ),
            Text::EnterPin(badge) => match l {
                Language::English => format!("Badge {badge}: type your PIN, then Enter"),
                Language::Spanish => format!("Gafete {badge}: escriba su PIN y Enter"),
            },
            Text::Welcome(badge) => match l {
                Language::English => format!("Signed in: {badge}"),
                Language::Spanish => format!("Sesión iniciada: {badge}"),
            },
            Text::LockedTitle => pick(l, "Locked", "Bloqueado"),
            Text::LockedPrompt(badge) => match l {
                Language::English => {
                    format!("{badge}: type your PIN to go on, or scan another badge")
                }
                Language::Spanish => {
                    format!("{badge}: escriba su PIN para seguir, o escanee otro gafete")
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_reads_in_both_languages() {
        for text in [Text::ScanBadge, Text::SignInTitle, Text::LockedTitle] {
            assert_ne!(text.text(Language::English), text.text(Language::Spanish));
        }
    }
}
