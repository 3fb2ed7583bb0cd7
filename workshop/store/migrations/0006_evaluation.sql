-- The day's evaluation (issue 15): an activity of its own kind with a list of questions,
-- answered in one frame. Like votes, every frame is kept and a ballot points at each
-- participant's latest; its answers are one row per answered key, so the figures across
-- sessions are counted in SQL from the stored answers.
ALTER TABLE activities ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';

CREATE TABLE evaluations (
    id             TEXT PRIMARY KEY,            -- the client's id: idempotent
    activity_id    INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    table_number   INTEGER NOT NULL,
    created_at     REAL NOT NULL
);

CREATE TABLE evaluation_ballots (
    activity_id    INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    evaluation_id  TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, participant_id)
);

CREATE TABLE evaluation_answers (
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    number        INTEGER,   -- a step 1-5, or a chosen topic's segment id
    text          TEXT       -- a choice's id, or a free text
);
CREATE INDEX evaluation_answers_of ON evaluation_answers(evaluation_id, key);
CREATE INDEX evaluations_of ON evaluations(activity_id);
CREATE INDEX evaluation_ballots_by ON evaluation_ballots(participant_id);

-- A removed participant's evaluation goes like their votes (see 0004).
CREATE TRIGGER evaluations_from_removed BEFORE INSERT ON evaluations
WHEN (SELECT removed_at FROM participants WHERE id = NEW.participant_id) IS NOT NULL
BEGIN
    SELECT RAISE(IGNORE);
END;
