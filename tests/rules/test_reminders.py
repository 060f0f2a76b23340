"""Probation reminders: every step, the catch-up rule and idempotency.

Reference case: ceremony Tue 10/9/2024 -> probation ends Wed 10/9/2025 (P1, 12 months).
Hand-computed dates (no public holiday between 3/9/2025 and 31/12/2025):
- prepare: 10/9/2025 - 45 days = 27/7/2025; - 15 days = 26/8/2025;
- overdue every 7 days: 17/9 (#1), 24/9 (#2), ... 22/10 (#6), 29/10 (#7);
- 30 working days after Wed 10/9: Thu 11, Fri 12 (2), then 6 full weeks to Fri 17/10 (27),
  Mon 20 (28), Tue 21 (29), Wed 22/10/2025 (30) -> escalation once that day has passed: 23/10;
- course: months 3, 6, 9, 10 of probation = 10/12/2024, 10/3/2025, 10/6/2025, 10/7/2025.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.probation_reminders import PROBATION_FAMILY
from chibo.rules.reminders import (
    OFFICERS,
    SECRETARIAT,
    ProbationCase,
    Reminder,
    ReminderState,
    due_reminders,
    probation_reminders,
)
from chibo.rules.workdays import WorkCalendar

CAL = WorkCalendar()
CEREMONY = date(2024, 9, 10)
END = date(2025, 9, 10)
CASE = ProbationCase(
    member_id=42,
    org_id=7,
    full_name="Nguyễn Văn An",
    ceremony_date=CEREMONY,
    course_done_date=date(2025, 1, 15),  # course done: only the conversion chains run
)


def sweep(today: date, *cases: ProbationCase, calendar: WorkCalendar = CAL) -> list[Reminder]:
    return due_reminders(ReminderState({PROBATION_FAMILY: cases or (CASE,)}), today, calendar)


def steps(reminders: list[Reminder]) -> set[tuple[str, str, date]]:
    return {(r.kind, r.step, r.due_date) for r in reminders}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 7, 26), set()),
        (date(2025, 7, 27), {("probation.prepare", "-45d", date(2025, 7, 27))}),
        (date(2025, 8, 25), {("probation.prepare", "-45d", date(2025, 7, 27))}),
        (date(2025, 8, 26), {("probation.prepare", "-15d", date(2025, 8, 26))}),
        (date(2025, 9, 9), {("probation.prepare", "-15d", date(2025, 8, 26))}),
        (date(2025, 9, 10), {("probation.due", "end", END)}),
        (date(2025, 9, 16), {("probation.due", "end", END)}),
        # issue 9 §3: due for the conversion review until the legal deadline, not overdue
        (date(2025, 9, 17), {("probation.due", "+7d#1", date(2025, 9, 17))}),
        (date(2025, 9, 23), {("probation.due", "+7d#1", date(2025, 9, 17))}),
        (date(2025, 9, 24), {("probation.due", "+7d#2", date(2025, 9, 24))}),
        # the 30th working day itself: the cell may still act, no escalation yet
        (date(2025, 10, 22), {("probation.due", "+7d#6", date(2025, 10, 22))}),
        (
            date(2025, 10, 23),
            {
                ("probation.overdue", "+30wd", date(2025, 10, 23)),
                ("probation.escalation", "+30wd", date(2025, 10, 23)),
            },
        ),
        (
            date(2025, 10, 29),
            {
                ("probation.overdue", "+7d#7", date(2025, 10, 29)),
                ("probation.escalation", "+30wd", date(2025, 10, 23)),
            },
        ),
    ],
)
def test_conversion_steps(today, expected):
    assert steps(sweep(today)) == expected


def test_catch_up_after_downtime_sends_only_the_latest_step_per_chain():
    # Bot down from 20/7 to 30/12/2025: 10/9 + 111 days -> 15 whole weeks -> 10/9 + 105 days.
    reminders = sweep(date(2025, 12, 30))
    assert steps(reminders) == {
        ("probation.overdue", "+7d#15", date(2025, 12, 24)),
        ("probation.escalation", "+30wd", date(2025, 10, 23)),
    }


def test_daily_sweeps_send_each_step_once():
    sent: dict[str, Reminder] = {}
    day = date(2025, 6, 1)
    while day <= date(2025, 12, 31):
        for reminder in sweep(day):
            sent.setdefault(reminder.key, reminder)
        day += timedelta(days=1)
    kinds = [r.kind for r in sent.values()]
    assert kinds.count("probation.prepare") == 2
    # the end day and 6 weekly reminders up to the deadline (22/10): due, not overdue
    assert kinds.count("probation.due") == 7
    assert kinds.count("probation.escalation") == 1  # escalation exactly once
    # 10/9 -> 31/12/2025 is 112 days: 16 weekly reminders (the last on 31/12), the 10 after
    # the deadline overdue, and the day after the deadline
    assert kinds.count("probation.overdue") == 11
    assert max(r.due_date for r in sent.values()) == date(2025, 12, 31)
    # each was sent on its due date when the bot ran every day
    assert all(r.due_date >= date(2025, 6, 1) for r in sent.values())


def test_sweeps_with_downtime_skip_the_missed_steps():
    sent: set[str] = set()
    for day in (date(2025, 7, 30), date(2025, 9, 30), date(2025, 12, 30)):
        sent.update(r.key for r in sweep(day))
    assert sent == {
        "probation.prepare:member:42:-45d",
        "probation.due:member:42:+7d#2",
        "probation.escalation:member:42:+30wd",
        "probation.overdue:member:42:+7d#15",
    }


def test_recipients_and_severities():
    by_kind = {r.kind: r for r in sweep(date(2025, 10, 23))}
    assert by_kind["probation.escalation"].recipients == OFFICERS
    assert by_kind["probation.escalation"].severity == "escalation"
    assert by_kind["probation.overdue"].recipients == SECRETARIAT
    assert by_kind["probation.overdue"].severity == "overdue"
    assert sweep(date(2025, 9, 10))[0].severity == "due"
    assert sweep(date(2025, 7, 27))[0].severity == "info"


@pytest.mark.parametrize(
    "today", [date(2025, 9, 10), date(2025, 10, 23), date(2025, 11, 20), date(2026, 3, 1)]
)
def test_no_conversion_reminders_once_the_resolution_is_recorded(today):
    resolved = replace(CASE, cell_resolution_date=date(2025, 9, 10), committee_decision_date=today)
    assert sweep(today, resolved) == []


def test_committee_decision_chase():
    # Cell resolution Wed 15/10/2025 + 30 working days: Thu 16, Fri 17 (2), five full weeks to
    # Fri 21/11 (27), Mon 24 (28), Tue 25 (29), Wed 26/11/2025 (30) -> chase from 27/11.
    resolved = replace(CASE, cell_resolution_date=date(2025, 10, 15))
    assert sweep(date(2025, 11, 26), resolved) == []
    [chase] = sweep(date(2025, 11, 27), resolved)
    assert (chase.kind, chase.step, chase.due_date) == (
        "probation.committee_decision",
        "+30wd",
        date(2025, 11, 27),
    )
    assert chase.severity == "overdue"
    assert chase.params["deadline"] == date(2025, 11, 26)
    assert chase.params["resolution"] == date(2025, 10, 15)
    assert sweep(date(2026, 2, 1), resolved)[0].key == chase.key  # the same step, not repeated
    decided = replace(resolved, committee_decision_date=date(2025, 12, 1))
    assert sweep(date(2025, 12, 1), decided) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 12, 9), set()),
        (date(2024, 12, 10), {("probation.course", "m3", date(2024, 12, 10), "info")}),
        (date(2025, 3, 9), {("probation.course", "m3", date(2024, 12, 10), "info")}),
        (date(2025, 3, 10), {("probation.course", "m6", date(2025, 3, 10), "info")}),
        (date(2025, 6, 10), {("probation.course", "m9", date(2025, 6, 10), "info")}),
        (date(2025, 7, 10), {("probation.course", "m10", date(2025, 7, 10), "due")}),
        (date(2025, 7, 26), {("probation.course", "m10", date(2025, 7, 10), "due")}),
    ],
)
def test_course_steps(today, expected):
    no_course = replace(CASE, course_done_date=None)
    found = {(r.kind, r.step, r.due_date, r.severity) for r in sweep(today, no_course)}
    assert found == expected


def test_no_course_reminder_once_the_course_is_recorded():
    assert sweep(date(2025, 7, 10), CASE) == []


@pytest.mark.parametrize(
    "case",
    [
        replace(CASE, status="official"),
        replace(CASE, status="removed"),
        replace(CASE, ceremony_date=None),
    ],
)
def test_only_probationary_members_with_a_ceremony_get_reminders(case):
    for today in (date(2025, 7, 27), date(2025, 9, 10), date(2025, 12, 30)):
        assert sweep(today, case) == []


def test_leap_day_ceremony():
    # Ceremony 29/02/2024 -> end 28/02/2025; 45 days before: 28 days back to 31/1, 17 more.
    leap = replace(CASE, ceremony_date=date(2024, 2, 29), course_done_date=None)
    assert steps(sweep(date(2025, 1, 14), leap)) == {
        ("probation.prepare", "-45d", date(2025, 1, 14)),
        ("probation.course", "m10", date(2024, 12, 29)),
    }
    due = [r for r in sweep(date(2025, 2, 28), leap) if r.kind == "probation.due"]
    assert [r.due_date for r in due] == [date(2025, 2, 28)]
    assert due[0].params["end"] == date(2025, 2, 28)
    # month 3 of probation: 29/05/2024
    assert steps(sweep(date(2024, 5, 29), leap)) == {("probation.course", "m3", date(2024, 5, 29))}


def test_escalation_across_tet_2026():
    # End Fri 13/2/2026; Tết break Sat 14/2 - Sun 22/2 (domain-rules §8): Mon 23/2 is working
    # day 1, five full weeks of March to Fri 27/3 (25), 30/3 - Fri 3/4/2026 (30).
    tet = replace(CASE, ceremony_date=date(2025, 2, 13))
    assert steps(sweep(date(2026, 4, 3), tet)) == {
        ("probation.due", "+7d#7", date(2026, 4, 3)),  # the deadline itself
    }
    escalation = [r for r in sweep(date(2026, 4, 4), tet) if r.kind == "probation.escalation"]
    assert [r.due_date for r in escalation] == [date(2026, 4, 4)]
    assert escalation[0].params["deadline"] == date(2026, 4, 3)


def test_configured_day_off_moves_the_escalation():
    # One more day off inside the 30 working days pushes the deadline to Thu 23/10/2025.
    cal = WorkCalendar(extra_holidays=[date(2025, 10, 1)])
    reminders = sweep(date(2025, 10, 23), calendar=cal)
    assert "probation.escalation" not in {r.kind for r in reminders}
    assert "probation.escalation" in {r.kind for r in sweep(date(2025, 10, 24), calendar=cal)}


@pytest.mark.parametrize(
    ("ceremony", "source"),
    [
        # Numbers and sources follow the rule in force on the END of probation.
        (date(2024, 1, 10), "Quy định 24-QĐ/TW, điểm 4.2.1"),  # ends 10/1/2025
        (date(2024, 3, 10), "Quy định 232-QĐ/TW, điểm 4.2.1"),  # ends 10/3/2025
        (
            date(2024, 9, 10),
            "Quy định 294-QĐ/TW, điểm 4.2",
        ),  # ceremony under QĐ 24, ends under QĐ 294
    ],
)
def test_conversion_cites_the_rule_in_force_at_the_end(ceremony, source):
    case = replace(CASE, ceremony_date=ceremony)
    end = date(ceremony.year + 1, ceremony.month, ceremony.day)
    [due] = sweep(end, case)
    assert due.params["source"] == source
    assert source in due.message.key.format(**due.message.params)


def test_catalogue_overrides_change_the_offsets():
    catalogue = DEFAULT_CATALOGUE.with_overrides(
        {
            "probation.conversion.prepare_days": [60, 30],
            "probation.conversion.overdue_repeat_days": 3,
        }
    )
    state = ReminderState({PROBATION_FAMILY: (CASE,)})
    # 60 days before 10/9/2025 is 12/7/2025
    [early] = due_reminders(state, date(2025, 7, 12), CAL, catalogue)
    assert (early.step, early.due_date) == ("-60d", date(2025, 7, 12))
    [overdue] = due_reminders(state, date(2025, 9, 17), CAL, catalogue)
    assert (overdue.step, overdue.due_date) == ("+3d#2", date(2025, 9, 16))


def test_every_message_names_its_rule_and_formats():
    no_course = replace(CASE, course_done_date=None)
    resolved = replace(CASE, member_id=43, cell_resolution_date=date(2025, 10, 15))
    seen = set()
    day = date(2024, 9, 10)
    while day <= date(2026, 1, 31):
        for r in probation_reminders([no_course, resolved], day, CAL, DEFAULT_CATALOGUE):
            seen.add(r.kind)
            text = r.message.key.format(**r.message.params)
            assert r.params == r.message.params
            assert any(ref in text for ref in ("Art. 5", "QĐ", "Hướng dẫn ")), text
            assert r.subject_type == "member" and r.org_id == 7
        day += timedelta(days=1)
    assert seen == {
        "probation.prepare",
        "probation.due",
        "probation.overdue",
        "probation.escalation",
        "probation.course",
        "probation.committee_decision",
    }


def test_reminder_key_is_stable_and_short():
    [r] = sweep(date(2025, 9, 17))
    assert r.key == "probation.due:member:42:+7d#1"
    assert sweep(date(2025, 9, 20))[0].key == r.key


def test_due_reminders_are_sorted_by_date():
    other = replace(CASE, member_id=43, org_id=8, ceremony_date=date(2024, 8, 1))
    reminders = sweep(date(2025, 10, 23), CASE, other)
    assert [r.due_date for r in reminders] == sorted(r.due_date for r in reminders)
    assert {r.subject_id for r in reminders} == {42, 43}


def test_due_for_the_conversion_review_until_the_deadline():
    """Issue 9 §3: nine days after the end the member is due for the conversion review, with
    its deadline; overdue starts after the legal deadline (30 working days, P5)."""
    [r] = sweep(date(2025, 9, 19))
    assert (r.kind, r.severity) == ("probation.due", "due")
    assert r.params["deadline"] == date(2025, 10, 22)
    assert "deadline" in r.message.key and "overdue" not in r.message.key.lower()
    [_escalation, late] = sorted(sweep(date(2025, 10, 23)), key=lambda r: r.kind)
    assert (late.kind, late.severity) == ("probation.overdue", "overdue")


def test_not_eligible_ends_every_conversion_chain_and_starts_the_removal_follow_up():
    """Issue 9 §3: once the cell finds the member not eligible, no more conversion, escalation,
    course or committee reminders: a follow-up on the removal (xóa tên) instead."""
    no = replace(
        CASE,
        course_done_date=None,
        outcome="not_eligible",
        outcome_date=date(2025, 9, 20),
    )
    assert {r.kind for r in sweep(date(2025, 10, 23), replace(no, outcome=None))} == {
        "probation.overdue",
        "probation.escalation",
        "probation.course",
    }
    for day in (date(2025, 9, 20), date(2025, 10, 23), date(2025, 12, 30)):
        found = sweep(day, no)
        assert {r.kind for r in found} == {"probation.removal"}, day
    [first] = sweep(date(2025, 9, 20), no)
    assert first.step == "proposed" and first.recipients == SECRETARIAT
    assert "xóa tên" in first.message.key
    assert first.params["proposed"] == date(2025, 9, 20)
    assert [r.step for r in sweep(date(2025, 10, 20), no)] == ["+30d#1"]


def test_three_failed_votes_end_the_chains_and_escalate_once():
    """P6 (issue 9 §3): after 3 rounds without 2/3 either way, no more conversion reminders to
    the cell; the officers above are told once that the upper committees decide."""
    voted = replace(CASE, failed_votes=3, last_vote_date=date(2025, 10, 1))
    [r] = sweep(date(2025, 10, 1), voted)
    assert (r.kind, r.step, r.recipients, r.severity) == (
        "probation.vote_escalation",
        "votes#3",
        OFFICERS,
        "escalation",
    )
    assert "upper committees" in r.message.key and r.params["rounds"] == 3
    assert [x.key for x in sweep(date(2025, 12, 30), voted)] == [r.key]
    two = replace(voted, failed_votes=2)
    assert "probation.vote_escalation" not in {x.kind for x in sweep(date(2025, 10, 23), two)}
