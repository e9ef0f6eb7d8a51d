//! The vocabulary every tally crate shares, defined once: civil [`Date`]s, [`MassUnit`]s and
//! whole [`Milligrams`] parsed once from the printed decimal, [`WeighMode`] (gross or net), the
//! [`Language`]s of the floor and the [`Message`] trait every error a person reads implements.
//!
//! A leaf crate: it depends on nothing of ours, only on `serde` and `thiserror`, so every other
//! crate (ids, events, replica, drivers) can use it without import circles.

// No unwrap on data from outside: the library returns errors; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod date;
pub mod language;
pub mod mass;

pub use date::{Date, DateError};
pub use language::{Language, Message, UnknownLanguage};
pub use mass::{MassUnit, Milligrams, WeighMode, WeightError, PRINTED_LEN_MAX};
