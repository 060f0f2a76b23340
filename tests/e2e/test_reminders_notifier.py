"""The Telegram notifier's error handling, with a stub bot (no waiting: sleeps are recorded)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.reminders import TelegramNotifier
from rules.reminders import ProbationCase, ReminderState, due_reminders
from rules.workdays import WorkCalendar
from storage.orgs import Org
from storage.users import User
from usecases.reminders import Blocked, Delivered, Outgoing, RetryLater, reminder_message

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
    (reminder,) = due_reminders(ReminderState((case,)), END, WorkCalendar())
    org = Org(4, "C1", "Chi bộ thôn 1", "cell", 2)
    user = User(1001, "Lan", None, language, tg_language, None, None)
    return Outgoing(9, user, reminder, org, reminder_message(reminder, org))


async def deliver(bot: StubBot, item: Outgoing | None = None, **kw):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

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


@pytest.mark.parametrize(
    ("errors", "expected", "waits"),
    [
        ([RetryAfter(2)], Delivered, [2.0]),
        ([RetryAfter(2), RetryAfter(3), RetryAfter(4)], RetryLater, [2.0, 3.0]),
        ([RetryAfter(3600)], RetryLater, []),
        ([TimedOut(), NetworkError("reset")], Delivered, [1.0, 2.0]),
        ([NetworkError("down")] * 3, RetryLater, [1.0, 2.0]),
        ([Forbidden("Forbidden: bot was blocked by the user")], Blocked, []),
        ([BadRequest("Bad Request: chat not found")], Blocked, []),
        ([BadRequest("Bad Request: message is too long")], RetryLater, []),
    ],
)
async def test_errors_map_to_outcomes(errors, expected, waits):
    bot = StubBot(*errors)
    result, slept = await deliver(bot)
    assert isinstance(result, expected) and slept == waits
