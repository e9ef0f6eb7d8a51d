-- tally replica schema: deltas, snapshots and conflicts decided from logged inputs only.

-- Where each delta sat among this device's own events: the device's head seq when the delta
-- was folded. A replay folds own events up to it before the delta (see the README, "Replay").
ALTER TABLE remote_events ADD COLUMN local_head INTEGER NOT NULL DEFAULT 0;

-- VIEW: each device's seq high-water mark processed into this view from the ledger (folded, or
-- held as unfoldable; this device's own events count when they come back from the ledger). A
-- snapshot carries this table; loading one sets this device's mark.
CREATE TABLE device_marks (
    device BLOB PRIMARY KEY NOT NULL,
    seq    INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;

-- VIEW: the packages each own event changed, until that event comes back from the ledger.
-- A delta that changes one of these packages is a conflict (local events win until the ledger
-- rules). Written by the fold, including packages the event itself creates.
CREATE TABLE local_changes (
    uid TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (uid, seq)
) WITHOUT ROWID, STRICT;

-- Device table (kept across snapshot loads): deltas that could not be folded, for a supervisor.
-- The ledger cursor moved past them.
CREATE TABLE held_deltas (
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
CREATE TABLE fork_evidence (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    seq          INTEGER NOT NULL,
    ours_hash    BLOB,
    theirs_hash  BLOB NOT NULL CHECK (length(theirs_hash) = 32),
    bytes        BLOB NOT NULL
) STRICT;
