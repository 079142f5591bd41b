-- The school calendar of each academic year: which weekdays are school days, and the
-- holidays and closures (a named range of dates). Attendance counts only working days.
CREATE TABLE year_calendars (
    year_id       TEXT PRIMARY KEY REFERENCES academic_years (id),
    -- Bit 0 Monday ... bit 6 Sunday; Monday to Friday unless the school says otherwise.
    working_days  INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 127),
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE holidays (
    id          TEXT PRIMARY KEY,
    year_id     TEXT NOT NULL REFERENCES academic_years (id),
    name        TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL CHECK (end_date >= start_date),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX holidays_dates ON holidays (start_date, end_date);
