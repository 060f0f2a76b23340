"""Party dues: declared bases, exemptions and reductions, the monthly ledger (§6.6)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from chibo.rules.dues import (
    DuesProfile,
    LedgerMonth,
    Relief,
    Window,
    first_of,
    month_key,
    unpaid_months,
)
from chibo.rules.dues_reminders import DuesCellCase, DuesMemberCase
from chibo.rules.lifecycle_removal import Evidence
from chibo.storage.db import Row, Tx, from_db_date, to_db_date, to_db_instant


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def _filter(column: str, ids: Collection[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "", []
    wanted = sorted(set(ids))
    if not wanted:
        return " AND 0", []
    return f" AND {column} IN ({','.join('?' * len(wanted))})", wanted


# -- profiles ------------------------------------------------------------------------------------


async def profile(tx: Tx, member_id: int) -> DuesProfile:
    row = await tx.one("SELECT * FROM dues_profiles WHERE member_id = ?", (member_id,))
    if row is None:
        return DuesProfile()
    return DuesProfile(row["basis"], row["base_amount"], row["cell_amount"])


async def profiles(tx: Tx, member_ids: Iterable[int]) -> dict[int, DuesProfile]:
    ids = sorted(set(member_ids))
    out: dict[int, DuesProfile] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = await tx.all(
            f"SELECT * FROM dues_profiles WHERE member_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for r in rows:
            out[r["member_id"]] = DuesProfile(r["basis"], r["base_amount"], r["cell_amount"])
    return out


async def put_profile(tx: Tx, member_id: int, p: DuesProfile, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO dues_profiles (member_id, basis, base_amount, cell_amount, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET basis = excluded.basis,"
        " base_amount = excluded.base_amount, cell_amount = excluded.cell_amount,"
        " updated_at = excluded.updated_at",
        (member_id, p.basis, p.base_amount, p.cell_amount, to_db_instant(at)),
    )


# -- exemptions and reductions ------------------------------------------------------------------


def _relief(row: Row) -> Relief:
    kind: Literal["exemption", "reduction"] = (
        "reduction" if row["kind"] == "reduction" else "exemption"
    )
    return Relief(
        kind=kind,
        start=_month(row["start_month"]),
        end=_month(row["end_month"]) if row["end_month"] else None,
        ground=row["ground"],
        percent=row["percent"],
        document=row["document"],
        id=row["id"],
    )


async def add_relief(tx: Tx, member_id: int, r: Relief, *, actor: str | int, at: datetime) -> int:
    return await tx.execute(
        "INSERT INTO dues_reliefs (member_id, kind, ground, percent, start_month, end_month,"
        " document, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            member_id,
            r.kind,
            r.ground,
            r.percent,
            month_key(r.start),
            month_key(r.end) if r.end else None,
            r.document,
            str(actor),
            to_db_instant(at),
        ),
    )


async def reliefs_of(tx: Tx, member_ids: Iterable[int]) -> dict[int, list[Relief]]:
    ids = sorted(set(member_ids))
    out: dict[int, list[Relief]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = await tx.all(
            f"SELECT * FROM dues_reliefs WHERE member_id IN ({','.join('?' * len(chunk))})"
            " ORDER BY start_month, id",
            chunk,
        )
        for r in rows:
            out[r["member_id"]].append(_relief(r))
    return out


# -- the ledger ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    member_id: int
    month: date
    org_id: int
    due: int
    paid: int
    paid_on: date | None
    channel: str | None
    status: str
    exempt_ground: str | None = None
    reduction_percent: int | None = None
    note: str | None = None

    def as_audit(self) -> dict[str, object]:
        return {
            "due": self.due,
            "paid": self.paid,
            "paid_on": self.paid_on,
            "channel": self.channel,
            "status": self.status,
            "note": self.note,
        }


def _row(r: Row) -> LedgerRow:
    return LedgerRow(
        member_id=r["member_id"],
        month=_month(r["month"]),
        org_id=r["org_id"],
        due=r["due"],
        paid=r["paid"],
        paid_on=from_db_date(r["paid_on"]),
        channel=r["channel"],
        status=r["status"],
        exempt_ground=r["exempt_ground"],
        reduction_percent=r["reduction_percent"],
        note=r["note"],
    )


async def put_rows(tx: Tx, rows: Iterable[LedgerRow], *, actor: str | int, at: datetime) -> None:
    stamp = to_db_instant(at)
    await tx.executemany(
        "INSERT INTO dues_ledger (member_id, month, org_id, due, paid, paid_on, channel, status,"
        " exempt_ground, reduction_percent, note, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, month) DO UPDATE"
        " SET org_id = excluded.org_id, due = excluded.due, paid = excluded.paid,"
        " paid_on = excluded.paid_on, channel = excluded.channel, status = excluded.status,"
        " exempt_ground = excluded.exempt_ground,"
        " reduction_percent = excluded.reduction_percent, note = excluded.note,"
        " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        [
            (
                r.member_id,
                month_key(r.month),
                r.org_id,
                r.due,
                r.paid,
                to_db_date(r.paid_on),
                r.channel,
                r.status,
                r.exempt_ground,
                r.reduction_percent,
                r.note,
                str(actor),
                stamp,
            )
            for r in rows
        ],
    )


async def month_rows(tx: Tx, org_ids: Collection[int], month: date) -> list[LedgerRow]:
    """The ledger rows of these cells for ``month``."""
    where, params = _filter("org_id", org_ids)
    rows = await tx.all(
        f"SELECT * FROM dues_ledger WHERE month = ?{where} ORDER BY org_id, member_id",
        (month_key(month), *params),
    )
    return [_row(r) for r in rows]


async def member_rows(
    tx: Tx, member_id: int, since: date | None = None, until: date | None = None
) -> list[LedgerRow]:
    sql, params = "SELECT * FROM dues_ledger WHERE member_id = ?", list[object]([member_id])
    if since is not None:
        sql += " AND month >= ?"
        params.append(month_key(since))
    if until is not None:
        sql += " AND month <= ?"
        params.append(month_key(until))
    return [_row(r) for r in await tx.all(sql + " ORDER BY month", params)]


async def recorded_months(tx: Tx, org_id: int) -> list[date]:
    rows = await tx.all(
        "SELECT DISTINCT month FROM dues_ledger WHERE org_id = ? ORDER BY month", (org_id,)
    )
    return [_month(r[0]) for r in rows]


# -- removal evidence (§6.5 a) -------------------------------------------------------------------


async def unpaid_evidence(
    tx: Tx, member_ids: Collection[int] | None, today: date
) -> dict[int, list[Evidence]]:
    """The months recorded unpaid without a valid reason up to ``today``'s month: the dues
    ground of the removal review (``storage.lifecycle`` lists this source)."""
    where, params = _filter("member_id", member_ids)
    rows = await tx.all(
        f"SELECT member_id, month, status FROM dues_ledger WHERE status = 'unpaid'"
        f" AND month <= ?{where} ORDER BY member_id, month",
        (month_key(today), *params),
    )
    ledgers: dict[int, list[LedgerMonth]] = {}
    for r in rows:
        ledgers.setdefault(r[0], []).append(LedgerMonth(_month(r[1]), r[2]))
    upto = Window("rolling", date.min, first_of(today))
    return {
        mid: [Evidence("dues", months)]
        for mid, ledger in ledgers.items()
        if (months := unpaid_months(ledger, upto))
    }


# -- reminder cases ------------------------------------------------------------------------------


async def cell_cases(tx: Tx, org_ids: Collection[int] | None = None) -> list[DuesCellCase]:
    """Per cell that keeps its ledger here: the months recorded (the last 24)."""
    where, params = _filter("l.org_id", org_ids)
    rows = await tx.all(
        "SELECT l.org_id, o.name, l.month FROM dues_ledger l JOIN orgs o ON o.id = l.org_id"
        f" WHERE 1{where} GROUP BY l.org_id, l.month ORDER BY l.org_id, l.month",
        params,
    )
    by_org: dict[int, tuple[str, list[date]]] = {}
    for r in rows:
        by_org.setdefault(r[0], (r[1], []))[1].append(_month(r[2]))
    return [DuesCellCase(org_id, name, tuple(months)) for org_id, (name, months) in by_org.items()]


async def member_cases(
    tx: Tx, org_ids: Collection[int] | None = None, since: date = date(1900, 1, 1)
) -> list[DuesMemberCase]:
    """Per active member with months unpaid since ``since`` or a relief ending from then."""
    where, params = _filter("m.org_id", org_ids)
    rows = await tx.all(
        "SELECT m.id, m.org_id, m.full_name, l.month FROM members m"
        " JOIN dues_ledger l ON l.member_id = m.id AND l.status = 'unpaid' AND l.month >= ?"
        f" WHERE m.status IN ('probationary', 'official', 'exempt'){where}"
        " ORDER BY m.id, l.month",
        (month_key(since), *params),
    )
    found: dict[int, tuple[int, str, list[date]]] = {}
    for r in rows:
        found.setdefault(r[0], (r[1], r[2], []))[2].append(_month(r[3]))
    relief_rows = await tx.all(
        "SELECT m.id, m.org_id, m.full_name FROM members m"
        " WHERE m.status IN ('probationary', 'official', 'exempt')"
        f" AND EXISTS (SELECT 1 FROM dues_reliefs r WHERE r.member_id = m.id"
        f" AND r.end_month >= ?){where}",
        (month_key(first_of(since)), *params),
    )
    for r in relief_rows:
        found.setdefault(r[0], (r[1], r[2], []))
    reliefs = await reliefs_of(tx, found)
    return [
        DuesMemberCase(mid, org_id, name, tuple(months), tuple(reliefs.get(mid, ())))
        for mid, (org_id, name, months) in sorted(found.items())
    ]
