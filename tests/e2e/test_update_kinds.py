"""Every kind of message a Telegram client sends, at every step of a flow: a short answer that
says what was expected there (or, for a forward or a reply, it is read as the typed answer) —
never an error, never silence, and the flow stays where it was."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from chibo.botapi_emulator import BotApiEmulator, UserDriver
from chibo.botapi_emulator.state import ChatMessage
from chibo.usecases import drafts as drafts_uc

from ..emulator.test_emulator import PNG
from .conftest import World

Send = Callable[[UserDriver, ChatMessage], Awaitable[object]]

#: What a user can send that no step of a text flow can use, and the words the answer names it by.
UNUSABLE: list[tuple[str, Send, str]] = [
    ("sticker", lambda u, _m: u.send_sticker(), "nhãn dán"),
    ("voice", lambda u, _m: u.send_voice(), "tin nhắn thoại"),
    ("video note", lambda u, _m: u.send_video_note(), "tin nhắn video"),
    ("photo", lambda u, _m: u.send_photo(PNG), "ảnh"),
    ("album", lambda u, _m: u.send_album([PNG, PNG, PNG]), "ảnh"),
    ("contact", lambda u, _m: u.send_contact(), "danh bạ"),
    ("location", lambda u, _m: u.send_location(), "vị trí"),
    ("poll", lambda u, _m: u.send_poll(), "cuộc bình chọn"),
    ("dice", lambda u, _m: u.send_content({"dice": {"emoji": "🎲", "value": 3}}), "tin nhắn"),
    ("document", lambda u, _m: u.upload("ds.csv", b"a;b\n1;2\n"), "tệp"),
    ("edited", lambda u, m: u.edit(m, m.text + " (sửa)"), "tin nhắn mới"),
]


async def _step(world: World) -> str | None:
    current = await drafts_uc.current(world.ctx, 1001)
    return current.draft.step if current.draft else None


async def _every_kind(emu: BotApiEmulator, world: World, lan: UserDriver, mine: ChatMessage):
    """Send each unusable kind; each gets exactly one answer naming it and what is expected."""
    step = await _step(world)
    await emu.wait_idle()
    lan.pending_replies()
    for name, send, words in UNUSABLE:
        await send(lan, mine)
        await emu.wait_idle()
        replies = lan.pending_replies()
        assert len(replies) == 1, (step, name, [r.text for r in replies])
        text = replies[0].text
        assert words in text and "/cancel" in text, (step, name, text)
        if name != "edited":
            assert "gõ câu trả lời" in text, (step, name, text)  # what the step expects
        assert await _step(world) == step, (name, "moved the flow")


async def test_every_kind_of_message_at_every_step_of_adding_a_member(
    emu: BotApiEmulator, world: World, caplog
):
    caplog.set_level(logging.ERROR)
    lan = await world.secretary(1001, "C1")
    hello = await lan.send("/members")
    listing = await lan.next_reply()
    await lan.press(listing, "Thêm đảng viên")
    await lan.next_edit()
    await _every_kind(emu, world, lan, hello)  # name
    mine = await lan.forward("Lê Thị Hoa")  # a forward is read as the typed answer
    assert "Ngày sinh của đồng chí Lê Thị Hoa" in (await lan.next_reply()).text
    await _every_kind(emu, world, lan, mine)  # birth date
    mine = await lan.send("15/3/2000", reply_to=listing)  # a reply to an old bot message too
    gender = await lan.next_reply()
    await _every_kind(emu, world, lan, mine)  # gender (buttons)
    await lan.press(gender, "Nữ")
    status = await lan.next_edit()
    await _every_kind(emu, world, lan, mine)  # status (buttons)
    await lan.press(status, "Dự bị")
    await lan.next_edit()
    await _every_kind(emu, world, lan, mine)  # decision date
    mine = await lan.send("01/02/2026")
    await lan.next_reply()
    await _every_kind(emu, world, lan, mine)  # ceremony date
    mine = await lan.send("hôm qua")
    await lan.next_reply()  # a probationary member has no party card: the ID card is next
    await _every_kind(emu, world, lan, mine)  # CCCD
    mine = await lan.send("001200001234")
    summary = await lan.next_reply()
    await _every_kind(emu, world, lan, mine)  # summary
    await lan.press(summary, "Lưu")
    assert (await lan.next_edit()).text.startswith("Đã lưu: đồng chí Lê Thị Hoa")
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_outside_a_flow_every_kind_points_to_the_menu(
    emu: BotApiEmulator, world: World, caplog
):
    caplog.set_level(logging.ERROR)
    lan = await world.secretary(1001, "C1")
    mine = await lan.send("/whoami")
    await emu.wait_idle()
    lan.pending_replies()
    for name, send, _words in UNUSABLE:
        await send(lan, mine)
        await emu.wait_idle()
        replies = lan.pending_replies()
        if name == "edited":
            assert replies == []  # ignored on purpose: no step to redo
            continue
        assert len(replies) == 1, (name, replies)
        if name != "document":  # a file from the menu is a roster import: it gets its report
            assert "/menu" in replies[0].text, (name, replies[0].text)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
