-- The latest numbered screen of each Zalo chat (Zalo has no buttons: choices are typed numbers
-- or letters). One row per chat, replaced by each new screen, so a number typed after a restart
-- still presses the button the user sees, and a number of an older screen is "expired".
CREATE TABLE zalo_screens (
    chat_id  TEXT PRIMARY KEY,         -- the Zalo chat (not the user id: survives linking)
    version  INTEGER NOT NULL,         -- counts the chat's screens; only a newer one replaces
    labels   TEXT NOT NULL CHECK (labels IN ('numbers', 'counts')),
    keys     TEXT NOT NULL,            -- JSON: typed key ("1", or "4"/"a" for counts) -> callback data
    message  TEXT NOT NULL,            -- JSON: the message the buttons belong to, without its text
    shown_at TEXT NOT NULL
);
