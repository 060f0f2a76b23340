from datetime import date

import pytest

from chibo.rules.dates import (
    add_months,
    age_in_full_months,
    full_months_between,
    month_end,
    parse_date,
    parse_month,
    period_bounds,
    quarter_bounds,
    quarter_of,
)

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/3", date(2026, 3, 5)),  # day/month: current year
        ("05/03/2025", date(2025, 3, 5)),
        ("5-3-2025", date(2025, 3, 5)),
        ("5.3.2025", date(2025, 3, 5)),
        ("5/3/25", date(2025, 3, 5)),
        ("03/05/2025", date(2025, 5, 3)),  # always day first
        ("  5 / 3 / 2025  ", date(2025, 3, 5)),
        ("2025-03-05", date(2025, 3, 5)),
        ("hôm nay", TODAY),
        ("Hôm Nay", TODAY),
        ("hom nay", TODAY),
        ("today", TODAY),
        ("hôm qua", date(2026, 6, 14)),
        ("hom qua", date(2026, 6, 14)),
        ("yesterday", date(2026, 6, 14)),
        ("hôm kia", date(2026, 6, 13)),
        ("ngày 5 tháng 3 năm 2025", date(2025, 3, 5)),
        ("Ngày 05 tháng 03 năm 2025", date(2025, 3, 5)),
        ("5 thg 3", date(2026, 3, 5)),
        ("5 tháng 3", date(2026, 3, 5)),
        ("ngày 5/3/2025", date(2025, 3, 5)),
        ("29/02/2024", date(2024, 2, 29)),
        ("31/12/2025", date(2025, 12, 31)),
        # 2-digit years: 20xx up to ten years ahead, else the previous century (birth years).
        ("12/5/65", date(1965, 5, 12)),
        ("1/1/36", date(2036, 1, 1)),
        ("1/1/37", date(1937, 1, 1)),
        ("1/1/00", date(2000, 1, 1)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02",  # no 31 February
        "29/02/2025",  # 2025 is not a leap year
        "29/2",  # ... and neither is "this year", 2026
        "32/1/2025",
        "0/1/2025",
        "5/13/2025",  # no 13th month: day-first is never swapped
        "2025-02-30",
        "5/3/202",
        "5//3",
        "",
        "   ",
        "abc",
        "hôm",
        "5 3 2025",
        "ngày mai đi",
    ],
)
def test_parse_date_rejects(text):
    assert parse_date(text, TODAY) is None


def test_relative_days_cross_the_year_boundary():
    assert parse_date("hôm qua", date(2026, 1, 1)) == date(2025, 12, 31)
    assert parse_date("hôm kia", date(2024, 3, 1)) == date(2024, 2, 28)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # clamp to the month's end
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # year boundary
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 11, 30), -11, date(2024, 12, 30)),
        (date(2025, 5, 5), 0, date(2025, 5, 5)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2024, 3, 5), date(2025, 3, 4), 11),
        (date(2024, 3, 5), date(2025, 3, 5), 12),  # the anniversary counts on its day
        (date(2024, 3, 5), date(2024, 3, 5), 0),
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # consistent with add_months' clamping
        (date(2025, 3, 31), date(2025, 4, 30), 1),
        (date(2024, 2, 29), date(2025, 2, 27), 11),
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2025, 12, 20), date(2026, 1, 19), 0),  # across the year boundary
        (date(2025, 12, 20), date(2026, 1, 20), 1),
    ],
)
def test_full_months_between(a, b, expected):
    assert full_months_between(a, b) == expected


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        # Born 29/02/2008: 18 full years (216 months) on 28/02/2026, as add_months gives.
        (date(2008, 2, 29), date(2026, 2, 27), 215),
        (date(2008, 2, 29), date(2026, 2, 28), 216),
        (date(2008, 5, 10), date(2026, 5, 9), 215),
        (date(2008, 5, 10), date(2026, 5, 10), 216),
        (date(1966, 5, 10), date(2026, 5, 10), 720),  # 60 full years
    ],
)
def test_age_in_full_months(birth, on, months):
    assert age_in_full_months(birth, on) == months
    assert add_months(birth, months) <= on < add_months(birth, months + 1)


@pytest.mark.parametrize(
    ("d", "end"),
    [
        (date(2024, 2, 10), date(2024, 2, 29)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 12, 31), date(2025, 12, 31)),
        (date(2025, 4, 1), date(2025, 4, 30)),
    ],
)
def test_month_end(d, end):
    assert month_end(d) == end


@pytest.mark.parametrize(
    ("d", "q"),
    [(date(2026, 1, 1), 1), (date(2026, 3, 31), 1), (date(2026, 4, 1), 2), (date(2026, 12, 31), 4)],
)
def test_quarter_of(d, q):
    assert quarter_of(d) == q


@pytest.mark.parametrize(
    ("q", "bounds"),
    [
        (1, (date(2024, 1, 1), date(2024, 3, 31))),
        (2, (date(2024, 4, 1), date(2024, 6, 30))),
        (3, (date(2024, 7, 1), date(2024, 9, 30))),
        (4, (date(2024, 10, 1), date(2024, 12, 31))),
    ],
)
def test_quarter_bounds(q, bounds):
    assert quarter_bounds(2024, q) == bounds


def test_quarter_bounds_rejects_a_fifth_quarter():
    with pytest.raises(ValueError, match="quarter"):
        quarter_bounds(2024, 5)


@pytest.mark.parametrize(
    ("d", "period"),
    [
        (date(2026, 1, 1), "2026-H1"),
        (date(2026, 6, 30), "2026-H1"),
        (date(2026, 7, 1), "2026-H2"),
        (date(2026, 12, 31), "2026-H2"),
    ],
)
def test_half_year_period_bounds(d, period):
    first, last = period_bounds(period)
    assert first <= d <= last


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        ("2026-H1", (date(2026, 1, 1), date(2026, 6, 30))),
        ("2026-H2", (date(2026, 7, 1), date(2026, 12, 31))),
        ("2026-q3", (date(2026, 7, 1), date(2026, 9, 30))),
        ("2026-02", (date(2026, 2, 1), date(2026, 2, 28))),
        ("2028-02", (date(2028, 2, 1), date(2028, 2, 29))),
        ("2026", (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds(period, bounds):
    assert period_bounds(period) == bounds


@pytest.mark.parametrize("period", ["2026-H3", "2026-Q5", "2026-13", "2026-00", "26-H1", "", "x"])
def test_period_bounds_rejects(period):
    with pytest.raises(ValueError):
        period_bounds(period)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("2026-11", date(2026, 11, 1)),
        ("11/2026", date(2026, 11, 1)),
        ("11-2026", date(2026, 11, 1)),
        ("tháng 11/2026", date(2026, 11, 1)),
        ("Tháng 3 năm 2026", date(2026, 3, 1)),
        ("T11/2026", date(2026, 11, 1)),
        ("thg 1 2027", date(2027, 1, 1)),
    ],
)
def test_parse_month(text, first):
    assert parse_month(text) == first


@pytest.mark.parametrize("text", ["2026-13", "13/2026", "0/2026", "2026", "11/26", "", "tháng"])
def test_parse_month_rejects(text):
    assert parse_month(text) is None
