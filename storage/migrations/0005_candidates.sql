-- Admission candidates (quần chúng ưu tú, domain-rules §2): the register and the pipeline.
-- One date column per step (NULL = not recorded yet); the order is checked in rules/admission.

CREATE TABLE candidates (
    id                          INTEGER PRIMARY KEY,
    org_id                      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    full_name                   TEXT NOT NULL,
    name_key                    TEXT NOT NULL,          -- rules.text.fold(full_name)
    birth_date                  TEXT NOT NULL,
    gender                      TEXT CHECK (gender IN ('male', 'female')),
    origin                      TEXT NOT NULL CHECK (origin IN ('youth_union', 'association',
                                    'civil_servant', 'private_worker', 'other')),
    youth_union_member          INTEGER NOT NULL DEFAULT 0 CHECK (youth_union_member IN (0, 1)),
    notes                       TEXT,
    tracked_since               TEXT NOT NULL,          -- listed as quần chúng ưu tú
    status                      TEXT NOT NULL DEFAULT 'active'
                                    CHECK (status IN ('active', 'admitted', 'withdrawn',
                                                      'not_admitted')),
    over_age_exception          INTEGER NOT NULL DEFAULT 0 CHECK (over_age_exception IN (0, 1)),
    -- 1. lớp bồi dưỡng nhận thức về Đảng (A3)
    course_cert_date            TEXT,
    -- 2. đơn xin vào Đảng, lý lịch (A5)
    application_date            TEXT,
    background_date             TEXT,
    -- 3. thẩm tra lý lịch; the cell's comment on the background after it (A5)
    verification_date           TEXT,
    background_comment_date     TEXT,
    -- 4. giới thiệu (A7/A8): introducers in candidate_introducers
    introduction_date           TEXT,
    youth_union_resolution_date TEXT,
    trade_union_resolution_date TEXT,
    -- 5. nghị quyết chi bộ, with the vote (A9)
    cell_resolution_date        TEXT,
    vote_agree                  INTEGER,
    vote_base                   INTEGER,
    -- 6. nghị quyết đảng ủy cơ sở (only when the cell is under one)
    grassroots_resolution_date  TEXT,
    -- 7. quyết định kết nạp (A10)
    decision_date               TEXT,
    decision_no                 TEXT,
    decision_received_date      TEXT,
    -- 8. lễ kết nạp (A11) -> the probationary member created in the roster
    ceremony_date               TEXT,
    member_id                   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    -- closed as withdrawn / not admitted
    closed_date                 TEXT,
    close_reason                TEXT,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
);
CREATE INDEX candidates_org ON candidates (org_id, status);

-- The official members assigned to follow and help the candidate (carried over to P1).
CREATE TABLE candidate_helpers (
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (candidate_id, member_id)
);

-- The party members introducing the candidate (A7), with the date since which each has
-- worked, studied or lived with the candidate in the same unit.
CREATE TABLE candidate_introducers (
    candidate_id  INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    together_from TEXT NOT NULL,
    PRIMARY KEY (candidate_id, member_id)
);

-- Per-cell admission setting: is the cell under a grassroots party committee (step 6)?
-- No row = inferred from the tree (see usecases/candidates.py).
CREATE TABLE admission_settings (
    org_id           INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    under_grassroots INTEGER NOT NULL CHECK (under_grassroots IN (0, 1)),
    updated_at       TEXT NOT NULL
);
