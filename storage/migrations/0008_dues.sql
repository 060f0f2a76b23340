-- Party age gaps (P9), party dues (§6.6) and party badges (§6.8).

-- Periods outside the party, recorded when a member was re-admitted (P9): subtracted from
-- party age. left_on = first day outside, returned_on = the re-admission decision.
CREATE TABLE party_age_gaps (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    left_on         TEXT NOT NULL,
    returned_on     TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (reason IN ('removed', 'expelled', 'lost_contact',
                                                    'transfer_gap', 'other')),
    source_document TEXT NOT NULL,              -- decision number and date it rests on
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    CHECK (left_on < returned_on)
);
CREATE INDEX party_age_gaps_member ON party_age_gaps (member_id, left_on);

-- What a member declares for dues: the basis and its amount; an amount the cell sets.
CREATE TABLE dues_profiles (
    member_id   INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    basis       TEXT CHECK (basis IN ('insured_salary', 'pension', 'other')),
    base_amount INTEGER CHECK (base_amount IS NULL OR base_amount >= 0),   -- VND a month
    cell_amount INTEGER CHECK (cell_amount IS NULL OR cell_amount >= 0),   -- VND a month
    updated_at  TEXT NOT NULL
);

-- Exemptions (on application) and reductions (30/50/70%, at most 12 months per decision).
-- Months are 'YYYY-MM'; end_month inclusive, NULL = until revoked (exemptions only).
CREATE TABLE dues_reliefs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('exemption', 'reduction')),
    ground      TEXT CHECK (ground IN ('social_pension', 'poor_household', 'serious_illness')),
    percent     INTEGER CHECK (percent IS NULL OR percent BETWEEN 1 AND 99),
    start_month TEXT NOT NULL,
    end_month   TEXT,
    document    TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK (kind = 'exemption' AND ground IS NOT NULL AND percent IS NULL
           OR kind = 'reduction' AND percent IS NOT NULL AND end_month IS NOT NULL),
    CHECK (end_month IS NULL OR start_month <= end_month)
);
CREATE INDEX dues_reliefs_member ON dues_reliefs (member_id, start_month);

-- The monthly ledger: one row per member and month (the cell at the time in org_id).
CREATE TABLE dues_ledger (
    member_id         INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    month             TEXT NOT NULL,                       -- 'YYYY-MM'
    org_id            INTEGER NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
    due               INTEGER NOT NULL CHECK (due >= 0),   -- VND
    paid              INTEGER NOT NULL CHECK (paid >= 0),  -- VND
    paid_on           TEXT,
    channel           TEXT CHECK (channel IN ('portal', 'cash')),
    status            TEXT NOT NULL CHECK (status IN ('paid', 'unpaid', 'excused', 'exempt')),
    exempt_ground     TEXT,
    reduction_percent INTEGER,
    note              TEXT,                                -- the valid reason, when excused
    recorded_by       TEXT NOT NULL,
    recorded_at       TEXT NOT NULL,
    PRIMARY KEY (member_id, month)
);
CREATE INDEX dues_ledger_org ON dues_ledger (org_id, month);

-- Badges awarded (one per member and milestone); returned_on set when handed back.
CREATE TABLE badge_awards (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    milestone   INTEGER NOT NULL,
    award_date  TEXT NOT NULL,
    decision    TEXT,
    early       INTEGER NOT NULL DEFAULT 0,
    returned_on TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (member_id, milestone)
);

-- Requests for an early badge (serious illness), per member and milestone.
CREATE TABLE badge_early_requests (
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    milestone    INTEGER NOT NULL,
    requested_on TEXT NOT NULL,
    document     TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (member_id, milestone)
);
