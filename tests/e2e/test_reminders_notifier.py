"""The Telegram notifier's error handling, with a stub bot (no waiting: sleeps are recorded)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from chibo.handlers.reminders import TelegramNotifier, probation_actions
from chibo.rules.probation_reminders import PROBATION_FAMILY
from chibo.rules.reminders import ProbationCase, ReminderState, due_reminders
from chibo.rules.workdays import WorkCalendar
from chibo.storage.orgs import Org
from chibo.storage.users import User
from chibo.usecases.reminders import (
    Blocked,
    Delivered,
    Outgoing,
    RetryLater,
    Uncertain,
    reminder_message,
)

from ..usecases.test_reminders_support import CEREMONY, END


class StubBot:
    """Fails with the given errors in order, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[dict] = []

    async def send_message(self, chat_id, text, reply_markup=None):
        self.calls.append({"chat_id": chat_id, "text": text, "markup": reply_markup})
        if self.errors:
            raise self.errors.pop(0)
        return SimpleNamespace(message_id=77)


def outgoing(language: str | None = None, tg_language: str | None = "vi") -> Outgoing:
    case = ProbationCase(5, 4, "Nguyễn Văn An", CEREMONY, course_done_date=date(2025, 1, 1))
    (reminder,) = due_reminders(ReminderState({PROBATION_FAMILY: (case,)}), END, WorkCalendar())
    org = Org(4, "C1", "Chi bộ thôn 1", "cell", 2)
    user = User(1001, "Lan", None, language, tg_language, None, None)
    return Outgoing(9, user, reminder, org, reminder_message(reminder, org))


async def deliver(bot: StubBot, item: Outgoing | None = None, **kw):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    kw.setdefault("actions", {"probation": probation_actions})  # as handlers.reminders registers
    result = await TelegramNotifier(bot, "vi", sleep=sleep, **kw).deliver(item or outgoing())
    return result, waits


async def test_delivered_in_the_users_language_with_buttons():
    bot = StubBot()
    result, _ = await deliver(bot, outgoing(language="en", tg_language="vi"))
    assert result == Delivered(77)
    call = bot.calls[0]
    assert call["chat_id"] == 1001 and call["text"].startswith("📌 Due — Chi bộ thôn 1\n\n")
    buttons = [(b.text, b.callback_data) for row in call["markup"].inline_keyboard for b in row]
    assert buttons == [
        ("View record", "prob:view:5"),
        ("Cell has met", "prob:res:5"),
        ("Remind me in 3 days", "rem:snooze:9"),
    ]


def caused(exc: Exception, cause: Exception) -> Exception:
    """A PTB error as PTB raises it: from the httpx error underneath."""
    exc.__cause__ = cause
    return exc


#: Raised before a byte of the request reached Telegram, or answered by Telegram: not sent.
NOT_SENT = [
    caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused")),
    caused(TimedOut(), httpx.ConnectTimeout("connect")),
    caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")),
    NetworkError("Bad Gateway"),  # a 5xx answer from Telegram
]
#: Raised after the request was written: Telegram may have sent the message.
AMBIGUOUS = [
    caused(TimedOut(), httpx.ReadTimeout("read")),
    caused(
        NetworkError("httpx.RemoteProtocolError: Server disconnected"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ),
    caused(NetworkError("httpx.ReadError: reset"), httpx.ReadError("Connection reset by peer")),
    TimedOut(),  # no cause: we cannot tell, so we assume the worst
]


@pytest.mark.faults
@pytest.mark.parametrize("error", NOT_SENT)
async def test_what_certainly_was_not_sent_is_retried_in_the_sweep(error):
    bot = StubBot(error)
    result, slept = await deliver(bot)
    assert result == Delivered(77) and slept == [1.0] and len(bot.calls) == 2


@pytest.mark.faults
@pytest.mark.parametrize("error", AMBIGUOUS)
async def test_an_ambiguous_failure_is_uncertain_and_not_re_sent(error):
    bot = StubBot(error)
    result, slept = await deliver(bot)
    assert isinstance(result, Uncertain) and slept == [] and len(bot.calls) == 1


@pytest.mark.parametrize(
    ("errors", "expected", "waits"),
    [
        ([RetryAfter(2)], Delivered, [2.0]),
        ([RetryAfter(2), RetryAfter(3), RetryAfter(4)], RetryLater, [2.0, 3.0]),
        ([RetryAfter(3600)], RetryLater, []),
        ([NOT_SENT[0], NOT_SENT[3]], Delivered, [1.0, 2.0]),
        ([NetworkError("Bad Gateway")] * 3, RetryLater, [1.0, 2.0]),
        ([Forbidden("Forbidden: bot was blocked by the user")], Blocked, []),
        ([BadRequest("Bad Request: chat not found")], Blocked, []),
        ([BadRequest("Bad Request: message is too long")], RetryLater, []),
    ],
)
async def test_errors_map_to_outcomes(errors, expected, waits):
    bot = StubBot(*errors)
    result, slept = await deliver(bot)
    assert isinstance(result, expected) and slept == waits
