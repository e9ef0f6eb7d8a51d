//! The app's own words, English and Spanish side by side in one catalogue.
//!
//! Refusals of the core come with their own catalogue ([`tally_replica::Refusal::message`]);
//! this one holds what the app itself says: prompts, menu entries, key help, status. Each
//! entry is one match arm with both languages next to each other, so a missing translation
//! does not compile.

pub use tally_replica::refusal::Language;

/// Picks the text of `language`.
fn pick(language: Language, english: &str, spanish: &str) -> String {
    match language {
        Language::English => english.to_owned(),
        Language::Spanish => spanish.to_owned(),
    }
}

/// Something the app says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// Sign-in title.
    SignInTitle,
    /// Badge prompt.
    ScanBadge,
    /// PIN prompt for a badge.
    EnterPin(String),
    /// Checking a PIN.
    Checking,
    /// Signed in.
    Welcome(String),
    /// Locked title.
    LockedTitle,
    /// Locked prompt.
    LockedPrompt(String),
    /// Locked after inactivity.
    LockedAfter(u64),
    /// Signed out.
    SignedOut,
    /// Sign-out confirmation.
    ConfirmSignOut,
    /// Home title.
    HomeTitle,
    /// Home prompt.
    HomePrompt,
    /// Not a menu entry.
    NoSuchEntry(String),
    /// Why an entry is dimmed: supervisors only.
    SupervisorsOnly,
    /// Why an entry is dimmed: auditors only look.
    AuditorsOnlyLook,
    /// A flow that is not built yet.
    NotBuilt,
    /// What to do instead.
    NotBuiltHint,
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
    /// Lookup title.
    LookupTitle,
    /// Lookup prompt.
    LookupPrompt,
    /// Looking up.
    LookingUp(String),
    /// Found a package.
    FoundPackage(String),
    /// Found a location.
    FoundLocation(String),
    /// Withheld while a count is open.
    WithheldCount,
    /// Packages at a location.
    PackagesHere,
    /// History heading.
    History(usize),
    /// No history.
    NoHistory,
    /// A conflict between devices.
    Conflict,
    /// Item label.
    Item,
    /// Lot label.
    Lot,
    /// Status label.
    Status,
    /// Location label.
    Location,
    /// Tote label.
    Tote,
    /// Quantity label.
    Quantity,
    /// Expiry label.
    Expires,
    /// Kind label of a location.
    Kind,
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
    /// Arrows scroll.
    KeyScroll,
    /// Lock.
    KeyLock,
    /// Language.
    KeyLanguage,
    /// Sign out from home.
    KeySignOut,
    /// Quit.
    KeyQuit,
    /// A scan came during a question.
    ScanHeld,
    /// Language switched.
    LanguageSet,
    /// The worker is gone.
    WorkerGone,
}

impl Msg {
    /// The text in `language`.
    pub fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Msg::SignInTitle => pick(l, "Sign in", "Iniciar sesión"),
            Msg::ScanBadge => pick(
                l,
                "Scan your badge or type its id, then Enter",
                "Escanee su gafete o escriba su número y Enter",
            ),
            Msg::EnterPin(badge) => match l {
                Language::English => format!("Badge {badge}: type your PIN, then Enter"),
                Language::Spanish => format!("Gafete {badge}: escriba su PIN y Enter"),
            },
            Msg::Checking => pick(l, "Checking…", "Verificando…"),
            Msg::Welcome(badge) => match l {
                Language::English => format!("Signed in: {badge}"),
                Language::Spanish => format!("Sesión iniciada: {badge}"),
            },
            Msg::LockedTitle => pick(l, "Locked", "Bloqueado"),
            Msg::LockedPrompt(badge) => match l {
                Language::English => {
                    format!("{badge}: type your PIN to go on, or scan another badge")
                }
                Language::Spanish => {
                    format!("{badge}: escriba su PIN para seguir, o escanee otro gafete")
                }
            },
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
            Msg::HomeTitle => pick(l, "Home", "Inicio"),
            Msg::HomePrompt => pick(l, "Type a number and Enter", "Escriba un número y Enter"),
            Msg::NoSuchEntry(typed) => match l {
                Language::English => format!("{typed:?} is not on the menu; type 0 to 9 and Enter"),
                Language::Spanish => format!("{typed:?} no está en el menú; escriba 0 a 9 y Enter"),
            },
            Msg::SupervisorsOnly => pick(l, "supervisors only", "solo supervisores"),
            Msg::AuditorsOnlyLook => pick(l, "auditors only look", "auditores solo consultan"),
            Msg::NotBuilt => pick(
                l,
                "This flow is not built yet in this version of tally.",
                "Este flujo aún no existe en esta versión de tally.",
            ),
            Msg::NotBuiltHint => pick(
                l,
                "Nothing was recorded. Esc goes back.",
                "No se registró nada. Esc regresa.",
            ),
            Msg::Tasks {
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
            Msg::TasksLoading => pick(l, "Tasks: reading…", "Tareas: leyendo…"),
            Msg::NeverSynced => pick(l, "never synced", "nunca sincronizado"),
            Msg::SigningStopped => pick(
                l,
                "RECORDING STOPPED: see a supervisor",
                "REGISTRO DETENIDO: vea a un supervisor",
            ),
            Msg::EventsWaiting(n) => match l {
                Language::English => format!("{n} to send"),
                Language::Spanish => format!("{n} por enviar"),
            },
            Msg::LedgerEvents(n) => match l {
                Language::English => format!("ledger at {n}"),
                Language::Spanish => format!("libro en {n}"),
            },
            Msg::Devices => pick(l, "Devices", "Equipos"),
            Msg::DeviceUnknown => pick(l, "?", "?"),
            Msg::Connected => pick(l, "on", "sí"),
            Msg::NotConnected => pick(l, "off", "no"),
            Msg::Stable => pick(l, "stable", "estable"),
            Msg::Settling => pick(l, "settling", "estabilizando"),
            Msg::Scanner => pick(l, "Scanner", "Escáner"),
            Msg::Rfid => pick(l, "RFID", "RFID"),
            Msg::Scale => pick(l, "Scale", "Báscula"),
            Msg::LookupTitle => pick(l, "6 Lookup", "6 Consulta"),
            Msg::LookupPrompt => pick(
                l,
                "Scan a package or location, or type it and Enter",
                "Escanee un paquete o ubicación, o escríbalo y Enter",
            ),
            Msg::LookingUp(scan) => match l {
                Language::English => format!("Looking up {scan}…"),
                Language::Spanish => format!("Buscando {scan}…"),
            },
            Msg::FoundPackage(uid) => match l {
                Language::English => format!("Package {uid}"),
                Language::Spanish => format!("Paquete {uid}"),
            },
            Msg::FoundLocation(id) => match l {
                Language::English => format!("Location {id}"),
                Language::Spanish => format!("Ubicación {id}"),
            },
            Msg::WithheldCount => pick(
                l,
                "withheld: a count is open",
                "oculto: hay un conteo abierto",
            ),
            Msg::PackagesHere => pick(l, "Packages", "Paquetes"),
            Msg::History(n) => match l {
                Language::English => format!("History on this device ({n})"),
                Language::Spanish => format!("Historial en este equipo ({n})"),
            },
            Msg::NoHistory => pick(
                l,
                "No events of it on this device",
                "Ningún evento de él en este equipo",
            ),
            Msg::Conflict => pick(
                l,
                "CONFLICT between devices: ask a supervisor",
                "CONFLICTO entre equipos: avise a un supervisor",
            ),
            Msg::Item => pick(l, "Item", "Artículo"),
            Msg::Lot => pick(l, "Lot", "Lote"),
            Msg::Status => pick(l, "Status", "Estado"),
            Msg::Location => pick(l, "Where", "Dónde"),
            Msg::Tote => pick(l, "Tote", "Caja"),
            Msg::Quantity => pick(l, "Qty", "Cant."),
            Msg::Expires => pick(l, "Expires", "Vence"),
            Msg::Kind => pick(l, "Kind", "Tipo"),
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
            Msg::KeyScroll => pick(
                l,
                "↑ ↓      scroll the history",
                "↑ ↓      mover el historial",
            ),
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
            Msg::KeySignOut => pick(
                l,
                "Esc      sign out (asks first)",
                "Esc      cerrar sesión (pregunta)",
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
            Msg::LanguageSet => pick(l, "English", "Español"),
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
    fn every_message_differs_between_languages_where_words_differ() {
        for msg in [
            Msg::ScanBadge,
            Msg::HomeTitle,
            Msg::NotBuilt,
            Msg::NeverSynced,
        ] {
            assert_ne!(msg.text(Language::English), msg.text(Language::Spanish));
        }
    }
}
