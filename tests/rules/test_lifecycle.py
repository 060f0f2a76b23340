"""Members who move, pause or leave: deadlines, temporary limits, vote base, removal evidence,
and the lifecycle reminder chains (domain-rules §6.1-6.5, 6.7, 6.9, 6.10)."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.rules.lifecycle import (
    Period,
    RollMember,
    check_temporary,
    check_temporary_exemption,
    compute_vote_base,
    dossier_deadline,
    outside_periods,
    transfer_deadlines,
)
from chibo.rules.lifecycle_reminders import (
    LIFECYCLE_FAMILY,
    ArrivalsCase,
    CardCase,
    DepartureCase,
    ExemptionCase,
    LifecycleCases,
    RemovalCase,
    ResidenceCase,
    TransferCase,
    lifecycle_reminders,
)
from chibo.rules.lifecycle_removal import Evidence, assess, assess_all
from chibo.rules.reminders import ReminderState, due_reminders
from chibo.rules.workdays import WorkCalendar

CAL = WorkCalendar()


def test_transfer_deadlines_count_working_days_across_tet():
    # Letter Tue 10/2/2026: Tết 16-20/2 is off, so 30 working days end on 31/3 (not 24/3).
    d = transfer_deadlines(date(2026, 1, 30), date(2026, 2, 10), CAL)
    assert d.letter_deadline == date(2026, 3, 31)
    assert d.letter_source == "Quy định 294-QĐ/TW, điểm 6.3.1"
    # Trigger Fri 30/1: 60 working days skip Tết, Hùng Kings' (27/4), 30/4 and 1/5.
    assert d.procedure_deadline == date(2026, 5, 6)
    assert (d.procedure_wd, d.letter_wd) == (60, 30)


def test_transfer_deadline_under_qd24_cites_it():
    d = transfer_deadlines(date(2024, 3, 1), None, CAL)
    assert d.procedure_source == "Quy định 24-QĐ/TW, điểm 6.3.1"
    assert d.letter_deadline is None


def test_dossier_notice_from_a_month_end_weekend():
    # Sat 31/1/2026: counting starts Mon 2/2; Tết pushes the 30th working day to 20/3.
    assert dossier_deadline(date(2026, 1, 31), CAL) == (30, date(2026, 3, 20), "Hướng dẫn 06-HD/TW")


@pytest.mark.parametrize(
    ("start", "end", "reason", "ok"),
    [
        (date(2026, 1, 31), date(2026, 4, 30), "work", True),  # 3 months, month end clamped
        (date(2026, 1, 31), date(2026, 4, 29), "work", False),  # under 3 months
        (date(2026, 3, 1), date(2027, 2, 28), "work", True),  # under 1 year
        (date(2026, 3, 1), date(2027, 3, 1), "work", False),  # a full year: official transfer
        (date(2026, 3, 1), date(2028, 3, 1), "study", True),  # study: up to 2 years
        (date(2026, 3, 1), date(2028, 3, 2), "study", False),
    ],
)
def test_temporary_transfer_limits(start, end, reason, ok):
    assert (check_temporary(start, end, reason) is None) is ok


def test_temporary_exemption_under_12_months():
    assert check_temporary_exemption(date(2026, 1, 1), date(2026, 12, 31)) is None
    msg = check_temporary_exemption(date(2026, 1, 1), date(2027, 1, 1))
    assert msg is not None and msg.params["source"] == "Hướng dẫn 06-HD/TW"


def test_a_temporary_member_changes_the_vote_base():
    away = Period(date(2026, 3, 1), None)
    roll = [
        RollMember(1, "official"),
        RollMember(2, "official"),
        RollMember(3, "official", away=(away,)),  # on temporary transfer elsewhere
        RollMember(4, "exempt"),  # exempt, absent
        RollMember(5, "official", exempt=(Period(date(2026, 1, 1), date(2026, 6, 30)),)),
        RollMember(6, "probationary"),
    ]
    before = compute_vote_base(roll, [], date(2026, 2, 1))
    during = compute_vote_base(roll, [99], date(2026, 4, 1))
    after = compute_vote_base(roll, [], date(2026, 7, 1))
    assert (before.base, during.base, after.base) == (3, 2, 3)  # 3 is still away
    assert during.away == (3,) and during.guests == (99,)
    assert during.official == 5
    # An exempted member who attends is counted.
    assert compute_vote_base(roll, [], date(2026, 7, 1), present={1, 2, 3, 4, 5}).base == 4


def test_absences_during_an_exemption_do_not_count():
    dates = [date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5)]
    assert outside_periods(dates, [Period(date(2026, 2, 1), date(2026, 2, 28))]) == (
        date(2026, 1, 5),
        date(2026, 3, 5),
    )


def test_review_reaches_3_by_absences_in_the_calendar_year_or_rolling_window():
    two = Evidence("absences", (date(2026, 1, 8), date(2026, 3, 8), date(2026, 3, 20)))
    a = assess(two, date(2026, 4, 1))
    assert (a.level, a.count, a.threshold) == ("warn", 2, 3)
    three = Evidence("absences", (*two.dates, date(2026, 4, 2)))
    a = assess(three, date(2026, 4, 2))
    assert (a.level, a.count, a.window) == ("review", 3, "year")
    assert a.source == "Điều lệ Đảng, Điều 2; Quy định 294-QĐ/TW, điểm 8.1"
    # Across the new year: only the rolling 12 months reach 3.
    spread = Evidence("absences", (date(2025, 11, 5), date(2025, 12, 5), date(2026, 1, 5)))
    a = assess(spread, date(2026, 1, 10))
    assert (a.level, a.window, a.count) == ("review", "rolling", 3)
    assert assess(spread, date(2026, 12, 10)).level == "none"


def test_education_kht_and_dues_evidence():
    edu = Evidence("education", (date(2025, 1, 15),))
    assert assess(edu, date(2025, 11, 15)).level == "warn"
    assert assess(edu, date(2026, 1, 15)).level == "review"
    kht = Evidence("kht", (date(2024, 12, 31), date(2025, 12, 31)))
    assert assess(kht, date(2026, 1, 10)).level == "review"
    assert (
        assess(Evidence("kht", (date(2023, 12, 31), date(2025, 12, 31))), date(2026, 1, 10)).level
        == "warn"
    )
    dues = Evidence("dues", (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)))
    found = assess_all([dues, edu], date(2026, 4, 10))
    assert [(a.ground, a.level) for a in found] == [("dues", "review"), ("education", "review")]


def _kinds(cases: LifecycleCases, today: date) -> list[tuple[str, str, str]]:
    return [(r.kind, r.step, r.severity) for r in lifecycle_reminders(cases, today, CAL)]


def test_transfer_procedure_then_late_report():
    t = TransferCase(7, "official", "An", 1, None, trigger_date=date(2026, 1, 30))
    cases = LifecycleCases(transfers=[t])
    assert _kinds(cases, date(2026, 3, 20)) == []
    assert _kinds(cases, date(2026, 3, 21)) == [("transfer.procedure", "+30wd", "due")]
    assert _kinds(cases, date(2026, 5, 6)) == [("transfer.procedure", "+50wd", "due")]
    assert _kinds(cases, date(2026, 5, 7)) == [("transfer.procedure", "+60wd", "overdue")]


def test_transfer_letter_goes_to_the_receiving_cell_in_the_tree():
    t = TransferCase(7, "official", "An", 1, 2, date(2026, 1, 30), date(2026, 2, 10))
    found = lifecycle_reminders(LifecycleCases(transfers=[t]), date(2026, 4, 1), CAL)
    assert [(r.kind, r.step, r.org_id, r.severity) for r in found] == [
        ("transfer.letter", "+30wd", 2, "overdue")
    ]
    assert found[0].params["deadline"] == date(2026, 3, 31)
    assert _kinds(LifecycleCases(transfers=[t]), date(2026, 3, 18)) == [
        ("transfer.letter", "+20wd", "due")
    ]


def test_temporary_end_and_arrivals_and_exemption_end():
    t = TransferCase(8, "temporary", "Bình", 1, 2, end_date=date(2026, 9, 30))
    e = ExemptionCase(3, 5, 1, "Cường", date(2026, 9, 30))
    cases = LifecycleCases(transfers=[t], exemptions=[e])
    assert _kinds(cases, date(2026, 8, 31)) == [
        ("transfer.temporary_end", "-30d", "info"),
        ("exemption.end", "3:-30d", "info"),
    ]
    assert _kinds(cases, date(2026, 10, 1)) == [
        ("transfer.temporary_end", "end", "due"),
        ("exemption.end", "3:end", "due"),
    ]
    arrivals = ArrivalsCase(2, "Chi bộ 2", (("Dũng", date(2026, 3, 1)), ("Em", date(2026, 6, 15))))
    found = lifecycle_reminders(LifecycleCases(arrivals=[arrivals]), date(2026, 7, 10), CAL)
    assert [(r.kind, r.step, r.recipients) for r in found] == [
        ("transfer.arrivals", "2026-Q3", ("officer",))
    ]
    assert found[0].params["late"] == "Dũng" and found[0].params["count"] == 2


def test_residence_meeting_and_november_comments():
    c = ResidenceCase(4, 1, "Giang", date(2026, 3, 10))
    assert _kinds(LifecycleCases(residence=[c]), date(2026, 9, 9)) == []
    assert _kinds(LifecycleCases(residence=[c]), date(2026, 9, 10)) == [
        ("residence.meeting", "2026-09-10", "due")
    ]
    met = ResidenceCase(4, 1, "Giang", date(2026, 3, 10), date(2026, 9, 12))
    assert _kinds(LifecycleCases(residence=[met]), date(2026, 11, 2)) == [
        ("residence.comments", "2026", "due")
    ]
    done = ResidenceCase(4, 1, "Giang", date(2026, 3, 10), date(2026, 9, 12), (2026,))
    assert _kinds(LifecycleCases(residence=[done]), date(2026, 11, 2)) == []


def test_departure_card_and_removal_reminders():
    d = DepartureCase(5, 1, "Hà", "deceased", date(2026, 1, 31))
    assert _kinds(LifecycleCases(departures=[d]), date(2026, 3, 21)) == [
        ("leaving.notice", "+30wd", "overdue")
    ]
    cards = [
        CardCase(6, 1, "Khánh", "request", date(2026, 5, 1)),
        CardCase(7, 1, "Lan", "handover", date(2026, 5, 2)),
        CardCase(8, 1, "Minh", "collect", date(2026, 5, 3)),
    ]
    assert [k for k, _s, _v in _kinds(LifecycleCases(cards=cards), date(2026, 5, 3))] == [
        "card.request",
        "card.handover",
        "card.collect",
    ]
    absences = Evidence("absences", (date(2026, 1, 8), date(2026, 3, 8), date(2026, 4, 8)))
    edu = Evidence("education", (date(2025, 1, 15),))
    r = RemovalCase(9, 1, "Nam", (absences, edu))
    # Absences at 3: meeting.absences raises that review; the education review comes here.
    assert _kinds(LifecycleCases(removals=[r]), date(2026, 4, 8)) == [
        ("removal.review", "education:2025-01-15:review", "due")
    ]
    # Unpaid dues at 2 or 3 months: dues.unpaid.warning / .review raise them, not this family.
    dues = Evidence("dues", (date(2026, 1, 1), date(2026, 3, 1), date(2026, 4, 1)))
    for ds in (dues, Evidence("dues", dues.dates[:2])):
        assert (
            _kinds(LifecycleCases(removals=[RemovalCase(9, 1, "Nam", (ds,))]), date(2026, 4, 8))
            == []
        )
    warn = RemovalCase(9, 1, "Nam", (Evidence("absences", absences.dates[:2]),))
    assert _kinds(LifecycleCases(removals=[warn]), date(2026, 4, 8)) == [
        ("removal.warn", "absences:2026-03-08:warn", "info")
    ]


def test_the_engine_runs_the_lifecycle_family():
    t = TransferCase(7, "official", "An", 1, None, trigger_date=date(2026, 1, 30))
    state = ReminderState({LIFECYCLE_FAMILY: LifecycleCases(transfers=[t])})
    assert [r.kind for r in due_reminders(state, date(2026, 5, 7), CAL)] == ["transfer.procedure"]
