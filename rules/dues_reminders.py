"""Reminder rules for party dues (§6.6) and the unpaid-dues ground for removal (§6.5 a).

Chains (each yields at most its latest step that has come, :func:`latest_step`):

- ``dues.month`` (secretary, deputy): the cell's month is not recorded by day
  ``dues.record.remind_day`` (5) of the next month. Step "YYYY-MM". Only the two previous months
  are looked at, and only from the cell's first recorded month (cells that keep the ledger
  elsewhere are not reminded).
- ``dues.unpaid.warning`` (secretary, deputy): a member's months unpaid without a valid reason
  reach ``dues.unpaid.warn_at`` (2) in the calendar year or the rolling
  ``dues.unpaid.window_months`` (12). Step = the month that reached it, due its last day.
- ``dues.unpaid.review`` (secretary, deputy): they reach ``dues.unpaid.removal_threshold`` (3):
  a prompt to consider removal from the list (xóa tên, §6.5 a), with the months as evidence;
  never automatic. Step and date as for the warning; one chain per member with the warning.
- ``dues.relief.ending`` (secretary, deputy): a reduction or an exemption with an end month
  ends; ``dues.relief.ending_notice_days`` (30) before the end month's last day. Step
  "<kind>:<start YYYY-MM>:<end YYYY-MM>".

An unpaid occurrence is shown while its month is within the window of today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME, Catalogue
from chibo.rules.dates import add_months, month_end
from chibo.rules.dues import GROUND_LABELS, Relief, month_key, unpaid_occurrences
from chibo.rules.messages import N_, Msg
from chibo.rules.reminder_model import (
    SECRETARIAT,
    Reminder,
    ReminderFamily,
    Severity,
    latest_step,
    make_reminder,
)
from chibo.rules.workdays import WorkCalendar

_MONTH = N_(
    "The party dues of {org} for {month} are not recorded yet. Members pay monthly, on the "
    "national public-service portal or in cash to the cell (QĐ 01-QĐ/TW); please record the "
    "month."
)
_WARNING = N_(
    "{name} has not paid party dues, without a valid reason, for {count} months ({months}). Not "
    "paying dues for {threshold} months in a year without a valid reason is a ground for "
    "removal from the list (xóa tên) (QĐ 01-QĐ/TW; {regulation} §8.1). Please remind the member."
)
_REVIEW = N_(
    "{name} has not paid party dues, without a valid reason, for {count} months in a year "
    "({months}). This is a ground for the cell to consider removing the member from the list "
    "(xóa tên) (QĐ 01-QĐ/TW; {regulation} §8.1). Please review the case with the cell committee; "
    "nothing happens automatically."
)
_REDUCTION_ENDING = N_(
    "The {percent}% dues reduction of {name} ends with {end}. From the next month the full "
    "amount is due, unless a new decision is recorded (at most 12 months per decision, "
    "QĐ 01-QĐ/TW)."
)
_EXEMPTION_ENDING = N_(
    "The dues exemption of {name} ({ground}) ends with {end}. From the next month dues are due "
    "again, unless the exemption is renewed."
)


@dataclass(frozen=True)
class DuesCellCase:
    org_id: int
    org_name: str
    recorded_months: tuple[date, ...] = ()  # first days of the months recorded


@dataclass(frozen=True)
class DuesMemberCase:
    member_id: int
    org_id: int
    full_name: str
    unpaid: tuple[date, ...] = ()  # months recorded unpaid without a valid reason
    reliefs: tuple[Relief, ...] = ()


def _reminder(
    kind: str,
    org_id: int,
    subject: tuple[str, int, str],
    due_date: date,
    step: str,
    severity: Severity,
    message: str,
    params: dict[str, object],
) -> Reminder:
    return make_reminder(
        kind, org_id, subject, due_date, step, severity, SECRETARIAT, message, params
    )


def month_label(d: date) -> str:
    return f"{d.month:02d}/{d.year}"


def dues_month_reminders(
    cases: Iterable[DuesCellCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    found: list[Reminder] = []
    current = today.replace(day=1)
    for case in cases:
        if not case.recorded_months:
            continue
        since = min(case.recorded_months)
        chain = []
        for month in (add_months(current, -2), add_months(current, -1)):
            if month < since or month in case.recorded_months:
                continue
            nxt = add_months(month, 1)
            day = catalogue.get_int("dues.record.remind_day", nxt)
            due = nxt.replace(day=min(max(day, 1), month_end(nxt).day))
            params: dict[str, object] = {"org": case.org_name, "month": month_label(month)}
            chain.append(
                _reminder(
                    "dues.month",
                    case.org_id,
                    ("cell", case.org_id, case.org_name),
                    due,
                    month_key(month),
                    "due",
                    _MONTH,
                    params,
                )
            )
        step = latest_step(chain, today)
        if step is not None:
            found.append(step)
    return found


def dues_member_reminders(
    cases: Iterable[DuesMemberCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    found: list[Reminder] = []
    window = catalogue.get_int("dues.unpaid.window_months", today)
    warn_at = catalogue.get_int("dues.unpaid.warn_at", today)
    threshold = catalogue.get_int("dues.unpaid.removal_threshold", today)
    for case in cases:
        subject = ("member", case.member_id, case.full_name)
        chain = []
        for occ in unpaid_occurrences(case.unpaid, window, warn_at, threshold):
            if month_end(occ.trigger) <= add_months(today, -window):
                continue  # left the window: history, not a reminder
            params: dict[str, object] = {
                "name": case.full_name,
                "count": len(occ.months),
                "months": ", ".join(month_label(m) for m in occ.months),
                "threshold": threshold,
                "windows": ",".join(occ.windows),
                "regulation": catalogue.get(REGULATION_NAME, occ.trigger),
            }
            review = occ.level == "review"
            chain.append(
                _reminder(
                    "dues.unpaid.review" if review else "dues.unpaid.warning",
                    case.org_id,
                    subject,
                    month_end(occ.trigger),
                    month_key(occ.trigger),
                    "due" if review else "info",
                    _REVIEW if review else _WARNING,
                    params,
                )
            )
        step = latest_step(chain, today)
        if step is not None:
            found.append(step)
        found.extend(_relief_endings(case, today, catalogue))
    return found


def _relief_endings(case: DuesMemberCase, today: date, catalogue: Catalogue) -> list[Reminder]:
    found: list[Reminder] = []
    for relief in case.reliefs:
        if relief.end is None:
            continue
        last = month_end(relief.end)
        notice = catalogue.get_int("dues.relief.ending_notice_days", last)
        due = last - timedelta(days=notice)
        if not due <= today <= last:
            continue
        params: dict[str, object] = {
            "name": case.full_name,
            "percent": relief.percent or 0,
            "ground": Msg(GROUND_LABELS.get(relief.ground or "", GROUND_LABELS["serious_illness"])),
            "end": month_label(relief.end),
        }
        found.append(
            _reminder(
                "dues.relief.ending",
                case.org_id,
                ("member", case.member_id, case.full_name),
                due,
                f"{relief.kind}:{month_key(relief.start)}:{month_key(relief.end)}",
                "info",
                _REDUCTION_ENDING if relief.kind == "reduction" else _EXEMPTION_ENDING,
                params,
            )
        )
    return found


DUES_MONTH_FAMILY = ReminderFamily("dues.month", dues_month_reminders)

DUES_MEMBER_FAMILY = ReminderFamily("dues.member", dues_member_reminders)
