-- A mark's earlier values are read from the change log (the outbox and the inbox), which
-- every device holds alike, rather than kept in a table of their own, which recorded them
-- only in the order each device happened to receive them.
DROP TABLE attendance_mark_history;
