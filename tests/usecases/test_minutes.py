"""The minutes (biên bản sinh hoạt chi bộ): the model from the log, the DOCX opened again with
python-docx, scope, and the optional fields typed in the chat."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from chibo.storage.meetings import MeetingFields, TaskFields
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import minutes as uc
from chibo.usecases.documents_docx import PARTY, render_minutes
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id

VI = translator("vi")
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.fixture
async def cell(ctx):
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    await bind(ctx, 1003, "C2", "secretary")
    await bind(ctx, 2001, "X", "officer")
    await bind(ctx, 2002, "Y", "officer")
    members = await add_members(ctx, "C1", NAMES)
    other = await add_members(ctx, "C2", ["Đỗ Thị Khác", "Lý Văn Ngoài"])
    return {"org": await org_id(ctx, "C1"), "members": members, "other": other}


async def logged(ctx, cell, **minutes) -> int:
    a, b, c, d = cell["members"]
    att = {a: "present", b: "present", c: "excused", d: "unexcused"}
    fields = uc.MinutesFields(
        place="Nhà văn hóa thôn 1",
        opened_at="19:30",
        closed_at="21:15",
        chair="Nguyễn Văn An",
        recorder="Trần Thị Bình",
        agenda="Đánh giá tháng 10\nKết nạp quần chúng ưu tú",
        opinions="Đ/c Bình đề nghị đẩy nhanh thu đảng phí.",
        vote_for=2,
        vote_against=0,
        vote_abstain=0,
        reasons={c: "Ốm, có đơn xin phép"},
        **minutes,
    )
    meeting = await meetings_uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=meetings_uc.MeetingInput(
            MeetingFields(
                date(2026, 11, 5),
                "regular",
                upper_attendee="Đ/c Minh, Đảng ủy viên",
                contents="Chi bộ hoàn thành các chỉ tiêu tháng 10.",
                rating="Tốt",
            ),
            att,
            [TaskFields(a, "Thu đảng phí quý IV", date(2026, 11, 30))],
            fields,
        ),
    )
    return meeting.id


async def test_the_minutes_show_every_field_with_diacritics(ctx, cell):
    mid = await logged(ctx, cell)
    m = await uc.build(ctx, 1001, mid)
    assert m.excused == (uc.Absent("Lê Văn Cường", "Ốm, có đơn xin phép"),)
    assert m.unexcused == (uc.Absent("Phạm Thị Dung", None),)
    text = text_of(render_minutes(VI, m))
    for expected in [
        PARTY,
        "ĐẢNG ỦY XÃ X",
        "CHI BỘ THÔN 1",
        "Nhà văn hóa thôn 1",
        "19:30",
        "21:15",
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Ốm, có đơn xin phép",
        "Phạm Thị Dung",
        "Đ/c Minh, Đảng ủy viên",
        "Kết nạp quần chúng ưu tú",
        "Chi bộ hoàn thành các chỉ tiêu tháng 10.",
        "Thu đảng phí quý IV",
        "Đ/c Bình đề nghị đẩy nhanh thu đảng phí.",
        "Tốt",
        "BIÊN BẢN",
        "05/11/2026",
    ]:
        assert expected in text, expected


async def test_the_minutes_are_deterministic(ctx, cell):
    mid = await logged(ctx, cell)
    m = await uc.build(ctx, 1001, mid)
    first = render_minutes(VI, m)
    assert render_minutes(VI, m) == first
    props = Document(io.BytesIO(first)).core_properties
    assert props.created is not None and props.created.date() == date(2026, 11, 5)
    assert props.author == "Chi bộ thôn 1"


async def test_a_meeting_with_forty_members(ctx, cell):
    names = [f"Đảng viên Số {i:02d}" for i in range(40)]
    ids = await add_members(ctx, "C2", names)
    att = {mid: ("present" if i % 10 else "excused") for i, mid in enumerate(ids)}
    att.update({cell["other"][0]: "present", cell["other"][1]: "unexcused"})
    meeting = await meetings_uc.record(
        ctx,
        actor=1003,
        org_id=await org_id(ctx, "C2"),
        inp=meetings_uc.MeetingInput(MeetingFields(date(2026, 11, 6), "regular"), att),
    )
    m = await uc.build(ctx, 1003, meeting.id)
    assert m.total == 42 and len(m.present) == 37 and len(m.excused) == 4
    text = text_of(render_minutes(VI, m))
    assert all(name in text for name in names)
    assert not (set(NAMES) & m.names) and not any(name in text for name in NAMES)


async def test_one_cell_minutes_never_name_another_cells_members(ctx, cell):
    mid = await logged(ctx, cell)
    text = text_of(render_minutes(VI, await uc.build(ctx, 1001, mid)))
    assert "Đỗ Thị Khác" not in text and "Lý Văn Ngoài" not in text


async def test_scope_secretary_and_officers_above_only(ctx, cell):
    mid = await logged(ctx, cell)
    assert (await uc.build(ctx, 2001, mid)).meeting_id == mid  # officer of commune X
    for outsider in (1003, 2002):  # another cell's secretary, another commune's officer
        with pytest.raises(AccessDenied):
            await uc.build(ctx, outsider, mid)
    found = await uc.find(ctx, "cli", "C1", date(2026, 11, 5))
    assert found.meeting_id == mid


async def test_a_meeting_logged_without_the_minutes_fields_leaves_blanks(ctx, cell):
    meeting = await meetings_uc.record(
        ctx,
        actor=1001,
        org_id=cell["org"],
        inp=meetings_uc.MeetingInput(MeetingFields(date(2026, 11, 5), "regular")),
    )
    m = await uc.build(ctx, 1001, meeting.id)
    assert m.chair is None and not m.recorded
    text = text_of(render_minutes(VI, m))
    assert "……" in text and PARTY in text


async def test_an_edit_keeps_reasons_only_for_absent_members(ctx, cell):
    mid = await logged(ctx, cell)
    inp = await meetings_uc.stored_input(ctx, 1001, mid)
    assert inp.minutes is not None and inp.minutes.chair == "Nguyễn Văn An"
    att = {k: "present" for k in inp.attendance or {}}
    await meetings_uc.edit(
        ctx,
        actor=1001,
        meeting_id=mid,
        inp=meetings_uc.MeetingInput(inp.fields, att, (), inp.minutes),
    )
    m = await uc.build(ctx, 1001, mid)
    assert m.excused == () and m.chair == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("text", "expected"), [("19:30", "19:30"), ("7h", "07:00"), ("19h05", "19:05"), ("8", "08:00")]
)
def test_times(text, expected):
    assert uc.parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "abc", "19:75", ""])
def test_bad_times(text):
    with pytest.raises(InvalidInput):
        uc.parse_time(text)


def test_votes():
    assert uc.parse_vote("12/0/1") == (12, 0, 1)
    assert uc.parse_vote("12") == (12, 0, 0)
    with pytest.raises(InvalidInput):
        uc.parse_vote("mười hai")


async def test_cli_writes_the_minutes(ctx, cell, capsys, tmp_path):
    from chibo.bot.cli import build_parser

    await logged(ctx, cell)
    out = tmp_path / "bb.docx"
    argv = ["meeting", "minutes", "--org", "C1", "--date", "2026-11-05", "-o", str(out)]
    args = build_parser().parse_args(argv)
    assert await args.func(args, ctx.config, VI) == 0
    assert "Ốm, có đơn xin phép" in text_of(out.read_bytes())
    args = build_parser().parse_args([*argv[:5], "2026-11-06"])
    with pytest.raises(NotFound):
        await args.func(args, ctx.config, VI)
