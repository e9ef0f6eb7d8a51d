-- tally replica schema, version 1.
-- Every table after the two event tables is a VIEW in the design sense: it is written only by
-- folding events (crate::apply) and can be rebuilt from them. Quantities are integers in the
-- unit named by the sibling `unit` column: 'each' counts units, 'mg' counts milligrams.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- The device's own signed events: exactly the bytes that were signed.
CREATE TABLE event_log (
    seq          INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
    hash         BLOB NOT NULL CHECK (length(hash) = 32),
    kind         INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1))
) STRICT;

-- Events of other devices received from the ledger (deltas), in ledger order.
CREATE TABLE remote_events (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    device       BLOB NOT NULL,
    seq          INTEGER NOT NULL,
    hash         BLOB NOT NULL,
    kind         INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    UNIQUE (device, seq)
) STRICT;

CREATE TABLE facilities (
    id                     TEXT PRIMARY KEY NOT NULL,
    name                   TEXT NOT NULL,
    license                TEXT NOT NULL,
    time_zone              TEXT NOT NULL,
    receiving_tolerance_mg INTEGER NOT NULL CHECK (receiving_tolerance_mg >= 0),
    count_tolerance_mg     INTEGER NOT NULL CHECK (count_tolerance_mg >= 0),
    count_tolerance_units  INTEGER NOT NULL CHECK (count_tolerance_units >= 0),
    recount_by_another     INTEGER NOT NULL CHECK (recount_by_another IN (0, 1))
) STRICT;

CREATE TABLE devices (
    device          BLOB PRIMARY KEY NOT NULL,
    facility_id     TEXT NOT NULL,
    serial          TEXT NOT NULL,
    previous_device BLOB,
    revoked         INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;

CREATE TABLE locations (
    id          TEXT PRIMARY KEY NOT NULL,
    facility_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('vault','shelf','bin','quarantine_cage','staging_lane','vehicle','dock','tote')),
    sellable    INTEGER NOT NULL CHECK (sellable IN (0, 1)),
    parent      TEXT
) STRICT;

CREATE TABLE items (
    id            TEXT PRIMARY KEY NOT NULL,
    sku           TEXT NOT NULL,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL CHECK (category IN ('flower','vape','concentrate','edible','tincture','preroll','topical','other')),
    unit          TEXT NOT NULL CHECK (unit IN ('each','mg')),
    gtin          TEXT,
    weight_is_net INTEGER NOT NULL CHECK (weight_is_net IN (0, 1)),
    tare_mg       INTEGER
) STRICT;

CREATE TABLE batches (
    id          TEXT PRIMARY KEY NOT NULL,
    item_id     TEXT NOT NULL,
    lot         TEXT NOT NULL,
    coa_status  TEXT NOT NULL CHECK (coa_status IN ('missing','pending','passed','failed')),
    expires_on  TEXT,
    thc_bp      INTEGER,
    cbd_bp      INTEGER
) STRICT;

CREATE TABLE totes (
    id          TEXT PRIMARY KEY NOT NULL,
    route       TEXT,
    location_id TEXT
) STRICT;

CREATE TABLE packages (
    uid           TEXT PRIMARY KEY NOT NULL,
    item_id       TEXT NOT NULL,
    batch_id      TEXT,
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    unit          TEXT NOT NULL CHECK (unit IN ('each','mg')),
    measured_mg   INTEGER,
    location_id   TEXT,
    status        TEXT NOT NULL CHECK (status IN ('active','on_hold','quarantined','in_transit','destroyed','finished')),
    status_reason TEXT,
    tote_id       TEXT,
    local_seq     INTEGER,
    conflict      INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1))
) STRICT;
CREATE INDEX packages_location ON packages(location_id);
CREATE INDEX packages_item ON packages(item_id, status);
CREATE INDEX packages_tote ON packages(tote_id) WHERE tote_id IS NOT NULL;

CREATE TABLE inbound_manifests (
    id                  TEXT PRIMARY KEY NOT NULL,
    origin_license      TEXT NOT NULL,
    destination_license TEXT NOT NULL,
    driver              TEXT NOT NULL,
    vehicle             TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('expected','receiving','closed'))
) STRICT;

CREATE TABLE inbound_lines (
    manifest_id TEXT NOT NULL,
    uid         TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('each','mg')),
    weight_mg   INTEGER,
    PRIMARY KEY (manifest_id, uid)
) STRICT;

-- What happened to each UID scanned while receiving (expected or not).
CREATE TABLE inbound_receipts (
    manifest_id TEXT NOT NULL,
    uid         TEXT NOT NULL,
    expected    INTEGER NOT NULL CHECK (expected IN (0, 1)),
    weighed_mg  INTEGER,
    weight_ok   INTEGER,
    label_ok    INTEGER,
    quarantined INTEGER NOT NULL DEFAULT 0,
    decision    TEXT CHECK (decision IN ('accepted','rejected')),
    reason      TEXT,
    PRIMARY KEY (manifest_id, uid)
) STRICT;
CREATE INDEX inbound_receipts_uid ON inbound_receipts(uid);

CREATE TABLE outbound_manifests (
    id                  TEXT PRIMARY KEY NOT NULL,
    origin_license      TEXT NOT NULL,
    destination_license TEXT NOT NULL,
    route               TEXT NOT NULL,
    driver              TEXT NOT NULL,
    vehicle             TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft','ready'))
) STRICT;

CREATE TABLE outbound_lines (
    manifest_id TEXT NOT NULL,
    uid         TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('each','mg')),
    weight_mg   INTEGER,
    PRIMARY KEY (manifest_id, uid)
) STRICT;

CREATE TABLE pick_lists (
    id       TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL,
    route    TEXT NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('open','done'))
) STRICT;

-- batch_id: the order requires this batch; NULL: first-expired-first-out decides.
CREATE TABLE pick_lines (
    pick_list_id TEXT NOT NULL,
    line_no      INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    unit         TEXT NOT NULL CHECK (unit IN ('each','mg')),
    batch_id     TEXT,
    picked       INTEGER NOT NULL DEFAULT 0,
    short        INTEGER NOT NULL DEFAULT 0,
    short_reason TEXT,
    PRIMARY KEY (pick_list_id, line_no)
) STRICT;

CREATE TABLE picks (
    pick_list_id TEXT NOT NULL,
    line_no      INTEGER NOT NULL,
    uid          TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    unit         TEXT NOT NULL,
    tote_id      TEXT NOT NULL,
    PRIMARY KEY (pick_list_id, line_no, uid)
) STRICT;
CREATE INDEX picks_tote ON picks(tote_id);

CREATE TABLE count_tasks (
    id            TEXT PRIMARY KEY NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('scheduled','counting','recount','review','closed')),
    round         INTEGER NOT NULL DEFAULT 0,
    assigned_to   TEXT,
    counter       TEXT,
    first_counter TEXT
) STRICT;

CREATE TABLE count_task_locations (
    task_id     TEXT NOT NULL,
    location_id TEXT NOT NULL,
    PRIMARY KEY (task_id, location_id)
) STRICT;

CREATE TABLE count_task_items (
    task_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    PRIMARY KEY (task_id, item_id)
) STRICT;

-- Expected stock frozen at count start. Never readable on the counting connection.
CREATE TABLE count_expected (
    task_id     TEXT NOT NULL,
    uid         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL,
    PRIMARY KEY (task_id, uid)
) STRICT;

-- What the counters found. One row per (task, round, uid); quantity NULL until entered.
CREATE TABLE count_lines (
    task_id     TEXT NOT NULL,
    round       INTEGER NOT NULL,
    uid         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER,
    unit        TEXT,
    counter     TEXT NOT NULL,
    PRIMARY KEY (task_id, round, uid)
) STRICT;

-- UIDs a recount round must cover (no quantities).
CREATE TABLE count_recounts (
    task_id TEXT NOT NULL,
    round   INTEGER NOT NULL,
    uid     TEXT NOT NULL,
    PRIMARY KEY (task_id, round, uid)
) STRICT;

CREATE TABLE adjustments (
    origin     TEXT NOT NULL,
    ref        INTEGER NOT NULL,
    uid        TEXT NOT NULL,
    task_id    TEXT,
    from_qty   INTEGER NOT NULL,
    to_qty     INTEGER NOT NULL,
    unit       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    approver   TEXT NOT NULL,
    PRIMARY KEY (origin, ref)
) STRICT;
CREATE INDEX adjustments_task ON adjustments(task_id, uid);

CREATE TABLE users (
    badge    TEXT PRIMARY KEY NOT NULL,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('operator','supervisor','admin','auditor')),
    pin_hash TEXT NOT NULL,
    active   INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE reason_codes (
    code        TEXT PRIMARY KEY NOT NULL,
    description TEXT NOT NULL
) STRICT;

CREATE TABLE scales (
    id              TEXT PRIMARY KEY NOT NULL,
    serial          TEXT NOT NULL,
    model           TEXT NOT NULL,
    division_mg     INTEGER NOT NULL,
    capacity_mg     INTEGER NOT NULL,
    calibration_due TEXT NOT NULL,
    last_check_ok   INTEGER
) STRICT;

-- The last stable reading of each package on this device (destruction needs one).
CREATE TABLE readings (
    uid       TEXT PRIMARY KEY NOT NULL,
    origin    TEXT NOT NULL,
    ref       INTEGER NOT NULL,
    scale_id  TEXT NOT NULL,
    weight_mg INTEGER NOT NULL,
    stable    INTEGER NOT NULL
) STRICT;

CREATE TABLE destructions (
    uid       TEXT PRIMARY KEY NOT NULL,
    quantity  INTEGER NOT NULL,
    unit      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    method    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    witness   TEXT NOT NULL,
    origin    TEXT NOT NULL,
    ref       INTEGER NOT NULL
) STRICT;

CREATE TABLE investigations (
    id     TEXT PRIMARY KEY NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open','closed'))
) STRICT;

CREATE TABLE investigation_packages (
    investigation_id TEXT NOT NULL,
    uid              TEXT NOT NULL,
    PRIMARY KEY (investigation_id, uid)
) STRICT;

-- Events voided by a later event (events are never edited).
CREATE TABLE voided (
    device BLOB NOT NULL,
    seq    INTEGER NOT NULL,
    hash   BLOB NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (device, seq)
) STRICT;

-- Which events touched which UID (for lookup): origin 'local' (ref = seq) or 'remote' (ref = ledger index).
CREATE TABLE package_history (
    uid    TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('local','remote')),
    ref    INTEGER NOT NULL,
    kind   INTEGER NOT NULL,
    PRIMARY KEY (uid, origin, ref)
) WITHOUT ROWID, STRICT;

-- Two devices acted on one UID: kept for a supervisor, never resolved by last-writer-wins.
CREATE TABLE conflicts (
    uid          TEXT NOT NULL,
    local_seq    INTEGER NOT NULL,
    ledger_index INTEGER NOT NULL,
    remote_kind  INTEGER NOT NULL,
    PRIMARY KEY (uid, ledger_index)
) STRICT;
