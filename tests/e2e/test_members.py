"""The user blocks or unblocks the bot (a `my_chat_member` update): reminders stop and resume
without the user having to write."""

from __future__ import annotations

from chibo.botapi_emulator import BotApiEmulator
from chibo.storage import users as user_store

from ..usecases.test_reminders_support import END, add_member, add_officials
from .conftest import World
from .test_reminders import sweep


async def _blocked_at(world: World, tg_id: int):
    async with world.ctx.db.read() as tx:
        user = await user_store.get(tx, tg_id)
    assert user is not None
    return user.blocked_at


async def test_blocking_the_bot_marks_the_user_and_unblocking_resumes_reminders(
    emu: BotApiEmulator, world: World, bot
):
    lan = await world.secretary(1001, "C1")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    lan.block()
    await emu.wait_idle()
    assert await _blocked_at(world, 1001) is not None
    assert (await sweep(world, bot, END)).sent == []  # not even tried: no 403 to collect

    lan.unblock()  # and writes nothing
    await emu.wait_idle()
    assert await _blocked_at(world, 1001) is None
    report = await sweep(world, bot, END)
    assert [tg for _key, tg in report.sent] == [1001]
    assert "Nguyễn Văn An" in (await lan.next_reply()).text


async def test_a_stranger_blocking_the_bot_is_ignored(emu: BotApiEmulator, world: World):
    stranger = emu.user(4242, "Khách")
    stranger.block()
    stranger.unblock()
    await emu.wait_idle()
    assert stranger.pending_replies() == []
