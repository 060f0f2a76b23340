"""Facts about this installation, such as the bot's @username (for invite deep links)."""

from __future__ import annotations

from chibo.storage import meta
from chibo.usecases.context import AppContext

BOT_USERNAME = "bot_username"


async def remember_bot_username(ctx: AppContext, username: str) -> None:
    async with ctx.db.transaction() as tx:
        await meta.put(tx, BOT_USERNAME, username)


async def bot_username(ctx: AppContext) -> str | None:
    async with ctx.db.read() as tx:
        return await meta.get(tx, BOT_USERNAME)
