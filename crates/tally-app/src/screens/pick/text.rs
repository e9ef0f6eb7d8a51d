//! What 3 Pick says, in English and Spanish side by side.

use crate::text::{pick, Language, Words};

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
        let es = l == Language::Spanish;
        match self {
            Text::Title => pick(l, "3 Pick", "3 Surtir"),
            Text::ChooseList => pick(
                l,
                "Choose a pick list: number + Enter, or scan it",
                "Elija una lista: número + Enter, o escanéela",
            ),
            Text::NoLists => pick(l, "No pick lists are open", "No hay listas abiertas"),
            Text::Reading => pick(l, "Reading…", "Leyendo…"),
            Text::NoSuchList(t) if es => format!("{t} no es una lista abierta"),
            Text::NoSuchList(t) => format!("{t} is not an open pick list"),
            Text::ListRow(id, order, route, n) if es => {
                format!("{id} · pedido {order} · ruta {route} · {n} líneas")
            }
            Text::ListRow(id, order, route, n) => {
                format!("{id} · order {order} · route {route} · {n} lines")
            }
            Text::LinesOf(id) if es => format!("Lista {id}, en orden de recorrido"),
            Text::LinesOf(id) => format!("Pick list {id}, in walking order"),
            Text::ChooseLine => pick(
                l,
                "Line number + Enter; scan a tote then a lane to stage it",
                "Línea + Enter; escanee caja y carril para prepararla",
            ),
            Text::ListDone => pick(
                l,
                "Every line is picked or shorted",
                "Todas las líneas están surtidas o en faltante",
            ),
            Text::LineRow(n, sku, left) if es => format!("línea {n} · {sku} · faltan {left}"),
            Text::LineRow(n, sku, left) => format!("line {n} · {sku} · {left} to pick"),
            Text::Take(uid, loc, lot, exp) if es => {
                format!("  tome {uid} en {loc} (lote {lot}, caduca {exp})")
            }
            Text::Take(uid, loc, lot, exp) => {
                format!("  take {uid} at {loc} (lot {lot}, expires {exp})")
            }
            Text::NoStock => pick(
                l,
                "  no stock can be picked for it",
                "  no hay existencias para surtirla",
            ),
            Text::LineHeading(n, sku) if es => format!("Línea {n} · {sku}"),
            Text::LineHeading(n, sku) => format!("Line {n} · {sku}"),
            Text::Remaining(q) if es => format!("Faltan {q}"),
            Text::Remaining(q) => format!("Left to pick: {q}"),
            Text::ScanPackage(Some((uid, loc))) if es => format!("Escanee {uid} en {loc}"),
            Text::ScanPackage(Some((uid, loc))) => format!("Scan {uid} at {loc}"),
            Text::ScanPackage(None) => pick(l, "Scan the package", "Escanee el paquete"),
            Text::Package(uid) if es => format!("Paquete: {uid}"),
            Text::Package(uid) => format!("Package: {uid}"),
            Text::Tote(t) if es => format!("Caja: {t}"),
            Text::Tote(t) => format!("Tote: {t}"),
            Text::ScanTote => pick(l, "Scan the tote", "Escanee la caja"),
            Text::TypeQuantity => pick(
                l,
                "Type the quantity + Enter",
                "Escriba la cantidad + Enter",
            ),
            Text::TypeShortReason => pick(
                l,
                "Short the rest: reason code + Enter (Esc cancels)",
                "Faltante: código de motivo + Enter (Esc cancela)",
            ),
            Text::PackageOk(uid) if es => format!("{uid} correcto; escanee la caja y la cantidad"),
            Text::PackageOk(uid) => format!("{uid} is right; scan the tote, type the quantity"),
            Text::ToteOk(t) if es => format!("Caja {t}"),
            Text::ToteOk(t) => format!("Tote {t}"),
            Text::PickedOk(uid, left) if es => format!("{uid} surtido; faltan {left}"),
            Text::PickedOk(uid, left) => format!("{uid} picked; {left} left"),
            Text::ShortedOk(q) if es => format!("Faltante de {q} registrado"),
            Text::ShortedOk(q) => format!("{q} shorted"),
            Text::StagedOk(t, r) if es => format!("Caja {t} preparada para la ruta {r}"),
            Text::StagedOk(t, r) => format!("Tote {t} staged for route {r}"),
            Text::StagingTote(t) if es => format!("Caja {t}: escanee el carril"),
            Text::StagingTote(t) => format!("Tote {t}: scan its lane"),
            Text::ScanAgain => pick(l, "Scan again", "Escanee de nuevo"),
            Text::Busy => pick(
                l,
                "Wait: the last step is being recorded",
                "Espere: se registra el último paso",
            ),
            Text::KeyScanList => pick(l, "scan      open that list", "escanear  abrir esa lista"),
            Text::KeyStage => pick(l, "scan tote, lane  stage it", "caja, carril  prepararla"),
            Text::KeyQuantity => pick(l, "quantity + Enter  pick it", "cantidad + Enter  surtir"),
            Text::KeyShort => pick(
                l,
                "Enter (empty)  short the rest",
                "Enter (vacío)  faltante",
            ),
        }
    }
}
