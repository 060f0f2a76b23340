"""The reminder engine: what is due today for every subject, as pure data.

:func:`due_reminders` runs every family's rules over a :class:`ReminderState` snapshot.
Each family lives in its own module (``probation_reminders`` now; meetings and candidates
follow the same pattern: a frozen input dataclass, a ``*_reminders(items, today, calendar,
catalogue)`` function returning one latest step per chain, and a field here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from rules.probation_reminders import PROBATIONARY, ProbationCase, probation_reminders
from rules.reminder_model import OFFICERS, SECRETARIAT, Reminder, Severity, latest_step
from rules.workdays import WorkCalendar

__all__ = [
    "OFFICERS",
    "PROBATIONARY",
    "SECRETARIAT",
    "ProbationCase",
    "Reminder",
    "ReminderState",
    "Severity",
    "due_reminders",
    "latest_step",
    "probation_reminders",
]


@dataclass(frozen=True)
class ReminderState:
    """A snapshot of everything the reminder rules look at (one field per family)."""

    probation_cases: Sequence[ProbationCase] = ()


def due_reminders(
    state: ReminderState,
    today: date,
    calendar: WorkCalendar,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """Every reminder due on ``today``, at most one per chain, ordered by date then key."""
    found = probation_reminders(state.probation_cases, today, calendar, catalogue)
    return sorted(found, key=lambda r: (r.due_date, r.org_id, r.key))
