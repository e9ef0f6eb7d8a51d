//! What 8 Destroy says, in English and Spanish side by side.

use super::Step;
use crate::text::{pick, Language, Words};

/// What 8 Destroy says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Title.
    Title,
    /// What to do at a step.
    Prompt(Step),
    /// Waiting for a stable weight.
    WaitForWeight,
    /// Labels.
    Package,
    /// Scale label.
    Scale,
    /// Weight label.
    Weight,
    /// Reason label.
    Reason,
    /// Method label.
    Method,
    /// Witness label.
    Witness,
    /// Question.
    Confirm(String),
    /// Irreversible.
    Irreversible,
    /// Answers.
    ConfirmKeys,
    /// Destroyed before the witness.
    Destroyed(String, String),
    /// Key: Esc steps back.
    KeyEscStep,
}

impl Words for Text {
    fn text(&self, language: Language) -> String {
        let l = language;
        let es = l == Language::Spanish;
        match self {
            Text::Title => pick(l, "8 Destroy", "8 Destruir"),
            Text::Prompt(step) => match step {
                Step::Package => pick(
                    l,
                    "Scan the package to destroy",
                    "Escanee el paquete a destruir",
                ),
                Step::Scale => pick(
                    l,
                    "Scan the scale's asset tag",
                    "Escanee la etiqueta de la báscula",
                ),
                Step::Weight => pick(
                    l,
                    "Put the package on the scale; wait for a stable weight",
                    "Ponga el paquete en la báscula; espere un peso estable",
                ),
                Step::Reason => pick(l, "Reason code + Enter", "Código de motivo + Enter"),
                Step::Method => pick(
                    l,
                    "Method + Enter (e.g. mixed 50/50 with litter)",
                    "Método + Enter (p. ej. mezcla 50/50 con arena)",
                ),
                Step::WitnessBadge => pick(
                    l,
                    "Witness: scan your badge (not the person destroying)",
                    "Testigo: escanee su gafete (no quien destruye)",
                ),
                Step::WitnessPin => pick(l, "Witness: your PIN + Enter", "Testigo: su PIN + Enter"),
                Step::Confirm => pick(
                    l,
                    "Enter destroys · Esc goes back",
                    "Enter destruye · Esc regresa",
                ),
            },
            Text::WaitForWeight => pick(
                l,
                "No stable weight yet: wait for the scale to settle",
                "Aún no hay peso estable: espere a que la báscula se asiente",
            ),
            Text::Package => pick(l, "Package", "Paquete"),
            Text::Scale => pick(l, "Scale", "Báscula"),
            Text::Weight => pick(l, "Weight", "Peso"),
            Text::Reason => pick(l, "Reason", "Motivo"),
            Text::Method => pick(l, "Method", "Método"),
            Text::Witness => pick(l, "Witness", "Testigo"),
            Text::Confirm(uid) if es => format!("¿Destruir {uid}?"),
            Text::Confirm(uid) => format!("Destroy {uid}?"),
            Text::Irreversible => pick(l, "This cannot be undone.", "No se puede deshacer."),
            Text::ConfirmKeys => pick(l, "Enter yes · Esc no", "Enter sí · Esc no"),
            Text::Destroyed(uid, witness) if es => format!("{uid} destruido ante {witness}"),
            Text::Destroyed(uid, witness) => format!("{uid} destroyed, witnessed by {witness}"),
            Text::KeyEscStep => pick(l, "Esc      back one step", "Esc      un paso atrás"),
        }
    }
}
