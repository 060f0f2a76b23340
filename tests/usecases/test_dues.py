"""Dues and badges use cases, their storage, scope and the `chibo dues|badges` commands."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from chibo.bot.cli import build_parser
from chibo.rules.dues import DuesProfile, Window
from chibo.storage import audit
from chibo.storage import dues as dues_store
from chibo.storage import members as member_store
from chibo.usecases import badges as badges_uc
from chibo.usecases import dues as uc
from chibo.usecases.dues import MonthInvalid, PaymentEntry
from chibo.usecases.errors import AccessDenied, InvalidInput
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id

OCT = date(2026, 10, 1)


async def cli(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(list(argv))
    code = await args.func(args, ctx.config, translator("vi"))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
async def world(ctx):
    await demo_tree(ctx)
    for tg_id, org, role in (
        (1001, "C1", "secretary"),
        (1101, "C2", "secretary"),
        (2001, "X", "officer"),
        (3001, "Y", "officer"),
    ):
        await bind(ctx, tg_id, org, role)
    ids = await add_members(ctx, "C1", ["Nguyễn An", "Lê Bình", "Trần Cường", "Phạm Dũng"])
    await add_members(ctx, "C2", ["Hoàng Em"])
    for mid, salary in zip(ids, (5_000_000, 6_000_000, 7_000_000, 8_000_000), strict=True):
        await uc.set_profile(
            ctx, actor=1001, member_id=mid, profile=DuesProfile("insured_salary", salary)
        )
    return ids


async def test_a_month_recorded_for_the_cell_with_exceptions(ctx, world):
    an, binh, cuong, dung = world
    c1 = await org_id(ctx, "C1")
    result = await uc.record_month(
        ctx,
        1001,
        c1,
        OCT,
        {
            binh: PaymentEntry(paid=0),
            cuong: PaymentEntry(paid=0, reason="Đi viện"),
            dung: PaymentEntry(paid=40_000, channel="portal", paid_on=date(2026, 10, 20)),
        },
        paid_on=date(2026, 10, 15),
    )
    rows = {r.member_id: r for r in result.rows}
    assert (rows[an].status, rows[an].paid, rows[an].due, rows[an].channel) == (
        "paid",
        50_000,
        50_000,
        "cash",
    )
    assert rows[an].paid_on == date(2026, 10, 15)
    assert (rows[binh].status, rows[binh].paid) == ("unpaid", 0)
    assert (rows[cuong].status, rows[cuong].note) == ("excused", "Đi viện")
    assert (rows[dung].paid, rows[dung].due, rows[dung].channel) == (40_000, 80_000, "portal")
    assert result.counts == {"paid": 2, "unpaid": 1, "excused": 1, "exempt": 0}
    async with ctx.db.read() as tx:
        (entry,) = await audit.entries(tx, entity="dues_month")
        stored = await dues_store.month_rows(tx, [c1], OCT)
    assert entry.actor == "1001" and entry.before is None and len(entry.after) == 4
    assert len(stored) == 4
    # the evidence function for the removal review (issue 14)
    assert await uc.unpaid_months(ctx, binh, Window.calendar_year(2026)) == (OCT,)
    assert await uc.unpaid_months(ctx, cuong, Window.rolling(OCT)) == ()
    # one member's late payment replaces the month for them, audited with the old values
    row = await uc.record_payment(
        ctx, actor=1001, member_id=binh, month=OCT, entry=PaymentEntry(channel="portal")
    )
    assert (row.status, row.paid) == ("paid", 60_000)
    async with ctx.db.read() as tx:
        (late,) = await audit.entries(tx, entity="dues_payment")
    assert late.before["status"] == "unpaid" and late.after["status"] == "paid"


async def test_nothing_is_recorded_when_an_exception_is_wrong(ctx, world):
    c1 = await org_id(ctx, "C1")
    with pytest.raises(MonthInvalid) as err:
        await uc.record_month(
            ctx, 1001, c1, OCT, {world[0]: PaymentEntry(channel="bank"), 99999: PaymentEntry()}
        )
    assert len(err.value.problems) == 2
    with pytest.raises(InvalidInput):
        await uc.record_month(ctx, 1001, c1, date(2026, 12, 1), {})  # not started yet
    async with ctx.db.read() as tx:
        assert await dues_store.month_rows(tx, [c1], OCT) == []


async def test_scope_of_dues_and_badges(ctx, world):
    c1 = await org_id(ctx, "C1")
    with pytest.raises(AccessDenied):  # another cell's secretary
        await uc.record_month(ctx, 1101, c1, OCT, {})
    with pytest.raises(AccessDenied):
        await uc.record_payment(
            ctx, actor=1101, member_id=world[0], month=OCT, entry=PaymentEntry()
        )
    with pytest.raises(AccessDenied):  # officer of another subtree
        await uc.summary(ctx, 3001, "X", OCT)
    with pytest.raises(AccessDenied):
        await badges_uc.due_list(ctx, 3001, "C1", date(2027, 2, 3))
    with pytest.raises(AccessDenied):
        await badges_uc.party_age_of(ctx, 3001, world[0])
    view = await uc.summary(ctx, 2001, "X", OCT)
    assert [x.org.code for x in view.lines] == ["C1", "C2"]
    assert (await uc.summary(ctx, 1001, "C1", OCT)).root.code == "C1"
    async with ctx.db.read() as tx:
        denied = await audit.entries(tx, entity="access")
    assert {e.actor for e in denied} == {"1101", "3001"}  # repeated refusals may be merged


async def test_officer_numbers_per_cell_and_the_sheet(ctx, world):
    c1 = await org_id(ctx, "C1")
    await uc.record_month(ctx, 1001, c1, OCT, {world[1]: PaymentEntry(paid=0)})
    view = await uc.summary(ctx, 2001, "X", OCT)
    c1_line, c2_line = view.lines
    assert (c1_line.recorded, c1_line.paid, c1_line.unpaid) == (True, 3, 1)
    assert (c1_line.amount_due, c1_line.amount_paid) == (260_000, 200_000)
    assert c1_line.cell_share == 60_000 and not view.share_verified  # 30%, not verified
    assert (c2_line.recorded, c2_line.members, c2_line.amount_due) == (False, 1, 0)
    assert view.total.amount_paid == 200_000
    from chibo.usecases import report_xlsx

    wb = load_workbook(io.BytesIO(report_xlsx.build_dues(view, translator("vi"))))
    ws = wb.worksheets[0]
    assert ws.cell(2, 1).value == "C1" and ws.cell(2, 11).value == 200_000
    assert "chưa" in str(ws.cell(1, 12).value).lower()


async def test_import_of_a_month_is_all_or_nothing(ctx, world):
    c1 = await org_id(ctx, "C1")
    bad = (
        "Họ và tên;Số tiền đã nộp;Ngày nộp;Hình thức nộp;Lý do\n"
        "Nguyễn An;50.000;10/10/2026;Tiền mặt;\n"
        "Lê Bình;abc;;;\n"
        "Người Lạ;10000;;;\n"
        "Trần Cường;0;;;Ốm\n"
    ).encode()
    with pytest.raises(MonthInvalid) as err:
        await uc.import_month(ctx, actor=1001, org_id=c1, month=OCT, data=bad, filename="t10.csv")
    keys = [p.params["problem"].key if "problem" in p.params else p.key for p in err.value.problems]
    assert len(keys) == 3  # bad amount, unknown name, Phạm Dũng has no row
    async with ctx.db.read() as tx:
        assert await dues_store.month_rows(tx, [c1], OCT) == []
    good = bad.replace("Lê Bình;abc".encode(), "Lê Bình;60000".encode()).replace(
        "Người Lạ;10000;;;".encode(), "Phạm Dũng;80.000 đ;;Cổng dịch vụ công;".encode()
    )
    result = await uc.import_month(
        ctx, actor=1001, org_id=c1, month=OCT, data=good, filename="t10.csv"
    )
    rows = {r.member_id: r for r in result.rows}
    assert rows[world[3]].channel == "portal" and rows[world[2]].status == "excused"


async def test_reductions_exemptions_and_gaps_are_validated_and_audited(ctx, world):
    an = world[0]
    with pytest.raises(InvalidInput):
        await badges_uc.record_gap(
            ctx,
            actor=1001,
            member_id=an,
            left_on=date(2015, 1, 1),
            returned_on=date(2014, 1, 1),
            reason="removed",
            source_document="QĐ 12",
        )
    await badges_uc.record_gap(
        ctx,
        actor=1001,
        member_id=an,
        left_on=date(2015, 1, 1),
        returned_on=date(2018, 1, 1),
        reason="removed",
        source_document="QĐ kết nạp lại số 12-QĐ/ĐU",
    )
    view = await badges_uc.party_age_of(ctx, 2001, an, on=date(2026, 11, 23))
    assert view.age is not None and view.age.gap_days == 1096
    assert (view.age.years, view.next_milestone) == (13, 30)
    with pytest.raises(InvalidInput):
        await uc.add_reduction(
            ctx,
            actor=1001,
            member_id=an,
            percent=50,
            start=date(2026, 1, 1),
            end=date(2027, 1, 1),
            document="QĐ 3",
        )
    await uc.add_reduction(
        ctx,
        actor=1001,
        member_id=an,
        percent=50,
        start=date(2026, 10, 1),
        end=date(2026, 12, 1),
        document="QĐ 3",
    )
    sheet = await uc.month_sheet(ctx, 1001, await org_id(ctx, "C1"), OCT)
    line = next(x for x in sheet.lines if x.member.id == an)
    assert (line.due.amount, line.due.reduction_percent) == (25_000, 50)
    async with ctx.db.read() as tx:
        assert len(await audit.entries(tx, entity="party_age_gap")) == 1
        assert len(await audit.entries(tx, entity="dues_relief")) == 1


async def test_storage_member_cases_and_badges_cli(ctx, world, capsys, tmp_path):
    c1 = await org_id(ctx, "C1")
    for month in (date(2026, 8, 1), date(2026, 9, 1), OCT):
        await uc.record_month(ctx, 1001, c1, month, {world[1]: PaymentEntry(paid=0)})
    async with ctx.db.read() as tx:
        cases = await dues_store.member_cases(tx, [c1])
        cells = await dues_store.cell_cases(tx, [c1])
    (case,) = cases
    assert case.member_id == world[1] and len(case.unpaid) == 3
    assert cells[0].recorded_months == (date(2026, 8, 1), date(2026, 9, 1), OCT)
    # a member admitted on 3/2/1997 reaches 30 years on the award date 3/2/2027
    async with ctx.db.transaction() as tx:
        veteran = await member_store.get(tx, world[0])
        assert veteran is not None
        f = veteran.editable
        await member_store.update(
            tx,
            veteran.id,
            f=type(f)(**{**f.as_dict(), "decision_date": date(1997, 2, 3)}),
            name_key=veteran.name_key,
            at=ctx.now(),
        )
    out_file = tmp_path / "huy-hieu.xlsx"
    code, out, _ = await cli(
        ctx,
        capsys,
        "badges",
        "--org",
        "X",
        "--award-date",
        "2027-02-03",
        "--json",
        "--out",
        str(out_file),
    )
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and line["milestone"] == 30 and line["reached_on"] == "2027-02-03"
    ws = load_workbook(out_file).worksheets[0]
    assert ws.cell(2, 3).value == "Nguyễn An" and ws.cell(2, 6).value == 30
    with pytest.raises(InvalidInput):  # not an award date (main() prints the message)
        await cli(ctx, capsys, "badges", "--org", "X", "--award-date", "2027-02-04")
    code, out, _ = await cli(ctx, capsys, "dues", "--org", "X", "--month", "2026-10", "--json")
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["org"] for x in lines] == ["C1", "C2"] and lines[0]["unpaid"] == 1
    code, out, _ = await cli(ctx, capsys, "dues", "--org", "X", "--month", "2026-10")
    assert code == 0 and "C1" in out and "200.000" in out
    # the reminder engine sees the three unpaid months: a removal-review prompt
    from chibo.usecases import reminders as reminders_uc

    plan = await reminders_uc.plan(ctx, date(2026, 11, 5))
    kinds = {(p.reminder.kind, p.reminder.subject_id) for p in plan.items}
    assert ("dues.unpaid.review", world[1]) in kinds


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("5.000.000", 5_000_000),
        ("5 triệu", 5_000_000),
        ("5tr", 5_000_000),
        ("4,5 triệu", 4_500_000),
        ("500k", 500_000),
        ("500 nghìn", 500_000),
        ("5000000đ", 5_000_000),
        ("50.000 VNĐ", 50_000),
        ("năm triệu", None),
        ("5.5", None),
        ("5 tỷ", None),
        ("", None),
    ],
)
def test_typed_amounts_are_read_forgivingly(typed: str, amount: int | None):
    assert uc.parse_amount(typed) == amount
