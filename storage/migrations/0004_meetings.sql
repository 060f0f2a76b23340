-- Cell meetings (sổ ghi biên bản sinh hoạt chi bộ): the meeting, who attended, tasks given.

-- AUTOINCREMENT: ids are never reused (audit entries and reminder keys name them).
CREATE TABLE meetings (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,   -- the cell
    held_on        TEXT NOT NULL,                -- local date
    kind           TEXT NOT NULL CHECK (kind IN ('regular', 'thematic', 'extraordinary')),
    topic          TEXT,                         -- required for thematic (checked in code)
    upper_attendee TEXT,                         -- cấp ủy viên cấp trên dự
    contents       TEXT,                         -- main contents / resolution
    rating         TEXT,                         -- the cell's own rating (config levels)
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX meetings_org ON meetings (org_id, held_on);
-- One regular meeting per cell per month (M1); the use case checks first and says why.
CREATE UNIQUE INDEX meetings_one_regular_a_month
    ON meetings (org_id, substr(held_on, 1, 7)) WHERE kind = 'regular';

-- Attendance per member (M7): exempt members (§6.4) are listed apart and never absent.
-- No rows for a meeting = attendance not recorded (e.g. back-filled from the CLI).
CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('present', 'excused', 'unexcused', 'exempt')),
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_attendance_member ON meeting_attendance (member_id, status);

-- Tasks the meeting assigned to members; reminded on the due date until marked done.
CREATE TABLE meeting_tasks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    task       TEXT NOT NULL,
    due_date   TEXT NOT NULL,
    done_on    TEXT,                             -- local date it was marked done
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meeting_tasks_meeting ON meeting_tasks (meeting_id, position);
CREATE INDEX meeting_tasks_open ON meeting_tasks (due_date) WHERE done_on IS NULL;
