"""Heavy reads off the event loop: a worker thread with its own database connection.

The bot has one connection (`ctx.db`) whose lock serialises every transaction of the process:
a province-wide query holding it for a second would make every other user wait that second.
`run(ctx, fn)` runs `fn` on a context whose `db` is a second connection to the same file, in a
worker thread with its own event loop; SQLite's WAL lets it read a consistent snapshot while
the bot's connection goes on reading and writing. Use it for reads only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from chibo.storage.db import Database
from chibo.usecases.context import AppContext

T = TypeVar("T")


def separate_connection_possible(ctx: AppContext) -> bool:
    return str(ctx.db.path) != ":memory:"


async def run(ctx: AppContext, fn: Callable[[AppContext], Awaitable[T]]) -> T:
    """`await fn(worker_ctx)` in a worker thread on its own connection (in place for an
    in-memory database, which a second connection cannot see)."""
    if not separate_connection_possible(ctx):
        return await fn(ctx)
    path = ctx.db.path

    async def inner() -> T:
        db = await Database.open(path, migrate=False, read_connection=False)  # reads only
        try:
            return await fn(replace(ctx, db=db))
        finally:
            await db.close()

    return await asyncio.to_thread(asyncio.run, inner())
