-- Events of this device's earlier chains, moved out of event_log when the device re-enrolled
-- (a restore detected, a lost key): kept for ever, never folded again. The ones the ledger had
-- not acknowledged are flagged for a supervisor: they may never have reached it.
CREATE TABLE superseded_events (
    device         BLOB NOT NULL CHECK (length(device) = 32),
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    hash           BLOB NOT NULL CHECK (length(hash) = 32),
    kind           INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    bytes          BLOB NOT NULL,
    acknowledged   INTEGER NOT NULL CHECK (acknowledged IN (0, 1)),
    re_enrolled_as BLOB NOT NULL CHECK (length(re_enrolled_as) = 32),
    PRIMARY KEY (device, seq)
) STRICT;

CREATE INDEX superseded_events_unacknowledged ON superseded_events (acknowledged, device, seq);
