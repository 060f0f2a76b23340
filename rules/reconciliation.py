"""Half-yearly reconciliation of the member list (domain-rules §7) and list matching.

Periods end on the (month, day) pairs of ``reconciliation.period_ends`` (30/6 and 31/12); a
period runs from the day after the previous end to its end. A period is identified by its
end date ("2026-06-30").

Reminder chains per cell (latest step of each, previous and current period only; periods that
ended before ``since`` are skipped; the catalogue is read on the period's end date):

- ``reconciliation.ask`` (secretary, deputy): not reconciled by ``reconciliation.ask_from_day``
  (15) of the period's last month. Step = the period key.
- ``reconciliation.escalation`` (officers): still not reconciled
  ``reconciliation.escalate_days`` (15) days after the period's end. Step = the period key.

Matching an official list against a cell roster (:func:`reconcile`), in passes over the rows
not matched yet: the party card number, else the CCCD, else the folded name and birth date. A
key is used only when it is unique on both sides among those rows (duplicates stay unmatched
and show as missing). Matched pairs are compared field by field where *both* sides have a
value. Rows still unmatched are then paired as ``near_match`` (one person with a likely typo),
never reported as two people: same birth date with folded names at least
``reconciliation.near_match.min_name_similarity`` similar, or the same folded name with birth
dates one digit apart, two adjacent digits swapped, or day and month swapped (dd/mm/yyyy).
"""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.messages import N_, Msg
from chibo.rules.reminder_model import OFFICERS, SECRETARIAT, Reminder, ReminderFamily, latest_step
from chibo.rules.text import fold, normalize_cccd, similar_names
from chibo.rules.workdays import WorkCalendar

_DAY = timedelta(days=1)

# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def key(self) -> str:
        return self.end.isoformat()


def _period_ends(year: int, on: date, catalogue: Catalogue) -> list[date]:
    value = catalogue.get("reconciliation.period_ends", on)
    ends = []
    try:
        for month, day in value:  # type: ignore[attr-defined]
            last = _calendar.monthrange(year, month)[1]
            ends.append(date(year, month, min(day, last)))
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"rule 'reconciliation.period_ends' is not a list of (month, day): {value!r}"
        ) from exc
    if not ends:
        raise TypeError("rule 'reconciliation.period_ends' is empty")
    return sorted(set(ends))


def period_containing(d: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> Period:
    """The reconciliation period ``d`` falls in (ends read from the catalogue on ``d``)."""
    ends = [
        e for year in (d.year - 1, d.year, d.year + 1) for e in _period_ends(year, d, catalogue)
    ]
    end = min(e for e in ends if e >= d)
    start = max(e for e in ends if e < d) + _DAY
    return Period(start, end)


def previous_period(period: Period, catalogue: Catalogue = DEFAULT_CATALOGUE) -> Period:
    return period_containing(period.start - _DAY, catalogue)


# --- reminders ---------------------------------------------------------------------------------

_ASK = N_(
    "Please reconcile the member list of {org} with the party records for the period ending "
    "{end}: the list is checked against the members' files every {interval} months ({source})."
)
_ESCALATION = N_(
    "{org} has not reconciled its member list for the period ending {end}; {days} days have "
    "passed since (a check every {interval} months, {source}). Please follow up with the cell."
)


@dataclass(frozen=True)
class ReconciliationCase:
    org_id: int
    org_name: str
    reconciled: tuple[date, ...] = ()  # end dates of the periods already reconciled
    since: date | None = None  # periods that ended before this day are not reminded


def reconciliation_reminders(
    cases: Iterable[ReconciliationCase],
    today: date,
    calendar: WorkCalendar | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    found: list[Reminder] = []
    current = period_containing(today, catalogue)
    periods = (previous_period(current, catalogue), current)
    for case in cases:
        ask: list[Reminder] = []
        escalate: list[Reminder] = []
        for period in periods:
            if period.end in case.reconciled:
                continue
            if case.since is not None and period.end < case.since:
                continue
            end = period.end
            day = catalogue.get_int("reconciliation.ask_from_day", end)
            days = catalogue.get_int("reconciliation.escalate_days", end)
            params: dict[str, object] = {
                "org": case.org_name,
                "end": end,
                "days": days,
                "interval": catalogue.get_int("reconciliation.interval_months", end),
                "source": catalogue.source("reconciliation.interval_months", end),
            }
            ask_on = date(end.year, end.month, min(max(day, 1), end.day))
            ask.append(_reminder(case, "reconciliation.ask", ask_on, period.key, params))
            escalate.append(
                _reminder(case, "reconciliation.escalation", end + days * _DAY, period.key, params)
            )
        for chain in (ask, escalate):
            step = latest_step(chain, today)
            if step is not None:
                found.append(step)
    return found


def _reminder(
    case: ReconciliationCase, kind: str, due: date, step: str, params: dict[str, object]
) -> Reminder:
    escalation = kind == "reconciliation.escalation"
    return Reminder(
        kind=kind,
        org_id=case.org_id,
        subject_type="cell",
        subject_id=case.org_id,
        subject_name=case.org_name,
        due_date=due,
        step=step,
        severity="escalation" if escalation else "due",
        recipients=OFFICERS if escalation else SECRETARIAT,
        params=params,
        message=Msg(_ESCALATION if escalation else _ASK, params),
    )


# --- matching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """One row of a member list (the cell's roster or the official list)."""

    ref: int | str  # the member id, or the row number in the official file
    full_name: str
    birth_date: date | None = None
    card_no: str | None = None
    cccd: str | None = None
    decision_date: date | None = None  # admission decision (party age, P9)
    official_date: date | None = None
    status: str | None = None


MatchKey = Literal["card_no", "cccd", "name_birth"]
DiscrepancyKind = Literal["missing_in_cell", "missing_in_official", "mismatch", "near_match"]
COMPARED_FIELDS: tuple[str, ...] = (
    "full_name",
    "birth_date",
    "card_no",
    "cccd",
    "decision_date",
    "official_date",
    "status",
)


@dataclass(frozen=True)
class Match:
    cell: RosterEntry
    official: RosterEntry
    by: MatchKey


@dataclass(frozen=True)
class Discrepancy:
    kind: DiscrepancyKind
    cell: RosterEntry | None
    official: RosterEntry | None
    field: str | None = None  # mismatch and near_match: the field that differs
    cell_value: object = None
    official_value: object = None


@dataclass(frozen=True)
class ReconciliationResult:
    matches: tuple[Match, ...]
    discrepancies: tuple[Discrepancy, ...]


_SEPARATORS = re.compile(r"[\s.\-/]+")


def normalize_card_no(s: str | None) -> str | None:
    if s is None:
        return None
    value = _SEPARATORS.sub("", s).upper()
    return value or None


def _cccd_key(s: str | None) -> str | None:
    if s is None:
        return None
    return normalize_cccd(s) or (_SEPARATORS.sub("", s) or None)


def _name_key(entry: RosterEntry) -> tuple[str, date] | None:
    name = fold(entry.full_name)
    if not name or entry.birth_date is None:
        return None
    return name, entry.birth_date


def _exact_name(s: str) -> str:
    """Case- and spacing-insensitive, but diacritics count (a wrong mark is a real error)."""
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


_NORMALIZERS: dict[str, Callable[[object], object]] = {
    "full_name": lambda v: _exact_name(v) if isinstance(v, str) else v,
    "card_no": lambda v: normalize_card_no(v) if isinstance(v, str) else v,
    "cccd": lambda v: _cccd_key(v) if isinstance(v, str) else v,
    "status": lambda v: v.strip().casefold() if isinstance(v, str) else v,
}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def compare_fields(cell: RosterEntry, official: RosterEntry) -> tuple[Discrepancy, ...]:
    """Mismatches between two rows of one person, on fields both lists fill in."""
    found = []
    for name in COMPARED_FIELDS:
        a, b = getattr(cell, name), getattr(official, name)
        if _blank(a) or _blank(b):
            continue
        norm = _NORMALIZERS.get(name)
        if (norm(a) != norm(b)) if norm is not None else (a != b):
            found.append(Discrepancy("mismatch", cell, official, name, a, b))
    return tuple(found)


def is_birth_date_typo(a: date, b: date) -> bool:
    """One digit off, two adjacent digits swapped, or day and month swapped (dd/mm/yyyy)."""
    if a == b:
        return False
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return True
    sa, sb = a.strftime("%d%m%Y"), b.strftime("%d%m%Y")
    diff = [i for i in range(len(sa)) if sa[i] != sb[i]]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and sa[diff[0]] == sb[diff[1]]
        and sa[diff[1]] == sb[diff[0]]
    )


def reconcile(
    cell: Sequence[RosterEntry],
    official: Sequence[RosterEntry],
    on: date,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> ReconciliationResult:
    """Compare the cell's roster with the official list; ``on`` picks the catalogue version."""
    cell_left = list(range(len(cell)))
    official_left = list(range(len(official)))
    matched: list[tuple[int, int, MatchKey]] = []

    def by_key(key_of: Callable[[RosterEntry], object], by: MatchKey) -> None:
        nonlocal cell_left, official_left
        cell_keys = _unique_keys(cell, cell_left, key_of)
        official_keys = _unique_keys(official, official_left, key_of)
        pairs = [(i, official_keys[k]) for k, i in cell_keys.items() if k in official_keys]
        matched.extend((i, j, by) for i, j in pairs)
        used_cell = {i for i, _ in pairs}
        used_official = {j for _, j in pairs}
        cell_left = [i for i in cell_left if i not in used_cell]
        official_left = [j for j in official_left if j not in used_official]

    by_key(lambda e: normalize_card_no(e.card_no), "card_no")
    by_key(lambda e: _cccd_key(e.cccd), "cccd")
    by_key(_name_key, "name_birth")

    threshold = catalogue.get_fraction("reconciliation.near_match.min_name_similarity", on)
    candidates: list[tuple[float, int, int, str]] = []
    for i in cell_left:
        for j in official_left:
            a, b = cell[i], official[j]
            if a.birth_date is None or b.birth_date is None:
                continue
            same_name = fold(a.full_name) == fold(b.full_name)
            if a.birth_date == b.birth_date and not same_name:
                score = similar_names(a.full_name, b.full_name)
                if score >= threshold:
                    candidates.append((score, i, j, "full_name"))
            elif same_name and is_birth_date_typo(a.birth_date, b.birth_date):
                candidates.append((1.0, i, j, "birth_date"))
    near: list[tuple[int, Discrepancy]] = []
    taken_cell: set[int] = set()
    taken_official: set[int] = set()
    for _score, i, j, field in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i in taken_cell or j in taken_official:
            continue
        taken_cell.add(i)
        taken_official.add(j)
        a, b = cell[i], official[j]
        near.append(
            (j, Discrepancy("near_match", a, b, field, getattr(a, field), getattr(b, field)))
        )

    matches = tuple(
        Match(cell[i], official[j], by) for i, j, by in sorted(matched, key=lambda m: m[1])
    )
    discrepancies: list[Discrepancy] = [
        d for m in matches for d in compare_fields(m.cell, m.official)
    ]
    discrepancies.extend(d for _, d in sorted(near, key=lambda pair: pair[0]))
    discrepancies.extend(
        Discrepancy("missing_in_cell", None, official[j])
        for j in official_left
        if j not in taken_official
    )
    discrepancies.extend(
        Discrepancy("missing_in_official", cell[i], None) for i in cell_left if i not in taken_cell
    )
    return ReconciliationResult(matches, tuple(discrepancies))


def _unique_keys(
    rows: Sequence[RosterEntry], indexes: Iterable[int], key_of: Callable[[RosterEntry], object]
) -> dict[object, int]:
    """key -> row index, for keys that occur once among ``indexes`` (None keys skipped)."""
    seen: dict[object, int] = {}
    duplicated: set[object] = set()
    for i in indexes:
        key = key_of(rows[i])
        if key is None:
            continue
        if key in seen:
            duplicated.add(key)
        seen[key] = i
    return {k: i for k, i in seen.items() if k not in duplicated}


RECONCILIATION_FAMILY = ReminderFamily("reconciliation", reconciliation_reminders)
