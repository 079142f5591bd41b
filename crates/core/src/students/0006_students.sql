CREATE TABLE students (
    num             INTEGER PRIMARY KEY,          -- local row number, stable (keys the search index)
    id              TEXT NOT NULL UNIQUE,
    admission_no    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL DEFAULT '',
    dob             TEXT,
    gender          TEXT CHECK (gender IN ('male', 'female', 'other')),
    class_id        TEXT REFERENCES classes (id),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left', 'graduated')),
    admission_date  TEXT,
    -- Folded names (see text::fold) for prefix search on short queries.
    fold_given      TEXT NOT NULL,
    fold_family     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX students_class ON students (class_id, status);
CREATE INDEX students_fold_given ON students (fold_given, fold_family);
CREATE INDEX students_fold_family ON students (fold_family, fold_given);

-- Photos apart from the student row, so lists never load them. Stored resized, as JPEG.
CREATE TABLE student_photos (
    student_id  TEXT PRIMARY KEY REFERENCES students (id),
    jpeg        BLOB NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
