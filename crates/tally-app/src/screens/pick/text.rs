//! What 3 Pick says, in English and Spanish side by side.

use crate::text::{bilingual, Language, Words};

/// What 3 Pick says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// Choose a list.
    ChooseList,
    /// No lists.
    NoLists,
    /// Reading.
    Reading,
    /// Not a list.
    NoSuchList(String),
    /// A list row: id, order, route, open lines.
    ListRow(String, String, String, u32),
    /// Lines heading.
    LinesOf(String),
    /// Choose a line.
    ChooseLine,
    /// Nothing left on the list.
    ListDone,
    /// A line row: number, SKU, remaining.
    LineRow(u32, String, String),
    /// Take this package from there (lot, expiry).
    Take(String, String, String, String),
    /// Nothing to take.
    NoStock,
    /// A line's heading.
    LineHeading(u32, String),
    /// What is left.
    Remaining(String),
    /// Scan the package (to take, where).
    ScanPackage(Option<(String, String)>),
    /// The package scanned.
    Package(String),
    /// The tote scanned.
    Tote(String),
    /// Scan a tote.
    ScanTote,
    /// Type the quantity.
    TypeQuantity,
    /// Type a short's reason.
    TypeShortReason,
    /// Package accepted.
    PackageOk(String),
    /// Tote accepted.
    ToteOk(String),
    /// Picked; left.
    PickedOk(String, String),
    /// Shorted.
    ShortedOk(String),
    /// Staged.
    StagedOk(String, String),
    /// Staging: scan the lane.
    StagingTote(String),
    /// Scan again.
    ScanAgain,
    /// Busy.
    Busy,
    /// Key: scan list.
    KeyScanList,
    /// Key: stage.
    KeyStage,
    /// Key: quantity.
    KeyQuantity,
    /// Key: short.
    KeyShort,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        match self {
            Text::Title => bilingual!(l, en: "3 Pick", es: "3 Surtir"),
            Text::ChooseList => bilingual!(l,
                en: "Choose a pick list: number + Enter, or scan it",
                es: "Elija una lista: número + Enter, o escanéela",
            ),
            Text::NoLists => bilingual!(l,
                en: "No pick lists are open",
                es: "No hay listas abiertas",
            ),
            Text::Reading => bilingual!(l, en: "Reading…", es: "Leyendo…"),
            Text::NoSuchList(t) => bilingual!(l,
                en: "{t} is not an open pick list",
                es: "{t} no es una lista abierta",
            ),
            Text::ListRow(id, order, route, n) => bilingual!(l,
                en: "{id} · order {order} · route {route} · {n} lines",
                es: "{id} · pedido {order} · ruta {route} · {n} líneas",
            ),
            Text::LinesOf(id) => bilingual!(l,
                en: "Pick list {id}, in walking order",
                es: "Lista {id}, en orden de recorrido",
            ),
            Text::ChooseLine => bilingual!(l,
                en: "Line number + Enter; scan a tote then a lane to stage it",
                es: "Línea + Enter; escanee caja y carril para prepararla",
            ),
            Text::ListDone => bilingual!(l,
                en: "Every line is picked or shorted",
                es: "Todas las líneas están surtidas o en faltante",
            ),
            Text::LineRow(n, sku, left) => bilingual!(l,
                en: "line {n} · {sku} · {left} to pick",
                es: "línea {n} · {sku} · faltan {left}",
            ),
            Text::Take(uid, loc, lot, exp) => bilingual!(l,
                en: "  take {uid} at {loc} (lot {lot}, expires {exp})",
                es: "  tome {uid} en {loc} (lote {lot}, caduca {exp})",
            ),
            Text::NoStock => bilingual!(l,
                en: "  no stock can be picked for it",
                es: "  no hay existencias para surtirla",
            ),
            Text::LineHeading(n, sku) => bilingual!(l,
                en: "Line {n} · {sku}",
                es: "Línea {n} · {sku}",
            ),
            Text::Remaining(q) => bilingual!(l, en: "Left to pick: {q}", es: "Faltan {q}"),
            Text::ScanPackage(Some((uid, loc))) => bilingual!(l,
                en: "Scan {uid} at {loc}",
                es: "Escanee {uid} en {loc}",
            ),
            Text::ScanPackage(None) => bilingual!(l,
                en: "Scan the package",
                es: "Escanee el paquete",
            ),
            Text::Package(uid) => bilingual!(l, en: "Package: {uid}", es: "Paquete: {uid}"),
            Text::Tote(t) => bilingual!(l, en: "Tote: {t}", es: "Caja: {t}"),
            Text::ScanTote => bilingual!(l, en: "Scan the tote", es: "Escanee la caja"),
            Text::TypeQuantity => bilingual!(l,
                en: "Type the quantity + Enter",
                es: "Escriba la cantidad + Enter",
            ),
            Text::TypeShortReason => bilingual!(l,
                en: "Short the rest: reason code + Enter (Esc cancels)",
                es: "Faltante: código de motivo + Enter (Esc cancela)",
            ),
            Text::PackageOk(uid) => bilingual!(l,
                en: "{uid} is right; scan the tote, type the quantity",
                es: "{uid} correcto; escanee la caja y la cantidad",
            ),
            Text::ToteOk(t) => bilingual!(l, en: "Tote {t}", es: "Caja {t}"),
            Text::PickedOk(uid, left) => bilingual!(l,
                en: "{uid} picked; {left} left",
                es: "{uid} surtido; faltan {left}",
            ),
            Text::ShortedOk(q) => bilingual!(l,
                en: "{q} shorted",
                es: "Faltante de {q} registrado",
            ),
            Text::StagedOk(t, r) => bilingual!(l,
                en: "Tote {t} staged for route {r}",
                es: "Caja {t} preparada para la ruta {r}",
            ),
            Text::StagingTote(t) => bilingual!(l,
                en: "Tote {t}: scan its lane",
                es: "Caja {t}: escanee el carril",
            ),
            Text::ScanAgain => bilingual!(l, en: "Scan again", es: "Escanee de nuevo"),
            Text::Busy => bilingual!(l,
                en: "Wait: the last step is being recorded",
                es: "Espere: se registra el último paso",
            ),
            Text::KeyScanList => bilingual!(l,
                en: "scan      open that list",
                es: "escanear  abrir esa lista",
            ),
            Text::KeyStage => bilingual!(l,
                en: "scan tote, lane  stage it",
                es: "caja, carril  prepararla",
            ),
            Text::KeyQuantity => bilingual!(l,
                en: "quantity + Enter  pick it",
                es: "cantidad + Enter  surtir",
            ),
            Text::KeyShort => bilingual!(l,
                en: "Enter (empty)  short the rest",
                es: "Enter (vacío)  faltante",
            ),
        }
    }
}
