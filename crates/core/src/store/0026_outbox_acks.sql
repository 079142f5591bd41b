-- Acknowledgements as a mark per identity rather than a stamp on every entry. Stamping
-- rewrote each entry (and so each of the outbox's pages) once more as it synced, and kept a
-- second index of the entries waiting; the mark is one small row per identity. The cloud
-- acknowledges an identity's entries in order, so those it holds are always the first ones:
-- seq_base < seq <= acked_seq.
ALTER TABLE device_identities ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE device_identities ADD COLUMN acked_at TEXT;
UPDATE device_identities SET
    acked_seq = coalesce((SELECT max(o.seq) FROM outbox o
                          WHERE o.device_id = device_identities.device_id
                            AND o.acked_at IS NOT NULL), 0),
    acked_at = (SELECT max(o.acked_at) FROM outbox o
                WHERE o.device_id = device_identities.device_id AND o.acked_at IS NOT NULL);
DROP INDEX outbox_pending;

-- Nothing about an entry changes any more (`acked_at` keeps what it held before this step).
DROP TRIGGER outbox_is_append_only_update;
CREATE TRIGGER outbox_is_append_only_update BEFORE UPDATE ON outbox
BEGIN
    SELECT RAISE(ABORT, 'the change history cannot be edited');
END;
