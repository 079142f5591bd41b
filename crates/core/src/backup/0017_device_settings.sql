-- Settings of this installation alone (never synced): where its backups go.
CREATE TABLE device_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;
