"""Cell meetings on Telegram: the feature's entry point — commands, menu entries, the declared
`mt:<action>[:args]` buttons, and the buttons under meeting reminders.

The guided logging flow is in `meeting_flow` (its screens in `meeting_steps`), the meeting
book, year view and attendance in `meeting_book`, shared helpers in `meeting_common`.
"""

from __future__ import annotations

from telegram.ext import CommandHandler

from chibo.handlers.common import App, Req, cb, current_cell_id, expired, handler
from chibo.handlers.meeting_book import (
    confirm_delete,
    delete,
    show_detail,
    show_list,
    show_member,
    show_member_picker,
    show_year,
    task_done,
)
from chibo.handlers.meeting_common import KIND, F
from chibo.handlers.meeting_flow import FLOW_ROUTES, on_text, start_edit, start_new
from chibo.handlers.meeting_steps import render
from chibo.handlers.notices import notice_button
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.routing import INT, Route, opt
from chibo.rules.messages import N_
from chibo.rules.reminder_model import OFFICERS
from chibo.rules.reminders import Reminder
from chibo.usecases.i18n import Translator

# == routes ======================================================================================


async def _new(req: Req, org_id: int | None) -> None:
    await start_new(req, org_id)


async def _list(req: Req, org_id: int | None, page: int | None) -> None:
    """mt:list (the user's own cell), mt:list:<org>:<page>."""
    if org_id is None:
        await _show_own_book(req)
    elif page is None:
        await expired(req)
    else:
        await show_list(req, org_id, page)


async def _year(req: Req, org_id: int, year: int) -> None:
    if 2000 <= year <= req.ctx.today().year:
        await show_year(req, org_id, year)
    else:
        await expired(req)


async def _done_from_reminder(req: Req, task_id: int) -> None:
    await task_done(req, task_id, from_detail=False)


async def _done_from_detail(req: Req, task_id: int) -> None:
    await task_done(req, task_id, from_detail=True)


async def _show_detail(req: Req, meeting_id: int) -> None:
    await show_detail(req, meeting_id)


ROUTES: dict[str, Route] = {
    "new": Route(_new, opt(INT)),
    "list": Route(_list, opt(INT), opt(INT)),
    "mems": Route(show_member_picker, INT, INT),
    "yr": Route(_year, INT, INT),
    "v": Route(_show_detail, INT),
    "edit": Route(start_edit, INT),
    "del": Route(confirm_delete, INT),
    "delok": Route(delete, INT),
    "dd": Route(_done_from_detail, INT),
    "done": Route(_done_from_reminder, INT),
    "ma": Route(show_member, INT),
    **FLOW_ROUTES,
}


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
    if reminder.kind == "meeting.missing":  # the month's reminder: announce, then log
        return [
            notice_button(_, reminder.org_id),
            (_("Log a cell meeting"), cb(F, "new", reminder.org_id)),
        ]
    if reminder.kind == "meeting.thematic":
        return [(_("Log a cell meeting"), cb(F, "new", reminder.org_id))]
    return []


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(CommandSpec("meeting", N_("Log a cell meeting"), "cell", 10))
    reg.add_command(
        CommandSpec("meetings", N_("The meeting book: meetings, year view, attendance"), "cell", 11)
    )
    reg.add_menu(MenuEntry(N_("Log a cell meeting"), cb(F, "new"), "cell", 10))
    reg.add_menu(MenuEntry(N_("Meeting book"), cb(F, "list"), "cell", 11))
    app.add_handler(CommandHandler("meeting", meeting_command))
    app.add_handler(CommandHandler("meetings", meetings_command))
    reg.add_routes(F, ROUTES)
    reg.add_text_flow(KIND, on_text)
    reg.add_reminder_actions("meeting", reminder_buttons)
    reg.add_resumable(KIND, N_("meeting entry"), render)
