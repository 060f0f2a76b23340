"""The Zalo channel: a bridge that presents the Zalo Bot API to an unchanged PTB Application.

Zalo's Bot API is Telegram-shaped but thinner (text only, 2,000 characters, no buttons, no
edits, no files, one update per `getUpdates`, string ids). Instead of a second set of
handlers, `ZaloRequest` (a `telegram.request.BaseRequest`) sits under a second `Application`
built with the same features and translates every Bot API call the handlers make:

- `sendMessage` with an inline keyboard → the text with numbered lines ("1. Hôm nay"); the
  numbers are the chat's current *screen* (buttons labelled with a number — a vote's counts —
  are typed as that number, the others then get letters: see `_numbered`); long texts are
  split at 2,000 characters;
- `editMessageText` → a new message (Zalo cannot edit);
- `answerCallbackQuery` with a text → a message; `sendDocument`/`sendPhoto` → a short-lived
  download link when the bot's web endpoint is configured (`bot.web_files`, `[web]`), else a
  message saying how to get the file (the Telegram channel or the CLI); `getFile` and its
  download serve a file uploaded through an upload link (`bot.web_files`);
- `getUpdates` → one Zalo update, turned into a Telegram `Update`: a typed number of the
  current screen becomes the `callback_query` its button would have sent, a number that is
  not on the current screen gets "that number has expired" (unless the latest message was
  the prompt of a flow step that takes typed text: then it is that step's answer; see
  `Bridge.last_update`), text is read in NFC (Unikey's "Unicode tổ hợp" types NFD),
  "menu"/"hủy"/"help" typed as words are the commands, `/start CODE` is a command as on Telegram.

A Zalo account speaks as a chibo user id (`usecases.channels.zalo_user`): its own negative id,
or the Telegram user it was linked to. Outgoing `chat_id`s are such user ids, looked up to the
Zalo chat. Each chat's latest screen is kept in SQLite (`zalo_screens`, one row per chat,
written once per screen sent, read through a small cache): after a restart a typed number
still presses the button the user sees, and a number of an older screen is "expired" (or, in
an open step, that step's answer). Callback data are plain strings (no PTB
`arbitrary_callback_data`), so a stored screen needs nothing from the old process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import string
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from chibo.rules.messages import N_
from chibo.rules.text import split_message
from chibo.usecases import channels as channels_uc
from chibo.usecases import users as users_uc
from chibo.usecases.context import AppContext
from chibo.usecases.i18n import Translator, locale_for, translator

if TYPE_CHECKING:
    from chibo.bot.web_files import FileShelf

log = logging.getLogger("chibo.zalo")

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
#: Zalo's limit for one message, in characters (split in UTF-16 units: never more).
ZALO_TEXT_LIMIT = 2000
_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
_LETTER = re.compile(r"^\s*[A-Za-z]\s*$")
#: Words typed alone that act as commands (Zalo has no command menu).
WORD_COMMANDS = {
    "menu": "/menu",
    "help": "/help",
    "giúp": "/help",
    "trợ giúp": "/help",
    "huong dan": "/help",
    "hướng dẫn": "/help",
    "cancel": "/cancel",
    "hủy": "/cancel",
    "huỷ": "/cancel",
    "huy": "/cancel",
    "start": "/start",
    "bắt đầu": "/start",
    "telegram": "/telegram",
}

CHOOSE = N_("Type the number of your choice.")
CHOOSE_LETTER = N_("Type a number, or the letter of your choice.")
EXPIRED_NUMBER = N_(
    "Number {n} is not on the latest screen: that screen has expired. Type menu to start again."
)
NO_FILES = N_(
    "Zalo cannot carry files, so “{name}” was not sent. To get it, open the same screen in the"
    " bot on Telegram, or ask whoever runs the bot to export it with the chibo command line."
)
#: The `file_path` of files uploaded through an upload link (`bot.web_files`).
UPLOADED_PATH = "zalo-upload"
#: Methods that only matter on Telegram: answered "done" without a Zalo call.
_NOOPS = {
    "setMyCommands",
    "deleteMyCommands",
    "setChatMenuButton",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "deleteMessage",
    "deleteMessages",
    "setMessageReaction",
    "close",
    "logOut",
}


class ZaloError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class PartlySent(NetworkError):
    """A long message's first part went out, a later one could not: the message may be
    partly on the user's screen, so it must not be sent again (the reminder notifier reads
    it as "maybe sent", see `handlers.reminders.certainly_not_sent`)."""

    partly_sent = True


class ZaloClient:
    """The few Zalo Bot API methods chibo needs, over httpx: POST with a JSON body, the answer
    `{"ok": true, "result": …}` or `{"ok": false, "error_code", "description"}`."""

    def __init__(self, token: str, base_url: str = "", *, timeout: float = 15.0) -> None:
        self.token = token
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None or self._http.is_closed:
            self._http = httpx.AsyncClient(timeout=self.timeout)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def call(self, method: str, params: dict[str, Any], *, read_timeout: float = 0) -> Any:
        url = f"{self.base_url}/bot{self.token}/{method}"
        timeout = httpx.Timeout(self.timeout, read=max(read_timeout, self.timeout))
        response = await self._client().post(url, json=params, timeout=timeout)
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        if isinstance(body, dict):
            code = int(body.get("error_code") or response.status_code)
            raise ZaloError(code, str(body.get("description") or "error"))
        raise ZaloError(response.status_code, response.text[:200] or "no answer")


@dataclass
class Screen:
    """The latest message with choices in one chat: its numbers are valid until the next.
    No keys: the chat's last message had no choices (a typed number is no choice: "expired",
    or the answer of a step that takes typed text)."""

    message: dict[str, Any]
    #: What may be typed ("1", "2"… or a count label "4" and letters "a"…) → the button's data.
    keys: dict[str, str]
    at: datetime
    version: int = 0


@dataclass
class Bridge:
    """What the two `ZaloRequest`s of one Application share: the client and the screens."""

    ctx: AppContext
    client: ZaloClient
    #: A cache of `zalo_screens` by Zalo chat (the database is the truth: it survives restarts).
    screens: dict[str, Screen] = field(default_factory=dict)
    #: The Zalo chat each user id of an incoming update came from: the answer to that update
    #: still finds its chat when the identity was re-linked meanwhile (`/link`).
    seen_chats: dict[int, str] = field(default_factory=dict)
    bot_user: dict[str, Any] | None = None
    #: Waits before each new try of a long message's later part (`_send_part`).
    part_waits: tuple[float, ...] = (0.5, 2.0)
    #: The draft kinds whose step takes typed text (the Application's text flows).
    text_kinds: frozenset[str] = frozenset()
    #: Per Zalo chat, the latest update before it was handled: whether it went to the open
    #: flow (text, a photo: not a command or a press) and that flow's draft then. The step's
    #: prompt is the latest message the user got when that update went to the flow or moved
    #: the draft on (a press that led to the step); any other update (menu, another screen)
    #: answered with a message of its own.
    last_update: dict[str, tuple[bool, tuple[str, ...] | None]] = field(default_factory=dict)
    #: The bot's web endpoint for files (`[web]` configured), else None: files become a note.
    files: FileShelf | None = None
    _message_id: int = 0
    _update_id: int = 0

    async def chat_of(self, user_id: int) -> str | None:
        return await channels_uc.zalo_chat(self.ctx, user_id) or self.seen_chats.get(user_id)

    def next_message_id(self) -> int:
        self._message_id += 1
        return self._message_id

    def next_update_id(self) -> int:
        self._update_id += 1
        return self._update_id

    async def _translator(self, user_id: int) -> Translator:
        profile = await users_uc.profile(self.ctx, user_id)
        user = profile.user if profile else None
        return translator(
            locale_for(
                user.language if user else None,
                user.tg_language if user else None,
                self.ctx.config.default_locale,
            )
        )

    # -- Telegram methods -> Zalo ----------------------------------------------------------

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        """(HTTP status, Telegram-shaped body) for one Bot API call."""
        try:
            result = await self._handle(method, params)
        except ZaloError as exc:
            status = exc.code if 400 <= exc.code <= 599 else 400
            prefix = "Bad Request: " if status == 400 else ""
            description = exc.description
            if status in (400, 404) and "chat" in description.lower():
                description = "chat not found"
            return status, {
                "ok": False,
                "error_code": status,
                "description": prefix + description,
            }
        except httpx.HTTPError as exc:
            raise NetworkError(f"zalo: {exc!r}") from exc
        return 200, {"ok": True, "result": result}

    async def _handle(self, method: str, p: dict[str, Any]) -> Any:
        if method == "getMe":
            return await self.get_me()
        if method == "getUpdates":
            return await self.get_updates(float(p.get("timeout") or 0))
        if method == "deleteWebhook":
            # Zalo refuses `getUpdates` while a webhook is set: polling starts with this call
            # (PTB's `start_polling`), so it must reach Zalo
            return await self.client.call("deleteWebhook", {}) or True
        if method == "setWebhook":
            params = {"url": str(p.get("url", "")), "secret_token": str(p.get("secret_token", ""))}
            return await self.client.call("setWebhook", params) or True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "sendMessage":
            return await self.send(int(p["chat_id"]), str(p.get("text", "")), p.get("reply_markup"))
        if method == "editMessageText":
            return await self.send(int(p["chat_id"]), str(p.get("text", "")), p.get("reply_markup"))
        if method == "editMessageReplyMarkup":
            return True
        if method == "answerCallbackQuery":
            return await self.answer(p)
        if method in ("sendDocument", "sendPhoto"):
            return await self.send_file(int(p["chat_id"]), p)
        if method == "getFile":
            return self.get_file(str(p.get("file_id", "")))
        if method == "sendChatAction":
            chat = await channels_uc.zalo_chat(self.ctx, int(p["chat_id"]))
            if chat is not None:
                await self.client.call("sendChatAction", {"chat_id": chat, "action": "typing"})
            return True
        if method in _NOOPS or method.startswith("get"):
            return True if not method.startswith("get") else []
        log.warning("Bot API method %s has no Zalo equivalent: ignored", method)
        return True

    async def get_me(self) -> dict[str, Any]:
        if self.bot_user is None:
            me = await self.client.call("getMe", {})
            name = str(
                me.get("account_name") or me.get("name") or me.get("display_name") or "chibo"
            )
            self.bot_user = {
                "id": zlib.crc32(str(me.get("id", name)).encode()) or 1,
                "is_bot": True,
                "first_name": name,
                "username": re.sub(r"[^A-Za-z0-9_]", "_", name)[:32] or "chibo",
            }
        return self.bot_user

    async def send(self, user_id: int, text: str, markup: dict[str, Any] | None) -> dict[str, Any]:
        chat = await self.chat_of(user_id)
        if chat is None:
            raise ZaloError(400, "chat not found")
        keys, lines = _numbered(markup)
        shown = text
        if keys:
            _ = await self._translator(user_id)
            letters = any(key.isalpha() for key in keys)
            footer = _(CHOOSE_LETTER) if letters else _(CHOOSE)
            shown = f"{text}\n\n" + "\n".join([*lines, "", footer] if lines else [footer])
        elif lines:
            shown = f"{text}\n\n" + "\n".join(lines)
        first, *rest = split_message(shown, ZALO_TEXT_LIMIT) or [""]
        await self.client.call("sendMessage", {"chat_id": chat, "text": first or "…"})
        for i, part in enumerate(rest, 2):
            await self._send_part(chat, part or "…", f"part {i} of {len(rest) + 1}")
        message = self._message(user_id, text, markup)
        await self._keep_screen(chat, message, keys)
        return message

    async def _send_part(self, chat: str, text: str, which: str) -> None:
        """A later part of a long message: part 1 is out, so a failure must never make the
        caller send the whole again. A part Zalo certainly did not take (an error answer, a
        refused connection) is retried alone (`part_waits`); one still failing, or whose
        answer was lost, is `PartlySent` — "maybe sent", as a lost answer is."""
        for wait in (*self.part_waits, None):
            try:
                await self.client.call("sendMessage", {"chat_id": chat, "text": text})
                return
            except ZaloError as exc:
                if not 500 <= exc.code <= 599 and exc.code != 429:
                    raise PartlySent(f"zalo: {which} refused ({exc})") from exc
                problem: Exception = exc
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                problem = exc
            except httpx.HTTPError as exc:  # the request went out: maybe sent, not retried
                raise PartlySent(f"zalo: {which}: answer lost ({exc!r})") from exc
            if wait is None:
                raise PartlySent(f"zalo: {which} not sent ({problem!r})") from problem
            log.warning("zalo: %s not sent (%r); trying it again", which, problem)
            await asyncio.sleep(wait)

    async def _keep_screen(self, chat: str, message: dict[str, Any], keys: dict[str, str]) -> None:
        """The chat's screen is now this one: one write, skipped when a plain answer follows
        a plain answer (no number is a choice either way)."""
        cached = self.screens.get(chat)
        if not keys and cached is not None and not cached.keys:
            return
        # The text stays in memory only: it may hold a link code or a file link's token, which
        # the database keeps hashed or not at all. After a restart a press sees no text.
        kept = {k: v for k, v in message.items() if k != "text"} if keys else {}
        version = await channels_uc.save_zalo_screen(self.ctx, chat, keys, kept)
        self.screens[chat] = Screen(message, keys, self.ctx.now(), version)

    async def _screen(self, chat: str) -> Screen | None:
        """The chat's latest screen; without keys when the latest message had no choices."""
        cached = self.screens.get(chat)
        if cached is None:
            saved = await channels_uc.zalo_screen(self.ctx, chat)
            if saved is None:
                return None
            cached = Screen(saved.message, saved.keys, saved.shown_at, saved.version)
            self.screens[chat] = cached
        return cached

    def _message(self, user_id: int, text: str, markup: dict[str, Any] | None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.next_message_id(),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self.bot_user or {"id": 1, "is_bot": True, "first_name": "chibo"},
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        return message

    async def answer(self, p: dict[str, Any]) -> bool:
        """A callback answer's text (a toast on Telegram) becomes a message."""
        text = str(p.get("text") or "")
        user_id = _user_of_query(str(p.get("callback_query_id", "")))
        if text and user_id is not None:
            chat = await self.chat_of(user_id)
            if chat is not None:
                await self.client.call("sendMessage", {"chat_id": chat, "text": text[:2000]})
        return True

    async def send_file(self, user_id: int, p: dict[str, Any]) -> dict[str, Any]:
        """A file as a short-lived download link, or (no web endpoint) a note saying how to
        get it."""
        _ = await self._translator(user_id)
        name = _file_name(p)
        text = _(NO_FILES, name=name)
        upload = p.get("document") or p.get("photo")
        content = getattr(upload, "input_file_content", None)
        if self.files is not None and isinstance(content, bytes):
            from chibo.bot.web_files import LINK, local_time

            kind = str(getattr(upload, "mimetype", "") or "application/octet-stream")
            made = self.files.put(name, content, kind, user_id=user_id, locale=_.locale)
            if made is not None:
                url, expires = made
                text = _(LINK, name=name, url=url, time=local_time(expires, self.ctx))
        if p.get("caption"):
            text = f"{p['caption']}\n\n{text}"
        sent = await self.send(user_id, text, None)
        # the message PTB gets back (and may log) names the file, not the link's token
        return {**sent, "text": str(p.get("caption") or name)}

    def get_file(self, file_id: str) -> dict[str, Any]:
        """A file uploaded through an upload link, as Telegram's `getFile` describes it."""
        found = self.files.peek_received(file_id) if self.files is not None else None
        if found is None:
            raise ZaloError(400, "wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(found[1]),
            "file_path": f"{UPLOADED_PATH}/{file_id}",
        }

    def file_bytes(self, url: str) -> bytes | None:
        """The bytes behind a `getFile` path (PTB downloads it through the request)."""
        head, _sep, file_id = url.rpartition("/")
        if self.files is None or not head.endswith(UPLOADED_PATH):
            return None
        found = self.files.take_received(file_id)
        return found[1] if found is not None else None

    # -- Zalo updates -> Telegram ----------------------------------------------------------

    async def get_updates(self, timeout: float) -> list[dict[str, Any]]:
        try:
            zalo = await self.client.call(
                "getUpdates", {"timeout": str(int(timeout))}, read_timeout=timeout + 10
            )
        except ZaloError as exc:
            if exc.code == 408:  # nothing arrived within the timeout
                return []
            raise
        update = await self.to_telegram(zalo)
        return [update] if update is not None else []

    async def to_telegram(self, zalo: Any) -> dict[str, Any] | None:
        """A Zalo update as a Telegram update (None when it means nothing to the bot)."""
        if not isinstance(zalo, dict) or not isinstance(zalo.get("message"), dict):
            return None
        msg = zalo["message"]
        sender = msg.get("from") or {}
        chat = msg.get("chat") or {}
        external = str(sender.get("id") or chat.get("id") or "")
        if not external or sender.get("is_bot"):
            return None
        chat_type = "group" if str(chat.get("chat_type", "")).upper() == "GROUP" else "private"
        zalo_chat = str(chat.get("id") or external)
        user_id = await channels_uc.zalo_user(self.ctx, external, zalo_chat)
        if chat_type == "private":
            self.seen_chats[user_id] = zalo_chat
        # `display_name` in the platform's Python SDK, `name` in other public clients
        name = str(
            sender.get("display_name") or sender.get("name") or sender.get("first_name") or "Zalo"
        )
        user = {"id": user_id, "is_bot": False, "first_name": name}
        chat_id = user_id if chat_type == "private" else -(zlib.crc32(str(chat["id"]).encode()))
        date = _seconds(msg.get("date"))
        base = {
            "message_id": self.next_message_id(),
            "date": date,
            "chat": {"id": chat_id, "type": chat_type},
            "from": user,
        }
        event = str(zalo.get("event_name", "message.text.received"))
        update_id = self.next_update_id()
        text = msg.get("text")
        step = await self._text_step(user_id) if chat_type == "private" else None
        before = self.last_update.get(zalo_chat)
        # the open step asked last: its prompt came after the latest update (it went to the
        # flow, or moved it on); unknown (a restart): the step's, as before
        asked = step is not None and (before is None or before[0] or before[1] != step)
        if event == "message.text.received" and isinstance(text, str):
            text = unicodedata.normalize("NFC", text)
            if chat_type == "private":
                pressed = await self._typed_number(
                    user_id, zalo_chat, text, user, update_id, asked=asked
                )
                if pressed is not None:
                    self.last_update[zalo_chat] = (False, step)
                    return pressed
            fields = _text_fields(text)
            if chat_type == "private":
                self.last_update[zalo_chat] = (not fields["text"].startswith("/"), step)
            return {"update_id": update_id, "message": {**base, **fields}}
        if chat_type == "private":
            self.last_update[zalo_chat] = (True, step)
        if event == "message.image.received":
            photo = {"file_id": "zalo-photo", "file_unique_id": "zalo-photo", "width": 1}
            photo["height"] = 1
            extra: dict[str, Any] = {"photo": [photo]}
            if msg.get("caption"):
                extra["caption"] = str(msg["caption"])
            return {"update_id": update_id, "message": {**base, **extra}}
        sticker = {
            "file_id": "zalo-sticker",
            "file_unique_id": "zalo-sticker",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
        return {"update_id": update_id, "message": {**base, "sticker": sticker}}

    async def _text_step(self, user_id: int) -> tuple[str, ...] | None:
        """The open flow's draft as it stands, when its step takes typed text; else None."""
        draft = await channels_uc.open_draft(self.ctx, user_id)
        if draft is None or draft.kind not in self.text_kinds:
            return None
        data = json.dumps(draft.data, sort_keys=True, default=str)
        return (draft.kind, draft.step, str(draft.updated_at), data)

    async def _typed_number(
        self,
        user_id: int,
        zalo_chat: str,
        text: str,
        user: dict[str, Any],
        update_id: int,
        *,
        asked: bool,
    ) -> dict[str, Any] | None:
        """A number typed on a screen with choices: the press of that button, or "expired";
        `asked`: the latest message was the prompt of a step that takes typed text."""
        match = _NUMBER.match(text)
        letter = _LETTER.match(text)
        if match is None and letter is None:
            return None
        screen = await self._screen(zalo_chat)
        if screen is None:
            return None
        key = str(int(match.group(1))) if match else text.strip().lower()
        timeout = self.ctx.config.conversation_timeout
        if key in screen.keys and self.ctx.now() - screen.at <= timeout:
            return self._press(user_id, screen, key, user, update_id)
        if match is None:
            return None  # a letter that is no choice: plain text
        n = int(match.group(1))
        if asked:
            return None  # a step that takes typed text (a number of votes, a year): its answer
        _ = await self._translator(user_id)
        chat = await self.chat_of(user_id)
        if chat is not None:
            await self.client.call("sendMessage", {"chat_id": chat, "text": _(EXPIRED_NUMBER, n=n)})
        return {"update_id": update_id}  # carries nothing: PTB confirms it, no handler runs

    def _press(
        self, user_id: int, screen: Screen, key: str, user: dict[str, Any], update_id: int
    ) -> dict[str, Any]:
        """The `callback_query` the screen's button `key` would have sent (on the message as
        this user's: the screen may predate a link that changed the user id)."""
        message = {**screen.message, "chat": {"id": user_id, "type": "private"}}
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"zq{user_id}:{update_id}",
                "from": user,
                "chat_instance": f"zalo{user_id}",
                "data": screen.keys[key],
                "message": message,
            },
        }


def _numbered(markup: dict[str, Any] | None) -> tuple[dict[str, str], list[str]]:
    """The keys a user types for the keyboard's buttons and the lines that show them.

    Buttons are numbered 1, 2, 3…, unless some are labelled with a number themselves (the
    counts of a vote: "4", "0"): then the screen asks for a number, so a typed number must mean
    that number — those buttons are shown by their label ("• 4") and typed as it, the others
    get letters ("a. Hủy"). Buttons labelled 1…N in order (a digest's items, listed in the
    text already) show no lines."""
    buttons: list[dict[str, Any]] = [
        b for row in (markup or {}).get("inline_keyboard") or [] for b in row
    ]
    pressable = [b for b in buttons if b.get("callback_data")]
    labels = [str(b.get("text", "")).strip() for b in pressable]
    counts = {label for label in labels if label.isdigit() and len(label) <= 4}
    by_label = bool(counts) and len(pressable) - len(counts) <= len(string.ascii_lowercase)
    keys: dict[str, str] = {}
    lines: list[str] = []
    letters = iter(string.ascii_lowercase)
    for button in buttons:
        label = str(button.get("text", ""))
        if button.get("callback_data"):
            data = str(button["callback_data"])
            count = str(int(label.strip())) if label.strip() in counts else None
            if by_label and count is not None and count not in keys:
                keys[count] = data
                lines.append(f"• {label.strip()}")
            else:
                key = next(letters) if by_label else str(len(keys) + 1)
                keys[key] = data
                lines.append(f"{key}. {label}")
        elif button.get("url"):
            lines.append(f"• {label}: {button['url']}")
    if keys and len(lines) == len(keys) and labels == [str(i) for i in range(1, len(keys) + 1)]:
        lines = []
    return keys, lines


def _text_fields(text: str) -> dict[str, Any]:
    """The message text, with a command entity as Telegram would send: `/cmd …` or a word."""
    word = WORD_COMMANDS.get(text.strip().lower())
    if word is not None:
        text = word
    fields: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return fields


def _user_of_query(query_id: str) -> int | None:
    if not query_id.startswith("zq"):
        return None
    head = query_id[2:].split(":", 1)[0]
    try:
        return int(head)
    except ValueError:
        return None


def _seconds(value: Any) -> int:
    try:
        ms = int(value)
    except (TypeError, ValueError):
        return int(time.time())
    return ms // 1000 if ms > 10**11 else ms


def _file_name(p: dict[str, Any]) -> str:
    for key in ("document", "photo"):
        name = getattr(p.get(key), "filename", None)
        if isinstance(name, str) and name:
            return name
    return str(p.get("filename") or "file")


class ZaloRequest(BaseRequest):
    """The PTB request object of the Zalo Application: every Bot API call is answered by the
    bridge (see the module docstring); transport failures become `NetworkError`s caused by the
    httpx error, as with PTB's own request (so the reminder notifier's "certainly not sent"
    reading holds on Zalo too)."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge

    @property
    def read_timeout(self) -> float | None:
        return self.bridge.client.timeout

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.bridge.client.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if method == "GET" and UPLOADED_PATH in url:
            data = self.bridge.file_bytes(url)
            return (200, data) if data is not None else (404, b"")
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = _params(request_data)
        status, body = await self.bridge.handle(api_method, params)
        return status, json.dumps(body, ensure_ascii=False).encode()


def _params(request_data: RequestData | None) -> dict[str, Any]:
    if request_data is None:
        return {}
    out: dict[str, Any] = {}
    for param in request_data._parameters:  # the values, files included (their names)
        if param.value is None and not param.input_files:
            continue
        value = param.value
        if param.input_files:
            value = param.input_files[0]
        out[param.name] = value
    return out
