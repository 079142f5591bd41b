-- Substring search over folded student names, admission numbers and guardian phone digits.
-- rowid = students.num. Kept up to date by search::reindex in the same transaction as the
-- change that affects it.
CREATE VIRTUAL TABLE student_search USING fts5 (name, numbers, tokenize = 'trigram');
