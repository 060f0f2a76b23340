"""Outstanding candidates in the chat: the whole pipeline by buttons, refusals, scope."""

from __future__ import annotations

from datetime import date

from chibo.botapi_emulator import BotApiEmulator, ChatMessage, UserDriver
from chibo.storage import audit
from chibo.storage import candidates as store
from chibo.storage import members as member_store
from chibo.storage.candidates import Details
from chibo.storage.members import MemberFields
from chibo.usecases import candidate_steps as steps_uc
from chibo.usecases import candidates as uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases import roster

from .conftest import World

# The clock of the e2e fixtures: Monday 23/11/2026.
ROSTER = {
    "Nguyễn Văn An": date(2005, 3, 1),
    "Trần Thị Bình": date(2010, 6, 1),
    "Lê Văn Cường": date(2012, 1, 1),
    "Phạm Thị Dung": date(2015, 9, 2),
    "Đinh Văn Mới": date(2026, 6, 1),  # official only after the introduction date
}


async def cell_roster(world: World, code: str = "C1") -> dict[str, int]:
    org = await orgs_uc.get_org(world.ctx, code)
    ids = {}
    for name, official in ROSTER.items():
        f = MemberFields(
            full_name=name,
            birth_date=date(1970, 5, 5),
            official_date=official,
            status="official",
            status_date=official,
        )
        ids[name] = (await roster.add_member(world.ctx, actor="cli", org_id=org.id, f=f)).id
    return ids


async def typed(user: UserDriver, text: str) -> ChatMessage:
    await user.send(text)
    return await user.next_reply()


async def pressed(user: UserDriver, message: ChatMessage, button: str) -> ChatMessage:
    await user.press(message, button)
    return await user.next_edit()


async def save_step(user: UserDriver, screen: ChatMessage) -> ChatMessage:
    assert "Kiểm tra và lưu" in screen.text, screen.text
    return await pressed(user, screen, "✔ Lưu")


async def test_a_candidate_through_every_step_to_probationary_member(
    emu: BotApiEmulator, world: World
):
    ids = await cell_roster(world)
    lan = await world.secretary(1001, "C1")

    await lan.send("/menu")
    menu = await lan.next_reply()
    register = await pressed(lan, menu, "Quần chúng ưu tú")
    assert "Chưa có quần chúng ưu tú nào đang được xem xét" in register.text
    ask = await pressed(lan, register, "Ghi danh quần chúng ưu tú")
    assert "Nhập họ và tên" in ask.text
    ask = await typed(lan, "Đỗ   Minh Khoa")
    ask = await typed(lan, "10/05/2000")
    ask = await pressed(lan, ask, "Nam")
    ask = await pressed(lan, ask, "Khác")
    ask = await pressed(lan, ask, "Lê Văn Cường")
    assert ask.button("✓ Lê Văn Cường")
    ask = await pressed(lan, ask, "Tiếp tục")
    ask = await pressed(lan, ask, "Bỏ qua")
    assert "Đảng viên được phân công giúp đỡ: Lê Văn Cường" in ask.text
    view = await pressed(lan, ask, "✔ Lưu")
    assert view.text.startswith("✔ Đã ghi danh Đỗ Minh Khoa là quần chúng ưu tú.")
    assert "Bước tiếp theo: Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng" in view.text
    async with world.ctx.db.read() as tx:
        (cid,) = [c.id for c in await store.of_orgs(tx, None)]

    # 1. certificate
    ask = await pressed(lan, view, "▶ Ghi nhận")
    assert "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng của Đỗ Minh Khoa" in ask.text
    view = await save_step(lan, await typed(lan, "05/01/2026"))
    assert "✔ Đã ghi nhận: Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng." in view.text
    assert "✅ 1. Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng: 05/01/2026" in view.text
    # 2. application and personal history
    await pressed(lan, view, "▶ Ghi nhận")
    await typed(lan, "2/2/2026")
    view = await save_step(lan, await typed(lan, "3/2/2026"))
    # 3. verification, then the cell's comment on the background
    await pressed(lan, view, "▶ Ghi nhận")
    await typed(lan, "2/3/2026")
    view = await save_step(lan, await typed(lan, "5/3/2026"))
    # 4. introduction: two official members, each known to the candidate for 12 months
    await pressed(lan, view, "▶ Ghi nhận")
    route = await typed(lan, "1/4/2026")
    pick = await pressed(lan, route, "Hai đảng viên chính thức")
    pick = await pressed(lan, pick, "Nguyễn Văn An")
    pick = await pressed(lan, pick, "Trần Thị Bình")
    since = await pressed(lan, pick, "Tiếp tục")
    assert "Đồng chí Nguyễn Văn An cùng công tác" in since.text
    refused = await typed(lan, "1/6/2025")
    assert "Nguyễn Văn An" in refused.text and "10 tháng" in refused.text, refused.text
    since = await typed(lan, "1/2015")
    assert "Đồng chí Trần Thị Bình cùng công tác" in since.text
    confirm = await pressed(lan, since, "Từ khi Đỗ Minh Khoa sinh ra")
    assert "Trần Thị Bình, cùng đơn vị từ 10/05/2000" in confirm.text
    view = await save_step(lan, confirm)
    assert (
        "người giới thiệu: Nguyễn Văn An (cùng công tác, học tập hoặc cư trú từ 01/01/2015)"
        in view.text
    )
    # 5. cell resolution: the vote base from the roster, then the vote
    await pressed(lan, view, "▶ Ghi nhận")
    base = await typed(lan, "5/5/2026")
    assert "Theo danh sách đảng viên: 4." in base.text  # Mới was not official yet
    agree = await pressed(lan, base, "✔ 4 đảng viên chính thức")
    view = await save_step(lan, await typed(lan, "3"))
    assert "Nghị quyết chi bộ đề nghị kết nạp: 05/05/2026, 3/4 tán thành" in view.text
    assert agree
    # 6. grassroots committee resolution (C1 is under Đảng ủy xã X)
    await pressed(lan, view, "▶ Ghi nhận")
    view = await save_step(lan, await typed(lan, "20/5/2026"))
    # 7. decision: date, number, received
    await pressed(lan, view, "▶ Ghi nhận")
    await typed(lan, "10/6/2026")
    await typed(lan, "123-QĐ/ĐU")
    view = await save_step(lan, await typed(lan, "12/6/2026"))
    assert "Số quyết định: 123-QĐ/ĐU" in view.text
    # 8. ceremony -> probationary member
    await pressed(lan, view, "▶ Ghi nhận")
    confirm = await typed(lan, "25/6/2026")
    assert "đảng viên dự bị" in confirm.text
    view = await save_step(lan, confirm)
    assert (
        "Đỗ Minh Khoa đã là đảng viên dự bị của chi bộ; thời kỳ dự bị kết thúc ngày"
        " 25/06/2027" in view.text
    )
    assert "Tình trạng: Đã kết nạp" in view.text and "▶ Ghi nhận" not in str(view.buttons)

    # the roster colleague's /probation lists the new member
    await lan.send("/probation")
    listing = await lan.next_reply()
    assert "Đỗ Minh Khoa — hết dự bị 25/06/2027" in listing.text
    async with world.ctx.db.read() as tx:
        c = await store.get(tx, cid)
        assert c is not None and c.member_id is not None
        member = await member_store.get(tx, c.member_id)
        helpers = await member_store.helpers_of(tx, c.member_id)
    assert member is not None and (member.status, member.decision_date) == (
        "probationary",
        date(2026, 6, 10),
    )
    assert [h.id for h in helpers] == [ids["Lê Văn Cường"]]
    # ... and the probation reminders (computed from the roster) start
    plan = await reminders_uc.plan(world.ctx, date(2026, 9, 25))
    assert f"probation.course:member:{member.id}:m3" in [p.reminder.key for p in plan.items]


async def recorded_file(world: World, upto: int, **kw: object) -> int:
    """A file in C1 with the first `upto` steps recorded through the use cases."""
    org = await orgs_uc.get_org(world.ctx, "C1")
    d = Details(
        **{
            "full_name": "Bùi Thị Lan",
            "birth_date": date(1999, 9, 9),
            "gender": "female",
            "origin": "other",
            **kw,
        }
    )  # type: ignore[arg-type]
    cid = (await uc.register(world.ctx, actor="cli", org_id=org.id, details=d)).id
    for code, values in (
        ("crs", {"course_cert_date": date(2026, 1, 5)}),
        ("app", {"application_date": date(2026, 2, 2), "background_date": date(2026, 2, 3)}),
        ("ver", {"verification_date": date(2026, 3, 2)}),
    )[:upto]:
        await steps_uc.record_step(
            world.ctx, actor="cli", candidate_id=cid, code=code, values=values
        )
    return cid


async def test_an_introducer_not_official_on_the_day_is_refused(emu: BotApiEmulator, world: World):
    await cell_roster(world)
    await recorded_file(world, 3)
    lan = await world.secretary(1001, "C1")
    await lan.send("/candidates")
    listing = await lan.next_reply()
    assert "Bước tiếp theo: Giới thiệu" in listing.text
    view = await pressed(lan, listing, "Bùi Thị Lan")
    await pressed(lan, view, "▶ Ghi nhận: Giới thiệu")
    route = await typed(lan, "1/4/2026")
    pick = await pressed(lan, route, "Hai đảng viên chính thức")
    await lan.press(pick, "Đinh Văn Mới")
    refused = await lan.next_reply()
    assert refused.text.startswith("Không ghi nhận được:")
    assert "Đinh Văn Mới" in refused.text and "01/04/2026" in refused.text
    assert "chưa là đảng viên chính thức vào ngày giới thiệu" in refused.text
    await lan.expect_no_reply()  # the picker stays as it was: nobody chosen
    assert not any(b.text.startswith("✓") for row in pick.buttons for b in row)


async def test_a_step_out_of_order_is_refused(emu: BotApiEmulator, world: World):
    await cell_roster(world)
    cid = await recorded_file(world, 0)
    lan = await world.secretary(1001, "C1")
    await lan.send("/candidates")
    listing = await lan.next_reply()
    view = await pressed(lan, listing, "Bùi Thị Lan")
    await lan.press_data(view, f"cd:st:{cid}:res")
    refused = await lan.next_reply()
    assert (
        "Bước tiếp theo của Bùi Thị Lan là “Giấy chứng nhận lớp bồi dưỡng nhận thức về"
        " Đảng”" in refused.text
    )
    assert "Điều lệ Đảng, Điều 4" in refused.text
    async with world.ctx.db.read() as tx:
        c = await store.get(tx, cid)
    assert c is not None and c.steps.cell_resolution_date is None


async def test_another_cells_secretary_is_refused_on_a_forged_button(
    emu: BotApiEmulator, world: World
):
    await cell_roster(world)
    cid = await recorded_file(world, 0)
    mallory = await world.secretary(1002, "C2")
    await mallory.send("/candidates")
    own = await mallory.next_reply()
    for data in (f"cd:st:{cid}:crs", f"cd:v:{cid}", f"cd:close:{cid}", f"cd:exc:{cid}:1"):
        await mallory.press_data(own, data)
        answer = await mallory.last_callback_answer()
        assert "không phụ trách" in answer.text or "không có quyền" in answer.text, answer.text
    await mallory.expect_no_reply()
    async with world.ctx.db.read() as tx:
        c = await store.get(tx, cid)
        denied = await audit.entries(tx, entity="access")
    assert c is not None and c.status == "active" and not c.over_age_exception
    assert sum((e.after or {}).get("repeats", 1) for e in denied) >= 4  # repeats counted


async def test_officer_sees_admissions_of_the_subtree(emu: BotApiEmulator, world: World):
    await cell_roster(world)
    await recorded_file(world, 0)
    hoa = await world.officer(2001, "X")
    await hoa.send("/admissions")
    report = await hoa.next_reply()
    assert report.text.startswith("📊 Kết nạp đảng viên năm 2026 — Đảng ủy xã X")
    assert "Quần chúng ưu tú đang xem xét: 1" in report.text
    assert "Chi bộ thôn 1: 1 · 0" in report.text


async def test_correct_a_step_edit_the_details_and_close(emu: BotApiEmulator, world: World):
    await cell_roster(world)
    cid = await recorded_file(world, 3)
    bob = await world.secretary(1001, "C1", language_code="en")
    await bob.send("/candidates")
    view = await pressed(bob, await bob.next_reply(), "Bùi Thị Lan")
    assert "Record an over-60 exception" not in str(view.buttons)
    fix = await pressed(bob, view, "Correct a step")
    ask = await pressed(bob, fix, "2. Application and personal history")
    assert ask.text.startswith("Correcting: Application and personal history — Bùi Thị Lan")
    assert "Now: 02/02/2026" in ask.text
    ask = await pressed(bob, ask, "Keep it")
    assert "Now: 03/02/2026" in ask.text
    confirm = await typed(bob, "4/2/2026")
    view = await pressed(bob, confirm, "✔ Save")
    assert view.text.startswith("✔ Corrected: Application and personal history.")
    assert "Personal history: 04/02/2026" in view.text
    async with world.ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="candidate", entity_id=cid, limit=1))[0]
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        "1001",
        "correct:app",
        {"background_date": "2026-02-03"},
        {"background_date": "2026-02-04"},
    )

    summary = await pressed(bob, view, "Edit the details")
    ask = await pressed(bob, summary, "Change the notes")
    summary = await typed(bob, "Chairs the village youth union branch")
    assert "Notes: Chairs the village youth union branch" in summary.text
    view = await pressed(bob, summary, "✔ Save")
    assert view.text.startswith("✔ Details saved.") and ask

    why = await pressed(bob, view, "Close the file")
    ask = await pressed(bob, why, "The candidate withdrew")
    view = await typed(bob, "Moved to another province")
    assert view.text.startswith("✔ The file is closed.")
    assert "Closed on 23/11/2026: Moved to another province" in view.text
    assert "Record:" not in str(view.buttons)
    async with world.ctx.db.read() as tx:
        c = await store.get(tx, cid)
    assert c is not None and (c.status, c.details.notes) == (
        "withdrawn",
        "Chairs the village youth union branch",
    )


async def test_a_youth_union_member_is_introduced_with_the_youth_union(
    emu: BotApiEmulator, world: World
):
    await cell_roster(world)
    cid = await recorded_file(
        world, 3, origin="youth_union", youth_union_member=True, birth_date=date(2003, 3, 3)
    )
    lan = await world.secretary(1001, "C1")
    await lan.send("/candidates")
    view = await pressed(lan, await lan.next_reply(), "Bùi Thị Lan")
    await pressed(lan, view, "▶ Ghi nhận: Giới thiệu")
    await lan.send("1/4/2026")
    note = await lan.next_reply()
    assert "là đoàn viên trong độ tuổi thanh niên" in note.text
    pick = await lan.next_reply()
    assert "Chọn đảng viên giới thiệu (1 người)" in pick.text
    pick = await pressed(lan, pick, "Phạm Thị Dung")
    since = await pressed(lan, pick, "Tiếp tục")
    union = await pressed(lan, since, "Từ khi Bùi Thị Lan sinh ra")
    assert "Ban Chấp hành Đoàn cơ sở ra nghị quyết giới thiệu Bùi Thị Lan" in union.text
    confirm = await typed(lan, "20/3/2026")
    assert "Nghị quyết Đoàn cơ sở + một đảng viên chính thức" in confirm.text
    view = await save_step(lan, confirm)
    assert "Nghị quyết Đoàn cơ sở: 20/03/2026" in view.text
    async with world.ctx.db.read() as tx:
        c = await store.get(tx, cid)
    assert c is not None and c.steps.youth_union_resolution_date == date(2026, 3, 20)
