"""One computation of the officers' daily figures, reused by /status and /overdue.

For a day, the plan holds per cell: members on the roll by status, candidates being considered,
the latest regular meeting, a thematic meeting this quarter, the reconciliation status of the
active period and the overdue items (the reminder engine's `overdue`/`escalation` reminders).
/status and /overdue of any subtree add up these per-cell figures instead of querying the
whole subtree again.

The plan is built once per day, in a worker thread on its own connection (`usecases.offload`),
and kept up to date cell by cell: `storage.changes` records which cells' records the bot's
connection changed, and only those cells are computed again (in the reader's snapshot, so the
figures are those of the full computation; `tests/usecases/test_daily_plan.py` compares both
on a random province). A change that cannot be placed in a cell (the organisation tree, a
committee-wide campaign, a write by another process) rebuilds the whole plan.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from weakref import WeakKeyDictionary

from chibo.rules.candidate_steps import next_step
from chibo.rules.dates import quarter_bounds, quarter_of
from chibo.rules.reconciliation import Period, period_containing, previous_period
from chibo.rules.reminders import Reminder, due_reminders
from chibo.storage import candidates as candidate_store
from chibo.storage import changes, reminder_state
from chibo.storage import reports as store
from chibo.storage.db import Database, Tx
from chibo.storage.reports import CellRow, OrgRow
from chibo.usecases import offload
from chibo.usecases.context import AppContext

#: Reminder severities that count as overdue: a deadline has passed.
OVERDUE_SEVERITIES = ("overdue", "escalation")
#: More changed cells than this since the last look: build the whole plan again.
MAX_INCREMENTAL = 200


def active_period(ctx: AppContext, today: date) -> Period:
    """The reconciliation period cells work on: the current one from its asking day
    (`reconciliation.ask_from_day` of its last month), the previous one before that."""
    current = period_containing(today, ctx.catalogue)
    day = ctx.catalogue.get_int("reconciliation.ask_from_day", current.end)
    ask_on = current.end.replace(day=min(max(day, 1), current.end.day))
    return current if today >= ask_on else previous_period(current, ctx.catalogue)


async def candidates_by_cell(
    tx: Tx, root_id: int, cell_ids: list[int], on: date
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Per cell: candidates being considered (active, listed by `on`) by their next step, and
    in all; counted as `usecases.candidates.admissions_overview` counts them."""
    grassroots = await store.under_grassroots(tx, root_id)
    stages: dict[int, dict[str, int]] = {}
    totals: dict[int, int] = {}
    for c in await candidate_store.of_orgs(tx, cell_ids, ["active"]):
        if c.tracked_since > on:
            continue
        totals[c.org_id] = totals.get(c.org_id, 0) + 1
        step = next_step(c.case(grassroots.get(c.org_id, False)))
        if step is not None:
            per = stages.setdefault(c.org_id, {})
            per[step.code] = per.get(step.code, 0) + 1
    return stages, totals


async def overdue_items(ctx: AppContext, tx: Tx, cell_ids: list[int], on: date) -> list[Reminder]:
    state = await reminder_state.load(tx, cell_ids, today=on, catalogue=ctx.catalogue)
    due = due_reminders(state, on, ctx.calendar, ctx.catalogue)
    return [r for r in due if r.severity in OVERDUE_SEVERITIES]


@dataclass(frozen=True)
class CellFigures:
    official: int
    probationary: int
    exempt: int
    candidates: int
    last_regular: date | None
    thematic: bool  # a thematic meeting this quarter, up to the day
    reconciliation: str  # the status for the active period
    overdue: tuple[Reminder, ...]  # by (due date, key)


@dataclass(frozen=True)
class Tree:
    """A subtree's organisations: the root's children and every cell under them."""

    children: list[OrgRow]
    cells: list[CellRow]
    cell_to_child: dict[int, int]


@dataclass
class Plan:
    day: date
    mark: changes.Mark
    cells: dict[int, CellFigures]
    trees: dict[int, Tree] = field(default_factory=dict)
    builds: int = 1  # full computations (for the tests)


async def compute(ctx: AppContext, tx: Tx, roots: list[int], day: date) -> dict[int, CellFigures]:
    """The figures of every cell under `roots` (a cell may be its own root)."""
    quarter_start = quarter_bounds(day.year, quarter_of(day))[0]
    period_end = active_period(ctx, day).end
    out: dict[int, CellFigures] = {}
    for root in roots:
        cell_ids = list(await store.cell_to_child(tx, root))
        if not cell_ids:
            continue
        members = await store.member_counts(tx, root, day, by="cell")
        meetings = await store.meeting_summary(tx, root, day, quarter_start, by="cell")
        recon = await store.reconciliation_counts(tx, root, period_end, by="cell")
        _stages, candidates = await candidates_by_cell(tx, root, cell_ids, day)
        overdue: dict[int, list[Reminder]] = {}
        for r in sorted(
            await overdue_items(ctx, tx, cell_ids, day), key=lambda r: (r.due_date, r.key)
        ):
            overdue.setdefault(r.org_id, []).append(r)
        for cell in cell_ids:
            m, g = members.get(cell, {}), meetings.get(cell)
            out[cell] = CellFigures(
                m.get("official", 0),
                m.get("probationary", 0),
                m.get("exempt", 0),
                candidates.get(cell, 0),
                g.oldest_last_regular if g else None,
                bool(g and g.cells_with_thematic),
                next((s for s, n in recon.get(cell, {}).items() if n), "not_confirmed"),
                tuple(overdue.get(cell, ())),
            )
    return out


_PLANS: WeakKeyDictionary[Database, Plan] = WeakKeyDictionary()
_LOCKS: WeakKeyDictionary[Database, asyncio.Lock] = WeakKeyDictionary()


async def _build(ctx: AppContext, day: date) -> Plan:
    async with ctx.db.read(change_log=True) as tx:
        start = await changes.mark(tx)  # before the worker's snapshot: later changes count

    async def everything(worker: AppContext) -> dict[int, CellFigures]:
        async with worker.db.read() as wtx:
            return await compute(worker, wtx, await store.top_ids(wtx), day)

    return Plan(day, start, await offload.run(ctx, everything))


async def plan(ctx: AppContext, day: date, *, rebuild: bool = False) -> Plan:
    """The day's figures, brought up to date with the changes since they were computed."""
    lock = _LOCKS.setdefault(ctx.db, asyncio.Lock())
    async with lock:
        current = _PLANS.get(ctx.db)
        if current is not None and current.day == day and not rebuild:
            async with ctx.db.read(change_log=True) as tx:  # the log, and figures as of it
                now, changed = await changes.since(tx, current.mark)
                if (
                    changed is not None
                    and len(changed) <= MAX_INCREMENTAL
                    and changed <= current.cells.keys()
                ):
                    if changed:
                        current.cells.update(await compute(ctx, tx, sorted(changed), day))
                    current.mark = now
                    return current
        builds = current.builds + 1 if current is not None else 1
        fresh = await _build(ctx, day)
        fresh.builds = builds
        _PLANS[ctx.db] = fresh
        return fresh


async def tree(ctx: AppContext, p: Plan, root_id: int) -> Tree:
    """The subtree of `root_id` (kept with the plan: a change of organisations rebuilds it)."""
    found = p.trees.get(root_id)
    if found is None:
        async with ctx.db.read() as tx:
            found = Tree(
                await store.children(tx, root_id),
                await store.cells(tx, root_id),
                await store.cell_to_child(tx, root_id),
            )
        p.trees[root_id] = found
    return found


def forget(db: Database) -> None:
    """Drop the plan kept for `db` (the next look computes everything again)."""
    _PLANS.pop(db, None)


async def warm(ctx: AppContext) -> Plan:
    """Compute today's plan before anybody asks (at start-up and just after local midnight),
    so the day's first /status or /overdue is answered from it; a look that arrives meanwhile
    waits for this computation instead of starting its own."""
    return await plan(ctx, ctx.today())


def current(db: Database) -> Plan | None:
    """The plan kept for `db`, if any (for the tests and the benchmark)."""
    return _PLANS.get(db)
