-- ID cards. The QR code on a card carries only its token: an opaque random string, no
-- personal data. A holder has at most one live card; a lost card is revoked and replaced.
CREATE TABLE id_cards (
    token        TEXT PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,             -- the record id sync uses
    holder_kind  TEXT NOT NULL,                    -- 'student' or 'staff'
    holder_id    TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;
CREATE UNIQUE INDEX id_cards_one_live ON id_cards (holder_kind, holder_id) WHERE revoked_at IS NULL;
