"""Meetings: year view, attendance, the §6.5 absence count, vote base and record validation."""

from datetime import date

import pytest

from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.meetings import (
    AttendanceRecord,
    BaseMember,
    Meeting,
    absence_occurrences,
    absence_status,
    check_meeting,
    month_label,
    months_with_absence,
    period_status,
    unexcused_absences,
    vote_base,
    year_view,
)

ORG = 7


def regular(d: date, meeting_id: int | None = None) -> Meeting:
    return Meeting(ORG, d, "regular", meeting_id=meeting_id)


# --- year view ---


def test_year_view_months_and_quarters():
    meetings = [
        regular(date(2026, 1, 28)),
        regular(date(2026, 3, 1)),
        regular(date(2026, 3, 31)),  # two in March: both listed
        Meeting(ORG, date(2026, 2, 14), "thematic", topic="Học tập Nghị quyết"),
        Meeting(ORG, date(2026, 2, 20), "extraordinary"),
        regular(date(2025, 12, 30)),  # other year: ignored
        Meeting(ORG, date(2027, 1, 5), "thematic", topic="x"),
    ]
    view = year_view(meetings, 2026, today=date(2026, 4, 10))
    assert [m.month for m in view.months] == list(range(1, 13))
    statuses = [m.status for m in view.months]
    # Feb has only a thematic and an extraordinary meeting: no regular one (M2: not a substitute)
    assert statuses[:5] == ["held", "missing", "held", "open", "future"]
    assert statuses[5:] == ["future"] * 7
    assert view.months[2].regular_dates == (date(2026, 3, 1), date(2026, 3, 31))
    assert view.months[0].regular_held and not view.months[1].regular_held
    assert [q.status for q in view.quarters] == ["held", "open", "future", "future"]
    assert view.quarters[0].thematic_dates == (date(2026, 2, 14),)
    assert view.extraordinary_dates == (date(2026, 2, 20),)


@pytest.mark.parametrize(
    ("today", "held", "expected"),
    [
        (date(2026, 2, 28), False, "open"),  # the last day of the month still counts as open
        (date(2026, 3, 1), False, "missing"),
        (date(2026, 1, 31), False, "future"),
        (date(2026, 1, 31), True, "held"),
    ],
)
def test_period_status(today, held, expected):
    assert period_status(date(2026, 2, 1), date(2026, 2, 28), held, today) == expected


# --- attendance ---


def _unexcused(*days: date) -> list[AttendanceRecord]:
    return [AttendanceRecord(d, "unexcused") for d in days]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # window (10/3/2025, 10/3/2026]: an absence exactly 12 months ago has left it
        (date(2026, 3, 10), (date(2025, 9, 5), date(2026, 3, 10))),
        (date(2026, 3, 9), (date(2025, 3, 10), date(2025, 9, 5))),
        (date(2025, 9, 4), (date(2025, 3, 10),)),
    ],
)
def test_unexcused_absences_window(today, expected):
    records = [
        *_unexcused(date(2025, 3, 10), date(2025, 9, 5), date(2026, 3, 10)),
        AttendanceRecord(date(2026, 1, 8), "excused"),
        AttendanceRecord(date(2026, 2, 8), "present"),
    ]
    assert unexcused_absences(records, today, 12) == expected


def test_window_from_a_leap_day():
    # 28/2/2025 - 12 months = 28/2/2024: an absence on 29/2/2024 is still inside the window.
    records = _unexcused(date(2024, 2, 28), date(2024, 2, 29))
    assert unexcused_absences(records, date(2025, 2, 28), 12) == (date(2024, 2, 29),)


def test_absences_in_one_month_count_as_one_month():
    dates = [date(2026, 1, 10), date(2026, 1, 24), date(2026, 2, 12)]
    assert months_with_absence(dates) == 2
    status = absence_status(_unexcused(*dates), date(2026, 2, 28))
    assert (status.months, status.level) == (2, "warn")


@pytest.mark.parametrize(
    ("days", "level"),
    [
        ((), "none"),
        ((date(2026, 1, 10),), "none"),
        ((date(2026, 1, 10), date(2026, 2, 12)), "warn"),  # attendance.unexcused.warn_at = 2
        ((date(2026, 1, 10), date(2026, 2, 12), date(2026, 3, 5)), "review"),
        # 11/3/2025 is inside (11/3/2025 > 10/3/2025); three months: review
        ((date(2025, 3, 11), date(2025, 9, 5), date(2026, 3, 10)), "review"),
        ((date(2025, 3, 10), date(2025, 9, 5), date(2026, 3, 10)), "warn"),
    ],
)
def test_absence_status_levels(days, level):
    assert absence_status(_unexcused(*days), date(2026, 3, 10)).level == level


def test_absence_threshold_comes_from_the_catalogue():
    stricter = DEFAULT_CATALOGUE.with_overrides({"attendance.unexcused.removal_threshold": 2})
    status = absence_status(
        _unexcused(date(2026, 1, 10), date(2026, 2, 12)), date(2026, 3, 1), stricter
    )
    assert status.level == "review"


def test_absence_occurrences_use_each_month_once():
    days = [
        date(2026, 1, 10),
        date(2026, 1, 24),  # same month as the first
        date(2026, 2, 12),
        date(2026, 3, 5),  # third month -> occurrence 1
        date(2026, 3, 20),  # same month as the trigger: not fresh
        date(2026, 4, 2),
        date(2026, 5, 7),
        date(2026, 6, 4),  # three fresh months (Apr, May, Jun) -> occurrence 2
    ]
    found = absence_occurrences(days, 12, 3)
    assert [o.trigger for o in found] == [date(2026, 3, 5), date(2026, 6, 4)]
    assert found[0].dates == (
        date(2026, 1, 10),
        date(2026, 1, 24),
        date(2026, 2, 12),
        date(2026, 3, 5),
    )
    assert found[1].dates == (date(2026, 4, 2), date(2026, 5, 7), date(2026, 6, 4))


def test_absence_occurrence_needs_the_three_months_within_the_window():
    # Jan 2025, Dec 2025, Feb 2026: on 2/2/2026 the window starts after 2/2/2025 -> only 2.
    assert (
        absence_occurrences([date(2025, 1, 31), date(2025, 12, 1), date(2026, 2, 2)], 12, 3) == ()
    )
    found = absence_occurrences([date(2025, 2, 3), date(2025, 12, 1), date(2026, 2, 2)], 12, 3)
    assert [o.trigger for o in found] == [date(2026, 2, 2)]


# --- cell size and vote base ---


def test_vote_base_excludes_away_guests_probationary_and_absent_exempt():
    members = [
        BaseMember(1, official=True),
        BaseMember(2, official=True, present=False),  # absent but not exempt: counted
        BaseMember(3, official=True, exempt=True, present=False),  # absent exempt: not counted
        BaseMember(4, official=True, exempt=True, present=True),  # exempt but attending: counted
        BaseMember(5, official=True, temporarily_away=True),  # temporary transfer elsewhere
        BaseMember(6, official=True, temporary_guest=True),  # here temporarily: votes at home
        BaseMember(7, official=False),  # probationary: no vote (P2)
    ]
    assert vote_base(members) == 3


# --- meeting records ---

TODAY = date(2026, 3, 20)
EXISTING = [regular(date(2026, 3, 5), meeting_id=11), regular(date(2026, 2, 26), meeting_id=10)]


def test_a_valid_meeting_passes():
    check = check_meeting(regular(TODAY), [EXISTING[1]], TODAY)
    assert check.ok and check.duplicate_of is None


def test_a_second_regular_meeting_in_a_month_offers_the_existing_one():
    check = check_meeting(regular(date(2026, 3, 19)), EXISTING, TODAY)
    assert not check.ok
    assert check.duplicate_of == EXISTING[0]
    [problem] = check.problems
    assert "Art. 24" in problem.key
    assert problem.params["month"] == "03/2026"
    assert problem.params["existing"] == date(2026, 3, 5)


def test_editing_the_month_meeting_is_not_a_duplicate():
    edited = regular(date(2026, 3, 6), meeting_id=11)
    assert check_meeting(edited, EXISTING, TODAY).ok


def test_other_kinds_and_other_cells_are_not_duplicates():
    thematic = Meeting(ORG, date(2026, 3, 5), "thematic", topic="Chuyên đề")
    assert check_meeting(thematic, EXISTING, TODAY).ok
    other_cell = Meeting(8, date(2026, 3, 10), "regular")
    assert check_meeting(other_cell, EXISTING, TODAY).ok


@pytest.mark.parametrize(
    ("meeting", "fragment"),
    [
        (regular(date(2026, 3, 21)), "future"),
        (Meeting(ORG, date(2026, 3, 10), "thematic", topic="  "), "12-HD/BTCTW"),
        (Meeting(ORG, date(2026, 3, 10), "thematic"), "12-HD/BTCTW"),
        (Meeting(ORG, date(2026, 1, 10), "regular", rating="Xuất sắc"), "rating"),
        (Meeting(ORG, date(2026, 1, 10), "weekly"), "kind"),  # type: ignore[arg-type]
    ],
)
def test_refused_meetings(meeting, fragment):
    check = check_meeting(meeting, EXISTING, TODAY)
    assert not check.ok
    assert any(fragment in p.key for p in check.problems)
    for p in check.problems:
        p.key.format(**p.params)


def test_today_is_not_the_future_and_ratings_follow_the_configuration():
    assert check_meeting(Meeting(ORG, TODAY, "extraordinary", rating="Khá"), EXISTING, TODAY).ok
    configured = DEFAULT_CATALOGUE.with_overrides({"meeting.rating_levels": ["Đạt", "Chưa đạt"]})
    rated = Meeting(ORG, TODAY, "extraordinary", rating="Khá")
    check = check_meeting(rated, EXISTING, TODAY, configured)
    assert not check.ok
    assert check.problems[0].params["levels"] == "Đạt, Chưa đạt"


@pytest.mark.parametrize(
    ("d", "label"), [(date(2026, 3, 5), "03/2026"), (date(2025, 12, 31), "12/2025")]
)
def test_month_label(d, label):
    assert month_label(d) == label
