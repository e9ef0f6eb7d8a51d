//! Placeholder replaced by the generator on first run.
use super::ai::AiDef;
pub(crate) static AI_LENGTH_BY_PREFIX: [u8; 100] = [0; 100];
/// Every AI.
pub static AI_TABLE: &[AiDef] = &[];
