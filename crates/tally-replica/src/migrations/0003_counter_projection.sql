-- The blind counter's projection: what the counting connection may read, holding no expected
-- quantity, no earlier round and nobody else's numbers. Written only by the fold.

-- The lines of the round being counted now (one counter per round), cleared when a round starts
-- and when it is submitted. Earlier rounds stay in count_lines, which the counter cannot read.
CREATE TABLE counter_lines (
    task_id     TEXT NOT NULL,
    round       INTEGER NOT NULL,
    uid         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER,
    unit        TEXT,
    counter     TEXT NOT NULL,
    PRIMARY KEY (task_id, uid)
) STRICT;

-- Everybody who started a round of a task or recorded a line in it (recount by another).
CREATE TABLE count_counters (
    task_id TEXT NOT NULL,
    badge   TEXT NOT NULL,
    PRIMARY KEY (task_id, badge)
) STRICT;

-- What a package is, never how much or where: the only part of `packages` the counter reads.
CREATE INDEX packages_counter_items ON packages(uid, item_id);

-- Every move, pick and destruction asks whether its locations are being counted and whether
-- its actor is counting: keep those answers indexed as closed tasks accumulate.
CREATE INDEX count_task_locations_location ON count_task_locations(location_id);
CREATE INDEX count_tasks_status ON count_tasks(status, counter);

INSERT OR IGNORE INTO count_counters (task_id, badge)
    SELECT DISTINCT task_id, counter FROM count_lines;
INSERT OR IGNORE INTO count_counters (task_id, badge)
    SELECT id, first_counter FROM count_tasks WHERE first_counter IS NOT NULL;
INSERT OR IGNORE INTO count_counters (task_id, badge)
    SELECT id, counter FROM count_tasks WHERE counter IS NOT NULL;
INSERT INTO counter_lines (task_id, round, uid, location_id, quantity, unit, counter)
    SELECT l.task_id, l.round, l.uid, l.location_id, l.quantity, l.unit, l.counter
    FROM count_lines l JOIN count_tasks t ON t.id = l.task_id AND t.round = l.round
    WHERE t.status = 'counting';
