-- Table talk (issue 16): each table's shared notes per activity (a Yjs document merged on the
-- server with pycrdt, kept whole and as plain text), who speaks for the table, a table that
-- called the facilitator, and the round of the tables on the screen.
CREATE TABLE table_notes (
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    table_number INTEGER NOT NULL,
    state        BLOB NOT NULL,   -- the whole document, as one Yjs update
    text         TEXT NOT NULL,   -- its plain text: the screen, the console, the report
    updated_at   REAL NOT NULL,
    hidden       INTEGER NOT NULL DEFAULT 0,   -- 1: the facilitator keeps them off the screen
    -- Counts the facilitator's clearings: each starts a fresh document, and a phone's
    -- update made on an older one is refused (it would bring the cleared text back).
    generation   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (activity_id, table_number)
) WITHOUT ROWID;

-- The client id of every note, spokesperson and hand frame: a frame sent again changes nothing.
CREATE TABLE table_talk_ids (
    id             TEXT PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,   -- note | spokesperson | hand
    created_at     REAL NOT NULL
) WITHOUT ROWID;

-- A row is a turn: the table chose them, or their turn came (the table wrote notes, or the
-- round of the tables reached it). Without a row the table's default is whoever has had the
-- fewest turns today, by joining order.
CREATE TABLE spokespersons (
    activity_id    INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    table_number   INTEGER NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    chosen         INTEGER NOT NULL DEFAULT 0,   -- 1: picked by the table
    PRIMARY KEY (activity_id, table_number)
) WITHOUT ROWID;
CREATE INDEX spokespersons_participant ON spokespersons(participant_id);

CREATE TABLE table_hands (
    session_id   INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    table_number INTEGER NOT NULL,
    raised_by    INTEGER REFERENCES participants(id) ON DELETE SET NULL,
    raised_at    REAL NOT NULL,
    PRIMARY KEY (session_id, table_number)
) WITHOUT ROWID;

-- At most one round per session; no row: no round on the screen.
CREATE TABLE table_rounds (
    session_id      INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    activity_id     INTEGER REFERENCES activities(id) ON DELETE SET NULL,
    tables          TEXT NOT NULL,      -- JSON: the table numbers in the round's order
    position        INTEGER NOT NULL,   -- index into tables: the table speaking now
    seconds         INTEGER NOT NULL,   -- speaking time per table; 0: no timer
    turn_started_at REAL NOT NULL
);
