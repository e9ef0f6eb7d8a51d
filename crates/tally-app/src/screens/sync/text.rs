//! What 0 Sync says, in English and Spanish side by side: the sync state in the person's words
//! (each kind of failure says what it means and what to do), and the "sync now" key.

use tally_replica::outbox::SyncErrorKind;

use crate::text::{bilingual, Language, Words};

/// How long ago something happened, rounded for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ago {
    /// Under a minute: seconds.
    Seconds(i64),
    /// Under an hour: minutes.
    Minutes(i64),
    /// Under two days: hours.
    Hours(i64),
    /// Days.
    Days(i64),
}

impl Ago {
    /// `then` seen from `now` (both Unix ms; a time in the future is "0 s").
    pub fn between(then_unix_ms: i64, now_unix_ms: i64) -> Ago {
        let secs = now_unix_ms.saturating_sub(then_unix_ms).max(0) / 1_000;
        match secs {
            s if s < 60 => Ago::Seconds(s),
            s if s < 3_600 => Ago::Minutes(s / 60),
            s if s < 48 * 3_600 => Ago::Hours(s / 3_600),
            s => Ago::Days(s / 86_400),
        }
    }

    /// In `l`'s words (`5 min ago`).
    pub(crate) fn text(self, l: Language) -> String {
        match self {
            Ago::Seconds(n) => bilingual!(l, en: "{n} s ago", es: "hace {n} s"),
            Ago::Minutes(n) => bilingual!(l, en: "{n} min ago", es: "hace {n} min"),
            Ago::Hours(n) => bilingual!(l, en: "{n} h ago", es: "hace {n} h"),
            Ago::Days(n) => bilingual!(l, en: "{n} days ago", es: "hace {n} días"),
        }
    }
}

/// What 0 Sync says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// The status line on opening.
    Hint,
    /// Not read yet.
    Reading,
    /// Not enrolled with a ledger.
    NotEnrolled,
    /// What "not enrolled" means.
    NotEnrolledHow,
    /// The ledger answered at the last attempt.
    Online,
    /// The ledger could not be reached at the last attempt.
    Offline,
    /// What offline means.
    OfflineHow,
    /// No attempt yet.
    NoAttemptYet,
    /// Events waiting to go out.
    Waiting(u64),
    /// The last successful sync.
    LastSuccess(Option<Ago>),
    /// The last attempt, successful or not.
    LastAttempt(Ago),
    /// The last failure, in the person's words.
    LastError(SyncErrorKind),
    /// The ledger's newest checkpoint held.
    Checkpoint(u64),
    /// The ledger's address.
    Ledger(String),
    /// Sync now was asked for, this many times in all.
    AskedCount(u64),
    /// Sync now was asked for.
    Asked,
    /// Sync now was asked for, but nothing will sync.
    AskedNotEnrolled,
    /// Typed text that is no key here.
    NotAKey(String),
    /// Key: sync now.
    KeySyncNow,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::Title => bilingual!(l, en: "0 Sync", es: "0 Sincronizar"),
            Text::Hint => bilingual!(l,
                en: "s: sync now · Esc: back",
                es: "s: sincronizar ya · Esc: regresar",
            ),
            Text::Reading => bilingual!(l, en: "Reading the sync state…", es: "Leyendo el estado…"),
            Text::NotEnrolled => bilingual!(l,
                en: "NOT ENROLLED with a ledger",
                es: "SIN REGISTRO en un libro central",
            ),
            Text::NotEnrolledHow => bilingual!(l,
                en: "Events stay on this device. A supervisor enrolls it at the dock (tallyd enroll).",
                es: "Los eventos se quedan en este equipo. Un supervisor lo registra en el muelle (tallyd enroll).",
            ),
            Text::Online => bilingual!(l,
                en: "ONLINE: the ledger answered",
                es: "EN LÍNEA: el libro central respondió",
            ),
            Text::Offline => bilingual!(l,
                en: "OFFLINE: the ledger cannot be reached",
                es: "SIN CONEXIÓN: no se llega al libro central",
            ),
            Text::OfflineHow => bilingual!(l,
                en: "Keep working: events stay on this device and go when the dock network is back.",
                es: "Siga trabajando: los eventos se quedan en este equipo y salen cuando vuelva la red del muelle.",
            ),
            Text::NoAttemptYet => bilingual!(l,
                en: "No sync tried yet (is tallyd running?)",
                es: "Aún no se intentó sincronizar (¿corre tallyd?)",
            ),
            Text::Waiting(n) => bilingual!(l,
                en: "Events waiting: {n}",
                es: "Eventos por enviar: {n}",
            ),
            Text::LastSuccess(None) => bilingual!(l,
                en: "Last sync: never",
                es: "Última sincronización: nunca",
            ),
            Text::LastSuccess(Some(ago)) => {
                let ago = ago.text(l);
                bilingual!(l, en: "Last sync: {ago}", es: "Última sincronización: {ago}")
            }
            Text::LastAttempt(ago) => {
                let ago = ago.text(l);
                bilingual!(l, en: "Last try: {ago}", es: "Último intento: {ago}")
            }
            Text::LastError(kind) => error_words(*kind, l),
            Text::Checkpoint(size) => bilingual!(l,
                en: "Ledger checkpoint: {size} entries",
                es: "Punto de control: {size} entradas",
            ),
            Text::Ledger(url) => bilingual!(l, en: "Ledger: {url}", es: "Libro central: {url}"),
            Text::AskedCount(n) => bilingual!(l,
                en: "Sync now asked ({n})",
                es: "Sincronizar ya pedido ({n})",
            ),
            Text::Asked => bilingual!(l,
                en: "Sync asked for: tallyd runs a pass now",
                es: "Sincronización pedida: tallyd la hace ya",
            ),
            Text::AskedNotEnrolled => bilingual!(l,
                en: "Asked, but this device is not enrolled with a ledger",
                es: "Pedido, pero este equipo no está registrado en un libro central",
            ),
            Text::NotAKey(typed) => bilingual!(l,
                en: "{typed:?} does nothing here; s syncs now, Esc goes back",
                es: "{typed:?} no hace nada aquí; s sincroniza ya, Esc regresa",
            ),
            Text::KeySyncNow => bilingual!(l,
                en: "s/Enter  sync now",
                es: "s/Enter  sincronizar ya",
            ),
        }
    }
}

/// A failure's kind in the person's words: what happened and what to do.
fn error_words(kind: SyncErrorKind, l: Language) -> String {
    match kind {
        SyncErrorKind::Unreachable => bilingual!(l,
            en: "Last error: the ledger cannot be reached (dock network down?). Nothing is lost.",
            es: "Último error: no se llega al libro central (¿red del muelle caída?). No se pierde nada.",
        ),
        SyncErrorKind::Untrusted => bilingual!(l,
            en: "Last error: the ledger's log was refused (restored from a backup?). Nothing was sent; a supervisor must check it (9 Supervisor, re-anchor).",
            es: "Último error: se rechazó el registro del libro central (¿restaurado de una copia?). No se envió nada; un supervisor debe revisarlo (9 Supervisor, reanclar).",
        ),
        SyncErrorKind::Refused => bilingual!(l,
            en: "Last error: the ledger refused an event of this device. See a supervisor.",
            es: "Último error: el libro central rechazó un evento de este equipo. Vea a un supervisor.",
        ),
        SyncErrorKind::Setup => bilingual!(l,
            en: "Last error: this device cannot sync (not enrolled, or its key changed). See a supervisor.",
            es: "Último error: este equipo no puede sincronizar (sin registro, o cambió su clave). Vea a un supervisor.",
        ),
        SyncErrorKind::Other => bilingual!(l,
            en: "Last error: sync failed; it tries again by itself.",
            es: "Último error: la sincronización falló; se reintenta sola.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ago_rounds_for_a_person() {
        assert_eq!(Ago::between(0, 59_999), Ago::Seconds(59));
        assert_eq!(Ago::between(0, 60_000), Ago::Minutes(1));
        assert_eq!(Ago::between(0, 3_600_000), Ago::Hours(1));
        assert_eq!(Ago::between(0, 49 * 3_600_000), Ago::Days(2));
        assert_eq!(Ago::between(10_000, 0), Ago::Seconds(0));
    }

    #[test]
    fn every_failure_reads_differently_in_both_languages() {
        let kinds = [
            SyncErrorKind::Unreachable,
            SyncErrorKind::Untrusted,
            SyncErrorKind::Refused,
            SyncErrorKind::Setup,
            SyncErrorKind::Other,
        ];
        for l in [Language::English, Language::Spanish] {
            let words: std::collections::HashSet<String> =
                kinds.iter().map(|k| Text::LastError(*k).text(l)).collect();
            assert_eq!(words.len(), kinds.len());
        }
        for kind in kinds {
            assert_ne!(
                Text::LastError(kind).text(Language::English),
                Text::LastError(kind).text(Language::Spanish)
            );
        }
    }
}
