"""Small key/value facts about this installation (e.g. the bot's username)."""

from __future__ import annotations

from storage.db import Tx


async def get(tx: Tx, key: str) -> str | None:
    return await tx.scalar("SELECT value FROM meta WHERE key = ?", (key,))


async def put(tx: Tx, key: str, value: str) -> None:
    await tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
