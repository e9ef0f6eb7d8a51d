//! The app's own words, English and Spanish side by side: the words every screen shares
//! ([`Msg`]: keys, questions, signals) and the [`Words`] trait every screen's own catalogue
//! (`screens::<flow>::text`) implements.
//!
//! Refusals of the core come with their own catalogue ([`tally_replica::Refusal::message`]);
//! these hold what the app itself says: prompts, menu entries, key help, status. Each entry is
//! one match arm with both languages next to each other, so a missing translation does not
//! compile.

pub use tally_replica::refusal::Language;
/// One text in both languages, side by side: `bilingual!(language, en: "…", es: "…")`, the
/// one localisation style of tally (`tally_vocab`); both are `format!` strings.
pub(crate) use tally_vocab::bilingual;

/// Words that read in English and Spanish.
pub trait Words {
    /// The text in `language`.
    fn text(&self, language: Language) -> String;
}

/// Something the app says on every screen (each screen has its own words beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// Checking a PIN.
    Checking,
    /// Locked after inactivity.
    LockedAfter(u64),
    /// Signed out.
    SignedOut,
    /// Sign-out confirmation.
    ConfirmSignOut,
    /// Why an entry is dimmed: supervisors only.
    SupervisorsOnly,
    /// Why an entry is dimmed: auditors only look.
    AuditorsOnlyLook,
    /// A scan here is not expected.
    ScanNotHere,
    /// Keys heading.
    KeysTitle,
    /// Help footer.
    KeysHint,
    /// Key help lines.
    KeyEsc,
    /// F1 help.
    KeyHelp,
    /// Number and Enter.
    KeyNumber,
    /// Arrows.
    KeyArrows,
    /// Scan or type and Enter.
    KeyScan,
    /// Lock.
    KeyLock,
    /// Language.
    KeyLanguage,
    /// Quit.
    KeyQuit,
    /// A scan came during a question.
    ScanHeld,
    /// A scan came during a screen's own question (a reason, a quantity, a confirmation).
    ScanHeldAnswerFirst,
    /// Language switched.
    LanguageSet,
    /// The worker is gone.
    WorkerGone,
    /// Which rows of a long list are shown: first, last (from 1), of how many.
    RowsShown(usize, usize, usize),
    /// The help has more lines than fit: the arrows scroll it.
    HelpMore,
}

impl Words for Msg {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Msg::Checking => bilingual!(l, en: "Checking…", es: "Verificando…"),
            Msg::LockedAfter(minutes) => bilingual!(l,
                en: "Locked after {minutes} min without use",
                es: "Bloqueado tras {minutes} min sin uso",
            ),
            Msg::SignedOut => bilingual!(l, en: "Signed out", es: "Sesión cerrada"),
            Msg::ConfirmSignOut => bilingual!(l,
                en: "Sign out? Enter: yes  Esc: no",
                es: "¿Cerrar sesión? Enter: sí  Esc: no",
            ),
            Msg::SupervisorsOnly => bilingual!(l, en: "supervisors only", es: "solo supervisores"),
            Msg::AuditorsOnlyLook => bilingual!(l,
                en: "auditors only look",
                es: "auditores solo consultan",
            ),
            Msg::ScanNotHere => bilingual!(l,
                en: "A scan is not expected here; press Esc, then choose",
                es: "Aquí no se espera un escaneo; pulse Esc y elija",
            ),
            Msg::KeysTitle => bilingual!(l, en: "Keys", es: "Teclas"),
            Msg::KeysHint => bilingual!(l, en: "F1 keys · Esc back", es: "F1 teclas · Esc atrás"),
            Msg::KeyEsc => bilingual!(l,
                en: "Esc      back one screen",
                es: "Esc      regresar una pantalla",
            ),
            Msg::KeyHelp => bilingual!(l, en: "F1 / ?   these keys", es: "F1 / ?   estas teclas"),
            Msg::KeyNumber => bilingual!(l,
                en: "0-9 Enter open that entry",
                es: "0-9 Enter abrir esa opción",
            ),
            Msg::KeyArrows => bilingual!(l,
                en: "↑ ↓ Enter open the marked entry",
                es: "↑ ↓ Enter abrir la marcada",
            ),
            Msg::KeyScan => bilingual!(l,
                en: "scan, or type + Enter",
                es: "escanee, o escriba + Enter",
            ),
            Msg::KeyLock => bilingual!(l, en: "Ctrl-L   lock now", es: "Ctrl-L   bloquear ya"),
            Msg::KeyLanguage => bilingual!(l,
                en: "F2       English / español",
                es: "F2       English / español",
            ),
            Msg::KeyQuit => bilingual!(l,
                en: "Ctrl-C   sign out and quit",
                es: "Ctrl-C   cerrar sesión y salir",
            ),
            Msg::ScanHeld => bilingual!(l,
                en: "Answer first (Enter: yes, Esc: no); the scan is kept",
                es: "Responda primero (Enter: sí, Esc: no); el escaneo se guarda",
            ),
            Msg::ScanHeldAnswerFirst => bilingual!(l,
                en: "Answer the question first (Esc leaves it); the scan is kept",
                es: "Responda primero la pregunta (Esc la deja); el escaneo se guarda",
            ),
            Msg::LanguageSet => bilingual!(l, en: "English", es: "Español"),
            Msg::RowsShown(first, last, all) => bilingual!(l,
                en: "rows {first}-{last} of {all} · ↑ ↓",
                es: "filas {first}-{last} de {all} · ↑ ↓",
            ),
            Msg::HelpMore => bilingual!(l, en: "↑ ↓ more", es: "↑ ↓ más"),
            Msg::WorkerGone => bilingual!(l,
                en: "The device database stopped answering; restart tally",
                es: "La base de datos del equipo dejó de responder; reinicie tally",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_words_differ_between_languages_where_words_differ() {
        for msg in [
            Msg::SignedOut,
            Msg::ScanHeld,
            Msg::KeysHint,
            Msg::WorkerGone,
        ] {
            assert_ne!(msg.text(Language::English), msg.text(Language::Spanish));
        }
    }
}
