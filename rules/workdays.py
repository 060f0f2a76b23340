"""Working days (ngày làm việc) for Vietnam's public sector.

A working day is Monday-Friday, minus public holidays and compensatory days (nghỉ bù), plus
official make-up Saturdays (làm bù). Counting starts the day after the event (domain-rules
§8, [R]): ``add_working_days(start, 1)`` is the first working day after ``start``.

What the ``holidays`` package (0.109, ``country_holidays("VN")``, category "public" only)
covers, checked for 2025-2027:

- the 11 Labour-Code holidays (Art. 112) with the lunar ones computed (Tết, Hùng Kings' Day
  10/3 lunar), 2/9 with its adjacent day, and compensatory weekdays for holidays falling on a
  weekend (e.g. Hùng Kings' 26/4/2026 -> Mon 27/4; 1/5/2027 -> Mon 3/5);
- Tết laid out so that every weekday of the civil-service break is a holiday:
  2025 Mon 27/1-Sat 1/2; 2026 Mon 16/2-Fri 20/2 (the Sat 14/2-Sun 22/2/2026 break);
  2027 Thu 4/2-Wed 10/2 (Tết on Sat 6/2/2027: 5 weekdays off);
- the government's yearly swaps it knows of, as holidays plus make-up Saturdays
  (``weekend_workdays``): 2025 Fri 2/5 off for Sat 26/4; 2026 Mon 31/8 off for Sat 22/8;
- Vietnamese Culture Day 24/11 from 2026 (Resolution 80-NQ/TW). Domain-rules §8 says to add it
  only once the Labour Code change is enacted: until then configuration may ``remove`` it.

What configuration must add each year: the swap decisions the package does not know yet
(e.g. any 2027 swap, a New Year bridge day), as ``add`` (extra days off) and ``workdays``
(make-up Saturdays), and ``remove`` for days the package lists that the government did not
grant. ``remove`` returns a date to its plain weekday/weekend status, so it also cancels a
make-up Saturday the package lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import holidays

_DAY = timedelta(days=1)
_SATURDAY = 5
CONFIGURED_HOLIDAY_NAME = "Ngày nghỉ theo quyết định"  # name shown for a configured day off
_CONFIG_KEYS = ("add", "remove", "workdays")


@dataclass(frozen=True)
class _Year:
    holidays: Mapping[date, str]
    workdays: frozenset[date]


class WorkCalendar:
    """Vietnam's working-day calendar, built per year from ``holidays`` plus configuration."""

    def __init__(
        self,
        extra_holidays: Iterable[date] | Mapping[date, str] = (),
        removed_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        language: str = "vi",
    ) -> None:
        if isinstance(extra_holidays, Mapping):
            self._extra = dict(extra_holidays)
        else:
            self._extra = dict.fromkeys(extra_holidays, CONFIGURED_HOLIDAY_NAME)
        self._removed = frozenset(removed_holidays)
        #: add_working_days answers (a pure function of the tables): a province sweep asks
        #: the same few dates thousands of times.
        self._added: dict[tuple[date, int], date] = {}
        self._extra_workdays = frozenset(extra_workdays)
        clash = self._extra_workdays & set(self._extra)
        if clash:
            raise ValueError(f"dates both days off and make-up workdays: {_iso_list(clash)}")
        self._language = language
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WorkCalendar:
        """Build from ``{"2026": {"add": [...], "remove": [...], "workdays": [...]}}``.

        Years are keys ("2026"), dates ISO strings inside that year; make-up workdays must be
        a Saturday or Sunday. Any bad key or value raises ValueError naming it.
        """
        lists: dict[str, list[date]] = {key: [] for key in _CONFIG_KEYS}
        for year_key, changes in config.items():
            year = _config_year(year_key)
            if not isinstance(changes, Mapping):
                raise ValueError(f"calendar[{year_key!r}] must be a table with {_CONFIG_KEYS}")
            for key, values in changes.items():
                if key not in _CONFIG_KEYS:
                    raise ValueError(
                        f"calendar[{year_key!r}]: unknown key {key!r}; expected {_CONFIG_KEYS}"
                    )
                if not isinstance(values, list | tuple):
                    raise ValueError(f"calendar[{year_key!r}][{key!r}] must be a list of dates")
                where = f"calendar[{year_key!r}][{key!r}]"
                lists[key].extend(_config_date(v, year, where, key == "workdays") for v in values)
        return cls(lists["add"], lists["remove"], lists["workdays"])

    def is_working_day(self, d: date) -> bool:
        table = self._year(d.year)
        if d in table.workdays:
            return True
        return d.weekday() < _SATURDAY and d not in table.holidays

    def holiday_name(self, d: date) -> str | None:
        """The day-off name (in ``language``), or None if ``d`` is not a holiday."""
        return self._year(d.year).holidays.get(d)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself is not counted; n=0 -> start)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        cached = self._added.get((start, n))
        if cached is not None:
            return cached
        d, left = start, n
        while left:
            d += _DAY
            if self.is_working_day(d):
                left -= 1
        self._added[(start, n)] = d
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in (start, end]; 0 when ``end <= start``."""
        count = 0
        d = start + _DAY
        while d <= end:
            count += self.is_working_day(d)
            d += _DAY
        return count

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._build_year(year)
            self._years[year] = table
        return table

    def _build_year(self, year: int) -> _Year:
        base = holidays.country_holidays("VN", years=year, language=self._language)
        days = {d: name for d, name in base.items() if d.year == year}
        workdays = {d for d in base.weekend_workdays if d.year == year}
        for d in self._removed:
            if d.year == year:
                days.pop(d, None)
                workdays.discard(d)
        for d, name in self._extra.items():
            if d.year == year:
                days[d] = name
                workdays.discard(d)
        workdays |= {d for d in self._extra_workdays if d.year == year}
        return _Year(days, frozenset(workdays))


def _config_year(key: object) -> int:
    text = str(key) if isinstance(key, int) and not isinstance(key, bool) else key
    if not isinstance(text, str) or not (len(text) == 4 and text.isdigit()):
        raise ValueError(f'calendar: bad year key {key!r}; expected a year such as "2026"')
    return int(text)


def _config_date(value: object, year: int, where: str, weekend_only: bool) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        d = value
    elif isinstance(value, str):
        try:
            d = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{where}: bad date {value!r}; expected YYYY-MM-DD") from None
    else:
        raise ValueError(f"{where}: bad date {value!r}; expected YYYY-MM-DD")
    if d.year != year:
        raise ValueError(f"{where}: {d.isoformat()} is not in {year}")
    if weekend_only and d.weekday() < _SATURDAY:
        raise ValueError(f"{where}: make-up workday {d.isoformat()} is not a Saturday or Sunday")
    return d


def _iso_list(days: Iterable[date]) -> str:
    return ", ".join(sorted(d.isoformat() for d in days))
