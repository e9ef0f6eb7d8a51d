//! What 4 Load says, in English and Spanish side by side.

use crate::text::{bilingual, Language, Words};

/// What 4 Load says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// Choose a manifest.
    Choose,
    /// No manifests.
    Nothing,
    /// Reading.
    Reading,
    /// Not a manifest.
    NoSuchManifest(String),
    /// A manifest row: id, route, destination, lines.
    Row(String, String, String, u32),
    /// Heading.
    Heading(String),
    /// Exact.
    Exact,
    /// Not exact.
    NotExact,
    /// Missing heading.
    Missing(usize),
    /// Extra heading.
    Extra(usize),
    /// Mismatched heading.
    Mismatched(usize),
    /// Close question.
    ConfirmClose(String),
    /// Answers.
    ConfirmKeys,
    /// Ready.
    Ready(String),
    /// Key: close.
    KeyClose,
    /// Key: refresh.
    KeyRefresh,
    /// Key: scan a manifest.
    KeyScanManifest,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::Title => bilingual!(l, en: "4 Load", es: "4 Cargar"),
            Text::Choose => bilingual!(l,
                en: "Choose a manifest: number + Enter, or scan it",
                es: "Elija un manifiesto: número + Enter, o escanéelo",
            ),
            Text::Nothing => bilingual!(l,
                en: "No outbound manifests to load",
                es: "No hay manifiestos por cargar",
            ),
            Text::Reading => bilingual!(l, en: "Reading…", es: "Leyendo…"),
            Text::NoSuchManifest(t) => bilingual!(l,
                en: "{t} is not a manifest to load",
                es: "{t} no es un manifiesto por cargar",
            ),
            Text::Row(id, route, dest, n) => bilingual!(l,
                en: "{id} · route {route} · to {dest} · {n} packages",
                es: "{id} · ruta {route} · a {dest} · {n} paquetes",
            ),
            Text::Heading(id) => bilingual!(l,
                en: "Manifest {id} against what is staged",
                es: "Manifiesto {id} contra lo preparado",
            ),
            Text::Exact => bilingual!(l,
                en: "Exact: Enter to close it for loading",
                es: "Exacto: Enter para cerrarlo y cargar",
            ),
            Text::NotExact => bilingual!(l,
                en: "Not exact: fix what is listed before loading",
                es: "No es exacto: corrija lo listado antes de cargar",
            ),
            Text::Missing(n) => bilingual!(l, en: "Missing ({n}):", es: "Faltan ({n}):"),
            Text::Extra(n) => bilingual!(l, en: "Extra ({n}):", es: "Sobran ({n}):"),
            Text::Mismatched(n) => bilingual!(l,
                en: "Mismatched ({n}):",
                es: "No coinciden ({n}):",
            ),
            Text::ConfirmClose(id) => bilingual!(l,
                en: "Close {id} for loading? This cannot be undone.",
                es: "¿Cerrar {id} para cargar? No se puede deshacer.",
            ),
            Text::ConfirmKeys => bilingual!(l, en: "Enter yes · Esc no", es: "Enter sí · Esc no"),
            Text::Ready(id) => bilingual!(l,
                en: "{id} is ready to load",
                es: "{id} listo para cargar",
            ),
            Text::KeyClose => bilingual!(l,
                en: "Enter (empty)  close for loading",
                es: "Enter (vacío)  cerrar y cargar",
            ),
            Text::KeyRefresh => bilingual!(l,
                en: "scan      read it again",
                es: "escanear  leer de nuevo",
            ),
            Text::KeyScanManifest => bilingual!(l,
                en: "scan      open that manifest",
                es: "escanear  abrir ese manifiesto",
            ),
        }
    }
}
