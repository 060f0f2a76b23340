"""A local Zalo Bot API for end-to-end tests and the demo, beside the Telegram one.

HTTP on 127.0.0.1 (aiohttp), `POST /bot<TOKEN>/<method>` with a JSON (or form) body, answers
`{"ok": true, "result": …}` or `{"ok": false, "error_code", "description"}` as the platform:
`getMe`, `getUpdates` (one update per call, `408 Request timeout` when none arrived),
`sendMessage` (1–2,000 characters), `sendChatAction`, `setWebhook` (HTTPS URL — `http://127.0.0.1`
is allowed here — and a secret sent back in `X-Bot-Api-Secret-Token`), `deleteWebhook`,
`getWebhookInfo`. `getUpdates` is refused while a webhook is set, as on the platform.

    async with ZaloEmulator() as zemu:
        lan = zemu.user("u-lan", "Lan")
        await lan.send("menu")
        reply = await lan.next_reply()

Faults: `fail_next(method, status)` (a 5xx or any error answer; `skip=n` lets the next n calls
through first), `drop_next(method)` (the connection is closed without an answer),
`slow_next(method, seconds)`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Self

import aiohttp
from aiohttp import web

__all__ = ["ZaloEmulator", "ZaloMessage", "ZaloUser"]

LIMIT = 2000


@dataclass(frozen=True)
class ZaloMessage:
    chat_id: str
    text: str
    message_id: str


@dataclass
class _Fault:
    method: str
    kind: str  # "fail" | "drop" | "slow"
    status: int = 500
    seconds: float = 0.0
    skip: int = 0  # calls of `method` let through before this fault


@dataclass
class _Chat:
    messages: list[ZaloMessage] = field(default_factory=list)
    read: int = 0


class ZaloEmulator:
    def __init__(self, *, token: str = "1234567890:zalo-test-secret", name: str = "Chibo") -> None:
        self.token = token
        self.name = name
        self.chats: dict[str, _Chat] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_answers: list[int] = []
        self._updates: list[dict[str, Any]] = []
        self._handed_out = 0
        self._polls_after: int = 0
        self._signal = asyncio.Condition()
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1)
        self._idle_hooks: list[Callable[[], Awaitable[Any]]] = []
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._http: aiohttp.ClientSession | None = None

    # -- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._http = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The API root to configure as `[zalo] base_url`."""
        return f"http://127.0.0.1:{self._port}"

    # -- players ---------------------------------------------------------------------------

    def user(self, user_id: str, name: str) -> ZaloUser:
        self.chats.setdefault(user_id, _Chat())
        return ZaloUser(self, user_id, name)

    async def push(self, update: dict[str, Any]) -> None:
        """An update from a user: queued for `getUpdates`, or POSTed to the webhook."""
        if self.webhook_url:
            assert self._http is not None
            headers = {"X-Bot-Api-Secret-Token": self.webhook_secret}
            body = {"ok": True, "result": update}
            async with self._http.post(self.webhook_url, json=body, headers=headers) as resp:
                self.webhook_answers.append(resp.status)
            return
        async with self._signal:
            self._updates.append(update)
            self._signal.notify_all()

    def fail_next(self, method: str, status: int = 500, count: int = 1, *, skip: int = 0) -> None:
        self._faults += [_Fault(method, "fail", status=status) for _ in range(count)]
        if count and skip:
            self._faults[-count].skip = skip

    def drop_next(self, method: str, count: int = 1) -> None:
        self._faults += [_Fault(method, "drop") for _ in range(count)]

    def slow_next(self, method: str, seconds: float, count: int = 1) -> None:
        self._faults += [_Fault(method, "slow", seconds=seconds) for _ in range(count)]

    def track(self, queue_join: Callable[[], Awaitable[Any]]) -> Callable[[], None]:
        """`wait_idle` also waits for this (an Application's `update_queue.join`)."""
        self._idle_hooks.append(queue_join)
        return lambda: self._idle_hooks.remove(queue_join)

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Every queued update was taken by a `getUpdates` call *followed by another one* (so
        the poller handed it to the Application), and the idle hooks returned."""
        target = len(self._updates)

        def settled() -> bool:
            return self._handed_out >= target and (target == 0 or self._polls_after > 0)

        async with asyncio.timeout(timeout):
            async with self._signal:
                await self._signal.wait_for(lambda: bool(self.webhook_url) or settled())
            for hook in list(self._idle_hooks):
                await hook()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait (woken by every call and update) until `predicate()` holds."""
        async with asyncio.timeout(timeout), self._signal:
            await self._signal.wait_for(predicate)

    def sent_to(self, chat_id: str) -> list[ZaloMessage]:
        return list(self.chats.get(chat_id, _Chat()).messages)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            if request.content_type == "application/json":
                params = await request.json()
            else:
                params = dict(await request.post())
        except ValueError:
            return _error(400, "Bad Request: cannot parse the body")
        if not isinstance(params, dict):
            return _error(400, "Bad Request: expected an object")
        self.calls.append((method, params))
        async with self._signal:
            self._signal.notify_all()
        fault = next((f for f in self._faults if f.method == method), None)
        if fault is not None and fault.skip > 0:
            fault.skip -= 1
            fault = None
        if fault is not None:
            self._faults.remove(fault)
            if fault.kind == "fail":
                return _error(fault.status, "Internal Server Error")
            if fault.kind == "drop":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            await asyncio.sleep(fault.seconds)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method}")
        if method == "getUpdates":
            params = {**params, "_gone": lambda: _gone(request)}
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _m_getMe(self, p: dict[str, Any]) -> Any:
        return {"id": "bot-1", "account_name": self.name, "account_type": "BASIC"}

    async def _m_getUpdates(self, p: dict[str, Any]) -> Any:
        if self.webhook_url:
            return _error(409, "Conflict: a webhook is set")
        timeout = float(p.get("timeout") or 0)
        async with self._signal:
            if self._handed_out > 0 and self._handed_out >= len(self._updates):
                self._polls_after += 1
                self._signal.notify_all()
            got = await _wait(self._signal, lambda: self._handed_out < len(self._updates), timeout)
            gone = p.get("_gone")
            if not got or (gone is not None and gone()):
                # a poller that hung up (a stopped bot) takes nothing: the next one gets it
                return _error(408, "Request timeout", status=200)
            update = self._updates[self._handed_out]
            self._handed_out += 1
            self._polls_after = 0
            self._signal.notify_all()
        return update

    async def _m_sendMessage(self, p: dict[str, Any]) -> Any:
        chat_id, text = str(p.get("chat_id", "")), p.get("text")
        if chat_id not in self.chats:
            return _error(400, "Bad Request: chat not found")
        if not isinstance(text, str) or not 1 <= len(text) <= LIMIT:
            return _error(400, f"Bad Request: text must have 1 to {LIMIT} characters")
        message = ZaloMessage(chat_id, text, f"m{next(self._ids)}")
        async with self._signal:
            self.chats[chat_id].messages.append(message)
            self._signal.notify_all()
        return {"message_id": message.message_id, "date": int(time.time() * 1000)}

    async def _m_sendChatAction(self, p: dict[str, Any]) -> Any:
        return True

    async def _m_setWebhook(self, p: dict[str, Any]) -> Any:
        url, secret = str(p.get("url", "")), str(p.get("secret_token", ""))
        if not (url.startswith("https://") or url.startswith("http://127.0.0.1")):
            return _error(400, "Bad Request: the webhook URL must be HTTPS")
        if not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: secret_token must have 8 to 256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        async with self._signal:
            self._signal.notify_all()
        return True

    async def _m_deleteWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook_url = self.webhook_secret = ""
        return True

    async def _m_getWebhookInfo(self, p: dict[str, Any]) -> Any:
        return {"url": self.webhook_url}


def _gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def _wait(cond: asyncio.Condition, predicate: Callable[[], bool], timeout: float) -> bool:
    try:
        async with asyncio.timeout(timeout):
            await cond.wait_for(predicate)
    except TimeoutError:
        return predicate()
    return True


def _error(code: int, description: str, *, status: int | None = None) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.Response(
        status=status or code, text=json.dumps(body), content_type="application/json"
    )


class ZaloUser:
    """A Zalo user in a private chat with the bot."""

    def __init__(self, emu: ZaloEmulator, user_id: str, name: str) -> None:
        self.emu = emu
        self.id = user_id
        self.name = name

    async def send(self, text: str, *, event: str = "message.text.received") -> None:
        message: dict[str, Any] = {
            "message_id": f"u{next(self.emu._ids)}",
            "date": int(time.time() * 1000),
            "chat": {"id": self.id, "chat_type": "PRIVATE"},
            "from": {"id": self.id, "display_name": self.name, "is_bot": False},
        }
        if event == "message.text.received":
            message["text"] = text
        await self.emu.push({"event_name": event, "message": message})

    async def next_reply(self, timeout: float = 5.0) -> ZaloMessage:
        """The next message the bot sent to this user that the test has not read yet."""
        chat = self.emu.chats[self.id]
        async with asyncio.timeout(timeout):
            async with self.emu._signal:
                await self.emu._signal.wait_for(lambda: chat.read < len(chat.messages))
        chat.read += 1
        return chat.messages[chat.read - 1]

    def pending(self) -> list[ZaloMessage]:
        """Every unread message, marked read."""
        chat = self.emu.chats[self.id]
        out = chat.messages[chat.read :]
        chat.read = len(chat.messages)
        return out

    async def settle(self) -> list[ZaloMessage]:
        """Wait until the bot handled everything sent so far; the unread messages."""
        await self.emu.wait_idle()
        return self.pending()

    async def ask(self, text: str) -> str:
        """Send `text`, wait until handled, and return everything the bot answered, joined."""
        await self.send(text)
        return "\n".join(m.text for m in await self.settle())
