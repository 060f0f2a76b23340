-- The year-end evaluation (kiểm điểm, đánh giá, xếp loại chất lượng; domain-rules §5).

-- A year's campaign opened by an officer for a subtree, with the dates of that year's
-- instruction from above (never hard-coded). The nearest campaign above a cell applies.
CREATE TABLE evaluation_campaigns (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,  -- subtree root
    year        INTEGER NOT NULL,
    review_by   TEXT NOT NULL,          -- cells hold their review by this day
    report_by   TEXT NOT NULL,          -- results go up by this day
    remind_from TEXT,                   -- NULL: evaluation.remind_from (1/11)
    instruction TEXT,                   -- e.g. "CV 10072-CV/BTCTW ngày 6/11/2025"
    form        TEXT,                   -- the review form in force
    opened_by   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (org_id, year)
);

-- Per cell and year: its review meeting, and its own rating decided by the committee above.
CREATE TABLE evaluation_cells (
    org_id          INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    year            INTEGER NOT NULL,
    review_held_on  TEXT,
    level           TEXT CHECK (level IN ('HTXS', 'HTT', 'HT', 'KHT')),
    level_decided_on TEXT,
    level_note      TEXT,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (org_id, year)
);

-- Per member and year: the self-improvement plan, the self-assessment, residence comments
-- (QĐ 213), the cell's proposal (score, level, vote) and the competent committee's level.
CREATE TABLE evaluation_members (
    member_id             INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    year                  INTEGER NOT NULL,
    org_id                INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    plan_received_on      TEXT,
    self_assessment_on    TEXT,
    works_elsewhere       INTEGER NOT NULL DEFAULT 0,
    residence_comments_on TEXT,
    disciplined_on        TEXT,           -- a discipline decision during the year
    score                 TEXT,           -- decimal text, 0-100
    proposed_level        TEXT CHECK (proposed_level IN ('HTXS', 'HTT', 'HT', 'KHT')),
    vote_agree            INTEGER,
    vote_base             INTEGER,
    decided_level         TEXT CHECK (decided_level IN ('HTXS', 'HTT', 'HT', 'KHT')),
    decided_on            TEXT,
    notes                 TEXT,
    updated_at            TEXT NOT NULL,
    PRIMARY KEY (member_id, year)
);
CREATE INDEX evaluation_members_org ON evaluation_members (org_id, year);

-- Shortcomings found at the review and their remedy plans; reminded on the due date.
CREATE TABLE evaluation_remedies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    year        INTEGER NOT NULL,
    member_id   INTEGER REFERENCES members (id) ON DELETE CASCADE,   -- NULL: the cell's own
    shortcoming TEXT NOT NULL,
    remedy      TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    done_on     TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX evaluation_remedies_open ON evaluation_remedies (due_date) WHERE done_on IS NULL;
