"""What every handler shares: the request object, the access decorator, keyboards, callbacks.

Handlers are plain `async def h(req: Req)` functions wrapped by `@handler(...)`, which:
records the contact, picks the user's language, refuses strangers and group chats, answers
callback queries (always — never a spinning button), and turns a `UseCaseError` into a short
message in the user's language. Callback data is `feature:action[:arg…]`, at most 64 bytes,
parsed with `CallbackData.parse`; its actions are declared with their argument types in
`handlers.routing`.

Every handler gets a `ChiboContext` (registered with PTB's `ContextTypes`): the app context
(`context.app_ctx`), the feature registry (`context.registry`) and, once the handler has
resolved them, the `Req` with the user's profile and translator (`context.req`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from chibo.handlers.registry import Registry, registry_of
from chibo.rules.messages import N_
from chibo.rules.text import split_message
from chibo.usecases import access
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import users as users_uc
from chibo.usecases.context import AppContext
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import UseCaseError
from chibo.usecases.i18n import Translator, locale_for, translator
from chibo.usecases.users import Profile

log = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[tuple[str, str]]]
#: Telegram's limit for one message, in UTF-16 units.
TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
_CB_PART = re.compile(r"^[A-Za-z0-9_.\-]{1,24}$")


def app_context(context: CallbackContext[Any, Any, Any, Any]) -> AppContext:
    ctx: AppContext = context.application.bot_data["ctx"]
    return ctx


#: The Application chibo builds (its generic parameters do not matter to the features).
App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


class ChiboContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler receives: typed access to what chibo keeps per Application
    and, once `@handler` resolved it, to this update's `Req` (profile, translator)."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.req: Req | None = None

    @property
    def app_ctx(self) -> AppContext:
        return app_context(self)

    @property
    def registry(self) -> Registry:
        return registry_of(self.application)

    @property
    def profile(self) -> Profile | None:
        return self.req.profile if self.req is not None else None

    @property
    def translator(self) -> Translator | None:
        return self.req._ if self.req is not None else None


CONTEXT_TYPES = ContextTypes(context=ChiboContext)


@dataclass(frozen=True)
class CallbackData:
    """`feature:action:arg…` — short, self-describing, survives restarts."""

    feature: str
    action: str
    args: tuple[str, ...] = ()

    def __str__(self) -> str:
        data = ":".join((self.feature, self.action, *self.args))
        if len(data.encode()) > 64:
            raise ValueError(f"callback data too long: {data}")
        return data

    @classmethod
    def parse(cls, data: str | None) -> CallbackData | None:
        if not data or len(data.encode()) > 64:
            return None
        parts = data.split(":")
        if len(parts) < 2 or not all(_CB_PART.match(p) for p in parts):
            return None
        return cls(parts[0], parts[1], tuple(parts[2:]))

    def int_arg(self, i: int) -> int | None:
        """Argument `i` as a non-negative int, or None when absent or malformed."""
        if i >= len(self.args) or not self.args[i].isdigit() or len(self.args[i]) > 12:
            return None
        return int(self.args[i])


def cb(feature: str, action: str, *args: object) -> str:
    return str(CallbackData(feature, action, tuple(str(a) for a in args)))


def message_parts(text: str) -> list[str]:
    """`text` as messages Telegram accepts: split at line breaks, never cut short."""
    return split_message(text, TEXT_LIMIT)


def pack_lines(lines: Sequence[str]) -> list[str]:
    """Lines packed into as few messages as fit (a record longer than one is split)."""
    return message_parts("\n".join(lines))


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


@dataclass
class Req:
    """One incoming update, with the user's profile and language resolved."""

    update: Update
    context: ChiboContext
    ctx: AppContext
    profile: Profile
    _: Translator
    data: CallbackData | None = None
    answered: bool = False

    @property
    def user_id(self) -> int:
        return self.profile.user.tg_id

    @property
    def registry(self) -> Registry:
        return registry_of(self.context.application)

    @property
    def query(self) -> CallbackQuery | None:
        return self.update.callback_query

    @property
    def on_zalo(self) -> bool:
        """The update came through the Zalo bridge: buttons are numbered lines there."""
        return self.context.application.bot_data.get("channel") == "zalo"

    def use_buttons(self) -> str:
        """ "Use the buttons, or /cancel" as this channel has them (typed numbers on Zalo)."""
        if self.on_zalo:
            return self._("Please type the number of your choice, or /cancel to stop.")
        return self._("Please use the buttons above, or /cancel to stop.")

    @property
    def text(self) -> str:
        """The message's text (or caption) in NFC: Unikey's "Unicode tổ hợp" types NFD, and
        every comparison, search and stored answer expects composed letters."""
        msg = self.update.effective_message
        return unicodedata.normalize("NFC", (msg.text or msg.caption or "") if msg else "")

    async def reply(self, text: str, rows: Keyboard | None = None) -> Message:
        """Send `text` (in several messages if it is longer than one; the keyboard under
        the last); the last message sent."""
        chat = self.update.effective_chat
        assert chat is not None
        *head, last = message_parts(text)
        for part in head:
            await self.context.bot.send_message(chat.id, part)
        return await self.context.bot.send_message(
            chat.id, last, reply_markup=keyboard(rows) if rows else None
        )

    async def show(self, text: str, rows: Keyboard | None = None) -> None:
        """Edit the pressed button's message in place when answering a button, else reply.
        A text longer than one message continues in new messages, the keyboard under the end."""
        q = self.query
        first, *rest = message_parts(text)
        if q is not None and q.message is not None and isinstance(q.message, Message):
            try:
                markup = keyboard(rows) if rows and not rest else None
                await q.edit_message_text(first, reply_markup=markup)
                if rest:
                    await self.reply("\n".join(rest), rows)
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return
                log.info("edit failed (%s); sending a new message", exc)
        await self.reply(text, rows)

    async def notify(self, text: str, *, alert: bool = False) -> None:
        """A toast on the pressed button (or a message when not answering a button)."""
        if self.query is not None:
            await self.query.answer(text[:200], show_alert=alert)
            self.answered = True
        else:
            await self.reply(text)


async def build_req(update: Update, context: ChiboContext) -> Req | None:
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        return None
    ctx = app_context(context)
    profile = await users_uc.seen(
        ctx,
        tg_id=tg_user.id,
        full_name=tg_user.full_name,
        username=tg_user.username,
        tg_language=tg_user.language_code,
    )
    lang = locale_for(profile.user.language, tg_user.language_code, ctx.config.default_locale)
    data = CallbackData.parse(update.callback_query.data) if update.callback_query else None
    req = Req(update, context, ctx, profile, translator(lang), data)
    if isinstance(context, ChiboContext):
        context.req = req
    return req


Handler = Callable[[Req], Awaitable[Any]]

EXPIRED = N_("This button has expired. Please use /menu again.")


TIMED_OUT = N_(
    "Your unfinished entry timed out and was discarded; nothing was saved. Please"
    " start again from /menu."
)
NOT_OPEN = N_("This entry is no longer open. Start again from /menu.")


async def expired(req: Req) -> None:
    """The answer to a button whose data no longer makes sense: old, or forged."""
    await req.notify(req._(EXPIRED), alert=True)


async def pick_cell_first(req: Req) -> None:
    """Tell a user without a current cell to choose one (or that this is for secretaries)."""
    _ = req._
    if len(req.profile.cells) > 1:
        await req.show(
            _("You work in several cells: choose one first."),
            [[(_("Choose the cell to work in"), cb("cell", "pick"))]],
        )
    else:
        await req.show(_("Only the secretary or deputy secretary of a cell can do this."))


async def current_cell_id(req: Req) -> int | None:
    """The cell the user works in, else a hint to choose one (or that this is for
    secretaries) and None. Callers still check access through their use case."""
    cell = req.profile.current_cell
    if cell is None:
        await pick_cell_first(req)
        return None
    return cell.org_id


async def working_cell(req: Req) -> int | None:
    """The cell the user works in (write access re-checked), else a hint and None."""
    org_id = await current_cell_id(req)
    if org_id is not None:
        await access.require_write(req.ctx, req.user_id, org_id)
    return org_id


async def open_draft(req: Req, kinds: tuple[str, ...], *, closed: str = NOT_OPEN) -> Draft | None:
    """The user's draft of one of `kinds` (other flows may be open too), with write access to
    its cell re-checked; else a notice (timed out, or `closed`) and None. It becomes the
    draft touched last, so what the user types next goes to it."""
    current = await drafts_uc.current(req.ctx, req.user_id, kinds)
    if current.expired:
        await req.notify(req._(TIMED_OUT), alert=True)
        return None
    draft = current.draft
    if draft is None or draft.org_id is None:
        await req.notify(req._(closed), alert=True)
        return None
    await access.require_write(req.ctx, req.user_id, draft.org_id)
    await drafts_uc.save(req.ctx, draft)  # pressed last: typed text goes to it now
    return draft


def stranger_text(_: Translator) -> str:
    return _(
        "Hello! This is Trợ lý Chi bộ, the assistant that helps cell secretaries keep the"
        " meeting book, the member roster and the deadlines.\n\nIt works only for people"
        " invited by their party committee: ask the organisation office of the committee above"
        " your cell for an invite code, then send /start CODE here."
    )


async def refuse_stranger(req: Req) -> None:
    """What a user who is not bound (never invited, or removed) gets for a member's action."""
    if req.query is not None:
        await req.notify(req._("This bot works only for invited users."))
    else:
        await req.reply(stranger_text(req._))


#: What PTB calls: `(update, context)`, with the context typed as registered.
PTBCallback = Callable[[Update, ChiboContext], Coroutine[Any, Any, Any]]


def handler(*, bound: bool = True) -> Callable[[Handler], PTBCallback]:
    """Wrap a `Req` handler with contact recording, language, access and error replies."""

    def deco(fn: Handler) -> PTBCallback:
        @functools.wraps(fn)
        async def wrapper(update: Update, context: ChiboContext) -> Any:
            chat = update.effective_chat
            if chat is None or chat.type != ChatType.PRIVATE:
                return None  # group chats get the private-chat note from handlers.groups
            req = await build_req(update, context)
            if req is None:
                return None
            try:
                if bound and not req.profile.bound:
                    await refuse_stranger(req)
                    return None
                result = await fn(req)
            except UseCaseError as exc:
                await req.notify(req._.msg(exc.msg), alert=req.query is not None)
                return None
            except Exception:
                # Leave the press unanswered: the error handler answers it with the apology
                # (a second answer would fail, and the user would hear nothing).
                req.answered = True
                raise
            finally:
                if req.query is not None and not req.answered:
                    with contextlib.suppress(BadRequest):  # too old to answer
                        await req.query.answer()
            return result

        return wrapper

    return deco
