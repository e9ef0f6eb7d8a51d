//! What home says (menu prompt, tasks, sync state, devices), in English and Spanish side by
//! side.

use crate::text::{bilingual, Language, Words};

/// What home says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Home title.
    HomeTitle,
    /// Home prompt.
    HomePrompt,
    /// Not a menu entry.
    NoSuchEntry(String),
    /// Tasks waiting.
    Tasks {
        /// Inbound manifests not closed.
        manifests: i64,
        /// Open pick lists.
        picks: i64,
        /// Count tasks for this user.
        counts: i64,
    },
    /// Tasks not read yet.
    TasksLoading,
    /// Never synced.
    NeverSynced,
    /// tallyd's last successful sync, minutes ago.
    LastSync(i64),
    /// The device must not record (a fork was found).
    SigningStopped,
    /// Events waiting to go out.
    EventsWaiting(i64),
    /// Events received from the ledger.
    LedgerEvents(u64),
    /// Devices label.
    Devices,
    /// A device not heard from.
    DeviceUnknown,
    /// Connected.
    Connected,
    /// Not connected.
    NotConnected,
    /// A stable weight.
    Stable,
    /// A settling weight.
    Settling,
    /// Scanner.
    Scanner,
    /// RFID reader.
    Rfid,
    /// Scale.
    Scale,
    /// Sign out from home.
    KeySignOut,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::HomeTitle => bilingual!(l, en: "Home", es: "Inicio"),
            Text::HomePrompt => bilingual!(l,
                en: "Type a number and Enter",
                es: "Escriba un número y Enter",
            ),
            Text::NoSuchEntry(typed) => bilingual!(l,
                en: "{typed:?} is not on the menu; type 0 to 9 and Enter",
                es: "{typed:?} no está en el menú; escriba 0 a 9 y Enter",
            ),
            Text::Tasks {
                manifests,
                picks,
                counts,
            } => bilingual!(l,
                en: "Inbound {manifests} · Picks {picks} · Counts {counts}",
                es: "Entradas {manifests} · Surtidos {picks} · Conteos {counts}",
            ),
            Text::TasksLoading => bilingual!(l, en: "Tasks: reading…", es: "Tareas: leyendo…"),
            Text::NeverSynced => bilingual!(l, en: "never synced", es: "nunca sincronizado"),
            Text::LastSync(minutes) => bilingual!(l,
                en: "synced {minutes} min ago",
                es: "sincronizado hace {minutes} min",
            ),
            Text::SigningStopped => bilingual!(l,
                en: "RECORDING STOPPED: see a supervisor",
                es: "REGISTRO DETENIDO: vea a un supervisor",
            ),
            Text::EventsWaiting(n) => bilingual!(l, en: "{n} to send", es: "{n} por enviar"),
            Text::LedgerEvents(n) => bilingual!(l, en: "ledger at {n}", es: "libro en {n}"),
            Text::Devices => bilingual!(l, en: "Devices", es: "Equipos"),
            Text::DeviceUnknown => bilingual!(l, en: "?", es: "?"),
            Text::Connected => bilingual!(l, en: "on", es: "sí"),
            Text::NotConnected => bilingual!(l, en: "off", es: "no"),
            Text::Stable => bilingual!(l, en: "stable", es: "estable"),
            Text::Settling => bilingual!(l, en: "settling", es: "estabilizando"),
            Text::Scanner => bilingual!(l, en: "Scanner", es: "Escáner"),
            Text::Rfid => bilingual!(l, en: "RFID", es: "RFID"),
            Text::Scale => bilingual!(l, en: "Scale", es: "Báscula"),
            Text::KeySignOut => bilingual!(l,
                en: "Esc      sign out (asks first)",
                es: "Esc      cerrar sesión (pregunta)",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_reads_in_both_languages() {
        for text in [
            Text::HomeTitle,
            Text::NeverSynced,
            Text::LastSync(3),
            Text::TasksLoading,
        ] {
            assert_ne!(text.text(Language::English), text.text(Language::Spanish));
        }
    }
}
