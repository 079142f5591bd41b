-- The audit trail. Changes are the outbox (every write records one entry in the same
-- transaction), now stamped with the signed-in user; events that change no record (sign-ins,
-- wrong PINs, locks, exports, imports) are kept beside it. Neither can be edited or deleted.
ALTER TABLE outbox ADD COLUMN user_id TEXT;
ALTER TABLE outbox ADD COLUMN user_name TEXT;
CREATE INDEX outbox_created ON outbox (created_at);

CREATE TRIGGER outbox_is_append_only_delete BEFORE DELETE ON outbox
BEGIN
    SELECT RAISE(ABORT, 'the change history cannot be deleted');
END;

-- Sync may mark an entry acknowledged, once; nothing else about an entry ever changes.
CREATE TRIGGER outbox_is_append_only_update BEFORE UPDATE ON outbox
WHEN OLD.acked_at IS NOT NULL
  OR NEW.seq IS NOT OLD.seq OR NEW.entry_id IS NOT OLD.entry_id
  OR NEW.record_type IS NOT OLD.record_type OR NEW.record_id IS NOT OLD.record_id
  OR NEW.op IS NOT OLD.op OR NEW.payload IS NOT OLD.payload OR NEW.hlc IS NOT OLD.hlc
  OR NEW.device_id IS NOT OLD.device_id OR NEW.created_at IS NOT OLD.created_at
  OR NEW.user_id IS NOT OLD.user_id OR NEW.user_name IS NOT OLD.user_name
BEGIN
    SELECT RAISE(ABORT, 'the change history cannot be edited');
END;

CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    at           TEXT NOT NULL,                -- UTC instant
    device_id    TEXT NOT NULL,
    user_id      TEXT,                         -- who was signed in (or tried to)
    user_name    TEXT,
    action       TEXT NOT NULL,                -- sign_in, wrong_pin, lock, export, import...
    record_type  TEXT,
    record_id    TEXT,
    detail       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be edited');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be deleted');
END;
