"""Reconciliation through the real Application: the secretary confirms the roster, an officer
uploads the official list, the secretary resolves, the report shows it."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from chibo.botapi_emulator import BotApiEmulator
from chibo.storage import reconciliation as store
from chibo.storage.reconciliation import RosterMember

from ..usecases.test_reconciliation import OFFICIAL_X
from ..usecases.test_status import build_world, org_id
from .conftest import World

END = date(2026, 12, 31)


@pytest.fixture
async def people(emu: BotApiEmulator, bot, ctx, clock) -> World:
    await build_world(ctx, clock, bind_users=False)
    return World(emu, ctx)


async def open_screen(user):
    await user.send("/menu")
    menu = await user.next_reply()
    await user.press(menu, "Đối khớp danh sách")
    return await user.next_edit()


async def test_secretary_reviews_and_confirms_the_roster(people: World):
    ctx = people.ctx
    lan = await people.secretary(1001, "C1")
    screen = await open_screen(lan)
    text = screen.text
    assert text.startswith("🔁 Đối khớp danh sách đảng viên — Chi bộ thôn 1")
    assert "Kỳ đến 31/12/2026 · danh sách tính đến 20/12/2026" in text
    assert "Tình trạng: ⏳ chưa xác nhận" in text
    assert "Đảng viên: 3 — chính thức 1 · dự bị 1 · miễn sinh hoạt 1" in text
    assert "Biến động sau ngày 30/06/2026:" in text
    assert "• Đã kết nạp: Trần Thị Bình (10/08/2026)" in text
    assert "• Đã chuyển sinh hoạt đi: Lê Văn Cường (01/09/2026)" in text
    assert "• Miễn công tác và sinh hoạt đảng: Phạm Văn Dũng (01/11/2026)" in text

    await lan.press(screen, "📋 Xem danh sách (3)")
    listing = await lan.next_edit()
    assert "1. Nguyễn Văn An — 02/01/1980" in listing.text
    assert "Trần Thị Bình" in listing.text and "Lê Văn Cường" not in listing.text
    await lan.press(listing, "« Quay lại")
    screen = await lan.next_edit()

    await lan.press(screen, "✅ Xác nhận danh sách đúng")
    answer = await lan.last_callback_answer()
    assert answer.text == "Đã xác nhận danh sách 3 đảng viên, kỳ đến 31/12/2026."
    confirmed = await lan.next_edit()
    assert "Tình trạng: ✅ đã xác nhận" in confirmed.text
    c1 = await org_id(ctx, "C1")
    async with ctx.db.read() as tx:
        snap = await store.snapshot(tx, c1, END)
    assert sorted(r.full_name for r in snap) == ["Nguyễn Văn An", "Phạm Văn Dũng", "Trần Thị Bình"]

    # the earlier half-year is still open: its button confirms that period
    await lan.press(confirmed, "Kỳ trước (đến 30/06/2026): chưa xác nhận")
    earlier = await lan.next_edit()
    assert "Kỳ đến 30/06/2026 · danh sách tính đến 30/06/2026" in earlier.text
    assert "Đảng viên: 3 — chính thức 3" in earlier.text
    await lan.press(earlier, "✅ Xác nhận danh sách đúng")
    await lan.next_edit()
    async with ctx.db.read() as tx:
        assert await store.cell_status(tx, c1, date(2026, 6, 30)) == "confirmed"


async def test_forged_confirmation_for_another_cell_is_refused(people: World):
    lan = await people.secretary(1001, "C1")
    screen = await open_screen(lan)
    c2 = await org_id(people.ctx, "C2")
    await lan.press_data(screen, f"rc:ok:{c2}:20261231")
    assert "không có quyền" in (await lan.last_callback_answer()).text
    await lan.press_data(screen, f"rc:ok:{await org_id(people.ctx, 'C1')}:20250630")
    assert "không còn mở" in (await lan.last_callback_answer()).text
    async with people.ctx.db.read() as tx:
        assert await store.confirmation(tx, c2, END) is None


async def test_officer_uploads_the_official_list_and_the_secretary_resolves(people: World):
    xa = await people.officer(2001, "X")
    lan = await people.secretary(1001, "C1")
    await xa.send("/status")
    status = await xa.next_reply()
    await xa.press(status, "📥 Đối khớp với danh sách chính thức")
    prompt = await xa.next_edit()
    assert "thêm cột “Chi bộ” hoặc “Mã chi bộ”" in prompt.text
    assert "Kỳ đối khớp: đến 31/12/2026" in prompt.text

    await xa.upload("dsdv.csv", OFFICIAL_X)
    result = await xa.next_reply()
    text = result.text
    assert text.startswith(
        "Đã đối chiếu danh sách chính thức dsdv.csv (5 dòng) với 2 chi bộ"
        " của Đảng ủy xã X, kỳ đến 31/12/2026."
    )
    assert "2 chi bộ có chênh lệch, 0 chi bộ khớp." in text
    assert (
        "Chi bộ thôn 1 (C1): 4 — thiếu ở chi bộ 1 · thiếu trong danh sách chính thức 0 ·"
        " lệch thông tin 2 · nghi nhập sai 1"
    ) in text
    assert (
        "≠ Nguyễn Văn An: lệch ngày sinh — chi bộ: 02/01/1980; danh sách chính thức: 03/01/1980"
    ) in text
    assert (
        "≠ Trần Thị Bình: lệch họ và tên — chi bộ: Trần Thị Bình; danh sách chính thức:"
        " Trần Thị Binh"
    ) in text
    assert (
        "≈ Phạm Văn Dũng: có thể là cùng một người, nghi nhập sai họ và tên — chi bộ:"
        " Phạm Văn Dũng; danh sách chính thức: Phạm Văn Dũnh"
    ) in text
    assert (
        "➕ Đinh Văn Phúc: có trong danh sách chính thức (dòng 5), không có trong danh sách chi bộ"
    ) in text
    assert "➖ Vũ Văn Hùng: có trong danh sách chi bộ, không có trong danh sách chính thức" in text

    # the secretary sees the points, fixes what is theirs, and confirms: resolved
    screen = await open_screen(lan)
    assert "Tình trạng: ❗ có chênh lệch cần xử lý" in screen.text
    assert "Danh sách chính thức của cấp ủy chênh lệch với danh sách chi bộ 4 điểm:" in (
        screen.text
    )
    await lan.press(screen, "✅ Đã xử lý — xác nhận danh sách")
    done = await lan.next_edit()
    assert "Tình trạng: ☑️ đã xử lý chênh lệch" in done.text

    # the officer reads it in /status and in the report
    await xa.send("/status")
    assert "🔁 đã xử lý chênh lệch" in (await xa.next_reply()).text
    await xa.send("/report")
    document = await xa.next_document()
    wb = load_workbook(io.BytesIO(document.data))
    recon = wb["Đối khớp danh sách"]
    rows = {
        r[0]: tuple(v.date() if isinstance(v, datetime) else v for v in r)
        for r in recon.iter_rows(min_row=2, values_only=True)
    }
    assert rows["C1"][3:] == (END, "đã xử lý chênh lệch", date(2026, 12, 20), 3, 0, 4)
    assert rows["C2"][3:] == (END, "có chênh lệch cần xử lý", None, None, 1, 1)
    found = [r for r in wb["Chênh lệch đối khớp"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[2], r[3], r[8]) for r in found] == [
        ("C1", "Lệch thông tin", "Nguyễn Văn An", "có"),
        ("C1", "Lệch thông tin", "Trần Thị Bình", "có"),
        ("C1", "Nghi nhập sai (cùng một người)", "Phạm Văn Dũng", "có"),
        ("C1", "Có trong danh sách chính thức, không có ở chi bộ", "Đinh Văn Phúc", "có"),
        ("C2", "Có ở chi bộ, không có trong danh sách chính thức", "Vũ Văn Hùng", "không"),
    ]


async def test_refused_list_names_the_rows_and_stores_nothing(people: World):
    xa = await people.officer(2001, "X")
    bad = OFFICIAL_X + "\nĐặng Văn Long,07/06/1975,300001,,,Chính thức,D1".encode()
    await xa.upload("dsdv.csv", bad)  # no conversation open: an officer's file is a list
    reply = await xa.next_reply()
    assert reply.text.startswith("Danh sách dsdv.csv chưa được đối chiếu:")
    assert "Dòng 7: “D1” không phải là chi bộ trực thuộc Đảng ủy xã X." in reply.text
    assert "Đặng Văn Long" not in reply.text
    c1 = await org_id(people.ctx, "C1")
    async with people.ctx.db.read() as tx:
        assert await store.discrepancies(tx, c1, END) == []
        roster: list[RosterMember] = await store.roster_on(tx, c1, END)
    assert len(roster) == 4


async def test_the_caption_names_the_period(people: World):
    xa = await people.officer(2001, "X")
    await xa.upload("dsdv.csv", OFFICIAL_X, caption="Danh sách đảng viên 2026-H1")
    reply = await xa.next_reply()
    assert "kỳ đến 30/06/2026" in reply.text.split("\n")[0]
    c1 = await org_id(people.ctx, "C1")
    async with people.ctx.db.read() as tx:
        assert await store.cell_status(tx, c1, date(2026, 6, 30)) == "discrepancies"
        assert await store.cell_status(tx, c1, END) == "not_confirmed"
