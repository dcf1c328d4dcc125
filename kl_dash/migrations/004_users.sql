-- Local accounts and their roles. Passwords are stored only as argon2 hashes.
CREATE TABLE users (
    name          VARCHAR PRIMARY KEY CHECK (name ~ '^(?:[A-Za-z0-9._@-]{1,64})$'),
    role          VARCHAR NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash VARCHAR NOT NULL CHECK (password_hash LIKE '$argon2%'),
    created_at    TIMESTAMP NOT NULL
);

-- Failed logins per name tried (also names that do not exist), for the wait after five.
CREATE TABLE login_attempts (
    name         VARCHAR PRIMARY KEY,
    failures     INTEGER NOT NULL CHECK (failures >= 0),
    locked_until TIMESTAMP
);
