"""Evaluation reminders: from 1 November, before the deadline, escalation after it, residence
comments (E6), remedy plans. (KHT years in a row: evidence for the lifecycle's removal review,
tests/storage/test_evaluation_store.py.)"""

from datetime import date

from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.evaluation_reminders import CAMPAIGN_FAMILY, REMEDY_FAMILY
from chibo.rules.reminders import (
    OFFICERS,
    SECRETARIAT,
    EvaluationCellCase,
    RemedyCase,
    ReminderState,
    due_reminders,
)
from chibo.rules.workdays import WorkCalendar

CAL = WorkCalendar()
CELL = EvaluationCellCase(
    org_id=7,
    org_name="Chi bộ thôn Đông",
    year=2026,
    review_by=date(2026, 12, 20),
    report_by=date(2027, 1, 10),
    instruction="CV 12-CV/ĐU",
    due=5,
    pending=5,
    residence_pending=((31, "Lê Văn Cường"),),
)


def due(today: date, **cases) -> list:
    families = {"evaluation_cases": CAMPAIGN_FAMILY, "remedy_cases": REMEDY_FAMILY}
    return due_reminders(ReminderState({families[k]: v for k, v in cases.items()}), today, CAL)


def kinds(found: list) -> list[tuple[str, str]]:
    return [(r.kind, r.step) for r in found]


def test_nothing_before_the_first_of_november():
    assert due(date(2026, 10, 31), evaluation_cases=[CELL]) == []


def test_november_reminder_to_the_secretaries():
    found = due(date(2026, 11, 1), evaluation_cases=[CELL])
    assert kinds(found) == [
        ("evaluation.residence", "2026:comments"),
        ("evaluation.start", "2026:open"),
    ]
    residence, start = found
    assert start.recipients == SECRETARIAT and start.severity == "info"
    assert start.params["review_by"] == date(2026, 12, 20) and start.params["pending"] == 5
    assert residence.subject_id == 31 and "QĐ 213" in residence.message.key


def test_remind_from_is_configurable_and_per_campaign():
    cat = DEFAULT_CATALOGUE.with_overrides({"evaluation.remind_from": [11, 15]})
    assert (
        due_reminders(ReminderState({CAMPAIGN_FAMILY: [CELL]}), date(2026, 11, 10), CAL, cat) == []
    )
    own = EvaluationCellCase(**{**CELL.__dict__, "remind_from": date(2026, 10, 20)})
    assert ("evaluation.start", "2026:open") in kinds(
        due(date(2026, 10, 20), evaluation_cases=[own])
    )


def test_a_week_before_the_deadline_then_escalation_to_officers():
    found = due(date(2026, 12, 13), evaluation_cases=[CELL])
    assert ("evaluation.start", "2026:-7d") in kinds(found)
    assert not any(r.kind == "evaluation.escalation" for r in found)
    assert not any(
        r.kind == "evaluation.escalation" for r in due(date(2026, 12, 20), evaluation_cases=[CELL])
    )
    late = [
        r
        for r in due(date(2026, 12, 21), evaluation_cases=[CELL])
        if r.kind == "evaluation.escalation"
    ]
    assert len(late) == 1 and late[0].recipients == OFFICERS and late[0].severity == "escalation"
    assert late[0].due_date == date(2026, 12, 21)


def test_a_cell_that_is_done_gets_no_reminder_nor_escalation():
    done = EvaluationCellCase(
        **{**CELL.__dict__, "pending": 0, "review_held": True, "residence_pending": ()}
    )
    assert due(date(2026, 12, 28), evaluation_cases=[done]) == []
    # reviewed everyone but never recorded the meeting: not done
    almost = EvaluationCellCase(**{**done.__dict__, "review_held": False})
    assert "evaluation.escalation" in [
        r.kind for r in due(date(2026, 12, 28), evaluation_cases=[almost])
    ]


def test_old_campaigns_are_not_reminded():
    assert due(date(2028, 11, 5), evaluation_cases=[CELL]) == []


def test_remedy_plan_reminded_on_its_due_date_until_done():
    plan = RemedyCase(3, 7, 2026, "Chi bộ thôn Đông", "Họp đủ 12 kỳ", date(2027, 3, 31))
    assert due(date(2027, 3, 30), remedy_cases=[plan]) == []
    found = due(date(2027, 4, 2), remedy_cases=[plan])
    assert kinds(found) == [("evaluation.remedy", "due")] and found[0].key == (
        "evaluation.remedy:remedy:3:due"
    )
    done = RemedyCase(3, 7, 2026, "Chi bộ thôn Đông", "Họp đủ 12 kỳ", date(2027, 3, 31), True)
    assert due(date(2027, 4, 2), remedy_cases=[done]) == []
