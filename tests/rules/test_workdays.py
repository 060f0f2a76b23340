"""Working-day calendar tests.

Expected values come from calendar facts, not from the implementation:
- domain-rules §8: Tết 2026 for civil servants is Sat 14/2 - Sun 22/2/2026, so Mon 16/2 -
  Fri 20/2 are days off and Fri 13/2 is a working day; 11 Labour-Code holidays, 5 for Tết,
  weekend holidays are compensated.
- Tết 2025 for civil servants (Announcement 6150/TB-BLĐTBXH): Sat 25/1 - Sun 2/2/2025.
- 30/4-1/5/2025: Wed 30/4 - Sun 4/5 off, Fri 2/5 swapped with the make-up Sat 26/4/2025.
- Lunar New Year 2027 falls on Sat 6/2/2027: eve + 4 days of Tết, the weekend ones compensated,
  gives 5 weekdays off, all between Mon 1/2 and Fri 12/2/2027.
- 1/1/2025 is a Wednesday and the only New Year day off.
"""

from datetime import date, timedelta

import pytest

from chibo.rules.workdays import CONFIGURED_HOLIDAY_NAME, WorkCalendar

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2026, 2, 13), True),  # Fri before the Tết break
        (date(2026, 2, 14), False),  # Sat
        (date(2026, 2, 16), False),
        (date(2026, 2, 17), False),  # Tết
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),  # Mon after the break
        (date(2025, 1, 24), True),
        (date(2025, 1, 27), False),
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),
        (date(2025, 4, 26), True),  # make-up Saturday
        (date(2025, 5, 2), False),  # swapped day off
        (date(2025, 5, 5), True),
        (date(2025, 1, 1), False),
        (date(2025, 1, 2), True),
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 9), True),  # an ordinary Monday
    ],
)
def test_is_working_day(d, working):
    assert CAL.is_working_day(d) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 2, 12), 1, date(2026, 2, 13)),
        (date(2026, 2, 13), 1, date(2026, 2, 23)),  # across Tết 2026
        (date(2026, 2, 12), 2, date(2026, 2, 23)),
        # 23/2 is day 1; five full weeks of March with no holiday -> Fri 3/4/2026 is day 30.
        (date(2026, 2, 13), 30, date(2026, 4, 3)),
        (date(2026, 2, 17), 0, date(2026, 2, 17)),  # n = 0 is the start itself
        (date(2025, 1, 24), 1, date(2025, 2, 3)),  # across Tết 2025
        (date(2024, 12, 31), 1, date(2025, 1, 2)),  # across the year boundary and 1/1
        (date(2025, 4, 25), 1, date(2025, 4, 26)),  # the make-up Saturday counts
        (date(2025, 4, 25), 4, date(2025, 5, 5)),  # 28, 29/4 then 30/4-4/5 off
        (date(2027, 1, 31), 6, date(2027, 2, 15)),  # 10 weekdays - 5 of Tết 2027 = 5, then Mon
        (date(2026, 3, 6), 5, date(2026, 3, 13)),  # counting starts the day after (a Fri)
        (date(2026, 3, 7), 5, date(2026, 3, 13)),  # from a Saturday
    ],
)
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


def test_add_working_days_rejects_negative_counts():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 2, 13), date(2026, 2, 23), 1),
        (date(2026, 2, 13), date(2026, 2, 22), 0),
        (date(2026, 2, 12), date(2026, 2, 22), 1),
        (date(2027, 1, 31), date(2027, 2, 14), 5),
        (date(2025, 1, 24), date(2025, 2, 3), 1),
        (date(2026, 3, 6), date(2026, 3, 6), 0),
        (date(2026, 3, 9), date(2026, 3, 6), 0),  # end before start
        (date(2026, 3, 8), date(2026, 3, 13), 5),
    ],
)
def test_working_days_between(start, end, count):
    assert CAL.working_days_between(start, end) == count


@pytest.mark.parametrize("n", [0, 1, 5, 30, 60])
@pytest.mark.parametrize("start", [date(2026, 2, 13), date(2027, 1, 29), date(2025, 12, 30)])
def test_counting_and_adding_agree(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert n == 0 or CAL.is_working_day(end)


def test_2025_loses_twelve_weekdays():
    # Labour Code 2019 Art. 112: 11 holidays; Tết's Sat 1/2/2025 is compensated on a weekday,
    # so all 11 fall on weekdays, plus Fri 2/5 swapped with the make-up Sat 26/4 = 12.
    days = (date(2025, 1, 1) + timedelta(days=i) for i in range(365))
    days_off = [d for d in days if d.weekday() < 5 and not CAL.is_working_day(d)]
    assert len(days_off) == 12
    assert CAL.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 261 - 12 + 1


def test_holiday_names():
    assert "Tết" in (CAL.holiday_name(date(2026, 2, 17)) or "")
    assert CAL.holiday_name(date(2026, 3, 9)) is None


def test_config_adds_a_day_off_and_a_makeup_saturday():
    cal = WorkCalendar.from_config({"2026": {"add": ["2026-01-02"], "workdays": ["2026-01-10"]}})
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.holiday_name(date(2026, 1, 2)) == CONFIGURED_HOLIDAY_NAME
    assert cal.is_working_day(date(2026, 1, 10))  # a Saturday
    # Wed 31/12/2025: 1/1 holiday, 2/1 configured off, 3-4/1 weekend -> Mon 5/1/2026.
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert cal.add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 10)
    # the default calendar is not affected
    assert CAL.is_working_day(date(2026, 1, 2))
    assert not CAL.is_working_day(date(2026, 1, 10))


def test_config_removes_a_holiday():
    # Domain-rules §8: 24/11 (Culture Day) only counts once enacted; config can take it out.
    assert not CAL.is_working_day(date(2026, 11, 24))
    cal = WorkCalendar.from_config({"2026": {"remove": ["2026-11-24"]}})
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)) is None
    assert cal.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)


def test_config_remove_cancels_a_makeup_saturday():
    cal = WorkCalendar(removed_holidays=[date(2025, 4, 26)])
    assert not cal.is_working_day(date(2025, 4, 26))
    assert cal.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)


def test_constructor_accepts_named_days_off():
    cal = WorkCalendar(extra_holidays={date(2026, 3, 9): "Nghỉ đặc biệt"})
    assert cal.holiday_name(date(2026, 3, 9)) == "Nghỉ đặc biệt"
    assert not cal.is_working_day(date(2026, 3, 9))


def test_a_day_cannot_be_both_off_and_a_makeup_day():
    with pytest.raises(ValueError, match="2026-01-10"):
        WorkCalendar(extra_holidays=[date(2026, 1, 10)], extra_workdays=[date(2026, 1, 10)])


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"20x6": {"add": ["2026-01-02"]}}, "20x6"),
        ({"2026": {"added": ["2026-01-02"]}}, "added"),
        ({"2026": {"add": ["2026-02-30"]}}, "2026-02-30"),
        ({"2026": {"add": ["02/01/2026"]}}, "02/01/2026"),
        ({"2026": {"add": ["2027-01-02"]}}, "2027-01-02"),  # not in that year
        ({"2026": {"add": "2026-01-02"}}, "add"),  # not a list
        ({"2026": {"workdays": ["2026-01-09"]}}, "2026-01-09"),  # a Friday, not a weekend
        ({"2026": ["2026-01-02"]}, "2026"),
        ({"2026": {"add": [20260102]}}, "20260102"),
    ],
)
def test_from_config_names_the_bad_key_or_value(config, named):
    with pytest.raises(ValueError, match=named):
        WorkCalendar.from_config(config)


def test_from_config_accepts_integer_years_and_date_objects():
    cal = WorkCalendar.from_config({2026: {"add": [date(2026, 1, 2)]}})
    assert not cal.is_working_day(date(2026, 1, 2))
