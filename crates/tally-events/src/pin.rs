//! PIN verifiers: how a user's PIN is hashed, carried and kept, outside the signed log.
//!
//! A PIN is a few digits, so any fast hash of it falls to a loop over every PIN. PIN verifiers
//! therefore never travel in events (the log is permanent and readable by auditors): the
//! ledger keeps an Argon2id hash of each PIN as master data and sends it to a device over the
//! device-authenticated channel as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`),
//! made by [`make_verifier`]. The cost parameters travel inside the string, so they can be
//! raised later without touching the verifiers already issued.
//!
//! A device does not keep the PHC string. It keeps the salt, the parameters and
//! HMAC-SHA256(pepper, badge, Argon2id output) ([`PinPepper::seal`]), where the pepper is
//! derived from the device key seed ([`DeviceKey::pin_pepper`]) and so lives beside the device
//! key, never in the database. A copied database alone gives nothing up: checking a guess
//! needs the pepper.
//!
//! Two named parameter sets: [`PinParams::PRODUCTION`] (about 100 ms per guess on a handheld;
//! see `docs/ARCHITECTURE.md`) and [`PinParams::TEST`] (cheap, for tests only).

use argon2::password_hash::{PasswordHash, PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac as _};
use rand_core::CryptoRngCore;
use sha2::Sha256;
use thiserror::Error;

use crate::key::DeviceKey;

/// Bytes of an Argon2id output a verifier holds.
pub const OUTPUT_LEN: usize = 32;
/// Bytes of a verifier's salt.
pub const SALT_LEN: usize = 16;
/// Shortest PIN accepted.
pub const PIN_LEN_MIN: usize = 4;
/// Longest PIN accepted (bytes).
pub const PIN_LEN_MAX: usize = 64;
/// The label the pepper is derived under (domain separation from the signing key's use).
pub const PEPPER_LABEL: &[u8] = b"tally/pin-pepper/v1";
/// The label a sealed verifier is computed under.
pub const SEAL_LABEL: &[u8] = b"tally/pin-verifier/v1";

/// Most memory a verifier may ask for (KiB): one guess must fit a handheld.
pub const M_COST_MAX_KIB: u32 = 262_144;
/// Most passes a verifier may ask for.
pub const T_COST_MAX: u32 = 16;
/// Most lanes a verifier may ask for.
pub const P_COST_MAX: u32 = 8;

/// The wrong-PIN lockout: one rule for signing in on a device (`tally_replica`'s session
/// workflow) and for a supervisor signing in at the ledger (`tally_ledger::supervisor`), kept
/// here beside the Argon2 parameters so the two cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LockoutRule {
    /// Wrong PINs on one badge that lock it out.
    pub wrong_pins: u32,
    /// How long a lockout lasts, ms; at the ledger also the window the wrong PINs are counted
    /// in (a device counts them in a row until a right PIN, a lockout or an unlock).
    pub window_ms: i64,
}

impl LockoutRule {
    /// Whether `failures` wrong PINs lock a badge out (a count beyond `u32` locks too).
    pub fn locks(&self, failures: u64) -> bool {
        failures >= u64::from(self.wrong_pins)
    }
}

/// The lockout rule in force: 5 wrong PINs, 15 minutes.
pub const LOCKOUT: LockoutRule = LockoutRule {
    wrong_pins: 5,
    window_ms: 15 * 60 * 1_000,
};

/// Argon2id cost parameters, stored with every verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PinParams {
    /// Memory, KiB.
    pub m_cost_kib: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl PinParams {
    /// The production set: 19 MiB, 2 passes, 1 lane (the OWASP minimum for Argon2id). One
    /// guess costs about 100 ms on a handheld's low-power cores; measured in the `pin`
    /// benchmark of this crate, numbers in `docs/ARCHITECTURE.md`.
    pub const PRODUCTION: PinParams = PinParams {
        m_cost_kib: 19_456,
        t_cost: 2,
        p_cost: 1,
    };

    /// A cheap set for tests (64 KiB, one pass): never for real verifiers.
    pub const TEST: PinParams = PinParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn argon2(&self) -> Result<Argon2<'static>, PinError> {
        if self.m_cost_kib > M_COST_MAX_KIB
            || self.t_cost > T_COST_MAX
            || self.p_cost == 0
            || self.p_cost > P_COST_MAX
        {
            return Err(PinError::Params(*self));
        }
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(OUTPUT_LEN))
            .map_err(|_| PinError::Params(*self))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// What is wrong with a PIN or a verifier.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PinError {
    /// The PIN is too short or too long.
    #[error("a PIN has {PIN_LEN_MIN} to {PIN_LEN_MAX} characters")]
    PinLength,
    /// Not an Argon2id PHC string this version reads.
    #[error("the PIN verifier is not an Argon2id (version 19) PHC string with a {SALT_LEN}-byte salt and a {OUTPUT_LEN}-byte hash")]
    Malformed,
    /// Cost parameters outside what a device accepts.
    #[error("the PIN verifier's cost parameters (m={} KiB, t={}, p={}) are outside what a device accepts (m at most {M_COST_MAX_KIB} KiB, t at most {T_COST_MAX}, p 1 to {P_COST_MAX})", .0.m_cost_kib, .0.t_cost, .0.p_cost)]
    Params(PinParams),
}

fn check_pin(pin: &str) -> Result<(), PinError> {
    if pin.chars().count() < PIN_LEN_MIN || pin.len() > PIN_LEN_MAX {
        return Err(PinError::PinLength);
    }
    Ok(())
}

/// Makes the verifier of `pin` (what the ledger keeps and sends to devices): an Argon2id PHC
/// string with a fresh random salt and `params` written into it.
pub fn make_verifier<R: CryptoRngCore>(
    params: &PinParams,
    pin: &str,
    rng: &mut R,
) -> Result<String, PinError> {
    check_pin(pin)?;
    let argon2 = params.argon2()?;
    let mut salt = [0u8; SALT_LEN];
    rng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| PinError::Malformed)?;
    let hash = argon2
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|_| PinError::Params(*params))?;
    Ok(hash.to_string())
}

/// A verifier as parsed from its PHC string.
#[derive(Clone, PartialEq, Eq)]
pub struct PinVerifier {
    /// Cost parameters.
    pub params: PinParams,
    /// Salt.
    pub salt: [u8; SALT_LEN],
    /// Argon2id output.
    pub output: [u8; OUTPUT_LEN],
}

impl std::fmt::Debug for PinVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinVerifier")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl PinVerifier {
    /// Parses an Argon2id (version 19) PHC string and checks its parameters.
    pub fn parse(phc: &str) -> Result<PinVerifier, PinError> {
        if phc.len() > 256 {
            return Err(PinError::Malformed);
        }
        let hash = PasswordHash::new(phc).map_err(|_| PinError::Malformed)?;
        if hash.algorithm != argon2::ARGON2ID_IDENT || hash.version != Some(0x13) {
            return Err(PinError::Malformed);
        }
        let params = Params::try_from(&hash).map_err(|_| PinError::Malformed)?;
        let params = PinParams {
            m_cost_kib: params.m_cost(),
            t_cost: params.t_cost(),
            p_cost: params.p_cost(),
        };
        params.argon2()?;
        let mut salt = [0u8; SALT_LEN];
        let decoded = hash
            .salt
            .ok_or(PinError::Malformed)?
            .decode_b64(&mut salt)
            .map_err(|_| PinError::Malformed)?;
        if decoded.len() != SALT_LEN {
            return Err(PinError::Malformed);
        }
        let output: [u8; OUTPUT_LEN] = hash
            .hash
            .ok_or(PinError::Malformed)?
            .as_bytes()
            .try_into()
            .map_err(|_| PinError::Malformed)?;
        Ok(PinVerifier {
            params,
            salt,
            output,
        })
    }
}

/// The Argon2id output for a guess, with a verifier's salt and parameters. A PIN of the wrong
/// length gives an output no verifier holds (the same work is done either way).
pub fn hash_guess(
    params: &PinParams,
    salt: &[u8; SALT_LEN],
    pin: &str,
) -> Result<[u8; OUTPUT_LEN], PinError> {
    let argon2 = params.argon2()?;
    let mut out = [0u8; OUTPUT_LEN];
    let input: &[u8] = if check_pin(pin).is_ok() {
        pin.as_bytes()
    } else {
        // Keep the cost of a malformed guess equal to that of a well-formed one.
        b"\0not a pin\0"
    };
    argon2
        .hash_password_into(input, salt, &mut out)
        .map_err(|_| PinError::Params(*params))?;
    if check_pin(pin).is_err() {
        out = [0xff; OUTPUT_LEN];
    }
    Ok(out)
}

/// The device's PIN pepper: a secret derived from the device key seed, so it lives where the
/// key lives and never in the database.
#[derive(Clone, PartialEq, Eq)]
pub struct PinPepper([u8; 32]);

impl std::fmt::Debug for PinPepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinPepper(..)")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl PinPepper {
    /// A pepper from its 32 bytes (tests; devices use [`DeviceKey::pin_pepper`]).
    pub fn from_bytes(bytes: [u8; 32]) -> PinPepper {
        PinPepper(bytes)
    }

    #[allow(
        clippy::expect_used,
        reason = "HMAC takes a key of any length: the error cannot happen"
    )]
    fn mac(&self, badge: &str, output: &[u8; OUTPUT_LEN]) -> HmacSha256 {
        let mut mac = <HmacSha256 as hmac::Mac>::new_from_slice(&self.0)
            .expect("HMAC takes a key of any length");
        mac.update(SEAL_LABEL);
        mac.update(&[0]);
        mac.update(&(badge.len() as u64).to_be_bytes());
        mac.update(badge.as_bytes());
        mac.update(output);
        mac
    }

    /// What the device stores for `badge`'s verifier: HMAC-SHA256 under the pepper of the
    /// badge and the Argon2id output (binding the row to its badge).
    pub fn seal(&self, badge: &str, output: &[u8; OUTPUT_LEN]) -> [u8; 32] {
        self.mac(badge, output).finalize().into_bytes().into()
    }

    /// Whether `output` (of a guess) seals to `stored`, compared in constant time.
    pub fn opens(&self, badge: &str, output: &[u8; OUTPUT_LEN], stored: &[u8]) -> bool {
        self.mac(badge, output).verify_slice(stored).is_ok()
    }
}

impl DeviceKey {
    /// The device's PIN pepper: HMAC-SHA256 keyed by the key seed over [`PEPPER_LABEL`], so it
    /// is never the seed itself nor anything the signing key produces.
    #[allow(
        clippy::expect_used,
        reason = "HMAC takes a key of any length: the error cannot happen"
    )]
    pub fn pin_pepper(&self) -> PinPepper {
        let mut mac = <HmacSha256 as hmac::Mac>::new_from_slice(&self.seed())
            .expect("HMAC takes a key of any length");
        mac.update(PEPPER_LABEL);
        PinPepper(mac.finalize().into_bytes().into())
    }
}

/// Serializes a field that may hold PIN material as `"redacted"` (old `user_defined` events):
/// no JSON or text view of an event ever shows it.
pub(crate) fn serialize_redacted<S: serde::Serializer>(
    _value: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(REDACTED)
}

/// What a redacted field shows.
pub const REDACTED: &str = "redacted";

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn the_lockout_rule_locks_at_its_count_and_not_before() {
        assert!(!LOCKOUT.locks(0));
        assert!(!LOCKOUT.locks(u64::from(LOCKOUT.wrong_pins) - 1));
        assert!(LOCKOUT.locks(u64::from(LOCKOUT.wrong_pins)));
        assert!(LOCKOUT.locks(u64::MAX));
    }

    #[test]
    fn a_verifier_round_trips_and_checks_only_its_pin() {
        let phc = make_verifier(&PinParams::TEST, "4821", &mut OsRng).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        let v = PinVerifier::parse(&phc).unwrap();
        assert_eq!(v.params, PinParams::TEST);
        assert_eq!(hash_guess(&v.params, &v.salt, "4821").unwrap(), v.output);
        assert_ne!(hash_guess(&v.params, &v.salt, "4822").unwrap(), v.output);
        // Two verifiers of one PIN differ (fresh salts).
        let again = make_verifier(&PinParams::TEST, "4821", &mut OsRng).unwrap();
        assert_ne!(phc, again);
    }

    #[test]
    fn malformed_or_expensive_verifiers_are_refused() {
        for bad in [
            "",
            "sha256:0303:abcd",
            "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            // Short hash.
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
        ] {
            assert_eq!(PinVerifier::parse(bad), Err(PinError::Malformed), "{bad}");
        }
        let huge = "$argon2id$v=19$m=4000000,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        assert!(matches!(PinVerifier::parse(huge), Err(PinError::Params(_))));
        assert_eq!(
            make_verifier(&PinParams::TEST, "12", &mut OsRng),
            Err(PinError::PinLength)
        );
    }

    #[test]
    fn the_pepper_is_keyed_by_the_device_and_seals_bind_the_badge() {
        let a = DeviceKey::from_seed([1; 32]);
        let b = DeviceKey::from_seed([2; 32]);
        assert_ne!(a.pin_pepper(), b.pin_pepper());
        assert_ne!(a.pin_pepper().0, a.seed());
        let out = [7u8; OUTPUT_LEN];
        let sealed = a.pin_pepper().seal("B1", &out);
        assert_ne!(sealed, out, "the stored value is not the Argon2 output");
        assert!(a.pin_pepper().opens("B1", &out, &sealed));
        assert!(!a.pin_pepper().opens("B2", &out, &sealed));
        assert!(!b.pin_pepper().opens("B1", &out, &sealed));
        assert!(format!("{:?}", a.pin_pepper()).contains(".."));
    }
}
