//! The JSON bodies of the versioned API (`/v1/...`), shared by the server and its clients.
//! docs/openapi.yaml describes the same shapes. The types live in `tally-ledger-client` (the
//! crate `tallyd` uses without the server), re-exported here; this module adds what only the
//! server needs: the error body of a [`Refusal`].

pub use tally_ledger_client::wire::{
    DeviceStatus, EnrollRequest, Enrollment, ErrorBody, Info, ProofResponse, PushRequest,
    PushResponse, Receipt, ServiceError, API_VERSION,
};

use crate::error::Refusal;
use tally_events::{Language, Message};

/// The error body of a refusal (the server's side of [`ErrorBody`]).
pub trait RefusalBody {
    /// The body of a refusal, with the record's position in an upload.
    fn from_refusal(refusal: &Refusal, position: Option<usize>) -> Self;
}

impl RefusalBody for ErrorBody {
    fn from_refusal(refusal: &Refusal, position: Option<usize>) -> Self {
        let (expected_seq, seq) = match refusal {
            Refusal::Gap { expected, got } => (Some(*expected), Some(*got)),
            Refusal::Fork { seq }
            | Refusal::WrongAuthor { seq }
            | Refusal::WrongFacility { seq, .. }
            | Refusal::TooLarge { seq, .. }
            | Refusal::NotAdmin { seq, .. }
            | Refusal::Chain { seq, .. } => (None, Some(*seq)),
            _ => (None, None),
        };
        Self {
            error: refusal.code().to_owned(),
            message: refusal.to_string(),
            message_es: refusal.message(Language::Spanish),
            retryable: refusal.retryable(),
            position,
            expected_seq,
            seq,
        }
    }
}
