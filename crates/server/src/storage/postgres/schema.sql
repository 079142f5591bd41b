-- Rollbook's sync server, PostgreSQL. The same tables as the SQLite schema.

CREATE TABLE schools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    last_cursor BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    school_id   TEXT NOT NULL REFERENCES schools (id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    last_seq    BIGINT NOT NULL DEFAULT 0,
    enrolled_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);

CREATE INDEX devices_by_school ON devices (school_id);

CREATE TABLE enrol_codes (
    code_hash  TEXT PRIMARY KEY,
    school_id  TEXT NOT NULL REFERENCES schools (id),
    created_by TEXT REFERENCES devices (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    used_by    TEXT
);

CREATE TABLE entries (
    school_id   TEXT NOT NULL REFERENCES schools (id),
    cursor      BIGINT NOT NULL,
    device_id   TEXT NOT NULL REFERENCES devices (id),
    seq         BIGINT NOT NULL,
    entry_id    TEXT NOT NULL,
    entry       TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (school_id, cursor),
    UNIQUE (device_id, seq)
);

CREATE TABLE rejected_entries (
    device_id   TEXT NOT NULL REFERENCES devices (id),
    seq         BIGINT NOT NULL,
    entry_id    TEXT NOT NULL,
    code        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    entry       TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, seq)
);
