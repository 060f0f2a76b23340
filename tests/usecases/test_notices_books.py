"""The notice of the next meeting and the cell's books as files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from chibo.storage.meetings import MeetingFields
from chibo.usecases import books as books_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import notices as uc
from chibo.usecases.books_files import render_book, render_members
from chibo.usecases.errors import AccessDenied, InvalidInput
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id

VI = translator("vi")


async def test_a_notice_carries_the_proposed_agenda_and_feeds_the_minutes(ctx):
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    await bind(ctx, 1003, "C2", "secretary")
    c1 = await org_id(ctx, "C1")
    notice = await uc.current(ctx, 1001, c1, VI)
    assert not notice.saved and notice.agenda[0].startswith("Đánh giá")
    day = uc.check_field("held_on", "05/12/2026", ctx.today())
    with pytest.raises(InvalidInput):
        uc.check_field("at_time", "25h", ctx.today())
    notice = await uc.save(
        ctx, 1001, notice, held_on=day, at_time="19:30", place="Hội trường tổ dân phố"
    )
    text = uc.render_text(VI, await uc.current(ctx, 1001, c1, VI))
    assert "19:30, ngày 05/12/2026" in text and "Hội trường tổ dân phố" in text
    assert "1. Đánh giá" in text
    assert await uc.agenda_for(ctx, 1001, c1, day) == notice.agenda
    with pytest.raises(AccessDenied):
        await uc.current(ctx, 1003, c1, VI)


async def _book_world(ctx):
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    a, b = await add_members(ctx, "C1", ["Nguyễn Văn An", "Trần Thị Bình"])
    await add_members(ctx, "C2", ["Đỗ Thị Khác"])
    c1 = await org_id(ctx, "C1")
    for day, kind in ((date(2026, 9, 5), "regular"), (date(2026, 10, 5), "regular")):
        await meetings_uc.record(
            ctx,
            actor=1001,
            org_id=c1,
            inp=meetings_uc.MeetingInput(
                MeetingFields(day, kind, rating="Tốt"), {a: "present", b: "unexcused"}, []
            ),
        )
    return c1


async def test_the_meeting_book_rows_as_xlsx_and_docx(ctx):
    c1 = await _book_world(ctx)
    book = await books_uc.meeting_book(ctx, 1001, c1, 2026)
    data = render_book(VI, book, "xlsx")
    assert data == render_book(VI, book, "xlsx")  # deterministic
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert rows == [
        [1, "05/09/2026", "Thường kỳ", None, 1, 0, 1, "Tốt"],
        [2, "05/10/2026", "Thường kỳ", None, 1, 0, 1, "Tốt"],
    ]
    doc = Document(io.BytesIO(render_book(VI, book, "docx")))
    table = doc.tables[-1]
    assert [c.text for c in table.rows[1].cells][:3] == ["1", "05/09/2026", "Thường kỳ"]
    assert len(table.rows) == 3


async def test_the_member_list_as_of_a_day_has_only_the_cell(ctx):
    c1 = await _book_world(ctx)
    roll = await books_uc.member_list(ctx, 1001, c1, ctx.today())
    for fmt in ("xlsx", "docx"):
        data = render_members(VI, roll, fmt)
        assert data == render_members(VI, roll, fmt)
    doc = Document(io.BytesIO(render_members(VI, roll, "docx")))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" in text
    assert "Đỗ Thị Khác" not in text
    ws = load_workbook(io.BytesIO(render_members(VI, roll, "xlsx"))).active
    assert [c.value for c in ws[2]][:2] == ["STT", "Họ và tên"]
    assert len(roll.members) == 2
