//! Users managed at the ledger (`tally-ledger user add | set-pin | deactivate`) and the PIN
//! verifiers devices pull (`GET /v1/pins`).
//!
//! A PIN never enters the log: the ledger keeps its Argon2id verifier
//! (`tally_events::pin::make_verifier`, a PHC string with a fresh salt and the cost parameters
//! written into it) in `ledger_users`, and sends the verifiers of a facility's active users to
//! that facility's enrolled devices over the device-authenticated channel; each device seals
//! them under its own pepper (`tally_replica::pins::store`). A deactivated user's verifier is
//! erased at the ledger and listed as deactivated, so devices drop theirs.
//!
//! Who a user *is* on the floor (badge, name, role, active) is master data, recorded as a
//! signed admin event (`user_defined`) by a device of the facility; the ledger's row is what
//! it needs to hand out verifiers and to know who holds the admin role.

use tally_events::pin::{make_verifier, PinError, PinParams, PIN_LEN_MAX, PIN_LEN_MIN};
use tally_events::{Language, Message};
use tally_vocab::{bilingual, display_in_english};

use crate::ops_store::{OpsStore, UserRow};
use crate::store::StoreError;

/// Longest badge id.
pub const BADGE_LEN_MAX: usize = 64;
/// The roles a user may hold (tally_events' `Role`).
pub const ROLES: &[&str] = &["operator", "supervisor", "admin", "auditor"];

/// What went wrong managing a user. Its texts, English (also `Display`) and Spanish side by
/// side, are its [`Message`].
#[derive(Debug)]
pub enum UserError {
    /// A badge id that is empty or too long.
    Badge,
    /// A role that does not exist.
    Role(String),
    /// `user add` for a badge the facility has.
    Exists {
        /// The facility.
        facility: String,
        /// The badge.
        badge: String,
    },
    /// A badge the facility does not have.
    Unknown {
        /// The facility.
        facility: String,
        /// The badge.
        badge: String,
    },
    /// A PIN that cannot be used.
    Pin(PinError),
    /// Storage failed.
    Store(StoreError),
}

impl From<PinError> for UserError {
    fn from(error: PinError) -> Self {
        UserError::Pin(error)
    }
}

impl From<StoreError> for UserError {
    fn from(error: StoreError) -> Self {
        UserError::Store(error)
    }
}

impl std::error::Error for UserError {
    /// A PIN's fault is its own error; storage speaks in its own words (its text is this
    /// error's English), so the cause behind it is storage's.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UserError::Pin(error) => Some(error),
            UserError::Store(error) => error.source(),
            _ => None,
        }
    }
}

display_in_english!(UserError);

impl Message for UserError {
    fn message(&self, language: Language) -> String {
        match self {
            UserError::Badge => bilingual!(language,
                en: "a badge id has 1 to {BADGE_LEN_MAX} characters",
                es: "un identificador de credencial tiene de 1 a {BADGE_LEN_MAX} caracteres",
            ),
            UserError::Role(role) => bilingual!(language,
                en: "{role:?} is not a role: use operator, supervisor, admin or auditor",
                es: "{role:?} no es un rol: use operator, supervisor, admin o auditor",
            ),
            UserError::Exists { facility, badge } => bilingual!(language,
                en: "badge {badge} already exists in {facility}: use `user set-pin` to change its PIN",
                es: "la credencial {badge} ya existe en {facility}: use `user set-pin` para cambiar su PIN",
            ),
            UserError::Unknown { facility, badge } => bilingual!(language,
                en: "badge {badge} does not exist in {facility}: add it with `user add`",
                es: "la credencial {badge} no existe en {facility}: agréguela con `user add`",
            ),
            UserError::Pin(PinError::PinLength) => bilingual!(language,
                en: "a PIN has {PIN_LEN_MIN} to {PIN_LEN_MAX} characters",
                es: "un PIN tiene de {PIN_LEN_MIN} a {PIN_LEN_MAX} caracteres",
            ),
            UserError::Pin(other) => bilingual!(language,
                en: "{other}",
                es: "el PIN no se puede usar: {other}",
            ),
            UserError::Store(error) => bilingual!(language,
                en: "{error}",
                es: "error de almacenamiento: {error}",
            ),
        }
    }
}

fn check_badge(badge: &str) -> Result<&str, UserError> {
    let badge = badge.trim();
    if badge.is_empty() || badge.chars().count() > BADGE_LEN_MAX {
        return Err(UserError::Badge);
    }
    Ok(badge)
}

/// The role name in its canonical spelling.
pub fn parse_role(role: &str) -> Result<&'static str, UserError> {
    let lower = role.trim().to_ascii_lowercase();
    ROLES
        .iter()
        .find(|r| **r == lower)
        .copied()
        .ok_or_else(|| UserError::Role(role.to_owned()))
}

/// What `user add` needs.
#[derive(Clone)]
pub struct NewUser<'a> {
    /// The facility.
    pub facility: &'a str,
    /// Badge id.
    pub badge: &'a str,
    /// Name.
    pub name: &'a str,
    /// Role.
    pub role: &'a str,
    /// The PIN (only its verifier is kept).
    pub pin: &'a str,
}

/// Adds a user with a PIN; refuses a badge the facility already has.
pub fn add_user(
    store: &impl OpsStore,
    user: &NewUser<'_>,
    params: &PinParams,
    now_unix_ms: i64,
) -> Result<(), UserError> {
    let badge = check_badge(user.badge)?;
    let role = parse_role(user.role)?;
    if store.user(user.facility, badge)?.is_some() {
        return Err(UserError::Exists {
            facility: user.facility.to_owned(),
            badge: badge.to_owned(),
        });
    }
    let verifier = make_verifier(params, user.pin, &mut rand::rngs::OsRng)?;
    store.put_user(
        &UserRow {
            facility: user.facility.to_owned(),
            badge: badge.to_owned(),
            name: user.name.trim().to_owned(),
            role: role.to_owned(),
            active: true,
            pin_verifier: Some(verifier),
        },
        now_unix_ms,
    )?;
    Ok(())
}

fn existing(store: &impl OpsStore, facility: &str, badge: &str) -> Result<UserRow, UserError> {
    let badge = check_badge(badge)?;
    store
        .user(facility, badge)?
        .ok_or_else(|| UserError::Unknown {
            facility: facility.to_owned(),
            badge: badge.to_owned(),
        })
}

/// Gives a user a new PIN (and makes a deactivated user active again).
pub fn set_pin(
    store: &impl OpsStore,
    facility: &str,
    badge: &str,
    pin: &str,
    params: &PinParams,
    now_unix_ms: i64,
) -> Result<(), UserError> {
    let mut row = existing(store, facility, badge)?;
    row.pin_verifier = Some(make_verifier(params, pin, &mut rand::rngs::OsRng)?);
    row.active = true;
    store.put_user(&row, now_unix_ms)?;
    Ok(())
}

/// Deactivates a user: its verifier is erased and devices are told to drop theirs.
pub fn deactivate(
    store: &impl OpsStore,
    facility: &str,
    badge: &str,
    now_unix_ms: i64,
) -> Result<(), UserError> {
    let mut row = existing(store, facility, badge)?;
    row.active = false;
    row.pin_verifier = None;
    store.put_user(&row, now_unix_ms)?;
    Ok(())
}

pub use tally_ledger_client::wire::{PinsResponse, VerifierBody};

/// The verifiers a device of `facility` receives.
pub fn verifiers_for(store: &impl OpsStore, facility: &str) -> Result<PinsResponse, StoreError> {
    let mut verifiers = Vec::new();
    let mut deactivated = Vec::new();
    for user in store.users(facility)? {
        match (user.active, user.pin_verifier) {
            (true, Some(phc)) => verifiers.push(VerifierBody {
                badge: user.badge,
                phc,
            }),
            (true, None) => {}
            (false, _) => deactivated.push(user.badge),
        }
    }
    Ok(PinsResponse {
        facility: facility.to_owned(),
        verifiers,
        deactivated,
    })
}

/// Whether `badge` is an active admin of `facility` at the ledger.
pub fn is_admin(store: &impl OpsStore, facility: &str, badge: &str) -> Result<bool, StoreError> {
    Ok(store
        .user(facility, badge)?
        .is_some_and(|u| u.active && u.role == "admin"))
}
