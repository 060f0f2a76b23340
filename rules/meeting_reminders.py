"""Reminder rules for cell meetings, absences, meeting tasks and the cell's size (§4, §6.5).

Chains (each yields at most its latest step that has come, :func:`latest_step`); dates are
computed with the catalogue in force on the period's last day:

- ``meeting.missing`` (secretary, deputy): no regular meeting recorded for a month by its
  ``meeting.monthly.remind_day`` (25; clamped to the month's length). Step "YYYY-MM".
- ``meeting.missing.escalation`` (officers): still none ``meeting.monthly.escalate_days`` (5)
  days after the month's last day. Step "YYYY-MM".
- ``meeting.thematic`` (secretary, deputy): no thematic meeting in a quarter by
  ``meeting.thematic.remind_day`` (15) of the quarter's last month. Step "YYYY-Qn".
- ``meeting.thematic.escalation`` (officers): still none ``meeting.thematic.escalate_days`` days
  after the quarter's last day (``period end + days`` like the monthly escalation). The default
  1 sends it on the first day after the quarter, once the cell can no longer meet in it (issue 9
  §3); 0 would send it on the quarter's last day.
- ``meeting.absences`` (secretary, deputy): a member's unexcused absences reach
  ``attendance.unexcused.removal_threshold`` (3) months within the rolling window (12 months),
  once per occurrence (:func:`rules.meetings.absence_occurrences`); step = ISO date of the
  absence that reached the threshold, due that day; shown while that day is within the window.
- ``meeting.task`` (secretary, deputy): a task from a meeting not done on its due date. Step "due".
- ``cell.min_members`` (secretary, deputy and officers): fewer than
  ``cell.min_official_members`` (3) official members; once a month while it lasts, step
  "YYYY-MM" dated the 1st.

Only the current and the previous month (quarter) are looked at, so after downtime a cell gets
the latest step of each chain, not one reminder per missed month; older gaps show in the year
view (:func:`rules.meetings.year_view`). Periods that ended before ``since`` (when the bot started
tracking the cell) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME, Catalogue
from chibo.rules.dates import add_months, month_end, quarter_bounds, quarter_of
from chibo.rules.meetings import AttendanceRecord, absence_occurrences, month_label
from chibo.rules.messages import N_
from chibo.rules.reminder_model import (
    OFFICERS,
    SECRETARIAT,
    Reminder,
    ReminderFamily,
    latest_step,
    make_reminder,
)
from chibo.rules.workdays import WorkCalendar

_DAY = timedelta(days=1)

_MISSING = N_(
    "No regular meeting of {org} is recorded for {month}. The cell holds a regular meeting "
    "once a month (Party Charter, Art. 24); if it has met, please record the meeting."
)
_MISSING_ESCALATION = N_(
    "{org} has no regular meeting recorded for {month}, {days} days after the month ended "
    "(Party Charter, Art. 24: a regular meeting every month). Please follow up with the cell."
)
_THEMATIC = N_(
    "No thematic meeting of {org} is recorded for quarter {quarter}/{year}, which ends on "
    "{end}. Besides the monthly meetings, a cell holds at least one thematic meeting a quarter "
    "(Guidance 12-HD/BTCTW of 6/7/2018)."
)
_THEMATIC_ESCALATION = N_(
    "{org} has no thematic meeting recorded for quarter {quarter}/{year} (up to {end}); a cell "
    "holds at least one thematic meeting a quarter (Guidance 12-HD/BTCTW of 6/7/2018). Please "
    "follow up with the cell."
)
_ABSENCES = N_(
    "{name} has skipped party activities without a valid reason in {count} months within "
    "{window} months ({dates}). Skipping party activities {threshold} months in a year without "
    "a valid reason is a ground for the cell to consider removing a member from the list (xóa "
    "tên) (Party Charter, Art. 8; {regulation} §8.1). Please review the case with the cell "
    "committee; nothing happens automatically."
)
_TASK = N_(
    "A task from a cell meeting, assigned to {name}, was due on {due} and is not marked done: "
    "{task}"
)
_MIN_MEMBERS = N_(
    "{org} has {count} official members; a cell needs at least {minimum} (Party Charter, "
    "Art. 24). Until the level above reassigns members or merges the cell, its votes on "
    "admission and conversion are not valid."
)


@dataclass(frozen=True)
class CellMeetingCase:
    """One cell's meetings as the reminder rules see them."""

    org_id: int
    org_name: str
    regular_dates: tuple[date, ...] = ()
    thematic_dates: tuple[date, ...] = ()
    since: date | None = None  # periods that ended before this day are not reminded
    official_count: int | None = None  # for cell.min_members; None: not checked


@dataclass(frozen=True)
class AbsenceCase:
    """One member's attendance records (exempted members are left out by the caller)."""

    member_id: int
    org_id: int
    full_name: str
    records: tuple[AttendanceRecord, ...] = ()


@dataclass(frozen=True)
class TaskCase:
    """A task assigned at a meeting."""

    task_id: int
    org_id: int
    member_name: str
    text: str
    due_date: date | None
    done: bool = False


def _month_starts(today: date) -> list[date]:
    current = date(today.year, today.month, 1)
    return [add_months(current, -1), current]


def _quarter_numbers(today: date) -> list[tuple[int, int]]:
    q, year = quarter_of(today), today.year
    previous = (year, q - 1) if q > 1 else (year - 1, 4)
    return [previous, (year, q)]


def meeting_reminders(
    cases: Iterable[CellMeetingCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """Missing regular and thematic meetings, and cells below the minimum size."""
    found: list[Reminder] = []
    for case in cases:
        for chain in (
            *_monthly_chains(case, today, catalogue),
            *_thematic_chains(case, today, catalogue),
        ):
            step = latest_step(chain, today)
            if step is not None:
                found.append(step)
        size = _min_members(case, today, catalogue)
        if size is not None:
            found.append(size)
    return found


def _monthly_chains(
    case: CellMeetingCase, today: date, catalogue: Catalogue
) -> tuple[list[Reminder], list[Reminder]]:
    subject = ("cell", case.org_id, case.org_name)
    remind: list[Reminder] = []
    escalate: list[Reminder] = []
    for first in _month_starts(today):
        last = month_end(first)
        if case.since is not None and last < case.since:
            continue
        if any(first <= d <= last for d in case.regular_dates):
            continue
        day = catalogue.get_int("meeting.monthly.remind_day", last)
        days = catalogue.get_int("meeting.monthly.escalate_days", last)
        params: dict[str, object] = {
            "org": case.org_name,
            "month": month_label(first),
            "days": days,
        }
        step = f"{first.year}-{first.month:02d}"
        remind.append(
            make_reminder(
                "meeting.missing",
                case.org_id,
                subject,
                date(first.year, first.month, min(max(day, 1), last.day)),
                step,
                "due",
                SECRETARIAT,
                _MISSING,
                params,
            )
        )
        escalate.append(
            make_reminder(
                "meeting.missing.escalation",
                case.org_id,
                subject,
                last + days * _DAY,
                step,
                "escalation",
                OFFICERS,
                _MISSING_ESCALATION,
                params,
            )
        )
    return remind, escalate


def _thematic_chains(
    case: CellMeetingCase, today: date, catalogue: Catalogue
) -> tuple[list[Reminder], list[Reminder]]:
    subject = ("cell", case.org_id, case.org_name)
    remind: list[Reminder] = []
    escalate: list[Reminder] = []
    for year, q in _quarter_numbers(today):
        first, last = quarter_bounds(year, q)
        if case.since is not None and last < case.since:
            continue
        if any(first <= d <= last for d in case.thematic_dates):
            continue
        day = catalogue.get_int("meeting.thematic.remind_day", last)
        days = catalogue.get_int("meeting.thematic.escalate_days", last)
        params: dict[str, object] = {"org": case.org_name, "quarter": q, "year": year, "end": last}
        step = f"{year}-Q{q}"
        remind.append(
            make_reminder(
                "meeting.thematic",
                case.org_id,
                subject,
                date(year, last.month, min(max(day, 1), last.day)),
                step,
                "due",
                SECRETARIAT,
                _THEMATIC,
                params,
            )
        )
        escalate.append(
            make_reminder(
                "meeting.thematic.escalation",
                case.org_id,
                subject,
                last + days * _DAY,
                step,
                "escalation",
                OFFICERS,
                _THEMATIC_ESCALATION,
                params,
            )
        )
    return remind, escalate


def _min_members(case: CellMeetingCase, today: date, catalogue: Catalogue) -> Reminder | None:
    if case.official_count is None:
        return None
    minimum = catalogue.get_int("cell.min_official_members", today)
    if case.official_count >= minimum:
        return None
    first = date(today.year, today.month, 1)
    params: dict[str, object] = {
        "org": case.org_name,
        "count": case.official_count,
        "minimum": minimum,
    }
    return make_reminder(
        "cell.min_members",
        case.org_id,
        ("cell", case.org_id, case.org_name),
        first,
        f"{first.year}-{first.month:02d}",
        "due",
        SECRETARIAT + OFFICERS,
        _MIN_MEMBERS,
        params,
    )


def absence_reminders(
    cases: Iterable[AbsenceCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """§6.5(a): one alert per occurrence of 3 months with unexcused absences in 12 months."""
    found: list[Reminder] = []
    window = catalogue.get_int("attendance.unexcused.window_months", today)
    threshold = catalogue.get_int("attendance.unexcused.removal_threshold", today)
    for case in cases:
        unexcused = [
            r.held_on for r in case.records if r.status == "unexcused" and r.held_on <= today
        ]
        chain = []
        for occurrence in absence_occurrences(unexcused, window, threshold):
            if occurrence.trigger <= add_months(today, -window):
                continue  # that occurrence has left the window: history, not a reminder
            params: dict[str, object] = {
                "name": case.full_name,
                "count": len({(d.year, d.month) for d in occurrence.dates}),
                "window": window,
                "threshold": threshold,
                "dates": ", ".join(d.strftime("%d/%m/%Y") for d in occurrence.dates),
                "regulation": catalogue.get(REGULATION_NAME, occurrence.trigger),
            }
            chain.append(
                make_reminder(
                    "meeting.absences",
                    case.org_id,
                    ("member", case.member_id, case.full_name),
                    occurrence.trigger,
                    occurrence.trigger.isoformat(),
                    "due",
                    SECRETARIAT,
                    _ABSENCES,
                    params,
                )
            )
        step = latest_step(chain, today)
        if step is not None:
            found.append(step)
    return found


def task_reminders(
    tasks: Iterable[TaskCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """A meeting task not done on its due date (repeated by the sweep until done; sent once)."""
    found: list[Reminder] = []
    for task in tasks:
        if task.done or task.due_date is None or task.due_date > today:
            continue
        params: dict[str, object] = {
            "name": task.member_name,
            "due": task.due_date,
            "task": task.text,
        }
        found.append(
            make_reminder(
                "meeting.task",
                task.org_id,
                ("task", task.task_id, task.member_name),
                task.due_date,
                "due",
                "due",
                SECRETARIAT,
                _TASK,
                params,
            )
        )
    return found


MEETING_FAMILY = ReminderFamily("meetings", meeting_reminders)

ABSENCE_FAMILY = ReminderFamily("absences", absence_reminders)

TASK_FAMILY = ReminderFamily("tasks", task_reminders)
