"""Restarts, expired conversations and failures: never a dead button, never a traceback."""

from __future__ import annotations

from types import SimpleNamespace

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from chibo.bot.app import build_application, default_features, running
from chibo.botapi_emulator import BotApiEmulator
from chibo.usecases import drafts as drafts_uc

from .conftest import World


async def _restart(
    emu: BotApiEmulator, world: World, old: Application, extra: list | None = None
) -> Application:
    """Stop the running bot and start a fresh Application on the same database."""
    await old.updater.stop()
    await old.stop()
    app = build_application(
        world.ctx,
        token=emu.token,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        modules=[*default_features(), *(extra or [])],
    )
    emu.track_application(app)
    return app


async def test_buttons_from_before_a_restart_still_work(
    emu: BotApiEmulator, world: World, bot: Application
):
    lan = await world.secretary(1001, "C1")
    await lan.send("/menu")
    menu = await lan.next_reply()
    app = await _restart(emu, world, bot)
    async with running(app):
        await lan.press(menu, "Thông tin của tôi")
        assert "Bí thư chi bộ — Chi bộ thôn 1" in (await lan.next_edit()).text


async def test_a_timed_out_conversation_tells_the_user_to_start_again(
    emu: BotApiEmulator, world: World, clock
):
    lan = await world.secretary(1001, "C1")
    await drafts_uc.start(world.ctx, 1001, "test.flow", "ask_name", org_id=None)
    clock.advance(hours=2)
    await lan.send("Nguyễn Văn A")
    assert "quá thời gian chờ" in (await lan.next_reply()).text
    assert (await drafts_uc.current(world.ctx, 1001)).draft is None


async def test_a_conversation_of_an_unknown_kind_is_not_silent(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await drafts_uc.start(world.ctx, 1001, "retired.flow", "x", org_id=None)
    await lan.send("xin chào")
    assert "/cancel" in (await lan.next_reply()).text
    await lan.send("/cancel")
    assert "Đã hủy" in (await lan.next_reply()).text


async def _boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("database exploded")


BOOM = SimpleNamespace(register=lambda app: app.add_handler(CommandHandler("boom", _boom)))


async def test_a_failure_is_logged_and_the_user_told_briefly(
    emu: BotApiEmulator, world: World, bot: Application, caplog
):
    lan = await world.secretary(1001, "C1", language_code="en")
    app = await _restart(emu, world, bot, extra=[BOOM])
    async with running(app):
        await lan.send("/boom")
        reply = await lan.next_reply()
    assert reply.text.startswith("Sorry, something went wrong")
    assert "Traceback" not in reply.text and "exploded" not in reply.text
    assert any("database exploded" in str(r.exc_info) for r in caplog.records if r.exc_info)
