"""chibo.storage.meetings: records, attendance, tasks, one regular meeting a month, the loaders."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from chibo.rules.meeting_reminders import ABSENCE_FAMILY, MEETING_FAMILY, TASK_FAMILY
from chibo.rules.meetings import AttendanceRecord
from chibo.storage import meetings as store
from chibo.storage import reminder_state
from chibo.storage.meetings import MeetingFields, TaskFields

from ..usecases.helpers import demo_tree
from ..usecases.test_meeting_support import add_members, org_id


@pytest.fixture
async def c1(ctx):
    await demo_tree(ctx)
    return await org_id(ctx, "C1")


async def _insert(ctx, org: int, day: date, kind: str = "regular", **kw) -> int:
    async with ctx.db.transaction() as tx:
        return await store.insert(
            tx, org_id=org, f=MeetingFields(day, kind, **kw), actor="cli", at=ctx.now()
        )


async def test_insert_read_update_delete(ctx, c1):
    [a, b] = await add_members(ctx, "C1", ["Bình", "An"])
    first = await _insert(ctx, c1, date(2026, 9, 3), rating="Tốt")
    second = await _insert(ctx, c1, date(2026, 10, 3), "thematic", topic="Chuyên đề")
    async with ctx.db.transaction() as tx:
        await store.set_attendance(tx, first, {a: "present", b: "unexcused"})
        await store.update(
            tx, second, MeetingFields(date(2026, 10, 4), "thematic", "Mới"), ctx.now()
        )
        assert [m.id for m in await store.of_org(tx, c1)] == [second, first]
        assert [m.id for m in await store.of_org(tx, c1, kinds=("regular",))] == [first]
        assert (await store.get(tx, second)).topic == "Mới"
        assert [(x.full_name, x.status) for x in await store.attendance(tx, first)] == [
            ("An", "unexcused"),
            ("Bình", "present"),
        ]
        assert await store.attendance_counts(tx, [first, second]) == {
            first: {"present": 1, "unexcused": 1}
        }
        assert await store.delete(tx, first)
        assert await store.attendance(tx, first) == []
        assert await store.count_of_org(tx, c1) == 1


async def test_one_regular_meeting_per_cell_and_month_in_the_schema(ctx, c1):
    await _insert(ctx, c1, date(2026, 9, 3))
    await _insert(ctx, c1, date(2026, 9, 20), "thematic", topic="x")
    await _insert(ctx, await org_id(ctx, "C2"), date(2026, 9, 3))
    with pytest.raises(sqlite3.IntegrityError):
        await _insert(ctx, c1, date(2026, 9, 30))


async def test_tasks_keep_their_done_date_across_edits(ctx, c1):
    [a, b] = await add_members(ctx, "C1", ["An", "Bình"])
    meeting = await _insert(ctx, c1, date(2026, 9, 3))
    async with ctx.db.transaction() as tx:
        await store.set_tasks(
            tx,
            meeting,
            [TaskFields(a, "Một", date(2026, 9, 10)), TaskFields(b, "Hai", date(2026, 9, 30))],
        )
        one, two = await store.tasks(tx, meeting)
        await store.set_task_done(tx, one.id, date(2026, 9, 9))
        await store.set_tasks(
            tx,
            meeting,
            [
                TaskFields(a, "Một (sửa)", date(2026, 9, 12), one.id),
                TaskFields(b, "Ba", date(2026, 9, 30)),
            ],
        )
        kept, new = await store.tasks(tx, meeting)
        assert (kept.id, kept.task, kept.done_on) == (one.id, "Một (sửa)", date(2026, 9, 9))
        assert new.task == "Ba" and new.id != two.id and new.done_on is None
        assert [t.id for t in await store.open_tasks(tx)] == [new.id]


async def test_reminder_loaders(ctx, c1):
    c2 = await org_id(ctx, "C2")
    [a, b, c] = await add_members(ctx, "C1", ["An", "Bình", "Cường"])
    [p] = await add_members(ctx, "C1", ["Dự bị"], status="probationary")
    [e] = await add_members(ctx, "C1", ["Miễn"], status="exempt")
    [x] = await add_members(ctx, "C2", ["Xuân"], status="probationary")
    jan = await _insert(ctx, c1, date(2026, 1, 8))
    mar = await _insert(ctx, c1, date(2026, 3, 8), "thematic", topic="Chuyên đề")
    await _insert(ctx, c1, date(2026, 3, 20), "extraordinary")
    async with ctx.db.transaction() as tx:
        await store.set_attendance(
            tx, jan, {a: "unexcused", b: "excused", p: "unexcused", e: "exempt"}
        )
        await store.set_attendance(tx, mar, {a: "unexcused", b: "present"})
        await store.set_tasks(tx, mar, [TaskFields(c, "Báo cáo", date(2026, 3, 31))])
        state = await reminder_state.load(tx)
        only_c2 = await reminder_state.load(tx, [c2])

    cases = {case.org_id: case for case in state[MEETING_FAMILY]}
    assert cases[c1].regular_dates == (date(2026, 1, 8),)
    assert cases[c1].thematic_dates == (date(2026, 3, 8),)
    # M5 counts the exempt member: an official member (issue 9 §2)
    assert cases[c1].official_count == 4 and cases[c2].official_count == 0
    assert cases[await org_id(ctx, "D1")].official_count is None  # no roster yet
    assert cases[c1].since == date(2026, 11, 23)
    absences = {case.member_id: case for case in state[ABSENCE_FAMILY]}
    assert set(absences) == {a, p}
    assert absences[a].records == (
        AttendanceRecord(date(2026, 1, 8), "unexcused"),
        AttendanceRecord(date(2026, 3, 8), "unexcused"),
    )
    [task] = state[TASK_FAMILY]
    assert (task.org_id, task.member_name, task.text, task.due_date) == (
        c1,
        "Cường",
        "Báo cáo",
        date(2026, 3, 31),
    )
    assert [case.org_id for case in only_c2[MEETING_FAMILY]] == [c2]
    assert only_c2[ABSENCE_FAMILY] == () and only_c2[TASK_FAMILY] == ()
    assert x not in absences
