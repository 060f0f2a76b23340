"""`chibo meeting add|list` (back-filling) and the meeting reminders in `chibo reminders due`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chibo.bot.cli import build_parser
from chibo.storage import audit
from chibo.storage.meetings import MeetingFields, TaskFields
from chibo.usecases import meetings as uc
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id


async def cli(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(list(argv))
    code = await args.func(args, ctx.config, translator("vi"))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
async def world(ctx):
    await demo_tree(ctx)
    for tg_id, org, role in (
        (1001, "C1", "secretary"),
        (1101, "C2", "secretary"),
        (2001, "X", "officer"),
    ):
        await bind(ctx, tg_id, org, role)
    members = await add_members(ctx, "C1", ["An", "Bình", "Cường"])
    await add_members(ctx, "C2", ["Dũng", "Em"])
    return members


async def test_meeting_add_back_fills_through_the_same_validation(ctx, world, capsys):
    code, out, _ = await cli(
        ctx,
        capsys,
        "meeting",
        "add",
        "--org",
        "C1",
        "--date",
        "2024-03-05",
        "--kind",
        "thematic",
        "--topic",
        "Học tập tư tưởng Hồ Chí Minh",
        "--rating",
        "Tốt",
    )
    assert code == 0 and "Chuyên đề, ngày 05/03/2024, Chi bộ thôn 1" in out
    assert (
        await cli(
            ctx,
            capsys,
            "meeting",
            "add",
            "--org",
            "C1",
            "--date",
            "2024-03-06",
            "--kind",
            "regular",
        )
    )[0] == 0
    code, _, err = await cli(
        ctx, capsys, "meeting", "add", "--org", "C1", "--date", "2024-03-28", "--kind", "regular"
    )
    assert code == 2 and "sinh hoạt thường kỳ tháng 03/2024" in err and "#2" in err
    with pytest.raises(InvalidInput):  # thematic without a topic (main() prints it)
        await cli(
            ctx,
            capsys,
            "meeting",
            "add",
            "--org",
            "C1",
            "--date",
            "2024-04-05",
            "--kind",
            "thematic",
        )
    with pytest.raises(InvalidInput):
        await cli(
            ctx, capsys, "meeting", "add", "--org", "X", "--date", "2024-04-05", "--kind", "regular"
        )
    code, out, _ = await cli(ctx, capsys, "meeting", "list", "--org", "C1")
    assert code == 0 and out.splitlines()[0].startswith("#2  06/03/2024  Thường kỳ  —")
    async with ctx.db.read() as tx:
        entries = await audit.entries(tx, entity="meeting")
    assert [(e.actor, e.action) for e in entries] == [("cli", "create")] * 2


async def due(ctx, capsys, day: date) -> list[dict]:
    code, out, _ = await cli(ctx, capsys, "reminders", "due", "--date", day.isoformat(), "--json")
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


async def test_meeting_reminders_are_in_the_preview(ctx, world, capsys):
    an, binh, cuong = world
    c1 = await org_id(ctx, "C1")
    for day in (date(2026, 8, 6), date(2026, 9, 7), date(2026, 10, 5)):
        await uc.record(
            ctx,
            actor="cli",
            org_id=c1,
            inp=uc.MeetingInput(
                MeetingFields(day, "regular"), {an: "unexcused", binh: "present", cuong: "excused"}
            ),
        )
    task_meeting = await uc.record(
        ctx,
        actor="cli",
        org_id=c1,
        inp=uc.MeetingInput(
            MeetingFields(date(2026, 11, 2), "extraordinary"),
            None,
            [TaskFields(binh, "Nộp báo cáo kiểm điểm", date(2026, 11, 25))],
        ),
    )

    rows = await due(ctx, capsys, date(2026, 11, 25))
    kinds = {(r["kind"], r["org"]): r for r in rows}
    assert set(kinds) >= {
        ("meeting.missing", "C1"),
        ("meeting.missing", "C2"),
        ("meeting.task", "C1"),
        ("meeting.absences", "C1"),
        ("cell.min_members", "C2"),
    }
    assert ("cell.min_members", "C1") not in kinds  # 3 official members
    assert kinds[("meeting.missing", "C1")]["users"] == [1001]
    assert kinds[("cell.min_members", "C2")]["users"] == [1101, 2001]
    absences = kinds[("meeting.absences", "C1")]
    assert absences["subject_id"] == an and "xóa tên" in absences["text"]
    task = kinds[("meeting.task", "C1")]
    assert "Nộp báo cáo kiểm điểm" in task["text"]

    # a regular meeting for November and the task marked done: those reminders stop
    await uc.record(
        ctx,
        actor=1001,
        org_id=c1,
        inp=uc.MeetingInput(MeetingFields(date(2026, 11, 20), "regular")),
    )
    [stored] = (await uc.detail(ctx, 1001, task_meeting.id)).tasks
    await uc.set_task_done(ctx, actor=1001, task_id=stored.id)
    left = {(r["kind"], r["org"]) for r in await due(ctx, capsys, date(2026, 11, 25))}
    assert ("meeting.missing", "C1") not in left and ("meeting.task", "C1") not in left
    assert ("meeting.missing", "C2") in left

    # escalations to the officers after the month (5 days) and the quarter
    rows = await due(ctx, capsys, date(2026, 12, 31))
    escalations = {(r["kind"], r["org"]): r["users"] for r in rows}
    assert ("meeting.thematic.escalation", "C1") not in escalations  # Q4 not over yet
    assert escalations[("meeting.missing.escalation", "C2")] == [2001]
    rows = await due(ctx, capsys, date(2027, 1, 1))
    escalations = {(r["kind"], r["org"]): r["users"] for r in rows}
    assert escalations[("meeting.thematic.escalation", "C1")] == [2001]
