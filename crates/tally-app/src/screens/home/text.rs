//! What home says (menu prompt, tasks, sync state, devices), in English and Spanish side by
//! side.

use crate::text::{pick, Language, Words};

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
            Text::HomeTitle => pick(l, "Home", "Inicio"),
            Text::HomePrompt => pick(l, "Type a number and Enter", "Escriba un número y Enter"),
            Text::NoSuchEntry(typed) => match l {
                Language::English => format!("{typed:?} is not on the menu; type 0 to 9 and Enter"),
                Language::Spanish => format!("{typed:?} no está en el menú; escriba 0 a 9 y Enter"),
            },
            Text::Tasks {
                manifests,
                picks,
                counts,
            } => match l {
                Language::English => {
                    format!("Inbound {manifests} · Picks {picks} · Counts {counts}")
                }
                Language::Spanish => {
                    format!("Entradas {manifests} · Surtidos {picks} · Conteos {counts}")
                }
            },
            Text::TasksLoading => pick(l, "Tasks: reading…", "Tareas: leyendo…"),
            Text::NeverSynced => pick(l, "never synced", "nunca sincronizado"),
            Text::LastSync(minutes) => match l {
                Language::English => format!("synced {minutes} min ago"),
                Language::Spanish => format!("sincronizado hace {minutes} min"),
            },
            Text::SigningStopped => pick(
                l,
                "RECORDING STOPPED: see a supervisor",
                "REGISTRO DETENIDO: vea a un supervisor",
            ),
            Text::EventsWaiting(n) => match l {
                Language::English => format!("{n} to send"),
                Language::Spanish => format!("{n} por enviar"),
            },
            Text::LedgerEvents(n) => match l {
                Language::English => format!("ledger at {n}"),
                Language::Spanish => format!("libro en {n}"),
            },
            Text::Devices => pick(l, "Devices", "Equipos"),
            Text::DeviceUnknown => pick(l, "?", "?"),
            Text::Connected => pick(l, "on", "sí"),
            Text::NotConnected => pick(l, "off", "no"),
            Text::Stable => pick(l, "stable", "estable"),
            Text::Settling => pick(l, "settling", "estabilizando"),
            Text::Scanner => pick(l, "Scanner", "Escáner"),
            Text::Rfid => pick(l, "RFID", "RFID"),
            Text::Scale => pick(l, "Scale", "Báscula"),
            Text::KeySignOut => pick(
                l,
                "Esc      sign out (asks first)",
                "Esc      cerrar sesión (pregunta)",
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
