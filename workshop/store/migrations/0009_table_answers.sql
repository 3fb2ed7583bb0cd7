-- Table answers and "before and after" (issue 16, docs/api.md "Table answers").
-- Who answers a vote: each person (as before) or the table together.
ALTER TABLE activities ADD COLUMN answer_by TEXT NOT NULL DEFAULT 'person'
    CHECK (answer_by IN ('person', 'table'));
-- An "after" round asks the same question again: the activity it repeats.
ALTER TABLE activities ADD COLUMN before_id INTEGER REFERENCES activities(id) ON DELETE SET NULL;

-- Every propose and confirm a member sent, by its client id (idempotent like a vote).
CREATE TABLE table_acts (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('propose', 'confirm')),
    activity_id    INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    table_number   INTEGER NOT NULL,  -- where the member sat when they sent it
    option         INTEGER NOT NULL,
    proposal_id    TEXT,  -- a confirm's: the proposal it confirmed
    created_at     REAL NOT NULL
);
CREATE INDEX table_acts_activity ON table_acts(activity_id, table_number);

-- Each table's state for an activity: its pending proposal and its confirmed answer.
CREATE TABLE table_answers (
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    table_number INTEGER NOT NULL,
    proposal_id  TEXT,  -- the pending proposal's act id, NULL when none
    answer_id    TEXT,  -- the confirm (act id) that made the answer
    option       INTEGER,  -- the confirmed answer, NULL before the first confirm
    PRIMARY KEY (activity_id, table_number)
);
