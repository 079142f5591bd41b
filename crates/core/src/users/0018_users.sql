-- The people who sign in to Rollbook, with their role. Synced like other records; their
-- PINs are not here (each device keeps Argon2id hashes in its OS keyring).
CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role        TEXT NOT NULL CHECK (role IN ('administrator', 'accountant', 'clerk', 'teacher')),
    class_ids   TEXT NOT NULL DEFAULT '[]',     -- JSON array: a teacher's classes
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- Wrong PINs on this device (never synced): the back-off and the lock survive a restart.
CREATE TABLE pin_attempts (
    user_id          TEXT PRIMARY KEY REFERENCES users (id),
    failures         INTEGER NOT NULL DEFAULT 0,
    last_failure_at  TEXT,
    locked           INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1))
) STRICT;
