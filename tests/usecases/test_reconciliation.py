"""Reconciliation of the member list: the secretary's confirmation, the official list, the
statuses, and the reminders fed through storage.reminder_state."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from chibo.bot.cli import build_parser
from chibo.rules.reconciliation import RECONCILIATION_FAMILY
from chibo.rules.reminders import due_reminders
from chibo.storage import audit, reminder_state
from chibo.storage import reconciliation as store
from chibo.storage.reconciliation import RosterMember
from chibo.usecases import reconciliation as uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.errors import AccessDenied, InvalidInput
from chibo.usecases.i18n import translator

from .test_status import NOW, build_world, org_id


@pytest.fixture
async def world(ctx, clock):
    await build_world(ctx, clock)
    return ctx


def csv(
    *rows: str,
    header: str = "Họ và tên,Ngày sinh,Số thẻ đảng viên,Số CCCD,"
    "Ngày chính thức,Trạng thái,Mã chi bộ",
) -> bytes:
    return "\n".join((header, *rows)).encode("utf-8")


#: The official list of commune X (cells C1, C2) with one discrepancy of each kind in C1.
OFFICIAL_X = csv(
    # An: same card, another birth date -> mismatch
    "Nguyễn Văn An,03/01/1980,100001,001080000001,,Chính thức,C1",
    # Bình: matched by CCCD (no card in either list), the name lost a diacritic -> mismatch
    "Trần Thị Binh,06/05/1995,,001195000002,,Dự bị,C1",
    # Dũng: a typo in the name, no card or CCCD -> near match, not two people
    "Phạm Văn Dũnh,10/09/1950,,,,Miễn sinh hoạt,c1",
    # someone the cell does not have -> missing in the cell
    "Đinh Văn Phúc,01/01/1990,100009,,,Chính thức,Chi bộ thôn 1",
    # C2: Hà matches; Hùng (probationary) is missing from the official list
    "Hoàng Thị Hà,04/03/1985,200001,,,Chính thức,C2",
)


# -- periods ------------------------------------------------------------------------------------


async def test_periods(world, clock):
    assert uc.parse_period(world, "2026-H2").end == date(2026, 12, 31)
    assert uc.parse_period(world, "2026-h1").end == date(2026, 6, 30)
    assert uc.parse_period(world, "2026-06-30").start == date(2026, 1, 1)
    for bad in ("2026-11", "2026-06-29", "H2", ""):
        with pytest.raises(InvalidInput):
            uc.parse_period(world, bad)
    before, active = uc.open_periods(world, date(2026, 12, 14))
    assert (before.end, active.end) == (date(2025, 12, 31), date(2026, 6, 30))
    before, active = uc.open_periods(world, date(2026, 12, 15))
    assert (before.end, active.end) == (date(2026, 6, 30), date(2026, 12, 31))


# -- the secretary -------------------------------------------------------------------------------


async def test_cell_view_counts_list_and_changes(world):
    c1 = await org_id(world, "C1")
    view = await uc.cell_view(world, 1001, c1)
    assert view.period.end == date(2026, 12, 31) and view.as_of == date(2026, 12, 20)
    assert view.status == "not_confirmed" and view.confirmation is None
    assert [m.full_name for m in view.members] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Phạm Văn Dũng",
    ]
    assert view.counts == {"official": 1, "probationary": 1, "exempt": 1}
    assert view.since == date(2026, 6, 30)
    assert [(k, c.full_name) for k, c in view.changes] == [
        ("admitted", "Trần Thị Bình"),
        ("transferred_out", "Lê Văn Cường"),
        ("exempt", "Phạm Văn Dũng"),
    ]
    # the first half-year is still open and unconfirmed
    assert view.other_period is not None and view.other_period.end == date(2026, 6, 30)


async def test_changes_since_the_last_confirmed_period(world):
    c1 = await org_id(world, "C1")
    async with world.db.transaction() as tx:  # confirmed a year ago, nothing since
        await store.confirm(
            tx, org_id=c1, period_end=date(2025, 12, 31), members=[], actor="test", at=NOW
        )
    view = await uc.cell_view(world, 1001, c1)
    assert view.since == date(2025, 12, 31)
    assert view.other_period is not None
    earlier = await uc.cell_view(world, 1001, c1, date(2026, 6, 30))
    assert earlier.as_of == date(2026, 6, 30) and earlier.since == date(2025, 12, 31)
    assert earlier.changes == [] and len(earlier.members) == 3  # Cường still there in June


async def test_confirm_stores_a_snapshot_and_is_audited(world):
    c1 = await org_id(world, "C1")
    done = await uc.confirm(world, 1001, c1, date(2026, 12, 31))
    assert done.member_count == 3 and done.confirmed_by == "1001"
    async with world.db.read() as tx:
        snap = await store.snapshot(tx, c1, date(2026, 12, 31))
        entries = await audit.entries(tx, entity="reconciliation")
        status = await store.cell_status(tx, c1, date(2026, 12, 31))
    assert [(r.full_name, r.status) for r in snap] == [
        ("Nguyễn Văn An", "official"),
        ("Phạm Văn Dũng", "exempt"),
        ("Trần Thị Bình", "probationary"),
    ]
    assert entries[0].action == "confirm" and entries[0].after["members"] == 3
    assert status == "confirmed"
    view = await uc.cell_view(world, 1001, c1)
    assert view.status == "confirmed" and view.confirmation is not None


async def test_only_the_cells_secretary_confirms_and_only_open_periods(world):
    c1, c2 = await org_id(world, "C1"), await org_id(world, "C2")
    with pytest.raises(AccessDenied):
        await uc.confirm(world, 1001, c2, date(2026, 12, 31))
    with pytest.raises(AccessDenied):
        await uc.cell_view(world, 2001, c1)  # an officer reads /status, does not confirm
    with pytest.raises(InvalidInput):
        await uc.confirm(world, 1001, c1, date(2025, 6, 30))


# -- the official list ---------------------------------------------------------------------------


async def test_official_list_each_kind_of_discrepancy(world):
    period = uc.parse_period(world, "2026-H2")
    result = await uc.import_official(
        world, 2001, period=period, data=OFFICIAL_X, filename="dsdv.csv"
    )
    assert result.rows == 5 and [c.cell.code for c in result.cells] == ["C1", "C2"]
    found = [
        (cell.code, d.kind, d.full_name, d.field, d.cell_value, d.official_value)
        for cell, d in result.discrepancies
    ]
    assert found == [
        ("C1", "mismatch", "Nguyễn Văn An", "birth_date", "1980-01-02", "1980-01-03"),
        ("C1", "mismatch", "Trần Thị Bình", "full_name", "Trần Thị Bình", "Trần Thị Binh"),
        ("C1", "near_match", "Phạm Văn Dũng", "full_name", "Phạm Văn Dũng", "Phạm Văn Dũnh"),
        ("C1", "missing_in_cell", "Đinh Văn Phúc", None, None, None),
        ("C2", "missing_in_official", "Vũ Văn Hùng", None, None, None),
    ]
    # Cường left in September: missing from the official list is no news
    c1 = await org_id(world, "C1")
    async with world.db.read() as tx:
        assert await store.cell_status(tx, c1, period.end) == "discrepancies"
        stored = await store.discrepancies(tx, c1, period.end)
        assert [d.official_row for d in stored] == [2, 3, 4, 5]
        assert (await audit.entries(tx, entity="official_list"))[0].after["discrepancies"] == 5
    # the secretary sees them, deals with them, confirms: resolved
    view = await uc.cell_view(world, 1001, c1)
    assert len(view.discrepancies) == 4 and view.status == "discrepancies"
    await uc.confirm(world, 1001, c1, period.end)
    view = await uc.cell_view(world, 1001, c1)
    assert view.status == "resolved" and view.discrepancies == []


async def test_a_new_list_supersedes_the_previous_one(world):
    period = uc.parse_period(world, "2026-H2")
    c2 = await org_id(world, "C2")
    await uc.import_official(world, 2001, period=period, data=OFFICIAL_X, filename="a.csv")
    fixed = csv(
        "Hoàng Thị Hà,04/03/1985,200001,,,Chính thức,C2", "Vũ Văn Hùng,05/04/1988,200002,,,Dự bị,C2"
    )
    result = await uc.import_official(world, 2001, period=period, data=fixed, filename="b.csv")
    assert [(c.code, d.kind) for c, d in result.discrepancies] == [
        ("C1", "missing_in_official")
    ] * 3
    async with world.db.read() as tx:
        assert await store.cell_status(tx, c2, period.end) == "not_confirmed"
        assert await store.discrepancies(tx, c2, period.end) == []
        old = await store.discrepancies(tx, c2, period.end, open_only=False)
    assert len(old) == 1 and old[0].resolved_at is not None
    await uc.confirm(world, "cli", c2, period.end)
    async with world.db.read() as tx:
        assert await store.cell_status(tx, c2, period.end) == "resolved"


async def test_rows_of_another_subtree_are_refused_and_audited(world):
    period = uc.parse_period(world, "2026-H2")
    data = csv(
        "Hoàng Thị Hà,04/03/1985,200001,,,Chính thức,C2",
        "Đặng Văn Long,07/06/1975,300001,,,Chính thức,D1",
        "Ai Đó,01/01/1990,,,,Chính thức,ZZ",
    )
    with pytest.raises(uc.ListInvalid) as err:
        await uc.import_official(world, 2001, period=period, data=data, filename="x.csv")
    assert [p.params["row"] for p in err.value.problems] == [3, 4]
    async with world.db.read() as tx:
        denied = await audit.entries(tx, entity="access")
        assert await audit.entries(tx, entity="official_list") == []
    assert denied[0].after == {"wanted": "official list", "cells": ["D1", "ZZ"]}
    with pytest.raises(AccessDenied):  # an officer of Y cannot compare X's cells
        await uc.import_official(world, 2002, code="X", period=period, data=data, filename="x.csv")


async def test_the_list_needs_a_cell_column_and_clean_rows(world):
    period = uc.parse_period(world, "2026-H2")
    with pytest.raises(uc.ListInvalid) as err:
        await uc.import_official(
            world,
            2001,
            period=period,
            filename="x.csv",
            data=csv("An,02/01/1980", header="Họ và tên,Ngày sinh"),
        )
    assert "Chi bộ" in err.value.msg.key
    with pytest.raises(uc.ListInvalid) as err:
        await uc.import_official(
            world,
            2001,
            period=period,
            filename="x.csv",
            data=csv("An,31/02/1980,,,,,C1", "Bình,01/01/1990,,,,,"),
        )
    assert [p.params["row"] for p in err.value.problems] == [2, 3]


async def test_official_list_as_xlsx_with_english_headers(world):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐẢNG VIÊN"])  # a title row above the header
    ws.append(["full_name", "date of birth", "card number", "cell"])
    ws.append(["Hoàng Thị Hà", date(1985, 3, 4), "200001", "C2"])
    ws.append(["Vũ Văn Hùng", date(1988, 4, 5), 200002, "Chi bộ thôn 2"])
    import io

    buf = io.BytesIO()
    wb.save(buf)
    result = await uc.import_official(
        world,
        "cli",
        code="C2",
        period=uc.parse_period(world, "2026-H2"),
        data=buf.getvalue(),
        filename="ds.xlsx",
    )
    assert result.discrepancies == [] and result.rows == 2


async def test_cli_reconcile_import_json(world, tmp_path, capsys):
    path = tmp_path / "dsdv.csv"
    path.write_bytes(OFFICIAL_X)
    args = build_parser().parse_args(
        ["reconcile", "import", str(path), "--org", "X", "--period", "2026-H2", "--json"]
    )
    assert await args.func(args, world.config, translator("vi")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == {
        "cell": "C1",
        "kind": "mismatch",
        "name": "Nguyễn Văn An",
        "field": "birth_date",
        "cell_value": "1980-01-02",
        "official_value": "1980-01-03",
    }
    assert rows[3] == {"cell": "C1", "kind": "missing_in_cell", "name": "Đinh Văn Phúc"}
    assert [r["kind"] for r in rows] == [
        "mismatch",
        "mismatch",
        "near_match",
        "missing_in_cell",
        "missing_in_official",
    ]


async def test_cli_reconcile_import_text_names_the_kinds(world, tmp_path, capsys):
    path = tmp_path / "dsdv.csv"
    path.write_bytes(OFFICIAL_X)
    args = build_parser().parse_args(
        ["reconcile", "import", str(path), "--org", "X", "--period", "2026-H2"]
    )
    assert await args.func(args, world.config, translator("vi")) == 0
    out = capsys.readouterr().out
    assert "missing_in_cell" not in out and "mismatch" not in out


# -- reminders -----------------------------------------------------------------------------------


async def test_reminders_come_from_the_confirmations(world, clock):
    def kinds(reminders, cell):
        return sorted(
            (r.kind, r.step)
            for r in reminders
            if r.kind.startswith("reconciliation") and r.org_id == cell
        )

    c1 = await org_id(world, "C1")
    async with world.db.read() as tx:
        state = await reminder_state.load(tx)
    assert [c.org_id for c in state[RECONCILIATION_FAMILY]] == [
        await org_id(world, code) for code in ("C1", "C2", "D1")
    ]
    due = due_reminders(state, date(2026, 12, 20), world.calendar, world.catalogue)
    assert kinds(due, c1) == [
        ("reconciliation.ask", "2026-12-31"),
        ("reconciliation.escalation", "2026-06-30"),
    ]
    await uc.confirm(world, 1001, c1, date(2026, 6, 30))
    await uc.confirm(world, 1001, c1, date(2026, 12, 31))
    async with world.db.read() as tx:
        state = await reminder_state.load(tx, [c1])
    assert kinds(due_reminders(state, date(2027, 1, 20), world.calendar, world.catalogue), c1) == []
    # the sweep sends the ask to the secretary of C1 (and nothing to C2's nobody)
    clock.set(datetime(2026, 12, 16, 3, 0, tzinfo=UTC))
    plan = await reminders_uc.plan(world, date(2026, 12, 16))
    asks = [
        (p.org.code, [r.user.tg_id for r in p.recipients])
        for p in plan.items
        if p.reminder.kind == "reconciliation.escalation"
    ]
    assert ("C2", [2001, 3001]) in asks


async def test_roster_on_a_day_uses_the_status_history(world):
    c1 = await org_id(world, "C1")
    async with world.db.read() as tx:
        june: list[RosterMember] = await store.roster_on(tx, c1, date(2026, 6, 30))
        dec = await store.roster_on(tx, c1, date(2026, 12, 31))
    assert {m.full_name: m.status for m in june} == {
        "Nguyễn Văn An": "official",
        "Trần Thị Bình": None,
        "Lê Văn Cường": "official",
        "Phạm Văn Dũng": "official",
    }
    assert {m.full_name: m.status for m in dec}["Lê Văn Cường"] == "transferred_out"
