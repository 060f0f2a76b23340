"""Reminder rules for the year-end evaluation (domain-rules §5 E2, E5, E6; §6.5 d).

Chains (each yields at most its latest step that has come, :func:`latest_step`). The campaign
dates come from the year's upper-level instruction, entered when an officer opens the
campaign (`chibo evaluation open`); nothing is reminded for a year without a campaign:

- ``evaluation.start`` (secretary, deputy): from ``remind_from`` (the campaign's, else
  ``evaluation.remind_from``: 1 November of the reviewed year), step "open" (info), then
  ``evaluation.remind_before_days`` (7) before the review deadline, step "-7d" (due), while
  the cell has members without a proposed level or has not recorded its review meeting
  (cells with nobody on their roster are not reminded).
- ``evaluation.escalation`` (officers above the cell): the same, still not done
  ``evaluation.escalate_days`` (1) after the review deadline. Step "late".
- ``evaluation.residence`` (secretary, deputy): from ``remind_from``, per member working
  elsewhere (QĐ 213) whose residence cell's comments are not recorded. Step "comments".
- ``evaluation.remedy`` (secretary, deputy): a remedy for a shortcoming found at the review
  not done by its due date. Step "due".

The cell and member chains' steps carry the campaign year ("2026:open", "2026:-7d",
"2026:late", "2026:comments"), so each year is reminded afresh. Years rated KHT are not a
family here: they are evidence for the lifecycle's removal review (``removal.warn`` after
one year, ``removal.review`` after ``removal.kht_years`` in a row; `storage.evaluation`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
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

_START = N_(
    "The year-end review of {year} (kiểm điểm, đánh giá, xếp loại chất lượng) is open: "
    "{org} reviews its members by {review_by} and results go up by {report_by} "
    "({instruction}). {pending} of {due} members have no level proposed yet; collect the "
    "self-assessments and self-improvement plans before the cell meeting."
)
_ESCALATION = N_(
    "{org} has not finished the year-end review of {year}: the deadline was {review_by} "
    "({instruction}) and {pending} of {due} members have no level proposed yet. Please follow "
    "up with the cell."
)
_RESIDENCE = N_(
    "{name} works elsewhere: the year-end review of {year} needs the comments of the party "
    "cell where they live (QĐ 213-QĐ/TW). Please ask the residence cell for them before the "
    "review on {review_by}."
)
_REMEDY = N_(
    "The remedy for a shortcoming found at the year-end review of {year} ({subject}) was due "
    "on {due} and is not marked done: {remedy}"
)


@dataclass(frozen=True)
class EvaluationCellCase:
    """One cell under an open campaign, as the reminder rules see it."""

    org_id: int
    org_name: str
    year: int
    review_by: date
    report_by: date
    remind_from: date | None = None  # None: `evaluation.remind_from` of the year
    instruction: str = ""
    due: int = 0  # members to review
    pending: int = 0  # of them, without a proposed level
    review_held: bool = False  # the cell recorded its review meeting
    #: (member id, name) of members working elsewhere without residence comments
    residence_pending: tuple[tuple[int, str], ...] = ()

    @property
    def done(self) -> bool:
        """Reviewed everyone; a cell without members on its roster is not reminded."""
        return self.due == 0 or (self.review_held and self.pending == 0)


@dataclass(frozen=True)
class RemedyCase:
    remedy_id: int
    org_id: int
    year: int
    subject: str  # the member's name, or the cell's
    remedy: str
    due_date: date
    done: bool = False


def remind_from(case: EvaluationCellCase, catalogue: Catalogue = DEFAULT_CATALOGUE) -> date:
    if case.remind_from is not None:
        return case.remind_from
    month, day = catalogue.get_ints("evaluation.remind_from", date(case.year, 12, 31))
    return date(case.year, month, day)


def campaign_reminders(
    cases: Iterable[EvaluationCellCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """The cell's review, its escalation, and residence comments (E2, E6)."""
    found: list[Reminder] = []
    for case in cases:
        if case.year < today.year - 1:
            continue
        start = remind_from(case, catalogue)
        before = catalogue.get_int("evaluation.remind_before_days", case.review_by)
        late = catalogue.get_int("evaluation.escalate_days", case.review_by)
        subject = ("cell", case.org_id, case.org_name)
        params: dict[str, object] = {
            "org": case.org_name,
            "year": case.year,
            "review_by": case.review_by,
            "report_by": case.report_by,
            "instruction": case.instruction or "—",
            "due": case.due,
            "pending": case.pending,
        }
        if not case.done:
            chain = [
                make_reminder(
                    "evaluation.start",
                    case.org_id,
                    subject,
                    start,
                    f"{case.year}:open",
                    "info",
                    SECRETARIAT,
                    _START,
                    params,
                ),
                make_reminder(
                    "evaluation.start",
                    case.org_id,
                    subject,
                    max(start, case.review_by - before * _DAY),
                    f"{case.year}:-{before}d",
                    "due",
                    SECRETARIAT,
                    _START,
                    params,
                ),
            ]
            step = latest_step(chain, today)
            if step is not None:
                found.append(step)
            escalate_on = case.review_by + late * _DAY
            if escalate_on <= today:
                found.append(
                    make_reminder(
                        "evaluation.escalation",
                        case.org_id,
                        subject,
                        escalate_on,
                        f"{case.year}:late",
                        "escalation",
                        OFFICERS,
                        _ESCALATION,
                        params,
                    )
                )
        if start <= today:
            for member_id, name in case.residence_pending:
                found.append(
                    make_reminder(
                        "evaluation.residence",
                        case.org_id,
                        ("member", member_id, name),
                        start,
                        f"{case.year}:comments",
                        "due",
                        SECRETARIAT,
                        _RESIDENCE,
                        {"name": name, "year": case.year, "review_by": case.review_by},
                    )
                )
    return found


def remedy_reminders(
    cases: Iterable[RemedyCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """A remedy plan not done on its due date (like a meeting task)."""
    return [
        make_reminder(
            "evaluation.remedy",
            case.org_id,
            ("remedy", case.remedy_id, case.subject),
            case.due_date,
            "due",
            "due",
            SECRETARIAT,
            _REMEDY,
            {
                "year": case.year,
                "subject": case.subject,
                "due": case.due_date,
                "remedy": case.remedy,
            },
        )
        for case in cases
        if not case.done and case.due_date <= today
    ]


CAMPAIGN_FAMILY = ReminderFamily("evaluation.campaign", campaign_reminders)

REMEDY_FAMILY = ReminderFamily("evaluation.remedy", remedy_reminders)
