-- A charge or concession made twice for the same student, term, head and structure row (or
-- concession): two office PCs applied the same fee structure while apart. Both entries stay
-- (the ledger is a union, and each PC's chain holds its own), and every device counts only
-- the one with the smallest id; the others are listed here. So each PC may hold one such
-- entry per key, not one in all.
DROP INDEX ledger_one_charge;
DROP INDEX ledger_one_concession;
CREATE UNIQUE INDEX ledger_one_charge
    ON ledger_entries (student_id, term_id, head_id, source_id, device_id) WHERE kind = 'charge';
CREATE UNIQUE INDEX ledger_one_concession
    ON ledger_entries (student_id, term_id, head_id, source_id, device_id)
    WHERE kind = 'concession';

CREATE TABLE ledger_duplicates (
    entry_id  TEXT PRIMARY KEY REFERENCES ledger_entries (id)
) STRICT;

-- The entries that count: what balances, statements and reports read.
CREATE VIEW ledger AS
SELECT * FROM ledger_entries WHERE id NOT IN (SELECT entry_id FROM ledger_duplicates);
