"""The reminder engine: what is due today for every subject, as pure data.

:func:`due_reminders` runs every family's rules over a :class:`ReminderState` snapshot.
Each family lives in its own module with the same pattern: a frozen input dataclass, a
``*_reminders(items, today, calendar, catalogue)`` function returning one latest step per chain,
and a field here (``probation_reminders``, ``meeting_reminders``, ``candidate_reminders``,
``reconciliation``, ``lifecycle_cases``, ``dues_*_cases``, ``badge_cases``, ``evaluation_*``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from chibo.rules.admission import CandidateCase
from chibo.rules.badges import BadgeCellCase, badge_reminders
from chibo.rules.candidate_reminders import candidate_reminders
from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dues_reminders import (
    DuesCellCase,
    DuesMemberCase,
    dues_member_reminders,
    dues_month_reminders,
)
from chibo.rules.evaluation_reminders import (
    EvaluationCellCase,
    RemedyCase,
    campaign_reminders,
    remedy_reminders,
)
from chibo.rules.lifecycle_reminders import LifecycleCases, lifecycle_reminders
from chibo.rules.meeting_reminders import (
    AbsenceCase,
    CellMeetingCase,
    TaskCase,
    absence_reminders,
    meeting_reminders,
    task_reminders,
)
from chibo.rules.probation_reminders import PROBATIONARY, ProbationCase, probation_reminders
from chibo.rules.reconciliation import ReconciliationCase, reconciliation_reminders
from chibo.rules.reminder_model import OFFICERS, SECRETARIAT, Reminder, Severity, latest_step
from chibo.rules.workdays import WorkCalendar

__all__ = [
    "OFFICERS",
    "PROBATIONARY",
    "SECRETARIAT",
    "AbsenceCase",
    "CandidateCase",
    "CellMeetingCase",
    "EvaluationCellCase",
    "ProbationCase",
    "ReconciliationCase",
    "RemedyCase",
    "Reminder",
    "ReminderState",
    "Severity",
    "TaskCase",
    "absence_reminders",
    "candidate_reminders",
    "due_reminders",
    "latest_step",
    "meeting_reminders",
    "probation_reminders",
    "reconciliation_reminders",
    "task_reminders",
]


@dataclass(frozen=True)
class ReminderState:
    """A snapshot of everything the reminder rules look at (one field per family)."""

    probation_cases: Sequence[ProbationCase] = ()
    cell_meeting_cases: Sequence[CellMeetingCase] = ()
    absence_cases: Sequence[AbsenceCase] = ()
    task_cases: Sequence[TaskCase] = ()
    candidate_cases: Sequence[CandidateCase] = ()
    reconciliation_cases: Sequence[ReconciliationCase] = ()
    lifecycle_cases: LifecycleCases = field(default_factory=LifecycleCases)
    dues_cell_cases: Sequence[DuesCellCase] = ()
    dues_member_cases: Sequence[DuesMemberCase] = ()
    badge_cases: Sequence[BadgeCellCase] = ()
    evaluation_cases: Sequence[EvaluationCellCase] = ()
    remedy_cases: Sequence[RemedyCase] = ()


def due_reminders(
    state: ReminderState,
    today: date,
    calendar: WorkCalendar,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """Every reminder due on ``today``, at most one per chain, ordered by date then key."""
    found = [
        *probation_reminders(state.probation_cases, today, calendar, catalogue),
        *meeting_reminders(state.cell_meeting_cases, today, calendar, catalogue),
        *absence_reminders(state.absence_cases, today, calendar, catalogue),
        *task_reminders(state.task_cases, today, calendar, catalogue),
        *candidate_reminders(state.candidate_cases, today, calendar, catalogue),
        *reconciliation_reminders(state.reconciliation_cases, today, calendar, catalogue),
        *lifecycle_reminders(state.lifecycle_cases, today, calendar, catalogue),
        *dues_month_reminders(state.dues_cell_cases, today, calendar, catalogue),
        *dues_member_reminders(state.dues_member_cases, today, calendar, catalogue),
        *badge_reminders(state.badge_cases, today, calendar, catalogue),
        *campaign_reminders(state.evaluation_cases, today, calendar, catalogue),
        *remedy_reminders(state.remedy_cases, today, calendar, catalogue),
    ]
    return sorted(found, key=lambda r: (r.due_date, r.org_id, r.key))
