-- Sync: this device's enrolment with the school's cloud (its token is in the OS keyring),
-- the entries received from the school's other devices, and entries the server refused.
CREATE TABLE sync_state (
    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_url    TEXT NOT NULL,
    school_id     TEXT NOT NULL,
    school_name   TEXT NOT NULL,
    cursor        INTEGER NOT NULL DEFAULT 0,   -- the server's stream position applied up to
    enrolled_at   TEXT NOT NULL,
    last_sync_at  TEXT,                          -- the last sync that finished
    last_error    TEXT                           -- why the last attempt failed, if it did
) STRICT;

-- Every entry applied from another device, as received; with the outbox, the whole history.
CREATE TABLE inbox (
    entry_id     TEXT PRIMARY KEY,
    cursor       INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    record_type  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    op           TEXT NOT NULL,
    payload      TEXT NOT NULL,
    hlc          INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    user_id      TEXT,
    user_name    TEXT,
    applied_at   TEXT NOT NULL,
    UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX inbox_record ON inbox (record_type, record_id);
CREATE INDEX inbox_created ON inbox (created_at);

CREATE TRIGGER inbox_no_update BEFORE UPDATE ON inbox
BEGIN
    SELECT RAISE(ABORT, 'the change history cannot be edited');
END;
CREATE TRIGGER inbox_no_delete BEFORE DELETE ON inbox
BEGIN
    SELECT RAISE(ABORT, 'the change history cannot be deleted');
END;

-- Entries from other devices that could not be applied here (a clash of natural keys, a
-- kind of record this version does not know): kept whole, so a later version or an
-- administrator can deal with them, while the entries behind them are applied.
CREATE TABLE sync_parked (
    entry_id     TEXT PRIMARY KEY,
    cursor       INTEGER NOT NULL,
    record_type  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    entry        TEXT NOT NULL,       -- the entry as received (JSON)
    reason       TEXT NOT NULL,
    parked_at    TEXT NOT NULL
) STRICT;

-- This device's entries the server refused, with its reason, until an administrator
-- resolves them.
CREATE TABLE sync_rejections (
    entry_id     TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL,
    code         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    rejected_at  TEXT NOT NULL,
    resolved_at  TEXT
) STRICT;
