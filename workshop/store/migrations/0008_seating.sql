-- Seating (issue 16, docs/seating.md): join questions, the answers given at joining, and
-- who sat where in earlier seatings (so a reseat can mix people who have not sat together).

-- Up to three questions per session, asked on the phone before seating.
CREATE TABLE join_questions (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    prompt     TEXT NOT NULL,
    options    TEXT NOT NULL,  -- a JSON list of option texts
    created_at REAL NOT NULL
);
CREATE INDEX join_questions_session ON join_questions(session_id);

-- A participant's answer to a join question: the option's index (a skipped question: no row).
CREATE TABLE join_answers (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    question_id    INTEGER NOT NULL REFERENCES join_questions(id) ON DELETE CASCADE,
    option         INTEGER NOT NULL,
    PRIMARY KEY (participant_id, question_id)
);
CREATE INDEX join_answers_question ON join_answers(question_id);

-- Earlier seatings: each reseat keeps the seating it replaces as one round, and moving one
-- person keeps the table they left (in the round in progress: one after the last reseat).
-- People who share (round, table) have sat together.
CREATE TABLE seatings (
    session_id     INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    round          INTEGER NOT NULL,
    table_number   INTEGER NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    moved          INTEGER NOT NULL DEFAULT 0,  -- 1: the table one person was moved from
    PRIMARY KEY (session_id, round, table_number, participant_id)
);
