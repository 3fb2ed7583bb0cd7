-- The day on the projector (issue 14): a closing step and closing the session; the screen's
-- join page, corner and law block; plan times that follow the clock (each day's planned
-- start and when it really started; segments keep only their length); the minutes and the
-- law of each case copied into a session; "why" texts put on the screen; table changes.
ALTER TABLE sessions ADD COLUMN closing INTEGER NOT NULL DEFAULT 0;   -- at the closing step
ALTER TABLE sessions ADD COLUMN closed_at REAL;                       -- NULL: still open
ALTER TABLE sessions ADD COLUMN join_page INTEGER NOT NULL DEFAULT 0; -- big join page on top
ALTER TABLE sessions ADD COLUMN join_corner INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN show_law INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN wall_page INTEGER NOT NULL DEFAULT 0; -- the facilitator's step
ALTER TABLE sessions ADD COLUMN table_changes INTEGER NOT NULL DEFAULT 1;

CREATE TABLE plan_days (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    day        INTEGER NOT NULL,
    start      TEXT NOT NULL DEFAULT '',  -- planned "HH:MM", local to the room; '' for none
    started_at REAL,                      -- when the day really started
    PRIMARY KEY (session_id, day)
);

-- A day's planned start is where its first planned segment started.
INSERT INTO plan_days (session_id, day, start)
SELECT session_id, day, MIN(start) FROM segments WHERE start != '' GROUP BY session_id, day;

ALTER TABLE session_cases ADD COLUMN minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE session_cases ADD COLUMN law TEXT NOT NULL DEFAULT '[]';  -- [[ref, text], …]

-- A copy of the text at the moment it was chosen: a participant who edits their why later
-- does not change what the room has been shown.
CREATE TABLE screen_quotes (
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    vote_id     TEXT NOT NULL,
    option      INTEGER NOT NULL,
    text        TEXT NOT NULL,
    created_at  REAL NOT NULL,
    PRIMARY KEY (activity_id, vote_id)
);
