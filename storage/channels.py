"""Messenger identities beside Telegram (Zalo), the reminder channel choice, link codes, the
latest numbered screen of each Zalo chat, and merging a Zalo-only user into a Telegram user."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chibo.storage.db import Tx, need_instant, to_db_instant

CHANNELS = ("telegram", "zalo")


@dataclass(frozen=True)
class Identity:
    channel: str
    external_id: str
    user_id: int
    chat_id: str


async def identity(tx: Tx, channel: str, external_id: str) -> Identity | None:
    row = await tx.one(
        "SELECT * FROM channel_identities WHERE channel = ? AND external_id = ?",
        (channel, external_id),
    )
    return Identity(channel, external_id, row["user_id"], row["chat_id"]) if row else None


async def identity_of_user(tx: Tx, channel: str, user_id: int) -> Identity | None:
    row = await tx.one(
        "SELECT * FROM channel_identities WHERE channel = ? AND user_id = ?", (channel, user_id)
    )
    return Identity(channel, row["external_id"], user_id, row["chat_id"]) if row else None


async def add_identity(
    tx: Tx, channel: str, external_id: str, chat_id: str, at: datetime
) -> Identity:
    """A new identity with a user id of its own: negative, so never a Telegram id."""
    lowest = await tx.scalar("SELECT MIN(user_id) FROM channel_identities WHERE user_id < 0")
    lowest_user = await tx.scalar("SELECT MIN(tg_id) FROM users WHERE tg_id < 0")
    user_id = min(int(lowest or 0), int(lowest_user or 0)) - 1
    await tx.execute(
        "INSERT INTO channel_identities (channel, external_id, user_id, chat_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (channel, external_id, user_id, chat_id, to_db_instant(at)),
    )
    return Identity(channel, external_id, user_id, chat_id)


async def move_identity(tx: Tx, channel: str, external_id: str, user_id: int) -> None:
    await tx.execute(
        "UPDATE channel_identities SET user_id = ? WHERE channel = ? AND external_id = ?",
        (user_id, channel, external_id),
    )


async def drop_identity_of_user(tx: Tx, channel: str, user_id: int) -> None:
    await tx.execute(
        "DELETE FROM channel_identities WHERE channel = ? AND user_id = ?", (channel, user_id)
    )


async def reminders_channel(tx: Tx, user_id: int) -> str | None:
    value = await tx.scalar(
        "SELECT reminders_channel FROM channel_prefs WHERE user_id = ?", (user_id,)
    )
    return str(value) if value else None


async def set_reminders_channel(tx: Tx, user_id: int, channel: str) -> None:
    await tx.execute(
        "INSERT INTO channel_prefs (user_id, reminders_channel) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET reminders_channel = excluded.reminders_channel",
        (user_id, channel),
    )


async def add_link(tx: Tx, code_hash: str, user_id: int, expires_at: datetime) -> None:
    await tx.execute("DELETE FROM channel_links WHERE user_id = ?", (user_id,))
    await tx.execute(
        "INSERT OR REPLACE INTO channel_links (code_hash, user_id, expires_at) VALUES (?, ?, ?)",
        (code_hash, user_id, to_db_instant(expires_at)),
    )


async def take_link(tx: Tx, code_hash: str) -> tuple[int, datetime] | None:
    """The link code's user and expiry; the code is used up."""
    row = await tx.one("SELECT * FROM channel_links WHERE code_hash = ?", (code_hash,))
    if row is None:
        return None
    await tx.execute("DELETE FROM channel_links WHERE code_hash = ?", (code_hash,))
    return int(row["user_id"]), need_instant(row["expires_at"])


@dataclass(frozen=True)
class ZaloScreen:
    """The latest screen of a Zalo chat: what may be typed → the button's callback data."""

    chat_id: str
    version: int
    labels: str  # "numbers" (1, 2, 3…) or "counts" (buttons typed by their number, others a, b…)
    keys: dict[str, str]
    message: dict[str, Any]
    shown_at: datetime


async def save_zalo_screen(
    tx: Tx,
    chat_id: str,
    labels: str,
    keys: dict[str, str],
    message: dict[str, Any],
    at: datetime,
) -> int:
    """Replace the chat's screen (one row per chat); the new screen's version."""
    version = await tx.scalar(
        "INSERT INTO zalo_screens (chat_id, version, labels, keys, message, shown_at)"
        " VALUES (?, 1, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id) DO UPDATE SET version = zalo_screens.version + 1,"
        " labels = excluded.labels, keys = excluded.keys, message = excluded.message,"
        " shown_at = excluded.shown_at"
        " RETURNING version",
        (
            chat_id,
            labels,
            json.dumps(keys, ensure_ascii=False),
            json.dumps(message, ensure_ascii=False),
            to_db_instant(at),
        ),
    )
    return int(version)


async def zalo_screen(tx: Tx, chat_id: str) -> ZaloScreen | None:
    row = await tx.one("SELECT * FROM zalo_screens WHERE chat_id = ?", (chat_id,))
    if row is None:
        return None
    try:
        keys = {str(k): str(v) for k, v in json.loads(row["keys"]).items()}
        message = dict(json.loads(row["message"]))
    except (ValueError, TypeError, AttributeError):
        keys, message = {}, {}  # unreadable: as a screen without choices (typed text is text)
    return ZaloScreen(
        chat_id,
        int(row["version"]),
        str(row["labels"]),
        keys,
        message,
        need_instant(row["shown_at"]),
    )


# -- merging a Zalo-only user into a Telegram user ---------------------------------------------

#: Every column that holds a user id, moved to the Telegram user by `merge_user` (checked
#: against the migrated schema by tests/usecases/test_channels.py). `zalo_screens` is keyed by
#: the Zalo chat, not the user.
USER_TABLES: tuple[tuple[str, str], ...] = (
    ("users", "tg_id"),
    ("roles", "user_id"),
    ("invites", "used_by"),
    ("invite_failures", "user_id"),
    ("drafts", "user_id"),
    ("reminder_deliveries", "user_id"),
    ("channel_identities", "user_id"),
    ("channel_prefs", "user_id"),
    ("channel_links", "user_id"),
)
#: The columns that name who acted (TEXT: a user id, or "cli"…): history, kept as written —
#: they hold the id that acted then; the merge's own audit entry links the two ids.
HISTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("audit_log", "actor"),
    ("badge_awards", "created_by"),
    ("badge_early_requests", "created_by"),
    ("conversion_votes", "actor"),
    ("dues_ledger", "recorded_by"),
    ("dues_reliefs", "created_by"),
    ("evaluation_campaigns", "opened_by"),
    ("evaluation_remedies", "created_by"),
    ("invites", "created_by"),
    ("meeting_notices", "updated_by"),
    ("meetings", "created_by"),
    ("member_moves", "actor"),
    ("member_status_history", "actor"),
    ("official_lists", "imported_by"),
    ("party_age_gaps", "created_by"),
    ("reconciliation_discrepancies", "resolved_by"),
    ("reconciliations", "confirmed_by"),
)
#: The tables of `USER_TABLES` whose move needs a rule of its own (a conflict to settle, a
#: row to merge or drop); the others move by a plain UPDATE.
_MERGED_BY_RULE = frozenset(
    {
        "users",
        "roles",
        "drafts",
        "reminder_deliveries",
        "channel_identities",
        "channel_prefs",
        "channel_links",
    }
)


async def merge_user(tx: Tx, old: int, new: int) -> dict[str, int]:
    """Move everything of user `old` to user `new` (one transaction: the caller's) and delete
    `old`; the rows moved per table. `new` keeps its own Telegram fields; what it lacks (a
    language, a current cell) comes from `old`. A claim both hold for the same reminder keeps
    the one further along (sent before anything else), so nothing is sent twice."""
    moved: dict[str, int] = {}
    await tx.execute(
        "INSERT INTO users (tg_id, full_name, username, language, tg_language, current_org_id,"
        " created_at, last_seen_at)"
        " SELECT ?, full_name, username, language, tg_language, current_org_id, created_at,"
        " last_seen_at FROM users WHERE tg_id = ?"
        " ON CONFLICT (tg_id) DO UPDATE SET"
        " language = COALESCE(users.language, excluded.language),"
        " current_org_id = COALESCE(excluded.current_org_id, users.current_org_id),"
        " full_name = CASE WHEN users.full_name = '' THEN excluded.full_name"
        " ELSE users.full_name END,"
        " created_at = MIN(users.created_at, excluded.created_at)",
        (new, old),
    )
    moved["roles"] = await tx.changes(
        "UPDATE OR IGNORE roles SET user_id = ? WHERE user_id = ?", (new, old)
    )
    for table, column in USER_TABLES:
        if table not in _MERGED_BY_RULE:  # names from the constant above, not from input
            moved[table] = await tx.changes(
                f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new, old)
            )
    await tx.execute(
        "DELETE FROM drafts WHERE user_id = ? AND slot IN"
        " (SELECT slot FROM drafts WHERE user_id = ?)",
        (new, old),
    )
    moved["drafts"] = await tx.changes(
        "UPDATE drafts SET user_id = ? WHERE user_id = ?", (new, old)
    )
    await tx.execute(
        "DELETE FROM reminder_deliveries WHERE user_id = ? AND key IN"
        " (SELECT key FROM reminder_deliveries WHERE user_id = ? AND state = 'sent')",
        (old, new),
    )
    await tx.execute(
        "DELETE FROM reminder_deliveries WHERE user_id = ? AND key IN"
        " (SELECT key FROM reminder_deliveries WHERE user_id = ?)",
        (new, old),
    )
    moved["reminder_deliveries"] = await tx.changes(
        "UPDATE reminder_deliveries SET user_id = ? WHERE user_id = ?", (new, old)
    )
    for channel in CHANNELS:
        if await identity_of_user(tx, channel, old) is not None:
            await drop_identity_of_user(tx, channel, new)  # an earlier account of `new`
    moved["channel_identities"] = await tx.changes(
        "UPDATE channel_identities SET user_id = ? WHERE user_id = ?", (new, old)
    )
    chosen = await reminders_channel(tx, old)
    await tx.execute("DELETE FROM channel_prefs WHERE user_id = ?", (old,))
    if chosen is not None:
        await set_reminders_channel(tx, new, chosen)
    await tx.execute("DELETE FROM channel_links WHERE user_id IN (?, ?)", (old, new))
    await tx.execute("DELETE FROM roles WHERE user_id = ?", (old,))  # duplicates of `new`'s
    await tx.execute("DELETE FROM users WHERE tg_id = ?", (old,))
    return {table: n for table, n in moved.items() if n}
