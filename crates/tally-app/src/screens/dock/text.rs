//! What the dock view says, in English and Spanish side by side.

use crate::screens::sync::text::Ago;
use crate::text::{bilingual, Language, Words};

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
        match self {
            Text::Title => bilingual!(l, en: "9 Supervisor · Dock", es: "9 Supervisor · Muelle"),
            Text::Row => bilingual!(l,
                en: "Dock: the facility's devices at the ledger",
                es: "Muelle: los equipos de la instalación en el libro central",
            ),
            Text::TypePin => bilingual!(l,
                en: "Your PIN + Enter to read the dock from the ledger",
                es: "Su PIN + Enter para leer el muelle del libro central",
            ),
            Text::PinFirst => bilingual!(l,
                en: "Type your PIN first",
                es: "Escriba primero su PIN",
            ),
            Text::Looking => bilingual!(l,
                en: "Asking the ledger…",
                es: "Consultando el libro central…",
            ),
            Text::Summary { devices, variances } => bilingual!(l,
                en: "{devices} devices · {variances} variances wait for review",
                es: "{devices} equipos · {variances} diferencias esperan revisión",
            ),
            Text::ReadAgo(ago) => {
                let ago = ago.text(l);
                bilingual!(l, en: "Read {ago}", es: "Leído {ago}")
            }
            Text::NoDevices => bilingual!(l,
                en: "No device of this facility is enrolled",
                es: "Ningún equipo de esta instalación está inscrito",
            ),
            Text::DeviceLine(name, Some(n)) => {
                bilingual!(l, en: "{name} · {n} to send", es: "{name} · {n} por enviar")
            }
            Text::DeviceLine(name, None) => bilingual!(l,
                en: "{name} · to send: not reported",
                es: "{name} · por enviar: no lo dice",
            ),
            Text::LastSync(Some(ago)) => {
                let ago = ago.text(l);
                bilingual!(l, en: "  synced {ago}", es: "  sincronizado {ago}")
            }
            Text::LastSync(None) => bilingual!(l, en: "  never synced", es: "  nunca sincronizado"),
            Text::Held(events, forks) => bilingual!(l,
                en: "  {events} events at the ledger · {forks} forks",
                es: "  {events} eventos en el libro · {forks} bifurcaciones",
            ),
            Text::Revoked => bilingual!(l, en: "  REVOKED", es: "  REVOCADO"),
            Text::LastError(en_words, es_words, ago) => {
                let ago = ago.text(l);
                bilingual!(l,
                    en: "  refused {ago}: {en_words}",
                    es: "  rechazado {ago}: {es_words}",
                )
            }
            Text::Unreachable => bilingual!(l,
                en: "OFFLINE: the ledger cannot be reached from here",
                es: "SIN CONEXIÓN: el libro central no se alcanza desde aquí",
            ),
            Text::NotEnrolled => bilingual!(l,
                en: "This device is not enrolled with a ledger: enroll it at the dock",
                es: "Este equipo no está inscrito en un libro central: inscríbalo en el muelle",
            ),
            Text::SessionEnded => bilingual!(l,
                en: "The ledger ended the session: your PIN again + Enter",
                es: "El libro central cerró la sesión: su PIN otra vez + Enter",
            ),
            Text::SignInRefused(en_words, es_words) => {
                bilingual!(l, en: "{en_words}", es: "{es_words}")
            }
            Text::Fault(why) => bilingual!(l,
                en: "The dock could not be read: {why}",
                es: "No se pudo leer el muelle: {why}",
            ),
            Text::OwnState => bilingual!(l, en: "This device:", es: "Este equipo:"),
            Text::NothingLost => bilingual!(l,
                en: "Its events stay here until the ledger has them. r tries again",
                es: "Sus eventos quedan aquí hasta que el libro los tenga. r reintenta",
            ),
            Text::NoSuchRow(t) => bilingual!(l,
                en: "{t} is not a row on the list",
                es: "{t} no es una fila de la lista",
            ),
            Text::KeyAgain => bilingual!(l, en: "r  read again", es: "r  leer otra vez"),
            Text::KeyPin => bilingual!(l, en: "PIN + Enter  sign in", es: "PIN + Enter  entrar"),
        }
    }
}
