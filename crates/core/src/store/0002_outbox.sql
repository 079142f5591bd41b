-- Every committed change, in the order it was made, for sync to send. Rows are appended in
-- the same transaction as the change they describe.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,          -- per-device sequence number, 1, 2, 3...
    entry_id     TEXT NOT NULL UNIQUE,         -- UUIDv7 of the entry itself
    record_type  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    payload      TEXT NOT NULL,                -- JSON: the record's new values (changed fields for updates)
    hlc          INTEGER NOT NULL,
    device_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    acked_at     TEXT                          -- set when the server acknowledges it
) STRICT;
CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at IS NULL;
CREATE INDEX outbox_record ON outbox (record_type, record_id);
