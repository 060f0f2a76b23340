"""The minutes in the chat: a secretary logs a meeting with the minutes details and receives
the minutes file; another cell's secretary cannot have it."""

from __future__ import annotations

import io

from docx import Document

from chibo.botapi_emulator import BotApiEmulator

from ..usecases.test_meeting_support import add_members
from .conftest import World


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


async def test_a_secretary_logs_a_meeting_and_receives_the_minutes(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    await add_members(world.ctx, "C1", ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    await add_members(world.ctx, "C2", ["Đỗ Thị Khác"])
    await lan.send("/meeting")
    step = await lan.next_reply()
    await lan.press(step, "Hôm nay")
    step = await lan.next_edit()
    await lan.press(step, "Thường kỳ")
    step = await lan.next_edit()
    await lan.press(step, "Lê Văn Cường")  # present → absent with reason
    step = await lan.next_edit()
    await lan.press(step, "Tiếp tục")
    step = await lan.next_edit()
    await lan.press(step, "Chi tiết biên bản")
    menu = await lan.next_edit()
    for button, typed in [
        ("Chủ trì", "Nguyễn Văn An"),
        ("Thư ký", "Trần Thị Bình"),
        ("Giờ khai mạc", "19h30"),
        ("Biểu quyết nghị quyết", "2/0/0"),
    ]:
        await lan.press(menu, button)
        await lan.next_edit()
        await lan.send(typed)
        menu = await lan.next_reply()
    assert "Chủ trì: Nguyễn Văn An" in menu.text and "19:30" in menu.text
    await lan.press(menu, "Giờ bế mạc")
    await lan.next_edit()
    await lan.send("25h")
    assert "19:30" in (await lan.next_reply()).text  # said what it expects
    prompt = await lan.next_reply()
    await lan.press(prompt, "Quay lại")
    menu = await lan.next_edit()
    await lan.press(menu, "Lý do vắng")
    pick = await lan.next_edit()
    await lan.press(pick, "Lê Văn Cường")
    await lan.next_edit()
    await lan.send("Đi công tác")
    pick = await lan.next_reply()
    await lan.press(pick, "Quay lại")
    menu = await lan.next_edit()
    await lan.press(menu, "Quay lại")
    step = await lan.next_edit()
    await lan.press(step, "Tiếp tục")
    step = await lan.next_edit()
    await lan.press(step, "Tốt")
    summary = await lan.next_edit()
    assert "Chủ trì: Nguyễn Văn An" in summary.text
    await lan.press(summary, "Lưu")
    saved = await lan.next_edit()
    await lan.press(saved, "Biên bản (DOCX)")
    doc = await lan.next_document()
    assert doc.filename.startswith("bien-ban-C1-") and doc.filename.endswith(".docx")
    text = text_of(doc.data)
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "Nguyễn Văn An", "Trần Thị Bình", "19:30"):
        assert expected in text
    assert "Lê Văn Cường (lý do: Đi công tác)" in text
    assert "Đỗ Thị Khác" not in text

    mid = saved.button("Biên bản (DOCX)").callback_data.split(":")[-1]
    other = await world.secretary(1003, "C2")
    await other.send("/menu")
    own = await other.next_reply()
    await other.press_data(own, f"pw:min:{mid}")  # a forged press on another cell's record
    answer = await other.last_callback_answer()
    assert answer.show_alert and "không có quyền" in answer.text, answer
    await other.expect_no_reply()
