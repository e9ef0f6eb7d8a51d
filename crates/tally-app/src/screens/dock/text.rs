//! What the dock view says, in English and Spanish side by side.

use crate::screens::sync::text::Ago;
use crate::text::{pick, Language, Words};

/// What the dock view says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// The row of 9 Supervisor that opens it.
    Row,
    /// Type the PIN.
    TypePin,
    /// No PIN typed.
    PinFirst,
    /// Asking the ledger.
    Looking,
    /// What was read: devices, variances waiting, when.
    Summary {
        /// Devices listed.
        devices: usize,
        /// Variances waiting for review.
        variances: u64,
    },
    /// When the list was read.
    ReadAgo(Ago),
    /// No device enrolled in the facility.
    NoDevices,
    /// A device's first line: name, backlog.
    DeviceLine(String, Option<u64>),
    /// A device's last sync.
    LastSync(Option<Ago>),
    /// Events held at the ledger, forks.
    Held(u64, u64),
    /// Revoked.
    Revoked,
    /// The last refused push: the ledger's words (English, Spanish), when.
    LastError(String, String, Ago),
    /// The ledger cannot be reached.
    Unreachable,
    /// Not enrolled.
    NotEnrolled,
    /// The session ended: the PIN again.
    SessionEnded,
    /// The ledger refused the sign-in, in its words (English, Spanish).
    SignInRefused(String, String),
    /// Something else failed, in the system's words.
    Fault(String),
    /// What this device knows without the ledger.
    OwnState,
    /// Nothing is lost.
    NothingLost,
    /// Not a row.
    NoSuchRow(String),
    /// Key: read again.
    KeyAgain,
    /// Key: type the PIN.
    KeyPin,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        let es = l == Language::Spanish;
        match self {
            Text::Title => pick(l, "9 Supervisor · Dock", "9 Supervisor · Muelle"),
            Text::Row => pick(
                l,
                "Dock: the facility's devices at the ledger",
                "Muelle: los equipos de la instalación en el libro central",
            ),
            Text::TypePin => pick(
                l,
                "Your PIN + Enter to read the dock from the ledger",
                "Su PIN + Enter para leer el muelle del libro central",
            ),
            Text::PinFirst => pick(l, "Type your PIN first", "Escriba primero su PIN"),
            Text::Looking => pick(l, "Asking the ledger…", "Consultando el libro central…"),
            Text::Summary { devices, variances } if es => {
                format!("{devices} equipos · {variances} diferencias esperan revisión")
            }
            Text::Summary { devices, variances } => {
                format!("{devices} devices · {variances} variances wait for review")
            }
            Text::ReadAgo(ago) if es => format!("Leído {}", ago.text(l)),
            Text::ReadAgo(ago) => format!("Read {}", ago.text(l)),
            Text::NoDevices => pick(
                l,
                "No device of this facility is enrolled",
                "Ningún equipo de esta instalación está inscrito",
            ),
            Text::DeviceLine(name, Some(n)) if es => format!("{name} · {n} por enviar"),
            Text::DeviceLine(name, Some(n)) => format!("{name} · {n} to send"),
            Text::DeviceLine(name, None) if es => format!("{name} · por enviar: no lo dice"),
            Text::DeviceLine(name, None) => format!("{name} · to send: not reported"),
            Text::LastSync(Some(ago)) if es => format!("  sincronizado {}", ago.text(l)),
            Text::LastSync(Some(ago)) => format!("  synced {}", ago.text(l)),
            Text::LastSync(None) => pick(l, "  never synced", "  nunca sincronizado"),
            Text::Held(events, forks) if es => {
                format!("  {events} eventos en el libro · {forks} bifurcaciones")
            }
            Text::Held(events, forks) => format!("  {events} events at the ledger · {forks} forks"),
            Text::Revoked => pick(l, "  REVOKED", "  REVOCADO"),
            Text::LastError(_, es_words, ago) if es => {
                format!("  rechazado {}: {es_words}", ago.text(l))
            }
            Text::LastError(en_words, _, ago) => format!("  refused {}: {en_words}", ago.text(l)),
            Text::Unreachable => pick(
                l,
                "OFFLINE: the ledger cannot be reached from here",
                "SIN CONEXIÓN: el libro central no se alcanza desde aquí",
            ),
            Text::NotEnrolled => pick(
                l,
                "This device is not enrolled with a ledger: enroll it at the dock",
                "Este equipo no está inscrito en un libro central: inscríbalo en el muelle",
            ),
            Text::SessionEnded => pick(
                l,
                "The ledger ended the session: your PIN again + Enter",
                "El libro central cerró la sesión: su PIN otra vez + Enter",
            ),
            Text::SignInRefused(_, es_words) if es => es_words.clone(),
            Text::SignInRefused(en_words, _) => en_words.clone(),
            Text::Fault(why) if es => format!("No se pudo leer el muelle: {why}"),
            Text::Fault(why) => format!("The dock could not be read: {why}"),
            Text::OwnState => pick(l, "This device:", "Este equipo:"),
            Text::NothingLost => pick(
                l,
                "Its events stay here until the ledger has them. r tries again",
                "Sus eventos quedan aquí hasta que el libro los tenga. r reintenta",
            ),
            Text::NoSuchRow(t) if es => format!("{t} no es una fila de la lista"),
            Text::NoSuchRow(t) => format!("{t} is not a row on the list"),
            Text::KeyAgain => pick(l, "r  read again", "r  leer otra vez"),
            Text::KeyPin => pick(l, "PIN + Enter  sign in", "PIN + Enter  entrar"),
        }
    }
}
