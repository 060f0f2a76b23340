-- Reminder deliveries: one row per (reminder key, recipient). The row is the claim that makes
-- sending idempotent across sweeps, restarts and concurrent processes (docs/reminders.md).
-- state: claimed (a sweep holds it and is sending) -> sent | failed (retried by a later sweep).

CREATE TABLE reminder_deliveries (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL,          -- Reminder.key: kind:subject_type:subject_id:step
    user_id      INTEGER NOT NULL REFERENCES users (tg_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    org_id       INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,   -- the cell
    subject_type TEXT NOT NULL,
    subject_id   INTEGER NOT NULL,
    due_date     TEXT NOT NULL,
    recipients   TEXT NOT NULL,          -- role names the reminder is for, comma-separated
    state        TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 1,
    claim_token  TEXT NOT NULL,          -- the sweep that holds (or held) the claim
    claimed_at   TEXT NOT NULL,
    sent_at      TEXT,
    message_id   INTEGER,
    error        TEXT,                   -- why the last attempt failed ('blocked', ...)
    snooze_until TEXT,                   -- local date: send once more on or after it
    snoozes      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (key, user_id)
);
CREATE INDEX reminder_deliveries_org ON reminder_deliveries (org_id, state);
