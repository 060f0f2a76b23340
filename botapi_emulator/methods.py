"""Bot API method implementations over the in-memory :class:`~botapi_emulator.state.World`.

Parameters arrive the way python-telegram-bot sends them: form fields whose values are plain
strings for ``str`` values and JSON text for everything else (numbers, booleans, objects),
or multipart parts for uploads (named after the parameter, or referenced as ``attach://name``).
JSON bodies and query strings are accepted too. :class:`Params` hides these differences.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chibo.botapi_emulator.errors import ApiError
from chibo.botapi_emulator.formatting import parse_formatted
from chibo.botapi_emulator.state import (
    JSON,
    CallbackAnswer,
    ChatMessage,
    ChatState,
    StoredFile,
    World,
)

__all__ = ["BotApiMethods", "Params", "UploadedFile"]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (characters beyond U+FFFF count 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


#: Parameters that are strings even when they look like JSON (``text="123"``).
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "document",
        "photo",
        "url",
        "title",
        "description",
        "short_description",
        "name",
        "language_code",
        "action",
        "secret_token",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
    }
)
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_URL_RE = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str | None


def _decode_value(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class Params:
    """Typed access to one request's parameters, as Telegram would interpret them."""

    def __init__(self, raw: Mapping[str, Any], uploads: Mapping[str, UploadedFile]) -> None:
        self.raw = dict(raw)
        self.uploads = dict(uploads)
        self.decoded: JSON = {k: _decode_value(k, v) for k, v in self.raw.items()}
        for name, upload in self.uploads.items():
            self.decoded.setdefault(name, upload)

    def has(self, name: str) -> bool:
        """Whether the parameter was sent."""
        return name in self.raw or name in self.uploads

    def get_str(self, name: str) -> str | None:
        """A string parameter (never JSON-decoded)."""
        value = self.raw.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter."""
        value = self.decoded.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ApiError(400, f'Bad Request: field "{name}" must be a number')
        try:
            return int(value)
        except ValueError as exc:
            raise ApiError(400, f'Bad Request: field "{name}" must be a number') from exc

    def required_int(self, name: str, missing: str | None = None) -> int:
        """An integer parameter that must be present."""
        value = self.get_int(name)
        if value is None:
            raise ApiError(400, missing or f"Bad Request: {name} is empty")
        return value

    def get_float(self, name: str, default: float) -> float:
        """A number parameter."""
        value = self.decoded.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, f'Bad Request: field "{name}" must be a number') from exc

    def get_bool(self, name: str) -> bool:
        """A boolean parameter (``true``/``false``/``1``/``0``)."""
        value = self.decoded.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes"}
        return bool(value)

    def get_json(self, name: str) -> Any:
        """A JSON-serialized parameter (object or array), decoded."""
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from exc
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        """A chat id: integer or ``@username``."""
        value = self.decoded.get(name)
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: {name} is empty")
        if isinstance(value, bool):
            raise ApiError(400, "Bad Request: chat not found")
        if isinstance(value, int | str):
            return value
        raise ApiError(400, "Bad Request: chat not found")

    def input_file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: the uploaded part, or a file id / URL string."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.get_str(name)
        if value and value.startswith("attach://"):
            upload = self.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, f"Bad Request: file {value} not found in the request")
            return upload
        return value


Handler = Callable[[Params], Awaitable[Any]]


class BotApiMethods:
    """Dispatches Bot API method calls to their implementations."""

    def __init__(self, world: World) -> None:
        self.world = world
        handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.ok,
            "close": self.ok,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getChat": self.get_chat,
            "setMyDescription": self.store_setting,
            "setMyShortDescription": self.store_setting,
            "setMyName": self.store_setting,
            "setChatMenuButton": self.store_setting,
        }
        self._handlers = {name.lower(): (name, fn) for name, fn in handlers.items()}
        self._current = ""

    def canonical_name(self, method: str) -> str | None:
        """The Bot API spelling of ``method`` if it is implemented (case-insensitive)."""
        entry = self._handlers.get(method.lower())
        return entry[0] if entry else None

    async def call(self, method: str, params: Params) -> Any:
        """Run one method; raise :class:`ApiError` for Telegram-style failures."""
        entry = self._handlers.get(method.lower())
        if entry is None:
            raise ApiError(404, "Not Found: method not found")
        self._current = entry[0]
        return await entry[1](params)

    # ------------------------------------------------------------- bot / misc

    async def get_me(self, params: Params) -> JSON:
        """``getMe``."""
        return dict(self.world.bot_user)

    async def ok(self, params: Params) -> bool:
        """Methods that only acknowledge (``close``, ``logOut``)."""
        return True

    async def store_setting(self, params: Params) -> bool:
        """Settings that are only recorded (descriptions, name, menu button)."""
        self.world.bot_settings[self._current] = dict(params.decoded)
        return True

    async def get_chat(self, params: Params) -> JSON:
        """``getChat``: a minimal ``ChatFullInfo``."""
        chat = self.world.chat(params.chat_id())
        return {
            **chat.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    # ---------------------------------------------------------------- updates

    async def get_updates(self, params: Params) -> list[JSON]:
        """``getUpdates`` with offset confirmation and long polling."""
        allowed = params.get_json("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise ApiError(400, "Bad Request: can't parse allowed_updates JSON array")
        return await self.world.get_updates(
            offset=params.get_int("offset", 0) or 0,
            limit=params.get_int("limit", 100) or 100,
            timeout=params.get_float("timeout", 0.0),
            allowed_updates=allowed,
        )

    async def set_webhook(self, params: Params) -> bool:
        """``setWebhook``: recorded; polling then fails with 409 like Telegram."""
        url = params.get_str("url") or ""
        if url and not url.lower().startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        self.world.webhook = {"url": url, **{k: v for k, v in params.decoded.items() if k != "url"}}
        if params.get_bool("drop_pending_updates"):
            self.world.drop_pending_updates()
        return True

    async def delete_webhook(self, params: Params) -> bool:
        """``deleteWebhook``."""
        self.world.webhook = {"url": ""}
        if params.get_bool("drop_pending_updates"):
            self.world.drop_pending_updates()
        return True

    async def get_webhook_info(self, params: Params) -> JSON:
        """``getWebhookInfo``."""
        hook = self.world.webhook
        info: JSON = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.world.pending_update_count,
        }
        if hook.get("max_connections") is not None:
            info["max_connections"] = hook["max_connections"]
        if hook.get("allowed_updates") is not None:
            info["allowed_updates"] = hook["allowed_updates"]
        return info

    # --------------------------------------------------------------- messages

    def _markup(self, params: Params, *, inline_only: bool = False) -> JSON | None:
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button")
            for row in rows:
                for button in row:
                    _check_inline_button(button)
            return markup
        if inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(400, "Bad Request: can't parse keyboard button")
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")

    def _reply_target(self, chat: ChatState, params: Params) -> ChatMessage | None:
        reply = params.get_json("reply_parameters")
        allow = params.get_bool("allow_sending_without_reply")
        target_chat = chat
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = allow or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, chat.id):
                target_chat = self.world.chat(reply["chat_id"])
        else:
            message_id = params.get_int("reply_to_message_id")
        if message_id is None:
            return None
        target = target_chat.messages.get(int(message_id))
        if target is None or target.deleted:
            if allow:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target

    def _sendable_chat(self, params: Params) -> ChatState:
        chat = self.world.chat(params.chat_id())
        self.world.check_can_send(chat)
        return chat

    @staticmethod
    def _text(params: Params) -> tuple[str, str, list[JSON], str | None]:
        source = params.get_str("text")
        if source is None or not source.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = params.get_str("parse_mode") or None
        entities = params.get_json("entities")
        text, ents = parse_formatted(source, parse_mode, entities)
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return source, text, ents, parse_mode

    @staticmethod
    def _caption(params: Params) -> tuple[str | None, JSON]:
        source = params.get_str("caption")
        if not source:
            return None, {}
        parse_mode = params.get_str("parse_mode") or None
        text, ents = parse_formatted(source, parse_mode, params.get_json("caption_entities"))
        if utf16_len(text) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        content: JSON = {"caption": text} if text else {}
        if ents:
            content["caption_entities"] = ents
        return source, content

    async def _send(
        self,
        chat: ChatState,
        params: Params,
        content: JSON,
        *,
        file: StoredFile | None = None,
        source_text: str | None = None,
    ) -> JSON:
        markup = self._markup(params)
        reply_to = self._reply_target(chat, params)
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        msg = self.world.new_message(
            chat,
            self.world.bot_user,
            content,
            from_bot=True,
            file=file,
            reply_to=reply_to,
            source_text=source_text,
            parse_mode=params.get_str("parse_mode") or None,
            markup=markup,
        )
        await self.world.publish_bot_message(chat, msg)
        return copy.deepcopy(msg.raw)

    async def send_message(self, params: Params) -> JSON:
        """``sendMessage``."""
        chat = self._sendable_chat(params)
        source, text, ents, _ = self._text(params)
        content: JSON = {"text": text}
        if ents:
            content["entities"] = ents
        return await self._send(chat, params, content, source_text=source)

    def _stored_input_file(self, params: Params, name: str, *, photo: bool) -> StoredFile:
        value = params.input_file(name)
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return self.world.store_file(
                value.data, value.filename, value.content_type, photo=photo
            )
        stored = self.world.files.get(value)
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return stored

    async def send_document(self, params: Params) -> JSON:
        """``sendDocument`` (upload or existing ``file_id``)."""
        chat = self._sendable_chat(params)
        stored = self._stored_input_file(params, "document", photo=False)
        source, content = self._caption(params)
        content["document"] = stored.document_json()
        return await self._send(chat, params, content, file=stored, source_text=source)

    async def send_photo(self, params: Params) -> JSON:
        """``sendPhoto`` (upload or existing ``file_id``)."""
        chat = self._sendable_chat(params)
        stored = self._stored_input_file(params, "photo", photo=True)
        source, content = self._caption(params)
        content["photo"] = stored.photo_json()
        return await self._send(chat, params, content, file=stored, source_text=source)

    async def send_chat_action(self, params: Params) -> bool:
        """``sendChatAction``: recorded in the chat's ``actions``."""
        chat = self._sendable_chat(params)
        action = params.get_str("action") or ""
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        chat.actions.append(action)
        return True

    # ------------------------------------------------------------------ edits

    def _editable(self, params: Params) -> tuple[ChatState, ChatMessage]:
        if params.has("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the emulator")
        chat = self._sendable_chat(params)
        message_id = params.required_int("message_id", "Bad Request: message to edit not found")
        msg = chat.messages.get(message_id)
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not msg.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, msg

    async def _apply_edit(
        self, chat: ChatState, msg: ChatMessage, changes: JSON, markup: JSON | None
    ) -> JSON:
        new_raw = copy.deepcopy(msg.raw)
        for key, value in changes.items():
            if value is None:
                new_raw.pop(key, None)
            else:
                new_raw[key] = value
        if markup is None:
            new_raw.pop("reply_markup", None)
        else:
            new_raw["reply_markup"] = markup
        if new_raw == msg.raw:
            raise ApiError(400, NOT_MODIFIED)
        new_raw["edit_date"] = self.world.now()
        msg.history.append(msg.raw)
        msg.raw = new_raw
        msg.markup = markup
        await self.world.publish_edit(chat, msg)
        return copy.deepcopy(msg.raw)

    async def edit_message_text(self, params: Params) -> JSON:
        """``editMessageText`` (omitting ``reply_markup`` removes the keyboard, as live)."""
        chat, msg = self._editable(params)
        if msg.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        source, text, ents, parse_mode = self._text(params)
        markup = self._markup(params, inline_only=True)
        changes: JSON = {"text": text, "entities": ents or None}
        result = await self._apply_edit(chat, msg, changes, markup)
        msg.source_text, msg.parse_mode = source, parse_mode
        return result

    async def edit_message_caption(self, params: Params) -> JSON:
        """``editMessageCaption``."""
        chat, msg = self._editable(params)
        if msg.file is None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        source, content = self._caption(params)
        markup = self._markup(params, inline_only=True)
        changes: JSON = {
            "caption": content.get("caption"),
            "caption_entities": content.get("caption_entities"),
        }
        result = await self._apply_edit(chat, msg, changes, markup)
        msg.source_text = source
        return result

    async def edit_message_reply_markup(self, params: Params) -> JSON:
        """``editMessageReplyMarkup`` (no markup removes the keyboard)."""
        chat, msg = self._editable(params)
        return await self._apply_edit(chat, msg, {}, self._markup(params, inline_only=True))

    async def delete_message(self, params: Params) -> bool:
        """``deleteMessage``."""
        chat = self.world.chat(params.chat_id())
        self._delete(chat, params.required_int("message_id"))
        self.world.signal.notify()
        return True

    async def delete_messages(self, params: Params) -> bool:
        """``deleteMessages``: deletes what exists, like Telegram."""
        chat = self.world.chat(params.chat_id())
        ids = params.get_json("message_ids")
        if not isinstance(ids, list) or not ids:
            raise ApiError(400, "Bad Request: message identifiers are not specified")
        for message_id in ids:
            msg = chat.messages.get(int(message_id))
            if msg is not None:
                msg.deleted = True
        self.world.signal.notify()
        return True

    @staticmethod
    def _delete(chat: ChatState, message_id: int) -> None:
        msg = chat.messages.get(message_id)
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        msg.deleted = True

    # -------------------------------------------------------------- callbacks

    async def answer_callback_query(self, params: Params) -> bool:
        """``answerCallbackQuery``: recorded on the press; a second answer fails."""
        query_id = params.get_str("callback_query_id") or ""
        press = self.world.presses.get(query_id)
        if press is None or press.answer is not None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = params.get_str("text")
        if text and len(text) > MAX_CALLBACK_ANSWER:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        press.answer = CallbackAnswer(
            callback_query_id=query_id,
            text=text,
            show_alert=params.get_bool("show_alert"),
            url=params.get_str("url"),
            cache_time=params.get_int("cache_time", 0) or 0,
        )
        self.world.signal.notify()
        return True

    # ------------------------------------------------------------------ files

    async def get_file(self, params: Params) -> JSON:
        """``getFile``: the path is served under ``base_file_url``."""
        stored = self.world.files.get(params.get_str("file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return stored.file_json()

    # --------------------------------------------------------------- commands

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.get_json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        return scope_key(scope), params.get_str("language_code") or ""

    async def set_my_commands(self, params: Params) -> bool:
        """``setMyCommands`` stored per (scope, language_code)."""
        commands = params.get_json("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON array")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands specified")
        cleaned: list[JSON] = []
        for item in commands:
            command = str(item.get("command", "")) if isinstance(item, dict) else ""
            description = str(item.get("description", "")) if isinstance(item, dict) else ""
            if not _COMMAND_RE.match(command):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        key = self._commands_key(params)
        if cleaned:
            self.world.commands[key] = cleaned
        else:
            self.world.commands.pop(key, None)
        return True

    async def get_my_commands(self, params: Params) -> list[JSON]:
        """``getMyCommands`` for exactly the given scope and language (no fallback)."""
        return copy.deepcopy(self.world.commands.get(self._commands_key(params), []))

    async def delete_my_commands(self, params: Params) -> bool:
        """``deleteMyCommands``."""
        self.world.commands.pop(self._commands_key(params), None)
        return True


def scope_key(scope: Mapping[str, Any] | None) -> str:
    """Canonical text form of a ``BotCommandScope`` (``None`` means the default scope)."""
    return json.dumps(dict(scope or {"type": "default"}), sort_keys=True, separators=(",", ":"))


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button")
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if "url" in button and not _URL_RE.match(str(button["url"])):
        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
