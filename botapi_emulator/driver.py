"""Test driver: play users and groups that talk to the bot through the emulator.

Each chat keeps a FIFO of *new* bot messages and one of *edits*; ``next_*`` calls consume
from them, waiting event-driven (never sleeping) and failing with an AssertionError that
shows the chat transcript and recent failed API calls when the timeout passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chibo.botapi_emulator.formatting import command_entities
from chibo.botapi_emulator.state import (
    JSON,
    CallbackAnswer,
    CallbackPress,
    ChatMessage,
    ChatState,
    StoredFile,
    World,
)

if TYPE_CHECKING:
    from chibo.botapi_emulator.server import BotApiEmulator

__all__ = ["ChatDriver", "GroupDriver", "ProbeReply", "UserDriver"]

DEFAULT_TIMEOUT = 5.0
#: Expected probe answer: a substring of its text/caption, or a predicate.
ProbeReply = str | Callable[[ChatMessage], bool]


class ChatDriver:
    """Reads what the bot sent to one chat; base of :class:`UserDriver` / :class:`GroupDriver`."""

    def __init__(self, emulator: BotApiEmulator, chat_id: int) -> None:
        self._emulator = emulator
        self.chat_id = chat_id

    @property
    def world(self) -> World:
        """The emulator's state."""
        return self._emulator.world

    @property
    def state(self) -> ChatState:
        """This chat's state."""
        return self.world.chats[self.chat_id]

    # ------------------------------------------------------------ reading

    async def _take(
        self,
        source: list[ChatMessage],
        match: Callable[[ChatMessage], bool],
        what: str,
        timeout: float,
    ) -> ChatMessage:
        def find() -> int | None:
            return next((i for i, m in enumerate(source) if match(m)), None)

        await self.world.signal.wait_until(lambda: find() is not None, timeout)
        index = find()
        if index is None:
            raise AssertionError(
                f"No {what} from the bot in chat {self.chat_id} within {timeout} s.\n"
                + self.world.describe_chat(self.state)
            )
        return source.pop(index)

    async def next_reply(self, timeout: float = DEFAULT_TIMEOUT) -> ChatMessage:
        """The oldest unread new bot message of any kind (text, document, photo)."""
        return await self._take(self.state.unread, lambda m: True, "new message", timeout)

    async def next_document(self, timeout: float = DEFAULT_TIMEOUT) -> ChatMessage:
        """The oldest unread bot document; other unread messages stay queued."""
        return await self._take(
            self.state.unread, lambda m: m.document is not None, "document", timeout
        )

    async def next_photo(self, timeout: float = DEFAULT_TIMEOUT) -> ChatMessage:
        """The oldest unread bot photo; other unread messages stay queued."""
        return await self._take(self.state.unread, lambda m: m.photo is not None, "photo", timeout)

    async def next_edit(self, timeout: float = DEFAULT_TIMEOUT) -> ChatMessage:
        """A snapshot of the oldest unread edit of a bot message in this chat.

        The original message object is updated in place as well (see ``history``).
        """
        return await self._take(self.state.unread_edits, lambda m: True, "edit", timeout)

    def pending_replies(self) -> list[ChatMessage]:
        """Consume and return every unread new bot message, without waiting."""
        unread = list(self.state.unread)
        self.state.unread.clear()
        return unread

    def transcript(self) -> list[ChatMessage]:
        """All messages of the chat in both directions (live objects)."""
        return list(self.state.transcript)

    def format_transcript(self) -> str:
        """The transcript as text, one message per line."""
        return "\n".join(m.describe() for m in self.state.transcript)

    def message(self, message_id: int) -> ChatMessage:
        """A message of this chat by id."""
        return self.state.messages[message_id]

    @property
    def keyboard(self) -> list[list[str]] | None:
        """The reply keyboard the bot currently shows in this chat (button texts)."""
        return self.state.reply_keyboard

    @property
    def actions(self) -> list[str]:
        """Chat actions (``sendChatAction``) the bot sent, in order."""
        return list(self.state.actions)

    # --------------------------------------------------------- no reply

    def _assert_silent(self, include_edits: bool) -> None:
        unread = list(self.state.unread)
        if include_edits:
            unread += self.state.unread_edits
        if unread:
            listing = "\n".join(f"  {m.describe()}" for m in unread)
            raise AssertionError(
                f"expected no reply in chat {self.chat_id}, but the bot sent:\n{listing}"
            )

    async def expect_no_reply(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        probe: str | None = None,
        probe_reply: ProbeReply | None = None,
        probe_from: UserDriver | int | None = None,
        include_edits: bool = True,
    ) -> None:
        """Assert the bot sent nothing (not yet read) to this chat for what was sent so far.

        Two event-based mechanisms, both exact (no "wait and hope"):

        * Default: requires an idle hook (``emu.track_application(app)``). Runs
          :meth:`BotApiEmulator.wait_idle`, after which every blocking PTB handler for every
          update sent so far has returned, then asserts no unread message (or edit) exists.
        * ``probe=...``: for bots without a hook (e.g. in a subprocess). Sends ``probe``
          (``probe_from`` is the sender in groups) and waits for its reply, which must match
          ``probe_reply``. PTB processes updates one at a time by default, so any reply to an
          earlier update would arrive first and fail the check. The probe reply is consumed.

        Neither covers ``block=False`` handlers or jobs scheduled for later.
        """
        if probe is None:
            if not self.world.idle_hooks:
                raise RuntimeError(
                    "expect_no_reply() cannot prove silence without a processing hook: call "
                    "emu.track_application(app) first, or pass probe=... and probe_reply=..."
                )
            await self._emulator.wait_idle(timeout)
            self._assert_silent(include_edits)
            return
        if probe_reply is None:
            raise TypeError("probe needs probe_reply (text substring or predicate)")
        self._assert_silent(include_edits)
        await self._send_probe(probe, probe_from)
        reply = await self.next_reply(timeout)
        matches = (
            probe_reply(reply)
            if callable(probe_reply)
            else probe_reply in (reply.text or reply.caption or "")
        )
        if not matches:
            raise AssertionError(
                f"expected no reply, but before answering the probe the bot sent "
                f"{reply.describe()}\n" + self.world.describe_chat(self.state)
            )
        self._assert_silent(include_edits)

    async def _send_probe(self, text: str, sender: UserDriver | int | None) -> None:
        raise NotImplementedError

    # ---------------------------------------------------------- writing

    def _user_id(self, user: UserDriver | int) -> int:
        user_id = user.user_id if isinstance(user, UserDriver) else int(user)
        if user_id not in self.world.users:
            raise KeyError(f"unknown user {user_id}; create it with emu.user(...)")
        return user_id

    def _post(
        self,
        sender_id: int,
        content: JSON,
        *,
        reply_to: ChatMessage | int | None = None,
        file: StoredFile | None = None,
    ) -> ChatMessage:
        target: ChatMessage | None = None
        if reply_to is not None:
            target = reply_to if isinstance(reply_to, ChatMessage) else self.message(reply_to)
        msg = self.world.new_message(
            self.state,
            self.world.users[sender_id],
            content,
            from_bot=False,
            file=file,
            reply_to=target,
        )
        self.world.enqueue_update("message", msg.raw)
        return msg

    def _post_text(
        self, sender_id: int, text: str, reply_to: ChatMessage | int | None
    ) -> ChatMessage:
        if not text.strip():
            raise ValueError("Telegram clients cannot send empty messages")
        content: JSON = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return self._post(sender_id, content, reply_to=reply_to)

    def _post_file(
        self,
        sender_id: int,
        filename: str,
        data: bytes,
        *,
        caption: str | None,
        mime_type: str | None,
        photo: bool,
        reply_to: ChatMessage | int | None,
    ) -> ChatMessage:
        stored = self.world.store_file(data, filename, mime_type, photo=photo)
        content: JSON = (
            {"photo": stored.photo_json()} if photo else {"document": stored.document_json()}
        )
        if caption:
            content["caption"] = caption
        return self._post(sender_id, content, reply_to=reply_to, file=stored)


class UserDriver(ChatDriver):
    """A user; reading methods refer to the user's private chat with the bot."""

    def __init__(self, emulator: BotApiEmulator, user_id: int) -> None:
        super().__init__(emulator, user_id)
        self.user_id = user_id

    @property
    def user(self) -> JSON:
        """The Bot API ``User`` object."""
        return dict(self.world.users[self.user_id])

    async def send(self, text: str, *, reply_to: ChatMessage | int | None = None) -> ChatMessage:
        """Send a text message to the bot (commands get ``bot_command`` entities)."""
        return self._post_text(self.user_id, text, reply_to)

    async def upload(
        self,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        reply_to: ChatMessage | int | None = None,
    ) -> ChatMessage:
        """Send a document; the bot can ``getFile`` and download it."""
        return self._post_file(
            self.user_id,
            filename,
            data,
            caption=caption,
            mime_type=mime_type,
            photo=False,
            reply_to=reply_to,
        )

    async def send_photo(
        self, data: bytes, *, caption: str | None = None, filename: str = "photo.jpg"
    ) -> ChatMessage:
        """Send a photo."""
        return self._post_file(
            self.user_id,
            filename,
            data,
            caption=caption,
            mime_type=None,
            photo=True,
            reply_to=None,
        )

    # -- every other kind of message a Telegram client sends ---------------------------------

    def _media(self, data: bytes, filename: str, mime_type: str | None) -> StoredFile:
        return self.world.store_file(data, filename, mime_type, photo=False)

    def _file_fields(self, stored: StoredFile) -> JSON:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }

    async def send_content(
        self, content: JSON, *, reply_to: ChatMessage | int | None = None
    ) -> ChatMessage:
        """Send a message with arbitrary Bot API ``Message`` fields (e.g. ``{"dice": …}``)."""
        return self._post(self.user_id, content, reply_to=reply_to)

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        stored = self._media(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "sticker.webp", "image/webp")
        sticker = {
            **self._file_fields(stored),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(self.user_id, {"sticker": sticker}, file=stored)

    async def send_voice(self, duration: int = 3) -> ChatMessage:
        stored = self._media(b"OggS\x00voice", "voice.ogg", "audio/ogg")
        voice = {**self._file_fields(stored), "duration": duration, "mime_type": "audio/ogg"}
        return self._post(self.user_id, {"voice": voice}, file=stored)

    async def send_video_note(self, duration: int = 3) -> ChatMessage:
        stored = self._media(b"\x00\x00\x00\x18ftypmp42", "note.mp4", "video/mp4")
        note = {**self._file_fields(stored), "length": 240, "duration": duration}
        return self._post(self.user_id, {"video_note": note}, file=stored)

    async def send_album(
        self, photos: list[bytes], *, caption: str | None = None
    ) -> list[ChatMessage]:
        """Several photos sent together: one message each, sharing a ``media_group_id``."""
        group = str(self.world.next_id())
        sent = []
        for i, data in enumerate(photos):
            stored = self.world.store_file(data, f"album{i}.jpg", None, photo=True)
            content: JSON = {"photo": stored.photo_json(), "media_group_id": group}
            if caption and i == 0:
                content["caption"] = caption
            sent.append(self._post(self.user_id, content, file=stored))
        return sent

    async def send_contact(
        self, phone: str = "+84901234567", first_name: str = "Hoa"
    ) -> ChatMessage:
        contact = {"phone_number": phone, "first_name": first_name}
        return self._post(self.user_id, {"contact": contact})

    async def send_location(
        self, latitude: float = 21.0285, longitude: float = 105.8542
    ) -> ChatMessage:
        return self._post(
            self.user_id, {"location": {"latitude": latitude, "longitude": longitude}}
        )

    async def send_poll(
        self, question: str = "Họp lúc nào?", options: tuple[str, ...] = ("Sáng", "Chiều")
    ) -> ChatMessage:
        poll = {
            "id": str(self.world.next_id()),
            "question": question,
            "options": [
                {"text": o, "voter_count": 0, "persistent_id": str(i)}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": True,  # required since Bot API 9.6
            "members_only": False,  # required since Bot API 10.0
        }
        return self._post(self.user_id, {"poll": poll})

    async def forward(self, text: str, *, from_name: str = "Nguyễn Văn Ba") -> ChatMessage:
        """Forward a text message written by someone else (``forward_origin``)."""
        origin = {"type": "hidden_user", "date": self.world.now(), "sender_user_name": from_name}
        return self._post(self.user_id, {"text": text, "forward_origin": origin})

    async def edit(self, message: ChatMessage, text: str) -> ChatMessage:
        """Edit one of this user's earlier messages: the bot gets an ``edited_message``."""
        if message.from_bot or message.sender_id != self.user_id:
            raise AssertionError(f"user {self.user_id} cannot edit {message.describe()}")
        message.raw["text"] = text
        message.raw["edit_date"] = self.world.now()
        self.world.enqueue_update("edited_message", dict(message.raw))
        return message

    async def press(
        self,
        message: ChatMessage,
        text: str | None = None,
        *,
        callback_data: str | None = None,
    ) -> CallbackPress:
        """Press an inline button of a bot message (in any chat) by text or callback data.

        ``text`` matches exactly or as a unique substring. Returns the press; use
        ``await press.wait_answer()`` or :meth:`last_callback_answer` for the bot's answer.
        """
        if not message.from_bot or message.deleted:
            raise AssertionError(f"cannot press buttons of {message.describe()}")
        button = message.button(text, callback_data=callback_data)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} has no callback_data ({button.raw})")
        return self.world.press(self.user_id, message, button.callback_data)

    async def press_data(self, message: ChatMessage | int, data: str) -> CallbackPress:
        """Send a callback query with arbitrary (possibly forged) ``data`` for ``message``.

        An int is a message id in this user's private chat.
        """
        msg = message if isinstance(message, ChatMessage) else self.message(message)
        return self.world.press(self.user_id, msg, data)

    async def last_callback_answer(self, timeout: float = DEFAULT_TIMEOUT) -> CallbackAnswer:
        """The bot's ``answerCallbackQuery`` for this user's most recent press."""
        press = self.world.last_press.get(self.user_id)
        if press is None:
            raise AssertionError(f"user {self.user_id} has not pressed any button")
        return await press.wait_answer(timeout)

    def block(self, *, notify: bool = True) -> None:
        """Block the bot (see :meth:`BotApiEmulator.block`)."""
        self._emulator.block(self.user_id, notify=notify)

    def unblock(self, *, notify: bool = True) -> None:
        """Unblock the bot."""
        self._emulator.unblock(self.user_id, notify=notify)

    async def _send_probe(self, text: str, sender: UserDriver | int | None) -> None:
        await self.send(text)


class GroupDriver(ChatDriver):
    """A group chat the bot is in; users post via :meth:`send` / :meth:`upload`."""

    @property
    def title(self) -> str:
        """Group title."""
        return str(self.state.chat.get("title", ""))

    async def send(
        self, user: UserDriver | int, text: str, *, reply_to: ChatMessage | int | None = None
    ) -> ChatMessage:
        """``user`` sends ``text`` in the group."""
        return self._post_text(self._user_id(user), text, reply_to)

    async def upload(
        self,
        user: UserDriver | int,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> ChatMessage:
        """``user`` posts a document in the group."""
        return self._post_file(
            self._user_id(user),
            filename,
            data,
            caption=caption,
            mime_type=mime_type,
            photo=False,
            reply_to=None,
        )

    async def _send_probe(self, text: str, sender: UserDriver | int | None) -> None:
        if sender is None:
            senders = [m.sender_id for m in self.state.transcript if not m.from_bot]
            if not senders:
                raise TypeError("probe in a group needs probe_from=<user>")
            sender = senders[-1]
        await self.send(sender, text)
