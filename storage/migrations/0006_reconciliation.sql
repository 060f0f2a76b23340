-- Half-yearly reconciliation of the member list (domain-rules §7): the secretary's confirmation
-- of the cell's roster for a period (with a snapshot of it), the official lists officers
-- imported, and the discrepancies found per cell. A period is keyed by its last day (ISO).

CREATE TABLE reconciliations (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,   -- the cell
    period_end   TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,             -- the latest confirmation (earlier ones: audit log)
    confirmed_by TEXT NOT NULL,
    member_count INTEGER NOT NULL,
    UNIQUE (org_id, period_end)
);

-- The roster as confirmed: members on the roll at the period's end (or on the day confirmed,
-- if earlier), with the values the secretary saw. No foreign key on member_id: a snapshot
-- outlives the member's record.
CREATE TABLE reconciliation_members (
    reconciliation_id INTEGER NOT NULL REFERENCES reconciliations (id) ON DELETE CASCADE,
    member_id         INTEGER NOT NULL,
    full_name         TEXT NOT NULL,
    birth_date        TEXT,
    card_no           TEXT,
    cccd              TEXT,
    decision_date     TEXT,
    official_date     TEXT,
    status            TEXT NOT NULL,
    PRIMARY KEY (reconciliation_id, member_id)
);

-- An official list (exported from the member database) imported for a subtree and period.
CREATE TABLE official_lists (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,    -- the subtree's root
    period_end  TEXT NOT NULL,
    filename    TEXT NOT NULL,
    row_count   INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- What an official list showed per cell. A later list for the same cells and period resolves
-- the earlier open rows (resolved_by 'list:<id>'); so does the secretary's confirmation.
CREATE TABLE reconciliation_discrepancies (
    id             INTEGER PRIMARY KEY,
    list_id        INTEGER NOT NULL REFERENCES official_lists (id) ON DELETE CASCADE,
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE, -- the cell
    period_end     TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('missing_in_cell', 'missing_in_official',
                                                 'mismatch', 'near_match')),
    member_id      INTEGER,                 -- the cell's member; NULL for missing_in_cell
    official_row   INTEGER,                 -- row in the file; NULL for missing_in_official
    full_name      TEXT NOT NULL,
    field          TEXT,                    -- mismatch / near_match: the field that differs
    cell_value     TEXT,
    official_value TEXT,
    resolved_at    TEXT,
    resolved_by    TEXT
);
CREATE INDEX reconciliation_discrepancies_cell
    ON reconciliation_discrepancies (org_id, period_end, resolved_at);
