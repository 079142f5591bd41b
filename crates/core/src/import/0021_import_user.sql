-- Who made each import: the signed-in user (issue 6), beside the device it was made on.
-- Imports made before this step, or in a school with no users yet, have none.
ALTER TABLE imports ADD COLUMN user_id TEXT;
ALTER TABLE imports ADD COLUMN user_name TEXT;

-- What each import did, kept by its primary key alone (WITHOUT ROWID): an import writes one
-- item per record, five per student, and a rowid table with a separate key index wrote each
-- twice. Rebuilt here: nothing refers to this table and no trigger is on it.
CREATE TABLE import_items_by_key (
    import_id    TEXT NOT NULL REFERENCES imports (id),
    record_type  TEXT NOT NULL,              -- student, class, guardian, student_guardian
    record_id    TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('insert', 'update')),
    before       TEXT,                       -- JSON of the record before an update
    PRIMARY KEY (import_id, record_type, record_id)
) STRICT, WITHOUT ROWID;
INSERT INTO import_items_by_key (import_id, record_type, record_id, action, before)
    SELECT import_id, record_type, record_id, action, before FROM import_items;
DROP TABLE import_items;
ALTER TABLE import_items_by_key RENAME TO import_items;
