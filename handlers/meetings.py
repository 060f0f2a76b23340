"""Cell meetings on Telegram: the feature's entry point — commands, menu entries, the routing
of `mt:<action>[:args]` buttons, and the buttons under meeting reminders.

The guided logging flow is in `meeting_flow` (its screens in `meeting_steps`), the meeting
book, year view and attendance in `meeting_book`, shared helpers in `meeting_common`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.i18n import Translator
from handlers.common import (
    CallbackData,
    Req,
    cb,
    current_cell_id,
    expired,
    handler,
)
from handlers.flows import register_text_flow
from handlers.meeting_book import (
    confirm_delete,
    delete,
    show_detail,
    show_list,
    show_member,
    show_member_picker,
    show_year,
    task_done,
)
from handlers.meeting_common import KIND, F
from handlers.meeting_flow import on_button as flow_button
from handlers.meeting_flow import on_text, start_edit, start_new
from handlers.registry import CommandSpec, MenuEntry, add_command, add_menu
from handlers.reminders import add_actions
from rules.meeting_reminders import OFFICERS
from rules.messages import N_
from rules.reminders import Reminder

# == dispatch ====================================================================================


async def _read_action(req: Req, data: CallbackData) -> bool:
    """The book's buttons; False when the data does not fit any of them."""
    a, args = data.action, data.args
    ids = [data.int_arg(i) for i in range(len(args))]
    if any(i is None for i in ids) or len(ids) > 2:
        return False
    if a == "new" and len(ids) <= 1:
        await start_new(req, ids[0] if ids else None)
    elif a == "list" and not ids:
        await _show_own_book(req)
    elif len(ids) == 2:
        org_id, n = ids[0] or 0, ids[1] or 0
        if a == "list":
            await show_list(req, org_id, n)
        elif a == "mems":
            await show_member_picker(req, org_id, n)
        elif a == "yr" and 2000 <= n <= req.ctx.today().year:
            await show_year(req, org_id, n)
        else:
            return False
    elif len(ids) == 1 and a in ONE_ID_ACTIONS:
        await ONE_ID_ACTIONS[a](req, ids[0] or 0)
    else:
        return False
    return True


async def _done_from_reminder(req: Req, task_id: int) -> None:
    await task_done(req, task_id, from_detail=False)


async def _done_from_detail(req: Req, task_id: int) -> None:
    await task_done(req, task_id, from_detail=True)


async def _show_detail(req: Req, meeting_id: int) -> None:
    await show_detail(req, meeting_id)


ONE_ID_ACTIONS: dict[str, Callable[[Req, int], Awaitable[None]]] = {
    "v": _show_detail,
    "edit": start_edit,
    "del": confirm_delete,
    "delok": delete,
    "dd": _done_from_detail,
    "done": _done_from_reminder,
    "ma": show_member,
}


@handler()
async def callback(req: Req) -> None:
    data = req.data
    if data is None or data.feature != F:
        await expired(req)
        return
    if not await flow_button(req, data) and not await _read_action(req, data):
        await expired(req)


@handler()
async def meeting_command(req: Req) -> None:
    await start_new(req)


@handler()
async def meetings_command(req: Req) -> None:
    await _show_own_book(req)


async def _show_own_book(req: Req) -> None:
    """The meeting book of the cell the user works in (or a hint to choose one)."""
    if (org_id := await current_cell_id(req)) is not None:
        await show_list(req, org_id)


# == reminders ===================================================================================


def reminder_buttons(_: Translator, reminder: Reminder) -> list[tuple[str, str]]:
    """Buttons under a meeting reminder (officers' escalations get none: they read only)."""
    if set(reminder.recipients) <= set(OFFICERS):
        return []
    if reminder.kind == "meeting.task":
        return [(_("✔ Mark the task done"), cb(F, "done", reminder.subject_id))]
    if reminder.kind == "meeting.absences":
        return [(_("Attendance record"), cb(F, "ma", reminder.subject_id))]
    if reminder.kind in ("meeting.missing", "meeting.thematic"):
        return [(_("Log a cell meeting"), cb(F, "new", reminder.org_id))]
    return []


def register(app: Application) -> None:
    add_command(CommandSpec("meeting", N_("Log a cell meeting"), "cell", 10))
    add_command(
        CommandSpec("meetings", N_("The meeting book: meetings, year view, attendance"), "cell", 11)
    )
    add_menu(MenuEntry(N_("Log a cell meeting"), cb(F, "new"), "cell", 10))
    add_menu(MenuEntry(N_("Meeting book"), cb(F, "list"), "cell", 11))
    app.add_handler(CommandHandler("meeting", meeting_command))
    app.add_handler(CommandHandler("meetings", meetings_command))
    app.add_handler(CallbackQueryHandler(callback, pattern=rf"^{F}:"))
    register_text_flow(KIND, on_text)
    add_actions("meeting", reminder_buttons)
