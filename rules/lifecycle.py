"""Members who move, pause, work elsewhere or leave (domain-rules §6.1-6.4, 6.7, 6.9, 6.10).

Pure checks and deadlines: official and temporary transfers (QĐ 24/232/294 §6.3), exemption
and temporary exemption (§7.1; HD 01-2021 §10.3), the residence contact of working members
(QĐ 213), and the dossier notice after a member died or left (HD 01-2021 §8). Who is counted
in a cell on a date — the vote base of A9/E4 — is computed here from those records.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME, Catalogue
from chibo.rules.dates import add_months
from chibo.rules.meetings import BaseMember, vote_base
from chibo.rules.messages import N_, Msg
from chibo.rules.workdays import WorkCalendar

TransferKind = Literal["official", "temporary"]
#: Why a member transfers for good (§6.1) or for a while (§6.3).
OUT_REASONS = ("job", "retirement", "residence", "demobilisation", "other")
TEMP_REASONS = ("work", "residence", "study")
ExemptionKind = Literal["exempt", "temporary"]
#: Grounds for exemption (QĐ 24/294 §7.1; HD 12-HD/BTCTW 2022 §IV.1.2).
EXEMPTION_GROUNDS = (
    "age_health",
    "treatment",
    "abroad_remote",
    "mobile_work",
    "maternity",
    "other",
)
#: Working members introduced to the residence cell but excused from meetings and yearly
#: comments (QĐ 213): barracks, officials studying away, students living away.
RESIDENCE_EXCEPTIONS = ("barracks", "study_away", "student_away")
DEPARTURE_KINDS = ("deceased", "left")


@dataclass(frozen=True)
class Period:
    """``start`` to ``end`` inclusive; ``end`` None = still running."""

    start: date
    end: date | None = None

    def covers(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


# --- §6.1 official transfer ------------------------------------------------------------------


@dataclass(frozen=True)
class TransferDeadlines:
    procedure_wd: int
    procedure_deadline: date  # start the procedure by then (trigger + 60 wd)
    procedure_source: str
    letter_wd: int
    letter_deadline: date | None  # present the letter by then (letter + 30 wd)
    letter_source: str


def transfer_deadlines(
    trigger: date,
    letter: date | None,
    calendar: WorkCalendar,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> TransferDeadlines:
    """§6.1: within 60 working days of the trigger; the letter within 30 working days."""
    p_wd = catalogue.get_int("transfer.procedure_wd", trigger)
    on = letter or trigger
    l_wd = catalogue.get_int("transfer.letter_wd", on)
    return TransferDeadlines(
        p_wd,
        calendar.add_working_days(trigger, p_wd),
        catalogue.source("transfer.procedure_wd", trigger),
        l_wd,
        calendar.add_working_days(letter, l_wd) if letter else None,
        catalogue.source("transfer.letter_wd", on),
    )


def check_transfer_dates(trigger: date, letter: date | None) -> Msg | None:
    if letter is not None and letter < trigger:
        return Msg(
            N_(
                "The introduction letter ({letter}) cannot be dated before the day the transfer "
                "began ({trigger})."
            ),
            {"letter": letter, "trigger": trigger},
        )
    return None


def arrival_late_since(letter: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> date:
    """§6.2: from this day an expected arrival is reported as over 3 months late."""
    return add_months(letter, catalogue.get_int("transfer.arrival_late_months", letter))


# --- §6.3 temporary transfer -----------------------------------------------------------------


def check_temporary(
    start: date, end: date, reason: str, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """§6.3: 3 months to under 1 year (full-time study: 3 months to 2 years)."""
    regulation = catalogue.get(REGULATION_NAME, start)
    low = catalogue.get_int("transfer.temporary.min_months", start)
    if end < add_months(start, low):
        return Msg(
            N_(
                "A temporary transfer lasts at least {months} months ({regulation} §6.3.2); "
                "from {start} it can end on {earliest} at the earliest. For a shorter absence "
                "no transfer is needed."
            ),
            {
                "months": low,
                "regulation": regulation,
                "start": start,
                "earliest": add_months(start, low),
            },
        )
    if reason == "study":
        high = catalogue.get_int("transfer.temporary.study_max_months", start)
        if end > add_months(start, high):
            return Msg(
                N_(
                    "A temporary transfer for full-time study lasts at most {months} months "
                    "({regulation} §6.3.2): from {start} it ends by {latest}. Longer: an "
                    "official transfer."
                ),
                {
                    "months": high,
                    "regulation": regulation,
                    "start": start,
                    "latest": add_months(start, high),
                },
            )
        return None
    high = catalogue.get_int("transfer.temporary.max_months", start)
    if end >= add_months(start, high):
        return Msg(
            N_(
                "A temporary transfer for work or residence lasts under {months} months "
                "({regulation} §6.3.2): from {start} it must end before {limit}. Longer: an "
                "official transfer."
            ),
            {
                "months": high,
                "regulation": regulation,
                "start": start,
                "limit": add_months(start, high),
            },
        )
    return None


# --- §6.4 exemption --------------------------------------------------------------------------


def check_temporary_exemption(
    start: date, end: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """§6.4: a temporary exemption (tạm miễn) lasts under 12 months."""
    months = catalogue.get_int("exemption.temporary.max_months", start)
    limit = add_months(start, months)
    if end <= start or end >= limit:
        return Msg(
            N_(
                "A temporary exemption (tạm miễn) lasts under {months} months ({source}): from "
                "{start} it must end after that day and before {limit}."
            ),
            {
                "months": months,
                "source": catalogue.source("exemption.temporary.max_months", start),
                "start": start,
                "limit": limit,
            },
        )
    return None


# --- who counts in a cell on a date (A9, E4, §6.3, §6.4) -------------------------------------


@dataclass(frozen=True)
class RollMember:
    """A member on a cell's roll with the periods that change how they count."""

    member_id: int
    status: str  # storage.members.STATUSES
    exempt: tuple[Period, ...] = ()  # exemption and temporary exemption
    away: tuple[Period, ...] = ()  # temporary transfer to another cell


@dataclass(frozen=True)
class VoteBase:
    base: int
    official: int  # official members on the roll (exempt ones included, M5)
    away: tuple[int, ...]  # on temporary transfer elsewhere: not counted
    exempt_absent: tuple[int, ...]  # exempted and not present: not counted
    guests: tuple[int, ...]  # here on temporary transfer: attend, no vote, not counted


def compute_vote_base(
    roll: Iterable[RollMember],
    guests: Collection[int],
    on: date,
    present: Collection[int] | None = None,
) -> VoteBase:
    """A9/E4: the official members, less those temporarily away and exempted members who are
    absent (``present`` None: exempted members are taken as absent); guests never count."""
    members: list[BaseMember] = []
    away: list[int] = []
    exempt_absent: list[int] = []
    official = 0
    for m in roll:
        if m.status not in ("official", "exempt"):
            continue
        official += 1
        is_away = any(p.covers(on) for p in m.away)
        is_exempt = m.status == "exempt" or any(p.covers(on) for p in m.exempt)
        here = not is_exempt if present is None else m.member_id in present
        members.append(
            BaseMember(
                m.member_id, official=True, exempt=is_exempt, present=here, temporarily_away=is_away
            )
        )
        if is_away:
            away.append(m.member_id)
        elif is_exempt and not here:
            exempt_absent.append(m.member_id)
    return VoteBase(
        vote_base(members), official, tuple(away), tuple(exempt_absent), tuple(sorted(guests))
    )


def outside_periods(dates: Iterable[date], periods: Iterable[Period]) -> tuple[date, ...]:
    """The dates not covered by any period: an exempted member's or a member away's absences
    do not count towards §6.5(a)."""
    spans = tuple(periods)
    return tuple(d for d in dates if not any(p.covers(d) for p in spans))


# --- §6.10 dossier notice --------------------------------------------------------------------


def dossier_deadline(
    left_on: date, calendar: WorkCalendar, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> tuple[int, date, str]:
    """§6.10: (working days, deadline, source) for the notice upward with the dossier."""
    wd = catalogue.get_int("dossier.notice_wd", left_on)
    return (
        wd,
        calendar.add_working_days(left_on, wd),
        catalogue.source("dossier.notice_wd", left_on),
    )
