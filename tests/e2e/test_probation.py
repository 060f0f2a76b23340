"""Probation in the chat: /probation, the record card, resolution, decision, refusals."""

from __future__ import annotations

from datetime import date

from chibo.botapi_emulator import BotApiEmulator
from chibo.storage import members as store
from chibo.storage.members import MemberFields
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import roster

from .conftest import World

# The clock of the e2e fixtures: Monday 23/11/2026.


async def add(
    world: World,
    name: str,
    ceremony: date,
    *,
    status: str = "probationary",
    code: str = "C1",
    birth: date = date(1990, 4, 2),
) -> int:
    org = await orgs_uc.get_org(world.ctx, code)
    f = MemberFields(
        full_name=name,
        birth_date=birth,
        decision_date=ceremony,
        ceremony_date=ceremony,
        status=status,
    )
    return (await roster.add_member(world.ctx, actor="cli", org_id=org.id, f=f)).id


async def member(world: World, member_id: int) -> store.Member:
    async with world.ctx.db.read() as tx:
        found = await store.get(tx, member_id)
    assert found is not None
    return found


async def test_probation_list_and_conversion(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    later = await add(world, "Hà Văn Sau", date(2026, 6, 30))
    due = await add(world, "Lê Thị Sớm", date(2025, 11, 20))
    late = await add(world, "Đinh Văn Muộn", date(2025, 10, 1))
    helper = await add(
        world, "Cao Văn Cũ", date(2000, 1, 1), status="official", birth=date(1970, 1, 1)
    )

    await lan.send("/probation")
    listing = await lan.next_reply()
    assert listing.text.splitlines() == [
        "Đảng viên dự bị — Chi bộ thôn 1: 3 đồng chí",
        # issue 9 §3: due for the review up to the legal deadline, overdue only after it
        "1. Đinh Văn Muộn — hết dự bị 01/10/2026 (quá hạn xét chuyển chính thức, hạn chót"
        " 12/11/2026)",
        "2. Lê Thị Sớm — hết dự bị 20/11/2026 (đến hạn xét chuyển chính thức, hạn chót 05/01/2027)",
        "3. Hà Văn Sau — hết dự bị 30/06/2027 (còn 219 ngày)",
    ]
    data = [b.callback_data for row in listing.buttons for b in row]
    assert data[:3] == [f"prob:view:{late}", f"prob:view:{due}", f"prob:view:{later}"]

    await lan.press(listing, "Lê Thị Sớm")
    card = await lan.next_edit()
    assert (
        "Hết thời gian dự bị: 20/11/2026 (đến hạn xét chuyển chính thức, hạn chót 05/01/2027)"
        in card.text
    )
    assert "Lớp bồi dưỡng đảng viên mới: chưa ghi nhận" in card.text

    # helpers: toggle an official member
    await lan.press(card, "Đảng viên giúp đỡ")
    helpers = await lan.next_edit()
    await lan.press(helpers, "Cao Văn Cũ")
    toggled = await lan.next_edit()
    assert toggled.button("✅ Cao Văn Cũ").callback_data == f"prob:ht:{due}:{helper}:0"
    await lan.press(toggled, "Quay lại")
    card = await lan.next_edit()
    assert "Đảng viên giúp đỡ: Cao Văn Cũ" in card.text

    # the cell resolution: before the end of probation is refused (P5), then recorded
    await lan.press(card, "Đã họp xét")
    ask = await lan.next_edit()
    assert "Nghị quyết ghi ngày sau khi hết thời gian dự bị (20/11/2026): từ 21/11/2026" in ask.text
    await lan.send("19/11/2026")
    refused = await lan.next_reply()
    assert refused.text.startswith("Thời kỳ dự bị là 12 tháng")
    assert "từ ngày 21/11/2026 trở đi, không thể là ngày 19/11/2026" in refused.text
    await lan.send("20/11/2026")  # the last day of probation (P5 reading)
    refused = await lan.next_reply()
    assert "sổ tay" in refused.text and "không thể là ngày 20/11/2026" in refused.text
    assert (await member(world, due)).status == "probationary"
    await lan.send("21/11")
    recorded = await lan.next_reply()
    assert recorded.text.startswith("Đã ghi ngày chi bộ họp xét.")
    assert "Chi bộ họp xét: 21/11/2026" in recorded.text
    assert "quá hạn" not in recorded.text and "đến hạn" not in recorded.text

    # the committee's decision: official from the end of probation, not the decision day (P8)
    await lan.press(recorded, "Quyết định công nhận chính thức")
    await lan.next_edit()
    await lan.send("hôm nay")
    number = await lan.next_reply()
    assert number.text.startswith("Số quyết định")
    await lan.send("125-QĐ/ĐU")
    confirm = await lan.next_reply()
    assert "là đảng viên chính thức từ 20/11/2026" in confirm.text
    assert (await member(world, due)).status == "probationary"
    await lan.press(confirm, "Xác nhận")
    done = await lan.next_edit()
    assert done.text.startswith("Đồng chí Lê Thị Sớm đã là đảng viên chính thức từ 20/11/2026.")
    converted = await member(world, due)
    assert (converted.status, converted.official_date) == ("official", date(2026, 11, 20))

    await lan.send("/probation")
    assert "Lê Thị Sớm" not in (await lan.next_reply()).text


async def test_reminder_button_starts_the_resolution(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    due = await add(world, "Lê Thị Sớm", date(2025, 11, 20))
    await lan.send("/probation")
    listing = await lan.next_reply()
    await lan.press_data(listing, f"prob:res:{due}")  # as the reminder's "Đã họp xét" button
    ask = await lan.next_edit()
    assert "Chi bộ họp xét" in ask.text
    await lan.press(ask, "21/11/2026 (ngày sau khi hết dự bị)")
    recorded = await lan.next_edit()
    assert "Chi bộ họp xét: 21/11/2026" in recorded.text


async def test_course_and_not_eligible(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    sau = await add(world, "Hà Văn Sau", date(2026, 6, 30))
    await lan.send("/probation")
    await lan.press(await lan.next_reply(), "Hà Văn Sau")
    card = await lan.next_edit()
    await lan.press(card, "Ghi ngày học lớp bồi dưỡng")
    await lan.next_edit()
    await lan.send("15/9/2026")
    card = await lan.next_reply()
    assert "Lớp bồi dưỡng đảng viên mới: 15/09/2026" in card.text
    await lan.press(card, "Không đủ tư cách")
    await lan.next_edit()
    await lan.send("Vi phạm tư cách đảng viên")
    confirm = await lan.next_reply()
    await lan.press(confirm, "Xác nhận")
    done = await lan.next_edit()
    assert "đề nghị xóa tên" in done.text and "Vi phạm tư cách đảng viên" in done.text
    assert (await member(world, sau)).status == "probationary"


async def test_secretary_of_another_cell_is_refused(emu: BotApiEmulator, world: World):
    await world.secretary(1001, "C1")
    due = await add(world, "Lê Thị Sớm", date(2025, 11, 20))
    mallory = await world.secretary(1002, "C2")
    await mallory.send("/probation")
    own = await mallory.next_reply()
    assert "Lê Thị Sớm" not in own.text
    for data in (
        f"prob:view:{due}",
        f"prob:res:{due}",
        f"prob:dec:{due}",
        f"prob:no:{due}",
        f"prob:ht:{due}:{due}:0",
        "prob:view:99999",
    ):
        await mallory.press_data(own, data)
        answer = await mallory.last_callback_answer()
        assert answer.show_alert and "không có quyền" in answer.text, (data, answer)
    await mallory.expect_no_reply()
    await mallory.send("21/11/2026")  # no draft was started by the forged presses
    assert "Lê Thị Sớm" not in (await mallory.next_reply()).text
    assert (await member(world, due)).status == "probationary"


async def test_the_cells_vote_on_the_conversion(emu: BotApiEmulator, world: World):
    """P6 in the chat (issue 9 §3): date, vote base (proposed from the roll of that day), the
    numbers for and against typed or pressed; a round without 2/3 is counted, a round with
    2/3 for is the cell resolution."""
    lan = await world.secretary(1001, "C1")
    for name in ("Đảng viên Một", "Đảng viên Hai", "Đảng viên Ba", "Đảng viên Bốn"):
        await add(world, name, date(2000, 1, 1), status="official", birth=date(1970, 1, 1))
    due = await add(world, "Lê Thị Sớm", date(2025, 11, 20))  # probation ends 20/11/2026
    await lan.send("/probation")
    await lan.press(await lan.next_reply(), "Lê Thị Sớm")
    card = await lan.next_edit()

    async def vote(card, agree: str, against: str):
        await lan.press(card, "Ghi biểu quyết của chi bộ")
        ask = await lan.next_edit()
        assert "biểu quyết" in ask.text
        await lan.press(ask, "Hôm nay")
        base = await lan.next_edit()
        assert "4 đảng viên chính thức" in base.text
        await lan.send("năm")
        again = await lan.next_reply()
        assert "Gõ một số" in again.text
        await lan.send("5")
        too_big = await lan.next_reply()
        assert "không thể lớn hơn" in too_big.text
        await lan.press(too_big, "4")
        count_for = await lan.next_edit()
        assert "tán thành" in count_for.text
        await lan.send(agree)
        count_against = await lan.next_reply()
        assert "không tán thành" in count_against.text
        await lan.send(against)
        return await lan.next_reply()

    confirm = await vote(card, "2", "1")
    assert (
        "Lần biểu quyết thứ 1" in confirm.text and "2 tán thành, 1 không tán thành" in confirm.text
    )
    await lan.press(confirm, "Xác nhận")
    done = await lan.next_edit()
    assert "Lần biểu quyết thứ 1 chưa có 2/3" in done.text
    assert "Chi bộ họp xét: chưa" in done.text

    confirm = await vote(done, "3", "1")
    assert "Lần biểu quyết thứ 2" in confirm.text
    await lan.press(confirm, "Xác nhận")
    done = await lan.next_edit()
    assert "Chi bộ họp xét: 23/11/2026" in done.text
    assert any("Quyết định công nhận chính thức" in b.text for row in done.buttons for b in row)
    assert (await member(world, due)).status == "probationary"
