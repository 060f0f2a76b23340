-- Members roster (per cell), status history, probation helpers and the conversion record.

CREATE TABLE members (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    full_name        TEXT NOT NULL,
    name_key         TEXT NOT NULL,            -- rules.text.fold(full_name): search and matching
    birth_date       TEXT NOT NULL,
    gender           TEXT CHECK (gender IN ('male', 'female')),
    card_no          TEXT UNIQUE,              -- số thẻ đảng viên, unique when set
    cccd             TEXT UNIQUE CHECK (cccd IS NULL OR length(cccd) = 12),
    decision_date    TEXT,                     -- ngày vào Đảng (admission decision), P9
    ceremony_date    TEXT,                     -- ngày kết nạp tại chi bộ, P1
    official_date    TEXT,                     -- ngày chính thức, P8
    status           TEXT NOT NULL CHECK (status IN ('probationary', 'official', 'exempt',
                                                     'transferred_out', 'removed', 'deceased')),
    status_date      TEXT NOT NULL,
    course_done_date TEXT,                     -- lớp bồi dưỡng đảng viên mới (P3)
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX members_org ON members (org_id, status);
CREATE INDEX members_name ON members (org_id, name_key, birth_date);
CREATE INDEX members_status ON members (status, ceremony_date);

CREATE TABLE member_status_history (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    status_date TEXT NOT NULL,
    note        TEXT,
    actor       TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX member_status_history_member ON member_status_history (member_id, status_date);

-- The official members assigned to help a probationary member (P1: at least one; usually two).
CREATE TABLE member_helpers (
    member_id        INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    helper_member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, helper_member_id),
    CHECK (member_id <> helper_member_id)
);

-- The conversion to official membership (P4–P8), one row per probationary member.
CREATE TABLE conversions (
    member_id               INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    cell_resolution_date    TEXT,
    vote_rounds             INTEGER NOT NULL DEFAULT 0,   -- P6: failed rounds so far
    committee_decision_date TEXT,
    committee_decision_no   TEXT,
    outcome                 TEXT CHECK (outcome IN ('converted', 'not_eligible')),
    outcome_note            TEXT,
    outcome_date            TEXT,                         -- day the outcome was recorded
    updated_at              TEXT NOT NULL
);
