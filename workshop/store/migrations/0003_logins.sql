-- Facilitator logins kept on the server: the cookie carries a random token, the table only
-- its SHA-256, so logout, "log out everywhere" and a password change can end a login.
CREATE TABLE logins (
    token_hash      TEXT PRIMARY KEY,
    facilitator_id  INTEGER NOT NULL REFERENCES facilitators(id),
    created_at      REAL NOT NULL,
    last_seen       REAL NOT NULL,
    expires_at      REAL NOT NULL
);
CREATE INDEX logins_facilitator ON logins(facilitator_id);
CREATE INDEX logins_expires ON logins(expires_at);

-- The signed cookie's secret is no longer used: a cookie names a stored login instead.
DELETE FROM settings WHERE key = 'cookie_secret';
