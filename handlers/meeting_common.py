"""What the meeting screens share: callback prefix, attendance icons, labels.

Used by `meeting_steps` / `meeting_flow` (the guided logging flow), `meeting_book` (reading)
and `meetings` (the feature's entry point: routing and registration).
"""

from __future__ import annotations

from chibo.rules.messages import N_
from chibo.usecases import meetings as uc
from chibo.usecases.i18n import Translator
from chibo.usecases.meetings import KIND_LABELS

F = "mt"
KIND = "meeting"
PAGE = 8
Rows = list[list[tuple[str, str]]]

STATUS_ICONS = {"present": "✅", "excused": "🟡", "unexcused": "❌", "exempt": "⚪"}
STATUS_LABELS = {
    "present": N_("Present"),
    "excused": N_("Absent with reason"),
    "unexcused": N_("Absent without reason"),
    "exempt": N_("Exempt from activities"),
}


def kind_label(_: Translator, kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


def totals_line(_: Translator, counts: uc.Counts) -> str:
    return _(
        "Present {present}/{expected} · absent with reason {excused} · without reason {unexcused}",
        present=counts.present,
        expected=counts.expected,
        excused=counts.excused,
        unexcused=counts.unexcused,
    )
