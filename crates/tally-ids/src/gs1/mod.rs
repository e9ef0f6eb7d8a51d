//! GS1: the Application Identifier table, element strings and their human-readable
//! interpretation, and GS1 Digital Link URIs.

pub mod ai;
#[rustfmt::skip]
mod ai_table;
mod codes;
mod coupon;
pub mod digital_link;
pub mod element;
pub mod lint;

pub use digital_link::{parse_digital_link, to_digital_link};
pub use element::{
    encode, hri, parse_element_string, parse_hri, Decimal, Element, ElementString, Gs1Options,
    Separators, GS,
};
