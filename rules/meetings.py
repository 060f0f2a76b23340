"""Cell meetings (domain-rules §4 M1-M7) and unexcused absences (§6.5).

Kinds: a *regular* meeting (sinh hoạt thường kỳ) once a month (Party Charter, Art. 24(2)); a
*thematic* meeting (sinh hoạt chuyên đề) at least once a quarter, which does not replace the
monthly one (HD 12-HD/BTCTW, 6/7/2018); an *extraordinary* meeting (bất thường) counts for
neither. A combined session is recorded as two meetings (one regular, one thematic).

Absences (§6.5(a)): "skipping party activities three months in a year without valid reason" is
a ground for removal from the list (xóa tên). We count *months* with at least one unexcused
absence (two missed meetings in one month are one month skipped) over a rolling window of
``attendance.unexcused.window_months`` (12) months ending on the day asked: the window is
``(add_months(today, -12), today]``, so an absence exactly 12 months ago has left it. Any three
months of one calendar year also lie in such a window, so the rolling count covers the
calendar-year reading too. It only ever prompts the cell; nothing is automatic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dates import add_months, month_end, quarter_bounds
from chibo.rules.messages import N_, Msg

MeetingKind = Literal["regular", "thematic", "extraordinary"]
MEETING_KINDS: tuple[MeetingKind, ...] = ("regular", "thematic", "extraordinary")
AttendanceStatus = Literal["present", "excused", "unexcused"]
PeriodStatus = Literal["held", "missing", "open", "future"]
AbsenceLevel = Literal["none", "warn", "review"]


@dataclass(frozen=True)
class Meeting:
    """One recorded meeting of a cell (``meeting_id`` None for one not stored yet)."""

    org_id: int
    held_on: date
    kind: MeetingKind
    meeting_id: int | None = None
    topic: str | None = None
    rating: str | None = None


@dataclass(frozen=True)
class AttendanceRecord:
    """One member's attendance at one meeting."""

    held_on: date
    status: AttendanceStatus


# --- the year view --------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthView:
    month: int
    status: PeriodStatus  # of the regular meeting
    regular_dates: tuple[date, ...]

    @property
    def regular_held(self) -> bool:
        return bool(self.regular_dates)


@dataclass(frozen=True)
class QuarterView:
    quarter: int
    status: PeriodStatus  # of the thematic meeting
    thematic_dates: tuple[date, ...]


@dataclass(frozen=True)
class YearView:
    year: int
    months: tuple[MonthView, ...]  # 12, January first
    quarters: tuple[QuarterView, ...]  # 4
    extraordinary_dates: tuple[date, ...]


def period_status(first: date, last: date, held: bool, today: date) -> PeriodStatus:
    """held; else future (not started), open (running) or missing (over without a meeting)."""
    if held:
        return "held"
    if today < first:
        return "future"
    return "open" if today <= last else "missing"


def year_view(meetings: Iterable[Meeting], year: int, today: date) -> YearView:
    """Which months had a regular meeting and which quarters a thematic one, in ``year``."""
    mine = [m for m in meetings if m.held_on.year == year]

    def dates_of(kind: MeetingKind, first: date, last: date) -> tuple[date, ...]:
        return tuple(
            sorted(m.held_on for m in mine if m.kind == kind and first <= m.held_on <= last)
        )

    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = month_end(first)
        held = dates_of("regular", first, last)
        months.append(MonthView(month, period_status(first, last, bool(held), today), held))
    quarters = []
    for q in range(1, 5):
        first, last = quarter_bounds(year, q)
        held = dates_of("thematic", first, last)
        quarters.append(QuarterView(q, period_status(first, last, bool(held), today), held))
    extraordinary = dates_of("extraordinary", date(year, 1, 1), date(year, 12, 31))
    return YearView(year, tuple(months), tuple(quarters), extraordinary)


# --- attendance -----------------------------------------------------------------------------


def unexcused_absences(
    records: Iterable[AttendanceRecord], today: date, window_months: int
) -> tuple[date, ...]:
    """Dates of unexcused absences in ``(add_months(today, -window_months), today]``, sorted."""
    start = add_months(today, -window_months)
    return tuple(
        sorted(
            {r.held_on for r in records if r.status == "unexcused" and start < r.held_on <= today}
        )
    )


def months_with_absence(dates: Iterable[date]) -> int:
    """How many distinct calendar months the dates fall in (§6.5 counts months skipped)."""
    return len({(d.year, d.month) for d in dates})


@dataclass(frozen=True)
class AbsenceStatus:
    dates: tuple[date, ...]  # unexcused absences in the window
    months: int  # distinct months among them
    level: AbsenceLevel  # none; warn (attendance.unexcused.warn_at); review (removal threshold)


def absence_status(
    records: Iterable[AttendanceRecord], today: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> AbsenceStatus:
    """§6.5: warn at 2 months with unexcused absences in the window, a xóa tên review at 3."""
    window = catalogue.get_int("attendance.unexcused.window_months", today)
    dates = unexcused_absences(records, today, window)
    months = months_with_absence(dates)
    level: AbsenceLevel = "none"
    if months >= catalogue.get_int("attendance.unexcused.removal_threshold", today):
        level = "review"
    elif months >= catalogue.get_int("attendance.unexcused.warn_at", today):
        level = "warn"
    return AbsenceStatus(dates, months, level)


@dataclass(frozen=True)
class AbsenceOccurrence:
    """The unexcused absences that first reach the threshold; ``trigger`` is the last of them."""

    trigger: date
    dates: tuple[date, ...]


def absence_occurrences(
    unexcused: Iterable[date], window_months: int, threshold: int
) -> tuple[AbsenceOccurrence, ...]:
    """Each time the months with unexcused absences in a window reach ``threshold``.

    Months are used once: after an occurrence only absences in later months count towards the
    next one, so each alert rests on its own evidence (3 fresh months, not the 4th absence).
    """
    dates = sorted(set(unexcused))
    found: list[AbsenceOccurrence] = []
    after: tuple[int, int] | None = None  # (year, month) of the previous trigger
    for d in dates:
        start = add_months(d, -window_months)
        evidence = tuple(
            x for x in dates if start < x <= d and (after is None or (x.year, x.month) > after)
        )
        if months_with_absence(evidence) >= threshold:
            found.append(AbsenceOccurrence(d, evidence))
            after = (d.year, d.month)
    return tuple(found)


# --- the cell and its votes -------------------------------------------------------------------


@dataclass(frozen=True)
class BaseMember:
    """A member of the cell as seen by a vote (A9, E4)."""

    member_id: int
    official: bool  # official member (probationary members have no vote, P2)
    exempt: bool = False  # exempted from party work and activities (§6.4)
    present: bool = True  # at the meeting
    temporarily_away: bool = False  # on temporary transfer to another cell (§6.3)
    temporary_guest: bool = False  # here on temporary transfer from another cell (§6.3)


def vote_base(members: Iterable[BaseMember]) -> int:
    """A9: official members, less those temporarily transferred elsewhere and absent exempted
    members; members here on temporary transfer are not counted either (§6.3)."""
    return sum(
        1
        for m in members
        if m.official
        and not m.temporarily_away
        and not m.temporary_guest
        and (m.present or not m.exempt)
    )


# --- validation of a meeting record -----------------------------------------------------------


@dataclass(frozen=True)
class MeetingCheck:
    """Problems with a meeting record; ``duplicate_of`` is the month's regular meeting already
    recorded, which the caller should offer to edit instead."""

    problems: tuple[Msg, ...] = ()
    duplicate_of: Meeting | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def month_label(d: date) -> str:
    """A month as both languages write it: "03/2026"."""
    return f"{d.month:02d}/{d.year}"


def check_meeting(
    meeting: Meeting,
    existing: Sequence[Meeting],
    today: date,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> MeetingCheck:
    """Validate a new or edited meeting against the cell's other meetings.

    A record with the same ``meeting_id`` in ``existing`` is the one being edited and is
    ignored. Refused: an unknown kind, a date after ``today``, a second regular meeting in a
    month, a thematic meeting without a topic, a rating outside ``meeting.rating_levels``.
    """
    problems: list[Msg] = []
    if meeting.kind not in MEETING_KINDS:
        problems.append(Msg(N_("Unknown meeting kind {kind}."), {"kind": meeting.kind}))
    if meeting.held_on > today:
        problems.append(
            Msg(
                N_(
                    "The meeting date {held_on} is in the future; record a meeting once it is held."
                ),
                {"held_on": meeting.held_on},
            )
        )
    duplicate = None
    if meeting.kind == "regular":
        duplicate = next(
            (
                m
                for m in sorted(existing, key=lambda m: m.held_on)
                if m.kind == "regular"
                and m.org_id == meeting.org_id
                and (m.held_on.year, m.held_on.month)
                == (meeting.held_on.year, meeting.held_on.month)
                and (meeting.meeting_id is None or m.meeting_id != meeting.meeting_id)
            ),
            None,
        )
        if duplicate is not None:
            problems.append(
                Msg(
                    N_(
                        "A regular meeting of this cell is already recorded for {month} (on "
                        "{existing}); the cell holds one regular meeting a month (Party Charter, "
                        "Art. 24). Edit that record instead."
                    ),
                    {"month": month_label(meeting.held_on), "existing": duplicate.held_on},
                )
            )
    if meeting.kind == "thematic" and not (meeting.topic or "").strip():
        problems.append(
            Msg(
                N_(
                    "A thematic meeting needs its topic (Guidance 12-HD/BTCTW of 6/7/2018 on "
                    "the quality of cell meetings)."
                )
            )
        )
    if meeting.rating is not None:
        levels = catalogue.get_strs("meeting.rating_levels", meeting.held_on)
        if meeting.rating not in levels:
            problems.append(
                Msg(
                    N_("The meeting rating must be one of: {levels}."),
                    {"levels": ", ".join(levels)},
                )
            )
    return MeetingCheck(tuple(problems), duplicate)
