"""Binding, strangers, group chats, languages, roles — through the real Application."""

from __future__ import annotations

from datetime import timedelta

from chibo.botapi_emulator import BotApiEmulator
from chibo.usecases import invites as invites_uc
from chibo.usecases import users as users_uc

from .conftest import World


async def test_binding_with_a_valid_code(emu: BotApiEmulator, world: World):
    code = await world.invite("C1", "secretary")
    alice = emu.user(1001, "Nguyễn Thị Lan", language_code="vi")
    await alice.send(f"/start {code}")
    welcome = await alice.next_reply()
    assert "Bí thư chi bộ" in welcome.text and "Chi bộ thôn 1" in welcome.text
    menu = await alice.next_reply()
    assert menu.text.startswith("Menu chính — Chi bộ thôn 1")
    profile = await users_uc.profile(world.ctx, 1001)
    assert [(g.org_code, g.role) for g in profile.roles] == [("C1", "secretary")]
    # the per-chat command list was published, in the user's language
    chat_commands = emu.my_commands({"type": "chat", "chat_id": 1001})
    assert {"command": "menu", "description": "Menu chính với các nút bấm"} in chat_commands


async def test_deep_link_code_is_case_and_dash_insensitive(emu: BotApiEmulator, world: World):
    code = await world.invite("C2", "deputy")
    bob = emu.user(1002, "Bob", language_code="en")
    await bob.send(f"/start {code.replace('-', '').lower()}")
    assert "Deputy secretary of the cell" in (await bob.next_reply()).text


async def test_wrong_expired_and_used_codes(emu: BotApiEmulator, world: World, clock):
    lan = emu.user(1001, "Lan", language_code="vi")
    await lan.send("/start ABCDE-FGHJK")
    assert "Mã mời không đúng" in (await lan.next_reply()).text

    short = await invites_uc.create_invite(
        world.ctx, actor="cli", org_code="C1", role="secretary", expires_in=timedelta(minutes=5)
    )
    clock.advance(minutes=6)
    await lan.send(f"/start {short.code}")
    assert "hết hạn" in (await lan.next_reply()).text

    code = await world.invite("C1", "secretary")
    await world.emu.user(1003, "Other").send(f"/start {code}")
    await emu.wait_idle()
    await lan.send(f"/start {code}")
    assert "đã được dùng" in (await lan.next_reply()).text
    assert not (await users_uc.profile(world.ctx, 1001)).bound


async def test_throttle_after_five_wrong_codes(emu: BotApiEmulator, world: World):
    mallory = emu.user(1666, "Mallory", language_code="en")
    for i in range(5):
        await mallory.send(f"/start WRONG-000{i}")
        assert "not valid" in (await mallory.next_reply()).text
    good = await world.invite("C1", "secretary")
    await mallory.send(f"/start {good}")
    assert "Too many wrong codes" in (await mallory.next_reply()).text
    assert not (await users_uc.profile(world.ctx, 1666)).bound


async def test_stranger_gets_one_explanation_and_nothing_about_orgs(
    emu: BotApiEmulator, world: World
):
    stranger = emu.user(2001, "Khách", language_code="vi")
    for text in ("/start", "xin chào", "/menu", "/whoami"):
        await stranger.send(text)
        reply = await stranger.next_reply()
        assert "mã mời" in reply.text
        assert "Chi bộ thôn" not in reply.text and "Đảng ủy xã" not in reply.text
        assert not reply.buttons
        await stranger.expect_no_reply()


async def test_group_chat_gets_only_the_private_chat_note(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    group = emu.group(-5001, title="Chi bộ thôn 1")
    await group.send(lan, "/menu")
    note = await group.next_reply()
    assert "trò chuyện riêng" in note.text
    await group.send(lan, "chào cả nhà")  # not addressed to the bot: silence
    await group.expect_no_reply()
    await lan.expect_no_reply()


async def test_lang_switches_the_reply_language(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/lang")
    ask = await lan.next_reply()
    await lan.press(ask, "English")
    done = await lan.next_edit()
    assert done.text == "Language set to English."
    await lan.send("/whoami")
    assert (await lan.next_reply()).text.startswith("You are")
    await lan.send("/lang")
    await lan.press(await lan.next_reply(), "Tiếng Việt")
    assert (await lan.next_edit()).text == "Đã chuyển sang tiếng Việt."
    await lan.send("/menu")
    assert (await lan.next_reply()).text.startswith("Menu chính")


async def test_lang_with_an_argument_switches_at_once(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/lang en")
    assert (await lan.next_reply()).text == "Language set to English."
    await lan.send("/whoami")
    assert (await lan.next_reply()).text.startswith("You are")
    await lan.send("/lang vi")
    assert (await lan.next_reply()).text == "Đã chuyển sang tiếng Việt."
    await lan.send("/lang fr")  # not a language we speak: the chooser, saying what exists
    ask = await lan.next_reply()
    assert "Chọn ngôn ngữ" in ask.text and ask.button("English")
    await lan.send("/lang")
    assert (await lan.next_reply()).button("Tiếng Việt")


async def test_whoami_with_two_roles_and_picking_a_cell(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send(f"/start {await world.invite('C2', 'secretary')}")
    await emu.wait_idle()
    lan.pending_replies()
    await lan.send("/whoami")
    text = (await lan.next_reply()).text
    assert "Bí thư chi bộ — Chi bộ thôn 1 (C1)" in text
    assert "Bí thư chi bộ — Chi bộ thôn 2 (C2)" in text
    assert "Đang làm việc tại: Chi bộ thôn 1" in text

    await lan.send("/menu")
    menu = await lan.next_reply()
    await lan.press(menu, "Chọn chi bộ làm việc")
    picker = await lan.next_edit()
    await lan.press(picker, "Chi bộ thôn 2")
    assert (await lan.last_callback_answer()).text == "Đã chuyển sang làm việc với Chi bộ thôn 2."
    assert (await lan.next_edit()).text.startswith("Menu chính — Chi bộ thôn 2")


async def test_forged_and_stale_buttons_say_expired(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/menu")
    menu = await lan.next_reply()
    for data in ("nonsense", "cell:use:999", "lang:set:fr", "x" * 64):
        await lan.press_data(menu, data)
        answer = await lan.last_callback_answer()
        assert "hết hiệu lực" in answer.text or "không phụ trách" in answer.text, data


async def test_unbinding_ends_access_at_once(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await users_uc.remove_user(world.ctx, actor="cli", tg_id=1001)
    await lan.send("/menu")
    assert "mã mời" in (await lan.next_reply()).text


async def test_default_commands_published_in_both_languages(emu: BotApiEmulator, world: World):
    vi = emu.my_commands({"type": "default"}, "vi")
    en = emu.my_commands({"type": "default"}, "en")
    assert {"command": "lang", "description": "Ngôn ngữ: Tiếng Việt / English"} in vi
    assert {"command": "help", "description": "What I can do for you"} in en
    assert [c["command"] for c in vi] == [c["command"] for c in en]


async def test_a_removed_user_resending_the_old_code_is_not_told_they_hold_the_role(emu, world):
    code = await world.invite("C1", "secretary")
    lan = emu.user(1001, "Lan")
    await lan.send(f"/start {code}")
    assert "liên kết" in (await lan.next_reply()).text
    await emu.wait_idle()
    lan.pending_replies()
    await users_uc.remove_user(world.ctx, actor="cli", tg_id=1001)
    await lan.send(f"/start {code}")
    reply = await lan.next_reply()
    assert "đã là" not in reply.text, reply.text
    assert "đã bị thu hồi" in reply.text and "mã mới" in reply.text, reply.text
