"""The reminder the engine emits, and the catch-up rule shared by every reminder family.

A *chain* is one family of steps about one subject (e.g. prepare -45d / -15d / end / +7d#k
for one member's conversion). After any downtime a sweep sends only the chain's latest step
whose date has come, never one reminder per missed day; :attr:`Reminder.key` lets the sender
skip a step it already sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

from chibo.rules.messages import Msg

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


def latest_step(steps: Iterable[Reminder], today: date) -> Reminder | None:
    """The chain's step with the latest due date on or before ``today`` (None if none yet)."""
    return max((s for s in steps if s.due_date <= today), key=lambda s: s.due_date, default=None)
