"""Party badges (Huy hiệu Đảng), domain-rules §6.8 (HD 01-HD/TW 2021 §18).

Milestones ``badge.milestones`` (30, 40, 45, 50 … 90 years of party age, P9 with the gaps
subtracted, :func:`rules.party_age.milestone_date`); award dates ``badge.award_dates`` (3/2, 19/5,
2/9, 7/11). Before each award date the cell proposes the members who reach a milestone **by**
that date (the milestone day itself included) and have not received it; a seriously ill member
may be proposed early, on request, at most ``badge.early.max_months`` months before (12 for
30–65 years, 24 for 70–90). Proposals go up ``badge.proposal.lead_days`` (45, a bot default:
provinces set their own) before the award date. A badge must be returned on expulsion.

Reminder (:func:`badge_reminders`): ``badge.proposal`` per cell and award date, to the cell's
secretary and deputy and the officers above, ``badge.proposal.notice_days`` (15) before the
submission deadline (award date − lead days); step = the award date (ISO); shown until the award
date while someone on the list has not received the badge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dates import add_months
from chibo.rules.messages import N_, Msg
from chibo.rules.party_age import Gap, milestone_date
from chibo.rules.reminder_model import OFFICERS, SECRETARIAT, Reminder, ReminderFamily, latest_step
from chibo.rules.workdays import WorkCalendar

ACTIVE = ("probationary", "official", "exempt")

_PROPOSAL = N_(
    "Party badges for the award on {award}: {count} member(s) of {org} reach a milestone of party "
    "age by then and have not received it: {names}. Please send the proposal list to the "
    "committee above by {deadline} (HD 01-HD/TW 2021 §18; award dates 3/2, 19/5, 2/9, 7/11)."
)


def award_dates(year: int, catalogue: Catalogue = DEFAULT_CATALOGUE) -> list[date]:
    """The award dates of ``year``, in order."""
    pairs = catalogue.get("badge.award_dates", date(year, 1, 1))
    assert isinstance(pairs, tuple)
    return sorted(date(year, int(m), int(d)) for m, d in pairs)


def next_award_date(on: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> date:
    """The first award date on or after ``on``."""
    for year in (on.year, on.year + 1):
        for d in award_dates(year, catalogue):
            if d >= on:
                return d
    raise ValueError("no award date configured")


def is_award_date(day: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> bool:
    return day in award_dates(day.year, catalogue)


def early_months(milestone: int, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> int:
    """How many months early a seriously ill member may receive ``milestone`` (0 if none)."""
    limits = catalogue.get("badge.early.max_months", on)
    assert isinstance(limits, tuple)
    for upto, months in sorted(limits):
        if milestone <= int(upto):
            return int(months)
    return 0


@dataclass(frozen=True)
class BadgeMember:
    """A member as the badge rules see them."""

    member_id: int
    org_id: int
    full_name: str
    decision_date: date | None
    gaps: tuple[Gap, ...] = ()
    received: tuple[int, ...] = ()  # milestones already awarded (and not returned)
    early_requested: tuple[int, ...] = ()  # milestones asked for early (serious illness)
    status: str = "official"
    birth_date: date | None = None


@dataclass(frozen=True)
class BadgeDue:
    member: BadgeMember
    milestone: int
    reached_on: date  # the day party age reaches the milestone
    early: bool  # proposed before reaching it (serious illness, on request)


def due_for_award(
    members: Iterable[BadgeMember], award_date: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> list[BadgeDue]:
    """Members to propose for ``award_date``: per member the highest milestone reached by then
    (or reachable early on request) above every badge already received."""
    milestones = catalogue.get_ints("badge.milestones", award_date)
    # Milestone dates grow with the years: once one is after the award date, so are the
    # later ones (a shortcut only where the catalogue lists them in increasing order).
    ordered = list(milestones) == sorted(milestones)
    found: list[BadgeDue] = []
    for member in members:
        if member.decision_date is None or member.status not in ACTIVE:
            continue
        best: BadgeDue | None = None
        top = max(member.received) if member.received else 0
        last_early = max(member.early_requested) if member.early_requested else 0
        for years in milestones:
            if years <= top:
                continue
            reached = milestone_date(member.decision_date, member.gaps, years)
            if ordered and reached > award_date and years > last_early:
                break  # later milestones come later still, and none was asked early
            if reached <= award_date:
                best = BadgeDue(member, years, reached, False)
            elif years in member.early_requested:
                earliest = add_months(reached, -early_months(years, reached, catalogue))
                if earliest <= award_date:
                    best = BadgeDue(member, years, reached, True)
        if best is not None:
            found.append(best)
    return sorted(found, key=lambda d: (d.member.org_id, -d.milestone, d.member.full_name))


def check_award(
    member: BadgeMember, milestone: int, award_date: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """Why ``milestone`` cannot be recorded as awarded on ``award_date`` (None: it can)."""
    if milestone not in catalogue.get_ints("badge.milestones", award_date):
        return Msg(
            N_("{value} years is not a badge milestone (30, 40, 45, 50 … 90 years)."),
            {"value": milestone},
        )
    if milestone in member.received:
        return Msg(
            N_("{name} already received the {years}-year badge."),
            {"name": member.full_name, "years": milestone},
        )
    if member.decision_date is None:
        return Msg(
            N_("{name} has no admission decision date: party age cannot be computed."),
            {"name": member.full_name},
        )
    reached = milestone_date(member.decision_date, member.gaps, milestone)
    earliest = reached
    if milestone in member.early_requested:
        earliest = add_months(reached, -early_months(milestone, reached, catalogue))
    if award_date < earliest:
        return Msg(
            N_(
                "{name} reaches {years} years of party age on {date}; the badge cannot be "
                "awarded on {award} (early award only for serious illness, on request, within "
                "the limits of HD 01-HD/TW 2021 §18)."
            ),
            {"name": member.full_name, "years": milestone, "date": reached, "award": award_date},
        )
    return None


@dataclass(frozen=True)
class BadgeCellCase:
    org_id: int
    org_name: str
    members: tuple[BadgeMember, ...] = ()


def _remind_on(award: date, catalogue: Catalogue) -> tuple[date, date]:
    """The proposal deadline for ``award`` and the day its reminder starts."""
    deadline = award - timedelta(days=catalogue.get_int("badge.proposal.lead_days", award))
    remind_on = deadline - timedelta(days=catalogue.get_int("badge.proposal.notice_days", award))
    return deadline, remind_on


@dataclass(frozen=True)
class BadgeWindow:
    """Which members :func:`badge_reminders` can name on a day (a loading filter).

    ``award`` is None when no proposal reminder is shown that day. Otherwise a member can be
    due only if, for some milestone M in ``reach``, their decision date is on or before the
    paired day (the last decision date reaching M by the award date without gaps: gaps only
    delay) and no badge of M years or more is held; or if they asked for one early."""

    award: date | None
    reach: tuple[tuple[int, date], ...] = ()


def badge_window(today: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> BadgeWindow:
    award = next_award_date(today, catalogue)
    if _remind_on(award, catalogue)[1] > today:
        return BadgeWindow(None)
    reach = []
    for years in sorted(set(catalogue.get_ints("badge.milestones", award))):
        last = add_months(award, -12 * years)
        while milestone_date(last, (), years) > award:
            last -= timedelta(days=1)
        while milestone_date(last + timedelta(days=1), (), years) <= award:
            last += timedelta(days=1)
        reach.append((years, last))
    return BadgeWindow(award, tuple(reach))


def badge_reminders(
    cases: Iterable[BadgeCellCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """``badge.proposal``: the next award date's list, from ``lead_days`` before it."""
    award = next_award_date(today, catalogue)
    deadline, remind_on = _remind_on(award, catalogue)
    found: list[Reminder] = []
    for case in cases:
        due = due_for_award(case.members, award, catalogue)
        if not due:
            continue
        names = ", ".join(f"{d.member.full_name} ({d.milestone})" for d in due)
        params: dict[str, object] = {
            "award": award,
            "count": len(due),
            "org": case.org_name,
            "names": names,
            "deadline": deadline,
        }
        step = Reminder(
            kind="badge.proposal",
            org_id=case.org_id,
            subject_type="cell",
            subject_id=case.org_id,
            subject_name=case.org_name,
            due_date=remind_on,
            step=award.isoformat(),
            severity="info",
            recipients=SECRETARIAT + OFFICERS,
            params=params,
            message=Msg(_PROPOSAL, params),
        )
        chosen = latest_step([step], today)
        if chosen is not None:
            found.append(chosen)
    return found


BADGE_FAMILY = ReminderFamily("badges", badge_reminders)
