-- tally replica schema: the app's side of the sync daemon (docs/SYNC.md, "Sync now" and "What
-- the app shows"). Each table has one writer.

-- "Sync now": the app counts the requests (0 Sync, its one key); a running tallyd that sees the
-- count move wakes from its wait and runs a pass at once, whatever its backoff. Written only by
-- the app (the worker's connection), read by tallyd. One row.
CREATE TABLE IF NOT EXISTS ledger_sync_requests (
    id                INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    requests          INTEGER NOT NULL CHECK (requests >= 0),
    requested_unix_ms INTEGER NOT NULL
) STRICT;

-- What kind of failure the last pass ended with (NULL after a success), so the app says it in
-- the person's words and language: 'unreachable' (the ledger cannot be reached: offline),
-- 'untrusted' (the ledger sent something the device does not trust: rolled back, rewrote its
-- history, lost events), 'refused' (the ledger refused one of the device's records), 'setup'
-- (not enrolled, another key) or 'other'. Written only by tallyd, in the same transaction as
-- ledger_sync_status. One row.
CREATE TABLE IF NOT EXISTS ledger_sync_outcome (
    id              INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    last_error_kind TEXT CHECK (last_error_kind IN ('unreachable', 'untrusted', 'refused', 'setup', 'other'))
) STRICT;
