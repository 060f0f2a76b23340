"""Logging and reading cell meetings through the real Application and the emulator."""

from __future__ import annotations

from datetime import date

from chibo.botapi_emulator import BotApiEmulator, UserDriver
from chibo.botapi_emulator.state import ChatMessage
from chibo.handlers.reminders import TelegramNotifier
from chibo.storage import audit
from chibo.storage.meetings import MeetingFields, TaskFields
from chibo.usecases import meetings as uc
from chibo.usecases import reminders as reminders_uc

from ..usecases.test_meeting_support import CELL_NAMES, add_members, admitted, org_id
from .conftest import World

TODAY = date(2026, 11, 23)


class Presser:
    """Presses buttons of the message the flow keeps editing, counting the presses."""

    def __init__(self, user: UserDriver) -> None:
        self.user = user
        self.count = 0

    async def __call__(self, message: ChatMessage, text: str) -> ChatMessage:
        self.count += 1
        await self.user.press(message, text)
        return await self.user.next_edit()


async def stored(world: World, code: str = "C1") -> list:
    lines, _ = await uc.recent(world.ctx, "cli", await org_id(world.ctx, code), limit=50)
    return [line.meeting for line in lines]


async def test_a_typical_meeting_by_button_presses_only(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await add_members(world.ctx, "C1", CELL_NAMES)
    await add_members(world.ctx, "C1", ["Cụ Tư"], status="exempt")
    await lan.send("/menu")
    press = Presser(lan)

    step = await press(await lan.next_reply(), "Ghi sinh hoạt chi bộ")
    assert "Bước 1/5 · Ngày họp" in step.text
    step = await press(step, "Hôm nay")
    assert "Buổi sinh hoạt ngày 23/11/2026 là loại nào?" in step.text
    step = await press(step, "Thường kỳ")
    assert "Có mặt 10/10 · vắng có lý do 0 · không lý do 0" in step.text
    assert "Miễn sinh hoạt (không tính vắng): Cụ Tư" in step.text
    assert "Trang 1/2" in step.text and len(step.buttons) == 8 + 4
    step = await press(step, "Tiếp tục")
    assert "Bước 4/5" in step.text
    step = await press(step, "Tiếp tục")
    step = await press(step, "Tốt")
    assert "Chi bộ tự đánh giá: Tốt" in step.text and "Chưa bấm Lưu" in step.text
    assert await stored(world) == []  # nothing before confirmation
    saved = await press(step, "Lưu")
    assert press.count <= 8, press.count
    assert "Đã ghi buổi sinh hoạt ngày 23/11/2026 vào sổ" in saved.text
    assert "BIÊN BẢN SINH HOẠT CHI BỘ" in saved.text
    assert "✅ Có mặt (10): " in saved.text and "⚪ Miễn sinh hoạt (1): Cụ Tư" in saved.text

    [meeting] = await stored(world)
    assert (meeting.held_on, meeting.kind, meeting.rating) == (TODAY, "regular", "Tốt")
    assert (await uc.detail(world.ctx, 1001, meeting.id)).counts.present == 10

    await lan.send("/meetings")
    book = await lan.next_reply()
    assert "Sổ sinh hoạt — Chi bộ thôn 1" in book.text
    await lan.press(book, "Năm 2026")
    year = await lan.next_edit()
    assert "✅ Tháng 11: 23/11/2026 · dự họp 100% · Tốt" in year.text
    assert "❌ Tháng 10: chưa ghi" in year.text and "⏳ Quý 4" in year.text


async def test_attendance_tasks_and_a_typed_topic_by_the_deputy(emu: BotApiEmulator, world: World):
    minh = await world.deputy(1002, "C1")
    an, binh, cuong = await add_members(world.ctx, "C1", ["An", "Bình", "Cường"])
    await minh.send("/meeting")
    press = Presser(minh)
    step = await press(await minh.next_reply(), "Hôm qua")
    step = await press(step, "Chuyên đề")
    assert "tên chuyên đề" in step.text
    await minh.send("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")
    step = await minh.next_reply()
    assert "Có mặt 3/3" in step.text
    step = await press(step, "Bình")
    assert "Có mặt 2/3 · vắng có lý do 1 · không lý do 0" in step.text
    step = await press(step, "Cường")
    step = await press(step, "Cường")
    assert "Có mặt 1/3 · vắng có lý do 1 · không lý do 1" in step.text
    step = await press(step, "Tiếp tục")
    step = await press(step, "Giao nhiệm vụ")
    step = await press(step, "An")
    await minh.send("Viết bài thu hoạch")
    step = await minh.next_reply()
    assert "Hạn hoàn thành" in step.text
    step = await press(step, "Sau 1 tuần")
    assert "1. An: Viết bài thu hoạch (hạn 29/11/2026)" in step.text
    step = await press(step, "Cấp ủy viên cấp trên dự")
    await minh.send("Đ/c Nguyễn Văn Tám, Phó Bí thư Đảng ủy xã")
    step = await minh.next_reply()
    step = await press(step, "Tiếp tục")
    step = await press(step, "Khá")
    assert "🟡 Vắng có lý do: Bình" in step.text and "❌ Vắng không lý do: Cường" in step.text
    saved = await press(step, "Lưu")
    assert "Chuyên đề: Học tập và làm theo" in saved.text

    [meeting] = await stored(world)
    detail = await uc.detail(world.ctx, 1002, meeting.id)
    assert meeting.kind == "thematic" and meeting.held_on == date(2026, 11, 22)
    assert meeting.upper_attendee == "Đ/c Nguyễn Văn Tám, Phó Bí thư Đảng ủy xã"
    assert {a.member_id: a.status for a in detail.attendees} == {
        an: "present",
        binh: "excused",
        cuong: "unexcused",
    }
    assert [(t.member_id, t.task, t.due_date) for t in detail.tasks] == [
        (an, "Viết bài thu hoạch", date(2026, 11, 29))
    ]
    async with world.ctx.db.read() as tx:
        [entry] = await audit.entries(tx, entity="meeting", entity_id=meeting.id)
    assert entry.actor == "1002" and entry.action == "create"

    # the task is marked done from the record
    done = await press(saved, "Xong: An")
    assert "✔ đã xong 23/11/2026" in done.text


async def test_a_bad_date_is_asked_again(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    await lan.send("/meeting")
    await lan.next_reply()
    await lan.send("32/13")
    assert "Không đọc được “32/13” là ngày nào" in (await lan.next_reply()).text
    assert "Bước 1/5" in (await lan.next_reply()).text
    await lan.send("30/11/2026")
    assert "là ngày chưa đến" in (await lan.next_reply()).text
    assert "Bước 1/5" in (await lan.next_reply()).text
    await lan.send("5/3/2025")  # back-filling an old meeting
    assert "Buổi sinh hoạt ngày 05/03/2025 là loại nào?" in (await lan.next_reply()).text


async def test_cancel_and_timeout_leave_nothing(emu: BotApiEmulator, world: World, clock):
    lan = await world.secretary(1001, "C1")
    await add_members(world.ctx, "C1", ["An", "Bình"])
    await lan.send("/meeting")
    press = Presser(lan)
    step = await press(await lan.next_reply(), "Hôm nay")
    step = await press(step, "Bất thường")
    step = await press(step, "An")
    cancelled = await press(step, "Hủy")
    assert cancelled.text == "Đã hủy. Không có gì được lưu."
    await lan.press(step, "Tiếp tục")  # the old keyboard no longer works
    assert "đã đóng" in (await lan.last_callback_answer()).text

    await lan.send("/meeting")
    step = await press(await lan.next_reply(), "Hôm nay")
    await lan.send("/cancel")
    assert (await lan.next_reply()).text == "Đã hủy. Không có gì được lưu."

    await lan.send("/meeting")
    step = await press(await lan.next_reply(), "Hôm nay")
    clock.advance(minutes=31)
    await lan.press(step, "Thường kỳ")
    assert "quá thời gian" in (await lan.last_callback_answer()).text
    assert await stored(world) == []


async def test_a_second_regular_meeting_offers_to_edit_the_first_and_the_edit_is_audited(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1")
    c1 = await org_id(world.ctx, "C1")
    first = await uc.record(
        world.ctx,
        actor="cli",
        org_id=c1,
        inp=uc.MeetingInput(MeetingFields(date(2026, 11, 5), "regular", rating="Trung bình")),
    )
    await lan.send("/meeting")
    press = Presser(lan)
    step = await press(await lan.next_reply(), "Hôm nay")
    dup = await press(step, "Thường kỳ")
    assert "Tháng 11/2026 đã ghi buổi sinh hoạt thường kỳ (ngày 05/11/2026)" in dup.text
    summary = await press(dup, "Sửa biên bản buổi đó")
    assert "kiểm tra lại các thay đổi" in summary.text and "05/11/2026" in summary.text
    step = await press(summary, "Tự đánh giá")
    summary = await press(step, "Khá")
    assert "Chi bộ tự đánh giá: Khá" in summary.text
    saved = await press(summary, "Lưu")
    assert "Đã lưu thay đổi biên bản sinh hoạt ngày 05/11/2026" in saved.text
    assert len(await stored(world)) == 1
    async with world.ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="meeting", entity_id=first.id))[0]
    assert (entry.action, entry.actor) == ("update", "1001")
    assert (entry.before["rating"], entry.after["rating"]) == ("Trung bình", "Khá")

    # deleting, confirmed, is audited too
    confirm = await press(saved, "Xóa")
    gone = await press(confirm, "🗑 Xóa")
    assert "Đã xóa biên bản" in gone.text and await stored(world) == []


async def test_another_cells_secretary_can_neither_see_nor_edit(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    other = await world.secretary(1003, "C2")
    c1 = await org_id(world.ctx, "C1")
    [an] = await add_members(world.ctx, "C1", ["An"])
    meeting = await uc.record(
        world.ctx,
        actor=1001,
        org_id=c1,
        inp=uc.MeetingInput(
            MeetingFields(date(2026, 11, 5), "regular", rating="Tốt"),
            {an: "present"},
            [TaskFields(an, "Việc của chi bộ 1", date(2026, 11, 30))],
        ),
    )
    [task] = (await uc.detail(world.ctx, 1001, meeting.id)).tasks

    await other.send("/meetings")
    book = await other.next_reply()
    assert "Chi bộ thôn 2" in book.text and "Chưa ghi buổi sinh hoạt nào" in book.text
    assert not any("05/11/2026" in b.text for row in book.buttons for b in row)
    for data in (
        f"mt:v:{meeting.id}",
        f"mt:edit:{meeting.id}",
        f"mt:del:{meeting.id}",
        f"mt:delok:{meeting.id}",
        f"mt:list:{c1}:0",
        f"mt:yr:{c1}:2026",
        f"mt:mems:{c1}:0",
        f"mt:ma:{an}",
        f"mt:dd:{task.id}",
        f"mt:done:{task.id}",
        f"mt:new:{c1}",
    ):
        await other.press_data(book, data)
        answer = await other.last_callback_answer()
        assert "không có quyền" in answer.text, (data, answer.text)
    # inside their own flow, another cell's member cannot be ticked or given a task
    await other.send("/meeting")
    press = Presser(other)
    step = await press(await other.next_reply(), "Hôm nay")
    step = await press(step, "Bất thường")
    await other.press_data(step, f"mt:tog:{an}")
    assert "hết hiệu lực" in (await other.last_callback_answer()).text
    step = await press(step, "Tiếp tục")
    step = await press(step, "Giao nhiệm vụ")
    await other.press_data(step, f"mt:tm:{an}")
    assert "không phải đảng viên" in (await other.last_callback_answer()).text
    await other.press_data(step, "mt:tog:notanumber:x")
    assert "hết hiệu lực" in (await other.last_callback_answer()).text

    detail = await uc.detail(world.ctx, 1001, meeting.id)
    assert detail.meeting.rating == "Tốt" and detail.tasks[0].done_on is None
    await lan.expect_no_reply()


async def test_task_reminder_with_a_mark_done_button(emu: BotApiEmulator, world: World, bot):
    lan = await world.secretary(1001, "C1")
    c1 = await org_id(world.ctx, "C1")
    [an, *_] = await add_members(world.ctx, "C1", ["An", "Bình", "Cường"])
    meeting = await uc.record(
        world.ctx,
        actor=1001,
        org_id=c1,
        inp=uc.MeetingInput(
            MeetingFields(date(2026, 11, 5), "regular"),
            None,
            [TaskFields(an, "Nộp bản kiểm điểm", TODAY)],
        ),
    )
    report = await reminders_uc.sweep(world.ctx, TelegramNotifier.for_app(bot, "vi"))
    assert [key for key, _user in report.sent] == ["meeting.task:task:1:due"]
    reminder = await lan.next_reply()
    assert "Nộp bản kiểm điểm" in reminder.text and "23/11/2026" in reminder.text
    await lan.press(reminder, "Đánh dấu đã xong")
    assert "Đã đánh dấu xong" in (await lan.last_callback_answer()).text
    assert "✔ Đã đánh dấu xong ngày 23/11/2026." in (await lan.next_edit()).text
    assert (await uc.detail(world.ctx, 1001, meeting.id)).tasks[0].done_on == TODAY
    assert (await reminders_uc.sweep(world.ctx, TelegramNotifier.for_app(bot, "vi"))).sent == []


async def test_the_other_screens_in_english(emu: BotApiEmulator, world: World):
    bob = await world.secretary(1001, "C1", language_code="en")
    c1 = await org_id(world.ctx, "C1")
    [an, binh] = await add_members(world.ctx, "C1", ["An", "Bình"])
    for day, status in ((date(2026, 7, 6), "unexcused"), (date(2026, 8, 6), "unexcused")):
        await uc.record(
            world.ctx,
            actor="cli",
            org_id=c1,
            inp=uc.MeetingInput(MeetingFields(day, "regular"), {an: status, binh: "present"}),
        )
    await bob.send("/meeting")
    press = Presser(bob)
    step = await press(await bob.next_reply(), "Yesterday")
    step = await press(step, "Thematic")
    await bob.send("Party building")
    step = await bob.next_reply()
    step = await press(step, "Continue")
    step = await press(step, "Contents / resolution")
    await bob.send("Line one\nLine two")
    step = await bob.next_reply()
    assert "Main contents / resolution: Line one\nLine two" in step.text
    step = await press(step, "Contents / resolution")
    step = await press(step, "Clear it")
    assert "Main contents / resolution: —" in step.text
    step = await press(step, "Assign a task")
    step = await press(step, "Bình")
    await bob.send("Prepare the report")
    await bob.next_reply()
    await bob.send("1/12/2026")
    step = await bob.next_reply()
    assert "1. Bình: Prepare the report (due 01/12/2026)" in step.text
    step = await press(step, "Remove the last task")
    assert "Tasks assigned" not in step.text
    step = await press(step, "Continue")
    summary = await press(step, "Tốt")  # the configured levels are shown as they are
    step = await press(summary, "Kind")
    step = await press(step, "Thematic")
    assert "Now: Party building" in step.text
    summary = await press(step, "Keep it")
    assert "Topic: Party building" in summary.text
    saved = await press(summary, "Save")
    assert "Saved the meeting of 22/11/2026" in saved.text

    book = await press(saved, "Meeting book")
    assert "Meetings 1–3 of 3, newest first:" in book.text
    year = await press(book, "Year 2026")
    assert "✅ Month 7: 06/07/2026 · attendance 50%" in year.text
    year = await press(year, "« 2025")
    assert "❌ Month 1: " in year.text and "2026 »" in str(year.buttons)
    book = await press(year, "Meeting book")
    people = await press(book, "Members' attendance")
    history = await press(people, "An")
    assert "Present 1 · absent with reason 0 · without reason 2" in history.text
    assert "⚠️ Absent without reason in 2 months within 12 months" in history.text


async def test_a_back_dated_meeting_lists_the_members_of_its_day(emu: BotApiEmulator, world: World):
    """Issue 9 §2: a meeting logged for 05/04 lists neither the member admitted on 20/06 nor
    the one admitted today, and saves only the members of that day as present."""
    lan = await world.secretary(1001, "C1")
    an, binh = await add_members(world.ctx, "C1", ["An", "Bình"])
    cell = await org_id(world.ctx, "C1")
    await admitted(world.ctx, cell, "Giang", date(2026, 6, 20))
    await admitted(world.ctx, cell, "Hà", TODAY)
    await lan.send("/meeting")
    press = Presser(lan)
    await lan.next_reply()
    await lan.send("05/04/2026")
    step = await press(await lan.next_reply(), "Thường kỳ")
    assert "Có mặt 2/2" in step.text and "Giang" not in step.text and "Hà" not in step.text
    step = await press(step, "Tiếp tục")
    step = await press(step, "Tiếp tục")
    step = await press(step, "Tốt")
    await press(step, "Lưu")
    [meeting] = await stored(world)
    detail = await uc.detail(world.ctx, 1001, meeting.id)
    assert {a.member_id: a.status for a in detail.attendees} == {an: "present", binh: "present"}


async def test_changing_the_date_calls_the_roll_of_the_new_day(emu: BotApiEmulator, world: World):
    """Issue 9 §2: a meeting first dated today, then corrected to 05/04, no longer lists (nor
    saves) the member admitted today."""
    lan = await world.secretary(1001, "C1")
    [an] = await add_members(world.ctx, "C1", ["An"])
    ha = await admitted(world.ctx, await org_id(world.ctx, "C1"), "Hà", TODAY)
    await lan.send("/meeting")
    press = Presser(lan)
    step = await press(await lan.next_reply(), "Hôm nay")
    step = await press(step, "Thường kỳ")
    assert "Có mặt 2/2" in step.text and "✅ Hà" in str(step.buttons)
    step = await press(step, "Tiếp tục")
    step = await press(step, "Tiếp tục")
    summary = await press(step, "Tốt")
    await lan.press(summary, "Ngày họp")
    await lan.next_edit()
    await lan.send("05/04/2026")
    back = await lan.next_reply()
    assert "Ngày họp: 05/04/2026" in back.text and "Có mặt 1/1" in back.text
    await press(back, "Lưu")
    [meeting] = await stored(world)
    assert meeting.held_on == date(2026, 4, 5)
    detail = await uc.detail(world.ctx, 1001, meeting.id)
    assert {a.member_id: a.status for a in detail.attendees} == {an: "present"}
    assert ha not in {a.member_id for a in detail.attendees}


async def test_text_typed_in_decomposed_unicode_is_read_as_composed(emu: BotApiEmulator, world):
    """Unikey's "Unicode tổ hợp" types NFD: the topic shows and is kept in NFC."""
    import unicodedata

    minh = await world.deputy(1002, "C1")
    await add_members(world.ctx, "C1", ["An"])
    await minh.send("/meeting")
    press = Presser(minh)
    step = await press(await minh.next_reply(), "Hôm qua")
    step = await press(step, "Chuyên đề")
    topic = "Học tập tư tưởng Hồ Chí Minh"
    await minh.send(unicodedata.normalize("NFD", topic))
    await minh.next_reply()
    from chibo.usecases import drafts as drafts_uc

    draft = (await drafts_uc.current(world.ctx, 1002)).draft
    assert draft is not None and topic in str(draft.data), draft


def test_the_text_handlers_read_is_composed():
    """The single entry where handlers read typed text (`Req.text`) gives NFC on Telegram too:
    a name typed with Unikey's "Unicode tổ hợp" matches the name stored."""
    import unicodedata

    from telegram import Update

    from chibo.handlers.common import Req

    name = "Nguyễn Thị Hồng Nhung"
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 1, "type": "private"},
        "text": unicodedata.normalize("NFD", name),
    }
    update = Update.de_json({"update_id": 1, "message": message}, None)
    req = Req(update, None, None, None, None)  # type: ignore[arg-type]
    assert req.text == name
