-- The day's plan: segments with planned times, the cases copied into a session, where the
-- room is in the plan, and the table-talk timer.
CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    position    INTEGER NOT NULL,
    day         INTEGER NOT NULL DEFAULT 1,
    start       TEXT NOT NULL DEFAULT '',   -- planned "HH:MM", '' when not planned
    minutes     INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL,
    started_at  REAL                        -- when the room first reached it
);
CREATE INDEX segments_session ON segments(session_id, position);

CREATE TABLE session_cases (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    source      TEXT NOT NULL DEFAULT '',   -- the library case it was copied from
    title       TEXT NOT NULL,
    narrative   TEXT NOT NULL DEFAULT '',
    questions   TEXT NOT NULL DEFAULT '[]', -- JSON list of texts
    notes       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_cases_session ON session_cases(session_id);

ALTER TABLE activities ADD COLUMN segment_id INTEGER REFERENCES segments(id);
ALTER TABLE activities ADD COLUMN case_id INTEGER REFERENCES session_cases(id);
ALTER TABLE sessions ADD COLUMN current_segment_id INTEGER;
ALTER TABLE sessions ADD COLUMN timer_ends_at REAL;
ALTER TABLE sessions ADD COLUMN timer_seconds INTEGER NOT NULL DEFAULT 0;
