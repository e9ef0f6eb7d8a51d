-- tally replica schema: the sync daemon's state (tallyd; docs/SYNC.md). Written only by tallyd,
-- in short transactions, while the app keeps recording; read by `tallyd status` and the app's
-- home screen.

-- The ledger this device syncs to, pinned at enrollment (`tallyd enroll`): its URL, its log's
-- origin and note verifier key (every checkpoint must verify with it), and what the ledger
-- said of this device. One row.
CREATE TABLE IF NOT EXISTS ledger_link (
    id               INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    url              TEXT NOT NULL,
    origin           TEXT NOT NULL,
    verifier_key     TEXT NOT NULL,
    device           BLOB NOT NULL CHECK (length(device) = 32),
    facility         TEXT NOT NULL,
    name             TEXT NOT NULL,
    enrolled_unix_ms INTEGER NOT NULL
) STRICT;

-- The outbox mark of each device key: the highest seq of its own events whose receipt
-- verified (inclusion proof against a checkpoint signed by the pinned key). Events above it
-- are waiting.
CREATE TABLE IF NOT EXISTS ledger_outbox (
    device     BLOB PRIMARY KEY NOT NULL CHECK (length(device) = 32),
    pushed_seq INTEGER NOT NULL CHECK (pushed_seq >= 0)
) STRICT;

-- Where the ledger logged each pushed event (its receipt; the checkpoint is in
-- ledger_checkpoints).
CREATE TABLE IF NOT EXISTS ledger_receipts (
    device    BLOB NOT NULL CHECK (length(device) = 32),
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    log_index INTEGER NOT NULL CHECK (log_index >= 0),
    tree_size INTEGER NOT NULL CHECK (tree_size > log_index),
    PRIMARY KEY (device, seq)
) STRICT;

-- Every checkpoint accepted: signed by the pinned key and consistent with the ones held.
-- `anchor` counts supervisor re-anchorings (0 from enrollment): a ledger restored from a
-- backup starts a new anchor, and the older checkpoints stay as evidence.
CREATE TABLE IF NOT EXISTS ledger_checkpoints (
    anchor           INTEGER NOT NULL CHECK (anchor >= 0),
    size             INTEGER NOT NULL CHECK (size >= 0),
    root             BLOB NOT NULL CHECK (length(root) = 32),
    note             TEXT NOT NULL,
    accepted_unix_ms INTEGER NOT NULL,
    PRIMARY KEY (anchor, size)
) STRICT;

-- What `tallyd status` and the app show. One row.
CREATE TABLE IF NOT EXISTS ledger_sync_status (
    id                   INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    last_attempt_unix_ms INTEGER,
    last_success_unix_ms INTEGER,
    last_error           TEXT,
    last_error_unix_ms   INTEGER
) STRICT;
