"""The small XLSX writer of the report workbooks (usecases.xlsx_stream), read back by openpyxl."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from chibo.usecases.xlsx_stream import HEADER, Workbook, column_letter


def roundtrip(wb: Workbook):
    buf = io.BytesIO()
    wb.save(buf)
    return load_workbook(io.BytesIO(buf.getvalue())), buf.getvalue()


def test_values_styles_and_layout_survive_openpyxl():
    wb = Workbook()
    ws = wb.create_sheet("Họp: chi bộ/1")
    ws.widths = {1: 10, 2: 28}
    ws.freeze = "D2"
    ws.append(["Mã", "Tên", "Ngày", "Tỷ lệ", "Số"], style=HEADER)
    ws.append(["X1", "Chi bộ <1> & 2", date(2026, 3, 5), 0.25, 7])
    ws.append([None, "", datetime(2026, 3, 5, 12, 0, tzinfo=UTC), None, True])
    ws.append([])
    book, _ = roundtrip(wb)
    sheet = book["Họp  chi bộ 1"]
    assert sheet["A1"].font.b and sheet["A1"].alignment.wrap_text
    assert [c.value for c in sheet[2]] == ["X1", "Chi bộ <1> & 2", datetime(2026, 3, 5), 0.25, 7]
    assert sheet["C2"].number_format == "DD/MM/YYYY" and sheet["D2"].number_format == "0.0%"
    assert sheet["C3"].value == datetime(2026, 3, 5, 12, 0) and sheet["E3"].value is True
    assert sheet["A2"].number_format == "General" and not sheet["A2"].font.b
    assert sheet.freeze_panes == "D2"
    assert sheet.column_dimensions["B"].width == 28


def test_text_is_never_a_formula_nor_a_broken_file():
    wb = Workbook()
    ws = wb.create_sheet("S")
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "a\x00b\x1fc", "\ud800z"]
    ws.append(hostile)
    book, _ = roundtrip(wb)
    cells = list(book["S"][1])
    assert {c.data_type for c in cells} == {"s"}
    assert [c.value for c in cells] == [*hostile[:4], "abc", "z"]


def test_same_data_same_bytes_and_unique_sheet_names():
    def make() -> bytes:
        wb = Workbook()
        for _ in range(3):
            wb.create_sheet("Members").append(["a", 1])
        return roundtrip(wb)[1]

    assert make() == make()
    wb = Workbook()
    titles = [wb.create_sheet("x" * 40).title for _ in range(3)]
    assert len(set(titles)) == 3 and all(len(t) <= 31 for t in titles)
    assert [column_letter(n) for n in (1, 26, 27, 702)] == ["A", "Z", "AA", "ZZ"]
