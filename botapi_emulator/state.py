"""The in-memory world behind the emulator: users, chats, messages, files and updates.

Everything runs on one asyncio event loop; no locks are needed. Waiting is event-driven:
every state change calls :meth:`Signal.notify`, and waiters re-check their predicate.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import mimetypes
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from chibo.botapi_emulator.errors import ApiError

__all__ = [
    "ApiCall",
    "CallbackAnswer",
    "CallbackPress",
    "ChatMessage",
    "ChatState",
    "InlineButton",
    "MonitorCallback",
    "Signal",
    "StoredFile",
    "World",
]

_LOG = logging.getLogger(__name__)

JSON = dict[str, Any]
MonitorCallback = Callable[["ChatMessage"], Awaitable[None] | None]

#: Update types Telegram delivers when ``allowed_updates`` is empty or was never set.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


class Signal:
    """A broadcast "something changed" notification for predicate waiters."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake every current waiter so it re-checks its predicate."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until ``predicate()`` holds; ``False`` if ``timeout`` seconds pass first."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._event.wait()
        except TimeoutError:
            return predicate()
        return True


@dataclass(frozen=True)
class StoredFile:
    """A file known to the emulated server (uploaded by a user or by the bot)."""

    file_id: str
    file_unique_id: str
    data: bytes = field(repr=False)
    filename: str | None
    mime_type: str | None
    file_path: str
    width: int = 0
    height: int = 0

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def document_json(self) -> JSON:
        """The Bot API ``Document`` object."""
        doc: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.filename:
            doc["file_name"] = self.filename
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_json(self) -> list[JSON]:
        """The Bot API ``PhotoSize`` array (a single size: the original)."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": self.size,
            }
        ]

    def file_json(self) -> JSON:
        """The Bot API ``File`` object returned by ``getFile``."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class InlineButton:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


class ChatMessage:
    """A message in an emulated chat, sent by a user or by the bot.

    ``raw`` is the Bot API ``Message`` JSON as the bot sees it. Bot messages are updated in
    place when edited; earlier versions are kept in ``history``.
    """

    def __init__(
        self,
        raw: JSON,
        *,
        from_bot: bool,
        file: StoredFile | None = None,
        source_text: str | None = None,
        parse_mode: str | None = None,
        markup: JSON | None = None,
    ) -> None:
        self.raw = raw
        self.from_bot = from_bot
        self.file = file
        self.source_text = source_text
        self.parse_mode = parse_mode
        self.markup = markup
        self.history: list[JSON] = []
        self.deleted = False

    @property
    def message_id(self) -> int:
        """Message id (per chat)."""
        return int(self.raw["message_id"])

    @property
    def chat_id(self) -> int:
        """Id of the chat the message is in."""
        return int(self.raw["chat"]["id"])

    @property
    def date(self) -> int:
        """Unix time the message was sent."""
        return int(self.raw["date"])

    @property
    def text(self) -> str | None:
        """Plain text as Telegram stores it (markup parsed away, whitespace trimmed)."""
        return self.raw.get("text")

    @property
    def caption(self) -> str | None:
        """Caption of a file message."""
        return self.raw.get("caption")

    @property
    def edit_date(self) -> int | None:
        """Unix time of the last edit, if any."""
        return self.raw.get("edit_date")

    @property
    def entities(self) -> list[JSON]:
        """Entities of the text, or of the caption for file messages."""
        return list(self.raw.get("entities") or self.raw.get("caption_entities") or [])

    @property
    def sender_id(self) -> int:
        """Id of the sending user (the bot's id for bot messages)."""
        return int(self.raw["from"]["id"])

    @property
    def is_edited(self) -> bool:
        """Whether the message was edited at least once."""
        return bool(self.history)

    @property
    def reply_to_message_id(self) -> int | None:
        """Id of the message this one replies to."""
        reply = self.raw.get("reply_to_message")
        return int(reply["message_id"]) if reply else None

    @property
    def reply_markup(self) -> JSON | None:
        """The markup exactly as last sent by the bot (inline, reply keyboard, remove...)."""
        return self.markup

    @property
    def buttons(self) -> list[list[InlineButton]]:
        """Inline keyboard rows (empty if the message has no inline keyboard)."""
        rows = (self.markup or {}).get("inline_keyboard") or []
        return [
            [
                InlineButton(
                    text=str(btn.get("text", "")),
                    callback_data=btn.get("callback_data"),
                    url=btn.get("url"),
                    raw=btn,
                )
                for btn in row
            ]
            for row in rows
        ]

    @property
    def keyboard(self) -> list[list[str]]:
        """Reply keyboard rows (button texts) sent with this message, if any."""
        rows = (self.markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]

    def button(self, text: str | None = None, *, callback_data: str | None = None) -> InlineButton:
        """Find one inline button by exact text, unique substring, or exact ``callback_data``."""
        flat = [btn for row in self.buttons for btn in row]
        if callback_data is not None:
            found = [b for b in flat if b.callback_data == callback_data]
        elif text is not None:
            found = [b for b in flat if b.text == text] or [b for b in flat if text in b.text]
        else:
            raise TypeError("button() needs text or callback_data")
        wanted = text if callback_data is None else f"callback_data={callback_data!r}"
        if not found:
            labels = [b.text for b in flat]
            raise AssertionError(f"no button {wanted!r} in message #{self.message_id}: {labels}")
        if len(found) > 1:
            labels = [b.text for b in found]
            raise AssertionError(f"button {wanted!r} is ambiguous in #{self.message_id}: {labels}")
        return found[0]

    @property
    def document(self) -> StoredFile | None:
        """The attached document, if this is a document message."""
        return self.file if "document" in self.raw else None

    @property
    def photo(self) -> StoredFile | None:
        """The attached photo, if this is a photo message."""
        return self.file if "photo" in self.raw else None

    @property
    def filename(self) -> str | None:
        """File name of the attached file."""
        return self.file.filename if self.file else None

    @property
    def data(self) -> bytes | None:
        """Bytes of the attached file."""
        return self.file.data if self.file else None

    @property
    def mime_type(self) -> str | None:
        """MIME type of the attached file."""
        return self.file.mime_type if self.file else None

    def snapshot(self) -> ChatMessage:
        """An independent copy of the message as it is now."""
        clone = ChatMessage(
            copy.deepcopy(self.raw),
            from_bot=self.from_bot,
            file=self.file,
            source_text=self.source_text,
            parse_mode=self.parse_mode,
            markup=copy.deepcopy(self.markup),
        )
        clone.history = [copy.deepcopy(h) for h in self.history]
        clone.deleted = self.deleted
        return clone

    def describe(self) -> str:
        """One line for transcripts and failure messages."""
        who = "bot" if self.from_bot else str(self.raw["from"].get("first_name", "?"))
        parts = [f"#{self.message_id} {who}:"]
        if self.file is not None:
            kind = "document" if "document" in self.raw else "photo"
            parts.append(f"[{kind} {self.filename or ''} {self.file.size} B]")
        body = self.text if self.text is not None else self.caption
        if body:
            parts.append(repr(body))
        if self.buttons:
            parts.append(
                "buttons: "
                + " / ".join(" ".join(f"[{b.text}]" for b in row) for row in self.buttons)
            )
        if self.keyboard:
            parts.append("keyboard: " + " / ".join(" ".join(row) for row in self.keyboard))
        if self.is_edited:
            parts.append("(edited)")
        if self.deleted:
            parts.append("(deleted)")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"<ChatMessage {self.describe()}>"


@dataclass
class CallbackAnswer:
    """What the bot passed to ``answerCallbackQuery``."""

    callback_query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass
class CallbackPress:
    """A callback query a user produced by pressing an inline button."""

    callback_query_id: str
    user_id: int
    message: ChatMessage
    data: str
    update_id: int
    signal: Signal = field(repr=False, compare=False)
    answer: CallbackAnswer | None = None

    async def wait_answer(self, timeout: float = 5.0) -> CallbackAnswer:
        """Wait for the bot's ``answerCallbackQuery``; AssertionError on timeout."""
        await self.signal.wait_until(lambda: self.answer is not None, timeout)
        if self.answer is None:
            raise AssertionError(
                f"bot did not answer callback query {self.callback_query_id} "
                f"(data={self.data!r}) within {timeout} s"
            )
        return self.answer


@dataclass
class ApiCall:
    """One request the bot made: method, decoded parameters, time, and outcome."""

    method: str
    params: JSON
    time: float
    error: ApiError | None = None
    result: Any = None
    #: The method ran (e.g. the message was delivered) but its answer never reached the bot.
    answer_lost: bool = False


@dataclass
class Fault:
    """An armed fault injection for one method."""

    error: ApiError
    remaining: int


@dataclass
class LostAnswer:
    """An armed "answer lost" fault: the call succeeds, then the answer is dropped.

    ``mode`` ``"reset"`` closes the connection without answering; ``"hang"`` withholds the
    answer until the client gives up (its read timeout).
    """

    mode: str
    remaining: int


@dataclass
class ChatState:
    """One chat: its JSON, its messages and the bot output not yet read by the test."""

    chat: JSON
    next_message_id: int = 1
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    transcript: list[ChatMessage] = field(default_factory=list)
    unread: list[ChatMessage] = field(default_factory=list)
    unread_edits: list[ChatMessage] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None

    @property
    def id(self) -> int:
        """Chat id."""
        return int(self.chat["id"])

    @property
    def is_private(self) -> bool:
        """Whether this is a private chat with a user."""
        return bool(self.chat["type"] == "private")


@dataclass
class _PendingUpdate:
    update_id: int
    kind: str
    payload: JSON


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image; ``(0, 0)`` if unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return 0, 0


class World:
    """All emulated server state plus the operations tests and API methods perform on it."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        self.token = token
        bot_id_part = token.split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(bot_id_part) if bot_id_part.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.signal = Signal()
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.blocked: set[int] = set()
        self.presses: dict[str, CallbackPress] = {}
        self.last_press: dict[int, CallbackPress] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.bot_settings: dict[str, JSON] = {}
        self.webhook: JSON = {"url": ""}
        self.calls: list[ApiCall] = []
        self.unknown_calls: list[ApiCall] = []
        self.faults: dict[str, list[Fault]] = {}
        self.lost_answers: dict[str, list[LostAnswer]] = {}
        self.monitors: list[MonitorCallback] = []
        self.idle_hooks: list[Callable[[], Awaitable[Any]]] = []
        self.waiting_pollers = 0
        self.closing = False
        self.last_update_id = 0
        self._updates: list[_PendingUpdate] = []
        self._allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._counter = 0

    # ----------------------------------------------------------------- basics

    def next_id(self) -> int:
        """A fresh positive integer, unique within this world."""
        self._counter += 1
        return self._counter

    @staticmethod
    def now() -> int:
        """Current unix time."""
        return int(time.time())

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """Create (or update) a user and their private chat with the bot."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        chat: JSON = {"id": user_id, "type": "private", "first_name": first_name}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        if user_id in self.chats:
            self.chats[user_id].chat = chat
        else:
            self.chats[user_id] = ChatState(chat=chat)
        return user

    def add_group(self, chat_id: int, title: str, *, supergroup: bool = False) -> ChatState:
        """Create (or update) a group chat the bot is a member of."""
        chat: JSON = {
            "id": chat_id,
            "type": "supergroup" if supergroup else "group",
            "title": title,
        }
        if chat_id in self.chats:
            self.chats[chat_id].chat = chat
        else:
            self.chats[chat_id] = ChatState(chat=chat)
        return self.chats[chat_id]

    def chat(self, chat_id: int | str) -> ChatState:
        """Resolve a ``chat_id`` parameter (int or ``@username``) or fail like Telegram."""
        if isinstance(chat_id, str):
            text = chat_id.strip()
            if text.startswith("@"):
                for state in self.chats.values():
                    if state.chat.get("username", "").lower() == text[1:].lower():
                        return state
                raise ApiError(400, "Bad Request: chat not found")
            try:
                chat_id = int(text)
            except ValueError as exc:
                raise ApiError(400, "Bad Request: chat not found") from exc
        found = self.chats.get(chat_id)
        if found is None:
            raise ApiError(400, "Bad Request: chat not found")
        state = found
        return state

    def check_can_send(self, chat: ChatState) -> None:
        """Raise 403 if the bot may not write into ``chat``."""
        if chat.is_private and chat.id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def store_file(
        self, data: bytes, filename: str | None, mime_type: str | None, *, photo: bool = False
    ) -> StoredFile:
        """Store uploaded bytes and return the new file record."""
        n = self.next_id()
        if photo:
            width, height = image_size(data)
            stored = StoredFile(
                file_id=f"AgAC{n:06d}{secrets.token_hex(6)}",
                file_unique_id=f"AQAD{n:06d}",
                data=data,
                filename=filename,
                mime_type=mime_type or "image/jpeg",
                file_path=f"photos/file_{n}.jpg",
                width=width,
                height=height,
            )
        else:
            if not mime_type or mime_type == "application/octet-stream":
                guessed = mimetypes.guess_type(filename or "", strict=False)[0]
                mime_type = guessed or mime_type or "application/octet-stream"
            suffix = ""
            if filename and "." in filename:
                suffix = "." + filename.rsplit(".", 1)[1]
            stored = StoredFile(
                file_id=f"BQAC{n:06d}{secrets.token_hex(6)}",
                file_unique_id=f"AgAD{n:06d}",
                data=data,
                filename=filename,
                mime_type=mime_type,
                file_path=f"documents/file_{n}{suffix}",
            )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # --------------------------------------------------------------- messages

    def new_message(
        self,
        chat: ChatState,
        sender: JSON,
        content: JSON,
        *,
        from_bot: bool,
        file: StoredFile | None = None,
        reply_to: ChatMessage | None = None,
        source_text: str | None = None,
        parse_mode: str | None = None,
        markup: JSON | None = None,
    ) -> ChatMessage:
        """Append a message to ``chat`` with the next per-chat message id."""
        raw: JSON = {
            "message_id": chat.next_message_id,
            "from": dict(sender),
            "chat": dict(chat.chat),
            "date": self.now(),
        }
        if reply_to is not None:
            quoted = copy.deepcopy(reply_to.raw)
            quoted.pop("reply_to_message", None)
            raw["reply_to_message"] = quoted
        raw.update(content)
        chat.next_message_id += 1
        msg = ChatMessage(
            raw,
            from_bot=from_bot,
            file=file,
            source_text=source_text,
            parse_mode=parse_mode,
            markup=markup,
        )
        chat.messages[msg.message_id] = msg
        chat.transcript.append(msg)
        return msg

    async def publish_bot_message(self, chat: ChatState, msg: ChatMessage) -> None:
        """Queue a new bot message for the test driver and the monitors."""
        chat.unread.append(msg)
        markup = msg.markup or {}
        if "keyboard" in markup:
            chat.reply_keyboard = msg.keyboard
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        self.signal.notify()
        await self._run_monitors(msg.snapshot())

    async def publish_edit(self, chat: ChatState, msg: ChatMessage) -> None:
        """Queue a snapshot of an edited bot message for the driver and the monitors."""
        snap = msg.snapshot()
        chat.unread_edits.append(snap)
        self.signal.notify()
        await self._run_monitors(snap)

    async def _run_monitors(self, msg: ChatMessage) -> None:
        for callback in list(self.monitors):
            try:
                result = callback(msg)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                _LOG.exception("bot message monitor %r failed", callback)

    # ---------------------------------------------------------------- updates

    def enqueue_update(self, kind: str, payload: JSON) -> int:
        """Add an update of type ``kind`` (e.g. ``"message"``); return its ``update_id``."""
        self.last_update_id += 1
        self._updates.append(_PendingUpdate(self.last_update_id, kind, payload))
        self.signal.notify()
        return self.last_update_id

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed by the bot."""
        return len(self._updates)

    def drop_pending_updates(self) -> None:
        """Forget every unconfirmed update (``drop_pending_updates=True``)."""
        self._updates.clear()
        self.signal.notify()

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u.update_id >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _drop_filtered(self) -> None:
        self._updates = [u for u in self._updates if u.kind in self._allowed]

    async def get_updates(
        self, offset: int, limit: int, timeout: float, allowed_updates: list[str] | None
    ) -> list[JSON]:
        """``getUpdates``: confirm by ``offset``, then long-poll up to ``timeout`` seconds."""
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        if allowed_updates is not None:
            self._allowed = frozenset(allowed_updates) or DEFAULT_UPDATE_TYPES
        self._confirm(offset)
        self._drop_filtered()
        self.signal.notify()  # confirmations may complete wait_idle; older polls must yield

        def ready() -> bool:
            return (
                any(u.kind in self._allowed for u in self._updates)
                or generation != self._poll_generation
                or self.closing
            )

        if timeout > 0 and not ready():
            self.waiting_pollers += 1
            self.signal.notify()
            try:
                await self.signal.wait_until(ready, timeout)
            finally:
                self.waiting_pollers -= 1
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        self._drop_filtered()
        self.signal.notify()
        limit = min(max(limit, 1), 100)
        return [
            {"update_id": u.update_id, u.kind: copy.deepcopy(u.payload)}
            for u in self._updates[:limit]
        ]

    def updates_settled(self, through: int) -> bool:
        """Whether every update up to ``through`` was confirmed (or filtered out)."""
        return not self._updates or self._updates[0].update_id > through

    # ---------------------------------------------------------------- callbacks

    def press(self, user_id: int, msg: ChatMessage, data: str) -> CallbackPress:
        """Enqueue a ``callback_query`` update for ``msg`` with ``data``."""
        user = self.users[user_id]
        query_id = str(4_000_000_000 + self.next_id())
        query: JSON = {
            "id": query_id,
            "from": dict(user),
            "chat_instance": str(abs(msg.chat_id) * 7919 % 10**12),
            "message": copy.deepcopy(msg.raw),
            "data": data,
        }
        update_id = self.enqueue_update("callback_query", query)
        press = CallbackPress(query_id, user_id, msg, data, update_id, self.signal)
        self.presses[query_id] = press
        self.last_press[user_id] = press
        return press

    # -------------------------------------------------------------- diagnostics

    def recent_errors(self, limit: int = 5) -> list[str]:
        """The last API calls that failed, formatted for failure messages."""
        failed = [c for c in self.calls if c.error is not None and c.method != "getUpdates"]
        return [
            f"{c.method}({_short(c.params)}) -> {c.error.error_code} {c.error.description}"
            for c in failed[-limit:]
            if c.error is not None
        ]

    def describe_chat(self, chat: ChatState, limit: int = 20) -> str:
        """Transcript tail and recent API errors, for assertion messages."""
        name = chat.chat.get("title") or chat.chat.get("first_name")
        lines = [f"Transcript of chat {chat.id} ({name}):"]
        tail = chat.transcript[-limit:]
        lines += [f"  {m.describe()}" for m in tail] or ["  (empty)"]
        errors = self.recent_errors()
        if errors:
            lines.append("Recent failed API calls:")
            lines += [f"  {e}" for e in errors]
        if self.unknown_calls:
            lines.append(
                "Unknown methods called: "
                + ", ".join(sorted({c.method for c in self.unknown_calls}))
            )
        return "\n".join(lines)


def _short(params: JSON, width: int = 80) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) <= width else text[: width - 3] + "..."
