"""Helpers to run a real python-telegram-bot ``Application`` against the emulator.

Typical pytest fixtures::

    @pytest.fixture
    async def emu():
        async with BotApiEmulator() as emu:
            yield emu

    @pytest.fixture
    async def app(emu):
        application = application_builder(emu).build()
        register_handlers(application)
        async with running_application(application, emu):
            yield application
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import Application, ApplicationBuilder

    from chibo.botapi_emulator.server import BotApiEmulator

__all__ = ["application_builder", "running_application"]


def application_builder(emu: BotApiEmulator) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ``ApplicationBuilder`` with the emulator's token, ``base_url`` and ``base_file_url``."""
    from telegram.ext import Application

    return (
        Application.builder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
    )


@asynccontextmanager
async def running_application(
    application: Application[Any, Any, Any, Any, Any, Any],
    emu: BotApiEmulator,
    *,
    poll_timeout: float = 10.0,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Initialize, start and long-poll ``application``; stop it cleanly on exit.

    Also registers the application with :meth:`BotApiEmulator.track_application`, so
    ``emu.wait_idle()`` and ``expect_no_reply()`` wait for handlers to finish. Exit before the
    emulator stops: ``updater.stop()`` makes one last ``getUpdates`` call to confirm offsets.
    """
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an Updater")
    await application.initialize()
    untrack = emu.track_application(application)
    try:
        await application.start()
        await updater.start_polling(poll_interval=0.0, timeout=dtm.timedelta(seconds=poll_timeout))
        yield application
    finally:
        untrack()
        if updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
