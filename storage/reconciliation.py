"""Reconciliation records: the secretary's confirmations with their roster snapshots, the
official lists officers imported and the discrepancies found per cell (migration 0006).

A member's status *on a day* is the latest `member_status_history` entry dated on or before
it (NULL: not yet on the cell's roll then), `storage.members.STATUS_ON_SQL`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from chibo.rules.reconciliation import ReconciliationCase
from chibo.storage.db import Row, Tx, from_db_date, from_db_instant, to_db_date, to_db_instant
from chibo.storage.members import STATUS_ON_SQL
from chibo.storage.reports import SUBTREE, reconciliation_rows

KINDS = ("missing_in_cell", "missing_in_official", "mismatch", "near_match")
STATUSES = ("not_confirmed", "confirmed", "discrepancies", "resolved")

_STATUS_ON = STATUS_ON_SQL
_MEMBER_COLUMNS = (
    "m.id, m.org_id, m.full_name, m.birth_date, m.card_no, m.cccd, m.decision_date,"
    " m.ceremony_date, m.official_date, m.status"
)


@dataclass(frozen=True)
class RosterMember:
    """A member of a cell with the status they had on the day asked (None: not yet listed)."""

    id: int
    org_id: int
    full_name: str
    birth_date: date | None
    card_no: str | None
    cccd: str | None
    decision_date: date | None
    ceremony_date: date | None
    official_date: date | None
    status_now: str
    status: str | None


def _roster_member(r: Row) -> RosterMember:
    return RosterMember(
        r[0],
        r[1],
        r[2],
        from_db_date(r[3]),
        r[4],
        r[5],
        from_db_date(r[6]),
        from_db_date(r[7]),
        from_db_date(r[8]),
        r[9],
        r[10],
    )


async def roster_on(tx: Tx, org_id: int, on: date) -> list[RosterMember]:
    """Every member of the cell, with their status on `on`."""
    rows = await tx.all(
        f"SELECT {_MEMBER_COLUMNS}, {_STATUS_ON} AS status_on FROM members m"
        " WHERE m.org_id = :org ORDER BY m.name_key, m.id",
        {"org": org_id, "on": to_db_date(on)},
    )
    return [_roster_member(r) for r in rows]


async def subtree_roster_on(tx: Tx, root_id: int, on: date) -> list[RosterMember]:
    """Every member of every cell in the subtree of `root_id`, with their status on `on`."""
    rows = await tx.all(
        f"{SUBTREE} SELECT {_MEMBER_COLUMNS}, {_STATUS_ON} AS status_on FROM sub"
        " JOIN members m ON m.org_id = sub.id ORDER BY m.org_id, m.name_key, m.id",
        {"root": root_id, "on": to_db_date(on)},
    )
    return [_roster_member(r) for r in rows]


@dataclass(frozen=True)
class Change:
    """A status-history entry with the member's status before it (None: the first entry)."""

    member_id: int
    full_name: str
    status: str
    status_date: date
    previous: str | None
    official_date: date | None


async def changes(tx: Tx, org_id: int, after: date, until: date) -> list[Change]:
    """Status changes of the cell's members dated in (after, until], oldest first."""
    rows = await tx.all(
        "SELECT h.member_id, m.full_name, h.status, h.status_date,"
        " (SELECT p.status FROM member_status_history p WHERE p.member_id = h.member_id"
        "  AND (p.status_date < h.status_date OR (p.status_date = h.status_date AND p.id < h.id))"
        "  ORDER BY p.status_date DESC, p.id DESC LIMIT 1), m.official_date"
        " FROM member_status_history h JOIN members m ON m.id = h.member_id"
        " WHERE m.org_id = ? AND h.status_date > ? AND h.status_date <= ?"
        " ORDER BY h.status_date, h.id",
        (org_id, to_db_date(after), to_db_date(until)),
    )
    return [
        Change(r[0], r[1], r[2], from_db_date(r[3]) or until, r[4], from_db_date(r[5]))
        for r in rows
    ]


# -- confirmations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    id: int
    org_id: int
    period_end: date
    confirmed_at: datetime
    confirmed_by: str
    member_count: int


def _confirmation(r: Row) -> Confirmation:
    end, at = from_db_date(r["period_end"]), from_db_instant(r["confirmed_at"])
    assert end is not None and at is not None
    return Confirmation(r["id"], r["org_id"], end, at, r["confirmed_by"], r["member_count"])


async def confirmation(tx: Tx, org_id: int, period_end: date) -> Confirmation | None:
    row = await tx.one(
        "SELECT * FROM reconciliations WHERE org_id = ? AND period_end = ?",
        (org_id, to_db_date(period_end)),
    )
    return _confirmation(row) if row else None


async def last_confirmed_before(tx: Tx, org_id: int, period_end: date) -> date | None:
    """The end of the latest period before `period_end` the cell confirmed."""
    value = await tx.scalar(
        "SELECT max(period_end) FROM reconciliations WHERE org_id = ? AND period_end < ?",
        (org_id, to_db_date(period_end)),
    )
    return from_db_date(value)


async def confirm(
    tx: Tx,
    *,
    org_id: int,
    period_end: date,
    members: Sequence[RosterMember],
    actor: str | int,
    at: datetime,
) -> int:
    """Store (or replace) the cell's confirmation for the period with its roster snapshot."""
    rec_id = await tx.scalar(
        "INSERT INTO reconciliations (org_id, period_end, confirmed_at, confirmed_by,"
        " member_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, period_end) DO UPDATE SET"
        " confirmed_at = excluded.confirmed_at, confirmed_by = excluded.confirmed_by,"
        " member_count = excluded.member_count RETURNING id",
        (org_id, to_db_date(period_end), to_db_instant(at), str(actor), len(members)),
    )
    await tx.execute("DELETE FROM reconciliation_members WHERE reconciliation_id = ?", (rec_id,))
    await tx.executemany(
        "INSERT INTO reconciliation_members (reconciliation_id, member_id, full_name, birth_date,"
        " card_no, cccd, decision_date, official_date, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                rec_id,
                m.id,
                m.full_name,
                to_db_date(m.birth_date),
                m.card_no,
                m.cccd,
                to_db_date(m.decision_date),
                to_db_date(m.official_date),
                m.status or m.status_now,
            )
            for m in members
        ],
    )
    return int(rec_id)


@dataclass(frozen=True)
class SnapshotRow:
    member_id: int
    full_name: str
    birth_date: date | None
    card_no: str | None
    cccd: str | None
    status: str


async def snapshot(tx: Tx, org_id: int, period_end: date) -> list[SnapshotRow]:
    rows = await tx.all(
        "SELECT s.member_id, s.full_name, s.birth_date, s.card_no, s.cccd, s.status"
        " FROM reconciliation_members s JOIN reconciliations r ON r.id = s.reconciliation_id"
        " WHERE r.org_id = ? AND r.period_end = ? ORDER BY s.full_name, s.member_id",
        (org_id, to_db_date(period_end)),
    )
    return [SnapshotRow(r[0], r[1], from_db_date(r[2]), r[3], r[4], r[5]) for r in rows]


# -- official lists and discrepancies ---------------------------------------------------------


@dataclass(frozen=True)
class NewDiscrepancy:
    org_id: int
    kind: str
    member_id: int | None
    official_row: int | None
    full_name: str
    field: str | None = None
    cell_value: str | None = None
    official_value: str | None = None


@dataclass(frozen=True)
class Discrepancy(NewDiscrepancy):
    id: int = 0
    list_id: int = 0
    resolved_at: datetime | None = None


async def insert_list(
    tx: Tx,
    *,
    org_id: int,
    period_end: date,
    filename: str,
    row_count: int,
    actor: str | int,
    at: datetime,
) -> int:
    return await tx.execute(
        "INSERT INTO official_lists (org_id, period_end, filename, row_count, imported_by,"
        " imported_at) VALUES (?, ?, ?, ?, ?, ?)",
        (org_id, to_db_date(period_end), filename, row_count, str(actor), to_db_instant(at)),
    )


async def resolve_open(
    tx: Tx, cell_ids: Collection[int], period_end: date, *, by: str, at: datetime
) -> int:
    """Mark the open discrepancies of these cells for the period resolved; returns how many."""
    total = 0
    ids = sorted(set(cell_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        total += await tx.changes(
            "UPDATE reconciliation_discrepancies SET resolved_at = ?, resolved_by = ?"
            f" WHERE period_end = ? AND resolved_at IS NULL AND org_id IN"
            f" ({','.join('?' * len(chunk))})",
            (to_db_instant(at), by, to_db_date(period_end), *chunk),
        )
    return total


async def insert_discrepancies(
    tx: Tx, list_id: int, period_end: date, rows: Iterable[NewDiscrepancy]
) -> None:
    await tx.executemany(
        "INSERT INTO reconciliation_discrepancies (list_id, org_id, period_end, kind, member_id,"
        " official_row, full_name, field, cell_value, official_value)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                list_id,
                d.org_id,
                to_db_date(period_end),
                d.kind,
                d.member_id,
                d.official_row,
                d.full_name,
                d.field,
                d.cell_value,
                d.official_value,
            )
            for d in rows
        ],
    )


_DISCREPANCY = (
    "SELECT d.id, d.list_id, d.org_id, d.kind, d.member_id, d.official_row, d.full_name,"
    " d.field, d.cell_value, d.official_value, d.resolved_at FROM reconciliation_discrepancies d"
)


def _discrepancy(r: Row) -> Discrepancy:
    return Discrepancy(
        org_id=r[2],
        kind=r[3],
        member_id=r[4],
        official_row=r[5],
        full_name=r[6],
        field=r[7],
        cell_value=r[8],
        official_value=r[9],
        id=r[0],
        list_id=r[1],
        resolved_at=from_db_instant(r[10]),
    )


async def discrepancies(
    tx: Tx, org_id: int, period_end: date, *, open_only: bool = True
) -> list[Discrepancy]:
    """The cell's discrepancies for the period (open ones only by default), in file order."""
    sql = f"{_DISCREPANCY} WHERE d.org_id = ? AND d.period_end = ?"
    if open_only:
        sql += " AND d.resolved_at IS NULL"
    rows = await tx.all(sql + " ORDER BY d.list_id, d.id", (org_id, to_db_date(period_end)))
    return [_discrepancy(r) for r in rows]


async def cell_status(tx: Tx, org_id: int, period_end: date) -> str:
    """not_confirmed / confirmed / discrepancies / resolved (`storage.reports.STATUS_CASE`)."""
    rows = await reconciliation_rows(tx, org_id, period_end)
    return rows[0].status if rows else "not_confirmed"


# -- what the reminder rules look at (rules.reconciliation) ------------------------------------


async def cases(tx: Tx, org_ids: Collection[int] | None = None) -> list[ReconciliationCase]:
    """Per cell: the period ends it confirmed and the day the bot started tracking it."""
    sql = (
        "SELECT o.id, o.name, substr(o.created_at, 1, 10), group_concat(r.period_end)"
        " FROM orgs o LEFT JOIN reconciliations r ON r.org_id = o.id WHERE o.kind = 'cell'"
    )
    params: list[int] = []
    if org_ids is not None:
        ids = sorted(set(org_ids))
        sql += f" AND o.id IN ({','.join('?' * len(ids))})" if ids else " AND 0"
        params.extend(ids)
    rows = await tx.all(sql + " GROUP BY o.id ORDER BY o.id", params)
    return [
        ReconciliationCase(
            org_id=r[0],
            org_name=r[1],
            reconciled=tuple(sorted(date.fromisoformat(x) for x in (r[3] or "").split(",") if x)),
            since=from_db_date(r[2]),
        )
        for r in rows
    ]
