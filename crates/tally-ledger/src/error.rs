//! The ledger's errors: [`Refusal`] is what a device is told when the ledger will not take
//! what it sent (each with a stable code for the API, English and Spanish text, and whether
//! retrying can help); [`LedgerError`] adds storage and log failures.

use serde::Serialize;
use tally_events::{Language, Message};
use tally_vocab::{bilingual, display_in_english};
use thiserror::Error;

use crate::store::StoreError;
use crate::tlog::LogError;

/// Why the ledger refused a device's request.
#[derive(Debug, Error, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum Refusal {
    /// The request body does not match the hash it carries: damaged on the way.
    GarbledUpload,
    /// The request is not well-formed.
    BadRequest {
        /// What is wrong.
        reason: String,
    },
    /// The request's device signature is missing or does not verify.
    Unauthenticated {
        /// What is wrong.
        reason: String,
    },
    /// The device key is not enrolled.
    UnknownDevice,
    /// The device was revoked.
    Revoked,
    /// A fork was found earlier: the device is refused from then on.
    Forked,
    /// The same device and seq with different, validly signed bytes: kept as evidence.
    Fork {
        /// The seq.
        seq: u64,
    },
    /// A gap: the next record must be `expected`.
    Gap {
        /// The seq the ledger expects next.
        expected: u64,
        /// The seq received.
        got: u64,
    },
    /// A record that does not parse.
    Malformed {
        /// 0-based position in the upload.
        position: usize,
        /// What is wrong.
        reason: String,
    },
    /// A record signed by another device than the one pushing.
    WrongAuthor {
        /// The seq.
        seq: u64,
    },
    /// A record of another facility than the device's.
    WrongFacility {
        /// The seq.
        seq: u64,
        /// The device's facility.
        expected: String,
        /// The record's facility.
        found: String,
    },
    /// A record larger than a log entry may be.
    TooLarge {
        /// The seq.
        seq: u64,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A record that fails chain verification (signature, payload, link, clock...).
    Chain {
        /// The first bad seq.
        seq: u64,
        /// The failure kind name of `tally log verify` (`bad_signature`, `broken_link`...).
        kind: String,
    },
    /// The enrollment token is unknown.
    UnknownToken,
    /// The token was already used by another key.
    TokenUsed,
    /// The device key is weak or not a valid public key.
    WeakKey,
    /// The key is already enrolled with another token.
    KeyEnrolledElsewhere,
    /// An admin or supervisor call signed by a key that is not an operator credential of
    /// this ledger with the role the call needs (or a revoked one).
    NotOperator {
        /// The role the call needs.
        needed: String,
    },
    /// Master data (an admin event) from a device that does not define its facility, by an
    /// actor who is not an active admin of the facility at the ledger.
    NotAdmin {
        /// The seq.
        seq: u64,
        /// The event's actor (badge).
        actor: String,
    },
    /// A supervisor or auditor route asked without a credential: neither an operator's
    /// signature nor a supervisor session.
    SupervisorOnly,
    /// A supervisor sign-in with an unknown badge, a wrong PIN or a deactivated user (one
    /// refusal for all three).
    SignInRefused,
    /// Too many wrong PINs for the badge at the ledger.
    SignInLocked {
        /// Minutes left.
        minutes: i64,
    },
    /// A user whose role may not read the projections (an operator: a counter).
    NotSupervisor {
        /// The badge.
        badge: String,
    },
    /// A session token the ledger does not hold for this device, or of a user who may no
    /// longer read the projections.
    SessionInvalid,
    /// A session past its end.
    SessionExpired,
    /// A request whose timestamp is too far from the ledger's clock.
    StaleRequest {
        /// The tolerance.
        minutes: i64,
    },
    /// A sign-in request the ledger has already answered, sent again.
    Replayed,
    /// A supervisor session asking for another facility's rows.
    OtherFacility {
        /// The session's facility.
        facility: String,
    },
}

impl Refusal {
    /// The stable machine-readable code (the `error` field of API error bodies).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::GarbledUpload => "garbled_upload",
            Refusal::BadRequest { .. } => "bad_request",
            Refusal::Unauthenticated { .. } => "unauthenticated",
            Refusal::UnknownDevice => "unknown_device",
            Refusal::Revoked => "revoked",
            Refusal::Forked => "forked",
            Refusal::Fork { .. } => "fork",
            Refusal::Gap { .. } => "gap",
            Refusal::Malformed { .. } => "malformed",
            Refusal::WrongAuthor { .. } => "wrong_author",
            Refusal::WrongFacility { .. } => "wrong_facility",
            Refusal::TooLarge { .. } => "too_large",
            Refusal::Chain { .. } => "chain",
            Refusal::UnknownToken => "unknown_token",
            Refusal::TokenUsed => "token_used",
            Refusal::WeakKey => "weak_key",
            Refusal::KeyEnrolledElsewhere => "key_enrolled_elsewhere",
            Refusal::NotOperator { .. } => "not_operator",
            Refusal::NotAdmin { .. } => "not_admin",
            Refusal::SupervisorOnly => "supervisor_only",
            Refusal::SignInRefused => "sign_in_refused",
            Refusal::SignInLocked { .. } => "sign_in_locked",
            Refusal::NotSupervisor { .. } => "not_supervisor",
            Refusal::SessionInvalid => "session_invalid",
            Refusal::SessionExpired => "session_expired",
            Refusal::StaleRequest { .. } => "stale_request",
            Refusal::Replayed => "replayed_request",
            Refusal::OtherFacility { .. } => "other_facility",
        }
    }

    /// Whether sending the same request again can succeed.
    pub fn retryable(&self) -> bool {
        matches!(self, Refusal::GarbledUpload)
    }
}

display_in_english!(Refusal);

impl Message for Refusal {
    /// The text of `language`: English is also `Display` (API error bodies carry both).
    fn message(&self, language: Language) -> String {
        match self {
            Refusal::GarbledUpload => bilingual!(language,
                en: "the upload was damaged on the way (its hash does not match): send it again",
                es: "el envío llegó dañado (su hash no coincide): envíelo de nuevo",
            ),
            Refusal::BadRequest { reason } => bilingual!(language,
                en: "the request is not well-formed: {reason}",
                es: "la solicitud no es válida: {reason}",
            ),
            Refusal::Unauthenticated { reason } => bilingual!(language,
                en: "the request is not signed by an enrolled device key: {reason}",
                es: "la solicitud no está firmada por la clave de un dispositivo inscrito: {reason}",
            ),
            Refusal::UnknownDevice => bilingual!(language,
                en: "this device is not enrolled at the ledger: enroll it at the dock with a token",
                es: "este dispositivo no está inscrito en el libro central: inscríbalo en el muelle con un código",
            ),
            Refusal::Revoked => bilingual!(language,
                en: "this device was revoked at the ledger: its events are no longer accepted",
                es: "este dispositivo fue revocado en el libro central: ya no se aceptan sus eventos",
            ),
            Refusal::Forked => bilingual!(language,
                en: "this device's history forked (two different signed events with the same number): it is refused until a supervisor re-enrolls it with a new key",
                es: "el historial de este dispositivo se bifurcó (dos eventos firmados distintos con el mismo número): queda rechazado hasta que un supervisor lo vuelva a inscribir con una clave nueva",
            ),
            Refusal::Fork { seq } => bilingual!(language,
                en: "seq {seq} was already received with different content: both versions are kept as evidence of a fork and this device is refused from now on",
                es: "el evento {seq} ya se había recibido con otro contenido: se guardan ambas versiones como prueba de bifurcación y este dispositivo queda rechazado",
            ),
            Refusal::Gap { expected, got } => bilingual!(language,
                en: "events are missing: the ledger expects seq {expected} next, got {got}",
                es: "faltan eventos: el libro central espera el evento {expected}, llegó el {got}",
            ),
            Refusal::Malformed { position, reason } => bilingual!(language,
                en: "record {position} of the upload is not a well-formed event: {reason}",
                es: "el registro {position} del envío no es un evento bien formado: {reason}",
            ),
            Refusal::WrongAuthor { seq } => bilingual!(language,
                en: "seq {seq} is signed by another device than the one sending it",
                es: "el evento {seq} está firmado por otro dispositivo que el que lo envía",
            ),
            Refusal::WrongFacility {
                seq,
                expected,
                found,
            } => bilingual!(language,
                en: "seq {seq} is for facility {found}, but this device is enrolled for {expected}",
                es: "el evento {seq} es de la instalación {found}, pero este dispositivo está inscrito en {expected}",
            ),
            Refusal::TooLarge { seq, len, max } => bilingual!(language,
                en: "seq {seq} is {len} bytes, larger than a log entry may be ({max} bytes)",
                es: "el evento {seq} ocupa {len} bytes, más de lo que admite una entrada del registro ({max} bytes)",
            ),
            Refusal::Chain { seq, kind } => bilingual!(language,
                en: "seq {seq} does not verify: {kind}",
                es: "el evento {seq} no se verifica: {kind}",
            ),
            Refusal::UnknownToken => bilingual!(language,
                en: "this enrollment token is not known to the ledger: ask a supervisor for a new one",
                es: "el libro central no conoce este código de inscripción: pida uno nuevo a un supervisor",
            ),
            Refusal::TokenUsed => bilingual!(language,
                en: "this enrollment token was already used by another device key",
                es: "este código de inscripción ya lo usó otra clave de dispositivo",
            ),
            Refusal::WeakKey => bilingual!(language,
                en: "the device key is not a valid public key (weak or malformed)",
                es: "la clave del dispositivo no es una clave pública válida (débil o mal formada)",
            ),
            Refusal::KeyEnrolledElsewhere => bilingual!(language,
                en: "this device key is already enrolled with another token",
                es: "esta clave de dispositivo ya está inscrita con otro código",
            ),
            Refusal::NotAdmin { seq, actor } => bilingual!(language,
                en: "seq {seq} is master data recorded by {actor}, who is not an admin of this facility at the ledger",
                es: "el evento {seq} son datos maestros registrados por {actor}, que no es administrador de esta instalación en el libro central",
            ),
            Refusal::NotOperator { needed } => {
                let needed_es = if needed == "admin" {
                    "administrador"
                } else {
                    "supervisor"
                };
                bilingual!(language,
                    en: "this key is not a {needed} credential of this ledger: ask its administrator",
                    es: "esta clave no es una credencial de {needed_es} de este libro central: consulte a su administrador",
                )
            }
            Refusal::SupervisorOnly => bilingual!(language,
                en: "this is for supervisors and auditors: sign in as a supervisor on an enrolled device, or use an operator credential",
                es: "esto es para supervisores y auditores: inicie sesión como supervisor en un dispositivo inscrito, o use una credencial de operador",
            ),
            Refusal::SignInRefused => bilingual!(language,
                en: "badge or PIN not accepted",
                es: "credencial o PIN no aceptados",
            ),
            Refusal::SignInLocked { minutes } => bilingual!(language,
                en: "too many wrong PINs for this badge: try again in {minutes} minutes",
                es: "demasiados PIN incorrectos para esta credencial: inténtelo de nuevo en {minutes} minutos",
            ),
            Refusal::NotSupervisor { badge } => bilingual!(language,
                en: "badge {badge} is not a supervisor, admin or auditor",
                es: "la credencial {badge} no es de supervisor, administrador ni auditor",
            ),
            Refusal::SessionInvalid => bilingual!(language,
                en: "this supervisor session is not valid: sign in again",
                es: "esta sesión de supervisor no es válida: inicie sesión de nuevo",
            ),
            Refusal::SessionExpired => bilingual!(language,
                en: "this supervisor session has ended: sign in again",
                es: "esta sesión de supervisor terminó: inicie sesión de nuevo",
            ),
            Refusal::StaleRequest { minutes } => bilingual!(language,
                en: "the request's time is more than {minutes} minutes away from the ledger's clock: check the device's clock",
                es: "la hora de la solicitud se aleja más de {minutes} minutos del reloj del libro central: revise el reloj del dispositivo",
            ),
            Refusal::Replayed => bilingual!(language,
                en: "this sign-in request was already used: sign in again",
                es: "esta solicitud de inicio de sesión ya se usó: inicie sesión de nuevo",
            ),
            Refusal::OtherFacility { facility } => bilingual!(language,
                en: "this supervisor session is for facility {facility} only",
                es: "esta sesión de supervisor es solo para la instalación {facility}",
            ),
        }
    }
}

/// Any failure of a ledger operation.
#[derive(Debug, Error)]
pub enum LedgerError {
    /// The device's request was refused.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The log's Merkle tree or checkpoint code failed.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A request for something the log does not hold (a tile beyond the tree, an unknown size).
    #[error("not found: {0}")]
    NotFound(String),
    /// The service cannot answer right now (retry).
    #[error("the ledger cannot answer right now: {0}")]
    Unavailable(String),
}
