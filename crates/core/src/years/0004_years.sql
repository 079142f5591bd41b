CREATE TABLE academic_years (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- "2026-27"
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL CHECK (end_date > start_date),
    is_current  INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX academic_years_one_current ON academic_years (is_current) WHERE is_current = 1;

CREATE TABLE terms (
    id          TEXT PRIMARY KEY,
    year_id     TEXT NOT NULL REFERENCES academic_years (id),
    name        TEXT NOT NULL COLLATE NOCASE,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL CHECK (end_date > start_date),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (year_id, name)
) STRICT;
