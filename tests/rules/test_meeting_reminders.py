"""Meeting reminders: missing regular/thematic meetings, absences, tasks, the cell's size.

Dates follow the catalogue defaults: remind on the 25th, escalate 5 days after the month's last
day; thematic: remind on the 15th of the quarter's last month, escalate on the quarter's last
day (meeting.thematic.escalate_days = 1: after the quarter ends, issue 9 §3).
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chibo.rules.admission import CandidateCase
from chibo.rules.candidate_reminders import CANDIDATE_FAMILY
from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.meeting_reminders import ABSENCE_FAMILY, MEETING_FAMILY, TASK_FAMILY
from chibo.rules.meetings import AttendanceRecord
from chibo.rules.probation_reminders import PROBATION_FAMILY, ProbationCase
from chibo.rules.reconciliation import RECONCILIATION_FAMILY, ReconciliationCase
from chibo.rules.reminders import (
    OFFICERS,
    SECRETARIAT,
    AbsenceCase,
    CellMeetingCase,
    Reminder,
    ReminderState,
    TaskCase,
    due_reminders,
)
from chibo.rules.workdays import WorkCalendar

CAL = WorkCalendar()
# Regular meetings every month of 2025 and Jan-Feb 2026; thematic meetings in every quarter of
# 2025; nothing in March 2026 and later.
REGULAR_2025 = tuple(date(2025, m, 20) for m in range(1, 13))
CELL = CellMeetingCase(
    org_id=7,
    org_name="Chi bộ thôn Đông",
    regular_dates=(*REGULAR_2025, date(2026, 1, 22), date(2026, 2, 10)),
    thematic_dates=(date(2025, 2, 5), date(2025, 5, 5), date(2025, 8, 5), date(2025, 11, 5)),
)


def sweep(today: date, *cases: CellMeetingCase, catalogue=DEFAULT_CATALOGUE) -> list[Reminder]:
    state = ReminderState({MEETING_FAMILY: cases or (CELL,)})
    return due_reminders(state, today, CAL, catalogue)


def steps(reminders: list[Reminder]) -> set[tuple[str, str, date]]:
    return {(r.kind, r.step, r.due_date) for r in reminders}


MISSING_MAR = ("meeting.missing", "2026-03", date(2026, 3, 25))
ESCALATION_MAR = ("meeting.missing.escalation", "2026-03", date(2026, 4, 5))
THEMATIC_Q1 = ("meeting.thematic", "2026-Q1", date(2026, 3, 15))
THEMATIC_ESC_Q1 = ("meeting.thematic.escalation", "2026-Q1", date(2026, 4, 1))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 14), set()),
        (date(2026, 3, 15), {THEMATIC_Q1}),
        (date(2026, 3, 24), {THEMATIC_Q1}),
        (date(2026, 3, 25), {THEMATIC_Q1, MISSING_MAR}),
        (date(2026, 3, 30), {THEMATIC_Q1, MISSING_MAR}),
        # the quarter's last day: the cell may still meet, no escalation (issue 9 §3)
        (date(2026, 3, 31), {THEMATIC_Q1, MISSING_MAR}),
        (date(2026, 4, 1), {THEMATIC_Q1, THEMATIC_ESC_Q1, MISSING_MAR}),
        (date(2026, 4, 4), {THEMATIC_Q1, THEMATIC_ESC_Q1, MISSING_MAR}),
        (date(2026, 4, 5), {THEMATIC_Q1, THEMATIC_ESC_Q1, MISSING_MAR, ESCALATION_MAR}),
        # April missing too: the secretary's chain moves on to April, the officers' stays on March
        (
            date(2026, 4, 25),
            {
                THEMATIC_Q1,
                THEMATIC_ESC_Q1,
                ("meeting.missing", "2026-04", date(2026, 4, 25)),
                ESCALATION_MAR,
            },
        ),
    ],
)
def test_monthly_and_thematic_steps(today, expected):
    assert steps(sweep(today)) == expected


def test_recipients_and_severities():
    by_kind = {r.kind: r for r in sweep(date(2026, 4, 5))}
    assert by_kind["meeting.missing"].recipients == SECRETARIAT
    assert by_kind["meeting.thematic"].recipients == SECRETARIAT
    assert by_kind["meeting.missing.escalation"].recipients == OFFICERS
    assert by_kind["meeting.thematic.escalation"].recipients == OFFICERS
    assert by_kind["meeting.missing.escalation"].severity == "escalation"
    assert by_kind["meeting.missing"].severity == "due"
    assert by_kind["meeting.missing"].subject_type == "cell"
    assert by_kind["meeting.missing"].subject_id == 7


def test_a_recorded_meeting_stops_the_chain():
    held = replace(CELL, regular_dates=(*CELL.regular_dates, date(2026, 3, 31)))
    assert steps(sweep(date(2026, 4, 5), held)) == {THEMATIC_Q1, THEMATIC_ESC_Q1}
    # a thematic meeting does not replace the regular one (M2), but clears the quarter
    thematic = replace(CELL, thematic_dates=(date(2026, 3, 28),))
    assert steps(sweep(date(2026, 4, 5), thematic)) == {MISSING_MAR, ESCALATION_MAR}


def test_december_to_january():
    # Meetings through November 2025, none in December.
    cell = replace(CELL, regular_dates=REGULAR_2025[:11])
    assert steps(sweep(date(2025, 12, 24), cell)) == set()
    assert steps(sweep(date(2025, 12, 25), cell)) == {
        ("meeting.missing", "2025-12", date(2025, 12, 25))
    }
    # 31/12 + 5 days = 5/1/2026
    assert steps(sweep(date(2026, 1, 4), cell)) == {
        ("meeting.missing", "2025-12", date(2025, 12, 25))
    }
    assert steps(sweep(date(2026, 1, 5), cell)) == {
        ("meeting.missing", "2025-12", date(2025, 12, 25)),
        ("meeting.missing.escalation", "2025-12", date(2026, 1, 5)),
    }


def test_quarter_four_escalates_after_the_31st_of_december():
    cell = replace(CELL, thematic_dates=CELL.thematic_dates[:3])
    assert steps(sweep(date(2025, 12, 14), cell)) == set()
    assert steps(sweep(date(2025, 12, 15), cell)) == {
        ("meeting.thematic", "2025-Q4", date(2025, 12, 15))
    }
    q4 = {
        ("meeting.thematic", "2025-Q4", date(2025, 12, 15)),
        ("meeting.thematic.escalation", "2025-Q4", date(2026, 1, 1)),
    }
    assert steps(sweep(date(2025, 12, 31), cell)) == {
        ("meeting.thematic", "2025-Q4", date(2025, 12, 15))
    }
    assert steps(sweep(date(2026, 1, 1), cell)) == q4
    assert steps(sweep(date(2026, 1, 10), cell)) == q4  # Q4 2025 is the previous quarter


def test_february_and_a_remind_day_past_the_month_end():
    cell = replace(
        CELL,
        regular_dates=(date(2026, 1, 22),),
        thematic_dates=(date(2025, 11, 5), date(2026, 1, 5)),
    )
    assert steps(sweep(date(2026, 2, 25), cell)) == {
        ("meeting.missing", "2026-02", date(2026, 2, 25))
    }
    late = DEFAULT_CATALOGUE.with_overrides({"meeting.monthly.remind_day": 30})
    assert steps(sweep(date(2026, 2, 27), cell, catalogue=late)) == set()
    assert steps(sweep(date(2026, 2, 28), cell, catalogue=late)) == {
        ("meeting.missing", "2026-02", date(2026, 2, 28))
    }
    leap = replace(
        cell,
        regular_dates=(date(2028, 1, 22),),
        thematic_dates=(date(2027, 11, 5), date(2028, 1, 5)),
    )
    assert steps(sweep(date(2028, 2, 29), leap, catalogue=late)) == {
        ("meeting.missing", "2028-02", date(2028, 2, 29))
    }


def test_configured_days():
    catalogue = DEFAULT_CATALOGUE.with_overrides(
        {
            "meeting.monthly.remind_day": 20,
            "meeting.monthly.escalate_days": 3,
            "meeting.thematic.escalate_days": 0,  # on the quarter's last day
        }
    )
    assert steps(sweep(date(2026, 3, 20), catalogue=catalogue)) == {
        THEMATIC_Q1,
        ("meeting.missing", "2026-03", date(2026, 3, 20)),
    }
    found = steps(sweep(date(2026, 4, 3), catalogue=catalogue))
    assert ("meeting.missing.escalation", "2026-03", date(2026, 4, 3)) in found
    assert ("meeting.thematic.escalation", "2026-Q1", date(2026, 3, 31)) in found
    assert ("meeting.thematic.escalation", "2026-Q1", date(2026, 4, 1)) not in found


def test_catch_up_after_downtime_sends_the_latest_step_per_chain():
    # Down from 20/3 to 10/5/2026, no meetings in March-May: March is history (year view).
    assert steps(sweep(date(2026, 5, 10))) == {
        ("meeting.missing", "2026-04", date(2026, 4, 25)),
        ("meeting.missing.escalation", "2026-04", date(2026, 5, 5)),
        THEMATIC_Q1,
        THEMATIC_ESC_Q1,
    }


def test_daily_sweeps_over_a_year_send_each_step_once():
    cell = CellMeetingCase(org_id=9, org_name="Chi bộ mới", since=date(2026, 1, 1))
    sent: dict[str, Reminder] = {}
    day = date(2026, 1, 1)
    while day <= date(2026, 12, 31):
        for r in sweep(day, cell):
            sent.setdefault(r.key, r)
        day += timedelta(days=1)
    kinds = [r.kind for r in sent.values()]
    assert kinds.count("meeting.missing") == 12
    assert kinds.count("meeting.missing.escalation") == 11  # December's comes on 5/1/2027
    assert kinds.count("meeting.thematic") == 4
    assert kinds.count("meeting.thematic.escalation") == 3  # Q4's comes on 1/1/2027
    assert "meeting.missing:cell:9:2026-02" in sent
    assert sent["meeting.missing.escalation:cell:9:2026-11"].due_date == date(2026, 12, 5)


def test_periods_before_since_are_not_reminded():
    new = CellMeetingCase(org_id=9, org_name="Chi bộ mới", since=date(2026, 4, 1))
    assert steps(sweep(date(2026, 4, 5), new)) == set()  # March and Q1 ended before tracking
    assert steps(sweep(date(2026, 4, 25), new)) == {
        ("meeting.missing", "2026-04", date(2026, 4, 25))
    }


@pytest.mark.parametrize(("count", "expected"), [(None, False), (3, False), (2, True), (0, True)])
def test_cell_below_three_official_members(count, expected):
    cell = replace(CELL, regular_dates=(date(2026, 3, 2),), thematic_dates=(date(2026, 3, 2),))
    cell = replace(cell, official_count=count)
    found = [r for r in sweep(date(2026, 3, 10), cell) if r.kind == "cell.min_members"]
    assert bool(found) is expected
    if found:
        [r] = found
        assert (r.step, r.due_date) == ("2026-03", date(2026, 3, 1))
        assert set(r.recipients) == {"secretary", "deputy", "officer"}
        assert r.params["minimum"] == 3 and r.params["count"] == count
        assert "Art. 24" in r.message.key
        # once a month while it lasts
        [april] = [r for r in sweep(date(2026, 4, 2), cell) if r.kind == "cell.min_members"]
        assert april.key == "cell.min_members:cell:7:2026-04"


# --- absences ---


def absence_case(*unexcused: date, excused: tuple[date, ...] = ()) -> AbsenceCase:
    records = tuple(AttendanceRecord(d, "unexcused") for d in unexcused) + tuple(
        AttendanceRecord(d, "excused") for d in excused
    )
    return AbsenceCase(member_id=31, org_id=7, full_name="Trần Văn Bốn", records=records)


def absences(today: date, case: AbsenceCase) -> list[Reminder]:
    return due_reminders(ReminderState({ABSENCE_FAMILY: (case,)}), today, CAL)


def test_third_month_of_unexcused_absence_alerts_the_secretary_once():
    case = absence_case(date(2026, 1, 10), date(2026, 1, 24), date(2026, 2, 12), date(2026, 3, 5))
    assert absences(date(2026, 3, 4), case) == []
    [r] = absences(date(2026, 3, 5), case)
    assert (r.kind, r.step, r.due_date) == ("meeting.absences", "2026-03-05", date(2026, 3, 5))
    assert r.recipients == SECRETARIAT
    assert r.subject_type == "member" and r.subject_id == 31
    assert r.params["count"] == 3  # months, not meetings
    assert r.params["dates"] == "10/01/2026, 24/01/2026, 12/02/2026, 05/03/2026"
    text = r.message.key.format(**r.message.params)
    assert "Art. 8" in text and "QĐ 294-QĐ/TW §8.1" in text
    # the same occurrence, the same key: sent once
    assert [x.key for x in absences(date(2026, 12, 1), case)] == [r.key]
    # shown while its trigger is within the 12-month window: until 4/3/2027
    assert [x.key for x in absences(date(2027, 3, 4), case)] == [r.key]
    assert absences(date(2027, 3, 5), case) == []


def test_excused_absences_do_not_count():
    case = absence_case(date(2026, 1, 10), date(2026, 2, 12), excused=(date(2026, 3, 5),))
    assert absences(date(2026, 3, 31), case) == []


def test_a_new_occurrence_needs_three_fresh_months():
    days = [
        date(2026, 1, 10),
        date(2026, 2, 12),
        date(2026, 3, 5),
        date(2026, 4, 2),
        date(2026, 5, 7),
    ]
    assert [r.step for r in absences(date(2026, 5, 31), absence_case(*days))] == ["2026-03-05"]
    six = absence_case(*days, date(2026, 6, 4))
    assert [r.step for r in absences(date(2026, 6, 4), six)] == ["2026-06-04"]


def test_the_threshold_follows_the_catalogue():
    case = absence_case(date(2026, 1, 10), date(2026, 2, 12))
    catalogue = DEFAULT_CATALOGUE.with_overrides({"attendance.unexcused.removal_threshold": 2})
    found = due_reminders(
        ReminderState({ABSENCE_FAMILY: (case,)}), date(2026, 2, 12), CAL, catalogue
    )
    assert [r.step for r in found] == ["2026-02-12"]


# --- tasks ---

TASK = TaskCase(
    task_id=5, org_id=7, member_name="Lê Thị Hoa", text="Nộp báo cáo", due_date=date(2026, 3, 10)
)


@pytest.mark.parametrize(
    ("task", "today", "reminded"),
    [
        (TASK, date(2026, 3, 9), False),
        (TASK, date(2026, 3, 10), True),
        (TASK, date(2026, 4, 30), True),  # still not done: the same step (sent once)
        (replace(TASK, done=True), date(2026, 3, 10), False),
        (replace(TASK, due_date=None), date(2026, 3, 10), False),
    ],
)
def test_task_reminders(task, today, reminded):
    found = due_reminders(ReminderState({TASK_FAMILY: (task,)}), today, CAL)
    assert bool(found) is reminded
    if found:
        [r] = found
        assert r.key == "meeting.task:task:5:due"
        assert r.due_date == date(2026, 3, 10)
        assert r.params["task"] == "Nộp báo cáo"


def test_every_message_formats():
    state = ReminderState(
        {
            MEETING_FAMILY: (replace(CELL, official_count=1),),
            ABSENCE_FAMILY: (absence_case(date(2026, 1, 10), date(2026, 2, 12), date(2026, 3, 5)),),
            TASK_FAMILY: (TASK,),
        }
    )
    found = due_reminders(state, date(2026, 4, 5), CAL)
    assert {r.kind for r in found} == {
        "meeting.missing",
        "meeting.missing.escalation",
        "meeting.thematic",
        "meeting.thematic.escalation",
        "meeting.absences",
        "meeting.task",
        "cell.min_members",
    }
    for r in found:
        assert r.params == r.message.params
        r.message.key.format(**r.message.params)


def test_due_reminders_runs_every_family_in_date_order():
    state = ReminderState(
        {
            PROBATION_FAMILY: (ProbationCase(42, 7, "Nguyễn Văn An", date(2025, 4, 1)),),
            MEETING_FAMILY: (CELL,),
            ABSENCE_FAMILY: (absence_case(date(2026, 1, 10), date(2026, 2, 12), date(2026, 3, 5)),),
            TASK_FAMILY: (TASK,),
            CANDIDATE_FAMILY: (
                CandidateCase(
                    50, 7, "Đỗ Thị Hạnh", date(1995, 8, 1), tracked_since=date(2025, 9, 1)
                ),
            ),
            RECONCILIATION_FAMILY: (
                ReconciliationCase(7, "Chi bộ thôn Đông", since=date(2026, 1, 1)),
            ),
        }
    )
    found = due_reminders(state, date(2026, 4, 1), CAL)
    assert {r.kind.split(".")[0] for r in found} == {
        "probation",
        "meeting",
        "candidate",
    }
    assert {r.subject_type for r in found} == {"member", "cell", "task", "candidate"}
    assert [r.due_date for r in found] == sorted(r.due_date for r in found)
    # reconciliation: nothing before 15/6/2026
    assert not [r for r in found if r.kind.startswith("reconciliation")]
    june = due_reminders(state, date(2026, 6, 15), CAL)
    assert [r.kind for r in june if r.kind.startswith("reconciliation")] == ["reconciliation.ask"]
