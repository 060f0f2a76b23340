"""Roster import and export: files in every shape secretaries send, all-or-nothing, round trip."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from chibo.storage import audit
from chibo.storage import members as store
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import roster, roster_io
from chibo.usecases.errors import InvalidInput

from .helpers import demo_tree

HEADER = (
    "Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày kết nạp,"
    "Ngày chính thức,Trạng thái,Ngày trạng thái"
)
GOOD_ROWS = [
    "Nguyễn Văn An,15/01/1960,Nam,79.000001,079060000001,01/03/1985,10/03/1985,10/03/1986,"
    "Chính thức,10/03/1986",
    "Trần Thị Bình,1975-07-02,Nữ,79.000002,,1999-05-01,1999-05-19,2000-05-19,Chính thức,2000-05-19",
    "Lê Văn Cường,03/09/2001,nam,,,05/01/2026,20/01/2026,,Dự bị,",
    "Phạm Thị Dung,20/12/1950,Nữ,79.000004,,02/09/1972,02/09/1972,02/09/1973,Miễn sinh hoạt,"
    "01/06/2020",
    "Hoàng Văn Em,11/11/1945,Nam,,,,,,Từ trần,05/05/2024",
]
GOOD = ("\n".join([HEADER, *GOOD_ROWS]) + "\n").encode()


@pytest.fixture
async def cell(ctx) -> int:
    await demo_tree(ctx)
    return (await orgs_uc.get_org(ctx, "C1")).id


async def do_import(ctx, cell, data: bytes, name: str = "ds.csv", dry_run: bool = False):
    return await roster.import_file(
        ctx, actor="cli", org_id=cell, data=data, filename=name, dry_run=dry_run
    )


async def members(ctx, cell):
    async with ctx.db.read() as tx:
        return {m.full_name: m for m in await store.of_org(tx, cell)}


async def test_good_file_then_reimport_changes_nothing(ctx, cell):
    dry = await do_import(ctx, cell, GOOD, dry_run=True)
    assert (dry.rows, dry.ok, dry.created, dry.written, dry.errors) == (5, 5, 5, False, [])
    assert await members(ctx, cell) == {}
    report = await do_import(ctx, cell, GOOD)
    assert (report.created, report.updated, report.unchanged, report.written) == (5, 0, 0, True)
    got = await members(ctx, cell)
    cuong = got["Lê Văn Cường"]
    assert (cuong.status, cuong.status_date, cuong.gender) == (
        "probationary",
        date(2026, 1, 20),
        "male",
    )
    assert got["Phạm Thị Dung"].status == "exempt"
    assert got["Nguyễn Văn An"].cccd == "079060000001"
    again = await do_import(ctx, cell, GOOD)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 5, False)
    async with ctx.db.read() as tx:
        imports = await audit.entries(tx, entity="roster")
        history = await store.history(tx, cuong.id)
    assert len(imports) == 1 and imports[0].after["created"] == 5
    assert [h.status for h in history] == ["probationary"]


async def test_bad_file_reports_every_row_and_stores_nothing(ctx, cell):
    bad_rows = [
        GOOD_ROWS[0],
        "Vũ Văn Giàu,31/02/1980,Nam,,,,,,Chính thức,01/01/2000",  # 3: impossible date
        "Đặng Thị Hà,01/01/1990,X,,12345,,,,Đảng viên mới,",  # 4: 3 bad cells
        ",01/01/1990,Nam,,,,,,Chính thức,01/01/2010",  # 5: no name
        "Bùi Văn Ích,01/01/2010,Nam,,,01/03/2026,10/03/2026,,Dự bị,",  # 6: too young
        "Ngô Thị Kim,01/01/1990,Nữ,79.000001,,,,,Chính thức,01/01/2015",  # 7: card twice
        "Lý Văn Lâm,01/01/1990,Nam,,,01/03/2026,01/02/2026,,Dự bị,",  # 8: order
        "Mai Văn Nam,01/01/1990,Nam,,,01/01/2027,05/01/2027,,Dự bị,",  # 9: future
        "Nguyễn Văn An,15/01/1960,Nam,79.000001,079060000001,01/03/1985,10/03/1985,10/03/1986,"
        "Chính thức,10/03/1986",  # 10: same as 2
        "Tạ Văn Oanh,01/01/1980,Nam,,,01/03/2010,10/03/2010,11/03/2011,Chính thức,",  # 11: P8
    ]
    data = ("\n".join([HEADER, *bad_rows]) + "\n").encode()
    report = await do_import(ctx, cell, data)
    rows = sorted({row for row, _ in report.errors})
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert len([1 for row, _ in report.errors if row == 4]) == 3
    assert report.ok == 1 and not report.written
    assert await members(ctx, cell) == {}
    by_row = {row: msg for row, msg in report.errors}
    assert "Art. 1" in by_row[6].key and "Art. 4" in by_row[8].key
    assert by_row[10].params == {"row": 2}
    assert "Art. 5" in by_row[11].key


async def test_bom_semicolons_and_english_headers(ctx, cell):
    text = (
        "full_name;birth_date;gender;card_no;cccd;status;status_date;ghi chú\n"
        "Nguyễn Văn An;15/01/1960;male;79.000001;079 060 000 001;official;10/03/1986;x\n"
        "Trần Thị Bình;02/07/1975;F;;;Đã chuyển đi;01/10/2026;\n"
        ";;;;;;;\n"
        "Lê Văn Cường;03/09/1961;Nam;;;Xóa tên;01/01/2020;\n"
        "Mai Thị Dung;03/09/1961;Nữ;;;Khai trừ;01/01/2021;\n"
    )
    report = await do_import(ctx, cell, text.encode("utf-8-sig"), "export.CSV")
    assert report.errors == [] and report.created == 4
    got = await members(ctx, cell)
    assert got["Nguyễn Văn An"].cccd == "079060000001"
    assert got["Trần Thị Bình"].status == "transferred_out"
    assert {got["Lê Văn Cường"].status, got["Mai Thị Dung"].status} == {"removed"}


async def test_headers_match_without_diacritics_and_below_a_title(ctx, cell):
    text = (
        "DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN 1,,\n,,\n"
        "HO VA TEN,ngay sinh (dd/mm/yyyy),TRẠNG THÁI,Ngày trạng thái\n"
        "Nguyễn Văn An,15/01/1960,chinh thuc,10/03/1986\n"
    )
    report = await do_import(ctx, cell, text.encode())
    assert report.errors == [] and report.created == 1


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def test_xlsx_with_date_cells_and_numeric_cccd(ctx, cell):
    data = _xlsx(
        [
            ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Ngày kết nạp", "Trạng thái"],
            [
                1,
                "Nguyễn Văn An",
                datetime(1960, 1, 15),
                79060000001,
                date(1985, 3, 10),
                "Chính thức",
            ],
            [2, "Lê Văn Cường", "03/09/2001", None, datetime(2026, 1, 20), "Dự bị"],
        ]
    )
    report = await do_import(ctx, cell, data, "ds.xlsx")
    assert report.errors == [] and report.created == 2
    got = await members(ctx, cell)
    an = got["Nguyễn Văn An"]
    assert (an.birth_date, an.cccd, an.ceremony_date) == (
        date(1960, 1, 15),
        "079060000001",
        date(1985, 3, 10),
    )
    assert got["Lê Văn Cường"].status_date == date(2026, 1, 20)


async def test_reimport_updates_changed_fields_with_audit(ctx, cell):
    await do_import(ctx, cell, GOOD)
    changed = GOOD.decode().replace(
        "Trần Thị Bình,1975-07-02,Nữ,79.000002,,",
        "Trần Thị Bình,1975-07-02,Nữ,79.000002,079175000002,",
    )
    changed = changed.replace(
        "Lê Văn Cường,03/09/2001,nam,,,", "Lê Van Cuong,03/09/2001,nam,79.000003,,"
    )
    report = await do_import(ctx, cell, changed.encode())
    assert (report.created, report.updated, report.unchanged) == (0, 2, 3)
    got = await members(ctx, cell)
    assert got["Trần Thị Bình"].cccd == "079175000002"
    assert got["Lê Van Cuong"].card_no == "79.000003"  # matched by name + birth date
    async with ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="member", entity_id=got["Trần Thị Bình"].id))[0]
    assert entry.action == "import_update" and entry.before == {"cccd": None}


async def test_empty_cells_keep_stored_values(ctx, cell):
    await do_import(ctx, cell, GOOD)
    text = "Họ và tên,Ngày sinh,Số thẻ đảng viên\nNguyễn Văn An,15/01/1960,\n"
    report = await do_import(ctx, cell, text.encode())
    assert (report.unchanged, report.updated) == (1, 0)
    assert (await members(ctx, cell))["Nguyễn Văn An"].card_no == "79.000001"


async def test_status_change_by_import_is_kept_in_history(ctx, cell):
    await do_import(ctx, cell, GOOD)
    text = (
        "Họ và tên,Ngày sinh,Trạng thái,Ngày trạng thái\n"
        "Trần Thị Bình,02/07/1975,Đã chuyển đi,01/11/2026\n"
    )
    report = await do_import(ctx, cell, text.encode())
    assert report.updated == 1
    binh = (await members(ctx, cell))["Trần Thị Bình"]
    async with ctx.db.read() as tx:
        history = await store.history(tx, binh.id)
    assert [(h.status, h.status_date) for h in history] == [
        ("official", date(2000, 5, 19)),
        ("transferred_out", date(2026, 11, 1)),
    ]


async def test_same_name_and_birth_with_another_card_is_an_error(ctx, cell):
    await do_import(ctx, cell, GOOD)
    text = "Họ và tên,Ngày sinh,Số thẻ đảng viên\nNguyễn Văn An,15/01/1960,79.999999\n"
    report = await do_import(ctx, cell, text.encode())
    assert [row for row, _ in report.errors] == [2] and not report.written


async def test_card_of_another_cell_is_refused(ctx, cell):
    await do_import(ctx, cell, GOOD)
    c2 = (await orgs_uc.get_org(ctx, "C2")).id
    report = await roster.import_file(ctx, actor="cli", org_id=c2, data=GOOD, filename="a.csv")
    assert {row for row, _ in report.errors} == {2, 3, 5} and not report.written


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_export_round_trip(ctx, cell, fmt):
    await do_import(ctx, cell, GOOD)
    exported = await roster.export_roster(ctx, actor="cli", org_id=cell, fmt=fmt)
    assert exported.count == 5 and exported.filename.endswith(f".{fmt}")
    report = await do_import(ctx, cell, exported.data, exported.filename)
    assert (report.errors, report.unchanged, report.written) == ([], 5, False)
    # and into an empty cell it recreates the same records
    c2 = (await orgs_uc.get_org(ctx, "C2")).id
    existing = (await members(ctx, cell)).values()
    async with ctx.db.transaction() as tx:
        for m in existing:
            await store.update(
                tx,
                m.id,
                f=m.editable.__class__(**{**m.editable.as_dict(), "card_no": None, "cccd": None}),
                name_key=m.name_key,
                at=ctx.now(),
            )
    copy = await roster.import_file(
        ctx, actor="cli", org_id=c2, data=exported.data, filename=exported.filename
    )
    assert copy.created == 5
    async with ctx.db.read() as tx:
        original = {m.full_name: m.editable for m in await store.of_org(tx, cell)}
        copied = {m.full_name: m.editable for m in await store.of_org(tx, c2)}
    assert {k: v.as_dict() | {"card_no": None, "cccd": None} for k, v in copied.items()} == {
        k: v.as_dict() for k, v in original.items()
    }


async def test_xlsx_export_has_date_cells_and_text_cccd(ctx, cell):
    await do_import(ctx, cell, GOOD)
    exported = await roster.export_roster(ctx, actor="cli", org_id=cell, fmt="xlsx")
    ws = load_workbook(io.BytesIO(exported.data)).active
    assert [c.value for c in ws[1]] == [h for _, h in roster_io.TEMPLATE]
    an = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Nguyễn Văn An")
    assert an[1].value == datetime(1960, 1, 15) and an[1].number_format == "DD/MM/YYYY"
    assert an[4].value == "079060000001"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("roster.xls", b"x", "xlsx"),
        ("roster.pdf", b"x", "roster.pdf"),
        ("roster.xlsx", b"not a zip", "cannot be opened"),
        ("roster.csv", b"a,b\n1,2\n", "No header row"),
        ("roster.csv", "Họ và tên,Giới tính\nA,Nam\n".encode(), "Ngày sinh"),
    ],
)
async def test_unusable_files_are_explained(ctx, cell, name, data, expected):
    with pytest.raises(InvalidInput) as exc:
        await do_import(ctx, cell, data, name)
    message = exc.value.msg.key.format(**exc.value.msg.params)
    assert expected in message


def test_parser_needs_no_database():
    parsed = roster_io.parse_file(GOOD, "ds.csv", date(2026, 11, 23))
    assert parsed.table.columns == tuple(f for f, _ in roster_io.TEMPLATE)
    assert [r.number for r in parsed.rows] == [2, 3, 4, 5, 6]
    assert parsed.rows[0].values["birth_date"] == date(1960, 1, 15)
    assert parsed.rows[2].values == {
        "full_name": "Lê Văn Cường",
        "birth_date": date(2001, 9, 3),
        "gender": "male",
        "decision_date": date(2026, 1, 5),
        "ceremony_date": date(2026, 1, 20),
        "status": "probationary",
    }


def test_cp1258_and_short_cccd():
    text = "Họ và tên,Ngày sinh,Số CCCD\nAn,01/01/1960,1234567890\n"
    parsed = roster_io.parse_file(text.encode("utf-8"), "a.csv", date(2026, 11, 23))
    [msg] = parsed.rows[0].errors
    assert msg.params["n"] == 10 and "leading zeros" in msg.key


async def test_rows_are_checked_off_the_loop_and_again_if_the_cell_changed_meanwhile(
    ctx, cell, monkeypatch
):
    """Issue 12: the check runs in a worker thread outside any transaction; a change stored
    while it runs (here C2 takes a card of the file) is seen: the write re-checks first."""
    real, calls = roster._plan, []
    entered, gate = threading.Event(), threading.Event()

    def watched(*args):
        calls.append(threading.current_thread() is threading.main_thread())
        if len(calls) == 1:
            entered.set()
            assert gate.wait(5)
        return real(*args)

    monkeypatch.setattr(roster, "_plan", watched)
    importing = asyncio.create_task(do_import(ctx, cell, GOOD))
    assert await asyncio.to_thread(entered.wait, 5)
    c2 = (await orgs_uc.get_org(ctx, "C2")).id
    other = "\n".join([HEADER, GOOD_ROWS[1].replace("Trần Thị Bình", "Võ Thị Khánh")])
    taken = await roster.import_file(ctx, actor="cli", org_id=c2, data=other.encode(),
                                     filename="c2.csv")  # fmt: skip
    assert taken.written  # the database was free while the file was being checked
    gate.set()
    report = await importing
    # the file in a thread (C2's file too), then the file again under the write lock
    assert calls == [False, False, True]
    assert [row for row, _ in report.errors] == [3] and not report.written
    assert await members(ctx, cell) == {}
