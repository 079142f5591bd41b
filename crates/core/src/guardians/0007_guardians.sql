CREATE TABLE guardians (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    relation          TEXT NOT NULL,
    phone             TEXT,                      -- E.164
    alt_phone         TEXT,                      -- E.164
    email             TEXT,
    whatsapp_consent  INTEGER NOT NULL DEFAULT 0 CHECK (whatsapp_consent IN (0, 1)),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX guardians_phone ON guardians (phone);
CREATE INDEX guardians_alt_phone ON guardians (alt_phone);

-- Which guardians a student has; siblings share guardian rows.
CREATE TABLE student_guardians (
    id           TEXT PRIMARY KEY,
    student_id   TEXT NOT NULL REFERENCES students (id),
    guardian_id  TEXT NOT NULL REFERENCES guardians (id),
    is_primary   INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    created_at   TEXT NOT NULL,
    UNIQUE (student_id, guardian_id)
) STRICT;
CREATE INDEX student_guardians_guardian ON student_guardians (guardian_id);
