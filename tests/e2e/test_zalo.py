"""The same assistant on Zalo: the real Zalo Application (bridge over the Zalo emulator) beside
the Telegram one, sharing one database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp import web
from telegram.ext import Application

from chibo.bot.channels import build_zalo_application, connect, notifier_for, webhook_app
from chibo.botapi_emulator import BotApiEmulator
from chibo.botapi_emulator.zalo import ZaloEmulator, ZaloUser
from chibo.usecases import channels as channels_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.config import ZaloConfig
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied

from ..usecases.test_meeting_support import CELL_NAMES, add_members, org_id
from ..usecases.test_reminders_support import END, add_member, add_officials, at_local
from .conftest import World


@pytest.fixture
async def zemu() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator() as emulator:
        yield emulator


@pytest.fixture
async def zbot(zemu: ZaloEmulator, ctx: AppContext, bot: Application) -> AsyncIterator[Application]:
    from chibo.bot.app import running

    app = build_zalo_application(ctx, ZaloConfig(token=zemu.token, base_url=zemu.base_url))
    connect({"telegram": bot, "zalo": app})
    untrack = zemu.track(app.update_queue.join)
    try:
        async with running(app, poll_timeout=1):  # a short poll: a quick stop
            yield app
    finally:
        untrack()


def choice_number(text: str, label: str) -> str:
    """The number in front of `label` on a numbered screen."""
    match = re.search(rf"^(\d+)\. (?:\S+ )?{re.escape(label)}", text, re.MULTILINE)
    assert match, f"no choice {label!r} in:\n{text}"
    return match.group(1)


async def bind_on_zalo(world: World, zemu: ZaloEmulator, uid: str, org: str, role: str) -> ZaloUser:
    user = zemu.user(uid, f"Zalo {uid}")
    answer = await user.ask(f"/start {await world.invite(org, role)}")
    assert "liên kết" in answer, answer
    return user


async def test_binding_and_a_meeting_logged_by_numbers(zemu, zbot, world: World):
    lan = zemu.user("z-lan", "Lan")
    hello = await lan.ask("xin chào")
    assert "mã mời" in hello  # a stranger gets the invite explanation, as on Telegram
    answer = await lan.ask(f"/start {await world.invite('C1', 'secretary')}")
    assert "liên kết" in answer and "Chi bộ thôn 1" in answer, answer
    await add_members(world.ctx, "C1", CELL_NAMES)

    menu = await lan.ask("menu")  # the command as a typed word
    assert "Gõ số" in menu and "inline" not in menu
    step = await lan.ask(choice_number(menu, "Ghi sinh hoạt chi bộ"))
    assert "Bước 1/5 · Ngày họp" in step
    step = await lan.ask(choice_number(step, "Hôm nay"))
    assert "Buổi sinh hoạt ngày 23/11/2026 là loại nào?" in step
    step = await lan.ask(choice_number(step, "Thường kỳ"))
    assert "Có mặt 10/10" in step
    step = await lan.ask(choice_number(step, "Tiếp tục"))
    step = await lan.ask(choice_number(step, "Tiếp tục"))
    step = await lan.ask(choice_number(step, "Tốt"))
    assert "Chưa bấm Lưu" in step
    saved = await lan.ask(choice_number(step, "Lưu"))
    assert "Đã ghi buổi sinh hoạt ngày 23/11/2026 vào sổ" in saved
    lines, _ = await meetings_uc.recent(world.ctx, "cli", await org_id(world.ctx, "C1"), limit=5)
    assert [line.meeting.held_on for line in lines] == [date(2026, 11, 23)]
    # every message fits Zalo's limit
    assert all(1 <= len(m["text"]) <= 2000 for m in zemu.calls_to("sendMessage"))


async def test_a_number_of_an_old_screen_has_expired(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    menu = await lan.ask("/menu")
    last = max(int(n) for n in re.findall(r"^(\d+)\. ", menu, re.MULTILINE))
    step = await lan.ask(choice_number(menu, "Ghi sinh hoạt chi bộ"))
    assert "Bước 1/5" in step
    assert last > len(re.findall(r"^\d+\. ", step, re.MULTILINE))
    answer = await lan.ask(str(last))
    assert "đã hết hạn" in answer and "menu" in answer
    again = await lan.ask("menu")  # and a new screen works
    assert choice_number(again, "Ghi sinh hoạt chi bộ")


async def test_a_user_of_another_cell_is_refused(zemu, zbot, world: World):
    await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    dong = await bind_on_zalo(world, zemu, "z-dong", "D1", "secretary")
    await add_members(world.ctx, "C1", ["Nguyễn Văn An"])
    menu = await dong.ask("menu")
    members = await dong.ask(choice_number(menu, "Đảng viên"))
    assert "Chi bộ thôn Đông" in members and "Nguyễn Văn An" not in members
    # numbers only ever press the user's own screen; the use cases still re-check scope
    with pytest.raises(AccessDenied):
        await meetings_uc.recent(
            world.ctx, await _uid(world, "z-dong"), await org_id(world.ctx, "C1")
        )


async def _uid(world: World, external: str) -> int:
    return await channels_uc.zalo_user(world.ctx, external, external)


async def test_reminder_once_on_the_chosen_channel(emu: BotApiEmulator, zemu, zbot, bot, world):
    lan_tg = await world.secretary(1001, "C1")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    # Lan links her Zalo account and chooses Zalo for reminders
    await lan_tg.send("/zalo")
    screen = await lan_tg.next_reply()
    code = re.search(r"/link (\S+)", screen.text)
    assert code, screen.text
    lan = zemu.user("z-lan", "Lan")
    linked = await lan.ask(f"/link {code.group(1)}")
    assert "đã được liên kết" in linked, linked
    choose = await lan.ask("/zalo")
    await lan.ask(choice_number(choose, "Zalo"))
    assert await channels_uc.reminders_channel(world.ctx, 1001) == "zalo"
    await emu.wait_idle()
    lan_tg.pending_replies()

    world.ctx.clock.set(at_local(END))
    report = await reminders_uc.sweep(world.ctx, notifier_for(bot))
    assert len(report.sent) >= 1
    on_zalo = [m.text for m in await lan.settle() if "Nguyễn Văn An" in m.text]
    assert len(on_zalo) == 1 and "Nhắc lại sau" in on_zalo[0]
    await emu.wait_idle()
    assert [m for m in lan_tg.pending_replies() if "Nguyễn Văn An" in m.text] == []
    # a second sweep sends nothing more, on either channel
    assert (await reminders_uc.sweep(world.ctx, notifier_for(bot))).sent == []
    assert [m for m in await lan.settle() if "Nguyễn Văn An" in m.text] == []


async def test_a_forged_webhook_call_is_refused(zemu, ctx, world):
    app = build_zalo_application(ctx, ZaloConfig(token=zemu.token, base_url=zemu.base_url))
    await app.initialize()
    runner = web.AppRunner(webhook_app(app, "s3cret-token-42"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = int(runner.addresses[0][1])
    try:
        zemu.webhook_url = f"http://127.0.0.1:{port}/zalo"
        zemu.webhook_secret = "wrong-secret-00"
        await zemu.user("z-eve", "Eve").send("menu")
        zemu.webhook_secret = ""
        await zemu.user("z-eve", "Eve").send("menu")
        zemu.webhook_secret = "s3cret-token-42"
        await zemu.user("z-lan", "Lan").send("menu")
        assert zemu.webhook_answers == [403, 403, 200]
        assert app.update_queue.qsize() == 1
    finally:
        await runner.cleanup()
        await app.shutdown()
