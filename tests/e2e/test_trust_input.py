"""Issue 9 §4–5: unfinished work is never silently lost; input the way phones produce it."""

from __future__ import annotations

from chibo.botapi_emulator import BotApiEmulator
from chibo.usecases import drafts as drafts_uc

from ..usecases.test_meeting_support import CELL_NAMES, add_members
from .conftest import World


async def test_opening_the_roster_during_a_meeting_entry_keeps_the_entry(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    await add_members(world.ctx, "C1", CELL_NAMES)
    await lan.send("/meeting")
    meeting = await lan.next_reply()
    await lan.press(meeting, "Hôm nay")
    meeting = await lan.next_edit()
    assert "là loại nào" in meeting.text

    await lan.send("/members")
    notice, roster = await lan.next_reply(), await lan.next_reply()
    assert "ghi sinh hoạt chi bộ chưa xong vẫn được giữ" in notice.text, notice.text
    assert [b.text for row in notice.buttons for b in row] == [
        "Tiếp tục ghi sinh hoạt chi bộ",
        "Bỏ phần này",
    ]
    assert "Đảng viên" in roster.text
    # text typed now goes to the screen seen last: the roster search
    await lan.send("Bình")
    assert "Tìm “Bình”: thấy 1" in (await lan.next_reply()).text

    # the meeting entry is still there: its buttons work, then typed text goes to it again
    await lan.press(meeting, "Thường kỳ")
    assert "Có mặt" in (await lan.next_edit()).text
    live = (await drafts_uc.current(world.ctx, 1001)).draft
    assert live is not None and live.kind == "meeting"


async def test_continue_from_the_notice_shows_the_kept_entry_again(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    await lan.send("/meeting")
    meeting = await lan.next_reply()
    await lan.press(meeting, "Hôm nay")
    await lan.next_edit()
    await lan.send("/members")
    notice, _roster = await lan.next_reply(), await lan.next_reply()
    await lan.press(notice, "Tiếp tục ghi sinh hoạt chi bộ")
    again = await lan.next_edit()
    assert "là loại nào" in again.text
    await lan.send("/members")
    notice, _roster = await lan.next_reply(), await lan.next_reply()
    await lan.press(notice, "Bỏ phần này")
    assert "Đã bỏ" in (await lan.next_edit()).text
    assert await drafts_uc.get(world.ctx, 1001, ("meeting",)) is None
    press = await lan.press(meeting, "Thường kỳ")  # discarded: its buttons say so
    answer = await press.wait_answer()
    assert answer.show_alert and answer.text


async def test_cancel_drops_only_the_screen_seen_last(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/meeting")
    meeting = await lan.next_reply()
    await lan.press(meeting, "Hôm nay")
    await lan.next_edit()
    await lan.send("/members")
    lan.pending_replies()
    await emu.wait_idle()
    lan.pending_replies()
    await lan.send("/cancel")
    cancelled = await lan.next_reply()
    assert "Đã hủy" in cancelled.text
    assert "ghi sinh hoạt chi bộ chưa xong vẫn được giữ" in cancelled.text
    assert await drafts_uc.get(world.ctx, 1001, ("meeting",)) is not None


def _labels(message) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def test_an_age_refusal_offers_to_go_back_to_the_birth_date(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    await lan.send("/members")
    await lan.press(await lan.next_reply(), "Thêm đảng viên")
    await lan.next_edit()
    await lan.send("Lê Thị Hoa")
    await lan.next_reply()
    await lan.send("15/3/2010")  # a typo: born 2000
    gender = await lan.next_reply()
    await lan.press(gender, "Nữ")
    status = await lan.next_edit()
    await lan.press(status, "Chính thức")
    decision = await lan.next_edit()
    await lan.send("01/02/2026")
    refused = await lan.next_reply()
    assert "đủ 18 tuổi" in refused.text
    assert "« Quay lại" in _labels(refused)
    screen = refused
    for expected in ("Trạng thái", "Giới tính", "Ngày sinh"):
        await lan.press(screen, "« Quay lại")
        screen = await lan.next_edit()
        assert expected in screen.text, screen.text
    assert "Hiện nay: 15/03/2010" in screen.text
    await lan.send("15/3/2000")
    # the answers given since are kept: straight back to the question that was refused
    again = await lan.next_reply()
    assert "Ngày vào Đảng" in again.text, again.text
    await lan.send("01/02/2026")
    assert "lễ kết nạp" in (await lan.next_reply()).text
    del decision


async def _member_form(lan) -> None:
    await lan.send("/members")
    await lan.press(await lan.next_reply(), "Thêm đảng viên")
    await lan.next_edit()


async def test_names_are_two_words_of_letters_and_a_name_without_diacritics_is_noticed(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    await _member_form(lan)
    await lan.send("An")
    assert "ít nhất hai chữ" in (await lan.next_reply()).text
    await lan.send("Nguyễn Văn 2")
    assert "không có chữ số" in (await lan.next_reply()).text
    await lan.send("Nguyễn Văn An 🙂")
    assert "không có chữ số, biểu tượng cảm xúc" in (await lan.next_reply()).text
    await lan.send("Nguyen Van An")
    warned = await lan.next_reply()
    assert "gõ không dấu" in warned.text and "thẻ căn cước" in warned.text
    assert "Ngày sinh của đồng chí Nguyen Van An" in (await lan.next_reply()).text


async def test_dates_the_way_phones_type_them(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")  # the clock: 23/11/2026
    await _member_form(lan)
    await lan.send("Lê Thị Hoa")
    await lan.next_reply()
    await lan.send("31/02/2000")
    assert "tháng 02/2000 chỉ có 29 ngày" in (await lan.next_reply()).text
    await lan.send("ngày xưa")
    unreadable = (await lan.next_reply()).text
    assert "Không đọc được “ngày xưa” là ngày nào" in unreadable
    await lan.send("/cancel")
    await lan.next_reply()

    await lan.send("/meeting")
    meeting = await lan.next_reply()
    await lan.send("ngày xưa")
    assert "Không đọc được “ngày xưa” là ngày nào" in (await lan.next_reply()).text  # same words
    await lan.next_reply()
    await lan.send("5/12")  # a meeting is never ahead: last December
    assert "Buổi sinh hoạt ngày 05/12/2025 là loại nào?" in (await lan.next_reply()).text
    del meeting


async def test_a_probationary_member_is_not_asked_for_a_party_card(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    await _member_form(lan)
    await lan.send("Lê Thị Hoa")
    await lan.next_reply()
    await lan.send("15/3/2000")
    await lan.press(await lan.next_reply(), "Nữ")
    await lan.press(await lan.next_edit(), "Dự bị")
    await lan.next_edit()
    await lan.send("01/02/2026")
    await lan.next_reply()
    await lan.send("10/02/2026")
    asked = await lan.next_reply()
    assert "thẻ đảng viên" not in asked.text.lower(), asked.text
    assert "căn cước" in asked.text
    await lan.send("001200001234")
    summary = await lan.next_reply()
    assert "Ngày kết nạp: 10/02/2026" in summary.text
    assert "Số thẻ đảng viên" not in summary.text, summary.text
