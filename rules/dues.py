"""Party dues (đảng phí), domain-rules §6.6 (QĐ 01-QĐ/TW, 2026) and §6.5(a).

Pure functions of data and a month: what a member owes for a month (:func:`amount_due`), which
months they left unpaid without a valid reason in a window (:func:`unpaid_months`), and when
those months reach the warning and removal-review thresholds (:func:`unpaid_occurrences`).

Amount due: insured members ``dues.rate.insured_salary`` (1%) of the declared insured salary,
pensioners ``dues.rate.pension`` (0.5%) of the pension — applied where the catalogue's version
for the month is verified ("V"); otherwise, and for every other group (rates not verified), the
amount the cell sets. Exempt (amount 0): from the month party age reaches
``dues.exempt.party_age_years`` (50; P9, gaps subtracted), and in the months a recorded exemption
(social pension, poor or near-poor household, serious illness — on application) covers. A
reduction of 30/50/70% (``dues.reduction.percents``) covers at most ``dues.reduction.max_months``
(12) months per decision. Amounts are whole đồng, rounded half up.

Months are represented by their first day. A ledger month is ``paid`` (any amount > 0),
``unpaid`` (nothing, no valid reason), ``excused`` (nothing, with a valid reason recorded) or
``exempt``; only ``unpaid`` months count toward xóa tên (§6.5 a: "without a valid reason").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dates import add_months
from chibo.rules.messages import N_, Msg
from chibo.rules.party_age import Gap, milestone_date

CHANNELS = ("portal", "cash")
BASES = ("insured_salary", "pension", "other")
EXEMPTION_GROUNDS = ("party_age", "social_pension", "poor_household", "serious_illness")
#: Grounds a secretary records (party age is computed, never recorded).
RECORDED_GROUNDS = EXEMPTION_GROUNDS[1:]
STATUSES = ("paid", "unpaid", "excused", "exempt")
UNPAID = "unpaid"
_RATE_RULES = {"insured_salary": "dues.rate.insured_salary", "pension": "dues.rate.pension"}
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")

CHANNEL_LABELS = {"portal": N_("National public-service portal"), "cash": N_("Cash to the cell")}
GROUND_LABELS = {
    "party_age": N_("{years} years of party age"),
    "social_pension": N_("social pension"),
    "poor_household": N_("poor or near-poor household"),
    "serious_illness": N_("serious illness (on application)"),
}
BASIS_LABELS = {
    "insured_salary": N_("insured salary"),
    "pension": N_("pension"),
    "other": N_("amount set by the cell"),
}
STATUS_LABELS = {
    "paid": N_("paid"),
    "unpaid": N_("unpaid"),
    "excused": N_("unpaid, valid reason"),
    "exempt": N_("exempt"),
}


def first_of(d: date) -> date:
    return d.replace(day=1)


def month_key(d: date) -> str:
    """ "2026-03" for any day of March 2026."""
    return f"{d.year:04d}-{d.month:02d}"


def parse_month_key(text: str) -> date | None:
    """The first day of a "YYYY-MM" month, or None."""
    m = _MONTH.fullmatch(text.strip())
    if m is None or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1900:
        return None
    return date(int(m[1]), int(m[2]), 1)


def months_in(first: date, last: date) -> int:
    """Months from ``first`` to ``last`` inclusive (months given by any of their days)."""
    return (last.year - first.year) * 12 + (last.month - first.month) + 1


# -- the amount due --------------------------------------------------------------------------


@dataclass(frozen=True)
class DuesProfile:
    """What a member declares: the basis, its amount (VND), and an amount the cell set."""

    basis: str | None = None
    base_amount: int | None = None
    cell_amount: int | None = None


@dataclass(frozen=True)
class Relief:
    """A recorded exemption (``ground``) or reduction (``percent``) over whole months."""

    kind: Literal["exemption", "reduction"]
    start: date
    end: date | None = None  # last month covered (inclusive); None: until revoked
    ground: str | None = None
    percent: int | None = None
    document: str | None = None
    id: int = 0

    def covers(self, month: date) -> bool:
        m = first_of(month)
        return first_of(self.start) <= m and (self.end is None or m <= first_of(self.end))


@dataclass(frozen=True)
class Due:
    month: date
    amount: int  # what is owed for the month (0 when exempt)
    full_amount: int | None  # before a reduction; None: no base and no cell amount
    exempt_ground: str | None = None
    reduction_percent: int | None = None
    reduction_until: date | None = None
    source: str = ""  # the rule's source, or "cell"
    verified: bool = True  # the rate applied is verified ("V") in the catalogue

    @property
    def exempt(self) -> bool:
        return self.exempt_ground is not None


def _round(x: Fraction) -> int:
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


def exemption_month(
    decision_date: date | None,
    gaps: Iterable[Gap],
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> date | None:
    """The first month of exemption by party age (the month it reaches 50 years), or None."""
    if decision_date is None:
        return None
    gaps = tuple(gaps)
    guess = milestone_date(decision_date, gaps, 50)
    years = catalogue.get_int("dues.exempt.party_age_years", guess)
    return first_of(milestone_date(decision_date, gaps, years))


def amount_due(
    profile: DuesProfile,
    month: date,
    *,
    decision_date: date | None = None,
    gaps: Iterable[Gap] = (),
    reliefs: Iterable[Relief] = (),
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> Due:
    """What the member owes for ``month`` (§6.6)."""
    m = first_of(month)
    by_age = exemption_month(decision_date, gaps, catalogue)
    if by_age is not None and m >= by_age:
        return Due(m, 0, 0, "party_age", source=catalogue.source("dues.exempt.party_age_years", m))
    reliefs = tuple(reliefs)
    for relief in reliefs:
        if relief.kind == "exemption" and relief.covers(m):
            return Due(m, 0, 0, relief.ground or "serious_illness", source=relief.document or "")
    full, source, verified = _full_amount(profile, m, catalogue)
    reduction = next((r for r in reliefs if r.kind == "reduction" and r.covers(m)), None)
    if full is None or reduction is None or not reduction.percent:
        return Due(m, full or 0, full, source=source, verified=verified)
    amount = _round(Fraction(full * (100 - reduction.percent), 100))
    return Due(m, amount, full, None, reduction.percent, reduction.end, source, verified)


def _full_amount(
    profile: DuesProfile, m: date, catalogue: Catalogue
) -> tuple[int | None, str, bool]:
    rule = _RATE_RULES.get(profile.basis or "")
    if rule is not None:
        entry = catalogue.entry(rule, m)
        rate = catalogue.get_fraction(rule, m)
        verified = entry.tag == "V"
        if profile.base_amount is not None and (verified or profile.cell_amount is None):
            return _round(profile.base_amount * rate), entry.source, verified
    if profile.cell_amount is not None:
        return profile.cell_amount, "cell", True
    return None, "", True


# -- validation ------------------------------------------------------------------------------


def check_reduction(
    percent: int, start: date, end: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """A reduction decision: an allowed percentage, at most 12 months, end not before start."""
    on = first_of(start)
    allowed = catalogue.get_ints("dues.reduction.percents", on)
    if percent not in allowed:
        return Msg(
            N_("A dues reduction is {allowed} percent (QĐ 01-QĐ/TW); got {value}."),
            {"allowed": "/".join(str(p) for p in allowed), "value": percent},
        )
    if first_of(end) < on:
        return Msg(N_("The reduction ends before it starts."))
    most = catalogue.get_int("dues.reduction.max_months", on)
    if months_in(start, end) > most:
        return Msg(
            N_(
                "One reduction decision covers at most {most} months (QĐ 01-QĐ/TW); "
                "{start}–{end} is {count} months."
            ),
            {
                "most": most,
                "start": month_key(start),
                "end": month_key(end),
                "count": months_in(start, end),
            },
        )
    return None


def ledger_status(due: Due, paid: int, reason: str | None) -> str:
    """The status of a recorded month."""
    if due.exempt:
        return "exempt"
    if paid > 0:
        return "paid"
    if due.amount == 0 and due.full_amount is not None:
        return "paid"
    return "excused" if reason else UNPAID


# -- unpaid months (§6.5 a) ------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerMonth:
    month: date
    status: str


@dataclass(frozen=True)
class Window:
    """A window of months: the calendar year, or the rolling months ending with ``last``."""

    kind: Literal["calendar_year", "rolling"]
    first: date
    last: date

    @classmethod
    def calendar_year(cls, year: int) -> Window:
        return cls("calendar_year", date(year, 1, 1), date(year, 12, 1))

    @classmethod
    def rolling(cls, last_month: date, months: int = 12) -> Window:
        last = first_of(last_month)
        return cls("rolling", add_months(last, -(months - 1)), last)

    def contains(self, month: date) -> bool:
        return self.first <= first_of(month) <= self.last


def unpaid_months(ledger: Iterable[LedgerMonth], window: Window) -> tuple[date, ...]:
    """The months in ``window`` recorded unpaid without a valid reason, in order: the evidence
    for a xóa tên review (§6.5 a)."""
    return tuple(
        sorted(
            {first_of(e.month) for e in ledger if e.status == UNPAID and window.contains(e.month)}
        )
    )


@dataclass(frozen=True)
class UnpaidOccurrence:
    """The month ``trigger`` made a member's unpaid months reach a threshold in a window."""

    trigger: date
    level: Literal["warning", "review"]
    months: tuple[date, ...]  # the evidence: unpaid months in the window that reached it
    windows: tuple[str, ...]  # "calendar_year" and/or "rolling"


def unpaid_occurrences(
    unpaid: Iterable[date], window_months: int, warn_at: int, threshold: int
) -> tuple[UnpaidOccurrence, ...]:
    """Each unpaid month that brings the unpaid months of the calendar year or of the rolling
    window to ``warn_at`` or more (a warning) or to ``threshold`` (a review). After a review the
    months are used up, so each review rests on fresh months (as for absences,
    ``rules.meetings.absence_occurrences``)."""
    months = sorted({first_of(m) for m in unpaid})
    found: list[UnpaidOccurrence] = []
    after: date | None = None
    for m in months:
        fresh = [x for x in months if x <= m and (after is None or x > after)]
        windows = {
            "calendar_year": tuple(x for x in fresh if x.year == m.year),
            "rolling": tuple(x for x in fresh if Window.rolling(m, window_months).contains(x)),
        }
        reached = [k for k, v in windows.items() if len(v) >= threshold]
        if reached:
            evidence = max((windows[k] for k in reached), key=len)
            found.append(UnpaidOccurrence(m, "review", evidence, tuple(reached)))
            after = m
            continue
        warn = [k for k, v in windows.items() if len(v) >= warn_at]
        if warn:
            evidence = max((windows[k] for k in warn), key=len)
            found.append(UnpaidOccurrence(m, "warning", evidence, tuple(warn)))
    return tuple(found)
