"""What the meeting screens share: callback prefix, attendance icons, text fitting, paging.

Used by `meeting_steps` / `meeting_flow` (the guided logging flow), `meeting_book` (reading)
and `meetings` (the feature's entry point: routing and registration).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from chibo.rules.messages import N_
from chibo.usecases import meetings as uc
from chibo.usecases.i18n import Translator
from chibo.usecases.meetings import KIND_LABELS

F = "mt"
KIND = "meeting"
PAGE = 8
Rows = list[list[tuple[str, str]]]
T = TypeVar("T")

STATUS_ICONS = {"present": "✅", "excused": "🟡", "unexcused": "❌", "exempt": "⚪"}
STATUS_LABELS = {
    "present": N_("Present"),
    "excused": N_("Absent with reason"),
    "unexcused": N_("Absent without reason"),
    "exempt": N_("Exempt from activities"),
}


def short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


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


def page_of(items: Sequence[T], page: int) -> tuple[Sequence[T], int, int]:
    """The items on `page` (clamped to the last page), the page and the number of pages."""
    pages = max(1, -(-len(items) // PAGE))
    page = min(page, pages - 1)
    return items[page * PAGE : (page + 1) * PAGE], page, pages


def pager_rows(_: Translator, page: int, pages: int, data: Callable[[int], str]) -> Rows:
    """A « Previous / Next » row when there is more than one page (`data(n)` opens page n)."""
    nav = []
    if page > 0:
        nav.append((_("« Previous"), data(page - 1)))
    if page < pages - 1:
        nav.append((_("Next »"), data(page + 1)))
    return [nav] if nav else []
