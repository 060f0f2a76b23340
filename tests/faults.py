"""Figures of the fault suite (tests marked `faults`), printed at the end of the run.

Fault tests add what they tried and what they saw: `inputs` (faults injected, hostile inputs
tried), `tracebacks` (tracebacks that reached a user, a terminal or a log line), `leaks`
(another cell's data shown), and for
reminders `lost` (due but never delivered) and `duplicated` (delivered more than once). The
last four must stay 0; `pytest_terminal_summary` in tests/conftest.py prints them.
"""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()
ORDER = ("tests", "inputs", "tracebacks", "leaks", "lost", "duplicated")


def add(**counts: int) -> None:
    FIGURES.update(counts)


def tracebacks_in(*texts: str) -> int:
    return sum(t.count("Traceback (most recent call last)") for t in texts)


def summary_line() -> str:
    return "fault suite: " + ", ".join(f"{k} {FIGURES.get(k, 0)}" for k in ORDER)
