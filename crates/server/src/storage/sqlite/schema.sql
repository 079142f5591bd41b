-- Rollbook's sync server, SQLite. Times are UTC, as rusqlite writes chrono's DateTime<Utc>.

CREATE TABLE schools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The school's stream position: the cursor of its newest entry (0 when none).
    last_cursor INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
) STRICT;

-- A device id belongs to one school for good. Only the SHA-256 of its token is kept.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    school_id   TEXT NOT NULL REFERENCES schools (id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    -- The highest sequence number held for this device (accepted or rejected).
    last_seq    INTEGER NOT NULL DEFAULT 0,
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;

CREATE INDEX devices_by_school ON devices (school_id);

-- One-time codes, by the SHA-256 of their canonical form.
CREATE TABLE enrol_codes (
    code_hash  TEXT PRIMARY KEY,
    school_id  TEXT NOT NULL REFERENCES schools (id),
    created_by TEXT REFERENCES devices (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    TEXT
) STRICT;

-- Each school's stream: accepted entries, in cursor order.
CREATE TABLE entries (
    school_id   TEXT NOT NULL REFERENCES schools (id),
    cursor      INTEGER NOT NULL,
    device_id   TEXT NOT NULL REFERENCES devices (id),
    seq         INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    entry       TEXT NOT NULL, -- the Entry as JSON
    received_at TEXT NOT NULL,
    PRIMARY KEY (school_id, cursor),
    UNIQUE (device_id, seq)
) STRICT;

-- Entries that failed validation: held (their sequence numbers are acknowledged), never pulled.
CREATE TABLE rejected_entries (
    device_id   TEXT NOT NULL REFERENCES devices (id),
    seq         INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    code        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    entry       TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;
