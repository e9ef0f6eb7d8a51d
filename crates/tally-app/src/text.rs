//! The app's own words, English and Spanish side by side: the words every screen shares
//! ([`Msg`]: keys, questions, signals) and the [`Words`] trait every screen's own catalogue
//! (`screens::<flow>::text`) implements.
//!
//! Refusals of the core come with their own catalogue ([`tally_replica::Refusal::message`]);
//! these hold what the app itself says: prompts, menu entries, key help, status. Each entry is
//! one match arm with both languages next to each other, so a missing translation does not
//! compile.

pub use tally_replica::refusal::Language;

/// Picks the text of `language`.
pub(crate) fn pick(language: Language, english: &str, spanish: &str) -> String {
    match language {
        Language::English => english.to_owned(),
        Language::Spanish => spanish.to_owned(),
    }
}

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
            Msg::Checking => pick(l, "Checking…", "Verificando…"),
            Msg::LockedAfter(minutes) => match l {
                Language::English => format!("Locked after {minutes} min without use"),
                Language::Spanish => format!("Bloqueado tras {minutes} min sin uso"),
            },
            Msg::SignedOut => pick(l, "Signed out", "Sesión cerrada"),
            Msg::ConfirmSignOut => pick(
                l,
                "Sign out? Enter: yes  Esc: no",
                "¿Cerrar sesión? Enter: sí  Esc: no",
            ),
            Msg::SupervisorsOnly => pick(l, "supervisors only", "solo supervisores"),
            Msg::AuditorsOnlyLook => pick(l, "auditors only look", "auditores solo consultan"),
            Msg::ScanNotHere => pick(
                l,
                "A scan is not expected here; press Esc, then choose",
                "Aquí no se espera un escaneo; pulse Esc y elija",
            ),
            Msg::KeysTitle => pick(l, "Keys", "Teclas"),
            Msg::KeysHint => pick(l, "F1 keys · Esc back", "F1 teclas · Esc atrás"),
            Msg::KeyEsc => pick(
                l,
                "Esc      back one screen",
                "Esc      regresar una pantalla",
            ),
            Msg::KeyHelp => pick(l, "F1 / ?   these keys", "F1 / ?   estas teclas"),
            Msg::KeyNumber => pick(l, "0-9 Enter open that entry", "0-9 Enter abrir esa opción"),
            Msg::KeyArrows => pick(
                l,
                "↑ ↓ Enter open the marked entry",
                "↑ ↓ Enter abrir la marcada",
            ),
            Msg::KeyScan => pick(l, "scan, or type + Enter", "escanee, o escriba + Enter"),
            Msg::KeyLock => pick(l, "Ctrl-L   lock now", "Ctrl-L   bloquear ya"),
            Msg::KeyLanguage => pick(
                l,
                "F2       English / español",
                "F2       English / español",
            ),
            Msg::KeyQuit => pick(
                l,
                "Ctrl-C   sign out and quit",
                "Ctrl-C   cerrar sesión y salir",
            ),
            Msg::ScanHeld => pick(
                l,
                "Answer first (Enter: yes, Esc: no); the scan is kept",
                "Responda primero (Enter: sí, Esc: no); el escaneo se guarda",
            ),
            Msg::ScanHeldAnswerFirst => pick(
                l,
                "Answer the question first (Esc leaves it); the scan is kept",
                "Responda primero la pregunta (Esc la deja); el escaneo se guarda",
            ),
            Msg::LanguageSet => pick(l, "English", "Español"),
            Msg::RowsShown(first, last, all) => match l {
                Language::English => format!("rows {first}-{last} of {all} · ↑ ↓"),
                Language::Spanish => format!("filas {first}-{last} de {all} · ↑ ↓"),
            },
            Msg::HelpMore => pick(l, "↑ ↓ more", "↑ ↓ más"),
            Msg::WorkerGone => pick(
                l,
                "The device database stopped answering; restart tally",
                "La base de datos del equipo dejó de responder; reinicie tally",
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
