-- The cell's votes on a probationary member's conversion (domain-rules P6): one row per round,
-- with its counts, so the rounds are counted from the record (conversions.vote_rounds keeps the
-- number of rounds that failed to reach 2/3 either way).

CREATE TABLE conversion_votes (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    held_on     TEXT NOT NULL,                 -- the cell meeting that voted
    agree       INTEGER NOT NULL CHECK (agree >= 0),     -- for the conversion
    disagree    INTEGER NOT NULL CHECK (disagree >= 0),  -- against: proposes removal (xóa tên)
    base        INTEGER NOT NULL CHECK (base > 0 AND agree + disagree <= base),  -- A9 vote base
    actor       TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX conversion_votes_member ON conversion_votes (member_id, held_on, id);
