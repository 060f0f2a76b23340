"""The same assistant on Zalo: the real Zalo Application (bridge over the Zalo emulator) beside
the Telegram one, sharing one database."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import pytest
from aiohttp import web
from telegram.ext import Application

from chibo.bot.channels import build_zalo_application, connect, notifier_for, webhook_app
from chibo.botapi_emulator import BotApiEmulator
from chibo.botapi_emulator.zalo import ZaloEmulator, ZaloUser
from chibo.usecases import channels as channels_uc
from chibo.usecases import invites as invites_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases import users as users_uc
from chibo.usecases.config import ZaloConfig
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied

from ..usecases.helpers import demo_tree
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
        async with running(app, poll_timeout=0.2):  # a short poll: a quick stop
            yield app
    finally:
        untrack()


def choice_number(text: str, label: str) -> str:
    """The number in front of `label` on a numbered screen."""
    match = re.search(rf"^(\d+)\. (?:\S+ )?{re.escape(label)}", text, re.MULTILINE)
    assert match, f"no choice {label!r} in:\n{text}"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def zalo_by_webhook(zemu: ZaloEmulator, port: int) -> ZaloConfig:
    """Zalo by webhook on 127.0.0.1:`port` (the emulator allows local http)."""
    return ZaloConfig(
        token=zemu.token,
        base_url=zemu.base_url,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/zalo",
        webhook_secret="s3cret-token-42",
        port=port,
    )


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

    zemu.slow_next("sendMessage", 0.3)  # a slow answer is still an answer
    menu = await lan.ask("menu")  # the command as a typed word
    assert "Gõ số" in menu and "inline" not in menu
    step = await lan.ask(choice_number(menu, "Ghi sinh hoạt chi bộ"))
    assert "Bước 1/5 · Ngày họp" in step
    assert "Gõ số của một lựa chọn, hoặc gõ ngày" in step and "Bấm nút" not in step
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
    mine = await lan.ask(choice_number(menu, "Thông tin của tôi"))
    assert last > len(re.findall(r"^\d+\. ", mine, re.MULTILINE))
    answer = await lan.ask(str(last))
    assert "Số" in answer and "đã hết hạn" in answer and "menu" in answer
    again = await lan.ask("menu")  # and a new screen works
    assert choice_number(again, "Ghi sinh hoạt chi bộ")


async def test_a_step_that_takes_text_gets_a_typed_number_as_text(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    await add_members(world.ctx, "C1", ["An", "Bình"])
    step = await lan.ask("/meeting")
    step = await lan.ask(choice_number(step, "Hôm qua"))
    step = await lan.ask(choice_number(step, "Chuyên đề"))
    assert "tên chuyên đề" in step
    assert len(re.findall(r"^\d+\. ", step, re.MULTILINE)) < 45
    step = await lan.ask("45")  # not a choice on this screen: the step's typed answer
    assert "hết hạn" not in step and "Có mặt 2/2" in step


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


async def test_run_starts_both_channels_zalo_by_webhook(emu: BotApiEmulator, zemu, ctx):
    import asyncio
    from dataclasses import replace

    from chibo.bot.app import serve
    from chibo.bot.channels import build_channels, running_channels
    from chibo.usecases.config import TelegramConfig

    config = replace(
        ctx.config,
        telegram=TelegramConfig(
            token=emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url
        ),
        zalo=zalo_by_webhook(zemu, free_port()),
    )
    ctx.config = config
    stop = asyncio.Event()
    task = asyncio.create_task(
        serve(lambda: build_channels(ctx, config), stop, run=running_channels)
    )
    try:
        await emu.wait_until(lambda: any(c.method == "getUpdates" for c in emu.calls), 10)
        await zemu.wait_for(lambda: bool(zemu.webhook_url), 10)
        assert zemu.webhook_secret == "s3cret-token-42"
        lan = zemu.user("z-lan", "Lan")
        await demo_tree(ctx)
        invite = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="deputy")
        await lan.send(f"/start {invite.code}")
        assert "liên kết" in (await lan.next_reply()).text
        tg = emu.user(1002, "Minh", language_code="vi")
        await tg.send("/start")
        assert (await tg.next_reply()).text
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def test_telegram_by_webhook_checks_the_secret(emu: BotApiEmulator, ctx):
    import aiohttp

    from chibo.bot.app import build_application, running
    from chibo.usecases.config import WebhookConfig

    port = free_port()
    hook = WebhookConfig(
        mode="webhook",
        webhook_url="https://bot.example/tg-hook",
        webhook_secret="tg-secret-token-1",
        port=port,
    )
    app = build_application(ctx, token=emu.token, base_url=emu.base_url)
    untrack = emu.track_application(app)
    emu.user(1003, "Hà", language_code="vi")
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1003, "type": "private"},
            "from": {"id": 1003, "is_bot": False, "first_name": "Hà", "language_code": "vi"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    url = f"http://127.0.0.1:{port}/tg-hook"
    try:
        async with running(app, webhook=hook), aiohttp.ClientSession() as http:
            [registered] = emu.calls_to("setWebhook")
            assert registered.params["url"] == hook.webhook_url
            assert registered.params["secret_token"] == hook.webhook_secret
            async with http.post(url, json=update) as forged:
                assert forged.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": hook.webhook_secret}
            async with http.post(url, json=update, headers=headers) as real:
                assert real.status == 200
            await emu.wait_until(
                lambda: any(c.params.get("chat_id") == 1003 for c in emu.calls_to("sendMessage"))
            )
            sent = [c for c in emu.calls_to("sendMessage") if c.params.get("chat_id") == 1003]
            assert len(sent) == 1  # the forged call did nothing
    finally:
        untrack()


async def test_files_on_zalo_say_how_to_get_them(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    await add_members(world.ctx, "C1", ["Nguyễn Văn An"])
    menu = await lan.ask("menu")
    roster = await lan.ask(choice_number(menu, "Đảng viên"))
    answer = await lan.ask(choice_number(roster, "📥"))
    assert "Telegram" in answer and "chibo roster import" in answer and "--org C1" in answer
    roster = await lan.ask("menu")
    roster = await lan.ask(choice_number(roster, "Đảng viên"))
    exported = await lan.ask(choice_number(roster, "📤"))
    assert "Zalo không gửi được tệp" in exported and ".xlsx" in exported


async def test_zalo_faults_a_5xx_is_retried_a_dropped_answer_is_not_resent(zemu, zbot, world):
    from chibo.bot.channels import ChannelNotifier
    from chibo.handlers.reminders import TelegramNotifier

    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")

    async def no_wait(seconds: float) -> None:
        return None

    zalo = TelegramNotifier(zbot.bot, "vi", attempts=1, sleep=no_wait)
    notifier = ChannelNotifier(world.ctx, {"zalo": zalo})  # a Zalo-only user: Zalo
    world.ctx.clock.set(at_local(END))
    zemu.fail_next("sendMessage", 502)
    first = await reminders_uc.sweep(world.ctx, notifier)
    assert len(first.retry_later) == 1 and first.sent == []
    assert [m for m in lan.pending() if "Nguyễn Văn An" in m.text] == []

    zemu.drop_next("sendMessage")  # the answer is lost: maybe sent, so not sent again
    second = await reminders_uc.sweep(world.ctx, notifier)
    assert len(second.uncertain) == 1 and second.sent == []
    third = await reminders_uc.sweep(world.ctx, notifier)
    assert third.sent == [] and third.retry_later == [] and lan.pending() == []


async def test_a_zalo_user_is_not_marked_blocked_when_only_telegram_runs(bot, world: World):
    zalo_id = await channels_uc.zalo_user(world.ctx, "z-lan", "z-lan")
    await users_uc.seen(world.ctx, tg_id=zalo_id, full_name="Lan", username=None, tg_language=None)
    code = await world.invite("C1", "secretary")
    assert (await invites_uc.redeem(world.ctx, user_id=zalo_id, code=code)).org is not None
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    world.ctx.clock.set(at_local(END))
    report = await reminders_uc.sweep(world.ctx, notifier_for(bot))  # no Zalo Application
    assert [u for _, u in report.retry_later] == [zalo_id] and report.blocked == []


async def test_long_screens_split_at_the_limit_and_other_kinds_get_an_answer(zemu, zbot, world):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    bridge = zbot.bot_data["zalo_bridge"]
    user_id = await _uid(world, "z-lan")
    text = "\n".join(f"Dòng {i}: " + "chữ " * 20 for i in range(60))  # ~5,000 characters
    markup = {"inline_keyboard": [[{"text": "Tiếp", "callback_data": "menu:main"}]]}
    await bridge.send(user_id, text, markup)
    parts = lan.pending()
    assert len(parts) >= 3 and all(len(p.text) <= 2000 for p in parts)
    assert "\n".join(p.text for p in parts).startswith(text) and "1. Tiếp" in parts[-1].text
    menu = await lan.ask("1")  # the number under the last part presses that button
    assert "Menu chính" in menu

    await lan.send("", event="message.sticker.received")
    await lan.send("", event="message.image.received")
    answers = await lan.settle()
    assert len(answers) == 2 and all(a.text for a in answers)


async def test_the_probation_vote_on_zalo_takes_typed_counts(zemu, zbot, world: World):
    """A count step whose buttons are numbers: a typed number is the count (or the button with
    that label), the other choices are letters; an ordinary screen still goes by index."""
    from .test_probation import add

    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    for name in ("Đảng viên Một", "Đảng viên Hai", "Đảng viên Ba", "Đảng viên Bốn"):
        await add(world, name, date(2000, 1, 1), status="official", birth=date(1970, 1, 1))
    await add(world, "Lê Thị Sớm", date(2025, 11, 20))
    listing = await lan.ask("/probation")
    card = await lan.ask(choice_number(listing, "Lê Thị Sớm"))
    ask = await lan.ask(choice_number(card, "Ghi biểu quyết của chi bộ"))
    base = await lan.ask(choice_number(ask, "Hôm nay"))
    assert "4 đảng viên chính thức" in base
    assert re.search(r"^• 4$", base, re.MULTILINE) and re.search(r"^a\. Hủy$", base, re.MULTILINE)
    assert not re.search(r"^\d+\. ", base, re.MULTILINE)
    count_for = await lan.ask("2")  # was: choice 2, "Hủy"
    assert "tán thành" in count_for and "2 đảng viên" in count_for, count_for
    count_against = await lan.ask("1")  # was: choice 1, the button "All 2"
    assert "không tán thành" in count_against, count_against
    confirm = await lan.ask("0")  # the button labelled 0: the same answer
    assert "1 tán thành, 0 không tán thành" in confirm, confirm
    done = await lan.ask(choice_number(confirm, "Xác nhận"))  # an ordinary screen: by index
    assert "Lần biểu quyết thứ 1" in done, done
    ask = await lan.ask(choice_number(done, "Ghi biểu quyết của chi bộ"))
    base = await lan.ask(choice_number(ask, "Hôm nay"))
    cancelled = await lan.ask("A")  # the letter of "Hủy"
    assert "đã hủy" in cancelled.lower() or "Lê Thị Sớm" in cancelled, cancelled


@pytest.mark.parametrize(
    ("sender", "shown"),
    [
        ({"id": "z-1", "display_name": "Lan", "is_bot": False}, "Lan"),
        ({"id": "z-1", "name": "Lan", "is_bot": False}, "Lan"),
        ({"id": "z-1", "is_bot": False}, "Zalo"),
    ],
)
async def test_the_senders_name_is_read_as_either_public_client_names_it(ctx, sender, shown):
    app = build_zalo_application(ctx, ZaloConfig(token="1:x", base_url="http://127.0.0.1:9"))
    message = {"message_id": "m1", "date": 1766619597466, "text": "menu", "from": sender}
    message["chat"] = {"id": "c-1", "chat_type": "PRIVATE"}
    update = await app.bot_data["zalo_bridge"].to_telegram({"message": message})
    assert update is not None and update["message"]["from"]["first_name"] == shown


@asynccontextmanager
async def _zalo_running(zemu: ZaloEmulator, ctx: AppContext, bot: Application):
    """A fresh Zalo Application on the same database (a restart of the Zalo channel)."""
    from chibo.bot.app import running

    app = build_zalo_application(ctx, ZaloConfig(token=zemu.token, base_url=zemu.base_url))
    connect({"telegram": bot, "zalo": app})
    untrack = zemu.track(app.update_queue.join)
    try:
        async with running(app, poll_timeout=0.2):
            yield app
    finally:
        untrack()


async def test_numbered_screens_survive_a_restart(zemu, ctx, bot, world: World):
    async with _zalo_running(zemu, ctx, bot):
        lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
        menu = await lan.ask("menu")
        mine = choice_number(menu, "Thông tin của tôi")
    async with _zalo_running(zemu, ctx, bot):  # restarted: the screen the user sees still works
        answer = await lan.ask(mine)
        assert "Bí thư chi bộ — Chi bộ thôn 1" in answer, answer
        last = max(int(n) for n in re.findall(r"^(\d+)\. ", menu, re.MULTILINE))
        assert last > len(re.findall(r"^\d+\. ", answer, re.MULTILINE))
    async with _zalo_running(zemu, ctx, bot):  # a number of the older screen: expired
        old = await lan.ask(str(last))
        assert "Số" in old and "đã hết hạn" in old, old
        again = await lan.ask("menu")
        assert choice_number(again, "Ghi sinh hoạt chi bộ")


async def test_a_zalo_only_secretary_adds_telegram(emu: BotApiEmulator, zemu, zbot, bot, world):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    zalo_id = await _uid(world, "z-lan")
    screen = await lan.ask("telegram")  # the word, as on Zalo; /zalo shows the same
    code = re.search(r"/link (\S+)", screen)
    assert code and "Telegram" in screen, screen
    lan_tg = emu.user(7007, "Lan", language_code="vi")
    await lan_tg.send("/link SAI-MA00")
    assert "không đúng hoặc đã hết hạn" in (await lan_tg.next_reply()).text
    await lan_tg.send(f"/link {code.group(1)}")
    linked = (await lan_tg.next_reply()).text
    assert "đã được liên kết" in linked and "Zalo" in linked, linked
    await lan_tg.send("/whoami")
    assert "Bí thư chi bộ — Chi bộ thôn 1" in (await lan_tg.next_reply()).text
    # the Zalo chat still works as her, now under her Telegram id
    assert await _uid(world, "z-lan") == 7007 != zalo_id
    menu = await lan.ask("menu")
    mine = await lan.ask(choice_number(menu, "Thông tin của tôi"))
    assert "Bí thư chi bộ — Chi bộ thôn 1" in mine, mine
    assert await channels_uc.reminders_channel(world.ctx, 7007) == "zalo"


async def test_a_stored_screen_whose_button_no_longer_exists_is_answered(zemu, ctx, bot, world):
    """A screen saved by an older version (its callback data routes nowhere now) or unreadable:
    a typed number gets an answer after the restart, never a traceback or silence."""
    async with _zalo_running(zemu, ctx, bot) as app:
        lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
        bridge = app.bot_data["zalo_bridge"]
        markup = {"inline_keyboard": [[{"text": "Cũ", "callback_data": "retired:x:1"}]]}
        await bridge.send(await _uid(world, "z-lan"), "Màn hình cũ", markup)
        assert "1. Cũ" in "\n".join(m.text for m in lan.pending())
    async with _zalo_running(zemu, ctx, bot):
        answer = await lan.ask("1")
        assert "Nút này đã hết hiệu lực" in answer, answer  # the routing's outdated button
    async with ctx.db.transaction() as tx:
        await tx.execute("UPDATE zalo_screens SET keys = 'not json', message = '{'")
    async with _zalo_running(zemu, ctx, bot):
        answer = await lan.ask("1")
        assert "menu" in answer and "Traceback" not in answer, answer


async def test_a_stored_screen_keeps_no_link_code(zemu, zbot, world: World):
    """The screen that shows a link code is kept for its numbers, but not its text: the code
    is stored hashed only."""
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    screen = await lan.ask("telegram")
    code = re.search(r"/link (\S+)", screen)
    assert code, screen
    async with world.ctx.db.read() as tx:
        dump = "\n".join(str(tuple(r)) for r in await tx.all("SELECT * FROM zalo_screens"))
    assert dump and code.group(1) not in dump
    assert "Menu" in await lan.ask(choice_number(screen, "« Menu"))  # its numbers still work


async def test_an_old_number_after_another_screen_with_a_flow_open_has_expired(
    zemu, zbot, world: World
):
    """A flow left at a step (buttons only or typed text): a number of an older screen, typed
    after another screen came, is "expired", not that step's answer."""
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    await add_members(world.ctx, "C1", ["An", "Bình"])
    step = await lan.ask("/meeting")
    step = await lan.ask(choice_number(step, "Hôm qua"))
    menu = await lan.ask("menu")
    await lan.ask(choice_number(menu, "Thông tin của tôi"))
    answer = await lan.ask("14")
    assert "hết hạn" in answer and "nút" not in answer
    # the same with the flow at a step that takes typed text
    step = await lan.ask("/meeting")
    step = await lan.ask(choice_number(step, "Hôm qua"))
    step = await lan.ask(choice_number(step, "Chuyên đề"))
    assert "tên chuyên đề" in step
    menu = await lan.ask("menu")
    await lan.ask(choice_number(menu, "Thông tin của tôi"))
    answer = await lan.ask("45")
    assert "hết hạn" in answer
    menu = await lan.ask("menu")
    assert "Chuyên đề 45" not in await lan.ask(choice_number(menu, "Thông tin của tôi"))


async def test_an_old_number_after_a_reply_without_choices_has_expired(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    menu = await lan.ask("menu")
    plain = await lan.ask("xin chào bạn")
    assert "Gõ menu" in plain and "nút" not in plain
    answer = await lan.ask(choice_number(menu, "Thông tin của tôi"))
    assert "hết hạn" in answer


async def test_buttons_are_typed_numbers_in_the_messages_on_zalo(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    step = await lan.ask("/meeting")
    await lan.ask(choice_number(step, "Hôm qua"))
    answer = await lan.ask("một việc gì đó")  # text where the step takes a choice
    assert "nút" not in answer and "gõ số" in answer.lower(), answer


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("hủy", "vi", "Đã hủy. Không có gì được lưu."),
        ("huỷ", "vi", "Đã hủy. Không có gì được lưu."),
        ("HỦY", "vi", "Đã hủy. Không có gì được lưu."),
        ("cancel", "vi", "Đã hủy. Không có gì được lưu."),
        ("hủy", "en", "Cancelled. Nothing was saved."),
        ("cancel", "en", "Cancelled. Nothing was saved."),
        ("help", "en", "What you can do here:"),
        ("Help", "vi", "Đồng chí có thể dùng các lệnh sau:"),
        ("trợ giúp", "vi", "Đồng chí có thể dùng các lệnh sau:"),
        ("trợ giúp", "en", "What you can do here:"),
    ],
)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
async def test_words_typed_alone_are_commands(zemu, zbot, world, typed, language, expected, form):
    """Zalo has no command menu: these words typed alone are /cancel and /help, in either
    Unicode form (Unikey's "Unicode tổ hợp" types NFD)."""
    import unicodedata

    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    await users_uc.set_language(world.ctx, await _uid(world, "z-lan"), language)
    await lan.ask("/meeting")  # a flow to cancel
    answer = await lan.ask(unicodedata.normalize(form, typed))
    assert expected in answer, answer


async def test_text_that_means_nothing_says_to_type_menu_on_zalo(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    answer = await lan.ask("xin chào đồng chí")
    assert "Gõ menu để xem các việc có thể làm" in answer and "/menu" not in answer, answer


async def test_an_unknown_command_says_to_type_menu_on_zalo(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    answer = await lan.ask("/khongco")
    assert "Gõ menu hoặc help" in answer and "/menu" not in answer, answer
