"""The morning digest through the real Application and the Bot API emulator, and the sweep's
bounded concurrency under the bot's rate limiter."""

from __future__ import annotations

from collections import Counter

from telegram.ext import Application

from chibo.botapi_emulator import BotApiEmulator, ChatMessage
from chibo.handlers.reminders import TelegramNotifier
from chibo.usecases import reminders as uc

from ..usecases.test_reminders_support import END, add_member, add_officials, at_local
from .conftest import World

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]


async def sweep(world: World, app: Application, **kw) -> uc.SweepReport:
    world.ctx.clock.set(at_local(END))
    notifier = TelegramNotifier.for_app(app, world.ctx.config.default_locale)
    return await uc.sweep(world.ctx, notifier, **kw)


def data_of(message: ChatMessage) -> list[str]:
    return [b.callback_data or "" for row in message.buttons for b in row]


async def test_one_digest_whose_numbers_open_the_full_text(emu: BotApiEmulator, world, bot):
    lan = await world.secretary(1001, "C1")
    minh = await world.deputy(1002, "C1")
    await add_officials(world.ctx.db, "C1")
    for name in NAMES:
        await add_member(world.ctx.db, "C1", name)

    report = await sweep(world, bot)
    assert len(report.sent) == 2 * len(NAMES) and report.messages == 2
    digest = await lan.next_reply()
    assert lan.pending_replies() == []  # one message for the three reminders
    assert digest.text.startswith("🗓 Nhắc việc ngày 10/09/2025 — Chi bộ thôn 1 (3 việc)")
    for name in NAMES:
        assert f"Xét chuyển đảng chính thức — {name}" in digest.text
    assert "Quy định" not in digest.text  # the sources are one tap away, not in every line
    assert [b.text for row in digest.buttons for b in row] == ["1", "2", "3"]
    assert all(d.startswith("rem:show:") for d in data_of(digest))

    await lan.press(digest, "2")
    full = await lan.next_reply()
    assert full.text.startswith("📌 Đến hạn — Chi bộ thôn 1\n\n") and "Quy định 294" in full.text
    assert [b.text for row in full.buttons for b in row] == [
        "Xem hồ sơ",
        "Đã họp xét",
        "Nhắc lại sau 3 ngày",
    ]
    assert digest.text.splitlines()[3].split(" — ")[1].split(",")[0] in full.text  # item 2

    # the deputy cannot open the secretary's items, even with forged data
    minh_digest = await minh.next_reply()
    await minh.press_data(minh_digest, data_of(digest)[0])
    denied = await minh.last_callback_answer()
    assert denied.show_alert and "không gửi cho đồng chí" in denied.text

    await sweep(world, bot)  # nothing twice
    assert lan.pending_replies() == [] and minh.pending_replies() == []


async def test_the_sweep_sends_to_several_people_at_once_each_once(emu: BotApiEmulator, world, bot):
    """With the Bot API answering in 50 ms, sends overlap (bounded by the concurrency) and
    the rate limiter keeps them under the emulator's 30 msg/s: no 429, each pair once."""
    people = [await world.secretary(3000 + i, code) for i, code in enumerate(["C1", "C2", "D1"])]
    people += [await world.deputy(3100 + i, code) for i, code in enumerate(["C1", "C2", "D1"])]
    await add_officials(world.ctx.db, "C1", "C2", "D1")
    for code in ("C1", "C2", "D1"):
        await add_member(world.ctx.db, code, f"Đảng viên {code}")
    emu.set_latency(0.05)
    emu.flood_limit = 30
    before = len(emu.calls_to("sendMessage"))

    report = await sweep(world, bot, concurrency=4)
    sends = emu.calls_to("sendMessage")[before:]
    assert len(sends) == len(people) and all(c.error is None for c in sends)
    assert emu.flood_hits == 0
    assert 1 < emu.peak_in_flight <= 4
    assert max(Counter(report.sent).values()) == 1 and len(report.sent) == len(people)
