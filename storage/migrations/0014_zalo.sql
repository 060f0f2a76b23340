-- A second messenger: Zalo identities mapped to chibo users, and where each user's reminders go.
-- A Zalo account that redeems an invite gets a user id of its own (negative: never a Telegram
-- id); a person already bound on Telegram links their Zalo account to that same user id.

CREATE TABLE channel_identities (
    channel     TEXT NOT NULL CHECK (channel IN ('zalo')),
    external_id TEXT NOT NULL,
    user_id     INTEGER NOT NULL,
    chat_id     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE UNIQUE INDEX channel_identities_user ON channel_identities (channel, user_id);

CREATE TABLE channel_prefs (
    user_id           INTEGER PRIMARY KEY,
    reminders_channel TEXT NOT NULL CHECK (reminders_channel IN ('telegram', 'zalo'))
);

CREATE TABLE channel_links (
    code_hash  TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    expires_at TEXT NOT NULL
);
