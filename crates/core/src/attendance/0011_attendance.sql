-- How the school takes attendance. One row.
CREATE TABLE attendance_settings (
    singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
    -- 'daily' (one roll a day), 'halves' (morning and afternoon) or 'periods' (1..periods).
    session_mode       TEXT NOT NULL,
    periods            INTEGER NOT NULL CHECK (periods BETWEEN 1 AND 12),
    -- Check-ins after this local time (HH:MM) are late.
    late_after         TEXT NOT NULL,
    -- Students under this percentage are chronic absentees.
    chronic_threshold  INTEGER NOT NULL CHECK (chronic_threshold BETWEEN 1 AND 100),
    updated_at         TEXT NOT NULL
) STRICT;
INSERT INTO attendance_settings VALUES (1, 'daily', 1, '08:30', 75, '1970-01-01T00:00:00.000Z');

-- The marks a register may hold. A code's letter never changes (marks refer to it); its
-- name can. `kind` says how it counts: present and late attend, half_day is half a day,
-- absent and excused do not attend.
CREATE TABLE attendance_codes (
    letter    TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    builtin   INTEGER NOT NULL DEFAULT 0,
    active    INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
) STRICT;
INSERT INTO attendance_codes VALUES
    ('P', 'Present',  'present',  1, 1, 1, '1970-01-01T00:00:00.000Z'),
    ('A', 'Absent',   'absent',   2, 1, 1, '1970-01-01T00:00:00.000Z'),
    ('L', 'Late',     'late',     3, 1, 1, '1970-01-01T00:00:00.000Z'),
    ('E', 'Excused',  'excused',  4, 1, 1, '1970-01-01T00:00:00.000Z'),
    ('H', 'Half-day', 'half_day', 5, 1, 1, '1970-01-01T00:00:00.000Z');

-- One mark per student per date per session: the unique key makes a second mark impossible,
-- and the id is derived from that key (see Id::derived) so two devices agree on it.
CREATE TABLE attendance_marks (
    id            TEXT PRIMARY KEY,
    student_id    TEXT NOT NULL REFERENCES students (id),
    date          TEXT NOT NULL,
    session       TEXT NOT NULL,                 -- 'day', 'am', 'pm', 'p1'...
    code          TEXT NOT NULL REFERENCES attendance_codes (letter),
    late_minutes  INTEGER,
    reason        TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL,                 -- 'roll', 'scan', 'cli'
    marked_at     TEXT NOT NULL,                 -- when this value was set (UTC)
    marked_by     TEXT NOT NULL DEFAULT '',      -- who set it
    device_id     TEXT NOT NULL,                 -- on which device
    UNIQUE (student_id, date, session)
) STRICT;
CREATE INDEX attendance_marks_date ON attendance_marks (date, session);

-- Earlier values of marks: a row each time a mark is changed, holding the value replaced
-- with who set it, when and where.
CREATE TABLE attendance_mark_history (
    num           INTEGER PRIMARY KEY,
    mark_id       TEXT NOT NULL REFERENCES attendance_marks (id),
    code          TEXT NOT NULL,
    late_minutes  INTEGER,
    reason        TEXT NOT NULL,
    source        TEXT NOT NULL,
    marked_at     TEXT NOT NULL,
    marked_by     TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    replaced_at   TEXT NOT NULL
) STRICT;
CREATE INDEX attendance_mark_history_mark ON attendance_mark_history (mark_id);
