-- Staff, as attendance knows them: a name and a role shown on their card. (Sign-in users and
-- permissions are a separate concern.)
CREATE TABLE staff (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',          -- "Teacher", "Driver"...
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- A staff member's arrival on a date: one row per person per day.
CREATE TABLE staff_attendance (
    id            TEXT PRIMARY KEY,                -- derived from (staff_id, date)
    staff_id      TEXT NOT NULL REFERENCES staff (id),
    date          TEXT NOT NULL,
    code          TEXT NOT NULL,                   -- 'P' or 'L'
    late_minutes  INTEGER,
    checked_in_at TEXT NOT NULL,                   -- UTC instant of the scan
    device_id     TEXT NOT NULL,
    UNIQUE (staff_id, date)
) STRICT;
