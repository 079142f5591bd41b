-- Fees. Amounts are integers in the currency's minor units (paise, cents), never floats.

-- What a school charges for: tuition, transport, exam... An optional head (a transport
-- route) is charged only to the students who take it.
CREATE TABLE fee_heads (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    optional    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- The fee structure: per class and term, an amount per head with its due date and late fine.
CREATE TABLE fee_structures (
    id            TEXT PRIMARY KEY,
    class_id      TEXT NOT NULL REFERENCES classes (id),
    term_id       TEXT NOT NULL REFERENCES terms (id),
    head_id       TEXT NOT NULL REFERENCES fee_heads (id),
    amount        INTEGER NOT NULL CHECK (amount >= 0),
    due_date      TEXT,
    fine_kind     TEXT NOT NULL DEFAULT 'none',      -- 'none', 'fixed' or 'per_day'
    fine_amount   INTEGER NOT NULL DEFAULT 0 CHECK (fine_amount >= 0),
    fine_cap      INTEGER NOT NULL DEFAULT 0 CHECK (fine_cap >= 0),   -- 0: no cap
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (class_id, term_id, head_id)
) STRICT;

-- Optional heads a student takes.
CREATE TABLE student_fee_heads (
    student_id  TEXT NOT NULL REFERENCES students (id),
    head_id     TEXT NOT NULL REFERENCES fee_heads (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (student_id, head_id)
) STRICT;

-- Concessions: a percentage (in basis points, 10000 = 100 %) or a fixed amount off one head
-- (or every head when head_id is NULL), with the reason.
CREATE TABLE concessions (
    id          TEXT PRIMARY KEY,
    student_id  TEXT NOT NULL REFERENCES students (id),
    head_id     TEXT REFERENCES fee_heads (id),
    kind        TEXT NOT NULL,                         -- 'percent' or 'fixed'
    value       INTEGER NOT NULL CHECK (value > 0),
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

-- Which class's structure was applied for which term, so students who join later are charged.
CREATE TABLE fee_applications (
    class_id    TEXT NOT NULL REFERENCES classes (id),
    term_id     TEXT NOT NULL REFERENCES terms (id),
    pro_rata    INTEGER NOT NULL DEFAULT 0,
    applied_at  TEXT NOT NULL,
    PRIMARY KEY (class_id, term_id)
) STRICT;

-- The ledger. Charges, concessions, fines, payments and reversals are entries; a balance is
-- always computed from them. Entries are never changed or removed (the triggers refuse), and
-- each carries the hash of its content and of the entry before it in its device's chain.
CREATE TABLE ledger_entries (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    seq           INTEGER NOT NULL,                  -- position in the device's chain: 1, 2, 3...
    kind          TEXT NOT NULL,                     -- charge, concession, fine, payment, reversal
    student_id    TEXT NOT NULL REFERENCES students (id),
    term_id       TEXT,
    head_id       TEXT,
    source_id     TEXT,                              -- the structure row or concession behind it
    amount        INTEGER NOT NULL CHECK (amount > 0),
    due_date      TEXT,
    receipt_no    TEXT UNIQUE,
    method        TEXT,
    reference     TEXT NOT NULL DEFAULT '',
    bank          TEXT NOT NULL DEFAULT '',
    reverses      TEXT UNIQUE REFERENCES ledger_entries (id),
    reason        TEXT NOT NULL DEFAULT '',
    allocations   TEXT NOT NULL DEFAULT '[]',        -- JSON [{term_id, head_id, amount}]
    entry_date    TEXT NOT NULL,                     -- the school's local date
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX ledger_student ON ledger_entries (student_id, kind);
CREATE INDEX ledger_date ON ledger_entries (entry_date, kind);
-- One charge per student, term, head and structure row; one entry per concession and charge.
CREATE UNIQUE INDEX ledger_one_charge ON ledger_entries (student_id, term_id, head_id, source_id)
    WHERE kind = 'charge';
CREATE UNIQUE INDEX ledger_one_concession ON ledger_entries (student_id, term_id, head_id, source_id)
    WHERE kind = 'concession';

CREATE TRIGGER ledger_entries_never_change BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are never changed: record a reversal instead');
END;
CREATE TRIGGER ledger_entries_never_go BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are never deleted: record a reversal instead');
END;

-- Receipt numbers: a series per device and year ("K7QX2-2026-000123"). The counter moves in
-- the same transaction as the payment, so a number is never skipped or issued twice.
CREATE TABLE receipt_series (
    device_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    prefix     TEXT NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (device_id, year)
) STRICT;

-- Each time a receipt is printed: the first print is the original, later ones are marked
-- "duplicate".
CREATE TABLE receipt_prints (
    num         INTEGER PRIMARY KEY,
    receipt_no  TEXT NOT NULL,
    printed_at  TEXT NOT NULL
) STRICT;
CREATE INDEX receipt_prints_no ON receipt_prints (receipt_no);
