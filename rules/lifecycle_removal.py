"""Removal from the list (xóa tên, domain-rules §6.5): weighing the evidence, never deciding.

Evidence comes from several sources through one shape, :class:`Evidence` (a ground and its
dates): unexcused absences (the meeting book), unpaid dues months (the dues ledger), the start
of a re-education (§6.5(c)) and the years rated KHT (the evaluation, §6.5(d)/E5).
:func:`assess` counts the months in the calendar year and in the rolling 12-month window and
returns the higher: warn at 2, a review at 3 (§6.5). The cell proposes and the competent
committee decides; nothing here removes anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dates import add_months, full_months_between

Ground = Literal[
    "absences", "dues", "education", "kht", "not_eligible", "card", "political", "other"
]
GROUNDS: tuple[Ground, ...] = (
    "absences",
    "dues",
    "education",
    "kht",
    "not_eligible",
    "card",
    "political",
    "other",
)
#: Grounds with evidence the bot can count (the others are recorded by the cell).
COUNTED: tuple[Ground, ...] = ("absences", "dues", "education", "kht")
Level = Literal["none", "warn", "review"]
Window = Literal["year", "rolling", "education", "consecutive"]

#: Per counted-by-month ground: the catalogue rules (review threshold, warn at, window months).
_THRESHOLD = {
    "absences": (
        "attendance.unexcused.removal_threshold",
        "attendance.unexcused.warn_at",
        "attendance.unexcused.window_months",
    ),
    "dues": ("dues.unpaid.removal_threshold", "dues.unpaid.warn_at", "dues.unpaid.window_months"),
}


@dataclass(frozen=True)
class Evidence:
    """One ground's facts about one member.

    absences: dates of unexcused absences; dues: any day of each unpaid month; education: the
    day the re-education began (one date, while it runs); kht: any day of each year rated KHT.
    """

    ground: Ground
    dates: tuple[date, ...]


@dataclass(frozen=True)
class Assessment:
    ground: Ground
    level: Level
    count: int  # months (absences, dues), months since the start (education), years (kht)
    threshold: int
    window: Window
    evidence: tuple[date, ...]  # the dates that make the count
    source: str

    @property
    def trigger(self) -> date:
        """The date the count rests on (the latest evidence)."""
        return max(self.evidence)


def _months(dates: Iterable[date]) -> int:
    return len({(d.year, d.month) for d in dates})


def assess(evidence: Evidence, today: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> Assessment:
    """§6.5: the level this evidence reaches on ``today``."""
    dates = tuple(sorted({d for d in evidence.dates if d <= today}))
    g = evidence.ground
    if g in _THRESHOLD:
        rule, warn_rule, window_rule = _THRESHOLD[g]
        threshold = catalogue.get_int(rule, today)
        warn = catalogue.get_int(warn_rule, today)
        window_months = catalogue.get_int(window_rule, today)
        rolling_from = add_months(today, -window_months)
        rolling = tuple(d for d in dates if rolling_from < d)
        year = tuple(d for d in dates if d.year == today.year)
        window: Window = "year" if _months(year) >= _months(rolling) else "rolling"
        chosen = year if window == "year" else rolling
        count = _months(chosen)
        level: Level = "review" if count >= threshold else "warn" if count >= warn else "none"
        return Assessment(g, level, count, threshold, window, chosen, catalogue.source(rule, today))
    if g == "education":
        rule = "removal.education_months"
        if not dates:
            return Assessment(g, "none", 0, 0, "education", (), "")
        start = dates[-1]
        threshold = catalogue.get_int(rule, start)
        months = full_months_between(start, today)
        warn = catalogue.get_int("removal.education_warn_months", start)
        level = "review" if months >= threshold else "warn" if months >= warn else "none"
        return Assessment(
            g, level, months, threshold, "education", (start,), catalogue.source(rule, start)
        )
    if g == "kht":
        rule = "removal.kht_years"
        threshold = catalogue.get_int(rule, today)
        by_year = {d.year: d for d in dates}
        streak: list[date] = []
        if by_year and max(by_year) >= today.year - 1:
            y = max(by_year)
            while y in by_year:
                streak.insert(0, by_year[y])
                y -= 1
        count = len(streak)
        level = "review" if count >= threshold else "warn" if count >= 1 else "none"
        return Assessment(
            g, level, count, threshold, "consecutive", tuple(streak), catalogue.source(rule, today)
        )
    return Assessment(g, "none", 0, 0, "year", (), "")


_RANK = {"none": 0, "warn": 1, "review": 2}


def assess_all(
    evidence: Iterable[Evidence], today: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> list[Assessment]:
    """The grounds that reach a warning or a review, the most serious first."""
    merged: dict[Ground, set[date]] = {}
    for e in evidence:
        merged.setdefault(e.ground, set()).update(e.dates)
    found = [
        a
        for g, ds in merged.items()
        if (a := assess(Evidence(g, tuple(sorted(ds))), today, catalogue)).level != "none"
    ]
    return sorted(found, key=lambda a: (-_RANK[a.level], GROUNDS.index(a.ground)))
