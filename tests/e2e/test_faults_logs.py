"""Secrets and personal data stay out of logs; outages and rejected tokens are one line."""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import replace
from types import SimpleNamespace

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from chibo.bot import logsafety
from chibo.bot.app import build_application, default_features, running, serve
from chibo.botapi_emulator import BotApiEmulator

from .. import faults
from .conftest import World
from .test_resilience import _restart

pytestmark = pytest.mark.faults

SECRET_TEXT = "Nguyễn Thị Bí Mật CCCD 001234567890"
TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


async def _boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("handler exploded")


BOOM = SimpleNamespace(
    register=lambda app: app.add_handler(MessageHandler(filters.Regex("CCCD"), _boom))
)


def error_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "chibo.errors"]


async def test_an_error_log_has_ids_and_the_handler_not_the_users_text(
    emu: BotApiEmulator, world: World, bot: Application, caplog
):
    lan = await world.secretary(1001, "C1", name="Trần Văn Lan", language_code="en")
    app = await _restart(emu, world, bot, extra=[BOOM])
    async with running(app):
        await lan.send(SECRET_TEXT)
        assert (await lan.next_reply()).text.startswith("Sorry, something went wrong")
    (record,) = error_lines(caplog)
    logged = caplog.text
    faults.add(inputs=1)
    assert "user 1001" in record.getMessage() and "_boom" in record.getMessage()
    assert "Bí Mật" not in logged and "001234567890" not in logged and "Trần Văn" not in logged


async def test_debug_updates_logs_the_whole_update(
    emu: BotApiEmulator, world: World, bot: Application, caplog
):
    lan = await world.secretary(1001, "C1")
    world.ctx.config = replace(world.ctx.config, debug_updates=True)
    app = await _restart(emu, world, bot, extra=[BOOM])
    async with running(app):
        await lan.send(SECRET_TEXT)
        await emu.wait_idle()
    assert "001234567890" in caplog.text


async def test_a_database_fault_while_running_is_one_line_and_a_short_reply(
    emu: BotApiEmulator, world: World, bot: Application, caplog
):
    lan = await world.secretary(1001, "C1", language_code="en")
    await world.ctx.db._conn.execute("PRAGMA query_only = ON")  # writes fail: read-only
    for text in ("/menu", "/start BADCODE", SECRET_TEXT):
        await lan.send(text)
        await emu.wait_idle()
    replies = lan.pending_replies()
    records = error_lines(caplog)
    faults.add(inputs=3, tracebacks=sum(1 for r in records if r.exc_info))
    assert records and all(r.exc_info is None for r in records)
    assert all("read-only" in r.getMessage() for r in records)
    assert any(r.text.startswith("Sorry, something went wrong") for r in replies)


def test_tokens_never_reach_a_log_line():
    stream = io.StringIO()
    logger = logging.getLogger("test.secrets")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logsafety.install("short-custom-token", logger=logger)
    logger.info('HTTP Request: POST https://api.telegram.org/bot%s/getMe "HTTP/1.1 200 OK"', TOKEN)
    logger.info("The token `%s` was rejected by the server.", TOKEN)
    logger.info("configured: short-custom-token")
    try:
        raise ValueError(f"url /bot{TOKEN}/sendMessage")
    except ValueError:
        logger.exception("failed")
    text = stream.getvalue()
    faults.add(inputs=4)
    assert TOKEN not in text and "short-custom-token" not in text
    assert text.count("<token>") == 4


def test_an_outage_is_one_line_and_its_end_another(caplog):
    now = [0.0]
    outage = logsafety.Outage(logging.getLogger("chibo"), clock=lambda: now[0])
    for _ in range(20):
        now[0] += 30
        outage.failed(ConnectionError("All connection attempts failed"))
    outage.recovered()
    now[0] += 1000
    outage.failed(ConnectionError("down again"))
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3 and "20 failed" in lines[1] and "down again" in lines[2]


async def _run_until(stop_after: int, build, caplog=None, *, run=None) -> list[float]:
    """`serve` until it has paused `stop_after` times (the waits it asked for)."""
    stop = asyncio.Event()
    waits: list[float] = []

    async def pause(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) >= stop_after:
            stop.set()

    await serve(build, stop, pause=pause, **({"run": run} if run is not None else {}))
    return waits


async def test_run_without_network_is_one_line_per_attempt_with_back_off(ctx, caplog):
    def build() -> Application:  # nothing listens on port 9 of localhost
        return build_application(
            ctx, token=TOKEN, base_url="http://127.0.0.1:9/bot", modules=default_features()
        )

    waits = await _run_until(4, build, caplog)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    faults.add(inputs=4, tracebacks=sum(1 for r in caplog.records if r.exc_info))
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert len(errors) == 4 and all("cannot reach Telegram" in r.getMessage() for r in errors)
    assert not any(r.exc_info for r in caplog.records)


async def test_a_rejected_token_is_one_line_without_the_token(emu: BotApiEmulator, ctx, caplog):
    def build() -> Application:
        return build_application(ctx, token=TOKEN, base_url=emu.base_url, modules=[])

    handler = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(handler)
    logsafety.install(TOKEN, handlers=[handler])
    try:
        await _run_until(2, build, caplog)
        text = handler.stream.getvalue()
    finally:
        logging.getLogger().removeHandler(handler)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    faults.add(inputs=2, tracebacks=sum(1 for r in caplog.records if r.exc_info))
    assert len(errors) == 2 and "rejected the bot token" in errors[0].getMessage()
    assert TOKEN not in text and "rejected the bot token" in text
    assert not any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize("where", ["no network", "rejected token"])
async def test_reminders_run_without_telegram_is_one_line_per_attempt(
    emu: BotApiEmulator, ctx, capsys, monkeypatch, where
):
    from chibo.bot import cli_reminders
    from chibo.bot.cli import CliError, build_parser
    from chibo.bot.config import TelegramConfig
    from chibo.usecases.i18n import translator

    monkeypatch.setattr(cli_reminders, "CONNECT_WAITS", (0.0, 0.0))
    url = "http://127.0.0.1:9/bot" if where == "no network" else emu.base_url
    config = replace(ctx.config, telegram=TelegramConfig(token=TOKEN, base_url=url))
    args = build_parser().parse_args(["reminders", "run"])
    with pytest.raises(CliError) as caught:
        await args.func(args, config, translator("en"))
    err = capsys.readouterr().err
    faults.add(inputs=3, tracebacks=faults.tracebacks_in(err, str(caught.value)))
    assert len(err.strip().splitlines()) == 2 and "trying again" in err
    assert "no reminders were sent" in str(caught.value)
    assert TOKEN not in err + str(caught.value)
