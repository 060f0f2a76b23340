"""The one query layer for officers' numbers: /status, /overdue, the XLSX report and the CLI.

Every query is set-based over a subtree: the recursive CTE `SUBTREE` maps each organisation
below `:root` to the child of `:root` it sits under (`sub(id, child)`; a cell asked about on
its own is its own child), and results are grouped by that child (`by="child"`) or by cell
(`by="cell"`). No per-cell loops of queries: a province of 5,000 cells is one query per
number (benchmarks/bench_status.py).

A member's status on a day is their latest status-history entry dated on or before it
(`storage.members.STATUS_ON_SQL`, shared with meetings, votes and reconciliation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from chibo.storage.db import Tx, from_db_date, to_db_date
from chibo.storage.members import STATUS_ON_SQL

By = Literal["child", "cell"]
ACTIVE = ("probationary", "official", "exempt")
_ACTIVE_SQL = ", ".join(f"'{s}'" for s in ACTIVE)

SUBTREE = (
    "WITH RECURSIVE sub(id, child) AS ("
    " SELECT id, id FROM orgs WHERE parent_id = :root"
    " UNION ALL SELECT id, id FROM orgs WHERE id = :root AND kind = 'cell'"
    " UNION ALL SELECT o.id, sub.child FROM orgs o JOIN sub ON o.parent_id = sub.id)"
)
CELLS = (
    f"{SUBTREE}, cells(id, child) AS (SELECT sub.id, sub.child FROM sub"
    " JOIN orgs o ON o.id = sub.id WHERE o.kind = 'cell')"
)
STATUS_ON = STATUS_ON_SQL  # one definition of "status on a day" (storage.members)
#: A cell's reconciliation status for period :pe; needs `_RECONCILIATION_JOIN` on `cells c`.
STATUS_CASE = (
    "CASE WHEN coalesce(d.n_open, 0) > 0 THEN 'discrepancies'"
    " WHEN r.id IS NULL THEN 'not_confirmed'"
    " WHEN coalesce(d.n_total, 0) > 0 THEN 'resolved' ELSE 'confirmed' END"
)
_DISCREPANCY_COUNTS = (
    "SELECT org_id, count(*) AS n_total, sum(resolved_at IS NULL) AS n_open"
    " FROM reconciliation_discrepancies WHERE period_end = :pe GROUP BY org_id"
)
_RECONCILIATION_JOIN = (
    " LEFT JOIN reconciliations r ON r.org_id = c.id AND r.period_end = :pe"
    f" LEFT JOIN ({_DISCREPANCY_COUNTS}) d ON d.org_id = c.id"
)


def _key(by: By) -> str:
    return {"child": "c.child", "cell": "c.id"}[by]


def _params(root_id: int, **dates: date | None) -> dict[str, object]:
    return {"root": root_id, **{k: to_db_date(v) for k, v in dates.items()}}


# -- organisations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgRow:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    cells: int  # cells at or below it


async def children(tx: Tx, root_id: int) -> list[OrgRow]:
    """The organisations directly below `root_id` (or the cell itself), by code."""
    rows = await tx.all(
        f"{CELLS} SELECT o.id, o.code, o.name, o.kind, o.parent_id, count(c.id) FROM orgs o"
        " LEFT JOIN cells c ON c.child = o.id WHERE o.id IN (SELECT child FROM sub)"
        " GROUP BY o.id ORDER BY o.code",
        _params(root_id),
    )
    return [OrgRow(*tuple(r)) for r in rows]


@dataclass(frozen=True)
class CellRow:
    id: int
    code: str
    name: str
    child_id: int  # the child of the root it sits under


async def cells(tx: Tx, root_id: int) -> list[CellRow]:
    """Every cell of the subtree, grouped by the root's child, by code."""
    rows = await tx.all(
        f"{CELLS} SELECT o.id, o.code, o.name, c.child FROM cells c JOIN orgs o ON o.id = c.id"
        " JOIN orgs k ON k.id = c.child ORDER BY k.code, o.code",
        _params(root_id),
    )
    return [CellRow(*tuple(r)) for r in rows]


# -- members ----------------------------------------------------------------------------------


async def member_counts(
    tx: Tx, root_id: int, on: date, by: By = "child"
) -> dict[int, dict[str, int]]:
    """Members on the roll on `on` by status (probationary, official, exempt)."""
    rows = await tx.all(
        f"{CELLS} SELECT k, st, count(*) FROM (SELECT {_key(by)} AS k, {STATUS_ON} AS st"
        " FROM cells c JOIN members m ON m.org_id = c.id)"
        f" WHERE st IN ({_ACTIVE_SQL}) GROUP BY k, st",
        _params(root_id, on=on),
    )
    out: dict[int, dict[str, int]] = {}
    for k, status, n in rows:
        out.setdefault(k, {})[status] = n
    return out


async def roll_at_start(tx: Tx, root_id: int, day: date, by: By = "child") -> dict[int, int]:
    """Members on the roll at the start of `day` (the base of the yearly admissions target).

    The same definition as `storage.candidates.members_on`: the latest status recorded before
    the day; a member with no status history before it counts if admitted (decision, ceremony
    or official date) before it.
    """
    rows = await tx.all(
        f"{CELLS} SELECT {_key(by)}, count(*) FROM cells c JOIN members m ON m.org_id = c.id"
        " WHERE coalesce((SELECT h.status FROM member_status_history h"
        "  WHERE h.member_id = m.id AND h.status_date < :day"
        "  ORDER BY h.status_date DESC, h.id DESC LIMIT 1),"
        " CASE WHEN coalesce(m.decision_date, m.ceremony_date, m.official_date) < :day"
        f"  THEN 'official' END) IN ({_ACTIVE_SQL}) GROUP BY 1",
        _params(root_id, day=day),
    )
    return {r[0]: r[1] for r in rows}


async def admissions(
    tx: Tx, root_id: int, first: date, last: date, by: By = "child"
) -> dict[int, int]:
    """Admissions decided in [first, last] (the same definition as
    `storage.candidates.admitted_between`): members with that admission-decision date, plus
    active candidates with a decision whose ceremony has not made them members yet."""
    rows = await tx.all(
        f"{CELLS} SELECT k, count(*) FROM ("
        f" SELECT {_key(by)} AS k FROM cells c JOIN members m ON m.org_id = c.id"
        "  WHERE m.decision_date BETWEEN :first AND :last"
        f" UNION ALL SELECT {_key(by)} FROM cells c JOIN candidates n ON n.org_id = c.id"
        "  WHERE n.status = 'active' AND n.member_id IS NULL"
        "  AND n.decision_date BETWEEN :first AND :last) GROUP BY k",
        _params(root_id, first=first, last=last),
    )
    return {r[0]: r[1] for r in rows}


@dataclass(frozen=True)
class ProbationRow:
    cell_id: int
    member_id: int
    full_name: str
    ceremony_date: date | None
    course_done_date: date | None
    cell_resolution_date: date | None
    committee_decision_date: date | None


async def probation(tx: Tx, root_id: int, on: date) -> list[ProbationRow]:
    """Members who were probationary on `on`, with their conversion record."""
    rows = await tx.all(
        f"{CELLS} SELECT * FROM (SELECT c.id, m.id, m.full_name, m.ceremony_date,"
        " m.course_done_date, v.cell_resolution_date, v.committee_decision_date,"
        f" {STATUS_ON} AS st, m.name_key FROM cells c JOIN members m ON m.org_id = c.id"
        " LEFT JOIN conversions v ON v.member_id = m.id"
        " WHERE m.ceremony_date IS NOT NULL AND m.ceremony_date <= :on)"
        " WHERE st = 'probationary' ORDER BY 1, 9",
        _params(root_id, on=on),
    )
    return [
        ProbationRow(
            r[0],
            r[1],
            r[2],
            from_db_date(r[3]),
            from_db_date(r[4]),
            from_db_date(r[5]),
            from_db_date(r[6]),
        )
        for r in rows
    ]


# -- meetings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingSummary:
    cells: int
    cells_with_regular: int  # cells with any regular meeting up to the day
    oldest_last_regular: date | None  # the laggard: earliest "latest regular meeting"
    latest_regular: date | None
    cells_with_thematic: int  # cells with a thematic meeting in [quarter start, day]


async def meeting_summary(
    tx: Tx, root_id: int, on: date, quarter_start: date, by: By = "child"
) -> dict[int, MeetingSummary]:
    rows = await tx.all(
        f"{CELLS}, per_cell AS (SELECT {_key(by)} AS k,"
        " (SELECT max(g.held_on) FROM meetings g WHERE g.org_id = c.id AND g.kind = 'regular'"
        "  AND g.held_on <= :on) AS last_regular,"
        " EXISTS (SELECT 1 FROM meetings g WHERE g.org_id = c.id AND g.kind = 'thematic'"
        "  AND g.held_on BETWEEN :qs AND :on) AS thematic FROM cells c)"
        " SELECT k, count(*), count(last_regular), min(last_regular), max(last_regular),"
        " sum(thematic) FROM per_cell GROUP BY k",
        _params(root_id, on=on, qs=quarter_start),
    )
    return {
        r[0]: MeetingSummary(r[1], r[2], from_db_date(r[3]), from_db_date(r[4]), r[5]) for r in rows
    }


async def monthly_meetings(
    tx: Tx, root_id: int, start: date, end: date
) -> dict[int, dict[tuple[str, str], int]]:
    """Per cell: meetings held in [start, end] by (YYYY-MM, kind)."""
    rows = await tx.all(
        f"{CELLS} SELECT c.id, substr(g.held_on, 1, 7), g.kind, count(*) FROM cells c"
        " JOIN meetings g ON g.org_id = c.id WHERE g.held_on BETWEEN :start AND :end"
        " GROUP BY 1, 2, 3",
        _params(root_id, start=start, end=end),
    )
    out: dict[int, dict[tuple[str, str], int]] = {}
    for cell, month, kind, n in rows:
        out.setdefault(cell, {})[(month, kind)] = n
    return out


# -- candidates -------------------------------------------------------------------------------


async def under_grassroots(tx: Tx, root_id: int) -> dict[int, bool]:
    """Per cell: is it under a grassroots party committee (admission step 6)? The recorded
    setting, else inferred as `usecases.candidates` does: the parent is a committee that has
    a parent itself."""
    rows = await tx.all(
        f"{CELLS} SELECT c.id, coalesce(s.under_grassroots,"
        " p.kind = 'committee' AND p.parent_id IS NOT NULL, 0) FROM cells c"
        " JOIN orgs o ON o.id = c.id LEFT JOIN orgs p ON p.id = o.parent_id"
        " LEFT JOIN admission_settings s ON s.org_id = c.id",
        _params(root_id),
    )
    return {r[0]: bool(r[1]) for r in rows}


# -- reconciliation ---------------------------------------------------------------------------


async def reconciliation_counts(
    tx: Tx, root_id: int, period_end: date, by: By = "child"
) -> dict[int, dict[str, int]]:
    """Cells by reconciliation status for the period."""
    rows = await tx.all(
        f"{CELLS} SELECT {_key(by)}, {STATUS_CASE} AS st, count(*) FROM cells c"
        f"{_RECONCILIATION_JOIN} GROUP BY 1, 2",
        _params(root_id, pe=period_end),
    )
    out: dict[int, dict[str, int]] = {}
    for k, status, n in rows:
        out.setdefault(k, {})[status] = n
    return out


@dataclass(frozen=True)
class ReconciliationRow:
    cell_id: int
    status: str
    confirmed_at: str | None
    member_count: int | None
    open: int
    total: int


async def reconciliation_rows(tx: Tx, root_id: int, period_end: date) -> list[ReconciliationRow]:
    rows = await tx.all(
        f"{CELLS} SELECT c.id, {STATUS_CASE}, r.confirmed_at, r.member_count,"
        f" coalesce(d.n_open, 0), coalesce(d.n_total, 0) FROM cells c{_RECONCILIATION_JOIN}",
        _params(root_id, pe=period_end),
    )
    return [ReconciliationRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


@dataclass(frozen=True)
class DiscrepancyRow:
    cell_id: int
    kind: str
    full_name: str
    field: str | None
    cell_value: str | None
    official_value: str | None
    official_row: int | None
    resolved: bool


async def discrepancy_rows(tx: Tx, root_id: int, period_end: date) -> list[DiscrepancyRow]:
    rows = await tx.all(
        f"{CELLS} SELECT d.org_id, d.kind, d.full_name, d.field, d.cell_value, d.official_value,"
        " d.official_row, d.resolved_at IS NOT NULL FROM cells c"
        " JOIN reconciliation_discrepancies d ON d.org_id = c.id AND d.period_end = :pe"
        " ORDER BY d.org_id, d.id",
        _params(root_id, pe=period_end),
    )
    return [DiscrepancyRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in rows]


async def cell_to_child(tx: Tx, root_id: int) -> dict[int, int]:
    """Every cell of the subtree → the child of the root it sits under."""
    rows = await tx.all(f"{CELLS} SELECT id, child FROM cells", _params(root_id))
    return {r[0]: r[1] for r in rows}


async def top_ids(tx: Tx) -> list[int]:
    """The organisations with nothing above them (the roots of every subtree)."""
    return [r[0] for r in await tx.all("SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id")]
