//! What 4 Load says, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

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
        let es = l == Language::Spanish;
        match self {
            Text::Title => pick(l, "4 Load", "4 Cargar"),
            Text::Choose => pick(
                l,
                "Choose a manifest: number + Enter, or scan it",
                "Elija un manifiesto: número + Enter, o escanéelo",
            ),
            Text::Nothing => pick(
                l,
                "No outbound manifests to load",
                "No hay manifiestos por cargar",
            ),
            Text::Reading => pick(l, "Reading…", "Leyendo…"),
            Text::NoSuchManifest(t) if es => format!("{t} no es un manifiesto por cargar"),
            Text::NoSuchManifest(t) => format!("{t} is not a manifest to load"),
            Text::Row(id, route, dest, n) if es => {
                format!("{id} · ruta {route} · a {dest} · {n} paquetes")
            }
            Text::Row(id, route, dest, n) => {
                format!("{id} · route {route} · to {dest} · {n} packages")
            }
            Text::Heading(id) if es => format!("Manifiesto {id} contra lo preparado"),
            Text::Heading(id) => format!("Manifest {id} against what is staged"),
            Text::Exact => pick(
                l,
                "Exact: Enter to close it for loading",
                "Exacto: Enter para cerrarlo y cargar",
            ),
            Text::NotExact => pick(
                l,
                "Not exact: fix what is listed before loading",
                "No es exacto: corrija lo listado antes de cargar",
            ),
            Text::Missing(n) if es => format!("Faltan ({n}):"),
            Text::Missing(n) => format!("Missing ({n}):"),
            Text::Extra(n) if es => format!("Sobran ({n}):"),
            Text::Extra(n) => format!("Extra ({n}):"),
            Text::Mismatched(n) if es => format!("No coinciden ({n}):"),
            Text::Mismatched(n) => format!("Mismatched ({n}):"),
            Text::ConfirmClose(id) if es => {
                format!("¿Cerrar {id} para cargar? No se puede deshacer.")
            }
            Text::ConfirmClose(id) => format!("Close {id} for loading? This cannot be undone."),
            Text::ConfirmKeys => pick(l, "Enter yes · Esc no", "Enter sí · Esc no"),
            Text::Ready(id) if es => format!("{id} listo para cargar"),
            Text::Ready(id) => format!("{id} is ready to load"),
            Text::KeyClose => pick(
                l,
                "Enter (empty)  close for loading",
                "Enter (vacío)  cerrar y cargar",
            ),
            Text::KeyRefresh => pick(l, "scan      read it again", "escanear  leer de nuevo"),
            Text::KeyScanManifest => pick(
                l,
                "scan      open that manifest",
                "escanear  abrir ese manifiesto",
            ),
        }
    }
}
