"""The notice of the next meeting and the meeting book file in the chat; another cell's
secretary cannot have them with a forged button."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from chibo.botapi_emulator import BotApiEmulator

from ..usecases.test_meeting_support import add_members
from .conftest import World


async def test_the_secretary_sends_the_notice_and_gets_the_book(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await add_members(world.ctx, "C1", ["Nguyễn Văn An"])
    await add_members(world.ctx, "C2", ["Đỗ Thị Khác"])
    await lan.send("/meetings")
    book = await lan.next_reply()
    await lan.press(book, "📣 Thông báo lịch sinh hoạt")
    screen = await lan.next_edit()
    assert "Đề xuất" in screen.text and "1. Đánh giá" in screen.text
    await lan.press(screen, "✏ Địa điểm")
    await lan.next_edit()
    await lan.send("Hội trường khu phố 3")
    screen = await lan.next_reply()
    assert "Hội trường khu phố 3" in screen.text and "Đã lưu" in screen.text
    await lan.press(screen, "✏ Giờ")
    await lan.next_edit()
    await lan.send("25h")
    assert "19:30" in (await lan.next_reply()).text  # says what it expects
    await lan.send("19h30")
    screen = await lan.next_reply()
    await lan.press(screen, "📤 Gửi nội dung thông báo để chuyển tiếp")
    notice = await lan.next_reply()
    assert notice.text.startswith("THÔNG BÁO LỊCH SINH HOẠT CHI BỘ")
    assert "19:30" in notice.text and "Hội trường khu phố 3" in notice.text
    assert not notice.reply_markup  # plain text of its own: forwardable

    await lan.send("/meetings")
    book = await lan.next_reply()
    year = world.ctx.today().year
    await lan.press(book, f"📒 Sổ sinh hoạt {year} (Excel)")
    doc = await lan.next_document()
    assert doc.filename == f"so-sinh-hoat-C1-{year}.xlsx"
    ws = load_workbook(io.BytesIO(doc.data)).active
    assert ws["A1"].value.startswith("SỔ SINH HOẠT CHI BỘ")

    org = book.button("📣 Thông báo lịch sinh hoạt").callback_data.split(":")[-1]
    other = await world.secretary(1003, "C2")
    await other.send("/menu")
    own = await other.next_reply()
    for forged in (f"nt:send:{org}", f"pw:book:{org}:{year}:docx", f"pw:roll:{org}:xlsx"):
        await other.press_data(own, forged)
        answer = await other.last_callback_answer()
        assert answer.show_alert and "không có quyền" in answer.text, (forged, answer)
    await other.expect_no_reply()
