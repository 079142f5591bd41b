-- The school's logo for receipts and ID cards: one row, stored resized, as PNG (transparency
-- kept).
CREATE TABLE school_logo (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    png         BLOB NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
