-- Closing the cash at the end of a day: what was counted against what the day's cash
-- receipts say, and the difference, kept as it was recorded.
CREATE TABLE cash_closings (
    id          TEXT PRIMARY KEY,
    date        TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    closed_by   TEXT NOT NULL DEFAULT '',
    expected    INTEGER NOT NULL,
    counted     INTEGER NOT NULL,
    difference  INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    closed_at   TEXT NOT NULL
) STRICT;
CREATE INDEX cash_closings_date ON cash_closings (date);
