-- tally replica schema: deltas, snapshots and conflicts decided from logged inputs only.

-- Every statement here can run again on a database that already has it (a test that undoes an
-- earlier migration re-runs the later ones).

-- Where each stored delta sat among this device's own events: the device's head seq when the
-- delta was folded. A replay folds own events up to it before the delta (README, "Replay").
-- Emptied with `remote_events`.
CREATE TABLE IF NOT EXISTS delta_positions (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    local_head   INTEGER NOT NULL CHECK (local_head >= 0)
) STRICT;

-- VIEW: each device's seq high-water mark processed into this view from the ledger (folded, or
-- held as unfoldable; this device's own events count when they come back from the ledger). A
-- snapshot carries this table; loading one sets this device's mark.
CREATE TABLE IF NOT EXISTS device_marks (
    device BLOB PRIMARY KEY NOT NULL,
    seq    INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;

-- VIEW: the packages each own event changed, until that event comes back from the ledger.
-- A delta that changes one of these packages is a conflict (local events win until the ledger
-- rules). Written by the fold, including packages the event itself creates.
CREATE TABLE IF NOT EXISTS local_changes (
    uid TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (uid, seq)
) WITHOUT ROWID, STRICT;

-- Device table (kept across snapshot loads): deltas that could not be folded, for a supervisor.
-- The ledger cursor moved past them.
CREATE TABLE IF NOT EXISTS held_deltas (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    device       BLOB NOT NULL,
    seq          INTEGER NOT NULL,
    kind         INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    bytes        BLOB NOT NULL
) STRICT;

-- Device table (kept across snapshot loads): validly signed events of THIS device that the
-- ledger holds and this device's log does not (same seq, other bytes, or a seq the log lacks).
-- While meta 'signing_stopped' is set the device refuses to record; re-enrollment clears it.
CREATE TABLE IF NOT EXISTS fork_evidence (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    seq          INTEGER NOT NULL,
    ours_hash    BLOB,
    theirs_hash  BLOB NOT NULL CHECK (length(theirs_hash) = 32),
    bytes        BLOB NOT NULL
) STRICT;

-- A replica from before this migration: what it knew. Remote devices' marks from the deltas it
-- stored; pending local changes from `packages.local_seq` (which missed created packages; from
-- here on `local_changes` is written by the fold and `local_seq` is no longer written).
INSERT OR IGNORE INTO device_marks (device, seq)
    SELECT device, max(seq) FROM remote_events GROUP BY device;
INSERT OR IGNORE INTO local_changes (uid, seq)
    SELECT uid, local_seq FROM packages WHERE local_seq IS NOT NULL;
