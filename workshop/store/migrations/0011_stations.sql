-- Stations ("kommunetorg", issue 16): a reflection activity can be a station rotation; tables
-- move between its stations round by round (workshop/stations.py has the rules).
CREATE TABLE station_rotations (
    activity_id INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    seconds     INTEGER NOT NULL CHECK (seconds > 0),  -- one round's length
    rounds      INTEGER NOT NULL CHECK (rounds > 0),
    base_round  INTEGER NOT NULL DEFAULT 0,  -- the round that began at base_at
    base_at     REAL  -- NULL: not started
);
CREATE TABLE stations (
    activity_id INTEGER NOT NULL REFERENCES station_rotations(activity_id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    prompt      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (activity_id, position)
);
-- The station a post's table was at when the post was stored (in the same step).
CREATE TABLE post_stations (
    post_id     TEXT PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
    activity_id INTEGER NOT NULL,
    station     INTEGER,  -- NULL: posted before the rotation started
    round       INTEGER
);
CREATE INDEX post_stations_activity ON post_stations(activity_id, station);
