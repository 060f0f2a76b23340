"""HTTP front-end of the Bot API emulator (aiohttp on 127.0.0.1).

Routes, as on api.telegram.org:

* ``/bot{token}/{method}`` (GET or POST; method names are case-insensitive),
* ``/file/bot{token}/{file_path}`` for downloads of files returned by ``getFile``.

Point python-telegram-bot at it with ``.base_url(emu.base_url)`` and
``.base_file_url(emu.base_file_url)``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Protocol, Self

from aiohttp import BodyPartReader, hdrs, web

from chibo.botapi_emulator.driver import GroupDriver, UserDriver
from chibo.botapi_emulator.errors import ApiError
from chibo.botapi_emulator.methods import BotApiMethods, Params, UploadedFile, scope_key
from chibo.botapi_emulator.state import (
    JSON,
    ApiCall,
    Fault,
    LostAnswer,
    MonitorCallback,
    StoredFile,
    World,
)

__all__ = ["BotApiEmulator"]

_LOG = logging.getLogger(__name__)
_MAX_BODY = 64 * 1024 * 1024


class _HasUpdateQueue(Protocol):
    update_queue: asyncio.Queue[Any]


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
    )


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
    """Collect query-string, form, multipart and JSON-body parameters of one request."""
    raw: JSON = dict(request.query)
    uploads: dict[str, UploadedFile] = {}
    if not request.can_read_body:
        return raw, uploads
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or not part.name:
                continue
            if part.filename is not None:
                uploads[part.name] = UploadedFile(
                    filename=part.filename,
                    data=bytes(await part.read(decode=True)),
                    content_type=part.headers.get(hdrs.CONTENT_TYPE),
                )
            else:
                raw[part.name] = await part.text()
    elif ctype == "application/x-www-form-urlencoded":
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    else:
        body = await request.read()
        if body.strip():
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            raw.update(decoded)
    return raw, uploads


class BotApiEmulator:
    """A Telegram Bot API server emulator with a test driver.

    Use as ``async with BotApiEmulator() as emu:`` or call :meth:`start` / :meth:`stop`.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "chibo_test_bot",
        bot_name: str = "Chibo Test Bot",
        *,
        latency: float = 0.0,
        flood_limit: int | None = None,
    ) -> None:
        self.world = World(token, bot_username, bot_name)
        #: Seconds every method except ``getUpdates`` takes to answer (a real Bot API: ~0.1).
        self.latency = latency
        #: Messages a second (sendMessage & co.) above which a call gets 429, like Telegram's
        #: ~30 msg/s per bot (short bursts tolerated); None: no limit. ``flood_hits`` counts
        #: the 429s it gave.
        self.flood_limit = flood_limit
        self.flood_hits = 0
        self._bucket = 0.0
        self._bucket_at: float | None = None
        #: Calls being answered right now, and the most at once (``getUpdates`` aside).
        self.in_flight = 0
        self.peak_in_flight = 0
        self.methods = BotApiMethods(self.world)
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._users: dict[int, UserDriver] = {}
        self._groups: dict[int, GroupDriver] = {}

    # -------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start serving; :attr:`port` is known afterwards."""
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_file)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self.world.closing = False

    async def stop(self) -> None:
        """Release pending long polls and stop serving."""
        self.world.closing = True
        self.world.signal.notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------- properties

    @property
    def token(self) -> str:
        """The bot token the emulator accepts."""
        return self.world.token

    @property
    def port(self) -> int:
        """TCP port (after :meth:`start`)."""
        return self._port

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:PORT``."""
        if self._runner is None:
            raise RuntimeError("emulator not started")
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url`` (PTB appends the token)."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot's ``User`` object, as ``getMe`` returns it."""
        return dict(self.world.bot_user)

    @property
    def calls(self) -> list[ApiCall]:
        """Every API call the bot made, in order."""
        return self.world.calls

    @property
    def unknown_calls(self) -> list[ApiCall]:
        """Calls of methods the emulator does not implement (answered with 404)."""
        return self.world.unknown_calls

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method (case-insensitive)."""
        name = method.lower()
        return [c for c in self.world.calls if c.method.lower() == name]

    @property
    def files(self) -> dict[str, StoredFile]:
        """All stored files by ``file_id``."""
        return self.world.files

    # ------------------------------------------------------------ world setup

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> UserDriver:
        """Create, update or fetch a user; their private chat id equals ``user_id``.

        Called again with only the id it returns the existing driver unchanged; given fields
        update the user (for later updates).
        """
        known = self.world.users.get(user_id)
        if (
            known is not None
            and first_name is None
            and not (last_name or username or language_code)
        ):
            return self._users[user_id]
        known = known or {}
        self.world.add_user(
            user_id,
            first_name or known.get("first_name") or f"User {user_id}",
            last_name=last_name or known.get("last_name"),
            username=username or known.get("username"),
            language_code=language_code or known.get("language_code"),
        )
        return self._users.setdefault(user_id, UserDriver(self, user_id))

    def group(
        self, chat_id: int, title: str = "Test group", *, supergroup: bool = False
    ) -> GroupDriver:
        """Create (or fetch) a group chat containing the bot."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        self.world.add_group(chat_id, title, supergroup=supergroup)
        return self._groups.setdefault(chat_id, GroupDriver(self, chat_id))

    def enqueue_update(self, kind: str, payload: JSON) -> int:
        """Escape hatch: deliver any update type (e.g. ``"my_chat_member"``)."""
        return self.world.enqueue_update(kind, payload)

    # --------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with ``error_code``.

        429 always carries ``parameters.retry_after`` (default 1) and the description
        ``"Too Many Requests: retry after N"``.
        """
        error = ApiError.injected(error_code, description, retry_after)
        self.world.faults.setdefault(method.lower(), []).append(Fault(error, count))

    def set_latency(self, seconds: float) -> None:
        """Every later call (but ``getUpdates``) answers after ``seconds``."""
        self.latency = seconds

    def _flooded(self, method: str) -> bool:
        """True when this send finds the flood bucket empty: ``flood_limit`` sends a second,
        with bursts of up to ``flood_limit`` (a token bucket, refilled continuously)."""
        if self.flood_limit is None or not method.lower().startswith("send"):
            return False
        now = time.monotonic()
        if self._bucket_at is None:
            self._bucket, self._bucket_at = float(self.flood_limit), now
        self._bucket = min(
            float(self.flood_limit), self._bucket + (now - self._bucket_at) * self.flood_limit
        )
        self._bucket_at = now
        if self._bucket < 1.0:
            self.flood_hits += 1
            return True
        self._bucket -= 1.0
        return False

    def drop_answer_next(self, method: str, *, mode: str = "reset", count: int = 1) -> None:
        """The next ``count`` calls of ``method`` take effect but their answer is lost.

        ``mode="reset"``: the connection is closed after the call ran, without an HTTP answer
        (the client sees "server disconnected"); ``mode="hang"``: the answer is withheld until
        the client gives up (its read timeout). Either way the message *was* sent — the
        ambiguous failure a careful sender must not blindly re-send. The call is recorded
        with ``answer_lost=True``.
        """
        if mode not in ("reset", "hang"):
            raise ValueError(f"mode must be 'reset' or 'hang', got {mode!r}")
        self.world.lost_answers.setdefault(method.lower(), []).append(LostAnswer(mode, count))

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends/edits to their chat get 403.

        With ``notify`` the bot receives a ``my_chat_member`` update (member -> kicked) as live.
        """
        self.world.blocked.add(user_id)
        if notify:
            self._member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        """The user unblocks the bot (``my_chat_member`` kicked -> member if ``notify``)."""
        self.world.blocked.discard(user_id)
        if notify:
            self._member_update(user_id, "kicked", "member")

    def _member_update(self, user_id: int, old: str, new: str) -> None:
        chat = self.world.chat(user_id)
        bot = dict(self.world.bot_user)

        def member(status: str) -> JSON:
            data: JSON = {"user": bot, "status": status}
            if status == "kicked":
                data["until_date"] = 0
            return data

        self.world.enqueue_update(
            "my_chat_member",
            {
                "chat": dict(chat.chat),
                "from": dict(self.world.users[user_id]),
                "date": self.world.now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    # ------------------------------------------------------------ inspection

    def my_commands(
        self, scope: JSON | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Commands set via ``setMyCommands`` for exactly this scope and language."""
        return [dict(c) for c in self.world.commands.get((scope_key(scope), language_code), [])]

    def on_bot_message(self, callback: MonitorCallback) -> Callable[[], None]:
        """Call ``callback(message)`` (sync or async) for every bot-sent or edited message.

        The message is a snapshot; ``message.is_edited`` tells edits apart. The callback runs
        before the API response is sent. Returns a function that unsubscribes.
        """
        self.world.monitors.append(callback)
        return lambda: self.world.monitors.remove(callback)

    # ---------------------------------------------------------------- waiting

    def add_idle_hook(self, hook: Callable[[], Awaitable[Any]]) -> Callable[[], None]:
        """Await ``hook()`` at the end of :meth:`wait_idle`; returns an unregister function."""
        self.world.idle_hooks.append(hook)
        return lambda: self.world.idle_hooks.remove(hook)

    def track_application(self, application: _HasUpdateQueue) -> Callable[[], None]:
        """Make :meth:`wait_idle` also wait until a PTB ``Application`` processed its updates.

        Registers ``application.update_queue.join`` as an idle hook: PTB calls
        ``task_done()`` only after all (blocking) handlers for an update returned.
        """
        return self.add_idle_hook(application.update_queue.join)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait (event-driven) until ``predicate()`` holds; AssertionError on timeout."""
        if not await self.world.signal.wait_until(predicate, timeout):
            raise AssertionError(f"condition not met within {timeout} s: {predicate!r}")

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until the bot has consumed every update enqueued before this call.

        Guarantee: each such update was returned by ``getUpdates`` *and* the bot then made a
        further ``getUpdates`` call whose ``offset`` confirmed it (or it was dropped/filtered
        out), so the poller got past it. Then every idle hook is awaited; with
        :meth:`track_application` that means PTB finished all blocking handlers for those
        updates, so every reply they sent is already recorded here. Without a hook nothing
        is known about handler completion. Raises AssertionError after ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        target = self.world.last_update_id
        if not await self.world.signal.wait_until(
            lambda: self.world.updates_settled(target), timeout
        ):
            last_poll = next(
                (c for c in reversed(self.world.calls) if c.method == "getUpdates"), None
            )
            raise AssertionError(
                f"bot did not confirm updates up to #{target} within {timeout} s "
                f"({self.world.pending_update_count} pending; last getUpdates: "
                f"{last_poll.params if last_poll else 'never'})"
            )
        try:
            async with asyncio.timeout(max(deadline - loop.time(), 0.0)):
                for hook in list(self.world.idle_hooks):
                    await hook()
        except TimeoutError:
            raise AssertionError(
                f"bot did not finish processing updates within {timeout} s"
            ) from None

    # ------------------------------------------------------------------- HTTP

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.world.token:
            return _json_response(ApiError(401, "Unauthorized").to_json(), 401)
        requested = request.match_info["method"]
        method = self.methods.canonical_name(requested) or requested
        try:
            raw, uploads = await _read_params(request)
        except ValueError as exc:
            error = ApiError(400, f"Bad Request: can't parse request: {exc}")
            return _json_response(error.to_json(), 400)
        params = Params(raw, uploads)
        call = ApiCall(method=method, params=params.decoded, time=time.time())
        self.world.calls.append(call)
        if method == "getUpdates":
            return await self._answer(request, requested, method, params, call)
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        flooded = self._flooded(method)  # counted when the request arrives
        try:
            if flooded:
                if self.latency > 0:
                    await asyncio.sleep(self.latency)
                error = ApiError.injected(429, None, 1)
                call.error = error
                self.world.signal.notify()
                return _json_response(error.to_json(), 429)
            if self.latency > 0:
                await asyncio.sleep(self.latency)
            return await self._answer(request, requested, method, params, call)
        finally:
            self.in_flight -= 1

    async def _answer(
        self, request: web.Request, requested: str, method: str, params: Params, call: ApiCall
    ) -> web.Response:
        try:
            fault = self._take_fault(method)
            if fault is not None:
                raise fault
            result = await self.methods.call(requested, params)
        except ApiError as error:
            call.error = error
            if error.error_code == 404 and self.methods.canonical_name(requested) is None:
                self.world.unknown_calls.append(call)
            self.world.signal.notify()
            return _json_response(error.to_json(), error.error_code)
        except Exception:
            _LOG.exception("emulator failed in %s", method)
            call.error = ApiError(500, "Internal Server Error")
            self.world.signal.notify()
            return _json_response(call.error.to_json(), 500)
        call.result = result
        lost = self._take_lost_answer(method)
        if lost is not None:
            call.answer_lost = True
            self.world.signal.notify()
            if lost.mode == "hang":
                await asyncio.Event().wait()  # cancelled when the client disconnects
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # aiohttp: the handler ends without an answer
        self.world.signal.notify()
        return _json_response({"ok": True, "result": result})

    def _take_lost_answer(self, method: str) -> LostAnswer | None:
        queue = self.world.lost_answers.get(method.lower())
        if not queue:
            return None
        lost = queue[0]
        lost.remaining -= 1
        if lost.remaining <= 0:
            queue.pop(0)
        return lost

    def _take_fault(self, method: str) -> ApiError | None:
        queue = self.world.faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault.error

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.world.token:
            return _json_response(ApiError(401, "Unauthorized").to_json(), 401)
        stored = self.world.files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return _json_response(ApiError(404, "Not Found").to_json(), 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
