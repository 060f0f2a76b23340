"""Updates of different users at once, each user's in the order they came.

PTB handles one update at a time by default: while one officer's handler awaits a 2 s province
report, every other user's update waits behind it, even when the report is built in a thread.
`PerUserUpdates` lets updates of *different* users run concurrently (at most `running` handlers
at once) and keeps the updates of *one* user strictly in arrival order: a user's second tap waits
until their first one is handled, so a user's conversation state (their drafts, the screen they
answer) sees their updates one after the other exactly as under sequential processing.

Why per user, not per chat: every conversation in chibo is per user (drafts are keyed by user id,
`usecases.drafts`); there are no ConversationHandlers (PTB warns that they are unsafe with
concurrent updates because two updates of one user could interleave — per-user ordering is what
would make them safe). Writes of different users do not interleave either: the one database
connection's lock serialises transactions (`storage.db`).

The key is the effective user's id, else the chat's, else one global key (updates of neither,
such as poll updates, stay sequential among themselves). Per-key state exists only while a key
has updates in flight, so it does not grow with the number of users seen.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: Handlers running at once (a heavy handler's work runs in a thread; this bounds the
#: threads and the open replies, not the users).
RUNNING = 64
#: Updates admitted at once, running or waiting behind their own user's earlier update; past
#: this, new updates wait in PTB's queue (one user flooding cannot hold more running slots
#: than one, since a waiting update holds no running slot).
ADMITTED = 4096

GLOBAL: Hashable = ("global",)

#: How long a worker thread may keep the GIL while the event loop thread waits for it.
#: CPython's default, 5 ms, is paid again at every hand-over: a reply takes dozens (each
#: socket read and write, each database call through aiosqlite's thread), so one thread
#: checking a 5,000-row roster in pure Python made other users' replies take 370 ms instead
#: of 40 ms (benchmarks/bench_latency.py); at 1 ms they take about half that.
SWITCH_INTERVAL = 0.001


def favour_the_event_loop() -> None:
    """Let the event loop thread take the GIL back from worker threads sooner."""
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)


def key_of(update: object) -> Hashable:
    """Whose updates must stay in order: the user's, else the chat's, else everyone's."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return GLOBAL


@dataclass
class _Key:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: int = 0  # updates of this key admitted and not yet finished


class PerUserUpdates(BaseUpdateProcessor):
    """Concurrent across users (bounded by `running`), sequential within one user."""

    def __init__(self, running: int = RUNNING, admitted: int = ADMITTED) -> None:
        super().__init__(max(admitted, running, 2))
        self._running = asyncio.Semaphore(running)
        self._keys: dict[Hashable, _Key] = {}

    @property
    def keys_in_flight(self) -> int:
        """Users (keys) with an update admitted and not finished (for tests and logs)."""
        return len(self._keys)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # No await before joining the key's lock queue: PTB starts one task per update in
        # arrival order, and asyncio.Lock wakes its waiters first come, first served.
        key = key_of(update)
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _Key()
        state.pending += 1
        started = False
        try:
            async with state.lock, self._running:
                started = True
                await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting (shutdown): no "never awaited"
            state.pending -= 1
            if state.pending == 0:
                del self._keys[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the running updates before it shuts down."""
