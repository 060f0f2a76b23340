"""The next meeting's agenda proposed from the book."""

from __future__ import annotations

from datetime import date

from chibo.storage.meetings import MeetingFields, TaskFields
from chibo.usecases import agenda as uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id

VI = translator("vi")


async def test_the_agenda_names_tasks_absences_and_the_season(ctx):
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    a, b = await add_members(ctx, "C1", ["Nguyễn Văn An", "Trần Thị Bình"])
    await add_members(ctx, "C2", ["Đỗ Thị Khác"])
    c1 = await org_id(ctx, "C1")
    for day in (date(2026, 9, 5), date(2026, 10, 5)):
        await meetings_uc.record(
            ctx,
            actor=1001,
            org_id=c1,
            inp=meetings_uc.MeetingInput(
                MeetingFields(day, "regular"),
                {a: "present", b: "unexcused"},
                [TaskFields(a, f"Báo cáo tháng {day.month}", date(2026, 11, 30))],
            ),
        )
    agenda = await uc.propose(ctx, 1001, c1, date(2026, 11, 23))
    lines = [VI.msg(item) for item in agenda.items]
    text = "\n".join(lines)
    assert lines[0].startswith("Đánh giá") and "Nguyễn Văn An: Báo cáo tháng 10" in text
    assert "Trần Thị Bình" in text  # two months with unexcused absences
    assert "chuyên đề" in text and "cuối năm" in text
    assert "Đỗ Thị Khác" not in text
