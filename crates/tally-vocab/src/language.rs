//! The languages of the floor and the one localisation style of tally: every error or report a
//! person reads implements [`Message`], and each text is written with
//! [`bilingual!`](crate::bilingual), so a message's English and Spanish sit next to each other
//! and adding one is one edit.
//!
//! The English text is also the type's `Display`, written once:
//! [`display_in_english!`](crate::display_in_english) makes `Display` say the English
//! [`Message`], so a `thiserror` type keeps its structure (`#[from]`, `#[source]`) but has no
//! `#[error("…")]` text of its own.

use std::fmt;
use std::str::FromStr;

/// A language the floor works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// English (also `Display`).
    #[default]
    English,
    /// Spanish.
    Spanish,
}

impl Language {
    /// Every language, English first.
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The ISO 639-1 code: `en`, `es`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    /// `en` or `es` (the ISO 639-1 codes, in any letter case).
    fn from_str(text: &str) -> Result<Language, UnknownLanguage> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Language::English),
            "es" => Ok(Language::Spanish),
            _ => Err(UnknownLanguage(text.to_owned())),
        }
    }
}

/// Something that can be told to a person in their language.
pub trait Message {
    /// The text in `language`.
    fn message(&self, language: Language) -> String;
}

crate::display_in_english!(UnknownLanguage);

impl Message for UnknownLanguage {
    fn message(&self, language: Language) -> String {
        let code = &self.0;
        crate::bilingual!(language,
            en: "unknown language {code:?}; use en (English) or es (Spanish)",
            es: "idioma desconocido {code:?}; use en (inglés) o es (español)",
        )
    }
}

/// One message in both languages, English and Spanish side by side: formats the text of
/// `language`. Both are `format!` strings and may name variables in scope.
///
/// ```
/// use tally_vocab::{bilingual, Language};
/// let shelf = "B-12";
/// let text = bilingual!(Language::Spanish,
///     en: "shelf {shelf} is full",
///     es: "el estante {shelf} está lleno",
/// );
/// assert_eq!(text, "el estante B-12 está lleno");
/// ```
#[macro_export]
macro_rules! bilingual {
    ($language:expr, en: $en:literal, es: $es:literal $(,)?) => {
        match $language {
            $crate::Language::English => format!($en),
            $crate::Language::Spanish => format!($es),
        }
    };
}

/// `Display` for catalogue types: a type's `Display` is its English [`Message`], so the English
/// text is written once, next to its Spanish, in the type's `message` match.
///
/// ```
/// use tally_vocab::{bilingual, display_in_english, Language, Message};
/// struct Full;
/// impl Message for Full {
///     fn message(&self, language: Language) -> String {
///         bilingual!(language, en: "the shelf is full", es: "el estante está lleno")
///     }
/// }
/// display_in_english!(Full);
/// assert_eq!(Full.to_string(), "the shelf is full");
/// ```
#[macro_export]
macro_rules! display_in_english {
    ($($type:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&$crate::Message::message(self, $crate::Language::English))
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for language in Language::ALL {
            assert_eq!(language.code().parse::<Language>(), Ok(language));
            assert_eq!(language.to_string(), language.code());
        }
        assert_eq!(" ES ".parse::<Language>(), Ok(Language::Spanish));
        let error = "fr".parse::<Language>().unwrap_err();
        assert_eq!(error.message(Language::English), error.to_string());
        assert!(error
            .message(Language::Spanish)
            .contains("idioma desconocido \"fr\""));
    }
}
