//! What a label check found wrong: each problem typed, with its English and Spanish side by side
//! ([`tally_vocab::bilingual!`]). `Display` is the English, and the English is what the signed
//! `label_checked` event records as its findings (the words recorded before problems were typed,
//! byte for byte); the app shows [`Message::message`] in the user's language.

use tally_vocab::{bilingual, display_in_english, Language, Message};

/// One problem a label check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelProblem {
    /// The GTIN printed on the label is not the item's.
    GtinMismatch {
        /// GTIN on the label.
        printed: String,
        /// GTIN of the item on file.
        item: String,
    },
    /// The label carries a GTIN but the item has none on file.
    NoGtinOnFile,
    /// The package has no batch on file, so nothing on its label can be checked.
    NoBatchOnFile,
    /// The GS1 label carries no batch/lot (AI 10).
    NoLotOnLabel,
    /// The lot printed on the label is not the batch's.
    LotMismatch {
        /// Lot on the label.
        printed: String,
        /// Lot of the batch on file.
        lot: String,
    },
    /// The batch has no expiry on file.
    NoExpiryOnFile,
    /// The GS1 label carries no expiry date (AI 17).
    NoExpiryOnLabel,
    /// The expiry printed on the label is not the batch's.
    ExpiryMismatch {
        /// Expiry on the label.
        printed: String,
        /// Expiry of the batch on file.
        expiry: String,
    },
    /// The THC potency printed on the label is not the tested one.
    ThcMismatch {
        /// THC on the label, basis points (2210 = 22.10%).
        printed_bp: i64,
        /// THC from the COA, basis points.
        tested_bp: i64,
    },
    /// The label shows no THC potency though the batch was tested.
    NoThcOnLabel,
    /// The label shows a potency but the batch has no tested potency on file.
    NoTestedPotency,
    /// The batch failed its lab test.
    CoaFailed,
    /// The batch's lab result is still pending.
    CoaPending,
    /// The batch has no COA on file.
    NoCoa,
}

/// Basis points as a percentage with two decimals ("22.10%").
fn percent(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

impl Message for LabelProblem {
    fn message(&self, language: Language) -> String {
        use LabelProblem as P;
        match self {
            P::GtinMismatch { printed, item } => bilingual!(language,
                en: "label GTIN {printed} is not the item's GTIN {item}",
                es: "el GTIN de la etiqueta {printed} no es el GTIN del artículo {item}",
            ),
            P::NoGtinOnFile => bilingual!(language,
                en: "no GTIN on file for this item",
                es: "no hay GTIN registrado para este artículo",
            ),
            P::NoBatchOnFile => bilingual!(language,
                en: "no batch on file for this package; its label cannot be checked",
                es: "no hay lote registrado para este paquete; su etiqueta no se puede revisar",
            ),
            P::NoLotOnLabel => bilingual!(language,
                en: "the GS1 label carries no batch/lot (10)",
                es: "la etiqueta GS1 no lleva lote (10)",
            ),
            P::LotMismatch { printed, lot } => bilingual!(language,
                en: "label batch {printed} is not {lot}",
                es: "el lote de la etiqueta {printed} no es {lot}",
            ),
            P::NoExpiryOnFile => bilingual!(language,
                en: "no expiry on file for this batch",
                es: "no hay fecha de caducidad registrada para este lote",
            ),
            P::NoExpiryOnLabel => bilingual!(language,
                en: "the GS1 label carries no expiry date (17)",
                es: "la etiqueta GS1 no lleva fecha de caducidad (17)",
            ),
            P::ExpiryMismatch { printed, expiry } => bilingual!(language,
                en: "label expiry {printed} is not {expiry}",
                es: "la caducidad de la etiqueta {printed} no es {expiry}",
            ),
            P::ThcMismatch {
                printed_bp,
                tested_bp,
            } => {
                let printed = percent(*printed_bp);
                let tested = percent(*tested_bp);
                bilingual!(language,
                    en: "label THC {printed} does not match the COA {tested}",
                    es: "el THC de la etiqueta {printed} no coincide con el COA {tested}",
                )
            }
            P::NoThcOnLabel => bilingual!(language,
                en: "label shows no THC potency",
                es: "la etiqueta no muestra la potencia de THC",
            ),
            P::NoTestedPotency => bilingual!(language,
                en: "no tested potency on file for this batch",
                es: "no hay potencia analizada registrada para este lote",
            ),
            P::CoaFailed => bilingual!(language,
                en: "the batch failed its lab test",
                es: "el lote no pasó su análisis de laboratorio",
            ),
            P::CoaPending => bilingual!(language,
                en: "the lab result is still pending",
                es: "el resultado del laboratorio aún está pendiente",
            ),
            P::NoCoa => bilingual!(language,
                en: "no COA on file for this batch",
                es: "no hay COA registrado para este lote",
            ),
        }
    }
}

display_in_english!(LabelProblem);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_is_the_recorded_wording() {
        // The findings of label_checked events already signed: the English must not change.
        let cases = [
            (
                LabelProblem::GtinMismatch {
                    printed: "09501101530010".into(),
                    item: "09501101530003".into(),
                },
                "label GTIN 09501101530010 is not the item's GTIN 09501101530003",
            ),
            (
                LabelProblem::ThcMismatch {
                    printed_bp: 2_500,
                    tested_bp: 2_210,
                },
                "label THC 25.00% does not match the COA 22.10%",
            ),
            (
                LabelProblem::ThcMismatch {
                    printed_bp: 905,
                    tested_bp: 1_000,
                },
                "label THC 9.05% does not match the COA 10.00%",
            ),
            (
                LabelProblem::LotMismatch {
                    printed: "LOT-NOT-THIS".into(),
                    lot: "LOT-VC114".into(),
                },
                "label batch LOT-NOT-THIS is not LOT-VC114",
            ),
            (
                LabelProblem::NoBatchOnFile,
                "no batch on file for this package; its label cannot be checked",
            ),
            (
                LabelProblem::NoLotOnLabel,
                "the GS1 label carries no batch/lot (10)",
            ),
            (
                LabelProblem::NoExpiryOnLabel,
                "the GS1 label carries no expiry date (17)",
            ),
            (LabelProblem::NoCoa, "no COA on file for this batch"),
        ];
        for (problem, english) in cases {
            assert_eq!(problem.to_string(), english);
        }
    }
}
