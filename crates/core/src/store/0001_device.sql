-- This installation. Exactly one row, made when the database is created; never synced.
-- A reinstalled device makes a new database and so a new device id (and receipt series).
CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- The last per-device sequence number given to an outbox entry.
    last_seq    INTEGER NOT NULL DEFAULT 0,
    -- The last hybrid-logical-clock stamp issued here (see hlc.rs).
    last_hlc    INTEGER NOT NULL DEFAULT 0
) STRICT;
