"""Reminders on Telegram: the notifier the sweep delivers through, and the snooze button.

Buttons under a reminder come from its family (the kind's prefix, e.g. `probation`): a feature
registers a function with `registry_of(app).add_reminder_actions(family, fn)`; every reminder
also gets "remind me in 3 days" (`rem:snooze:<delivery id>`). The notifier takes those
functions from the Application (`TelegramNotifier.for_app(app)`).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

import httpx
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from chibo.handlers.common import App, Req, cb, keyboard
from chibo.handlers.registry import ReminderActions, registry_of
from chibo.handlers.routing import INT, Route
from chibo.rules.reminders import Reminder
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.i18n import Translator, locale_for, translator
from chibo.usecases.reminders import (
    Blocked,
    Delivered,
    DeliveryResult,
    Digest,
    Outgoing,
    RetryLater,
    Uncertain,
)

log = logging.getLogger(__name__)

Buttons = list[tuple[str, str]]
Rows = list[Buttons]

#: Kinds after which the cell can record its meeting on the conversion (not before the end).
_RESOLUTION_KINDS = ("probation.due", "probation.overdue")


def probation_actions(_: Translator, reminder: Reminder) -> Buttons:
    buttons = [(_("View record"), cb("prob", "view", reminder.subject_id))]
    if reminder.kind in _RESOLUTION_KINDS:
        buttons.append((_("Cell has met"), cb("prob", "res", reminder.subject_id)))
    return buttons


def reminder_rows(_: Translator, item: Outgoing, families: Mapping[str, ReminderActions]) -> Rows:
    """The family's action buttons (they open the cell's records, so only for the cell's
    secretaries and deputies: officers get none) and the snooze button."""
    family = item.reminder.kind.split(".", 1)[0]
    actions = families.get(family) if item.in_cell else None
    rows = [actions(_, item.reminder)] if actions else []
    rows.append(
        [
            (
                _("Remind me in {n} days", n=reminders_uc.SNOOZE_DAYS),
                cb("rem", "snooze", item.delivery_id),
            )
        ]
    )
    return [r for r in rows if r]


def reminder_keyboard(
    _: Translator, item: Outgoing, families: Mapping[str, ReminderActions]
) -> InlineKeyboardMarkup:
    return keyboard(reminder_rows(_, item, families))


#: Numbered buttons per row under a digest.
DIGEST_ROW = 5


def digest_text(_: Translator, digest: Digest, *, typed: bool = False) -> str:
    """A line per item, most urgent first; the full texts and sources are a tap away (a
    typed number away on Zalo: `typed`)."""
    one_cell = len({item.org.name for item in digest.items}) == 1
    lines = [_.msg(reminders_uc.digest_header(digest)), ""]
    lines += [
        f"{i}. {_.msg(reminders_uc.digest_line(item, with_cell=not one_cell))}"
        for i, item in enumerate(digest.items, 1)
    ]
    if typed:
        lines += ["", _("Type a number for the full text with its sources and what to do.")]
    else:
        lines += ["", _("Tap a number for the full text with its sources and its buttons.")]
    return "\n".join(lines)


def digest_rows(digest: Digest) -> Rows:
    buttons = [(str(i), cb("rem", "show", item.delivery_id)) for i, item in
               enumerate(digest.items, 1)]  # fmt: skip
    return [buttons[i : i + DIGEST_ROW] for i in range(0, len(buttons), DIGEST_ROW)]


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns about int time periods
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


#: httpx errors raised before the request could reach Telegram: certainly nothing was sent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def certainly_not_sent(exc: NetworkError) -> bool:
    """True when Telegram cannot have acted on the request.

    PTB raises a `NetworkError` without an httpx cause for an HTTP answer it got (a 5xx or
    502: Telegram answered, and it did not send), and one *from* the httpx error for transport
    failures: a refused or timed-out connect never wrote the request. Anything else — a read
    timeout, a connection reset or closed after the request was written, a bare `TimedOut` —
    may have been sent.
    """
    if getattr(exc, "partly_sent", False):  # a long message's later part (Zalo): part 1 is out
        return False
    cause = exc.__cause__
    if isinstance(exc, TimedOut):
        return isinstance(cause, _NOT_SENT)
    if cause is None:
        return True
    return isinstance(cause, _NOT_SENT)


class TelegramNotifier:
    """Sends a reminder as a private message with its buttons, in the user's language.

    The bot's rate limiter already retries flood waits; here a flood wait that still comes
    through is waited out (up to `max_wait` seconds) and an error that certainly sent nothing
    (refused connection, 5xx answer) retried with back-off (`attempts` in all), after which
    the sweep records RetryLater for the next sweep. An ambiguous failure (the request went
    out, the answer did not come back) is `Uncertain` at once: never re-sent blindly.
    """

    BACKOFF_SECONDS = 1.0  # first wait after a network error; doubles each attempt

    def __init__(
        self,
        bot: Bot,
        default_locale: str,
        *,
        attempts: int = 3,
        max_wait: float = 60.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        actions: Mapping[str, ReminderActions] | None = None,
        typed: bool = False,
    ) -> None:
        self.bot = bot
        #: The channel's choices are typed numbers (Zalo), not buttons.
        self.typed = typed
        self.actions: Mapping[str, ReminderActions] = actions or {}
        self.default_locale = default_locale
        self.attempts = attempts
        self.max_wait = max_wait
        self.sleep = sleep

    @classmethod
    def for_app(cls, app: App, default_locale: str | None = None) -> TelegramNotifier:
        """Through the Application's bot, with the buttons its features registered."""
        locale = default_locale or app.bot_data["ctx"].config.default_locale
        typed = app.bot_data.get("channel") == "zalo"
        return cls(app.bot, locale, actions=registry_of(app).reminder_actions, typed=typed)

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        user = item.user
        _ = translator(locale_for(user.language, user.tg_language, self.default_locale))
        text, markup = _.msg(item.message), reminder_keyboard(_, item, self.actions)
        return await self._send(user.tg_id, text, markup, item.reminder.key)

    async def deliver_digest(self, digest: Digest) -> DeliveryResult:
        """One message for everything due for the user today (delivered or failed whole)."""
        user = digest.user
        _ = translator(locale_for(user.language, user.tg_language, self.default_locale))
        text, markup = digest_text(_, digest, typed=self.typed), keyboard(digest_rows(digest))
        return await self._send(user.tg_id, text, markup, f"digest of {len(digest.items)}")

    async def _send(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup, what: str
    ) -> DeliveryResult:
        reason = "no attempt"
        for attempt in range(self.attempts):
            try:
                sent = await self.bot.send_message(chat_id, text, reply_markup=markup)
                return Delivered(sent.message_id)
            except Forbidden as exc:
                return Blocked(f"blocked: {exc.message}")
            except RetryAfter as exc:
                wait = _seconds(exc)
                reason = f"flood limit: retry after {wait:g} s"
                if wait > self.max_wait or attempt == self.attempts - 1:
                    break
                await self.sleep(wait)
            except BadRequest as exc:  # a NetworkError subclass: check it first
                if "chat not found" in exc.message.lower():
                    return Blocked(f"chat not found: {exc.message}")
                log.error("reminder %s to %s refused: %s", what, chat_id, exc)
                return RetryLater(f"bad request: {exc.message}")
            except NetworkError as exc:
                if not certainly_not_sent(exc):
                    log.warning(
                        "reminder %s to %s: answer lost (%s), not re-sent",
                        what,
                        chat_id,
                        exc.message,
                    )
                    return Uncertain(f"answer lost: {exc.message}")
                reason = f"network: {exc.message}"
                if attempt < self.attempts - 1:
                    await self.sleep(self.BACKOFF_SECONDS * 2**attempt)
            except TelegramError as exc:
                return RetryLater(f"telegram: {exc.message}")
        log.warning("reminder %s to %s postponed: %s", what, chat_id, reason)
        return RetryLater(reason)


async def show(req: Req, delivery_id: int) -> None:
    """A digest's numbered button: the reminder's full text (with its sources) and buttons."""
    item = await reminders_uc.detail(req.ctx, user_id=req.user_id, delivery_id=delivery_id)
    await req.reply(
        req._.msg(item.message), reminder_rows(req._, item, req.registry.reminder_actions)
    )


async def snooze(req: Req, delivery_id: int) -> None:
    until = await reminders_uc.snooze(req.ctx, user_id=req.user_id, delivery_id=delivery_id)
    await req.notify(req._("I will remind you again on {date}.", date=until))
    await _drop_snooze_button(req)


async def _drop_snooze_button(req: Req) -> None:
    """Keep the other buttons of the reminder; the snooze one has been used."""
    q = req.query
    if q is None or not isinstance(q.message, Message) or q.message.reply_markup is None:
        return
    rows = [
        [b for b in row if not str(b.callback_data or "").startswith("rem:")]
        for row in q.message.reply_markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    try:
        await q.edit_message_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
    except TelegramError:
        log.info("could not remove the snooze button", exc_info=True)


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_routes("rem", {"snooze": Route(snooze, INT), "show": Route(show, INT)})
    reg.add_reminder_actions("probation", probation_actions)
