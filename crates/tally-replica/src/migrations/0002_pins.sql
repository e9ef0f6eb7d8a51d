-- PINs leave the view and the log (issue 11, section 1).
--
-- users.pin_hash held the SHA-256 PIN hashes that old `user_defined` events (kind 265)
-- carried; they are never a verifier again, so the column goes (and with it every copy
-- in existing replicas).
ALTER TABLE users DROP COLUMN pin_hash;

-- VIEW: badges locked out after too many wrong PINs, folded from `user_locked_out`
-- (kind 4) and cleared by `user_unlocked` (kind 5). Keyed by the badge that was tried,
-- known or not, so a lockout tells nobody whether a badge exists.
CREATE TABLE user_lockouts (
    badge           TEXT PRIMARY KEY NOT NULL,
    locked_until_ms INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL CHECK (failed_attempts >= 0)
) STRICT;

-- LOCAL, NOT VIEW: the PIN verifiers the ledger sent, sealed under this device's pepper
-- (derived from the device key, never stored here): sealed = HMAC-SHA256(pepper, badge,
-- Argon2id output). A replay never writes this table, a snapshot never carries it, and
-- without the key file nothing in it checks a guess.
CREATE TABLE pin_verifiers (
    badge      TEXT PRIMARY KEY NOT NULL,
    m_cost_kib INTEGER NOT NULL CHECK (m_cost_kib > 0),
    t_cost     INTEGER NOT NULL CHECK (t_cost > 0),
    p_cost     INTEGER NOT NULL CHECK (p_cost > 0),
    salt       BLOB NOT NULL CHECK (length(salt) = 16),
    sealed     BLOB NOT NULL CHECK (length(sealed) = 32)
) STRICT;

-- LOCAL, NOT VIEW: wrong PINs in a row per badge tried on this device (known or not).
-- Reset by a good PIN, by a lockout and by an unlock.
CREATE TABLE pin_attempts (
    badge    TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL CHECK (failures >= 0)
) STRICT;
