"""End-to-end fixtures: the real chibo Application talking to the local Bot API emulator.

    async def test_x(emu, bot, ctx, world):
        alice = await world.secretary(1001, "C1")       # bound through a real /start CODE
        await alice.send("/menu")
        reply = await alice.next_reply()
        await alice.press(reply, "Ngôn ngữ")

`bot` runs `bot.app.build_application` (every feature, the rate limiter) with long polling
against `emu`; `emu.wait_idle()` / `chat.expect_no_reply()` wait until the handlers finished.
The clock is the `clock` fixture (a FixedClock): move it to cross deadlines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from chibo.bot.app import build_application, running
from chibo.botapi_emulator import BotApiEmulator, ChatMessage, UserDriver
from chibo.handlers.common import CallbackData
from chibo.handlers.registry import registry_of
from chibo.handlers.routing import resolve
from chibo.usecases import invites as invites_uc
from chibo.usecases.context import AppContext

from ..usecases.helpers import demo_tree


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(bot_username="chibo_test_bot") as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator, ctx: AppContext) -> AsyncIterator[Application]:
    app = build_application(
        ctx, token=emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url
    )
    untrack = emu.track_application(app)
    buttons: set[str] = set()
    unwatch = emu.on_bot_message(
        lambda m: buttons.update(
            b.callback_data for row in m.buttons for b in row if b.callback_data
        )
    )
    try:
        async with running(app, poll_timeout=30):
            yield app
    finally:
        unwatch()
        untrack()
    # Every button the bot sent during the test is a declared action with fitting arguments.
    routes = registry_of(app)
    undeclared = sorted(d for d in buttons if resolve(routes, CallbackData.parse(d)) is None)
    assert undeclared == [], f"buttons sent without a declared route: {undeclared}"


class World:
    """The demo organisation tree plus helpers that bind users through the chat."""

    def __init__(self, emu: BotApiEmulator, ctx: AppContext) -> None:
        self.emu = emu
        self.ctx = ctx

    async def invite(self, org_code: str, role: str) -> str:
        created = await invites_uc.create_invite(
            self.ctx, actor="cli", org_code=org_code, role=role
        )
        return created.code

    async def bound(
        self, tg_id: int, org_code: str, role: str, *, name: str = "", language_code: str = "vi"
    ) -> UserDriver:
        """A user who redeemed an invite in the chat; their replies are drained."""
        user = self.emu.user(tg_id, name or f"Người dùng {tg_id}", language_code=language_code)
        await user.send(f"/start {await self.invite(org_code, role)}")
        welcome = await user.next_reply()
        assert "liên kết" in welcome.text or "now" in welcome.text, welcome.text
        await self.emu.wait_idle()
        user.pending_replies()
        return user

    async def secretary(self, tg_id: int, org_code: str = "C1", **kw: str) -> UserDriver:
        return await self.bound(tg_id, org_code, "secretary", **kw)

    async def deputy(self, tg_id: int, org_code: str = "C1", **kw: str) -> UserDriver:
        return await self.bound(tg_id, org_code, "deputy", **kw)

    async def officer(self, tg_id: int, org_code: str = "X", **kw: str) -> UserDriver:
        return await self.bound(tg_id, org_code, "officer", **kw)


@pytest.fixture
async def world(emu: BotApiEmulator, ctx: AppContext, bot: Application) -> World:
    """Province P → communes X (cells C1, C2) and Y (cell D1); the bot is running."""
    await demo_tree(ctx)
    return World(emu, ctx)


async def reminder_items(user: UserDriver, message: ChatMessage) -> list[ChatMessage]:
    """The reminders a message carries, each as it comes alone (full text and buttons): a
    digest's numbered buttons opened one by one, or the message itself."""
    numbered = [b for row in message.buttons for b in row if b.callback_data
                and b.callback_data.startswith("rem:show:")]  # fmt: skip
    if not numbered:
        return [message]
    items = []
    for button in numbered:
        await user.press(message, callback_data=button.callback_data)
        items.append(await user.next_reply())
    return items
