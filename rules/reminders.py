"""The reminder engine: what is due today for every subject, as pure data.

:func:`due_reminders` runs every family's planner over a :class:`ReminderState` snapshot.
Each family lives in its own module with the same pattern: a frozen case dataclass, a
``*_reminders(cases, today, calendar, catalogue)`` planner returning one latest step per chain,
and a ``*_FAMILY = ReminderFamily(name, planner)`` declaration; `storage.reminder_state.FAMILIES`
pairs each family with its loader (docs/architecture.md, "Adding a reminder family").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from chibo.rules.admission import CandidateCase
from chibo.rules.candidate_reminders import candidate_reminders
from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.evaluation_reminders import EvaluationCellCase, RemedyCase
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
from chibo.rules.reminder_model import (
    OFFICERS,
    SECRETARIAT,
    Reminder,
    ReminderFamily,
    Severity,
    latest_step,
)
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
    "ReminderFamily",
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

C = TypeVar("C")


@dataclass(frozen=True)
class ReminderState:
    """A snapshot of everything the reminder rules look at: each family's cases, in the order
    of `storage.reminder_state.FAMILIES` (``state[PROBATION_FAMILY]``); an absent family has
    no cases."""

    cases: Mapping[ReminderFamily[Any], Any] = field(default_factory=dict)

    def __getitem__(self, family: ReminderFamily[C]) -> C:
        cases: C = self.cases[family]
        return cases


def due_reminders(
    state: ReminderState,
    today: date,
    calendar: WorkCalendar,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """Every reminder due on ``today``, at most one per chain, ordered by date then key."""
    found = [
        reminder
        for family, cases in state.cases.items()
        for reminder in family.plan(cases, today, calendar, catalogue)
    ]
    return sorted(found, key=lambda r: (r.due_date, r.org_id, r.key))
