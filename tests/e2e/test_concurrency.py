"""Issue 12: one user's slow update does not hold up the others; one user's updates stay in
order (`bot.updates.PerUserUpdates`, wired in `bot.app.build_application`)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, TypeHandler

from chibo.bot.updates import GLOBAL, SWITCH_INTERVAL, PerUserUpdates, key_of
from chibo.botapi_emulator import BotApiEmulator

from .conftest import World


class Slow:
    """A `/slow` command that blocks until the test releases it; records when each update of
    the tracked users starts and ends being handled."""

    def __init__(self, app: Application) -> None:
        self.release = asyncio.Event()
        self.entered = asyncio.Event()
        self.log: list[str] = []
        app.add_handler(TypeHandler(Update, self._start), group=-2000)
        app.add_handler(CommandHandler("slow", self._slow), group=-1999)

    async def _start(self, update: Update, context: object) -> None:
        assert update.effective_user is not None and update.effective_message is not None
        self.log.append(f"start {update.effective_user.id} {update.effective_message.text}")

    async def _slow(self, update: Update, context: object) -> None:
        assert update.effective_user is not None
        self.entered.set()
        await self.release.wait()
        self.log.append(f"end {update.effective_user.id} /slow")
        raise ApplicationHandlerStop


@pytest.fixture
async def slow(bot: Application) -> AsyncIterator[Slow]:
    gate = Slow(bot)
    try:
        yield gate
    finally:
        gate.release.set()  # a failed test must not leave the Application stuck on stop


def test_the_bot_runs_updates_through_the_per_user_processor(bot: Application):
    assert isinstance(bot.update_processor, PerUserUpdates)
    assert bot.update_processor.max_concurrent_updates > 1
    assert sys.getswitchinterval() <= SWITCH_INTERVAL  # worker threads hand the GIL back soon


async def test_a_slow_update_of_one_user_does_not_delay_another_users_reply(
    emu: BotApiEmulator, world: World, bot: Application, slow: Slow
):
    officer = await world.officer(2001)
    secretary = await world.secretary(2002)
    await officer.send("/slow")
    await asyncio.wait_for(slow.entered.wait(), 5)

    await secretary.send("/whoami")
    reply = await secretary.next_reply()  # while the officer's update is still blocked
    assert "2002" in reply.text
    assert not slow.release.is_set() and officer.pending_replies() == []

    slow.release.set()
    await emu.wait_idle()
    assert slow.log[-1] == "end 2001 /slow"
    processor = bot.update_processor
    assert isinstance(processor, PerUserUpdates)
    assert processor.keys_in_flight == 0  # nothing kept per user once idle


async def test_one_users_updates_are_handled_in_arrival_order_even_behind_a_slow_one(
    emu: BotApiEmulator, world: World, bot: Application, slow: Slow
):
    officer = await world.officer(2001)
    secretary = await world.secretary(2002)
    await officer.send("/slow")
    await asyncio.wait_for(slow.entered.wait(), 5)
    await officer.send("/whoami")
    await secretary.send("/whoami")
    await secretary.next_reply()
    # the secretary's update came after the officer's second one and was handled: that one
    # was taken from the queue too, and waits behind the officer's first
    assert "start 2001 /whoami" not in slow.log
    assert officer.pending_replies() == []

    slow.release.set()
    reply = await officer.next_reply()
    assert "2001" in reply.text
    await emu.wait_idle()
    mine = [e for e in slow.log if " 2001 " in e]
    assert mine[-3:] == ["start 2001 /slow", "end 2001 /slow", "start 2001 /whoami"]


class _U:
    def __init__(self, user: int | None = None, chat: int | None = None) -> None:
        self.effective_user = None if user is None else type("U", (), {"id": user})()
        self.effective_chat = None if chat is None else type("C", (), {"id": chat})()


@pytest.mark.parametrize(
    ("user", "chat", "key"),
    [(7, 9, ("user", 7)), (None, 9, ("chat", 9)), (None, None, GLOBAL)],
)
def test_the_ordering_key_is_the_user_else_the_chat_else_global(user, chat, key, monkeypatch):
    monkeypatch.setattr("chibo.bot.updates.Update", _U)
    assert key_of(_U(user, chat)) == key


async def test_processor_bounds_running_handlers_and_keeps_per_key_order():
    processor = PerUserUpdates(running=2)
    gates = {name: asyncio.Event() for name in ("a1", "b1", "c1")}
    done: list[str] = []

    async def work(name: str) -> None:
        if name in gates:
            await gates[name].wait()
        done.append(name)

    def upd(user: int) -> Update:
        return Update.de_json(
            {"update_id": user, "message": {"message_id": 1, "date": 0, "text": "x",
             "chat": {"id": user, "type": "private"},
             "from": {"id": user, "is_bot": False, "first_name": "u"}}}, None,
        )  # fmt: skip

    async with processor:
        tasks = [
            asyncio.create_task(processor.process_update(upd(u), work(n)))
            for u, n in ((1, "a1"), (1, "a2"), (2, "b1"), (3, "c1"), (2, "b2"))
        ]
        for _ in range(5):
            await asyncio.sleep(0)  # let every task reach its lock / the running bound
        assert processor.current_concurrent_updates == 5 and processor.keys_in_flight == 3
        assert done == []
        gates["b1"].set()  # a1 and b1 run; c1 waits for a slot, b2 behind b1
        gates["c1"].set()
        await asyncio.wait_for(_until(lambda: "b2" in done), 5)
        assert done[:1] == ["b1"] and "a1" not in done and "a2" not in done
        gates["a1"].set()
        await asyncio.gather(*tasks)
    assert done.index("a1") < done.index("a2") and done.index("b1") < done.index("b2")
    assert processor.keys_in_flight == 0


async def _until(predicate) -> None:
    while not predicate():
        await asyncio.sleep(0)
