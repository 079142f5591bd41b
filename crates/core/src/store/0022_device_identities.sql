-- Every identity this database has written changes under. A database restored from a
-- backup takes a new identity: the PC the backup came from may have gone on after it under
-- the old one, so the restored copy must not reuse its sequence or receipt numbers. The
-- outbox keeps one numbering (`outbox.seq`); an identity's own sequence, the one the cloud
-- sees, is `seq - seq_base`.
CREATE TABLE device_identities (
    device_id  TEXT PRIMARY KEY,
    seq_base   INTEGER NOT NULL CHECK (seq_base >= 0),
    began_at   TEXT NOT NULL
) STRICT;
INSERT INTO device_identities (device_id, seq_base, began_at)
SELECT device_id, 0, created_at FROM device;
