//! What sign-in and the locked screen say, in English and Spanish side by side.

use crate::text::{bilingual, Language, Words};

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
            Text::SignInTitle => bilingual!(l, en: "Sign in", es: "Iniciar sesión"),
            Text::ScanBadge => bilingual!(l,
                en: "Scan your badge or type its id, then Enter",
                es: "Escanee su gafete o escriba su número y Enter",
            ),
            Text::EnterPin(badge) => bilingual!(l,
                en: "Badge {badge}: type your PIN, then Enter",
                es: "Gafete {badge}: escriba su PIN y Enter",
            ),
            Text::Welcome(badge) => bilingual!(l,
                en: "Signed in: {badge}",
                es: "Sesión iniciada: {badge}",
            ),
            Text::LockedTitle => bilingual!(l, en: "Locked", es: "Bloqueado"),
            Text::LockedPrompt(badge) => bilingual!(l,
                en: "{badge}: type your PIN to go on, or scan another badge",
                es: "{badge}: escriba su PIN para seguir, o escanee otro gafete",
            ),
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
