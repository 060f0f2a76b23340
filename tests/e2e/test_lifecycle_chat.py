"""Members who move, pause or leave, in the chat (issue 14): a transfer out and its one-tap
reception, an exemption and the return, a removal review, and refusals on forged buttons."""

from __future__ import annotations

from datetime import date

from chibo.botapi_emulator import BotApiEmulator
from chibo.storage import audit
from chibo.storage import lifecycle as life_store
from chibo.storage import members as store
from chibo.storage.members import MemberFields
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import roster

from .conftest import World, reminder_items

# The clock of the e2e fixtures: Monday 23/11/2026.


async def add(world: World, name: str, *, code: str = "C1", status: str = "official") -> int:
    org = await orgs_uc.get_org(world.ctx, code)
    f = MemberFields(
        full_name=name,
        birth_date=date(1980, 3, 4),
        decision_date=date(2010, 1, 5),
        ceremony_date=date(2010, 1, 5),
        official_date=date(2011, 1, 5) if status == "official" else None,
        status=status,
    )
    return (await roster.add_member(world.ctx, actor="cli", org_id=org.id, f=f)).id


async def member(world: World, member_id: int) -> store.Member:
    async with world.ctx.db.read() as tx:
        found = await store.get(tx, member_id)
    assert found is not None
    return found


async def open_moves(user, member_id: int):
    """The member's card, then its moves-and-records screen."""
    await user.send("/members")
    listing = await user.next_reply()
    await user.press_data(listing, f"roster:view:{member_id}")
    card = await user.next_edit()
    await user.press(card, "Moves, exemption, removal review")
    return await user.next_edit()


async def test_transfer_out_and_one_tap_reception(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1", language_code="en")
    mai = await world.secretary(1002, "C2", language_code="en")
    mid = await add(world, "Trần Văn Chuyển")

    screen = await open_moves(lan, mid)
    assert "Moves and records: Trần Văn Chuyển" in screen.text
    await lan.press(screen, "Transfer out")
    ask = await lan.next_edit()
    assert "Why does the member transfer?" in ask.text
    await lan.press(ask, "new job")
    ask = await lan.next_edit()
    await lan.send("2/11/2026")  # the trigger date, typed
    ask = await lan.next_reply()
    assert "introduction letter" in ask.text
    await lan.send("31/12/2026")  # in the future: refused, asked again
    ask = await lan.next_reply()
    assert "future" in ask.text or "today" in ask.text, ask.text
    await lan.send("10/11/2026")
    ask = await lan.next_reply()
    assert "Receiving organisation" in ask.text
    await lan.send("c2")  # the code of a cell of the tree, any case
    confirm = await lan.next_reply()
    assert "Receiving organisation: " in confirm.text and "(C2)" in confirm.text
    assert "Began on: 02/11/2026" in confirm.text
    await lan.press(confirm, "Confirm")
    done = await lan.next_edit()
    assert done.text.startswith("Transfer recorded")
    assert "in progress" in done.text
    assert (await member(world, mid)).status == "official"  # still on the roll

    # the receiving secretary sees the arrival and receives it in one tap
    await mai.send("/menu")
    menu = await mai.next_reply()
    await mai.press(menu, "Moves and arrivals")
    cell = await mai.next_edit()
    assert "Expected arrivals: 1" in cell.text
    assert "Trần Văn Chuyển from" in cell.text
    await mai.press(cell, "Receive Trần Văn Chuyển")
    received = await mai.next_edit()
    assert "is received into the cell from 23/11/2026" in received.text
    moved = await member(world, mid)
    c2 = await orgs_uc.get_org(world.ctx, "C2")
    assert moved.org_id == c2.id and moved.status == "official"
    async with world.ctx.db.read() as tx:
        entries = await audit.entries(tx, entity="transfer")
    assert {e.action for e in entries} >= {"create", "complete"}


async def test_exemption_and_return(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1", language_code="en")
    mid = await add(world, "Lê Thị Nghỉ")
    screen = await open_moves(lan, mid)
    await lan.press(screen, "⏸ Exemption")
    ask = await lan.next_edit()
    await lan.press(ask, "old age or poor health")
    ask = await lan.next_edit()
    await lan.send("1/11/2026")
    confirm = await lan.next_reply()
    assert "Ground: old age or poor health" in confirm.text
    assert "Resolution: 01/11/2026" in confirm.text
    await lan.press(confirm, "Confirm")
    done = await lan.next_edit()
    assert done.text.startswith("Exemption recorded.")
    assert (await member(world, mid)).status == "exempt"

    await lan.press(done, "Return from the exemption")
    ask = await lan.next_edit()
    await lan.send("20/11/2026")
    ask = await lan.next_reply()
    await lan.press(ask, "Today")
    confirm = await lan.next_edit()
    await lan.press(confirm, "Confirm")
    back = await lan.next_edit()
    assert back.text.startswith("Return recorded.")
    assert "returned 23/11/2026" in back.text
    assert (await member(world, mid)).status == "official"


async def test_removal_review_proposal_and_decision(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1", language_code="en")
    mid = await add(world, "Phạm Văn Xét")
    screen = await open_moves(lan, mid)
    await lan.press(screen, "Open a removal review")
    ask = await lan.next_edit()
    await lan.press(ask, "political standard")  # the cell's own finding
    ask = await lan.next_edit()
    await lan.press(ask, "Today")
    confirm = await lan.next_edit()
    await lan.press(confirm, "Confirm")
    opened = await lan.next_edit()
    assert "Removal review #" in opened.text
    assert "nothing is removed until the committee decides" in opened.text
    assert (await member(world, mid)).status == "official"

    await lan.press(opened, "The cell's proposal")
    ask = await lan.next_edit()
    await lan.press(ask, "remove from the list")
    ask = await lan.next_edit()
    await lan.press(ask, "Today")
    await lan.press(await lan.next_edit(), "Confirm")
    proposed = await lan.next_edit()
    assert "the cell's proposal (23/11/2026): remove from the list" in proposed.text

    # an officer sees the open review with the cell's proposal
    hoa = await world.officer(2001, "X", language_code="en")
    await hoa.send("/menu")
    menu = await hoa.next_reply()
    await hoa.press(menu, "Transfers, exemptions, reviews")
    numbers = await hoa.next_edit()
    assert "removal reviews open 1" in numbers.text
    assert "Phạm Văn Xét" in numbers.text and "remove from the list" in numbers.text

    await lan.press(proposed, "The committee's decision")
    ask = await lan.next_edit()
    await lan.press(ask, "removed from the list")
    ask = await lan.next_edit()
    await lan.press(ask, "Today")
    ask = await lan.next_edit()
    await lan.send("12-QĐ/ĐU")
    await lan.press(await lan.next_reply(), "Confirm")
    decided = await lan.next_edit()
    assert "removed from the list (12-QĐ/ĐU)" in decided.text
    assert (await member(world, mid)).status == "removed"


async def test_another_cells_member_is_refused_on_forged_buttons(emu: BotApiEmulator, world: World):
    await world.secretary(1001, "C1", language_code="en")
    mid = await add(world, "Đỗ Văn Khác")
    mallory = await world.secretary(1003, "C2", language_code="en")
    await mallory.send("/menu")
    own = await mallory.next_reply()
    for data in (f"life:m:{mid}", f"life:n:out:{mid}", f"life:n:rev:{mid}", f"life:n:ex:{mid}"):
        await mallory.press_data(own, data)
        answer = await mallory.last_callback_answer()
        assert "not" in answer.text.lower(), answer.text
    await mallory.expect_no_reply()
    async with world.ctx.db.read() as tx:
        transfers = await life_store.transfers_of(tx, None)
        reviews = await life_store.reviews_of_member(tx, mid)
    assert transfers == [] and reviews == []
    assert (await member(world, mid)).status == "official"


async def test_reminder_buttons_open_the_transfer(emu: BotApiEmulator, world: World, bot):
    from chibo.handlers.reminders import TelegramNotifier
    from chibo.usecases import lifecycle as life_uc
    from chibo.usecases import reminders as reminders_uc

    from ..usecases.test_reminders_support import at_local

    lan = await world.secretary(1001, "C1", language_code="en")
    mid = await add(world, "Ngô Văn Chậm")
    t = await life_uc.transfer_out(
        world.ctx,
        actor="cli",
        member_id=mid,
        reason="job",
        trigger_date=date(2026, 8, 3),
        to_external="Chi bộ Công ty ABC",
    )
    world.ctx.clock.set(at_local(date(2026, 11, 23)))
    await reminders_uc.sweep(
        world.ctx, TelegramNotifier.for_app(bot, world.ctx.config.default_locale)
    )
    (msg,) = [  # one digest for the day's reminders: its items open one by one
        m for m in await reminder_items(lan, await lan.next_reply()) if "Ngô Văn Chậm" in m.text
    ]
    assert msg.button("Open the transfer").callback_data == f"life:t:{t.id}"
    await lan.press(msg, "Open the transfer")
    screen = await lan.next_edit()
    assert "Moves and records: Ngô Văn Chậm" in screen.text
    assert "Letter issued" in str([b.text for row in screen.buttons for b in row])


async def test_officer_drill_down_and_report_sheet(emu: BotApiEmulator, world: World):
    from io import BytesIO

    from openpyxl import load_workbook

    from chibo.usecases import lifecycle as life_uc

    mid = await add(world, "Vũ Văn Đi")
    await life_uc.transfer_out(
        world.ctx,
        actor="cli",
        member_id=mid,
        reason="job",
        trigger_date=date(2026, 11, 2),
        to_org_code="C2",
    )
    hoa = await world.officer(2001, "X", language_code="en")
    await hoa.send("/status")
    status = await hoa.next_reply()
    await hoa.press(status, "Transfers, exemptions, reviews")
    drill = await hoa.next_edit()
    assert "out (in progress) 1" in drill.text and "in (expected) 1" in drill.text
    await hoa.send("/report")
    document = await hoa.next_document()
    wb = load_workbook(BytesIO(document.data))
    rows = list(wb["Transfers and reviews"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Organisation", "Transfers out in progress")
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["C1"][2] == 1 and by_code["C2"][4] == 1 and by_code["X"][2] == 1


async def test_residence_meeting_and_comments_buttons(emu: BotApiEmulator, world: World):
    from chibo.usecases import lifecycle as life_uc

    lan = await world.secretary(1001, "C1", language_code="en")
    c1 = await orgs_uc.get_org(world.ctx, "C1")
    contact = await life_uc.register_residence(
        world.ctx,
        actor="cli",
        org_id=c1.id,
        full_name="Vũ Văn Ở",
        workplace="Chi bộ Trường THCS A",
        assigned_date=date(2026, 3, 1),
    )
    await lan.send("/menu")
    menu = await lan.next_reply()
    await lan.press(menu, "Moves and arrivals")
    await lan.press(await lan.next_edit(), "Working members living here")
    residents = await lan.next_edit()
    await lan.press(residents, "Met Vũ Văn Ở")
    ask = await lan.next_edit()
    await lan.press(ask, "Today")
    await lan.press(await lan.next_edit(), "Confirm")
    met = await lan.next_edit()
    assert met.text.startswith("Meeting with Vũ Văn Ở recorded.")
    assert "last met 23/11/2026" in met.text
    await lan.press(met, "Comments sent")
    await lan.press(await lan.next_edit(), "last year")
    assert "Date the comments were sent?" in (await lan.next_edit()).text
    await lan.send("20/1/2026")
    confirm = await lan.next_reply()
    assert "Year: last year" in confirm.text
    await lan.press(confirm, "Confirm")
    sent = await lan.next_edit()
    assert "comments sent for 2025" in sent.text
    # another cell's secretary cannot write this contact (nor a member's notice or re-education)
    mid = await add(world, "Đinh Văn Dự")
    await life_uc.start_reeducation(world.ctx, actor="cli", member_id=mid, on=date(2026, 1, 5))
    mallory = await world.secretary(1003, "C2", language_code="en")
    await mallory.send("/menu")
    own = await mallory.next_reply()
    for data in (
        f"life:n:rmeet:{contact.id}",
        f"life:n:rcom:{contact.id}",
        f"life:n:reend:{mid}",
        f"life:n:notice:{mid}",
    ):
        await mallory.press_data(own, data)
        answer = await mallory.last_callback_answer()
        assert "not" in answer.text.lower(), answer.text
    await mallory.expect_no_reply()
    async with world.ctx.db.read() as tx:
        assert await life_store.open_reeducation(tx, mid) is not None
    # the member's own cell ends the re-education from the member's screen
    screen = await open_moves(lan, mid)
    assert "Re-education since 05/01/2026" in screen.text
    await lan.press(screen, "End of the re-education")
    await lan.press(await lan.next_edit(), "Today")
    await lan.press(await lan.next_edit(), "Confirm")
    ended = await lan.next_edit()
    assert ended.text.startswith("End of the re-education recorded.")
    async with world.ctx.db.read() as tx:
        assert await life_store.open_reeducation(tx, mid) is None


async def test_arrival_from_outside_is_received_by_linking_the_added_member(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1", language_code="en")
    mai = await world.secretary(1002, "C2", language_code="en")
    await mai.send("/menu")
    menu = await mai.next_reply()
    await mai.press(menu, "Moves and arrivals")
    cell = await mai.next_edit()
    await mai.press(cell, "Announce an arrival from outside")
    await mai.next_edit()
    for typed in ("Lý Văn Mới", "Đảng bộ tỉnh Q", "1/11/2026"):
        await mai.send(typed)
        confirm = await mai.next_reply()
    await mai.press(confirm, "Confirm")
    cell = await mai.next_edit()
    assert "Expected arrivals: 1" in cell.text
    async with world.ctx.db.read() as tx:
        [t] = await life_store.transfers_of(tx, None)
    # not on the roll yet: the secretary is told to add the member first
    await mai.press(cell, "Receive Lý Văn Mới")
    cell = await mai.next_edit()
    assert "add the member under “Party members” first" in cell.text
    mid = await add(world, "LÝ VĂN MỚI", code="C2")  # added under "Party members"
    await mai.press(cell, "Receive Lý Văn Mới")
    which = await mai.next_edit()
    assert "which member on the roll is it?" in which.text
    # another cell's secretary cannot receive it, nor link it, by forged buttons
    await lan.send("/menu")
    own = await lan.next_reply()
    for data in (f"life:recv:{t.id}", f"life:lk:{t.id}:{mid}"):
        await lan.press_data(own, data)
        answer = await lan.last_callback_answer()
        assert "not" in answer.text.lower(), answer.text
    await lan.expect_no_reply()
    await mai.press(which, "This is LÝ VĂN MỚI, born 04/03/1980")
    ask = await mai.next_edit()
    assert "Date the member arrived?" in ask.text
    await mai.press(ask, "Today")
    confirm = await mai.next_edit()
    assert "LÝ VĂN MỚI" in confirm.text and "Arrived on: 23/11/2026" in confirm.text
    await mai.press(confirm, "Confirm")
    done = await mai.next_edit()
    assert "Lý Văn Mới is received into the cell from 23/11/2026" in done.text
    assert "Expected arrivals: 0" in done.text
    async with world.ctx.db.read() as tx:
        closed = await life_store.get_transfer(tx, t.id)
        entries = await audit.entries(tx, entity="transfer")
    assert closed is not None
    assert (closed.state, closed.member_id) == ("completed", mid)
    assert entries[0].action == "link"


async def test_death_then_the_notice_upward_from_the_members_screen(
    emu: BotApiEmulator, world: World
):
    lan = await world.secretary(1001, "C1", language_code="en")
    mid = await add(world, "Trương Văn Mất")
    screen = await open_moves(lan, mid)
    await lan.press(screen, "Death or leaving")
    ask = await lan.next_edit()
    await lan.press(ask, "died")
    ask = await lan.next_edit()
    await lan.send("10/11/2026")
    confirm = await lan.next_reply()
    await lan.press(confirm, "Confirm")
    left = await lan.next_edit()
    assert "Send the notice upward with the dossier within 30 working days" in left.text
    assert (await member(world, mid)).status == "deceased"

    await lan.press(left, "Notice sent upward")
    ask = await lan.next_edit()
    assert "Date the notice went upward with the dossier?" in ask.text
    await lan.send("5/11/2026")  # before the death: refused on confirming
    confirm = await lan.next_reply()
    await lan.press(confirm, "Confirm")
    refused = await lan.next_edit()
    assert "cannot be before" in refused.text and "(10/11/2026)" in refused.text
    assert "Date the notice went upward with the dossier?" in refused.text  # asked again
    async with world.ctx.db.read() as tx:
        assert (await life_store.get_departure(tx, mid)).notice_date is None  # nothing written
    await lan.send("20/11/2026")
    confirm = await lan.next_reply()
    assert "20/11/2026" in confirm.text
    await lan.press(confirm, "Confirm")
    done = await lan.next_edit()
    assert done.text.startswith("Notice upward recorded.")
    assert "Notice sent upward 20/11/2026" in done.text
    assert not any("Notice sent upward" in b.text for row in done.buttons for b in row)
    async with world.ctx.db.read() as tx:
        departure = await life_store.get_departure(tx, mid)
        entries = await audit.entries(tx, entity="departure")
    assert departure is not None and departure.notice_date == date(2026, 11, 20)
    assert sorted(e.action for e in entries) == ["create", "notice"]
