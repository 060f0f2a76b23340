"""Use cases of the meeting book: validation, access, edits with audit, the reading views."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest

from chibo.storage import audit
from chibo.storage import members as member_store
from chibo.storage.meetings import MeetingFields, TaskFields
from chibo.usecases import meetings as uc
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, admitted, org_id

TODAY = date(2026, 11, 23)  # the `clock` fixture's local date


@pytest.fixture
async def cell(ctx):
    """Cell C1 with 4 official members and 1 exempt one; secretary 1001, deputy 1002 of C1,
    secretary 1003 of C2, officer 2001 of commune X (above C1 and C2)."""
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    await bind(ctx, 1002, "C1", "deputy")
    await bind(ctx, 1003, "C2", "secretary")
    await bind(ctx, 2001, "X", "officer")
    members = await add_members(ctx, "C1", ["An", "Bình", "Cường", "Dung"])
    exempt = await add_members(ctx, "C1", ["Em"], status="exempt")
    return {"org": await org_id(ctx, "C1"), "members": members, "exempt": exempt[0]}


def regular(day: date = date(2026, 11, 5), **kw) -> MeetingFields:
    return MeetingFields(held_on=day, kind="regular", **kw)


async def meetings_of(ctx, org: int) -> list:
    lines, _total = await uc.recent(ctx, "cli", org, limit=50)
    return [line.meeting for line in lines]


async def test_record_a_meeting_with_attendance_and_tasks(ctx, cell):
    a, b, c, d = cell["members"]
    att = {a: "present", b: "present", c: "excused", d: "unexcused", cell["exempt"]: "exempt"}
    tasks = [TaskFields(a, "  Thu  đảng phí quý IV ", date(2026, 11, 30))]
    meeting = await uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=uc.MeetingInput(
            regular(rating="Tốt", upper_attendee="Đ/c Minh, Đảng ủy viên"), att, tasks
        ),
    )
    detail = await uc.detail(ctx, 1001, meeting.id)
    assert detail.counts == uc.Counts(present=2, excused=1, unexcused=1, exempt=1)
    assert detail.counts.expected == 4 and detail.counts.rate == Fraction(1, 2)
    assert [x.full_name for x in detail.by_status("exempt")] == ["Em"]
    assert [(x.member_name, x.task) for x in detail.tasks] == [("An", "Thu đảng phí quý IV")]
    async with ctx.db.read() as tx:
        [entry] = await audit.entries(tx, entity="meeting", entity_id=meeting.id)
    assert entry.action == "create" and entry.actor == "1001"
    assert entry.after["rating"] == "Tốt" and entry.after["attendance"][str(d)] == "unexcused"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (regular(date(2026, 11, 24)), "future"),
        (MeetingFields(date(2026, 11, 2), "thematic"), "topic"),
        (MeetingFields(date(2026, 11, 2), "thematic", topic="   "), "topic"),
        (regular(rating="Xuất sắc"), "must be one of"),
        (MeetingFields(date(2026, 11, 2), "monthly"), "Unknown meeting kind"),
    ],
)
async def test_invalid_meetings_are_refused_and_nothing_is_written(ctx, cell, fields, words):
    with pytest.raises(InvalidInput) as exc:
        await uc.record(ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(fields))
    assert words in exc.value.msg.key
    assert await meetings_of(ctx, cell["org"]) == []


async def test_rating_levels_come_from_the_configuration(ctx, cell):
    ctx.config = replace(ctx.config, rating_levels=("Xuất sắc", "Đạt", "Chưa đạt"))
    await uc.record(
        ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(rating="Xuất sắc"))
    )
    with pytest.raises(InvalidInput):
        await uc.record(
            ctx,
            actor=1001,
            org_id=cell["org"],
            inp=uc.MeetingInput(MeetingFields(date(2026, 11, 6), "extraordinary", rating="Tốt")),
        )


async def test_one_regular_meeting_a_month(ctx, cell):
    first = await uc.record(
        ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(date(2026, 11, 5)))
    )
    with pytest.raises(uc.DuplicateRegular) as exc:
        await uc.record(
            ctx, actor=1002, org_id=cell["org"], inp=uc.MeetingInput(regular(date(2026, 11, 20)))
        )
    assert exc.value.existing.id == first.id
    assert "Art. 24" in exc.value.msg.key
    # other kinds in the same month, and a regular one in another month or cell, are fine
    await uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=uc.MeetingInput(
            MeetingFields(date(2026, 11, 20), "thematic", topic="Học tập Nghị quyết")
        ),
    )
    await uc.record(
        ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(date(2026, 10, 31)))
    )
    await uc.record(
        ctx,
        actor="cli",
        org_id=await org_id(ctx, "C2"),
        inp=uc.MeetingInput(regular(date(2026, 11, 5))),
    )
    assert len(await meetings_of(ctx, cell["org"])) == 3


async def test_a_future_date_is_reported_before_the_duplicate(ctx, cell):
    ctx.clock.set(ctx.clock.now().replace(day=3))
    await uc.record(
        ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(date(2026, 11, 2)))
    )
    with pytest.raises(InvalidInput) as exc:
        await uc.record(
            ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(date(2026, 11, 20)))
        )
    assert not isinstance(exc.value, uc.DuplicateRegular)
    assert "future" in exc.value.msg.key


async def test_attendance_and_tasks_only_for_the_cells_members(ctx, cell):
    [stranger] = await add_members(ctx, "C2", ["Người chi bộ khác"])
    [gone] = await add_members(ctx, "C1", ["Đã chuyển đi"], status="transferred_out")
    for att in (
        {stranger: "present"},
        {999_999: "absent"},
        {gone: "present"},
        {cell["members"][0]: "late"},
    ):
        with pytest.raises(InvalidInput):
            await uc.record(
                ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(), att)
            )
    for task in (
        TaskFields(stranger, "Việc", date(2026, 11, 30)),
        TaskFields(cell["members"][0], "", date(2026, 11, 30)),
        TaskFields(cell["members"][0], "Việc", date(2026, 11, 4)),
    ):
        with pytest.raises(InvalidInput):
            await uc.record(
                ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(), None, [task])
            )
    assert await meetings_of(ctx, cell["org"]) == []


async def test_access_to_write_and_read(ctx, cell):
    inp = uc.MeetingInput(regular())
    with pytest.raises(AccessDenied):
        await uc.record(ctx, actor=1003, org_id=cell["org"], inp=inp)
    with pytest.raises(AccessDenied):
        await uc.record(ctx, actor=2001, org_id=cell["org"], inp=inp)
    meeting = await uc.record(ctx, actor=1002, org_id=cell["org"], inp=inp)  # the deputy
    for call in (
        uc.detail(ctx, 1003, meeting.id),
        uc.for_write(ctx, 1003, meeting.id),
        uc.delete(ctx, actor=1003, meeting_id=meeting.id),
        uc.edit(ctx, actor=1003, meeting_id=meeting.id, inp=inp),
        uc.recent(ctx, 1003, cell["org"]),
        uc.year_report(ctx, 1003, cell["org"], 2026),
        uc.member_history(ctx, 1003, cell["members"][0]),
    ):
        with pytest.raises(AccessDenied):
            await call
    officer_view = await uc.detail(ctx, 2001, meeting.id)
    assert not officer_view.can_write and (await uc.detail(ctx, 1001, meeting.id)).can_write
    with pytest.raises(NotFound):
        await uc.detail(ctx, 1001, 424242)
    async with ctx.db.read() as tx:
        denied = await audit.entries(tx, entity="access")
    assert {e.actor for e in denied} == {"1003", "2001"}


async def test_edit_goes_through_validation_and_is_audited(ctx, cell):
    a, b, *_ = cell["members"]
    task = TaskFields(a, "Viết báo cáo", date(2026, 11, 20))
    first = await uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=uc.MeetingInput(regular(rating="Khá"), {a: "present", b: "excused"}, [task]),
    )
    [stored_task] = (await uc.detail(ctx, 1001, first.id)).tasks
    await uc.set_task_done(ctx, actor=1002, task_id=stored_task.id)
    october = await uc.record(
        ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(date(2026, 10, 8)))
    )

    inp = await uc.stored_input(ctx, 1002, first.id)
    changed = replace(
        inp,
        fields=replace(inp.fields, held_on=date(2026, 11, 6), rating="Tốt"),
        attendance={a: "present", b: "unexcused"},
    )
    await uc.edit(ctx, actor=1002, meeting_id=first.id, inp=changed)
    detail = await uc.detail(ctx, 1001, first.id)
    assert detail.meeting.held_on == date(2026, 11, 6) and detail.meeting.rating == "Tốt"
    assert detail.tasks[0].done_on == TODAY  # the task kept its done date
    async with ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="meeting", entity_id=first.id))[0]
    assert entry.action == "update" and entry.actor == "1002"
    assert entry.before["rating"] == "Khá" and entry.after["rating"] == "Tốt"
    assert entry.before["attendance"][str(b)] == "excused"
    assert entry.after["attendance"][str(b)] == "unexcused"

    # moving it into October, which already has its regular meeting, is refused
    with pytest.raises(uc.DuplicateRegular) as exc:
        await uc.edit(
            ctx,
            actor=1001,
            meeting_id=first.id,
            inp=replace(changed, fields=replace(changed.fields, held_on=date(2026, 10, 20))),
        )
    assert exc.value.existing.id == october.id
    # and a forged task id from another meeting is not taken over
    other = await uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=uc.MeetingInput(
            MeetingFields(date(2026, 11, 10), "extraordinary"),
            None,
            [TaskFields(a, "Việc khác", date(2026, 11, 30))],
        ),
    )
    other_task = (await uc.detail(ctx, 1001, other.id)).tasks[0]
    await uc.edit(
        ctx,
        actor=1001,
        meeting_id=first.id,
        inp=replace(changed, tasks=[TaskFields(a, "Lấy việc", date(2026, 11, 30), other_task.id)]),
    )
    assert [t.task for t in (await uc.detail(ctx, 1001, other.id)).tasks] == ["Việc khác"]


async def test_delete_is_audited_with_what_was_deleted(ctx, cell):
    a = cell["members"][0]
    meeting = await uc.record(
        ctx, actor=1001, org_id=cell["org"], inp=uc.MeetingInput(regular(), {a: "present"})
    )
    await uc.delete(ctx, actor=1002, meeting_id=meeting.id)
    with pytest.raises(NotFound):
        await uc.detail(ctx, 1001, meeting.id)
    async with ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="meeting", entity_id=meeting.id))[0]
    assert entry.action == "delete" and entry.before["attendance"] == {str(a): "present"}


async def test_year_report(ctx, cell):
    a, b, c, d = cell["members"]
    for month, rating in ((1, "Tốt"), (2, "Khá"), (4, None), (11, "Tốt")):
        att = {a: "present", b: "present", c: "present", d: "excused"} if month == 2 else None
        await uc.record(
            ctx,
            actor="cli",
            org_id=cell["org"],
            inp=uc.MeetingInput(regular(date(2026, month, 10), rating=rating), att),
        )
    await uc.record(
        ctx,
        actor="cli",
        org_id=cell["org"],
        inp=uc.MeetingInput(
            MeetingFields(date(2026, 5, 19), "thematic", topic="Học tập và làm theo Bác")
        ),
    )
    report = await uc.year_report(ctx, 1001, cell["org"], 2026)
    assert [m.status for m in report.months] == (
        ["held", "held", "missing", "held"] + ["missing"] * 6 + ["held", "future"]
    )
    assert report.months[1].regular.meeting.rating == "Khá"
    assert report.months[1].regular.counts.rate == Fraction(3, 4)
    assert [q.status for q in report.quarters] == ["missing", "held", "missing", "open"]
    assert report.rate == Fraction(3, 4)


async def test_member_history_and_absence_review(ctx, cell):
    a, b, *_ = cell["members"]
    for day, status in (
        (date(2025, 11, 10), "unexcused"),  # outside the 12 months
        (date(2026, 1, 10), "unexcused"),
        (date(2026, 3, 10), "excused"),
        (date(2026, 6, 10), "unexcused"),
        (date(2026, 9, 10), "unexcused"),
    ):
        await uc.record(
            ctx,
            actor="cli",
            org_id=cell["org"],
            inp=uc.MeetingInput(regular(day), {a: status, b: "present"}),
        )
    history = await uc.member_history(ctx, 1001, a)
    assert [r.held_on.month for r in history.records] == [1, 3, 6, 9]
    assert history.counts == uc.Counts(excused=1, unexcused=3)
    assert history.absences.level == "review" and history.absences.months == 3
    assert (await uc.member_history(ctx, 2001, b)).absences.level == "none"


async def test_task_done_needs_write_access(ctx, cell):
    meeting = await uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=uc.MeetingInput(
            regular(), None, [TaskFields(cell["members"][0], "Việc", date(2026, 11, 30))]
        ),
    )
    task = (await uc.detail(ctx, 1001, meeting.id)).tasks[0]
    with pytest.raises(AccessDenied):
        await uc.set_task_done(ctx, actor=1003, task_id=task.id)
    with pytest.raises(NotFound):
        await uc.set_task_done(ctx, actor=1001, task_id=task.id + 100)
    done = await uc.set_task_done(ctx, actor=1001, task_id=task.id)
    assert done.done_on == TODAY


def test_drafts_round_trip():
    inp = uc.MeetingInput(
        MeetingFields(date(2026, 3, 5), "thematic", topic="Chuyên đề", rating="Tốt"),
        {3: "present", 4: "excused"},
        [TaskFields(3, "Việc", date(2026, 3, 12), 7)],
    )
    assert uc.from_draft(uc.to_draft(inp)) == inp
    with pytest.raises(InvalidInput):
        uc.from_draft({"date": "2026-03-05"})
    with pytest.raises(InvalidInput):
        uc.from_draft({"date": "05/03/2026", "kind": "regular"})


async def test_cli_cells_only(ctx, cell):
    with pytest.raises(InvalidInput):
        await uc.cell_by_code(ctx, "X")
    with pytest.raises(NotFound):
        await uc.cell_by_code(ctx, "NOPE")
    assert (await uc.cell_by_code(ctx, "c1")).code == "C1"


async def test_a_member_who_left_stays_in_the_meetings_they_attended(ctx, cell):
    a, b, *_ = cell["members"]
    meeting = await uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=uc.MeetingInput(regular(), {a: "present", b: "present"}),
    )
    async with ctx.db.transaction() as tx:
        member = await member_store.get(tx, a)
        await member_store.update(
            tx,
            a,
            f=replace(member.editable, status="transferred_out"),
            name_key=member.name_key,
            at=ctx.now(),
        )
    inp = await uc.stored_input(ctx, 1001, meeting.id)
    await uc.edit(
        ctx,
        actor=1001,
        meeting_id=meeting.id,
        inp=replace(inp, attendance={a: "present", b: "excused"}),
    )
    with pytest.raises(InvalidInput):  # but cannot be added to a new meeting
        await uc.record(
            ctx,
            actor=1001,
            org_id=cell["org"],
            inp=uc.MeetingInput(MeetingFields(date(2026, 11, 6), "extraordinary"), {a: "present"}),
        )
    assert a not in [m.id for m in (await uc.roll_call(ctx, cell["org"])).called]


async def test_a_back_dated_meeting_calls_the_roll_of_its_own_day(ctx, cell):
    """Issue 9 §2: a meeting logged for 05/04 lists neither a member admitted on 20/06 nor one
    admitted today, and cannot save them as present; an exempt member of today who was an
    official member then is called like the others."""
    june = await admitted(ctx, cell["org"], "Giang", date(2026, 6, 20))
    today = await admitted(ctx, cell["org"], "Hà", TODAY)
    a = cell["members"][0]
    async with ctx.db.transaction() as tx:  # An: exempt since 01/05, official before
        await member_store.add_history(
            tx,
            a,
            status="official",
            status_date=date(2010, 1, 1),
            note=None,
            actor="cli",
            at=ctx.now(),
        )
        await member_store.add_history(
            tx,
            a,
            status="exempt",
            status_date=date(2026, 5, 1),
            note=None,
            actor="cli",
            at=ctx.now(),
        )
    april = await uc.roll_call(ctx, cell["org"], date(2026, 4, 5))
    assert june not in [m.id for m in april.called] and today not in [m.id for m in april.called]
    assert a in [m.id for m in april.called] and a not in [m.id for m in april.exempt]
    july = await uc.roll_call(ctx, cell["org"], date(2026, 7, 5))
    assert june in [m.id for m in july.called] and today not in [m.id for m in july.called]
    now = await uc.roll_call(ctx, cell["org"])
    assert today in [m.id for m in now.called]
    for late in (june, today):
        with pytest.raises(InvalidInput) as exc:
            await uc.record(
                ctx,
                actor=1001,
                org_id=cell["org"],
                inp=uc.MeetingInput(regular(date(2026, 4, 5)), {late: "present"}),
            )
        assert "not on this cell's roll" in exc.value.msg.key
    assert await meetings_of(ctx, cell["org"]) == []


async def test_the_roll_of_a_day_lists_temporary_exemptions_apart_and_leaves_out_the_away(
    ctx, cell
):
    """Issue 9 §2 with the lifecycle records: a member temporarily exempt that day is listed
    apart (never absent); one on temporary transfer elsewhere is not called at home."""
    from chibo.usecases import lifecycle

    a, b, _c, _d = cell["members"]
    await lifecycle.exempt(
        ctx,
        actor="cli",
        member_id=a,
        kind="temporary",
        ground="treatment",
        resolution_date=date(2026, 3, 1),
        start_date=date(2026, 3, 1),
        end_date=date(2026, 8, 31),
        approval_date=date(2026, 3, 5),
    )
    await lifecycle.temporary_transfer(
        ctx,
        actor="cli",
        member_id=b,
        reason="work",
        start=date(2026, 3, 1),
        end=date(2026, 12, 31),
        to_external="Chi bộ Công ty X",
    )
    april = await uc.roll_call(ctx, cell["org"], date(2026, 4, 5))
    assert a in [m.id for m in april.exempt] and a not in [m.id for m in april.called]
    assert b not in [m.id for m in april.called] and b not in [m.id for m in april.exempt]
    february = await uc.roll_call(ctx, cell["org"], date(2026, 2, 5))
    assert {a, b} <= {m.id for m in february.called}
