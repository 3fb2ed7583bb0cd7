-- Guarding the room against ballot stuffing: a participant cap and a lock on joining per
-- session, and participants the facilitator removed (kept as rows, so their ids are never
-- given to anyone else, but no longer seated, counted or able to answer).
ALTER TABLE sessions ADD COLUMN max_participants INTEGER;  -- NULL: no cap
ALTER TABLE sessions ADD COLUMN joining_locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN removed_at REAL;       -- NULL: still in the session

-- Sessions made before the cap get the default: twice their seats.
UPDATE sessions SET max_participants =
    2 * (SELECT COALESCE(SUM(capacity), 0) FROM tables WHERE tables.session_id = sessions.id);

-- Who is seated where (every join and every snapshot counts them), and the console's list.
CREATE INDEX participants_seated ON participants(session_id, removed_at, table_number);
CREATE INDEX participants_joined ON participants(session_id, removed_at, created_at);

-- A removed participant's answers are dropped in the same step as every other write: a
-- vote or post already on its way (another socket, another process) is skipped, and the
-- store answers it as refused.
CREATE TRIGGER votes_from_removed BEFORE INSERT ON votes
WHEN (SELECT removed_at FROM participants WHERE id = NEW.participant_id) IS NOT NULL
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER ballots_from_removed BEFORE INSERT ON ballots
WHEN (SELECT removed_at FROM participants WHERE id = NEW.participant_id) IS NOT NULL
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER posts_from_removed BEFORE INSERT ON posts
WHEN (SELECT removed_at FROM participants WHERE id = NEW.participant_id) IS NOT NULL
BEGIN
    SELECT RAISE(IGNORE);
END;
