-- One draft per flow (slot) and user instead of one per user: opening another flow keeps the
-- first. `seq` orders a user's drafts: the highest is the screen the user touched last.
CREATE TABLE drafts_by_flow (
    user_id    INTEGER NOT NULL REFERENCES users (tg_id) ON DELETE CASCADE,
    slot       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    step       TEXT NOT NULL,
    org_id     INTEGER REFERENCES orgs (id) ON DELETE CASCADE,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, slot)
);

INSERT INTO drafts_by_flow (user_id, slot, kind, step, org_id, data, updated_at, seq)
SELECT user_id,
       CASE
           WHEN kind IN ('candidate', 'cand_step', 'cand_close') THEN 'candidate'
           WHEN kind IN ('roster.add', 'roster.edit', 'roster.status') THEN 'roster.form'
           WHEN kind IN ('prob.date', 'prob.text') THEN 'prob'
           ELSE kind
       END,
       kind, step, org_id, data, updated_at, 1
FROM drafts;

DROP TABLE drafts;
ALTER TABLE drafts_by_flow RENAME TO drafts;
