"""Candidate reminders: committee decision (A10), ceremony (A11), certificate (A3), stalled files.

Working days across Tết 2026 (Sat 14/2 - Sun 22/2 off, domain-rules §8), Hùng Kings' Day
26/4/2026 (a Sunday, compensated Mon 27/4), 30/4 and 1/5/2026 (Thu, Fri):
- after Thu 5/2/2026: Fri 6/2 is day 1, 9-13/2 days 2-6, 23-27/2 days 7-11, five weeks from
  2/3 to 3/4 days 12-36, Mon 6 - Thu 9/4 days 37-40; Fri 10/4 day 41, 13-24/4 days 42-51,
  Tue 28 and Wed 29/4 days 52-53, 4-8/5 days 54-58, Mon 11/5 day 59, Tue 12/5/2026 day 60.
- after Mon 9/2/2026: 10-13/2 days 1-4, 23-27/2 days 5-9, 2-6/3 days 10-14, Mon 9/3 day 15,
  10-13/3 days 16-19, 16-20/3 days 20-24, Mon 23/3 day 25, 24-27/3 days 26-29, Mon 30/3 day 30.
A "+N wd" step is dated the day after the N-th working day.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chibo.rules.candidate_reminders import CANDIDATE_FAMILY
from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.reminders import (
    OFFICERS,
    SECRETARIAT,
    CandidateCase,
    Reminder,
    ReminderState,
    candidate_reminders,
    due_reminders,
)
from chibo.rules.workdays import WorkCalendar

CAL = WorkCalendar()
BASE = CandidateCase(
    candidate_id=50,
    org_id=7,
    full_name="Đỗ Thị Hạnh",
    birth_date=date(1995, 8, 1),
    course_cert_date=date(2025, 6, 1),
    application_date=date(2025, 7, 1),
    background_date=date(2025, 7, 5),
    verification_date=date(2025, 10, 1),
    introduction_date=date(2025, 12, 1),
)
RESOLVED = replace(BASE, cell_resolution_date=date(2026, 2, 5))


def sweep(today: date, *cases: CandidateCase, calendar: WorkCalendar = CAL) -> list[Reminder]:
    return due_reminders(ReminderState({CANDIDATE_FAMILY: cases or (RESOLVED,)}), today, calendar)


def steps(reminders: list[Reminder], kind_prefix: str = "candidate.") -> set[tuple[str, str, date]]:
    return {(r.kind, r.step, r.due_date) for r in reminders if r.kind.startswith(kind_prefix)}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 4, 9), set()),  # the 40th working day itself
        (date(2026, 4, 10), {("candidate.decision", "+40wd", date(2026, 4, 10))}),
        (date(2026, 5, 12), {("candidate.decision", "+40wd", date(2026, 4, 10))}),
        (date(2026, 5, 13), {("candidate.decision", "+60wd", date(2026, 5, 13))}),
        (date(2026, 9, 1), {("candidate.decision", "+60wd", date(2026, 5, 13))}),
    ],
)
def test_decision_chase_across_tet(today, expected):
    assert steps(sweep(today), "candidate.decision") == expected


def test_decision_chase_recipients_and_deadline():
    [early] = [r for r in sweep(date(2026, 4, 10)) if r.kind == "candidate.decision"]
    assert early.recipients == SECRETARIAT and early.severity == "due"
    assert early.params["deadline"] == date(2026, 5, 12)
    assert early.params["elapsed"] == 40
    [late] = [r for r in sweep(date(2026, 5, 13)) if r.kind == "candidate.decision"]
    assert late.recipients == SECRETARIAT + OFFICERS and late.severity == "overdue"
    assert late.params["source"] == "Quy định 294-QĐ/TW, điểm 4.3.1"
    assert late.subject_type == "candidate" and late.subject_id == 50


def test_decision_chase_cites_the_regulation_in_force_on_the_resolution_date():
    old = replace(BASE, cell_resolution_date=date(2025, 3, 10))
    [r] = [r for r in sweep(date(2025, 12, 1), old) if r.kind == "candidate.decision"]
    assert r.params["source"] == "Quy định 232-QĐ/TW, điểm 4.3.1"


def test_no_decision_chase_once_decided():
    decided = replace(RESOLVED, decision_date=date(2026, 4, 1), decision_no="12")
    assert steps(sweep(date(2026, 5, 13), decided), "candidate.decision") == set()


RECEIVED = replace(
    RESOLVED,
    decision_date=date(2026, 2, 6),
    decision_no="45-QĐ/ĐU",
    decision_received_date=date(2026, 2, 9),
)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 9), set()),
        (date(2026, 3, 10), {("candidate.ceremony", "+15wd", date(2026, 3, 10))}),
        (date(2026, 3, 23), {("candidate.ceremony", "+15wd", date(2026, 3, 10))}),
        (date(2026, 3, 24), {("candidate.ceremony", "+25wd", date(2026, 3, 24))}),
        (date(2026, 3, 30), {("candidate.ceremony", "+25wd", date(2026, 3, 24))}),  # day 30
        (date(2026, 3, 31), {("candidate.ceremony.overdue", "+30wd", date(2026, 3, 31))}),
        (date(2026, 7, 1), {("candidate.ceremony.overdue", "+30wd", date(2026, 3, 31))}),
    ],
)
def test_ceremony_steps_from_the_received_date(today, expected):
    assert steps(sweep(today, RECEIVED), "candidate.ceremony") == expected


def test_ceremony_overdue_message():
    [r] = [r for r in sweep(date(2026, 3, 31), RECEIVED) if r.kind == "candidate.ceremony.overdue"]
    assert r.severity == "overdue" and r.recipients == SECRETARIAT
    assert r.params["deadline"] == date(2026, 3, 30)
    assert r.params["start"] == date(2026, 2, 9)
    assert "consent" in r.message.key


def test_ceremony_counts_from_the_decision_date_when_receipt_is_not_recorded():
    # after Fri 6/2/2026: 9-13/2 days 1-5, 23-27/2 days 6-10, 2-6/3 days 11-15 -> Sat 7/3
    unreceived = replace(RECEIVED, decision_received_date=None)
    assert steps(sweep(date(2026, 3, 7), unreceived), "candidate.ceremony") == {
        ("candidate.ceremony", "+15wd", date(2026, 3, 7))
    }


def test_no_reminders_once_admitted_or_withdrawn():
    for case in (
        replace(RECEIVED, ceremony_date=date(2026, 3, 1)),
        replace(RECEIVED, status="withdrawn"),
        replace(RECEIVED, status="admitted"),
    ):
        assert sweep(date(2026, 4, 1), case) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # issued 10/3/2021, valid through 10/3/2026; 90 days before: 10/12/2025
        (date(2025, 12, 9), set()),
        (date(2025, 12, 10), {("candidate.certificate", "-90d", date(2025, 12, 10))}),
        (date(2026, 3, 10), {("candidate.certificate", "-90d", date(2025, 12, 10))}),
        (date(2026, 3, 11), {("candidate.certificate", "expired", date(2026, 3, 11))}),
    ],
)
def test_certificate_expiry(today, expected):
    case = replace(BASE, course_cert_date=date(2021, 3, 10), application_date=date(2025, 10, 1))
    case = replace(case, background_date=date(2025, 10, 2), verification_date=date(2025, 11, 1))
    case = replace(case, introduction_date=date(2025, 11, 20))
    assert steps(sweep(today, case), "candidate.certificate") == expected


def test_certificate_issued_on_a_leap_day():
    # 29/2/2020 -> valid through 28/2/2025; 90 days before: 30/11/2024
    case = replace(BASE, course_cert_date=date(2020, 2, 29))
    assert steps(sweep(date(2024, 11, 30), case), "candidate.certificate") == {
        ("candidate.certificate", "-90d", date(2024, 11, 30))
    }
    assert steps(sweep(date(2025, 3, 1), case), "candidate.certificate") == {
        ("candidate.certificate", "expired", date(2025, 3, 1))
    }


def test_certificate_chain_stops_at_the_cell_resolution():
    case = replace(RESOLVED, course_cert_date=date(2021, 3, 10))
    assert steps(sweep(date(2026, 3, 11), case), "candidate.certificate") == set()


def test_stalled_file():
    # last date 31/8/2025 + 6 months = 28/2/2026 (no 31/2)
    case = CandidateCase(
        candidate_id=60,
        org_id=7,
        full_name="Bùi Văn Khoa",
        birth_date=date(2001, 1, 1),
        tracked_since=date(2025, 3, 1),
        course_cert_date=date(2025, 8, 31),
    )
    assert sweep(date(2026, 2, 27), case) == []
    [r] = sweep(date(2026, 2, 28), case)
    assert (r.kind, r.step, r.due_date) == ("candidate.stalled", "2025-08-31+6m", date(2026, 2, 28))
    assert r.severity == "info"
    # a new step starts a new occurrence
    moved = replace(case, application_date=date(2026, 3, 5))
    assert sweep(date(2026, 9, 4), moved) == []
    [again] = sweep(date(2026, 9, 5), moved)
    assert again.step == "2026-03-05+6m"
    # listed but nothing recorded yet: counted from the listing
    listed = replace(case, course_cert_date=None)
    assert [r.due_date for r in sweep(date(2025, 9, 1), listed)] == [date(2025, 9, 1)]


def test_catch_up_after_downtime():
    # Down from 1/4 to 20/5/2026: only the +60wd decision chase, not +40wd as well.
    assert steps(sweep(date(2026, 5, 20))) == {("candidate.decision", "+60wd", date(2026, 5, 13))}


def test_daily_sweeps_send_each_step_once():
    sent: dict[str, Reminder] = {}
    day = date(2026, 2, 1)
    while day <= date(2026, 12, 31):
        for r in sweep(day, RESOLVED):
            sent.setdefault(r.key, r)
        day += timedelta(days=1)
    assert sorted(sent) == [
        "candidate.decision:candidate:50:+40wd",
        "candidate.decision:candidate:50:+60wd",
        # last date 5/2/2026 (the resolution) + 6 months
        "candidate.stalled:candidate:50:2026-02-05+6m",
    ]
    assert sent["candidate.stalled:candidate:50:2026-02-05+6m"].due_date == date(2026, 8, 5)


def test_configured_offsets():
    catalogue = DEFAULT_CATALOGUE.with_overrides({"admission.ceremony.reminders_wd": [5]})
    found = candidate_reminders([RECEIVED], date(2026, 2, 24), CAL, catalogue)
    # after Mon 9/2: 10-13/2 days 1-4, Mon 23/2 day 5 -> Tue 24/2
    assert steps(found, "candidate.ceremony") == {("candidate.ceremony", "+5wd", date(2026, 2, 24))}


def test_every_message_formats():
    cases = [
        RESOLVED,
        replace(RECEIVED, candidate_id=51),
        replace(BASE, candidate_id=52, course_cert_date=date(2021, 3, 10)),
    ]
    kinds = set()
    day = date(2025, 12, 1)
    while day <= date(2026, 12, 31):
        for r in candidate_reminders(cases, day, CAL, DEFAULT_CATALOGUE):
            kinds.add(r.kind)
            assert r.params == r.message.params
            r.message.key.format(**r.message.params)
        day += timedelta(days=7)
    assert kinds == {
        "candidate.decision",
        "candidate.ceremony",
        "candidate.ceremony.overdue",
        "candidate.certificate",
        "candidate.stalled",
    }
