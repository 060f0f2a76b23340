-- The notice of a cell's next meeting (thông báo lịch sinh hoạt): the last one prepared per
-- cell; the minutes of that meeting start their agenda from it.

CREATE TABLE meeting_notices (
    org_id     INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    held_on    TEXT NOT NULL,          -- ISO date of the meeting
    at_time    TEXT,                   -- HH:MM local
    place      TEXT,
    agenda     TEXT,                   -- one item a line
    documents  TEXT,                   -- documents to read beforehand, one a line
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
