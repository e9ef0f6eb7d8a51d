//! What 8 Destroy says, in English and Spanish side by side.

use super::Step;
use crate::text::{bilingual, Language, Words};

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
        match self {
            Text::Title => bilingual!(l, en: "8 Destroy", es: "8 Destruir"),
            Text::Prompt(step) => match step {
                Step::Package => bilingual!(l,
                    en: "Scan the package to destroy",
                    es: "Escanee el paquete a destruir",
                ),
                Step::Scale => bilingual!(l,
                    en: "Scan the scale's asset tag",
                    es: "Escanee la etiqueta de la báscula",
                ),
                Step::Weight => bilingual!(l,
                    en: "Put the package on the scale; wait for a stable weight",
                    es: "Ponga el paquete en la báscula; espere un peso estable",
                ),
                Step::Reason => bilingual!(l,
                    en: "Reason code + Enter",
                    es: "Código de motivo + Enter",
                ),
                Step::Method => bilingual!(l,
                    en: "Method + Enter (e.g. mixed 50/50 with litter)",
                    es: "Método + Enter (p. ej. mezcla 50/50 con arena)",
                ),
                Step::WitnessBadge => bilingual!(l,
                    en: "Witness: scan your badge (not the person destroying)",
                    es: "Testigo: escanee su gafete (no quien destruye)",
                ),
                Step::WitnessPin => bilingual!(l,
                    en: "Witness: your PIN + Enter",
                    es: "Testigo: su PIN + Enter",
                ),
                Step::Confirm => bilingual!(l,
                    en: "Enter destroys · Esc goes back",
                    es: "Enter destruye · Esc regresa",
                ),
            },
            Text::WaitForWeight => bilingual!(l,
                en: "No stable weight yet: wait for the scale to settle",
                es: "Aún no hay peso estable: espere a que la báscula se asiente",
            ),
            Text::Package => bilingual!(l, en: "Package", es: "Paquete"),
            Text::Scale => bilingual!(l, en: "Scale", es: "Báscula"),
            Text::Weight => bilingual!(l, en: "Weight", es: "Peso"),
            Text::Reason => bilingual!(l, en: "Reason", es: "Motivo"),
            Text::Method => bilingual!(l, en: "Method", es: "Método"),
            Text::Witness => bilingual!(l, en: "Witness", es: "Testigo"),
            Text::Confirm(uid) => bilingual!(l, en: "Destroy {uid}?", es: "¿Destruir {uid}?"),
            Text::Irreversible => bilingual!(l,
                en: "This cannot be undone.",
                es: "No se puede deshacer.",
            ),
            Text::ConfirmKeys => bilingual!(l, en: "Enter yes · Esc no", es: "Enter sí · Esc no"),
            Text::Destroyed(uid, witness) => bilingual!(l,
                en: "{uid} destroyed, witnessed by {witness}",
                es: "{uid} destruido ante {witness}",
            ),
            Text::KeyEscStep => bilingual!(l,
                en: "Esc      back one step",
                es: "Esc      un paso atrás",
            ),
        }
    }
}
