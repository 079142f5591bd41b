-- Every import: who made it on which device, the file, what it did. Local to the device
-- (the students it wrote travel through the outbox like any other change).
CREATE TABLE imports (
    id               TEXT PRIMARY KEY,
    file_name        TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    sheet            TEXT NOT NULL,
    mode             TEXT NOT NULL CHECK (mode IN ('insert', 'update', 'upsert')),
    imported_at      TEXT NOT NULL,
    duration_ms      INTEGER NOT NULL,
    inserted         INTEGER NOT NULL,
    updated          INTEGER NOT NULL,
    skipped          INTEGER NOT NULL,
    classes_created  INTEGER NOT NULL,
    device_id        TEXT NOT NULL,
    -- The outbox entries the import wrote: seq_from..=seq_to.
    seq_from         INTEGER NOT NULL,
    seq_to           INTEGER NOT NULL,
    undone_at        TEXT
) STRICT;

-- What an import did to each record, so it can be undone.
CREATE TABLE import_items (
    import_id    TEXT NOT NULL REFERENCES imports (id),
    record_type  TEXT NOT NULL,              -- student, class, guardian, student_guardian
    record_id    TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('insert', 'update')),
    before       TEXT,                       -- JSON of the record before an update
    PRIMARY KEY (import_id, record_type, record_id)
) STRICT;

-- The column choices a user made for a header set, offered again for the next file like it.
CREATE TABLE import_mappings (
    signature   TEXT PRIMARY KEY,
    mapping     TEXT NOT NULL,               -- JSON: [[column, field or null], ...]
    updated_at  TEXT NOT NULL
) STRICT;
