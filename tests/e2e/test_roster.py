"""The roster in the chat: import a file, bad files, the guided add flow, search, export."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from chibo.botapi_emulator import BotApiEmulator
from chibo.storage import members as store
from chibo.usecases import orgs as orgs_uc

from .conftest import World

HEADER = (
    "Họ và tên;Ngày sinh;Giới tính;Số thẻ đảng viên;Số CCCD;Ngày vào Đảng;Ngày kết nạp;"
    "Ngày chính thức;Trạng thái;Ngày trạng thái"
)
ROWS = [
    "Nguyễn Văn An;15/01/1960;Nam;79.000001;079060000001;01/03/1985;10/03/1985;10/03/1986;"
    "Chính thức;10/03/1986",
    "Trần Thị Bình;02/07/1975;Nữ;79.000002;;01/05/1999;19/05/1999;19/05/2000;Chính thức;",
    "Lê Văn Cường;03/09/2001;Nam;;;05/01/2026;20/01/2026;;Dự bị;",
]
GOOD = ("\n".join([HEADER, *ROWS]) + "\n").encode("utf-8-sig")


async def roster_of(world: World, code: str = "C1") -> dict[str, store.Member]:
    org = await orgs_uc.get_org(world.ctx, code)
    async with world.ctx.db.read() as tx:
        return {m.full_name: m for m in await store.of_org(tx, org.id)}


async def test_import_a_roster_file_from_the_menu(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/menu")
    menu = await lan.next_reply()
    await lan.press(menu, "Đảng viên")
    listing = await lan.next_edit()
    assert "Chưa có đảng viên nào" in listing.text
    await lan.press(listing, "Nhập từ tệp")
    howto = await lan.next_edit()
    assert "Họ và tên, Ngày sinh, Giới tính" in howto.text

    await lan.upload("danh-sach.csv", GOOD)
    report = await lan.next_reply()
    assert "tất cả đều đúng" in report.text and "Thêm mới: 3" in report.text
    assert await roster_of(world) == {}  # nothing before confirming
    await lan.press(report, "Nhập vào danh sách")
    done = await lan.next_edit()
    assert done.text.startswith("Đã nhập tệp danh-sach.csv: 3 dòng.")
    got = await roster_of(world)
    assert got["Lê Văn Cường"].status == "probationary"
    assert got["Trần Thị Bình"].status_date == date(2000, 5, 19)

    # the same file again, sent at any time: nothing to change, no confirmation asked
    await lan.upload("danh-sach.csv", GOOD)
    again = await lan.next_reply()
    assert "Không có gì thay đổi" in again.text and "Không đổi: 3" in again.text
    assert not any(b.text == "✅ Nhập vào danh sách" for row in again.buttons for b in row)


async def test_a_bad_file_reports_row_errors_and_stores_nothing(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    bad = (
        "\n".join(
            [
                HEADER,
                ROWS[0],
                "Vũ Văn Giàu;31/02/1980;Nam;;;;;;Chính thức;01/01/2000",
                "Bùi Văn Ích;01/01/2010;Nam;;;01/03/2026;10/03/2026;;Dự bị;",
                "Đặng Thị Hà;01/01/1990;X;;12345;;;;Chính thức;01/01/2015",
            ]
        )
        + "\n"
    )
    await lan.upload("loi.csv", bad.encode())
    report = await lan.next_reply()
    text = report.text
    assert text.startswith("Tệp loi.csv: 3/4 dòng có lỗi. Chưa lưu gì.")
    assert "• Dòng 3: Ngày sinh: “31/02/1980” không phải là ngày" in text
    assert "• Dòng 4: Người vào Đảng phải đủ 18 tuổi (Điều lệ Đảng, Điều 1" in text
    assert "• Dòng 5: Giới tính: không hiểu “X”" in text
    assert "• Dòng 5: Số căn cước: “12345” có 5 chữ số" in text
    assert "Dòng 2" not in text
    assert [b.text for row in report.buttons for b in row] == ["« Danh sách đảng viên"]
    assert await roster_of(world) == {}

    await lan.upload("anh.pdf", b"%PDF")  # still in the roster: told what to send
    assert (await lan.next_reply()).text.startswith("Hãy gửi danh sách bằng tệp Excel (.xlsx)")


async def test_add_a_member_step_by_step(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/members")
    listing = await lan.next_reply()
    await lan.press(listing, "Thêm đảng viên")
    ask = await lan.next_edit()
    assert ask.text.startswith("Họ và tên đảng viên?")
    await lan.send("  lê   thị Hoa ")
    assert "Ngày sinh của đồng chí lê thị Hoa" in (await lan.next_reply()).text
    await lan.send("15/3/2000")
    gender = await lan.next_reply()
    await lan.press(gender, "Nữ")
    status = await lan.next_edit()
    await lan.press(status, "Dự bị")
    decision = await lan.next_edit()
    assert "Ngày vào Đảng" in decision.text
    await lan.send("01/02/2026")
    ceremony = await lan.next_reply()
    assert "lễ kết nạp" in ceremony.text
    assert "Bỏ qua" not in [b.text for row in ceremony.buttons for b in row]  # required
    await lan.send("31/01/2026")  # before the decision: refused, asked again
    refused = await lan.next_reply()
    assert "không thể trước ngày quyết định kết nạp" in refused.text
    assert "lễ kết nạp" in refused.text
    await lan.send("hôm qua")
    cccd = await lan.next_reply()  # a probationary member has no party card yet: not asked
    assert "Số căn cước" in cccd.text and "thẻ đảng viên" not in cccd.text
    await lan.send("0012 0000 1234")  # 12 digits with spaces
    summary = await lan.next_reply()
    assert (
        "Ngày kết nạp: 22/11/2026" in summary.text and "Số căn cước: ********1234" in summary.text
    )
    assert await roster_of(world) == {}
    await lan.press(summary, "Lưu")
    card = await lan.next_edit()
    assert card.text.startswith("Đã lưu: đồng chí lê thị Hoa đã có trong danh sách.")
    hoa = (await roster_of(world))["lê thị Hoa"]
    assert (hoa.status, hoa.ceremony_date, hoa.cccd) == (
        "probationary",
        date(2026, 11, 22),
        "001200001234",
    )
    del cccd

    # search by typing a name without diacritics, then open the card
    await lan.send("/members")
    await lan.next_reply()
    await lan.send("hoa")
    found = await lan.next_reply()
    assert "Tìm “hoa”: thấy 1 người." in found.text
    await lan.press(found, "lê thị Hoa")
    shown = await lan.next_edit()
    assert "Số căn cước: ********1234" in shown.text and "001200001234" not in shown.text


async def test_cancel_leaves_nothing(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/members")
    await lan.press(await lan.next_reply(), "Thêm đảng viên")
    await lan.next_edit()
    await lan.send("Nguyễn Văn Bảy")
    await lan.next_reply()
    await lan.send("ngày mai")  # unreadable: re-asked
    assert "Không đọc được “ngày mai” là ngày nào" in (await lan.next_reply()).text
    await lan.send("/cancel")
    assert (await lan.next_reply()).text == "Đã hủy. Không có gì được lưu."
    assert await roster_of(world) == {}


async def test_export_button_sends_the_template(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.upload("ds.csv", GOOD)
    await lan.press(await lan.next_reply(), "Nhập vào danh sách")
    await lan.next_edit()
    await lan.send("/members")
    listing = await lan.next_reply()
    assert "Đang sinh hoạt: 3 (chính thức 2, dự bị 1" in listing.text
    await lan.press(listing, "Xuất ra Excel")
    doc = await lan.next_document()
    assert doc.filename.startswith("dang-vien-C1-") and doc.filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(doc.data)).active
    assert ws.max_row == 4 and ws["A1"].value == "Họ và tên"
    # sending the exported file back changes nothing
    await lan.upload(doc.filename, doc.data)
    assert "Không đổi: 3" in (await lan.next_reply()).text


async def test_roster_buttons_of_another_cell_are_refused(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.upload("ds.csv", GOOD)
    await lan.press(await lan.next_reply(), "Nhập vào danh sách")
    await lan.next_edit()
    an = (await roster_of(world))["Nguyễn Văn An"].id
    mallory = await world.secretary(1002, "C2")
    await mallory.send("/members")
    own = await mallory.next_reply()
    for data in (f"roster:view:{an}", f"roster:edit:{an}", f"roster:sts:{an}:deceased"):
        await mallory.press_data(own, data)
        answer = await mallory.last_callback_answer()
        assert answer.show_alert and "không có quyền" in answer.text, answer
    await mallory.expect_no_reply()
    assert (await roster_of(world))["Nguyễn Văn An"].status == "official"


async def imported(world: World, lan) -> dict[str, store.Member]:
    await lan.upload("ds.csv", GOOD)
    await lan.press(await lan.next_reply(), "Nhập vào danh sách")
    await lan.next_edit()
    return await roster_of(world)


async def test_edit_a_field_and_change_the_status(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    an = (await imported(world, lan))["Nguyễn Văn An"].id
    await lan.send("/members")
    await lan.press(await lan.next_reply(), "Nguyễn Văn An")
    card = await lan.next_edit()
    await lan.press(card, "Sửa")
    fields = await lan.next_edit()
    await lan.press(fields, "Số căn cước")
    ask = await lan.next_edit()
    assert ask.text.startswith("Hiện nay: ********0001")
    await lan.send("12345")
    again = await lan.next_reply()
    assert "“12345” có 5 chữ số" in again.text
    await lan.send("079060000002")
    saved = await lan.next_reply()
    assert saved.text.startswith("Đã lưu.") and "********0002" in saved.text

    await lan.press(saved, "Đổi trạng thái")
    statuses = await lan.next_edit()
    await lan.press(statuses, "Đã chuyển sinh hoạt đi")
    when = await lan.next_edit()
    assert "từ ngày nào" in when.text
    await lan.send("01/12/2026")  # in the future: refused
    assert "ngày trong tương lai" in (await lan.next_reply()).text
    await lan.send("20/11/2026")
    done = await lan.next_reply()
    assert done.text.startswith("Đã đổi trạng thái.")
    assert "20/11/2026 — Đã chuyển sinh hoạt đi" in done.text
    moved = (await roster_of(world))["Nguyễn Văn An"]
    assert (moved.id, moved.status, moved.cccd) == (an, "transferred_out", "079060000002")

    await lan.send("/members")
    listing = await lan.next_reply()
    assert "Nguyễn Văn An" not in listing.text
    await lan.press(listing, "Đã chuyển đi, xóa tên, từ trần (1)")
    former = await lan.next_edit()
    assert former.button("Nguyễn Văn An (1960) · Đã chuyển sinh hoạt đi")


async def test_same_name_and_birth_date_asks_for_confirmation(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await imported(world, lan)
    await lan.send("/members")
    await lan.press(await lan.next_reply(), "Thêm đảng viên")
    await lan.next_edit()
    await lan.send("Nguyen Van An")
    assert "gõ không dấu" in (await lan.next_reply()).text  # a warning, not a refusal
    await lan.next_reply()
    await lan.send("15/01/1960")
    await lan.press(await lan.next_reply(), "Bỏ qua")  # gender
    status = await lan.next_edit()
    await lan.press(status, "Miễn công tác và sinh hoạt đảng")
    step = await lan.next_edit()
    for _ in range(3):  # decision, ceremony, official date: skipped
        await lan.press(step, "Bỏ qua")
        step = await lan.next_edit()
    assert "từ ngày nào" in step.text
    await lan.press(step, "Hôm nay")
    step = await lan.next_edit()
    for _ in range(2):  # card, CCCD
        await lan.press(step, "Bỏ qua")
        step = await lan.next_edit()
    await lan.press(step, "Lưu")
    twin = await lan.next_edit()
    assert "đã có trong danh sách của chi bộ" in twin.text
    assert len(await roster_of(world)) == 3
    await lan.press(twin, "Đúng, thêm người này")
    saved = await lan.next_edit()
    assert saved.text.startswith("Đã lưu: đồng chí Nguyen Van An")
    assert len(await roster_of(world)) == 4
