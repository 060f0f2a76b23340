"""Party dues and badges in the chat (issue 15): the month in a few taps, a typed amount, the
import from a file, the member's card, the officers' numbers, the badge list and file, and
scope (forged presses for another cell refused)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from chibo.botapi_emulator import BotApiEmulator
from chibo.rules.dues import DuesProfile
from chibo.storage import badges as badge_store
from chibo.storage import dues as dues_store
from chibo.storage.members import MemberFields
from chibo.usecases import dues as dues_uc
from chibo.usecases import roster

from ..usecases.test_meeting_support import CELL_NAMES, add_members, org_id
from .conftest import World

# The clock of the e2e fixtures: Monday 23/11/2026; last month is 10/2026.
OCT = date(2026, 10, 1)


async def cell_of_ten(world: World, code: str = "C1") -> list[int]:
    ids = await add_members(world.ctx, code, CELL_NAMES[:10])
    for mid in ids:
        await dues_uc.set_profile(
            world.ctx, actor="cli", member_id=mid, profile=DuesProfile(cell_amount=20_000)
        )
    return ids


async def ledger(world: World, code: str, month: date = OCT) -> dict[int, dues_store.LedgerRow]:
    cell = await org_id(world.ctx, code)
    async with world.ctx.db.read() as tx:
        return {r.member_id: r for r in await dues_store.month_rows(tx, [cell], month)}


async def test_a_month_in_five_taps(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    taps = 0

    await lan.send("/menu")
    menu = await lan.next_reply()
    await lan.press(menu, "Đảng phí")
    taps += 1
    sheet = await lan.next_edit()
    assert sheet.text.startswith("Đảng phí của Chi bộ thôn 1 tháng 10/2026"), sheet.text
    assert "Số tiền ghi là đã nộp: 200.000 đ." in sheet.text
    await lan.press(sheet, callback_data=f"dues:m:{ids[3]}")
    taps += 1
    options = await lan.next_edit()
    await lan.press(options, "✖️ Chưa nộp")
    taps += 1
    sheet = await lan.next_edit()
    assert f"{CELL_NAMES[3]}: 20.000 đ — chưa nộp" in sheet.text
    await lan.press(sheet, "Những người còn lại đã nộp đủ")
    taps += 1
    confirm = await lan.next_edit()
    assert f"• {CELL_NAMES[3]}: 20.000 đ — chưa nộp" in confirm.text
    await lan.press(confirm, "Xác nhận")
    taps += 1
    done = await lan.next_edit()
    assert "đã nộp 9, chưa nộp 1" in done.text and "180.000 đ" in done.text, done.text
    assert taps <= 6  # the target: a cell of 10 with 1 exception in at most 6 taps

    rows = await ledger(world, "C1")
    assert sorted(r.status for r in rows.values()) == ["paid"] * 9 + ["unpaid"]
    assert rows[ids[3]].status == "unpaid" and rows[ids[0]].paid == 20_000


async def test_typed_amount_reason_and_channel(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    await lan.send("/dues 2026-13")
    assert "YYYY-MM" in (await lan.next_reply()).text
    await lan.send("/dues 2027-01")
    assert "Tháng 2027-01 chưa bắt đầu" in (await lan.next_reply()).text
    await lan.send("/dues 2026-09")
    sheet = await lan.next_reply()
    assert "tháng 09/2026" in sheet.text
    await lan.press(sheet, callback_data=f"dues:m:{ids[0]}")
    await lan.press(await lan.next_edit(), "Nộp số tiền khác")
    ask = await lan.next_edit()
    assert "Nhập số tiền" in ask.text, ask.text
    await lan.send("mười nghìn")
    again = await lan.next_reply()
    assert "50000" in again.text  # says what is expected; nothing changed
    await lan.send("15.000")
    sheet = await lan.next_reply()
    assert f"{CELL_NAMES[0]}: 20.000 đ — đã nộp 15.000 đ" in sheet.text
    await lan.press(sheet, callback_data=f"dues:m:{ids[1]}")
    await lan.press(await lan.next_edit(), "Chưa nộp, có lý do")
    await lan.next_edit()
    await lan.send("Đi công tác xa")
    sheet = await lan.next_reply()
    await lan.press(sheet, callback_data=f"dues:m:{ids[2]}")
    await lan.press(await lan.next_edit(), "Cổng Dịch vụ công")
    sheet = await lan.next_edit()
    await lan.press(sheet, callback_data="dues:all")
    await lan.press(await lan.next_edit(), "Xác nhận")
    await lan.next_edit()
    rows = await ledger(world, "C1", date(2026, 9, 1))
    assert (rows[ids[0]].paid, rows[ids[0]].status) == (15_000, "paid")
    assert (rows[ids[1]].status, rows[ids[1]].note) == ("excused", "Đi công tác xa")
    assert rows[ids[2]].channel == "portal" and rows[ids[3]].channel == "cash"


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


async def test_import_a_month_from_a_file(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    await lan.send("/dues")
    sheet = await lan.next_reply()
    await lan.press(sheet, "Từ tệp")
    ask = await lan.next_edit()
    assert "Số tiền đã nộp" in ask.text
    head = "Họ và tên,Số tiền đã nộp,Hình thức nộp,Lý do"
    bad = [head, *(f"{n},20000,tiền mặt," for n in CELL_NAMES[:8]), "Ai Đó,20000,,"]
    await lan.upload("dues.csv", _csv(bad))
    problems = await lan.next_reply()
    assert "Không ghi gì" in problems.text or "Chưa ghi" in problems.text, problems.text
    assert "Ai Đó" in problems.text and CELL_NAMES[9] in problems.text
    assert await ledger(world, "C1") == {}  # all or nothing
    good = [
        head,
        *(f"{n},20000,cổng dịch vụ công," for n in CELL_NAMES[:9]),
        f"{CELL_NAMES[9]},0,,Ốm nằm viện",
    ]
    await lan.upload("dues.csv", _csv(good))
    check = await lan.next_reply()
    assert "10" in check.text
    assert await ledger(world, "C1") == {}  # checked, not yet saved
    await lan.press(check, "Ghi sổ")
    done = await lan.next_edit()
    assert "đã nộp 9" in done.text, done.text
    rows = await ledger(world, "C1")
    assert rows[ids[9]].status == "excused" and rows[ids[0]].channel == "portal"


async def test_member_card_party_age_payment_and_reduction(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    await lan.send("/members")
    listing = await lan.next_reply()
    await lan.press(listing, callback_data=f"roster:view:{ids[0]}")
    card = await lan.next_edit()
    # admitted 01/01/2010: 16 years 10 months on 23/11/2026; the 30-year badge on 01/01/2040
    assert "Tuổi đảng: 16 năm 10 tháng; huy hiệu 30 năm vào 01/01/2040" in card.text, card.text
    await lan.press(card, "Đảng phí")
    dues = await lan.next_edit()
    assert "Tháng này: 20.000 đ" in dues.text, dues.text
    await lan.press(dues, "Ghi nộp một tháng")
    months = await lan.next_edit()
    await lan.press(months, "10/2026")
    await lan.press(await lan.next_edit(), "✖️ Chưa nộp")
    after = await lan.next_edit()
    assert "Chưa nộp, không có lý do chính đáng: 10/2026" in after.text, after.text
    await lan.press(after, "Giảm")
    await lan.press(await lan.next_edit(), "50%")
    await lan.press(await lan.next_edit(), "6")
    await lan.next_edit()
    await lan.send("Quyết định số 12-QĐ/ĐU ngày 05/11/2026")
    confirm = await lan.next_reply()
    await lan.press(confirm, "Xác nhận")
    card = await lan.next_edit()
    assert "Tháng này: 10.000 đ" in card.text and "Giảm 50%: 11/2026 – 04/2027" in card.text


async def test_officer_numbers_and_badges(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    officer = await world.officer(2001, "X")
    ids = await cell_of_ten(world)
    c1 = await org_id(world.ctx, "C1")
    await dues_uc.record_month(world.ctx, "cli", c1, OCT, {ids[0]: dues_uc.PaymentEntry(paid=0)})
    await officer.send("/dues X 2026-10")
    summary = await officer.next_reply()
    assert "C1 Chi bộ thôn 1: đã nộp 9/10, chưa nộp 1" in summary.text, summary.text
    assert "C2 Chi bộ thôn 2: chưa ghi sổ" in summary.text
    await officer.press(summary, callback_data=f"dues:oc:{c1}:20261001")
    cell = await officer.next_edit()
    assert f"{CELL_NAMES[0]}: chưa nộp, 0 đ" in cell.text, cell.text

    await officer.send("/report X 2026-10")
    report = await officer.next_document()
    await officer.next_photo()
    rows = list(
        load_workbook(io.BytesIO(report.data or b""))["Đảng phí"].iter_rows(values_only=True)
    )
    c1_row = next(r for r in rows if r[0] == "C1")
    assert c1_row[2:8] == ("10/2026", "có", 10, 0, 9, 1), c1_row
    c2_row = next(r for r in rows if r[0] == "C2")  # not recorded: no amounts made up
    assert c2_row[2:5] == ("10/2026", "không", 0) and set(c2_row[5:]) == {None}, c2_row

    veteran = await roster.add_member(
        world.ctx,
        actor="cli",
        org_id=c1,
        f=MemberFields(
            full_name="Cao Văn Lão",
            birth_date=date(1970, 5, 5),
            decision_date=date(1997, 1, 20),
            status="official",
            status_date=date(1998, 1, 20),
        ),
    )

    await officer.send("/badges X")
    listing = await officer.next_reply()
    assert "03/02/2027" in listing.text and "Cao Văn Lão: 30 năm vào 20/01/2027" in listing.text
    assert not [b for row in listing.buttons for b in row if "bdg:aw:" in (b.callback_data or "")]
    doc = await officer.next_document()
    ws = load_workbook(io.BytesIO(doc.data or b"")).worksheets[0]
    assert ws.cell(2, 3).value == "Cao Văn Lão" and ws.cell(2, 6).value == 30

    await lan.send("/badges")
    mine = await lan.next_reply()
    await lan.next_document()
    await lan.press(mine, "Cao Văn Lão")
    ask = await lan.next_edit()
    await lan.press(ask, "Xác nhận")
    done = await lan.next_edit()
    assert "Cao Văn Lão" in done.text and "30 năm" in done.text
    async with world.ctx.db.read() as tx:
        awards = await badge_store.awards_of_many(tx, [veteran.id])
    assert [a.milestone for a in awards[veteran.id]] == [30]


async def test_forged_presses_for_another_cell_are_refused(emu: BotApiEmulator, world: World):
    ids = await cell_of_ten(world)
    await add_members(world.ctx, "C2", ["Người Chi Bộ Hai"])
    mallory = await world.secretary(1101, "C2")
    outsider = await world.officer(3001, "Y")
    c1 = await org_id(world.ctx, "C1")
    await mallory.send("/dues")
    own = await mallory.next_reply()
    for data in (
        f"dues:card:{ids[0]}",
        f"dues:pp:{ids[0]}:20261001:unpaid",
        f"dues:rn:{ids[0]}:50:6",
        f"dues:m:{ids[0]}",
        f"bdg:awok:{ids[0]}:30:20270203",
        f"bdg:l:{c1}:20270203",
        f"dues:oc:{c1}:20261001",
    ):
        await mallory.press_data(own, data)
        answer = await mallory.last_callback_answer()
        assert answer.show_alert and answer.text, (data, answer)
    await outsider.send("/dues X 2026-10")
    refused = await outsider.next_reply()
    assert "không có quyền" in refused.text, refused.text
    await outsider.send("/badges C1")
    assert "không có quyền" in (await outsider.next_reply()).text
    assert await ledger(world, "C1") == {}
    async with world.ctx.db.read() as tx:
        assert (await badge_store.awards_of_many(tx, ids)) == {}


async def test_cli_import_checks_then_records(world: World, capsys, tmp_path):
    from chibo.bot.cli import build_parser
    from chibo.usecases.errors import InvalidInput
    from chibo.usecases.i18n import translator

    ids = await cell_of_ten(world)

    async def cli(*argv: str) -> tuple[int, str, str]:
        args = build_parser().parse_args(list(argv))
        code = await args.func(args, world.ctx.config, translator("vi"))
        out, err = capsys.readouterr()
        return code, out, err

    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(["Họ và tên,Số tiền đã nộp", *(f"{n},20000" for n in CELL_NAMES[:9])]))
    try:
        await cli("dues", "import", str(bad), "--org", "C1", "--month", "2026-10")
    except InvalidInput:
        pass
    else:
        raise AssertionError("a file missing a member must be refused")
    assert CELL_NAMES[9] in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(["Họ và tên,Số tiền đã nộp", *(f"{n},20000" for n in CELL_NAMES[:10])]))
    code, out, _ = await cli(
        "dues", "import", str(good), "--org", "C1", "--month", "2026-10", "--dry-run"
    )
    assert code == 0 and "--dry-run" in out and await ledger(world, "C1") == {}
    code, out, _ = await cli("dues", "import", str(good), "--org", "C1", "--month", "2026-10")
    assert code == 0 and "10" in out
    assert len(await ledger(world, "C1")) == len(ids)
    # the summary form still works
    code, out, _ = await cli("dues", "--org", "X", "--month", "2026-10", "--json")
    assert code == 0 and '"org": "C1"' in out


async def test_reminder_buttons_open_the_right_screen(emu: BotApiEmulator, world: World, bot):
    from chibo.handlers.registry import registry_of
    from chibo.rules.messages import Msg
    from chibo.rules.reminder_model import Reminder
    from chibo.usecases.i18n import translator

    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    c1 = await org_id(world.ctx, "C1")
    actions = registry_of(bot).reminder_actions
    _ = translator("vi")

    def reminder(kind: str, subject: tuple[str, int], step: str) -> Reminder:
        return Reminder(
            kind,
            c1,
            subject[0],
            subject[1],
            "x",
            date(2026, 11, 5),
            step,
            "warning",
            (),
            {},
            Msg("x"),
        )

    ((label, data),) = actions["dues"](_, reminder("dues.month", ("cell", c1), "2026-10"))
    assert (label, data) == ("Ghi sổ tháng", "dues:sheet:20261001")
    ((_label, card),) = actions["dues"](_, reminder("dues.unpaid.warning", ("member", ids[0]), "x"))
    assert card == f"dues:card:{ids[0]}"
    ((_label, badges),) = actions["badge"](
        _, reminder("badge.proposal", ("cell", c1), "2027-02-03")
    )
    assert badges == f"bdg:l:{c1}:20270203"

    await lan.send("/menu")
    menu = await lan.next_reply()
    await lan.press_data(menu, data)
    sheet = await lan.next_edit()
    assert "tháng 10/2026" in sheet.text
    await lan.press_data(sheet, card)
    assert "Đảng phí — " in (await lan.next_edit()).text
    await lan.send("/menu")
    menu = await lan.next_reply()
    await lan.press_data(menu, badges)
    listing = await lan.next_edit()
    assert "03/02/2027" in listing.text
    await lan.next_document()


async def test_a_recorded_month_reopens_with_its_exceptions(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    c1 = await org_id(world.ctx, "C1")
    await dues_uc.record_month(
        world.ctx,
        "cli",
        c1,
        OCT,
        {
            ids[0]: dues_uc.PaymentEntry(paid=0),
            ids[1]: dues_uc.PaymentEntry(paid=0, reason="Ốm"),
            ids[2]: dues_uc.PaymentEntry(paid=5_000, channel="portal"),
        },
    )
    await lan.send("/dues 2026-10")
    sheet = await lan.next_reply()
    assert "Tháng này đã ghi sổ" in sheet.text
    assert f"{CELL_NAMES[0]}: 20.000 đ — chưa nộp" in sheet.text
    await lan.press(sheet, callback_data="dues:all")
    await lan.press(await lan.next_edit(), "Xác nhận")
    await lan.next_edit()
    rows = await ledger(world, "C1")
    assert rows[ids[0]].status == "unpaid"
    assert (rows[ids[1]].status, rows[ids[1]].note) == ("excused", "Ốm")
    assert (rows[ids[2]].paid, rows[ids[2]].channel) == (5_000, "portal")


async def test_badges_to_return_after_removal(emu: BotApiEmulator, world: World):
    from chibo.usecases import badges as badges_uc

    lan = await world.secretary(1001, "C1")
    officer = await world.officer(2001, "X")
    c1 = await org_id(world.ctx, "C1")
    old = await roster.add_member(
        world.ctx,
        actor="cli",
        org_id=c1,
        f=MemberFields(
            full_name="Lã Văn Bị",
            birth_date=date(1960, 5, 5),
            decision_date=date(1990, 1, 10),
            status="official",
            status_date=date(1991, 1, 10),
        ),
    )
    award = await badges_uc.record_award(
        world.ctx, actor="cli", member_id=old.id, milestone=30, award_date=date(2020, 2, 3)
    )
    await roster.change_status(
        world.ctx, actor="cli", member_id=old.id, status="removed", status_date=date(2026, 11, 1)
    )
    await officer.send("/badges X")
    listing = await officer.next_reply()
    await officer.next_document()
    await officer.press(listing, "Huy hiệu phải thu hồi")
    returns = await officer.next_edit()
    assert "Lã Văn Bị, Huy hiệu 30 năm trao ngày 03/02/2020" in returns.text, returns.text
    assert not returns.buttons  # officers read; the cell records the return
    await officer.press_data(returns, f"bdg:rt:{award.id}")
    assert (await officer.last_callback_answer()).show_alert

    await lan.send("/badges")
    mine = await lan.next_reply()
    await lan.next_document()
    await lan.press(mine, "Huy hiệu phải thu hồi")
    returns = await lan.next_edit()
    await lan.press(returns, "Đã thu hồi: Lã Văn Bị")
    done = await lan.next_edit()
    assert "23/11/2026" in done.text
    assert await badges_uc.badges_to_return(world.ctx, "cli", "C1") == []


async def test_exemption_from_the_card(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    await lan.send("/dues")
    sheet = await lan.next_reply()
    await lan.press_data(sheet, f"dues:card:{ids[4]}")
    card = await lan.next_edit()
    await lan.press(card, "Miễn đảng phí")
    grounds = await lan.next_edit()
    await lan.press(grounds, callback_data=f"dues:eg:{ids[4]}:social_pension")
    await lan.press(await lan.next_edit(), "Đến khi có quyết định khác")
    await lan.next_edit()
    kept = await lan.next_reply()  # the month sheet opened by /dues stays open
    assert "bảng đảng phí tháng" in kept.text
    await lan.send("x" * 400)  # too long: says so, nothing recorded
    assert "quá dài" in (await lan.next_reply()).text
    await lan.send("Đơn đề nghị ngày 02/11/2026, QĐ 3-QĐ/ĐU")
    confirm = await lan.next_reply()
    await lan.press(confirm, "Xác nhận")
    card = await lan.next_edit()
    assert "Tháng này: miễn" in card.text and "11/2026 – đến khi có quyết định khác" in card.text


async def test_set_the_basis_from_the_sheet_then_record_the_month(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    ids = await cell_of_ten(world)
    (new,) = await add_members(world.ctx, "C1", ["Đỗ Thị Mới"])
    await lan.send("/dues 2026-10")
    sheet = await lan.next_reply()
    assert "Đỗ Thị Mới: chưa có mức nộp" in sheet.text, sheet.text
    await lan.press(sheet, callback_data="dues:all")
    await lan.press(await lan.next_edit(), "Xác nhận")
    refused = await lan.next_edit()
    assert "Đỗ Thị Mới" in refused.text and "căn cứ tính đảng phí" in refused.text, refused.text
    await lan.press(refused, "Về bảng")
    sheet = await lan.next_edit()
    await lan.press(sheet, callback_data=f"dues:m:{new}")
    options = await lan.next_edit()
    await lan.press(options, "Đặt mức đóng")
    kinds = await lan.next_edit()
    assert "Đỗ Thị Mới" in kinds.text, kinds.text
    await lan.press(kinds, "Tiền lương đóng bảo hiểm xã hội")
    ask = await lan.next_edit()
    assert "5 triệu" in ask.text, ask.text
    lan.pending_replies()  # the note that the month's sheet is kept
    await lan.send("năm triệu")
    bad = await lan.next_reply()
    assert "5.000.000" in bad.text and "5tr" in bad.text, bad.text
    await lan.send("5 triệu")
    confirm = await lan.next_reply()
    assert "Tháng này: 50.000 đ" in confirm.text, confirm.text
    assert "5.000.000 đ" in confirm.text
    await lan.press(confirm, "Xác nhận")
    sheet = await lan.next_edit()
    assert "Đỗ Thị Mới: 50.000 đ" in sheet.text, sheet.text
    await lan.press(sheet, callback_data="dues:all")
    await lan.press(await lan.next_edit(), "Xác nhận")
    done = await lan.next_edit()
    assert "đã nộp 11" in done.text, done.text
    rows = await ledger(world, "C1")
    assert rows[new].paid == 50_000 and rows[ids[0]].paid == 20_000
    async with world.ctx.db.read() as tx:
        assert await dues_store.profile(tx, new) == DuesProfile("insured_salary", 5_000_000)


async def test_set_the_basis_from_the_card(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    (mid,) = await add_members(world.ctx, "C1", ["Đỗ Văn Hưu"])
    await lan.send("/members")
    await lan.press(await lan.next_reply(), callback_data=f"roster:view:{mid}")
    await lan.press(await lan.next_edit(), "Đảng phí")
    card = await lan.next_edit()
    assert "Tháng này: chưa có mức nộp" in card.text and "Mức đóng: chưa đặt" in card.text, (
        card.text
    )
    await lan.press(card, "Mức đóng")
    await lan.press(await lan.next_edit(), "Lương hưu")
    await lan.next_edit()
    await lan.send("4,5tr")
    confirm = await lan.next_reply()
    assert "Tháng này: 22.500 đ" in confirm.text, confirm.text
    await lan.press(confirm, "Xác nhận")
    card = await lan.next_edit()
    assert "Mức đóng: lương hưu 4.500.000 đ" in card.text, card.text
    assert "Tháng này: 22.500 đ" in card.text
    await lan.press(card, "Mức đóng")
    await lan.press(await lan.next_edit(), "Mức do chi bộ quy định")
    await lan.next_edit()
    await lan.send("30.000")
    await lan.press(await lan.next_reply(), "Xác nhận")
    card = await lan.next_edit()
    assert "Mức đóng: do chi bộ quy định, 30.000 đ" in card.text, card.text
    assert "Tháng này: 30.000 đ" in card.text


async def test_forged_basis_presses_are_refused(emu: BotApiEmulator, world: World):
    ids = await cell_of_ten(world)
    (own,) = await add_members(world.ctx, "C2", ["Người Chi Bộ Hai"])
    mallory = await world.secretary(1101, "C2")
    await mallory.send("/dues")
    sheet = await mallory.next_reply()
    for data in (f"dues:bs:{ids[0]}", f"dues:bs:{ids[0]}:20261001", f"dues:bk:{ids[0]}:pension"):
        await mallory.press_data(sheet, data)
        answer = await mallory.last_callback_answer()
        assert answer.show_alert and answer.text, (data, answer)
    # her own member's flow cannot be steered to another cell's member
    await mallory.press_data(sheet, f"dues:bs:{own}")
    await mallory.press_data(sheet, f"dues:bk:{ids[0]}:pension")
    answer = await mallory.last_callback_answer()
    assert answer.show_alert and answer.text, answer
    async with world.ctx.db.read() as tx:
        assert await dues_store.profile(tx, ids[0]) == DuesProfile(cell_amount=20_000)


async def test_gap_in_party_age_and_early_badge_from_the_card(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    (mid,) = await add_members(world.ctx, "C1", ["Đỗ Văn Lại"])
    await lan.send("/members")
    await lan.press(await lan.next_reply(), callback_data=f"roster:view:{mid}")
    await lan.press(await lan.next_edit(), "Đảng phí")
    card = await lan.next_edit()
    assert "Tuổi đảng: 16 năm 10 tháng" in card.text, card.text
    await lan.press(card, "Gián đoạn tuổi đảng")
    await lan.press(await lan.next_edit(), "Bị xóa tên")
    ask = await lan.next_edit()
    assert "15/03/2012" in ask.text, ask.text
    await lan.send("15/03/2012")
    assert "hai ngày" in (await lan.next_reply()).text
    await lan.send("15/03/2012 - 15/03/2015")
    await lan.next_reply()
    await lan.send("Quyết định số 45-QĐ/HU ngày 15/03/2015")
    confirm = await lan.next_reply()
    assert "15/03/2012 – 15/03/2015" in confirm.text, confirm.text
    await lan.press(confirm, "Xác nhận")
    card = await lan.next_edit()
    assert "Tuổi đảng: 13 năm 10 tháng" in card.text, card.text
    assert "Thời gian ở ngoài Đảng: 15/03/2012 – 15/03/2015" in card.text

    await lan.press(card, "Huy hiệu sớm")
    await lan.press(await lan.next_edit(), "30 năm")
    await lan.next_edit()
    await lan.send("Đơn của gia đình ngày 05/11/2026")
    await lan.press(await lan.next_reply(), "Xác nhận")
    card = await lan.next_edit()
    assert "Đã ghi đề nghị tặng sớm Huy hiệu 30 năm" in card.text, card.text
    async with world.ctx.db.read() as tx:
        assert (await badge_store.early_of_many(tx, [mid]))[mid] == (30,)


async def test_forged_gap_and_early_badge_presses_are_refused(emu: BotApiEmulator, world: World):
    ids = await cell_of_ten(world)
    await add_members(world.ctx, "C2", ["Người Chi Bộ Hai"])
    mallory = await world.secretary(1101, "C2")
    await mallory.send("/dues")
    sheet = await mallory.next_reply()
    for data in (
        f"dues:gap:{ids[0]}",
        f"dues:gr:{ids[0]}:removed",
        f"dues:ear:{ids[0]}",
        f"dues:em:{ids[0]}:30",
    ):
        await mallory.press_data(sheet, data)
        answer = await mallory.last_callback_answer()
        assert answer.show_alert and answer.text, (data, answer)
    async with world.ctx.db.read() as tx:
        assert await badge_store.gaps_of(tx, ids[0]) == []
