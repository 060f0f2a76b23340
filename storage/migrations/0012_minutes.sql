-- The minutes of a meeting (biên bản sinh hoạt chi bộ): what the meeting book needs beyond the
-- log, every field optional (a secretary who skips them still logs the meeting in 7 taps).

CREATE TABLE meeting_minutes (
    meeting_id   INTEGER PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    place        TEXT,                 -- địa điểm
    opened_at    TEXT,                 -- HH:MM local
    closed_at    TEXT,                 -- HH:MM local
    chair        TEXT,                 -- chủ trì
    recorder     TEXT,                 -- thư ký (người ghi biên bản)
    agenda       TEXT,                 -- the agenda, one item a line
    opinions     TEXT,                 -- ý kiến phát biểu
    vote_for     INTEGER CHECK (vote_for >= 0),
    vote_against INTEGER CHECK (vote_against >= 0),
    vote_abstain INTEGER CHECK (vote_abstain >= 0)
);

-- Why a member was absent (lý do vắng mặt), for the minutes' attendance section.
CREATE TABLE meeting_absence_reasons (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
