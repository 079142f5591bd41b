-- The code of the error that ended the last sync attempt (`offline`, `sync_refused`, ...),
-- beside its message, so the app can tell "will retry" from "needs a person" without
-- reading the text.
ALTER TABLE sync_state ADD COLUMN last_error_code TEXT;
