-- Seat counts kept with the tables (issue 19): a join reads how many sit at each table from
-- the tables' own rows instead of counting every seated participant, and a participant's
-- number (1 for the first to join) is stored when they join instead of counted at each read.
-- Both were O(participants) inside the writer's transaction, so 2,000 joins cost O(n^2).
ALTER TABLE tables ADD COLUMN seated INTEGER NOT NULL DEFAULT 0;
UPDATE tables SET seated = (
    SELECT COUNT(*) FROM participants p
    WHERE p.session_id = tables.session_id AND p.table_number = tables.number
      AND p.removed_at IS NULL
);

ALTER TABLE participants ADD COLUMN number INTEGER;
UPDATE participants SET number = (
    SELECT COUNT(*) FROM participants q
    WHERE q.session_id = participants.session_id AND q.id <= participants.id
);
CREATE INDEX participants_number ON participants(session_id, number);
