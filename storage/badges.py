"""Party age gaps (P9) and party badges (§6.8): awards, returns and early requests."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from chibo.rules.badges import ACTIVE, BadgeCellCase, BadgeMember, BadgeWindow, badge_window
from chibo.rules.catalogue import Catalogue
from chibo.rules.party_age import Gap
from chibo.storage.db import Row, Tx, from_db_date, need_date, to_db_date, to_db_instant


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    wanted = sorted(set(ids))
    return [wanted[i : i + 500] for i in range(0, len(wanted), 500)]


def _marks(chunk: list[int]) -> str:
    return ",".join("?" * len(chunk))


#: Above this many members, one pass over the whole (small) table beats chunks of IN (…).
_WHOLE_TABLE_FROM = 5_000


async def _rows_of_members(tx: Tx, select: str, order: str, member_ids: Iterable[int]) -> list[Row]:
    """`select` (… FROM table) rows whose member_id is one of `member_ids`, in `order`."""
    wanted = set(member_ids)
    if len(wanted) > _WHOLE_TABLE_FROM:
        rows = await tx.all(f"{select} ORDER BY {order}")
        return [r for r in rows if r["member_id"] in wanted]
    found: list[Row] = []
    for chunk in _chunks(wanted):
        found += await tx.all(
            f"{select} WHERE member_id IN ({_marks(chunk)}) ORDER BY {order}", chunk
        )
    return found


# -- gaps ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredGap:
    id: int
    member_id: int
    gap: Gap
    source_document: str


def _gap(r: Row) -> StoredGap:
    return StoredGap(
        r["id"],
        r["member_id"],
        Gap(need_date(r["left_on"]), need_date(r["returned_on"]), r["reason"]),
        r["source_document"],
    )


async def add_gap(
    tx: Tx, member_id: int, gap: Gap, source_document: str, *, actor: str | int, at: datetime
) -> int:
    return await tx.execute(
        "INSERT INTO party_age_gaps (member_id, left_on, returned_on, reason, source_document,"
        " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            member_id,
            to_db_date(gap.left_on),
            to_db_date(gap.returned_on),
            gap.reason,
            source_document,
            str(actor),
            to_db_instant(at),
        ),
    )


async def gaps_of(tx: Tx, member_id: int) -> list[StoredGap]:
    rows = await tx.all(
        "SELECT * FROM party_age_gaps WHERE member_id = ? ORDER BY left_on", (member_id,)
    )
    return [_gap(r) for r in rows]


async def gaps_of_many(tx: Tx, member_ids: Iterable[int]) -> dict[int, tuple[Gap, ...]]:
    out: dict[int, list[Gap]] = {}
    for r in await _rows_of_members(tx, "SELECT * FROM party_age_gaps", "left_on", member_ids):
        out.setdefault(r["member_id"], []).append(_gap(r).gap)
    return {k: tuple(v) for k, v in out.items()}


# -- awards --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Award:
    id: int
    member_id: int
    milestone: int
    award_date: date
    decision: str | None
    early: bool
    returned_on: date | None


def _award(r: Row) -> Award:
    return Award(
        r["id"],
        r["member_id"],
        r["milestone"],
        need_date(r["award_date"]),
        r["decision"],
        bool(r["early"]),
        from_db_date(r["returned_on"]),
    )


async def add_award(
    tx: Tx,
    member_id: int,
    milestone: int,
    award_date: date,
    decision: str | None,
    early: bool,
    *,
    actor: str | int,
    at: datetime,
) -> int:
    return await tx.execute(
        "INSERT INTO badge_awards (member_id, milestone, award_date, decision, early, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            member_id,
            milestone,
            to_db_date(award_date),
            decision,
            int(early),
            str(actor),
            to_db_instant(at),
        ),
    )


async def award(tx: Tx, award_id: int) -> Award | None:
    row = await tx.one("SELECT * FROM badge_awards WHERE id = ?", (award_id,))
    return _award(row) if row else None


async def set_returned(tx: Tx, award_id: int, returned_on: date) -> None:
    await tx.execute(
        "UPDATE badge_awards SET returned_on = ? WHERE id = ?",
        (to_db_date(returned_on), award_id),
    )


async def awards_of_many(tx: Tx, member_ids: Iterable[int]) -> dict[int, list[Award]]:
    out: dict[int, list[Award]] = {}
    for r in await _rows_of_members(tx, "SELECT * FROM badge_awards", "milestone", member_ids):
        out.setdefault(r["member_id"], []).append(_award(r))
    return out


# -- early requests ------------------------------------------------------------------------------


async def add_early_request(
    tx: Tx,
    member_id: int,
    milestone: int,
    requested_on: date,
    document: str | None,
    *,
    actor: str | int,
    at: datetime,
) -> None:
    await tx.execute(
        "INSERT INTO badge_early_requests (member_id, milestone, requested_on, document,"
        " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, milestone)"
        " DO UPDATE SET requested_on = excluded.requested_on, document = excluded.document",
        (
            member_id,
            milestone,
            to_db_date(requested_on),
            document,
            str(actor),
            to_db_instant(at),
        ),
    )


async def early_of_many(tx: Tx, member_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = {}
    select = "SELECT member_id, milestone FROM badge_early_requests"
    for r in await _rows_of_members(tx, select, "member_id, milestone", member_ids):
        out.setdefault(r[0], []).append(r[1])
    return {k: tuple(sorted(v)) for k, v in out.items()}


@dataclass(frozen=True)
class EarlyRequest:
    """A request to award a badge early for serious illness (§6.8)."""

    milestone: int
    requested_on: date
    document: str | None


async def early_requests_of(tx: Tx, member_id: int) -> list[EarlyRequest]:
    rows = await tx.all(
        "SELECT milestone, requested_on, document FROM badge_early_requests"
        " WHERE member_id = ? ORDER BY milestone",
        (member_id,),
    )
    return [EarlyRequest(r["milestone"], need_date(r["requested_on"]), r["document"]) for r in rows]


# -- the members the rules look at ---------------------------------------------------------------


def _window_filter(window: BadgeWindow) -> tuple[str, list[object]]:
    """SQL keeping the members `window` says can be due (`rules.badges.BadgeWindow`)."""
    held = (
        "NOT EXISTS (SELECT 1 FROM badge_awards a WHERE a.member_id = members.id"
        " AND a.returned_on IS NULL AND a.milestone >= ?)"
    )
    terms = ["id IN (SELECT member_id FROM badge_early_requests)"]
    params: list[object] = []
    for years, last in window.reach:
        terms.append(f"(decision_date <= ? AND {held})")
        params += [to_db_date(last), years]
    return f" AND ({' OR '.join(terms)})", params


async def badge_members(
    tx: Tx,
    org_ids: Collection[int] | None,
    *,
    statuses: Collection[str] = ACTIVE,
    window: BadgeWindow | None = None,
) -> list[BadgeMember]:
    """Members of these cells (with these statuses) with their gaps, awards and requests;
    with a `window`, only those it says can be due."""
    if window is not None and window.award is None:
        return []
    wanted = sorted(set(statuses))
    sql = (
        "SELECT id, org_id, full_name, decision_date, status, birth_date FROM members"
        f" WHERE status IN ({','.join('?' * len(wanted))})"
    )
    params: list[object] = list(wanted)
    if window is not None:
        where, more = _window_filter(window)
        sql += where
        params += more
    if org_ids is not None:
        ids = sorted(set(org_ids))
        if not ids:
            return []
        sql += f" AND org_id IN ({','.join('?' * len(ids))})"
        params.extend(ids)
    rows = await tx.all(sql + " ORDER BY org_id, name_key, id", params)
    member_ids = [r["id"] for r in rows]
    gaps = await gaps_of_many(tx, member_ids)
    awards = await awards_of_many(tx, member_ids)
    early = await early_of_many(tx, member_ids)
    no_awards: list[Award] = []
    return [  # by position: 100,000 rows at province scale
        BadgeMember(
            member_id=r[0],
            org_id=r[1],
            full_name=r[2],
            decision_date=from_db_date(r[3]),
            gaps=gaps.get(r[0], ()),
            received=tuple(
                a.milestone for a in awards.get(r[0], no_awards) if a.returned_on is None
            ),
            early_requested=early.get(r[0], ()),
            status=r[4],
            birth_date=from_db_date(r[5]),
        )
        for r in rows
    ]


async def cell_cases(
    tx: Tx, org_ids: Collection[int] | None = None, *, window: BadgeWindow | None = None
) -> list[BadgeCellCase]:
    """Per cell, its active members with a decision date (for the badge.proposal reminder);
    with a `window`, only the members it says can be due."""
    members = await badge_members(tx, org_ids, window=window)
    members = [m for m in members if m.decision_date is not None]
    if not members:
        return []
    cell_ids = sorted({m.org_id for m in members})
    rows = await tx.all(
        f"SELECT id, name FROM orgs WHERE id IN ({','.join('?' * len(cell_ids))})", cell_ids
    )
    names = {r[0]: r[1] for r in rows}
    by_cell: dict[int, list[BadgeMember]] = {}
    for m in members:
        by_cell.setdefault(m.org_id, []).append(m)
    return [BadgeCellCase(cid, names.get(cid, ""), tuple(by_cell[cid])) for cid in cell_ids]


async def cell_cases_on(
    tx: Tx, org_ids: Collection[int] | None, today: date, catalogue: Catalogue
) -> list[BadgeCellCase]:
    """`cell_cases` with only the members the reminder of `today` can name (the sweep)."""
    return await cell_cases(tx, org_ids, window=badge_window(today, catalogue))
