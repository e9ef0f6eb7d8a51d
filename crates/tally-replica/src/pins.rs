//! The device's PIN verifiers and its count of wrong PINs: local tables outside the view.
//!
//! The ledger sends each user's verifier (an Argon2id PHC string, [`tally_events::pin`]) over
//! the device-authenticated channel; [`store`] keeps only the salt, the parameters and the
//! Argon2id output sealed under the device's pepper (HMAC-SHA256), in `pin_verifiers`. That
//! table and `pin_attempts` are not part of the view: a replay never writes them, view
//! digests and snapshots leave them out, and without the key file (where the pepper comes
//! from) nothing in them checks a guess.
//!
//! [`pin_opens`] runs one Argon2id whether or not the badge has a verifier, so the time a
//! refusal takes does not tell a known badge from an unknown one.

use rusqlite::{params, Connection, OptionalExtension};
use tally_events::pin::{self, PinParams, PinPepper, PinVerifier, OUTPUT_LEN, SALT_LEN};

use crate::error::ReplicaError;

/// Wrong PINs in a row after which a badge is locked out ([`pin::LOCKOUT`], the rule the
/// ledger's supervisor sign-in uses too).
pub const WRONG_PINS_BEFORE_LOCKOUT: u32 = pin::LOCKOUT.wrong_pins;
/// How long a lockout lasts unless a supervisor lifts it (facility time; [`pin::LOCKOUT`]).
pub const LOCKOUT_MS: i64 = pin::LOCKOUT.window_ms;
/// Most verifiers accepted in one batch.
pub const VERIFIERS_PER_BATCH_MAX: usize = 10_000;

/// A user's PIN verifier as the ledger sends it.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedVerifier {
    /// Badge id.
    pub badge: String,
    /// Argon2id PHC string made by [`tally_events::pin::make_verifier`].
    pub phc: String,
}

impl std::fmt::Debug for IssuedVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedVerifier")
            .field("badge", &self.badge)
            .finish_non_exhaustive()
    }
}

/// Stores verifiers sealed under `pepper`, replacing a badge's previous one; all or none
/// (the caller runs this in one transaction). A verifier already held exactly as sent is not
/// written again. Returns how many were written (new or changed).
pub fn store(
    conn: &Connection,
    pepper: &PinPepper,
    verifiers: &[IssuedVerifier],
) -> Result<usize, ReplicaError> {
    if verifiers.len() > VERIFIERS_PER_BATCH_MAX {
        return Err(ReplicaError::Limit(format!(
            "{} PIN verifiers in one batch (at most {VERIFIERS_PER_BATCH_MAX})",
            verifiers.len()
        )));
    }
    let mut parsed = Vec::with_capacity(verifiers.len());
    for issued in verifiers {
        let badge = issued.badge.trim();
        if badge.is_empty() || badge.len() > crate::workflow::ID_LEN_MAX {
            return Err(ReplicaError::PinVerifier {
                badge: badge.chars().take(crate::workflow::ID_LEN_MAX).collect(),
                problem: pin::PinError::Malformed,
            });
        }
        let verifier =
            PinVerifier::parse(&issued.phc).map_err(|problem| ReplicaError::PinVerifier {
                badge: badge.to_owned(),
                problem,
            })?;
        parsed.push((badge, verifier));
    }
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO pin_verifiers (badge, m_cost_kib, t_cost, p_cost, salt, sealed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut written = 0;
    for (badge, verifier) in &parsed {
        let sealed = pepper.seal(badge, &verifier.output);
        if holds(conn, badge, verifier, &sealed)? {
            continue;
        }
        insert.execute(params![
            badge,
            verifier.params.m_cost_kib,
            verifier.params.t_cost,
            verifier.params.p_cost,
            &verifier.salt[..],
            &sealed[..]
        ])?;
        written += 1;
    }
    Ok(written)
}

/// Whether `badge`'s stored verifier is already exactly this one (same parameters, salt and
/// sealed output): then nothing is written, so a sync pass with no PIN changed writes nothing.
fn holds(
    conn: &Connection,
    badge: &str,
    verifier: &PinVerifier,
    sealed: &[u8],
) -> Result<bool, ReplicaError> {
    match load(conn, badge) {
        Ok(stored) => Ok(stored.is_some_and(|stored| {
            stored.params == verifier.params
                && stored.salt == verifier.salt
                && stored.sealed == sealed
        })),
        // A damaged stored verifier is not the one sent: it is written again.
        Err(ReplicaError::Storage(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// What one refresh from the ledger changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Refreshed {
    /// Verifiers written (new or changed; one already held as sent is not written again).
    pub stored: usize,
    /// Verifiers dropped: badges the ledger deactivated.
    pub dropped: usize,
}

/// Applies the ledger's PIN list to a device's database in ONE transaction: the active users'
/// verifiers are stored sealed under `pepper` ([`store`]), and the verifiers (and counts of
/// wrong PINs) of badges deactivated at the ledger are erased, so those badges can no longer
/// sign in on this device. Badges the ledger does not mention are left as they are (a device
/// may hold users the ledger has not been told of, such as the offline demo's).
pub fn refresh_from_ledger(
    conn: &mut Connection,
    pepper: &PinPepper,
    verifiers: &[IssuedVerifier],
    deactivated: &[String],
) -> Result<Refreshed, ReplicaError> {
    if deactivated.len() > VERIFIERS_PER_BATCH_MAX {
        return Err(ReplicaError::Limit(format!(
            "{} deactivated badges in one batch (at most {VERIFIERS_PER_BATCH_MAX})",
            deactivated.len()
        )));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let stored = store(&tx, pepper, verifiers)?;
    let mut dropped = 0;
    for badge in deactivated {
        let badge = badge.trim();
        if verifiers.iter().any(|v| v.badge.trim() == badge) {
            continue;
        }
        dropped += tx
            .prepare_cached("DELETE FROM pin_verifiers WHERE badge = ?1")?
            .execute([badge])?;
        forget_failures(&tx, badge)?;
    }
    tx.commit()?;
    Ok(Refreshed { stored, dropped })
}

struct Stored {
    params: PinParams,
    salt: [u8; SALT_LEN],
    sealed: Vec<u8>,
}

fn load(conn: &Connection, badge: &str) -> Result<Option<Stored>, ReplicaError> {
    let damaged = || ReplicaError::Storage(format!("the PIN verifier of {badge} is damaged"));
    let row = conn
        .prepare_cached(
            "SELECT m_cost_kib, t_cost, p_cost, salt, sealed FROM pin_verifiers WHERE badge = ?1",
        )?
        .query_row([badge], |r| {
            let salt: Vec<u8> = r.get(3)?;
            Ok((
                PinParams {
                    m_cost_kib: r.get(0)?,
                    t_cost: r.get(1)?,
                    p_cost: r.get(2)?,
                },
                salt,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })
        .optional()?;
    let Some((params, salt, sealed)) = row else {
        return Ok(None);
    };
    Ok(Some(Stored {
        params,
        salt: salt.try_into().map_err(|_| damaged())?,
        sealed,
    }))
}

/// The parameters the stand-in hash for a badge without a verifier uses: those of a stored
/// verifier (so both cost the same), else the production set.
fn stand_in_params(conn: &Connection) -> Result<PinParams, ReplicaError> {
    let row: Option<(u32, u32, u32)> = conn
        .prepare_cached(
            "SELECT m_cost_kib, t_cost, p_cost FROM pin_verifiers ORDER BY badge LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map_or(PinParams::PRODUCTION, |(m, t, p)| PinParams {
        m_cost_kib: m,
        t_cost: t,
        p_cost: p,
    }))
}

/// Whether `pin` is `badge`'s PIN by its stored verifier. Runs one Argon2id either way: a
/// badge without a verifier costs the same time and answers `false`.
pub fn pin_opens(
    conn: &Connection,
    pepper: &PinPepper,
    badge: &str,
    pin: &str,
) -> Result<bool, ReplicaError> {
    let stored = load(conn, badge)?;
    let (params, salt) = match &stored {
        Some(stored) => (stored.params, stored.salt),
        None => (stand_in_params(conn)?, [0x5a; SALT_LEN]),
    };
    let output: [u8; OUTPUT_LEN] = pin::hash_guess(&params, &salt, pin).map_err(|e| {
        ReplicaError::Storage(format!("the PIN verifier of {badge} cannot be used: {e}"))
    })?;
    Ok(match &stored {
        Some(stored) => pepper.opens(badge, &output, &stored.sealed),
        None => {
            std::hint::black_box(pepper.seal(badge, &output));
            false
        }
    })
}

/// The end of `badge`'s lockout if one is recorded and still running at `now_ms`.
pub fn locked_until(
    conn: &Connection,
    badge: &str,
    now_ms: i64,
) -> Result<Option<i64>, ReplicaError> {
    let until: Option<i64> = conn
        .prepare_cached("SELECT locked_until_ms FROM user_lockouts WHERE badge = ?1")?
        .query_row([badge], |r| r.get(0))
        .optional()?;
    Ok(until.filter(|until| *until > now_ms))
}

/// Counts one more wrong PIN for `badge`; returns the count in a row.
pub fn record_failure(conn: &Connection, badge: &str) -> Result<u32, ReplicaError> {
    conn.prepare_cached(
        "INSERT INTO pin_attempts (badge, failures) VALUES (?1, 1)
         ON CONFLICT (badge) DO UPDATE SET failures = failures + 1",
    )?
    .execute([badge])?;
    let failures: i64 = conn
        .prepare_cached("SELECT failures FROM pin_attempts WHERE badge = ?1")?
        .query_row([badge], |r| r.get(0))?;
    Ok(u32::try_from(failures).unwrap_or(u32::MAX))
}

/// Forgets `badge`'s wrong PINs (a good PIN, a lockout, an unlock).
pub fn forget_failures(conn: &Connection, badge: &str) -> Result<(), ReplicaError> {
    conn.prepare_cached("DELETE FROM pin_attempts WHERE badge = ?1")?
        .execute([badge])?;
    Ok(())
}
