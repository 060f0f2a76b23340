"""The year-end evaluation in the chat (issue 13): the secretary's review by buttons, the
officers' numbers and targets, the committee's levels, files, scope and forged buttons."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from chibo.botapi_emulator import BotApiEmulator, UserDriver
from chibo.botapi_emulator.state import ChatMessage
from chibo.handlers.reminders import TelegramNotifier
from chibo.storage.evaluation import CampaignFields
from chibo.storage.members import MemberFields
from chibo.usecases import evaluation as uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases import roster

from .conftest import World, reminder_items

# The clock of the e2e fixtures: Monday 23/11/2026.
YEAR = 2026
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


async def five_members(world: World, code: str = "C1") -> dict[str, int]:
    org = await orgs_uc.get_org(world.ctx, code)
    ids = {}
    for i, name in enumerate(NAMES):
        joined = date(2000 + i, 3, 1)
        f = MemberFields(
            full_name=name,
            birth_date=date(1970 + i, 1, 1),
            decision_date=joined,
            ceremony_date=joined,
            official_date=date(2001 + i, 3, 1),
            status="official",
            status_date=date(2001 + i, 3, 1),
        )
        ids[name] = (await roster.add_member(world.ctx, actor="cli", org_id=org.id, f=f)).id
    await uc.open_campaign(
        world.ctx,
        "cli",
        code="X",
        year=YEAR,
        fields=CampaignFields(date(2026, 12, 20), date(2027, 1, 10), instruction="HD 05-HD/ĐU"),
    )
    return ids


class Taps:
    """Counts the presses a user makes."""

    def __init__(self, user: UserDriver) -> None:
        self.user, self.n = user, 0

    async def press(self, msg: ChatMessage, *, data: str) -> ChatMessage:
        self.n += 1
        await self.user.press(msg, callback_data=data)
        return await self.user.next_edit()


async def test_secretary_reviews_five_members_in_a_few_taps(emu: BotApiEmulator, world: World):
    lan = await world.secretary(1001, "C1")
    ids = await five_members(world)
    c1 = (await orgs_uc.get_org(world.ctx, "C1")).id

    # the review meeting first (the roll and the vote base are taken that day)
    await lan.send("/review")
    cell = await lan.next_reply()
    assert "Kiểm điểm, đánh giá, xếp loại năm 2026 — Chi bộ thôn 1" in cell.text, cell.text
    assert "chưa có: 5" in cell.text, cell.text
    await lan.press(cell, callback_data=f"ev:rh:{c1}:{YEAR}")
    await lan.next_edit()
    await lan.send("22/11/2026")
    cell = await lan.next_reply()
    assert "22/11/2026" in cell.text, cell.text

    order = [x.member.full_name for x in (await uc.cell_review(world.ctx, 1001, c1, YEAR)).lines]
    assert sorted(order) == sorted(NAMES)
    levels = dict(zip(order, ["HTXS", "HTT", "HTT", "HTT", "HT"], strict=True))
    taps = Taps(lan)
    screen = await taps.press(cell, data=f"ev:m:{ids[order[0]]}:{YEAR}")
    per_member = []
    for i, name in enumerate(order):
        start = taps.n
        mid = ids[name]
        assert name in screen.text, screen.text
        screen = await taps.press(screen, data=f"ev:d:{mid}:{YEAR}:both")
        screen = await taps.press(screen, data=f"ev:lv:{mid}:{YEAR}:{levels[name]}")
        screen = await taps.press(screen, data=f"ev:va:{mid}:{YEAR}")
        assert "5/5" in screen.text or "5 tán thành" in screen.text, screen.text
        if i + 1 < len(order):
            following = screen.button("▶").callback_data
            assert following == f"ev:m:{ids[order[i + 1]]}:{YEAR}"
            screen = await taps.press(screen, data=following)
        per_member.append(taps.n - start)
    # three taps to record a member, one to go to the next
    assert per_member == [4, 4, 4, 4, 3], per_member
    assert taps.n == 1 + 19

    view = await uc.cell_review(world.ctx, 1001, c1, YEAR)
    assert not view.pending and view.done
    r = view.lines[0].review
    assert r is not None and r.proposed_level == "HTXS" and r.vote_agree == 5 and r.vote_base == 5
    assert r.self_assessment_on == date(2026, 11, 23) and r.plan_received_on == date(2026, 11, 23)
    assert view.counts() == {"HTXS": 1, "HTT": 3, "HT": 1, "KHT": 0}

    # a score that contradicts the level is refused with the rule cited; nothing is written
    em = ids[order[4]]
    await lan.press(screen, callback_data=f"ev:sc:{em}:{YEAR}")
    await lan.next_edit()
    await lan.send("85")
    refused = await lan.next_reply()
    assert "366-QĐ/TW" in refused.text, refused.text
    await lan.send("62,5")
    ok = await lan.next_reply()
    assert "62.5" in ok.text, ok.text
    # the level can then not go up to HTT with that score: refused, with a way out
    await lan.press(ok, callback_data=f"ev:lv:{em}:{YEAR}:HTT")
    clash = await lan.next_edit()
    assert "366-QĐ/TW" in clash.text
    await lan.press(clash, callback_data=f"ev:lvx:{em}:{YEAR}:HTT")
    await lan.next_edit()
    em_year = (await uc.member_review(world.ctx, 1001, em, YEAR)).line.review
    assert em_year is not None and em_year.proposed_level == "HTT" and em_year.score is None

    # the HTXS cap warns (2 HTXS for 3 HTT) but never blocks
    await lan.press(clash, callback_data=f"ev:lv:{em}:{YEAR}:HTXS")
    warned = await lan.next_edit()
    assert "⚠️" in warned.text and "20%" in warned.text, warned.text

    # a shortcoming with its remedy plan and due date
    await lan.press(warned, callback_data=f"ev:ra:{c1}:{YEAR}:{em}")
    await lan.next_edit()
    await lan.send("Sinh hoạt chưa đều")
    await lan.next_reply()
    await lan.send("Bí thư theo dõi, nhắc nhở hằng tháng")
    await lan.next_reply()
    await lan.send("31/03/2027")
    remedies = await lan.next_reply()
    assert "Sinh hoạt chưa đều" in remedies.text and "31/03/2027" in remedies.text
    assert order[4] in remedies.text
    view = await uc.cell_review(world.ctx, 1001, c1, YEAR)
    assert [(r.shortcoming, r.due_date) for r in view.remedies] == [
        ("Sinh hoạt chưa đều", date(2027, 3, 31))
    ]
    await lan.press(remedies, callback_data=f"ev:rd:{view.remedies[0].id}")
    await lan.next_edit()
    view = await uc.cell_review(world.ctx, 1001, c1, YEAR)
    assert view.remedies[0].done_on == date(2026, 11, 23)

    # the year list as a file
    await lan.press(remedies, callback_data=f"ev:c:{c1}:{YEAR}")
    cell = await lan.next_edit()
    await lan.press(cell, callback_data=f"ev:x:{c1}:{YEAR}")
    doc = await lan.next_document()
    assert doc.data is not None
    ws = load_workbook(io.BytesIO(doc.data)).active
    assert [ws.cell(row=5 + i, column=2).value for i in range(5)] == order


async def test_officer_sees_numbers_targets_and_decides(emu: BotApiEmulator, world: World):
    ids = await five_members(world)
    c1 = (await orgs_uc.get_org(world.ctx, "C1")).id
    for name, level in zip(NAMES, ["HTT", "HTT", "HTT", "HTT", "HT"], strict=True):
        await uc.record_member(
            world.ctx, "cli", member_id=ids[name], year=YEAR, changes={"proposed_level": level}
        )
    hoa = await world.officer(2001, "X")
    await hoa.send("/evaluation")
    numbers = await hoa.next_reply()
    text = numbers.text
    assert "Đảng ủy xã X (X)" in text, text
    assert "4/5 (80%)" in text, text  # members rated HTT or better, against 90%
    assert "90%" in text
    assert "Chi bộ thôn 1 (C1)" in text and "Chi bộ thôn 2 (C2)" in text

    # drill down to the cell: the committee's level per member, the cell's own level
    await hoa.press(numbers, callback_data=f"ev:c:{c1}:{YEAR}")
    cell = await hoa.next_edit()
    assert "01:" in cell.text  # the monthly meeting ratings beside the rating
    await hoa.press(cell, callback_data=f"ev:m:{ids[NAMES[4]]}:{YEAR}")
    member = await hoa.next_edit()
    await hoa.press(member, callback_data=f"ev:dl:{ids[NAMES[4]]}:{YEAR}:HTT")
    decided = await hoa.next_edit()
    assert "✓ HTT" in [b.text for row in decided.buttons for b in row]
    await hoa.press(decided, callback_data=f"ev:c:{c1}:{YEAR}")
    cell = await hoa.next_edit()
    await hoa.press(cell, callback_data=f"ev:cr:{c1}:{YEAR}:HTT")
    rated = await hoa.next_edit()
    assert "Sinh hoạt chi bộ hằng tháng năm 2026: 01: ✗" in rated.text, rated.text
    view = await uc.cell_review(world.ctx, 2001, c1, YEAR)
    assert view.cell.level == "HTT"
    em = next(x.review for x in view.lines if x.member.id == ids[NAMES[4]])
    assert em is not None and em.decided_level == "HTT" and em.proposed_level == "HT"

    await hoa.send("/evaluation X 2026")
    numbers = await hoa.next_reply()
    assert "5/5 (100%)" in numbers.text, numbers.text

    # the chart and the year list from the chat
    await hoa.press(
        numbers, callback_data=f"ev:ch:{(await orgs_uc.get_org(world.ctx, 'X')).id}:{YEAR}"
    )
    photo = await hoa.next_photo()
    assert photo.data is not None and photo.data[:4] == b"\x89PNG"
    await hoa.press(rated, callback_data=f"ev:x:{c1}:{YEAR}")
    await hoa.next_document()


async def test_other_subtree_and_forged_buttons_are_refused(emu: BotApiEmulator, world: World):
    ids = await five_members(world)
    c1 = (await orgs_uc.get_org(world.ctx, "C1")).id
    x = (await orgs_uc.get_org(world.ctx, "X")).id
    outsider = await world.officer(2002, "Y")
    await outsider.send("/evaluation X")
    refused = await outsider.next_reply()
    assert "quyền" in refused.text or "access" in refused.text, refused.text
    own = await world.secretary(1003, "C2")
    await own.send("/review")
    screen = await own.next_reply()
    mid = ids[NAMES[0]]
    for user, msg in ((outsider, refused), (own, screen)):
        for data in (
            f"ev:c:{c1}:{YEAR}",
            f"ev:m:{mid}:{YEAR}",
            f"ev:lv:{mid}:{YEAR}:HTXS",
            f"ev:va:{mid}:{YEAR}",
            f"ev:d:{mid}:{YEAR}:both",
            f"ev:dl:{mid}:{YEAR}:KHT",
            f"ev:cr:{c1}:{YEAR}:KHT",
            f"ev:x:{c1}:{YEAR}",
            f"ev:o:{x}:{YEAR}",
            f"ev:ch:{x}:{YEAR}",
            f"ev:ra:{c1}:{YEAR}",
        ):
            await user.press_data(msg, data)
            answer = await user.last_callback_answer()
            assert answer.show_alert, (data, answer)
    # a secretary cannot decide the committee's level or rate her own cell either
    lan = await world.secretary(1001, "C1")
    await lan.send("/review")
    mine = await lan.next_reply()
    await lan.press_data(mine, f"ev:cr:{c1}:{YEAR}:HTXS")
    assert (await lan.last_callback_answer()).show_alert
    view = await uc.cell_review(world.ctx, "cli", c1, YEAR)
    assert all(x.review is None for x in view.lines) and view.cell.level is None


async def test_reminders_open_the_review_and_close_a_remedy(emu: BotApiEmulator, world: World, bot):
    lan = await world.secretary(1001, "C1")
    await five_members(world)
    c1 = (await orgs_uc.get_org(world.ctx, "C1")).id
    remedy = await uc.add_remedy(
        world.ctx,
        "cli",
        org_id=c1,
        year=YEAR,
        shortcoming="Sinh hoạt chưa đều",
        remedy="Nhắc nhở hằng tháng",
        due_date=date(2026, 11, 20),
    )
    await reminders_uc.sweep(world.ctx, TelegramNotifier.for_app(bot, "vi"))
    await emu.wait_idle()
    sent = [item for m in lan.pending_replies() for item in await reminder_items(lan, m)]
    datas = {b.callback_data: m for m in sent for row in m.buttons for b in row}
    assert f"ev:c:{c1}:{YEAR}" in datas, [m.text for m in sent]
    assert f"ev:rd:{remedy.id}" in datas

    await lan.press(datas[f"ev:c:{c1}:{YEAR}"], callback_data=f"ev:c:{c1}:{YEAR}")
    opened = await lan.next_edit()
    assert "Kiểm điểm, đánh giá, xếp loại năm 2026" in opened.text
    await lan.press(datas[f"ev:rd:{remedy.id}"], callback_data=f"ev:rd:{remedy.id}")
    done = await lan.next_edit()
    assert "Đã đánh dấu hoàn thành" in done.text
    view = await uc.cell_review(world.ctx, 1001, c1, YEAR)
    assert view.remedies[0].done_on == date(2026, 11, 23)
