-- Members who move, pause, work elsewhere or leave (domain-rules §6.1-6.5, 6.7, 6.9, 6.10).

-- Official (§6.1) and temporary (§6.3) transfers. Either end is a cell of the tree (org id) or
-- free text outside it. member_id is NULL for an arrival from outside not yet received.
CREATE TABLE transfers (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('official', 'temporary')),
    reason         TEXT NOT NULL,
    member_id      INTEGER REFERENCES members (id) ON DELETE CASCADE,
    full_name      TEXT NOT NULL,
    birth_date     TEXT,
    from_org_id    INTEGER REFERENCES orgs (id) ON DELETE RESTRICT,
    from_external  TEXT,
    to_org_id      INTEGER REFERENCES orgs (id) ON DELETE RESTRICT,
    to_external    TEXT,
    trigger_date   TEXT,                -- official: decision in effect / moved (§6.1)
    letter_date    TEXT,                -- the introduction letter
    start_date     TEXT,                -- temporary: start and planned end (§6.3)
    end_date       TEXT,
    completed_date TEXT,                -- official: received / left the roster; temporary: back
    state          TEXT NOT NULL CHECK (state IN ('open', 'completed', 'cancelled')),
    note           TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (from_org_id IS NOT NULL OR from_external IS NOT NULL),
    CHECK (to_org_id IS NOT NULL OR to_external IS NOT NULL)
);
CREATE INDEX transfers_member ON transfers (member_id, state);
CREATE INDEX transfers_from ON transfers (from_org_id, state);
CREATE INDEX transfers_to ON transfers (to_org_id, state);

-- A member moved between two cells of the tree: one member row, one history.
CREATE TABLE member_moves (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    from_org_id INTEGER NOT NULL REFERENCES orgs (id),
    to_org_id   INTEGER NOT NULL REFERENCES orgs (id),
    moved_on    TEXT NOT NULL,
    transfer_id INTEGER REFERENCES transfers (id),
    actor       TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX member_moves_member ON member_moves (member_id, moved_on);

-- Exemption (miễn công tác và sinh hoạt đảng) and temporary exemption (tạm miễn), §6.4.
CREATE TABLE exemptions (
    id                 INTEGER PRIMARY KEY,
    member_id          INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('exempt', 'temporary')),
    ground             TEXT NOT NULL,
    resolution_date    TEXT NOT NULL,   -- the cell's resolution
    start_date         TEXT NOT NULL,
    end_date           TEXT,            -- temporary: planned end (under 12 months)
    approval_date      TEXT,            -- temporary: the grassroots committee's approval
    reported_date      TEXT,            -- exempt: reported upward
    application_date   TEXT,            -- return: the member's application
    return_date        TEXT,            -- return: the cell's decision
    prior_status       TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX exemptions_member ON exemptions (member_id);

-- Working members registered with the residence cell (QĐ 213, §6.9).
CREATE TABLE residence_contacts (
    id               INTEGER PRIMARY KEY,
    residence_org_id INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    member_id        INTEGER REFERENCES members (id) ON DELETE SET NULL,
    full_name        TEXT NOT NULL,
    workplace        TEXT NOT NULL,
    assigned_date    TEXT NOT NULL,
    exception        TEXT CHECK (exception IN ('barracks', 'study_away', 'student_away')),
    last_meeting     TEXT,
    ended_date       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX residence_contacts_org ON residence_contacts (residence_org_id, ended_date);

CREATE TABLE residence_comments (
    contact_id INTEGER NOT NULL REFERENCES residence_contacts (id) ON DELETE CASCADE,
    year       INTEGER NOT NULL,
    sent_on    TEXT NOT NULL,
    PRIMARY KEY (contact_id, year)
);

-- §6.5(c): the cell began re-educating a member.
CREATE TABLE reeducations (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    started_on TEXT NOT NULL,
    ended_on   TEXT,
    note       TEXT
);
CREATE INDEX reeducations_member ON reeducations (member_id);

-- §6.5 xóa tên: a review with its evidence, the cell's proposal and the committee's decision.
CREATE TABLE removal_reviews (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    ground        TEXT NOT NULL,
    opened_on     TEXT NOT NULL,
    evidence      TEXT NOT NULL,        -- JSON list of {ground, level, count, dates}
    proposal_date TEXT,
    proposal      TEXT CHECK (proposal IN ('remove', 'keep')),
    decision_date TEXT,
    decision      TEXT CHECK (decision IN ('removed', 'kept')),
    decision_no   TEXT,
    note          TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX removal_reviews_member ON removal_reviews (member_id);
CREATE INDEX removal_reviews_org ON removal_reviews (org_id, decision);

-- §6.10: a member who died or left, and the notice upward with the dossier.
CREATE TABLE departures (
    member_id   INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    kind        TEXT NOT NULL CHECK (kind IN ('deceased', 'left')),
    left_on     TEXT NOT NULL,
    notice_date TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL
);

-- §6.7: the party card: requested, decided, handed over; collected on removal.
CREATE TABLE party_cards (
    member_id     INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    requested_on  TEXT,
    decision_date TEXT,
    decision_no   TEXT,
    handed_on     TEXT,
    collect_from  TEXT,
    collected_on  TEXT,
    updated_at    TEXT NOT NULL
);
