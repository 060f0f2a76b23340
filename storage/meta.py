"""Small key/value facts about this installation (e.g. the bot's username)."""

from __future__ import annotations

from chibo.storage.db import Tx


async def get(tx: Tx, key: str) -> str | None:
    value = await tx.scalar("SELECT value FROM meta WHERE key = ?", (key,))
    return None if value is None else str(value)


async def put(tx: Tx, key: str, value: str) -> None:
    await tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
