"""/report through the real Application: the XLSX the officer receives, opened with openpyxl
and checked cell by cell against numbers computed here from the rows the test created."""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from chibo.botapi_emulator import BotApiEmulator

from ..usecases.test_status import CANDIDATES, MEETINGS, PEOPLE, build_world, expected_counts
from .conftest import World

CELLS = (
    ("C1", "Chi bộ thôn 1", "Đảng ủy xã X"),
    ("C2", "Chi bộ thôn 2", "Đảng ủy xã X"),
    ("D1", "Chi bộ thôn Đông", "Đảng ủy xã Y"),
)
UNDER = {"X": ("C1", "C2"), "Y": ("D1",), "P": ("C1", "C2", "D1")}
MONTHS = [f"{m:02d}/2026" for m in range(1, 13)]
YEAR_START = date(2026, 1, 1)
TODAY = date(2026, 12, 20)


@pytest.fixture
async def officers(emu: BotApiEmulator, bot, ctx, clock) -> World:
    await build_world(ctx, clock, bind_users=False)
    return World(emu, ctx)


def plain(values) -> list:
    return [v.date() if isinstance(v, datetime) else v for v in values]


def sheet(wb, name: str) -> list[list]:
    return [plain(r) for r in wb[name].iter_rows(values_only=True)]


def on_roll_at_start(p) -> bool:
    first = p.since or p.ceremony
    assert first is not None
    status = p.status
    for s, day in p.later:
        if day < YEAR_START:
            status = s
    return first < YEAR_START and status in ("official", "probationary", "exempt")


async def test_report_workbook_cell_by_cell(officers: World):
    tinh = await officers.officer(3001, "P")
    await tinh.send("/report 2026")
    document = await tinh.next_document()
    assert document.filename == "bao-cao_P_2026.xlsx"
    assert "Báo cáo của Tỉnh ủy (P), 01/01/2026 – 20/12/2026" in document.caption
    photo = await tinh.next_photo()
    assert photo.data.startswith(b"\x89PNG")
    wb = load_workbook(io.BytesIO(document.data))
    assert wb.sheetnames == [
        "Sinh hoạt chi bộ",
        "Đảng viên",
        "Đảng viên dự bị",
        "Quần chúng ưu tú",
        "Đối khớp danh sách",
        "Chênh lệch đối khớp",
        "Chỉ tiêu",
        "Chuyển sinh hoạt, xóa tên",
        "Đảng phí",
    ]

    # meetings by cell and month
    rows = sheet(wb, "Sinh hoạt chi bộ")
    assert rows[0] == [
        "Mã chi bộ",
        "Chi bộ",
        "Trực thuộc",
        *MONTHS,
        "Số tháng có sinh hoạt thường kỳ",
        "Sinh hoạt chuyên đề",
    ]
    for row, (code, name, under) in zip(rows[1:], CELLS, strict=True):
        held = [m for m in MEETINGS if m[0] == code]
        per_month = [sum(1 for _, d, _ in held if d.month == month) for month in range(1, 13)]
        regular = len({d.month for _, d, kind in held if kind == "regular"})
        thematic = sum(1 for _, _, kind in held if kind == "thematic")
        assert row == [code, name, under, *per_month, regular, thematic]

    # members on the roll today, and admissions decided this year
    rows = sheet(wb, "Đảng viên")
    assert rows[0] == [
        "Mã chi bộ",
        "Chi bộ",
        "Trực thuộc",
        "Chính thức",
        "Dự bị",
        "Miễn sinh hoạt",
        "Tổng số",
        "Kết nạp trong kỳ",
    ]
    for row, (code, name, under) in zip(rows[1:], CELLS, strict=True):
        counts = expected_counts(code)
        admitted = sum(
            1 for p in PEOPLE if p.cell == code and p.decision and YEAR_START <= p.decision <= TODAY
        )
        assert row == [
            code,
            name,
            under,
            counts.get("official", 0),
            counts.get("probationary", 0),
            counts.get("exempt", 0),
            sum(counts.values()),
            admitted,
        ]

    # probationary members with the end of their 12 months
    rows = sheet(wb, "Đảng viên dự bị")
    expected = sorted(
        ((p.cell, p.name, p.ceremony) for p in PEOPLE if p.status == "probationary"),
        key=lambda x: (x[0], x[1]),
    )
    assert [r[:5] for r in rows[1:]] == [
        [
            cell,
            dict((c, n) for c, n, _ in CELLS)[cell],
            name,
            ceremony,
            ceremony.replace(year=ceremony.year + 1),
        ]
        for cell, name, ceremony in expected
    ]

    # candidates: nothing recorded yet, so every one's next step is the awareness course
    rows = sheet(wb, "Quần chúng ưu tú")
    total_col = rows[0].index("Tổng số")
    for row, (code, _, _) in zip(rows[1:], CELLS, strict=True):
        n = sum(1 for c in CANDIDATES if c[0] == code)
        assert row[3] == n and row[total_col] == n and sum(row[4:total_col]) == 0

    # targets: 3-4 % of the members on 1 January; every monthly meeting (Jan-Nov counted)
    rows = sheet(wb, "Chỉ tiêu")
    assert rows[0][:6] == [
        "Mã",
        "Tổ chức đảng",
        "Đảng viên đầu năm (1/1)",
        "Chỉ tiêu kết nạp (3%)",
        "Chỉ tiêu kết nạp (4%)",
        "Đã kết nạp trong năm",
    ]
    for row, code in zip(rows[1:4], ("X", "Y", "P"), strict=True):
        base = sum(1 for p in PEOPLE if p.cell in UNDER[code] and on_roll_at_start(p))
        low = math.ceil(base * Fraction(3, 100))
        high = max(low, math.floor(base * Fraction(4, 100)))
        admitted = sum(
            1
            for p in PEOPLE
            if p.cell in UNDER[code] and p.decision and YEAR_START <= p.decision <= TODAY
        )
        every = sum(
            1
            for cell in UNDER[code]
            if {d.month for c, d, k in MEETINGS if c == cell and k == "regular"}
            >= set(range(1, 12))
        )
        assert row[0] == code and row[2:] == [
            base,
            low,
            high,
            admitted,
            pytest.approx(admitted / base),
            len(UNDER[code]),
            every,
            pytest.approx(every / len(UNDER[code])),
            11,
        ]
    assert rows[4] == [None] * len(rows[4]) or rows[4] == []


async def test_report_for_a_month_and_a_bad_period(officers: World):
    xa = await officers.officer(2001, "X")
    await xa.send("/report 2026-11")
    document = await xa.next_document()
    assert document.filename == "bao-cao_X_2026-11.xlsx"
    await xa.next_photo()
    wb = load_workbook(io.BytesIO(document.data))
    rows = sheet(wb, "Sinh hoạt chi bộ")
    assert rows[0][3:] == ["11/2026", "Số tháng có sinh hoạt thường kỳ", "Sinh hoạt chuyên đề"]
    assert [r[:4] for r in rows[1:]] == [
        ["C1", "Chi bộ thôn 1", "Đảng ủy xã X", 2],
        ["C2", "Chi bộ thôn 2", "Đảng ủy xã X", 0],
    ]
    await xa.send("/report 2026-13")
    assert "không phải là kỳ báo cáo" in (await xa.next_reply()).text
    await xa.send("/report 2026 Y")
    assert "không có quyền" in (await xa.next_reply()).text
