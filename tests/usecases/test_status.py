"""Officers' numbers (usecases.status over storage.reports): /status lines, scope, /overdue.

`build_world` is shared with the reconciliation, report and end-to-end tests: a small tree
whose every number is known from the rows it creates (`WORLD_*` below).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from chibo.bot.cli import build_parser
from chibo.storage import audit
from chibo.storage import orgs as org_store
from chibo.storage.candidates import Details
from chibo.storage.meetings import MeetingFields
from chibo.storage.members import MemberFields
from chibo.usecases import candidates as candidates_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import roster as roster_uc
from chibo.usecases import status as uc
from chibo.usecases.access import DENIED
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree

#: 10:00 in Hà Nội on Sunday 20/12/2026: the half-year reconciliation (period ending 31/12)
#: is being asked for since the 15th.
NOW = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 20)
#: When the tree was set up (so last half-year's reminders apply too).
SETUP = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    cell: str
    name: str
    birth: date
    status: str = "official"
    card: str | None = None
    cccd: str | None = None
    decision: date | None = None
    ceremony: date | None = None
    since: date | None = None  # status date
    later: tuple[tuple[str, date], ...] = ()  # status changes after creation


PEOPLE = (
    Person(
        "C1",
        "Nguyễn Văn An",
        date(1980, 1, 2),
        card="100001",
        cccd="001080000001",
        decision=date(2000, 3, 2),
        since=date(2001, 3, 2),
    ),
    Person(
        "C1",
        "Trần Thị Bình",
        date(1995, 5, 6),
        "probationary",
        card=None,
        cccd="001195000002",
        decision=date(2026, 8, 1),
        ceremony=date(2026, 8, 10),
    ),
    Person(
        "C1",
        "Lê Văn Cường",
        date(1970, 7, 8),
        card="100003",
        decision=date(1995, 1, 1),
        since=date(1996, 1, 1),
        later=(("transferred_out", date(2026, 9, 1)),),
    ),
    Person(
        "C1",
        "Phạm Văn Dũng",
        date(1950, 9, 10),
        card="100004",
        decision=date(1975, 5, 1),
        since=date(1976, 5, 1),
        later=(("exempt", date(2026, 11, 1)),),
    ),
    Person(
        "C2",
        "Hoàng Thị Hà",
        date(1985, 3, 4),
        card="200001",
        decision=date(2010, 2, 3),
        since=date(2011, 2, 3),
    ),
    Person(
        "C2",
        "Vũ Văn Hùng",
        date(1988, 4, 5),
        card="200002",
        decision=date(2025, 12, 1),
        ceremony=date(2025, 12, 20),
        status="probationary",
    ),
    Person(
        "D1",
        "Đặng Văn Long",
        date(1975, 6, 7),
        card="300001",
        decision=date(2005, 1, 1),
        since=date(2006, 1, 1),
    ),
)
#: (cell, date, kind)
MEETINGS = (
    ("C1", date(2026, 10, 6), "regular"),
    ("C1", date(2026, 11, 5), "regular"),
    ("C1", date(2026, 11, 15), "thematic"),
    ("C1", date(2026, 12, 4), "regular"),
    ("C2", date(2026, 10, 8), "regular"),
    ("C2", date(2026, 12, 3), "regular"),
    ("D1", date(2026, 1, 9), "regular"),
)
#: (cell, name, tracked since)
CANDIDATES = (
    ("C1", "Ngô Thị Mai", date(2026, 5, 1)),
    ("C1", "Đỗ Văn Nam", date(2026, 6, 1)),
    ("D1", "Bùi Thị Oanh", date(2026, 3, 1)),
)


async def org_id(ctx: AppContext, code: str) -> int:
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
    assert org is not None
    return org.id


async def build_world(ctx: AppContext, clock, *, bind_users: bool = True) -> dict[str, int]:
    """The demo tree set up on 5/1/2026, the people, meetings and candidates above; the clock
    ends at NOW. Returns member ids by name."""
    clock.set(SETUP)
    await demo_tree(ctx)
    clock.set(NOW)
    ids = {}
    for p in PEOPLE:
        m = await roster_uc.add_member(
            ctx,
            actor="cli",
            org_id=await org_id(ctx, p.cell),
            f=MemberFields(
                full_name=p.name,
                birth_date=p.birth,
                card_no=p.card,
                cccd=p.cccd,
                decision_date=p.decision,
                ceremony_date=p.ceremony,
                status=p.status,
                status_date=p.since,
            ),
        )
        for status, day in p.later:
            await roster_uc.change_status(
                ctx, actor="cli", member_id=m.id, status=status, status_date=day
            )
        ids[p.name] = m.id
    for cell, day, kind in MEETINGS:
        topic = "Học tập Nghị quyết" if kind == "thematic" else None
        await meetings_uc.record(
            ctx,
            actor="cli",
            org_id=await org_id(ctx, cell),
            inp=meetings_uc.MeetingInput(MeetingFields(day, kind, topic)),
        )
    for cell, name, since in CANDIDATES:
        await candidates_uc.register(
            ctx,
            actor="cli",
            org_id=await org_id(ctx, cell),
            details=Details(name, date(2000, 1, 1), "female", "youth_union"),
            tracked_since=since,
        )
    if bind_users:
        for tg_id, org, role in (
            (1001, "C1", "secretary"),
            (2001, "X", "officer"),
            (2002, "Y", "officer"),
            (3001, "P", "officer"),
        ):
            await bind(ctx, tg_id, org, role)
    return ids


@pytest.fixture
async def world(ctx, clock):
    await build_world(ctx, clock)
    return ctx


def expected_counts(cell: str, on: date = TODAY) -> dict[str, int]:
    """Members of a cell on the roll on `on`, by status, from PEOPLE (computed here)."""
    out: dict[str, int] = {}
    for p in PEOPLE:
        if p.cell != cell:
            continue
        status = p.status
        for s, day in p.later:
            if day <= on:
                status = s
        if status in ("official", "probationary", "exempt"):
            out[status] = out.get(status, 0) + 1
    return out


# -- /status -----------------------------------------------------------------------------------


async def test_status_lines_per_child_with_recursive_sums(world):
    view = await uc.status(world, 3001)
    assert view.root.code == "P" and view.on == TODAY
    assert view.period.end == date(2026, 12, 31) and view.quarter == (2026, 4)
    x, y = view.lines
    assert (x.org.code, x.org.cells, y.org.code, y.org.cells) == ("X", 2, "Y", 1)
    c1, c2 = expected_counts("C1"), expected_counts("C2")
    assert x.official == c1.get("official", 0) + c2.get("official", 0) == 2
    assert x.probationary == 2 and x.exempt == 1 and x.members == 5
    assert x.candidates == 2 and y.candidates == 1
    assert x.cells_with_regular == 2 and x.oldest_last_regular == date(2026, 12, 3)
    assert x.last_regular == date(2026, 12, 3)
    assert y.oldest_last_regular == date(2026, 1, 9)
    assert x.cells_with_thematic == 1 and y.cells_with_thematic == 0
    assert x.reconciliation == {"not_confirmed": 2}
    assert view.total.members == 6 and view.total.org.cells == 3
    assert view.parent_id is None


async def test_status_of_a_commune_and_of_a_cell(world):
    view = await uc.status(world, 2001, code="X")
    assert [line.org.code for line in view.lines] == ["C1", "C2"]
    c1 = view.lines[0]
    assert (c1.official, c1.probationary, c1.exempt) == (1, 1, 1)
    assert c1.reconciliation_status == "not_confirmed"
    assert c1.as_json()["last_regular_month"] == "2026-12"
    assert c1.as_json()["thematic_this_quarter"] == 1
    cell = await uc.status(world, 2001, org_id=await org_id(world, "C2"))
    assert cell.root.is_cell and [line.org.code for line in cell.lines] == ["C2"]
    assert cell.total == cell.lines[0]
    assert cell.parent_id == await org_id(world, "X")


async def test_status_as_of_an_earlier_date(world):
    view = await uc.status(world, "cli", code="X", on=date(2026, 10, 15))
    c1 = view.lines[0]
    # Cường had left (1/9), Dũng was not yet exempt (1/11)
    assert expected_counts("C1", date(2026, 10, 15)) == {"official": 2, "probationary": 1}
    assert (c1.official, c1.probationary, c1.exempt) == (2, 1, 0)
    assert c1.oldest_last_regular == date(2026, 10, 6) and c1.cells_with_thematic == 0
    assert view.period.end == date(2026, 6, 30)


async def test_candidates_and_targets_agree_with_the_admission_overview(world):
    overview = await candidates_uc.admissions_overview(
        world, actor="cli", org_id=await org_id(world, "P")
    )
    view = await uc.status(world, "cli", code="P")
    assert view.total.candidates == overview.active == 3
    report = await uc.report(world, "cli", code="P", period="2026")
    root = report.targets[-1]
    assert (root.members_at_start, root.admitted) == (overview.members_at_start, overview.admitted)
    assert (root.admissions_min, root.admissions_max) == (
        overview.target.minimum,
        overview.target.maximum,
    )
    stages: dict[str, int] = {}
    for c in report.cells:
        for code, n in c.candidates.items():
            stages[code] = stages.get(code, 0) + n
    assert stages == {k: v for k, v in overview.by_stage.items() if v}


# -- scope --------------------------------------------------------------------------------------


async def _denials(ctx: AppContext) -> list[audit.AuditEntry]:
    async with ctx.db.read() as tx:
        return [e for e in await audit.entries(tx, entity="access") if e.action == "denied"]


async def test_officer_sees_only_their_subtree_and_refusals_are_audited(world):
    assert (await uc.status(world, 2001)).root.code == "X"
    for kwargs in (
        {"code": "Y"},
        {"code": "P"},
        {"org_id": await org_id(world, "D1")},
        {"code": "NOPE"},
    ):
        with pytest.raises(AccessDenied) as err:
            await uc.status(world, 2001, **kwargs)
        assert err.value.msg == DENIED
    denials = await _denials(world)
    assert len(denials) == 4 and {d.actor for d in denials} == {"2001"}
    with pytest.raises(AccessDenied):
        await uc.overdue(world, 2002, code="C1")
    with pytest.raises(AccessDenied):
        await uc.report(world, 2002, code="X")


async def test_a_secretary_is_refused(world):
    with pytest.raises(AccessDenied) as err:
        await uc.status(world, 1001)
    assert err.value.msg == uc.OFFICERS_ONLY
    with pytest.raises(AccessDenied):
        await uc.status(world, 1001, code="C1")  # even their own cell: /status is for officers
    assert len(await _denials(world)) == 2


async def test_parent_shown_only_within_scope(world):
    assert (await uc.status(world, 2001, code="C1")).parent_id == await org_id(world, "X")
    assert (await uc.status(world, 2001, code="X")).parent_id is None
    assert (await uc.status(world, 3001, code="X")).parent_id == await org_id(world, "P")


# -- /overdue -----------------------------------------------------------------------------------

#: What the reminder engine says is overdue on TODAY: the first half-year's list was never
#: confirmed (escalated 15/7), no thematic meeting in Q3 (escalated 1/10), and no regular
#: meeting in November in C2 and D1 (escalated 5/12).
OVERDUE_TODAY = {
    "C1": [
        ("reconciliation.escalation", date(2026, 7, 15)),
        ("meeting.thematic.escalation", date(2026, 10, 1)),
    ],
    "C2": [
        ("reconciliation.escalation", date(2026, 7, 15)),
        ("meeting.thematic.escalation", date(2026, 10, 1)),
        ("meeting.missing.escalation", date(2026, 12, 5)),
    ],
    "D1": [
        ("reconciliation.escalation", date(2026, 7, 15)),
        ("meeting.thematic.escalation", date(2026, 10, 1)),
        ("meeting.missing.escalation", date(2026, 12, 5)),
    ],
}


async def test_overdue_today(world):
    view = await uc.overdue(world, 3001)
    assert {
        g.cell.code: [(r.kind, r.due_date) for r in g.items] for g in view.groups
    } == OVERDUE_TODAY
    assert [g.cell.code for g in view.groups] == ["C1", "C2", "D1"]
    x = await uc.overdue(world, 2001)
    assert [g.cell.code for g in x.groups] == ["C1", "C2"] and x.count == 5
    status = await uc.status(world, 3001)
    assert [line.overdue for line in status.lines] == [5, 3]


async def test_overdue_items_grouped_by_cell_oldest_first(world, clock):
    # Hùng's probation (ceremony 20/12/2025) ended on 20/12/2026; no resolution recorded.
    later = date(2027, 2, 10)
    clock.set(datetime(2027, 2, 10, 3, 0, tzinfo=UTC))
    view = await uc.overdue(world, 3001, on=later)
    assert view.count == sum(len(g.items) for g in view.groups) > 0
    for g in view.groups:
        assert [r.due_date for r in g.items] == sorted(r.due_date for r in g.items)
        assert all(r.severity in uc.OVERDUE_SEVERITIES for r in g.items)
    firsts = [g.items[0].due_date for g in view.groups]
    assert firsts == sorted(firsts)
    kinds = {(g.cell.code, r.kind) for g in view.groups for r in g.items}
    assert ("C2", "probation.overdue") in kinds
    # January 2027: no regular meeting anywhere -> escalated 5 days after the month
    assert {("C1", "meeting.missing.escalation"), ("D1", "meeting.missing.escalation")} <= kinds
    # the half-year list was not confirmed by 15/1/2027
    assert ("C1", "reconciliation.escalation") in kinds
    status = await uc.status(world, 3001, on=later)
    assert status.total.overdue == view.count


async def test_cli_status_json_one_object_per_child(world, capsys):
    args = build_parser().parse_args(["status", "--org", "X", "--date", "2026-12-20", "--json"])
    assert await args.func(args, world.config, translator("vi")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["code"] for r in rows] == ["C1", "C2"]
    assert rows[0] | {"reconciliation": None} == {
        "code": "C1",
        "name": "Chi bộ thôn 1",
        "kind": "cell",
        "cells": 1,
        "members": 3,
        "official": 1,
        "probationary": 1,
        "exempt": 1,
        "candidates": 2,
        "last_regular_month": "2026-12",
        "cells_with_regular": 1,
        "thematic_this_quarter": 1,
        "reconciliation": None,
        "overdue": 2,
        "reconciliation_status": "not_confirmed",
    }
    assert rows[0]["reconciliation"]["not_confirmed"] == 1


async def test_cli_overdue_text_names_the_kinds_and_dates(world, capsys):
    args = build_parser().parse_args(["overdue", "--org", "X", "--date", "2026-12-20"])
    assert await args.func(args, world.config, translator("vi")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and lines[-1].endswith("20/12/2026.")
    for line in lines[:-1]:
        assert re.match(r"\d\d/\d\d/\d{4}  C[12]  ", line), line
        assert ".escalation" not in line and "probation." not in line
