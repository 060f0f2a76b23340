"""Party age (tuổi đảng), P9: from the admission decision, minus the time outside the party.

Party Charter Art. 5(4); QĐ 24-QĐ/TW §4.5 (kept by QĐ 294); HD 01-HD/TW 2021 (domain-rules P9):
party age counts from the date on the **admission decision** (not the ceremony), minus the
periods outside party activity (removal, expulsion, lost contact, transfer gaps) that are
recorded when a member is re-admitted; a member wrongly removed and restored has no gap.

A :class:`Gap` runs from ``left_on`` (the first day outside the party) to ``returned_on`` (the
re-admission decision, the first day back): its length is ``returned_on - left_on`` days. The
milestone "N years of party age" is reached on ``decision + N years`` (the same day and month;
29/2 becomes 28/2 in other years, as a period counted in years ends on the last day of the month
when the month has no such day — Civil Code 2015 Art. 148; applying it to party age is a
reading [R]), moved later by the length of every gap that began before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from chibo.rules.dates import add_months, full_months_between

GAP_REASONS = ("removed", "expelled", "lost_contact", "transfer_gap", "other")


@dataclass(frozen=True)
class Gap:
    """A period outside the party, as recorded on re-admission (with its source document)."""

    left_on: date
    returned_on: date
    reason: str = "removed"

    @property
    def days(self) -> int:
        return max((self.returned_on - self.left_on).days, 0)


@dataclass(frozen=True)
class PartyAge:
    """Completed years and months of party age on ``on``; ``start`` is the decision date moved
    by the days spent outside the party before ``on``."""

    on: date
    decision_date: date
    start: date
    years: int
    months: int
    gap_days: int


def _sorted(gaps: Iterable[Gap]) -> list[Gap]:
    return sorted(gaps, key=lambda g: g.left_on)


def days_outside(decision_date: date, gaps: Iterable[Gap], on: date) -> int:
    """Days of the gaps that fall between the decision and ``on`` (a gap still open on ``on``
    counts up to ``on``)."""
    total = 0
    for gap in _sorted(gaps):
        start, end = max(gap.left_on, decision_date), min(gap.returned_on, on)
        if end > start:
            total += (end - start).days
    return total


def party_age(decision_date: date, gaps: Iterable[Gap], on: date) -> PartyAge:
    """Party age on ``on`` (zero before the decision)."""
    outside = days_outside(decision_date, gaps, on)
    start = decision_date + timedelta(days=outside)
    months = max(full_months_between(start, on), 0) if on >= start else 0
    return PartyAge(on, decision_date, start, months // 12, months % 12, outside)


def milestone_date(decision_date: date, gaps: Iterable[Gap], years: int) -> date:
    """The day party age reaches ``years`` full years: the anniversary of the decision, moved
    later by each gap that began on or before the (moving) date."""
    target = add_months(decision_date, 12 * years)
    if not gaps:
        return target
    for gap in _sorted(gaps):
        if gap.left_on <= target and gap.returned_on > decision_date:
            target += timedelta(days=gap.days)
    return target


def check_gap(
    decision_date: date | None, gap: Gap, others: Iterable[Gap], today: date
) -> str | None:
    """Why a gap cannot be recorded (an English reason code), or None."""
    if gap.returned_on <= gap.left_on:
        return "order"
    if gap.returned_on > today:
        return "future"
    if decision_date is not None and gap.left_on <= decision_date:
        return "before_decision"
    for other in others:
        if gap.left_on < other.returned_on and other.left_on < gap.returned_on:
            return "overlap"
    return None
