-- Hybrid days (issue 17): digital tables for people joining from home, each with its own
-- video-meeting link, and more than one facilitator on a session.
--
-- A table is in the room or digital; a participant is remote exactly when their table is
-- digital (moving them to a room table brings them into the room).
ALTER TABLE tables ADD COLUMN kind TEXT NOT NULL DEFAULT 'room'
    CHECK (kind IN ('room', 'digital'));
-- The table's own meeting link; NULL: the session's pattern with {table} filled in.
ALTER TABLE tables ADD COLUMN meeting_url TEXT;
-- The plenary's meeting link, and the pattern for digital tables' links
-- (https://meet.example/lillevik-{table}).
ALTER TABLE sessions ADD COLUMN plenary_url TEXT;
ALTER TABLE sessions ADD COLUMN meeting_pattern TEXT;

-- Co-facilitators: accounts besides the owner (sessions.facilitator_id) who run the session.
-- watch: which tables their console shows first (all, digital or room).
CREATE TABLE session_facilitators (
    session_id     INTEGER NOT NULL REFERENCES sessions(id),
    facilitator_id INTEGER NOT NULL REFERENCES facilitators(id),
    watch          TEXT NOT NULL DEFAULT 'all' CHECK (watch IN ('all', 'digital', 'room')),
    added_at       REAL NOT NULL,
    PRIMARY KEY (session_id, facilitator_id)
) WITHOUT ROWID;
CREATE INDEX session_facilitators_by ON session_facilitators(facilitator_id, session_id);
