"""Probation and conversion to official membership (domain-rules P1-P8).

Dates: probation ends on ``add_months(ceremony, 12)`` — the 12th monthly anniversary of the
admission ceremony, clamped to the month's end (ceremony 29/02/2024 -> end 28/02/2025, see
:mod:`rules.dates`). That day is also the official date (P8), whatever the decision date.

P5, the end day itself: the domain text says the cell resolution must be dated "after the end
of probation" (date order per a provincial handbook; QĐ 294 §4.2), and whether the last day of
the 12 months is allowed is a reading. We read it literally: ``probation_end`` is the last day
of probation (12 months from the ceremony, counted from the day after it, as periods in months
are), and the member's self-review — part of the same dossier — is written *after* the 12
months (HD 01-2021 §4, P4); so a resolution dated on ``probation_end`` is refused and the first
acceptable date is the day after. A committee that reads "after" as "from the day the 12 months
are complete" (the official date, P8) sets ``probation.conversion.resolution_on_end_day`` to
true in the configuration. The source of the reading is cited in the refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME, Catalogue
from chibo.rules.dates import add_months
from chibo.rules.messages import N_, Msg
from chibo.rules.votes import reaches_ratio
from chibo.rules.workdays import WorkCalendar


def probation_end(ceremony_date: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> date:
    """P1: the day the 12 months counted from the ceremony are complete."""
    return add_months(ceremony_date, catalogue.get_int("probation.months", ceremony_date))


def official_date(ceremony_date: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> date:
    """P8: a member converted is official from the end of probation, even if the cell or the
    committee acted late."""
    return probation_end(ceremony_date, catalogue)


def cell_deadline(
    end: date, calendar: WorkCalendar, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> date:
    """P5: the last day for the cell to consider the conversion, 30 working days after the
    end of probation (counted from the day after)."""
    wd = catalogue.get_int("probation.conversion.cell_deadline_wd", end)
    return calendar.add_working_days(end, wd)


Stage = Literal["probation", "review_due", "overdue", "escalated", "resolved", "removal"]


def conversion_stage(
    end: date,
    deadline: date,
    today: date,
    *,
    resolution: date | None = None,
    outcome: str | None = None,
) -> Stage:
    """Where a probationary member's conversion stands, in the rules' own words: still on
    probation; *due* for the conversion review from the end of probation up to the cell's
    deadline (P5); *overdue* only after it; resolved once the cell resolution is recorded (the
    committee's own deadline is P7's); the removal follow-up once found not eligible (P6).
    ("escalated" — the cell's votes failed too often, P6 — is decided from the votes.)"""
    if outcome == "not_eligible":
        return "removal"
    if resolution is not None or outcome == "converted":
        return "resolved"
    if today < end:
        return "probation"
    return "review_due" if today <= deadline else "overdue"


END_DAY_RULE = "probation.conversion.resolution_on_end_day"


def first_resolution_date(end: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> date:
    """P5: the first day a cell resolution on the conversion may be dated: the day after the
    end of probation, or the end day itself where so configured (see the module docstring)."""
    return end if catalogue.get(END_DAY_RULE, end) is True else end + timedelta(days=1)


def check_cell_resolution_date(
    resolution_date: date, probation_end: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """P5: refuse a conversion resolution dated before the first day allowed."""
    first = first_resolution_date(probation_end, catalogue)
    if resolution_date >= first:
        return None
    return Msg(
        N_(
            "Probation lasts {months} months from the admission ceremony (Party Charter, "
            "Art. 5) and ends on {end}; the cell resolution on conversion is dated after the "
            "end of probation ({source}): on or after {first}, not {resolution}."
        ),
        {
            "months": catalogue.get_int("probation.months", probation_end),
            "end": probation_end,
            "first": first,
            "source": catalogue.source(END_DAY_RULE, probation_end),
            "resolution": resolution_date,
        },
    )


def check_helper(member_id: int, helper_id: int | None, helper_is_official: bool) -> Msg | None:
    """P1: the cell assigns an official member (not the member themself) to help."""
    if helper_id is None:
        return Msg(
            N_(
                "The cell must assign an official party member to help the probationary "
                "member (Party Charter, Art. 5)."
            )
        )
    if helper_id == member_id:
        return Msg(
            N_(
                "The helper must be another party member, not the probationary member "
                "(Party Charter, Art. 5)."
            )
        )
    if not helper_is_official:
        return Msg(
            N_(
                "The helper of a probationary member must be an official party member "
                "(Party Charter, Art. 5)."
            )
        )
    return None


@dataclass(frozen=True)
class ConversionVote:
    """One round of the cell's vote on a conversion."""

    held_on: date
    agree: int  # for conversion
    disagree: int  # against: proposes removal from the probationary list (xóa tên)
    base: int  # official members in the vote base that day (A9)


VoteOutcome = Literal["none", "convert", "remove", "undecided", "escalate"]


@dataclass(frozen=True)
class ConversionVoteStatus:
    outcome: VoteOutcome
    failed_rounds: int
    message: Msg | None = None


def conversion_vote_status(
    rounds: Sequence[ConversionVote], catalogue: Catalogue = DEFAULT_CATALOGUE
) -> ConversionVoteStatus:
    """P6: the first round with 2/3 either way decides; after 3 failed rounds, escalate.

    Rounds are taken in the order given (oldest first); rounds after a decisive one, or after
    the case went to the upper committees, are ignored.
    """
    status = ConversionVoteStatus("none", 0)
    for failed_before, vote in enumerate(rounds):
        if reaches_ratio(vote.agree, vote.base, vote.held_on, catalogue):
            return ConversionVoteStatus("convert", failed_before)
        if reaches_ratio(vote.disagree, vote.base, vote.held_on, catalogue):
            return ConversionVoteStatus("remove", failed_before)
        failed = failed_before + 1
        limit = catalogue.get_int("probation.conversion.max_vote_rounds", vote.held_on)
        params = {
            "rounds": failed,
            "limit": limit,
            "ratio": str(catalogue.get_fraction("vote.min_ratio", vote.held_on)),
            "regulation": catalogue.get(REGULATION_NAME, vote.held_on),
        }
        if failed >= limit:
            return ConversionVoteStatus("escalate", failed, Msg(_ESCALATE, params))
        status = ConversionVoteStatus("undecided", failed, Msg(_UNDECIDED, params))
    return status


_ESCALATE = N_(
    "The cell has voted {rounds} times on this conversion without {ratio} of its official "
    "members agreeing either way (Party Charter, Art. 5; {regulation} §4.2.3): the case "
    "now goes to the upper committees to decide."
)
_UNDECIDED = N_(
    "Round {rounds} did not reach {ratio} of the official members either way (Party Charter, "
    "Art. 5). After {limit} such rounds the upper committees decide ({regulation} §4.2.3)."
)
