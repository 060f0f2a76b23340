-- Foundation: organisations, users and roles, invite codes, the audit log, drafts.
-- Dates are ISO dates (YYYY-MM-DD); instants are UTC ISO text with microseconds.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('committee', 'cell')),
    parent_id  INTEGER REFERENCES orgs (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs (parent_id);

CREATE TABLE users (
    tg_id          INTEGER PRIMARY KEY,
    full_name      TEXT NOT NULL DEFAULT '',
    username       TEXT,
    language       TEXT CHECK (language IN ('vi', 'en')),
    tg_language    TEXT,
    current_org_id INTEGER REFERENCES orgs (id) ON DELETE SET NULL,
    blocked_at     TEXT,
    created_at     TEXT NOT NULL,
    last_seen_at   TEXT
);

CREATE TABLE invites (
    id         INTEGER PRIMARY KEY,
    code_hash  TEXT NOT NULL UNIQUE,
    hint       TEXT NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('secretary', 'deputy', 'officer')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER,
    revoked_at TEXT
);

CREATE TABLE roles (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (tg_id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('secretary', 'deputy', 'officer')),
    invite_id  INTEGER REFERENCES invites (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, org_id, role)
);
CREATE INDEX roles_org ON roles (org_id, role);

CREATE TABLE invite_failures (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX invite_failures_user ON invite_failures (user_id, at);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,          -- Telegram user id, 'cli' or 'system'
    entity    TEXT NOT NULL,
    entity_id TEXT,
    action    TEXT NOT NULL,
    before    TEXT,                   -- JSON
    after     TEXT                    -- JSON
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);

-- A conversation in progress (one per user): survives restarts, expires by updated_at.
CREATE TABLE drafts (
    user_id    INTEGER PRIMARY KEY REFERENCES users (tg_id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    step       TEXT NOT NULL,
    org_id     INTEGER REFERENCES orgs (id) ON DELETE CASCADE,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);
