-- tally replica schema, version 1.
-- Every table below the event log is a VIEW in the design sense: it is rebuilt by folding the
-- events (crate::apply) and never written by anything else. Quantities are integers in the
-- unit named by the sibling `unit` column: 'each' counts units, 'mg' counts milligrams.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- The device's own signed events, exactly the bytes that were signed.
CREATE TABLE event_log (
    seq          INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
    hash         BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    kind         INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    ledger_index INTEGER UNIQUE
) STRICT;

-- Events of other devices received from the ledger (deltas), in ledger order.
CREATE TABLE remote_events (
    ledger_index INTEGER PRIMARY KEY NOT NULL,
    device       BLOB NOT NULL,
    seq          INTEGER NOT NULL,
    hash         BLOB NOT NULL,
    kind         INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    UNIQUE (device, seq)
) STRICT;

CREATE TABLE facilities (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    license    TEXT NOT NULL,
    time_zone  TEXT NOT NULL
) STRICT;

CREATE TABLE facility_settings (
    facility_id              TEXT PRIMARY KEY NOT NULL REFERENCES facilities(id),
    weight_tolerance_mg      INTEGER NOT NULL CHECK (weight_tolerance_mg >= 0),
    weight_tolerance_bp      INTEGER NOT NULL CHECK (weight_tolerance_bp >= 0),
    count_tolerance_each     INTEGER NOT NULL CHECK (count_tolerance_each >= 0),
    count_tolerance_mg       INTEGER NOT NULL CHECK (count_tolerance_mg >= 0),
    recount_by_another       INTEGER NOT NULL CHECK (recount_by_another IN (0, 1)),
    max_recounts             INTEGER NOT NULL CHECK (max_recounts >= 0)
) STRICT;

CREATE TABLE devices (
    device      BLOB PRIMARY KEY NOT NULL,
    facility_id TEXT NOT NULL,
    serial      TEXT NOT NULL,
    first_seq   INTEGER NOT NULL
) STRICT;

CREATE TABLE locations (
    id          TEXT PRIMARY KEY NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facilities(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('vault','shelf_bin','quarantine_cage','staging_lane','vehicle')),
    sellable    INTEGER NOT NULL CHECK (sellable IN (0, 1)),
    walk_order  INTEGER NOT NULL
) STRICT;

CREATE TABLE items (
    id          TEXT PRIMARY KEY NOT NULL,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('flower','preroll','vape','concentrate','edible','tincture','topical','other')),
    unit        TEXT NOT NULL CHECK (unit IN ('each','mg')),
    unit_weight_mg INTEGER NOT NULL CHECK (unit_weight_mg >= 0),
    weight_is_net  INTEGER NOT NULL CHECK (weight_is_net IN (0, 1)),
    tare_mg        INTEGER NOT NULL CHECK (tare_mg >= 0)
) STRICT;

CREATE TABLE batches (
    id           TEXT PRIMARY KEY NOT NULL,
    item_id      TEXT NOT NULL REFERENCES items(id),
    lot          TEXT NOT NULL,
    coa_status   TEXT NOT NULL CHECK (coa_status IN ('passed','failed','pending','missing')),
    thc_bp       INTEGER,
    expires_on   TEXT NOT NULL
) STRICT;

CREATE TABLE totes (
    id          TEXT PRIMARY KEY NOT NULL,
    route       TEXT,
    location_id TEXT REFERENCES locations(id)
) STRICT;

CREATE TABLE packages (
    uid          TEXT PRIMARY KEY NOT NULL,
    item_id      TEXT NOT NULL REFERENCES items(id),
    batch_id     TEXT NOT NULL REFERENCES batches(id),
    quantity     INTEGER NOT NULL CHECK (quantity >= 0),
    unit         TEXT NOT NULL CHECK (unit IN ('each','mg')),
    weight_mg    INTEGER NOT NULL CHECK (weight_mg >= 0),
    location_id  TEXT REFERENCES locations(id),
    status       TEXT NOT NULL CHECK (status IN ('active','on_hold','quarantined','in_transit','destroyed')),
    status_reason TEXT,
    tote_id      TEXT REFERENCES totes(id),
    pallet       TEXT,
    local_seq    INTEGER,
    conflict     INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1))
) STRICT;
CREATE INDEX packages_location ON packages(location_id);
CREATE INDEX packages_item ON packages(item_id, status);

CREATE TABLE inbound_manifests (
    id             TEXT PRIMARY KEY NOT NULL,
    facility_id    TEXT NOT NULL REFERENCES facilities(id),
    origin_license TEXT NOT NULL,
    driver         TEXT NOT NULL,
    vehicle        TEXT NOT NULL,
    receive_location_id TEXT NOT NULL REFERENCES locations(id),
    status         TEXT NOT NULL CHECK (status IN ('expected','open','closed'))
) STRICT;

CREATE TABLE inbound_lines (
    manifest_id TEXT NOT NULL REFERENCES inbound_manifests(id),
    uid         TEXT NOT NULL,
    item_id     TEXT NOT NULL REFERENCES items(id),
    batch_id    TEXT NOT NULL REFERENCES batches(id),
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('each','mg')),
    weight_mg   INTEGER NOT NULL,
    pallet      TEXT,
    PRIMARY KEY (manifest_id, uid)
) STRICT;

-- What happened to each UID during receiving (expected or not).
CREATE TABLE inbound_receipts (
    manifest_id TEXT NOT NULL REFERENCES inbound_manifests(id),
    uid         TEXT NOT NULL,
    expected    INTEGER NOT NULL CHECK (expected IN (0, 1)),
    weighed_mg  INTEGER,
    label_ok    INTEGER,
    quarantined INTEGER NOT NULL DEFAULT 0,
    decision    TEXT CHECK (decision IN ('accepted','rejected')),
    reason      TEXT,
    PRIMARY KEY (manifest_id, uid)
) STRICT;

CREATE TABLE outbound_manifests (
    id          TEXT PRIMARY KEY NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facilities(id),
    destination_license TEXT NOT NULL,
    route       TEXT NOT NULL,
    vehicle_location_id TEXT REFERENCES locations(id),
    status      TEXT NOT NULL CHECK (status IN ('draft','ready','departed'))
) STRICT;

CREATE TABLE outbound_lines (
    manifest_id TEXT NOT NULL REFERENCES outbound_manifests(id),
    uid         TEXT NOT NULL,
    item_id     TEXT NOT NULL REFERENCES items(id),
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL CHECK (unit IN ('each','mg')),
    weight_mg   INTEGER NOT NULL,
    PRIMARY KEY (manifest_id, uid)
) STRICT;

CREATE TABLE pick_lists (
    id        TEXT PRIMARY KEY NOT NULL,
    order_ref TEXT NOT NULL,
    route     TEXT NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('open','done'))
) STRICT;

CREATE TABLE pick_lines (
    pick_list_id TEXT NOT NULL REFERENCES pick_lists(id),
    line_no      INTEGER NOT NULL,
    item_id      TEXT NOT NULL REFERENCES items(id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    unit         TEXT NOT NULL CHECK (unit IN ('each','mg')),
    fefo         INTEGER NOT NULL CHECK (fefo IN (0, 1)),
    min_expiry   TEXT,
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
    tote_id      TEXT,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (pick_list_id, line_no, uid)
) STRICT;

CREATE TABLE count_tasks (
    id          TEXT PRIMARY KEY NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facilities(id),
    status      TEXT NOT NULL CHECK (status IN ('scheduled','counting','submitted','recount','review','closed')),
    round       INTEGER NOT NULL DEFAULT 0,
    counter     TEXT,
    first_counter TEXT
) STRICT;

CREATE TABLE count_task_locations (
    task_id     TEXT NOT NULL REFERENCES count_tasks(id),
    location_id TEXT NOT NULL REFERENCES locations(id),
    PRIMARY KEY (task_id, location_id)
) STRICT;

CREATE TABLE count_task_items (
    task_id TEXT NOT NULL REFERENCES count_tasks(id),
    item_id TEXT NOT NULL REFERENCES items(id),
    PRIMARY KEY (task_id, item_id)
) STRICT;

-- Expected stock frozen at count start. Never readable on the counting connection.
CREATE TABLE count_expected (
    task_id     TEXT NOT NULL REFERENCES count_tasks(id),
    uid         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL,
    PRIMARY KEY (task_id, uid)
) STRICT;

-- What the counter found. One row per (task, round, uid); duplicates are ignored.
CREATE TABLE count_lines (
    task_id  TEXT NOT NULL REFERENCES count_tasks(id),
    round    INTEGER NOT NULL,
    uid      TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity INTEGER,
    unit     TEXT,
    counter  TEXT NOT NULL,
    PRIMARY KEY (task_id, round, uid)
) STRICT;

-- UIDs a recount must cover (no quantities).
CREATE TABLE count_recounts (
    task_id TEXT NOT NULL REFERENCES count_tasks(id),
    round   INTEGER NOT NULL,
    uid     TEXT NOT NULL,
    PRIMARY KEY (task_id, round, uid)
) STRICT;

CREATE TABLE adjustments (
    seq        INTEGER NOT NULL,
    origin     TEXT NOT NULL,
    uid        TEXT NOT NULL,
    task_id    TEXT,
    delta      INTEGER NOT NULL,
    unit       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    approver   TEXT NOT NULL,
    PRIMARY KEY (origin, seq, uid)
) STRICT;

CREATE TABLE users (
    badge    TEXT PRIMARY KEY NOT NULL,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('operator','supervisor','admin')),
    pin_hash TEXT NOT NULL,
    active   INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE reason_codes (
    code  TEXT PRIMARY KEY NOT NULL,
    kind  TEXT NOT NULL,
    label TEXT NOT NULL
) STRICT;

CREATE TABLE scales (
    id              TEXT PRIMARY KEY NOT NULL,
    serial          TEXT NOT NULL,
    division_mg     INTEGER NOT NULL CHECK (division_mg > 0),
    capacity_mg     INTEGER NOT NULL CHECK (capacity_mg > 0),
    calibration_due TEXT NOT NULL,
    last_check_ok   INTEGER
) STRICT;

CREATE TABLE destructions (
    uid       TEXT PRIMARY KEY NOT NULL,
    weight_mg INTEGER NOT NULL,
    scale_id  TEXT NOT NULL,
    reason    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    witness   TEXT NOT NULL,
    origin    TEXT NOT NULL,
    ref       INTEGER NOT NULL
) STRICT;

-- Which events touched which UID (for lookup): origin 'local' (ref = seq) or 'remote' (ref = ledger index).
CREATE TABLE package_history (
    uid    TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('local','remote')),
    ref    INTEGER NOT NULL,
    kind   INTEGER NOT NULL,
    PRIMARY KEY (uid, origin, ref)
) STRICT;

-- Two devices acted on one UID: kept for a supervisor, never resolved by last-writer-wins.
CREATE TABLE conflicts (
    uid          TEXT NOT NULL,
    local_seq    INTEGER NOT NULL,
    ledger_index INTEGER NOT NULL,
    remote_kind  INTEGER NOT NULL,
    PRIMARY KEY (uid, ledger_index)
) STRICT;
