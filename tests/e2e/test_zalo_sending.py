"""The Zalo channel's sending and start-up paths: back to polling after a webhook, long
messages whose later part fails, start-up failures named by channel, reminders from the CLI."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import Application

from chibo.bot.channels import build_zalo_application, connect, running_zalo
from chibo.botapi_emulator.zalo import ZaloEmulator
from chibo.handlers.reminders import TelegramNotifier
from chibo.usecases.config import ZaloConfig
from chibo.usecases.context import AppContext
from chibo.usecases.reminders import Delivered, Uncertain

from .conftest import World
from .test_zalo import _uid, bind_on_zalo, free_port, zalo_by_webhook, zbot, zemu

__all__ = ["zbot", "zemu"]


async def test_polling_after_a_webhook_deletes_the_webhook_and_answers(
    zemu: ZaloEmulator, ctx: AppContext, bot: Application
):
    zemu.webhook_url = "https://bot.example/zalo"  # left by an earlier webhook deployment
    zemu.webhook_secret = "s3cret-token-42"
    app = build_zalo_application(ctx, ZaloConfig(token=zemu.token, base_url=zemu.base_url))
    connect({"telegram": bot, "zalo": app})
    untrack = zemu.track(app.update_queue.join)
    try:
        async with running_zalo(app, ZaloConfig(token=zemu.token), poll_timeout=0.2):
            assert zemu.calls_to("deleteWebhook") and zemu.webhook_url == ""
            answer = await zemu.user("z-lan", "Lan").ask("xin chào")
            assert "mã mời" in answer
    finally:
        untrack()


def _long_text() -> str:
    return "\n".join(f"Việc {i}: " + "nhắc " * 20 for i in range(40))  # > 2 parts of 2,000


def _markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Nhắc lại sau", callback_data="rem:x:1")]])


async def _no_wait(seconds: float) -> None:
    return None


async def test_a_later_part_that_fails_once_is_retried_alone(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    lan.pending()
    zbot.bot_data["zalo_bridge"].part_waits = (0.0, 0.0)
    notifier = TelegramNotifier(zbot.bot, "vi", attempts=3, sleep=_no_wait)
    zemu.fail_next("sendMessage", 502, skip=1)  # the second part's first try
    result = await notifier._send(await _uid(world, "z-lan"), _long_text(), _markup(), "x")
    assert isinstance(result, Delivered)
    got = [m.text for m in lan.pending()]
    assert len(got) == 3 and got[0].startswith("Việc 0:") and "Việc 39:" in got[-1]
    assert sum(text.startswith("Việc 0:") for text in got) == 1


async def test_a_later_part_that_keeps_failing_is_uncertain_never_resent(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    lan.pending()
    zbot.bot_data["zalo_bridge"].part_waits = (0.0, 0.0)
    notifier = TelegramNotifier(zbot.bot, "vi", attempts=3, sleep=_no_wait)
    zemu.fail_next("sendMessage", 503, count=3, skip=1)
    result = await notifier._send(await _uid(world, "z-lan"), _long_text(), _markup(), "x")
    assert isinstance(result, Uncertain)
    got = [m.text for m in lan.pending()]
    assert len(got) == 1 and got[0].startswith("Việc 0:")  # part 1 once, nothing resent


async def _serve_channels(ctx: AppContext, config, stop_after: int) -> list[float]:
    from chibo.bot.channels import build_channels, running_channels

    from .test_faults_logs import _run_until

    ctx.config = config
    return await _run_until(stop_after, lambda: build_channels(ctx, config), run=running_channels)


async def test_a_rejected_zalo_token_names_zalo_and_its_variable(zemu, ctx, caplog):
    import logging
    from dataclasses import replace

    from chibo.usecases.config import TelegramConfig

    config = replace(
        ctx.config,
        telegram=TelegramConfig(token=""),
        zalo=ZaloConfig(token="999:wrong-token", base_url=zemu.base_url),
    )
    waits = await _serve_channels(ctx, config, 2)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert waits == [1.0, 2.0] and len(errors) == 2
    assert "Zalo" in errors[0] and "CHIBO_ZALO_TOKEN" in errors[0]
    assert "Telegram" not in errors[0] and "999:wrong-token" not in caplog.text
    assert not any(r.exc_info for r in caplog.records)


async def test_a_failed_set_webhook_is_one_line_and_tried_again(zemu, ctx, caplog):
    import asyncio
    import logging
    from dataclasses import replace

    from chibo.bot.app import serve
    from chibo.bot.channels import build_channels, running_channels
    from chibo.usecases.config import TelegramConfig

    config = replace(
        ctx.config, telegram=TelegramConfig(token=""), zalo=zalo_by_webhook(zemu, free_port())
    )
    ctx.config = config
    zemu.fail_next("setWebhook", 502)
    stop = asyncio.Event()
    waits: list[float] = []

    async def pause(seconds: float) -> None:
        waits.append(seconds)

    task = asyncio.create_task(
        serve(lambda: build_channels(ctx, config), stop, pause=pause, run=running_channels)
    )
    try:
        await zemu.wait_for(lambda: bool(zemu.webhook_url), 10)
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)  # no traceback: serve returned
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert waits == [1.0] and len(errors) == 1 and "Zalo" in errors[0], errors
    assert not any(r.exc_info for r in caplog.records)


async def test_reminders_run_from_the_cli_on_a_zalo_only_deployment(
    zemu, zbot, world: World, capsys
):
    from dataclasses import replace

    from chibo.bot.cli import build_parser
    from chibo.usecases.config import TelegramConfig
    from chibo.usecases.i18n import translator

    from ..usecases.test_reminders_support import END, add_member, add_officials

    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    lan.pending()
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    config = replace(
        world.ctx.config,
        telegram=TelegramConfig(token=""),
        zalo=ZaloConfig(token=zemu.token, base_url=zemu.base_url),
    )
    args = build_parser().parse_args(["reminders", "run", "--date", END.isoformat()])
    assert await args.func(args, config, translator("en")) == 0
    assert capsys.readouterr().out.startswith("Reminders of 10/09/2025: 1 sent, 0 not delivered")
    got = [m.text for m in lan.pending() if "Nguyễn Văn An" in m.text]
    assert len(got) == 1 and "Nhắc lại sau" in got[0]
    assert await args.func(args, config, translator("en")) == 0  # exactly once
    assert "0 sent" in capsys.readouterr().out and lan.pending() == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (BadRequest("Bad Request: bad webhook: HTTPS url must be provided"), "refused"),
        (NetworkError("connection refused"), "cannot reach"),
        (InvalidToken("Unauthorized"), "rejected the bot token"),
    ],
)
def test_a_start_up_failure_says_whether_the_channel_was_reached(error, expected):
    from chibo.bot.app import start_problem
    from chibo.usecases.i18n import translator

    line = start_problem(translator("en"), "zalo", error, "1:secret")
    assert line is not None and expected in line and "Zalo" in line
    if expected == "refused":
        assert "[zalo]" in line and "cannot reach" not in line
