-- The school this installation serves. One row.
CREATE TABLE school (
    id                    TEXT PRIMARY KEY,
    singleton             INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    name                  TEXT NOT NULL,
    address               TEXT NOT NULL DEFAULT '',
    country               TEXT NOT NULL,            -- ISO 3166-1 alpha-2
    currency              TEXT NOT NULL,            -- ISO 4217 code
    currency_symbol       TEXT NOT NULL,
    currency_minor_units  INTEGER NOT NULL CHECK (currency_minor_units BETWEEN 0 AND 4),
    date_order            TEXT NOT NULL CHECK (date_order IN ('DMY', 'MDY')),
    time_zone             TEXT NOT NULL,            -- IANA name
    phone_country         TEXT NOT NULL,            -- ISO 3166-1 alpha-2 for local phone numbers
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;
