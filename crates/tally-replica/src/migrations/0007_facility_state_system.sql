-- The state traceability system of each facility (kind 276 facility_state_system_defined; the
-- latest one wins). A facility without a row reads every system's tags.
CREATE TABLE IF NOT EXISTS facility_state_systems (
    facility_id  TEXT PRIMARY KEY NOT NULL,
    state_system TEXT NOT NULL CHECK (state_system IN ('metrc', 'biotrack'))
) STRICT;
