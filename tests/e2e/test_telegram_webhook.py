"""Telegram by webhook: PTB's own webhook server (the `webhooks` extra) behind `running`."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp

from chibo.bot.app import build_application, running
from chibo.botapi_emulator import BotApiEmulator
from chibo.usecases.config import WebhookConfig

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_update(update_id: int, user_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Hà", "language_code": "vi"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_telegram_webhook_answers_the_right_secret_and_refuses_the_rest(
    emu: BotApiEmulator, ctx
):
    hook = WebhookConfig(
        mode="webhook",
        webhook_url="https://bot.example.org/tg-7f3a",
        webhook_secret="a-long-random-secret-1",
        port=free_port(),
    )
    app = build_application(ctx, token=emu.token, base_url=emu.base_url)
    for uid in (2001, 2002, 2003):
        emu.user(uid, "Hà", language_code="vi")
    url = f"http://127.0.0.1:{hook.port}/tg-7f3a"

    def replies_to(uid: int) -> list[Any]:
        return [c for c in emu.calls_to("sendMessage") if c.params.get("chat_id") == uid]

    async with running(app, webhook=hook), aiohttp.ClientSession() as http:
        # registered with Telegram through setWebhook, with the secret; no polling at all
        [registered] = emu.calls_to("setWebhook")
        assert registered.params["url"] == hook.webhook_url
        assert registered.params["secret_token"] == hook.webhook_secret
        assert emu.world.webhook["url"] == hook.webhook_url
        assert emu.calls_to("getUpdates") == []

        async with http.post(url, json=start_update(1, 2001)) as none:
            assert none.status == 403
        wrong = {SECRET_HEADER: "a-long-random-secret-2"}
        async with http.post(url, json=start_update(2, 2002), headers=wrong) as forged:
            assert forged.status == 403
        right = {SECRET_HEADER: hook.webhook_secret}
        async with http.post(f"{url}-other", json=start_update(3, 2003), headers=right) as lost:
            assert lost.status == 404  # only the configured path is served
        async with http.post(url, json=start_update(4, 2003), headers=right) as real:
            assert real.status == 200

        await emu.wait_until(lambda: bool(replies_to(2003)), 10)
        await asyncio.wait_for(app.update_queue.join(), 10)
        assert len(replies_to(2003)) == 1
        assert replies_to(2001) == [] and replies_to(2002) == []  # refused, not processed
