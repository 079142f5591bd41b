CREATE TABLE classes (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- "Grade 5 B"
    grade          TEXT NOT NULL,                        -- "5"
    section        TEXT NOT NULL DEFAULT '',             -- "B"
    class_teacher  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
