"""Officers' numbers over their subtree: /status, /overdue and the data of /report.

Every number comes from `storage.reports` (set-based queries over the subtree) or, for overdue
items, from the reminder engine (`rules.reminders.due_reminders` over
`storage.reminder_state`): the chat, the XLSX, the chart and the CLI only render what these
functions return.

Access: a Telegram user must be an officer, and may look at their committee's subtree only;
the CLI (`actor="cli"`) may look at any organisation. Refusals are audited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from chibo.rules.candidate_steps import PIPELINE, yearly_target
from chibo.rules.dates import add_months, month_end, period_bounds, quarter_of
from chibo.rules.messages import N_, Msg
from chibo.rules.probation import probation_end
from chibo.rules.reconciliation import Period
from chibo.rules.reminders import Reminder
from chibo.rules.text import echo
from chibo.storage import orgs as org_store
from chibo.storage import reports as store
from chibo.storage import users as user_store
from chibo.storage.db import Tx
from chibo.storage.orgs import Org
from chibo.storage.reports import CellRow, DiscrepancyRow, OrgRow, ProbationRow, ReconciliationRow
from chibo.usecases import access, daily_plan, offload
from chibo.usecases.access import DENIED
from chibo.usecases.context import AppContext
from chibo.usecases.daily_plan import OVERDUE_SEVERITIES as OVERDUE_SEVERITIES
from chibo.usecases.daily_plan import active_period as active_period
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound

Actor = str | int
RECONCILIATION_STATUSES = ("not_confirmed", "confirmed", "discrepancies", "resolved")

OFFICERS_ONLY = Msg(
    N_("This is for committee officers: it shows the organisations under their committee.")
)
_NO_ORG = N_("No organisation has the code {code}.")
_REPORT_PERIOD = re.compile(r"\d{4}(-\d{2})?")
_BAD_PERIOD = N_("“{value}” is not a period: write a year (2026) or a month (2026-11).")


# -- access ------------------------------------------------------------------------------------


async def _deny(ctx: AppContext, actor: Actor, target: object, msg: Msg) -> AccessDenied:
    return await access.deny(ctx, actor, "officer", target, msg)


async def officer_orgs(ctx: AppContext, user_id: int) -> list[Org]:
    """The organisations the user is an officer of."""
    async with ctx.db.read() as tx:
        grants = await user_store.roles_of(tx, user_id)
        found = [await org_store.by_id(tx, g.org_id) for g in grants if g.role == "officer"]
    return [o for o in found if o is not None]


async def _covers(tx: Tx, officer_ids: set[int], org: Org) -> bool:
    if org.id in officer_ids:
        return True
    return bool(officer_ids & set(await org_store.ancestor_ids(tx, org.id)))


async def officer_root(
    ctx: AppContext, actor: Actor, *, code: str | None = None, org_id: int | None = None
) -> Org:
    """The organisation to look at: `code` / `org_id` when it is in the actor's officer
    subtree, else the actor's own committee (the first, when they have several)."""
    target = code if code is not None else org_id
    async with ctx.db.read() as tx:
        org = (
            await org_store.by_code(tx, code)
            if code is not None
            else await org_store.by_id(tx, org_id)
            if org_id is not None
            else None
        )
        if isinstance(actor, str):
            if org is None:
                raise NotFound(Msg(_NO_ORG, {"code": target}))
            return org
        officer_ids = [
            g.org_id for g in await user_store.roles_of(tx, actor) if g.role == "officer"
        ]
        if officer_ids and target is None:
            org = await org_store.by_id(tx, officer_ids[0])
        allowed = org is not None and await _covers(tx, set(officer_ids), org)
    if not officer_ids:
        raise await _deny(ctx, actor, target, OFFICERS_ONLY)
    if not allowed or org is None:
        raise await _deny(ctx, actor, target, DENIED)
    return org


# -- periods -----------------------------------------------------------------------------------


def report_bounds(text: str | None, today: date) -> tuple[date, date]:
    """`YYYY` or `YYYY-MM` (default: this year) as its first and last day."""
    value = (text or str(today.year)).strip()
    if not _REPORT_PERIOD.fullmatch(value):
        raise InvalidInput(Msg(_BAD_PERIOD, {"value": echo(value)}))
    try:
        return period_bounds(value)
    except ValueError:
        raise InvalidInput(Msg(_BAD_PERIOD, {"value": echo(value)})) from None


# -- /status -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One organisation's numbers (a committee's summed over its cells)."""

    org: OrgRow
    official: int = 0
    probationary: int = 0
    exempt: int = 0
    candidates: int = 0
    cells_with_regular: int = 0
    oldest_last_regular: date | None = None  # a cell: its latest regular meeting
    cells_with_thematic: int = 0
    reconciliation: Mapping[str, int] = field(default_factory=dict)  # cells per status
    overdue: int = 0

    @property
    def members(self) -> int:
        return self.official + self.probationary + self.exempt

    @property
    def last_regular(self) -> date | None:
        """The latest regular meeting every cell has reached (None: some cell has none)."""
        return self.oldest_last_regular if self.cells_with_regular == self.org.cells else None

    @property
    def reconciliation_status(self) -> str | None:
        """A cell's own status (None for a committee)."""
        if self.org.kind != "cell":
            return None
        return next((s for s, n in self.reconciliation.items() if n), "not_confirmed")

    def as_json(self) -> dict[str, object]:
        last = self.last_regular
        out: dict[str, object] = {
            "code": self.org.code,
            "name": self.org.name,
            "kind": self.org.kind,
            "cells": self.org.cells,
            "members": self.members,
            "official": self.official,
            "probationary": self.probationary,
            "exempt": self.exempt,
            "candidates": self.candidates,
            "last_regular_month": last.strftime("%Y-%m") if last else None,
            "cells_with_regular": self.cells_with_regular,
            "thematic_this_quarter": self.cells_with_thematic,
            "reconciliation": {s: self.reconciliation.get(s, 0) for s in RECONCILIATION_STATUSES},
            "overdue": self.overdue,
        }
        if self.org.kind == "cell":
            out["reconciliation_status"] = self.reconciliation_status
        return out


@dataclass(frozen=True)
class StatusView:
    root: Org
    on: date
    quarter: tuple[int, int]
    period: Period
    lines: list[Line]
    total: Line
    parent_id: int | None  # the organisation above, when the user may look at it too


def _sum(root: OrgRow, lines: list[Line]) -> Line:
    lasts = [x.oldest_last_regular for x in lines if x.oldest_last_regular is not None]
    recon: dict[str, int] = {}
    for x in lines:
        for s, n in x.reconciliation.items():
            recon[s] = recon.get(s, 0) + n
    return Line(
        root,
        sum(x.official for x in lines),
        sum(x.probationary for x in lines),
        sum(x.exempt for x in lines),
        sum(x.candidates for x in lines),
        sum(x.cells_with_regular for x in lines),
        min(lasts, default=None),
        sum(x.cells_with_thematic for x in lines),
        recon,
        sum(x.overdue for x in lines),
    )


async def status(
    ctx: AppContext,
    actor: Actor,
    *,
    code: str | None = None,
    org_id: int | None = None,
    on: date | None = None,
) -> StatusView:
    """One line per organisation directly below the root (or the cell itself), added up from
    the day's per-cell figures (`usecases.daily_plan`)."""
    root = await officer_root(ctx, actor, code=code, org_id=org_id)
    day = on or ctx.today()
    q = (day.year, quarter_of(day))
    period = active_period(ctx, day)
    plan, sub = await _figures(ctx, root.id, day)
    async with ctx.db.read() as tx:
        parent_id = await _visible_parent(ctx, tx, actor, root)
    per_child: dict[int, list[daily_plan.CellFigures]] = {}
    for cell, child in sub.cell_to_child.items():
        per_child.setdefault(child, []).append(plan.cells[cell])
    lines = [_line(row, per_child.get(row.id, [])) for row in sub.children]
    root_row = OrgRow(
        root.id, root.code, root.name, root.kind, root.parent_id, sum(x.org.cells for x in lines)
    )
    total = lines[0] if root.is_cell and lines else _sum(root_row, lines)
    return StatusView(root, day, q, period, lines, total, parent_id)


async def _figures(
    ctx: AppContext, root_id: int, day: date
) -> tuple[daily_plan.Plan, daily_plan.Tree]:
    """The day's plan and the subtree (built again when the subtree has a cell the plan has
    not seen: organisations changed in between)."""
    plan = await daily_plan.plan(ctx, day)
    sub = await daily_plan.tree(ctx, plan, root_id)
    if not sub.cell_to_child.keys() <= plan.cells.keys():
        plan = await daily_plan.plan(ctx, day, rebuild=True)
        sub = await daily_plan.tree(ctx, plan, root_id)
    return plan, sub


def _line(row: OrgRow, cells: list[daily_plan.CellFigures]) -> Line:
    lasts = [c.last_regular for c in cells if c.last_regular is not None]
    recon: dict[str, int] = {}
    for c in cells:
        recon[c.reconciliation] = recon.get(c.reconciliation, 0) + 1
    return Line(
        row,
        sum(c.official for c in cells),
        sum(c.probationary for c in cells),
        sum(c.exempt for c in cells),
        sum(c.candidates for c in cells),
        len(lasts),
        min(lasts, default=None),
        sum(1 for c in cells if c.thematic),
        recon,
        sum(len(c.overdue) for c in cells),
    )


async def _visible_parent(ctx: AppContext, tx: Tx, actor: Actor, root: Org) -> int | None:
    if root.parent_id is None:
        return None
    if isinstance(actor, str):
        return root.parent_id
    officer_ids = {g.org_id for g in await user_store.roles_of(tx, actor) if g.role == "officer"}
    parent = await org_store.by_id(tx, root.parent_id)
    return parent.id if parent is not None and await _covers(tx, officer_ids, parent) else None


# -- /overdue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueGroup:
    cell: CellRow
    items: list[Reminder]  # oldest first


@dataclass(frozen=True)
class OverdueView:
    root: Org
    on: date
    groups: list[OverdueGroup]  # the cell with the oldest item first

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups)


async def overdue(
    ctx: AppContext, actor: Actor, *, code: str | None = None, on: date | None = None
) -> OverdueView:
    """Every overdue item in the subtree, grouped by cell, oldest first."""
    root = await officer_root(ctx, actor, code=code)
    day = on or ctx.today()
    plan, sub = await _figures(ctx, root.id, day)
    groups = [OverdueGroup(c, list(plan.cells[c.id].overdue)) for c in sub.cells]
    groups = [g for g in groups if g.items]
    groups.sort(key=lambda g: (g.items[0].due_date, g.cell.code))
    return OverdueView(root, day, groups)


# -- /report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellNumbers:
    cell: CellRow
    months: dict[str, int]  # YYYY-MM -> meetings of any kind held
    regular_month_keys: frozenset[str]  # months (YYYY-MM) with a regular meeting
    thematic: int  # thematic meetings in the report's period
    official: int
    probationary: int
    exempt: int
    admitted: int  # admissions decided in the report's period (up to as_of)
    candidates: Mapping[str, int]  # active candidates by next step (PIPELINE codes)
    candidates_total: int
    reconciliation: ReconciliationRow | None

    @property
    def members(self) -> int:
        return self.official + self.probationary + self.exempt

    @property
    def regular_months(self) -> int:
        return len(self.regular_month_keys)


@dataclass(frozen=True)
class ProbationLine:
    row: ProbationRow
    end: date | None  # end of probation (P1)


@dataclass(frozen=True)
class Target:
    """Progress of one organisation (a child of the root, or the root) on the plans' targets."""

    org: OrgRow
    members_at_start: int  # members on the roll on 1 January
    admissions_min: int  # yearly admissions target (3%, rounded up)
    admissions_max: int  # (4%; rules.candidate_steps.yearly_target)
    admitted: int  # admissions decided from 1 January to as_of
    cells: int
    cells_every_month: int  # cells with a regular meeting in every month counted
    months_counted: int

    @property
    def admitted_ratio(self) -> float | None:
        return self.admitted / self.members_at_start if self.members_at_start else None

    @property
    def meetings_ratio(self) -> float | None:
        return self.cells_every_month / self.cells if self.cells else None


@dataclass(frozen=True)
class Report:
    root: Org
    start: date
    end: date
    as_of: date  # the last day counted: the period's end, or today
    months: list[str]  # YYYY-MM, start to as_of
    counted_months: list[str]  # months for "every monthly meeting" (ended by as_of)
    children: list[OrgRow]
    cells: list[CellNumbers]
    probation: list[ProbationLine]
    candidate_stages: list[str]
    period: Period  # the reconciliation period shown
    discrepancies: list[DiscrepancyRow]
    targets: list[Target]  # one per child, then the root
    target_ratio: tuple[Fraction, Fraction]  # admissions a year, share of members


def _months(start: date, end: date) -> list[date]:
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(d)
        d = add_months(d, 1)
    return out


async def report(
    ctx: AppContext, actor: Actor, *, code: str | None = None, period: str | None = None
) -> Report:
    """The numbers of the XLSX workbook and the chart for `period` (YYYY or YYYY-MM),
    read on a worker thread's own connection (`usecases.offload`): a province takes a second
    and the bot goes on answering others meanwhile."""
    root = await officer_root(ctx, actor, code=code)
    report_bounds(period, ctx.today())  # a bad period is refused before any work
    return await offload.run(ctx, lambda worker: _report(worker, root, period))


async def _report(ctx: AppContext, root: Org, period: str | None) -> Report:
    today = ctx.today()
    start, end = report_bounds(period, today)
    as_of = min(end, today)
    if as_of < start:
        as_of = start
    months = _months(start, as_of)
    counted = [m for m in months if month_end(m) <= as_of] or months
    year_start = date(as_of.year, 1, 1)
    recon_period = active_period(ctx, as_of)
    async with ctx.db.read() as tx:
        children = await store.children(tx, root.id)
        cells = await store.cells(tx, root.id)
        meetings = await store.monthly_meetings(tx, root.id, start, as_of)
        members = await store.member_counts(tx, root.id, as_of, by="cell")
        admitted = await store.admissions(tx, root.id, start, as_of, by="cell")
        cand, cand_total = await daily_plan.candidates_by_cell(
            tx, root.id, [c.id for c in cells], as_of
        )
        recon = {
            r.cell_id: r for r in await store.reconciliation_rows(tx, root.id, recon_period.end)
        }
        discrepancies = await store.discrepancy_rows(tx, root.id, recon_period.end)
        probation = await store.probation(tx, root.id, as_of)
        at_start = await store.roll_at_start(tx, root.id, year_start, by="cell")
        admitted_year = await store.admissions(tx, root.id, year_start, as_of, by="cell")
    keys = [m.strftime("%Y-%m") for m in months]
    counted_keys = {m.strftime("%Y-%m") for m in counted}
    numbers = []
    for c in cells:
        held = meetings.get(c.id, {})
        m = members.get(c.id, {})
        numbers.append(
            CellNumbers(
                c,
                {k: sum(n for (mk, _), n in held.items() if mk == k) for k in keys},
                frozenset(mk for (mk, kind) in held if kind == "regular"),
                sum(n for (_, kind), n in held.items() if kind == "thematic"),
                m.get("official", 0),
                m.get("probationary", 0),
                m.get("exempt", 0),
                admitted.get(c.id, 0),
                cand.get(c.id, {}),
                cand_total.get(c.id, 0),
                recon.get(c.id),
            )
        )
    every = {c.cell.id for c in numbers if counted_keys <= c.regular_month_keys}
    ratio = yearly_target(0, as_of.year, ctx.catalogue)
    targets = []
    whole = OrgRow(root.id, root.code, root.name, root.kind, root.parent_id, len(cells))
    for org in [whole] if root.is_cell else [*children, whole]:
        ids = [c.id for c in cells if org.id in (c.child_id, root.id)]
        base = sum(at_start.get(i, 0) for i in ids)
        goal = yearly_target(base, as_of.year, ctx.catalogue)
        targets.append(
            Target(
                org,
                base,
                goal.minimum,
                goal.maximum,
                sum(admitted_year.get(i, 0) for i in ids),
                len(ids),
                sum(1 for i in ids if i in every),
                len(counted),
            )
        )
    order = {c.id: i for i, c in enumerate(cells)}
    lines = [
        ProbationLine(p, probation_end(p.ceremony_date, ctx.catalogue) if p.ceremony_date else None)
        for p in sorted(probation, key=lambda p: order.get(p.cell_id, 0))
    ]
    return Report(
        root,
        start,
        end,
        as_of,
        keys,
        sorted(counted_keys),
        children,
        numbers,
        lines,
        [s.code for s in PIPELINE],
        recon_period,
        discrepancies,
        targets,
        (ratio.ratio_min, ratio.ratio_max),
    )


def file_stem(view: Report) -> str:
    """A file name for the report: bao-cao_<code>_<period>."""
    period = (
        view.start.strftime("%Y")
        if view.end - view.start > timedelta(days=31)
        else view.start.strftime("%Y-%m")
    )
    return f"bao-cao_{view.root.code}_{period}"
