-- Sessions over time (issue 15): whom a session was for, accounts with roles, and when the
-- participants' texts and names were deleted under WORKSHOP_RETENTION_DAYS.
ALTER TABLE sessions ADD COLUMN organisation TEXT NOT NULL DEFAULT '';  -- the council
ALTER TABLE sessions ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN texts_deleted_at REAL;  -- NULL: texts and names still kept

-- facilitator: their own sessions; coordinator: every session's evaluation figures too;
-- admin: also manages accounts. The oldest account made the server and becomes admin.
ALTER TABLE facilitators ADD COLUMN role TEXT NOT NULL DEFAULT 'facilitator'
    CHECK (role IN ('facilitator', 'coordinator', 'admin'));
UPDATE facilitators SET role = 'admin' WHERE id = (SELECT MIN(id) FROM facilitators);

-- The coordinator's figures pick sessions by when they ran and by region.
CREATE INDEX sessions_region ON sessions(region, created_at);
CREATE INDEX activities_kind ON activities(kind, session_id);
-- Retention finds closed sessions whose texts are still kept.
CREATE INDEX sessions_closed ON sessions(closed_at) WHERE closed_at IS NOT NULL;
