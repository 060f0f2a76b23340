"""Calendar arithmetic and forgiving date input.

Month arithmetic clamps to the month's last day, and "full months" are defined through it:
``full_months_between(a, b)`` is the largest ``m`` with ``add_months(a, m) <= b``. So the
monthly anniversary counts on its day, and someone born 29/02/2008 is 18 full years old
(216 months) on 28/02/2026 because ``add_months(29/02/2008, 216) == 28/02/2026``; likewise a
probation started 29/02/2024 ends 28/02/2025. The same convention is used for ages,
probation and certificate validity, so every rule agrees on the same anniversary.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from chibo.rules.messages import N_, Msg
from chibo.rules.text import echo, fold

_RELATIVE_DAYS = {
    "hom nay": 0,
    "today": 0,
    "hom qua": 1,
    "yesterday": 1,
    "hom kia": 2,
}
_SEP = r"\s*[/.\-]\s*"
_DAY_FIRST = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}})(?:{_SEP}(\d{{4}}|\d{{2}}))?")
_YEAR_FIRST = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})")
# Folded words: "ngay 5 thang 3 nam 2025", "5 thg 3", "5 th 3 2025", "5 thang 3, 2025".
_WORDS = re.compile(
    r"(\d{1,2})\s*(?:thang|thg|th)\s*(\d{1,2})(?:\s*,?\s*(?:nam\s*)?(\d{4}|\d{2}))?"
)
_MONTH_YEAR_FIRST = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})")
_MONTH_FIRST = re.compile(r"(?:thang|thg|th|t)?\s*(\d{1,2})\s*(?:[/.\-]|\s|nam)\s*(\d{4})")
_PERIOD = re.compile(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?")

# A 2-digit year is taken in this window around today: "25" -> 2025, "65" -> 1965 (a birth
# year). Every year from 2000 up to today + 10 reads as 20xx.
_TWO_DIGIT_FUTURE_YEARS = 10


UNREADABLE_DATE = N_(
    "I could not read “{text}” as a date. Type it as day/month/year, for example 05/03/2026."
)
NO_SUCH_DAY = N_("There is no such day: month {month}/{year} has {days} days (you typed “{text}”).")


def _date_parts(text: str, today: date, past: bool) -> tuple[int, int, int] | date | None:
    """(year, month, day) as typed (the day may not exist), a relative day, or None."""
    s = fold(text)
    s = s.removeprefix("ngay ").strip()
    if s in _RELATIVE_DAYS:
        return today - timedelta(days=_RELATIVE_DAYS[s])
    if m := _YEAR_FIRST.fullmatch(s):
        return int(m[1]), int(m[2]), int(m[3])
    m = _DAY_FIRST.fullmatch(s) or _WORDS.fullmatch(s)
    if m is None:
        return None
    day, month = int(m[1]), int(m[2])
    if m[3] is not None:
        return _full_year(m[3], today), month, day
    year = today.year
    if past and (month, day) > (today.month, today.day):
        year -= 1  # "5/12" typed on 29/11 where the date cannot be ahead: last December
    return year, month, day


def read_date(text: str, today: date, *, past: bool = False) -> date | Msg:
    """A date typed on a phone, day first, or the message saying what is wrong: one wording
    for an unreadable date, and the month's length for a day it does not have (31/02).
    `past`: the field cannot be in the future, so a day and month without a year is the last
    such day up to today."""
    parts = _date_parts(text, today, past)
    if isinstance(parts, date):
        return parts
    if parts is None or not 1 <= parts[1] <= 12 or not 1 <= parts[2] <= 31:
        return Msg(UNREADABLE_DATE, {"text": echo(text)})
    year, month, day = parts
    days = calendar.monthrange(year, month)[1]
    if day > days:
        return Msg(
            NO_SUCH_DAY, {"month": f"{month:02d}", "year": year, "days": days, "text": echo(text)}
        )
    return date(year, month, day)


def parse_date(text: str, today: date, *, past: bool = False) -> date | None:
    """Read a date typed on a phone, day first; None if unreadable or impossible (31/02)."""
    found = read_date(text, today, past=past)
    return found if isinstance(found, date) else None


def parse_month(text: str) -> date | None:
    """Read a month ("2026-11", "11/2026", "tháng 11/2026", "T11 2026"): its first day, or None."""
    s = " ".join(fold(text).split())
    if m := _MONTH_YEAR_FIRST.fullmatch(s):
        year, month = int(m[1]), int(m[2])
    elif m := _MONTH_FIRST.fullmatch(s):
        year, month = int(m[2]), int(m[1])
    else:
        return None
    return _safe_date(year, month, 1)


def _full_year(digits: str, today: date) -> int:
    if len(digits) == 4:
        return int(digits)
    year = today.year // 100 * 100 + int(digits)
    if year > today.year + _TWO_DIGIT_FUTURE_YEARS:
        year -= 100
    elif year <= today.year + _TWO_DIGIT_FUTURE_YEARS - 100:
        year += 100
    return year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` months (n may be negative), clamped to the target month's end."""
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    if d.day <= 28:  # every month has the day: no need to look up the month's length
        return date(year, month0 + 1, d.day)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def full_months_between(a: date, b: date) -> int:
    """Completed months from ``a`` to ``b``: the largest m with ``add_months(a, m) <= b``."""
    m = (b.year - a.year) * 12 + (b.month - a.month)
    return m if add_months(a, m) <= b else m - 1


def age_in_full_months(birth: date, on: date) -> int:
    """Age in completed months on ``on`` (the rules count ages in months, A1)."""
    return full_months_between(birth, on)


def month_end(d: date) -> date:
    """Last day of ``d``'s month."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def quarter_of(d: date) -> int:
    """Quarter number 1..4."""
    return (d.month - 1) // 3 + 1


def quarter_bounds(year: int, q: int) -> tuple[date, date]:
    """First and last day of quarter ``q`` of ``year``."""
    if not 1 <= q <= 4:
        raise ValueError(f"quarter must be 1..4, got {q}")
    first = date(year, 3 * q - 2, 1)
    return first, month_end(date(year, 3 * q, 1))


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period key: "2026", "2026-H2", "2026-Q3" or "2026-11"."""
    m = _PERIOD.fullmatch(period.strip().upper())
    if m is None:
        raise ValueError(f"unknown period {period!r}; expected YYYY, YYYY-H1, YYYY-Q1 or YYYY-MM")
    year, part = int(m[1]), m[2]
    if part is None:
        return date(year, 1, 1), date(year, 12, 31)
    if part[0] == "H":
        return (
            (date(year, 1, 1), date(year, 6, 30))
            if part == "H1"
            else (
                date(year, 7, 1),
                date(year, 12, 31),
            )
        )
    if part[0] == "Q":
        return quarter_bounds(year, int(part[1]))
    month = int(part)
    if not 1 <= month <= 12:
        raise ValueError(f"unknown period {period!r}: month must be 01..12")
    first = date(year, month, 1)
    return first, month_end(first)
