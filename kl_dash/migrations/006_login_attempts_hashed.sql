-- Failed logins are counted per keyed hash of the name tried (HMAC-SHA256 under the secret
-- below), never the name itself: a password typed into the name field is not kept in clear.
-- The counts of earlier versions held names in clear; they are dropped (they only delay).
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
    name_hash    VARCHAR PRIMARY KEY CHECK (name_hash ~ '^(?:[0-9a-f]{64})$'),
    failures     INTEGER NOT NULL CHECK (failures >= 0),
    locked_until TIMESTAMP
);

-- The per-database secret of that hash: one row, made at the first login.
CREATE TABLE login_secret (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret VARCHAR NOT NULL CHECK (secret ~ '^(?:[0-9a-f]{64})$')
);
