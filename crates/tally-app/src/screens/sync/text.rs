//! What 0 Sync says, in English and Spanish side by side: the sync state in the person's words
//! (each kind of failure says what it means and what to do), and the "sync now" key.

use tally_replica::outbox::SyncErrorKind;

use crate::text::{pick, Language, Words};

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
        match (self, l) {
            (Ago::Seconds(n), Language::English) => format!("{n} s ago"),
            (Ago::Seconds(n), Language::Spanish) => format!("hace {n} s"),
            (Ago::Minutes(n), Language::English) => format!("{n} min ago"),
            (Ago::Minutes(n), Language::Spanish) => format!("hace {n} min"),
            (Ago::Hours(n), Language::English) => format!("{n} h ago"),
            (Ago::Hours(n), Language::Spanish) => format!("hace {n} h"),
            (Ago::Days(n), Language::English) => format!("{n} days ago"),
            (Ago::Days(n), Language::Spanish) => format!("hace {n} días"),
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
            Text::Title => pick(l, "0 Sync", "0 Sincronizar"),
            Text::Hint => pick(l, "s: sync now · Esc: back", "s: sincronizar ya · Esc: regresar"),
            Text::Reading => pick(l, "Reading the sync state…", "Leyendo el estado…"),
            Text::NotEnrolled => pick(
                l,
                "NOT ENROLLED with a ledger",
                "SIN REGISTRO en un libro central",
            ),
            Text::NotEnrolledHow => pick(
                l,
                "Events stay on this device. A supervisor enrolls it at the dock (tallyd enroll).",
                "Los eventos se quedan en este equipo. Un supervisor lo registra en el muelle (tallyd enroll).",
            ),
            Text::Online => pick(l, "ONLINE: the ledger answered", "EN LÍNEA: el libro central respondió"),
            Text::Offline => pick(
                l,
                "OFFLINE: the ledger cannot be reached",
                "SIN CONEXIÓN: no se llega al libro central",
            ),
            Text::OfflineHow => pick(
                l,
                "Keep working: events stay on this device and go when the dock network is back.",
                "Siga trabajando: los eventos se quedan en este equipo y salen cuando vuelva la red del muelle.",
            ),
            Text::NoAttemptYet => pick(
                l,
                "No sync tried yet (is tallyd running?)",
                "Aún no se intentó sincronizar (¿corre tallyd?)",
            ),
            Text::Waiting(n) => match l {
                Language::English => format!("Events waiting: {n}"),
                Language::Spanish => format!("Eventos por enviar: {n}"),
            },
            Text::LastSuccess(None) => pick(l, "Last sync: never", "Última sincronización: nunca"),
            Text::LastSuccess(Some(ago)) => match l {
                Language::English => format!("Last sync: {}", ago.text(l)),
                Language::Spanish => format!("Última sincronización: {}", ago.text(l)),
            },
            Text::LastAttempt(ago) => match l {
                Language::English => format!("Last try: {}", ago.text(l)),
                Language::Spanish => format!("Último intento: {}", ago.text(l)),
            },
            Text::LastError(kind) => error_words(*kind, l),
            Text::Checkpoint(size) => match l {
                Language::English => format!("Ledger checkpoint: {size} entries"),
                Language::Spanish => format!("Punto de control: {size} entradas"),
            },
            Text::Ledger(url) => match l {
                Language::English => format!("Ledger: {url}"),
                Language::Spanish => format!("Libro central: {url}"),
            },
            Text::AskedCount(n) => match l {
                Language::English => format!("Sync now asked ({n})"),
                Language::Spanish => format!("Sincronizar ya pedido ({n})"),
            },
            Text::Asked => pick(
                l,
                "Sync asked for: tallyd runs a pass now",
                "Sincronización pedida: tallyd la hace ya",
            ),
            Text::AskedNotEnrolled => pick(
                l,
                "Asked, but this device is not enrolled with a ledger",
                "Pedido, pero este equipo no está registrado en un libro central",
            ),
            Text::NotAKey(typed) => match l {
                Language::English => format!("{typed:?} does nothing here; s syncs now, Esc goes back"),
                Language::Spanish => format!("{typed:?} no hace nada aquí; s sincroniza ya, Esc regresa"),
            },
            Text::KeySyncNow => pick(l, "s/Enter  sync now", "s/Enter  sincronizar ya"),
        }
    }
}

/// A failure's kind in the person's words: what happened and what to do.
fn error_words(kind: SyncErrorKind, l: Language) -> String {
    match kind {
        SyncErrorKind::Unreachable => pick(
            l,
            "Last error: the ledger cannot be reached (dock network down?). Nothing is lost.",
            "Último error: no se llega al libro central (¿red del muelle caída?). No se pierde nada.",
        ),
        SyncErrorKind::Untrusted => pick(
            l,
            "Last error: the ledger's log was refused (restored from a backup?). Nothing was sent; a supervisor must check it (9 Supervisor, re-anchor).",
            "Último error: se rechazó el registro del libro central (¿restaurado de una copia?). No se envió nada; un supervisor debe revisarlo (9 Supervisor, reanclar).",
        ),
        SyncErrorKind::Refused => pick(
            l,
            "Last error: the ledger refused an event of this device. See a supervisor.",
            "Último error: el libro central rechazó un evento de este equipo. Vea a un supervisor.",
        ),
        SyncErrorKind::Setup => pick(
            l,
            "Last error: this device cannot sync (not enrolled, or its key changed). See a supervisor.",
            "Último error: este equipo no puede sincronizar (sin registro, o cambió su clave). Vea a un supervisor.",
        ),
        SyncErrorKind::Other => pick(
            l,
            "Last error: sync failed; it tries again by itself.",
            "Último error: la sincronización falló; se reintenta sola.",
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
