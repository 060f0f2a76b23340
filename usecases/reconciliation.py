"""Half-yearly reconciliation of the member list (domain-rules §7).

The secretary confirms the cell's roster as of the period's end (`cell_view`, `confirm`): the
counts, the list, the changes since the last confirmed period, and what an official list
showed. An officer imports the official list of their subtree (`import_official`): the
roster template (`usecases.roster_io`) plus a column naming each row's cell; every cell of the
subtree is compared with `rules.reconciliation.reconcile` and the discrepancies are stored.

A cell's status for a period (`storage.reports.STATUS_CASE`): *discrepancies* while an
official list's differences are open; else *not confirmed* until the secretary confirms; then
*resolved* if differences were reported and dealt with (the secretary's confirmation, or a
later list without them), else *confirmed*.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta

from chibo.rules.dates import period_bounds
from chibo.rules.messages import N_, Msg
from chibo.rules.reconciliation import (
    Discrepancy,
    Period,
    RosterEntry,
    period_containing,
    previous_period,
    reconcile,
)
from chibo.rules.text import clean_line, echo, fold
from chibo.storage import audit, reports
from chibo.storage import orgs as org_store
from chibo.storage import reconciliation as store
from chibo.storage.orgs import Org
from chibo.storage.reconciliation import Change, Confirmation, RosterMember
from chibo.storage.reconciliation import NewDiscrepancy as NewDiscrepancy
from chibo.storage.reports import ACTIVE, CellRow
from chibo.usecases import lifecycle, roster_io
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput
from chibo.usecases.roster import require_cell
from chibo.usecases.status import Actor, active_period, officer_root

CHANGE_KINDS = (
    "admitted",
    "converted",
    "transferred_in",
    "transferred_out",
    "exempt",
    "removed",
    "deceased",
)
#: Headers of the official list's cell column (matched like the template's: folded).
CELL_HEADERS = (
    "Chi bộ",
    "Mã chi bộ",
    "Tên chi bộ",
    "Chi bộ sinh hoạt",
    "cell",
    "cell code",
    "cell name",
)
MAX_PROBLEMS = 20

STATUS_LABELS = {
    "not_confirmed": N_("not confirmed"),
    "confirmed": N_("confirmed"),
    "discrepancies": N_("discrepancies to resolve"),
    "resolved": N_("discrepancies resolved"),
}
CHANGE_LABELS = {
    "admitted": N_("Admitted"),
    "converted": N_("Became official"),
    "transferred_in": N_("Transferred in"),
    "transferred_out": N_("Transferred out"),
    "exempt": N_("Exempted from activities"),
    "removed": N_("Removed from the list"),
    "deceased": N_("Deceased"),
}
KIND_LABELS = {
    "missing_in_cell": N_("In the official list, not in the cell"),
    "missing_in_official": N_("In the cell, not in the official list"),
    "mismatch": N_("Different value"),
    "near_match": N_("Likely typo (same person)"),
}

_NOT_A_PERIOD = N_(
    "“{value}” is not a reconciliation period: write 2026-H1, 2026-H2 or the"
    " period's last day, e.g. 2026-12-31."
)
_NOT_OPEN = N_("The period ending {end} is no longer open for confirmation.")
_NO_CELL_COLUMN = N_(
    "The official list needs a column naming each member's cell: “Chi bộ” or"
    " “Mã chi bộ” (the cell's code or name), next to the roster template's"
    " columns."
)
_ROW = N_("Row {row}: {problem}")
_NO_CELL = N_("the cell is empty.")
_OUTSIDE = N_("“{cell}” is not a cell under {org}.")


# -- periods -----------------------------------------------------------------------------------


def parse_period(ctx: AppContext, text: str) -> Period:
    """`2026-H2`, `2026-H1` or a period's last day (`2026-12-31`)."""
    value = text.strip()
    try:
        end = date.fromisoformat(value) if len(value) == 10 else period_bounds(value)[1]
    except ValueError:
        raise InvalidInput(Msg(_NOT_A_PERIOD, {"value": echo(value)})) from None
    period = period_containing(end, ctx.catalogue)
    if period.end != end:
        raise InvalidInput(Msg(_NOT_A_PERIOD, {"value": value}))
    return period


def open_periods(ctx: AppContext, today: date) -> tuple[Period, Period]:
    """The periods a cell may still confirm: the one before the active one, and the active."""
    active = active_period(ctx, today)
    return previous_period(active, ctx.catalogue), active


def _open_period(ctx: AppContext, period_end: date | None) -> Period:
    before, active = open_periods(ctx, ctx.today())
    if period_end is None or period_end == active.end:
        return active
    if period_end == before.end:
        return before
    raise InvalidInput(Msg(_NOT_OPEN, {"end": period_end}))


# -- the secretary's view ----------------------------------------------------------------------


def change_kind(c: Change) -> str | None:
    """What a status-history entry means for the roll (None: nothing to report)."""
    if c.status in ("transferred_out", "removed", "deceased"):
        return c.status
    if c.previous is None:
        if c.status == "probationary":
            return "admitted"
        if c.status == "official" and c.official_date == c.status_date:
            return "converted"
        return "transferred_in"
    if c.status == "official" and c.previous == "probationary":
        return "converted"
    if c.status == "exempt" and c.previous != "exempt":
        return "exempt"
    return None


@dataclass(frozen=True)
class CellView:
    org: Org
    period: Period
    as_of: date  # the roster shown: on the period's end, or today
    status: str
    confirmation: Confirmation | None
    members: list[RosterMember]  # on the roll on `as_of`, in Vietnamese order
    counts: dict[str, int]  # by status
    since: date  # changes are those dated after this day
    changes: list[tuple[str, Change]]
    discrepancies: list[store.Discrepancy]  # open ones, from the latest official list
    other_period: Period | None  # the earlier open period, while it is unconfirmed
    # discrepancy id -> the open transfer that explains it (issue 14)
    pending: dict[int, lifecycle.Transfer] = field(default_factory=dict)


def _order(m: RosterMember) -> tuple[str, str]:
    """Vietnamese order: by given name (the last word), then by the whole name."""
    key = fold(m.full_name)
    words = key.split()
    return (words[-1] if words else "", key)


async def cell_view(
    ctx: AppContext, actor: Actor, org_id: int, period_end: date | None = None
) -> CellView:
    """What the secretary confirms for the period (the active one by default)."""
    await require_cell(ctx, actor, org_id)
    period = _open_period(ctx, period_end)
    before, active = open_periods(ctx, ctx.today())
    as_of = min(ctx.today(), period.end)
    async with ctx.db.read() as tx:
        org = await org_store.by_id(tx, org_id)
        roster = await store.roster_on(tx, org_id, as_of)
        last = await store.last_confirmed_before(tx, org_id, period.end)
        since = last if last is not None else period.start - timedelta(days=1)
        history = await store.changes(tx, org_id, since, as_of)
        status = await store.cell_status(tx, org_id, period.end)
        confirmation = await store.confirmation(tx, org_id, period.end)
        discrepancies = await store.discrepancies(tx, org_id, period.end)
        other = None
        if period == active:
            case = (await store.cases(tx, [org_id]))[0]
            tracked = case.since or before.end
            if before.end not in case.reconciled and before.end >= tracked:
                other = before
    assert org is not None
    members = sorted((m for m in roster if m.status in ACTIVE), key=_order)
    counts: dict[str, int] = {}
    for m in members:
        assert m.status is not None
        counts[m.status] = counts.get(m.status, 0) + 1
    changes = [(k, c) for c in history if (k := change_kind(c)) is not None]
    missing = [d for d in discrepancies if d.kind in ("missing_in_cell", "missing_in_official")]
    explained = await lifecycle.pending_transfers(
        ctx, [(d.org_id, d.member_id, d.full_name) for d in missing]
    )
    pending = {d.id: t for d, t in zip(missing, explained, strict=True) if t is not None}
    return CellView(
        org,
        period,
        as_of,
        status,
        confirmation,
        members,
        counts,
        since,
        changes,
        discrepancies,
        other,
        pending,
    )


async def confirm(ctx: AppContext, actor: Actor, org_id: int, period_end: date) -> Confirmation:
    """The secretary confirms the roster for the period: a snapshot of it is stored, and the
    open discrepancies an official list showed count as dealt with."""
    await require_cell(ctx, actor, org_id)
    period = _open_period(ctx, period_end)
    as_of = min(ctx.today(), period.end)
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        members = [m for m in await store.roster_on(tx, org_id, as_of) if m.status in ACTIVE]
        rec_id = await store.confirm(
            tx, org_id=org_id, period_end=period.end, members=members, actor=actor, at=now
        )
        resolved = await store.resolve_open(tx, [org_id], period.end, by=f"confirm:{actor}", at=now)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="reconciliation",
            entity_id=rec_id,
            action="confirm",
            after={
                "org_id": org_id,
                "period_end": period.end,
                "as_of": as_of,
                "members": len(members),
                "resolved": resolved,
            },
        )
        done = await store.confirmation(tx, org_id, period.end)
    assert done is not None
    return done


# -- the official list -------------------------------------------------------------------------


class ListInvalid(InvalidInput):
    """The official list was refused; `problems` lists what is wrong (the message: the first)."""

    def __init__(self, problems: list[Msg]) -> None:
        super().__init__(problems[0])
        self.problems = problems


@dataclass(frozen=True)
class OfficialRow:
    number: int
    cell: str  # as written in the file
    entry: RosterEntry


_CELL_KEYS = {roster_io.key(h) for h in CELL_HEADERS}


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_line(str(value)) if value is not None else ""


def cell_column(data: bytes, filename: str) -> dict[int, str]:
    """Row number → the cell named in the row; ListInvalid without such a column."""
    column: int | None = None
    out: dict[int, str] = {}
    for number, values in roster_io.grid(data, filename):
        if column is None:
            keys = [roster_io.key(v) if v not in (None, "") else "" for v in values]
            found = [i for i, k in enumerate(keys) if k in _CELL_KEYS]
            if found and any(roster_io.HEADER_KEYS.get(k) == "full_name" for k in keys):
                column = found[0]
            continue
        if column < len(values) and (text := _text(values[column])):
            out[number] = text
    if column is None:
        raise ListInvalid([Msg(_NO_CELL_COLUMN)])
    return out


def read_official(data: bytes, filename: str, today: date) -> list[OfficialRow]:
    """The rows of an official list (the roster template + a cell column); ListInvalid with
    every problem found (nothing is compared or stored then)."""
    table = roster_io.read_table(data, filename)
    cells = cell_column(data, filename)
    rows: list[OfficialRow] = []
    problems: list[Msg] = []
    for raw in table.rows:
        parsed = roster_io.parse_row(raw, today)
        problems.extend(Msg(_ROW, {"row": raw.number, "problem": p}) for p in parsed.errors)
        cell = cells.get(raw.number, "")
        if not cell:
            problems.append(Msg(_ROW, {"row": raw.number, "problem": Msg(_NO_CELL)}))
        v = parsed.values
        rows.append(
            OfficialRow(
                raw.number,
                cell,
                RosterEntry(
                    ref=raw.number,
                    full_name=v.get("full_name", ""),
                    birth_date=v.get("birth_date"),
                    card_no=v.get("card_no"),
                    cccd=v.get("cccd"),
                    decision_date=v.get("decision_date"),
                    official_date=v.get("official_date"),
                    status=v.get("status"),
                ),
            )
        )
    if problems:
        raise ListInvalid(problems[:MAX_PROBLEMS])
    return rows


@dataclass(frozen=True)
class CellResult:
    cell: CellRow
    official_rows: int
    discrepancies: list[NewDiscrepancy]


@dataclass(frozen=True)
class ImportResult:
    list_id: int
    root: Org
    period: Period
    rows: int
    cells: list[CellResult]  # every cell of the subtree

    @property
    def discrepancies(self) -> list[tuple[CellRow, NewDiscrepancy]]:
        return [(c.cell, d) for c in self.cells for d in c.discrepancies]


def _value(v: object) -> str | None:
    if v is None:
        return None
    return v.isoformat() if isinstance(v, date) else str(v)


def _stored(cell_id: int, d: Discrepancy) -> NewDiscrepancy:
    person = d.cell or d.official
    assert person is not None
    return NewDiscrepancy(
        org_id=cell_id,
        kind=d.kind,
        member_id=int(d.cell.ref) if d.cell else None,
        official_row=int(d.official.ref) if d.official else None,
        full_name=person.full_name,
        field=d.field,
        cell_value=_value(d.cell_value),
        official_value=_value(d.official_value),
    )


def _entry(m: RosterMember) -> RosterEntry:
    return RosterEntry(
        ref=m.id,
        full_name=m.full_name,
        birth_date=m.birth_date,
        card_no=m.card_no,
        cccd=m.cccd,
        decision_date=m.decision_date,
        official_date=m.official_date,
        status=m.status,
    )


def _relevant(d: Discrepancy) -> bool:
    """Former members (or rows of former members) missing on the other side are no news."""
    if d.kind == "missing_in_official":
        return d.cell is not None and d.cell.status in ACTIVE
    if d.kind == "missing_in_cell":
        return d.official is not None and (d.official.status or "official") in ACTIVE
    return True


def compare(
    ctx: AppContext,
    cells: list[CellRow],
    roster: list[RosterMember],
    rows: list[OfficialRow],
    by_cell: dict[int, int],
    on: date,
) -> list[CellResult]:
    """Each cell's roster (members listed on `on`) against its rows of the official list."""
    members: dict[int, list[RosterEntry]] = {}
    for m in roster:
        if m.status is not None:
            members.setdefault(m.org_id, []).append(_entry(m))
    official: dict[int, list[RosterEntry]] = {}
    for r in rows:
        official.setdefault(by_cell[r.number], []).append(r.entry)
    out = []
    for c in cells:
        result = reconcile(members.get(c.id, []), official.get(c.id, []), on, ctx.catalogue)
        found = [_stored(c.id, d) for d in result.discrepancies if _relevant(d)]
        out.append(CellResult(c, len(official.get(c.id, [])), found))
    return out


def _cell_index(cells: list[CellRow]) -> dict[str, int | None]:
    """Code or folded name → cell id (None when two cells share a name)."""
    index: dict[str, int | None] = {}
    for c in cells:
        index[c.code.casefold()] = c.id
    for c in cells:
        k = roster_io.key(c.name)
        if k not in index:
            index[k] = c.id
        elif index[k] != c.id and k != c.code.casefold():
            index[k] = None
    return index


async def import_official(
    ctx: AppContext,
    actor: Actor,
    *,
    period: Period,
    data: bytes,
    filename: str,
    code: str | None = None,
    org_id: int | None = None,
) -> ImportResult:
    """Compare the official list of a subtree with its cells' rosters and store the result."""
    root = await officer_root(ctx, actor, code=code, org_id=org_id)
    # parsing a big file takes seconds: off the event loop, so nobody else waits
    rows = await asyncio.to_thread(read_official, data, filename, ctx.today())
    on = min(ctx.today(), period.end)
    async with ctx.db.read() as tx:
        cells = await reports.cells(tx, root.id)
        roster = await store.subtree_roster_on(tx, root.id, on)
    index = _cell_index(cells)
    by_cell: dict[int, int] = {}
    refused: list[OfficialRow] = []
    for r in rows:
        cid = index.get(r.cell.casefold()) or index.get(roster_io.key(r.cell))
        if cid is None:
            refused.append(r)
        else:
            by_cell[r.number] = cid
    if refused:
        async with ctx.db.transaction() as tx:
            await audit.record(
                tx,
                at=ctx.now(),
                actor=actor,
                entity="access",
                entity_id=root.code,
                action="denied",
                after={"wanted": "official list", "cells": sorted({r.cell for r in refused})},
            )
        raise ListInvalid(
            [
                Msg(
                    _ROW,
                    {"row": r.number, "problem": Msg(_OUTSIDE, {"cell": r.cell, "org": root.name})},
                )
                for r in refused
            ][:MAX_PROBLEMS]
        )
    results = compare(ctx, cells, roster, rows, by_cell, period.end)
    found = [d for c in results for d in c.discrepancies]
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        list_id = await store.insert_list(
            tx,
            org_id=root.id,
            period_end=period.end,
            filename=filename,
            row_count=len(rows),
            actor=actor,
            at=now,
        )
        await store.resolve_open(
            tx, [c.id for c in cells], period.end, by=f"list:{list_id}", at=now
        )
        await store.insert_discrepancies(tx, list_id, period.end, found)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="official_list",
            entity_id=list_id,
            action="import",
            after={
                "org": root.code,
                "period_end": period.end,
                "file": filename,
                "rows": len(rows),
                "discrepancies": len(found),
            },
        )
    return ImportResult(list_id, root, period, len(rows), results)
