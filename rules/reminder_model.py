"""The reminder the engine emits, and the catch-up rule shared by every reminder family.

A *family* (:class:`ReminderFamily`) is one kind of reminder: its cases and its pure planner.
A *chain* is one family of steps about one subject (e.g. prepare -45d / -15d / end / +7d#k
for one member's conversion). After any downtime a sweep sends only the chain's latest step
whose date has come, never one reminder per missed day; :attr:`Reminder.key` lets the sender
skip a step it already sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Generic, Literal, TypeVar

from chibo.rules.catalogue import Catalogue
from chibo.rules.messages import Msg
from chibo.rules.workdays import WorkCalendar

Severity = Literal["info", "due", "overdue", "escalation"]

SECRETARIAT: tuple[str, ...] = ("secretary", "deputy")
OFFICERS: tuple[str, ...] = ("officer",)  # the officers of the level above the cell


@dataclass(frozen=True)
class Reminder:
    kind: str  # "probation.prepare", "probation.due", "probation.overdue", ...
    org_id: int  # the cell
    subject_type: str  # "member", "candidate", "cell", ...
    subject_id: int
    subject_name: str
    due_date: date
    step: str  # "-45d", "-15d", "end", "+7d#1", "+30wd", "m3", ...
    severity: Severity
    recipients: tuple[str, ...]  # role names
    params: Mapping[str, object] = field(hash=False)
    message: Msg = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def key(self) -> str:
        """Idempotency key: the same step about the same subject is sent once."""
        return f"{self.kind}:{self.subject_type}:{self.subject_id}:{self.step}"


def make_reminder(
    kind: str,
    org_id: int,
    subject: tuple[str, int, str],
    due_date: date,
    step: str,
    severity: Severity,
    recipients: tuple[str, ...],
    message: str,
    params: Mapping[str, object],
) -> Reminder:
    """A reminder about ``subject`` = (type, id, name) whose message is ``message`` % params."""
    subject_type, subject_id, subject_name = subject
    return Reminder(
        kind=kind,
        org_id=org_id,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_name=subject_name,
        due_date=due_date,
        step=step,
        severity=severity,
        recipients=recipients,
        params=params,
        message=Msg(message, params),
    )


def latest_step(steps: Iterable[Reminder], today: date) -> Reminder | None:
    """The chain's step with the latest due date on or before ``today`` (None if none yet)."""
    return max((s for s in steps if s.due_date <= today), key=lambda s: s.due_date, default=None)


C = TypeVar("C")

#: A family's planner: ``(cases, today, calendar, catalogue) -> reminders due``, pure.
Planner = Callable[[C, date, WorkCalendar, Catalogue], Iterable[Reminder]]


@dataclass(frozen=True, eq=False)
class ReminderFamily(Generic[C]):
    """One kind of reminder, declared once in its rules module: ``name`` (for logs and tests)
    and ``plan``, which turns the family's cases (loaded by `storage.reminder_state`, whose
    ``FAMILIES`` list pairs each family with its loader) into the reminders due today."""

    name: str
    plan: Planner[C]

    def __repr__(self) -> str:
        return f"ReminderFamily({self.name!r})"
