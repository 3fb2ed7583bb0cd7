-- The first schema: facilitators, sessions with their tables, participants, activities,
-- votes (every vote sent, kept) with ballots (the latest vote per participant), and posts.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE facilitators (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    REAL NOT NULL
);

CREATE TABLE sessions (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    facilitator_id      INTEGER NOT NULL REFERENCES facilitators(id),
    title               TEXT NOT NULL,
    language            TEXT NOT NULL,
    screen_key          TEXT NOT NULL,
    current_activity_id INTEGER,
    screen_view         TEXT NOT NULL DEFAULT 'options',
    base_url            TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 0,
    created_at          REAL NOT NULL
);
CREATE INDEX sessions_facilitator ON sessions(facilitator_id, created_at);

CREATE TABLE tables (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    number     INTEGER NOT NULL,
    name       TEXT NOT NULL,
    capacity   INTEGER NOT NULL DEFAULT 7,
    PRIMARY KEY (session_id, number)
) WITHOUT ROWID;

CREATE TABLE participants (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions(id),
    table_number INTEGER NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   REAL NOT NULL,
    FOREIGN KEY (session_id, table_number) REFERENCES tables(session_id, number)
);
CREATE INDEX participants_table ON participants(session_id, table_number);

CREATE TABLE activities (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    prompt     TEXT NOT NULL,
    options    TEXT NOT NULL DEFAULT '[]',
    allow_why  INTEGER NOT NULL DEFAULT 0,
    state      TEXT NOT NULL DEFAULT 'draft',
    created_at REAL NOT NULL
);
CREATE INDEX activities_session ON activities(session_id, position);

CREATE TABLE votes (
    id             TEXT PRIMARY KEY,
    activity_id    INTEGER NOT NULL REFERENCES activities(id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    table_number   INTEGER NOT NULL,
    option         INTEGER NOT NULL,
    why            TEXT NOT NULL DEFAULT '',
    created_at     REAL NOT NULL
);

CREATE TABLE ballots (
    activity_id    INTEGER NOT NULL,
    participant_id INTEGER NOT NULL,
    vote_id        TEXT NOT NULL REFERENCES votes(id),
    PRIMARY KEY (activity_id, participant_id)
) WITHOUT ROWID;

CREATE TABLE posts (
    id             TEXT PRIMARY KEY,
    activity_id    INTEGER NOT NULL REFERENCES activities(id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    table_number   INTEGER NOT NULL,
    text           TEXT NOT NULL,
    hidden         INTEGER NOT NULL DEFAULT 0,
    created_at     REAL NOT NULL
);
CREATE INDEX posts_activity ON posts(activity_id, created_at);
CREATE INDEX posts_participant ON posts(participant_id);
CREATE INDEX votes_participant ON votes(participant_id);
