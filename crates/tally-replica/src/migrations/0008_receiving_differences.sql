-- Lines accepted at a quantity or weight different from the manifest, with their reason
-- (kind 277 receipt_difference_noted): the discrepancy list a receiver keys into the state
-- system at close.
CREATE TABLE IF NOT EXISTS inbound_differences (
    manifest_id     TEXT NOT NULL,
    uid             TEXT NOT NULL,
    manifest_amount INTEGER NOT NULL,
    manifest_unit   TEXT NOT NULL,
    received_amount INTEGER NOT NULL,
    received_unit   TEXT NOT NULL,
    reason_code     TEXT NOT NULL,
    note            TEXT NOT NULL,
    PRIMARY KEY (manifest_id, uid)
) STRICT;
