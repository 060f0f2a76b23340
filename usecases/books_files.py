"""The meeting book and the member list as XLSX and DOCX, deterministic byte for byte.

Layout (not verified against an official form): the party heading as in the minutes
(`usecases.documents_docx`), a title, one table; sheets have a bold header row and dates shown
dd/mm/yyyy. Core properties carry a fixed date (the list's day, or the book's 31 December),
never the clock, and every zip entry a fixed timestamp.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time

from docx.enum.table import WD_TABLE_ALIGNMENT

from chibo.rules.messages import N_
from chibo.usecases.books import MeetingBook, MemberList
from chibo.usecases.documents_docx import PARTY, Layout, _deterministic, _new, _para
from chibo.usecases.i18n import Translator
from chibo.usecases.meetings import KIND_LABELS
from chibo.usecases.roster import STATUS_LABELS

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "docx")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _d(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def book_table(_: Translator, book: MeetingBook) -> tuple[list[str], list[list[str]]]:
    head = [
        _("No."),
        _("Date"),
        _("Kind"),
        _("Topic"),
        _("Present"),
        _("Absent with reason"),
        _("Absent without reason"),
        _("Rating"),
    ]
    rows = []
    for i, r in enumerate(book.rows, start=1):
        c = r.counts
        rows.append(
            [
                str(i),
                _d(r.held_on),
                _(KIND_LABELS.get(r.kind, r.kind)),
                r.topic or "",
                str(c.present) if c else "",
                str(c.excused) if c else "",
                str(c.unexcused) if c else "",
                r.rating or "",
            ]
        )
    return head, rows


def members_table(_: Translator, roll: MemberList) -> tuple[list[str], list[list[str]]]:
    head = [
        _("No."),
        _("Full name"),
        _("Date of birth"),
        _("Date admitted to the Party"),
        _("Date made official"),
        _("Status"),
    ]
    rows = [
        [
            str(i),
            m.full_name,
            _d(m.birth_date),
            _d(m.decision_date),
            _d(m.official_date),
            _(STATUS_LABELS.get(m.status, m.status)),
        ]
        for i, m in enumerate(roll.members, start=1)
    ]
    return head, rows


def book_title(_: Translator, book: MeetingBook) -> str:
    return _("MEETING BOOK OF THE CELL, YEAR {year}", year=book.year)


def members_title(_: Translator, roll: MemberList) -> str:
    return _("LIST OF PARTY MEMBERS as of {date}", date=roll.on)


def book_filename(book: MeetingBook, fmt: str) -> str:
    return f"so-sinh-hoat-{book.org_code}-{book.year}.{fmt}"


def members_filename(roll: MemberList, fmt: str) -> str:
    return f"danh-sach-dang-vien-{roll.org_code}-{roll.on.isoformat()}.{fmt}"


def _docx(
    cell_name: str,
    parent_name: str | None,
    title: str,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    when: datetime,
    empty: str,
) -> bytes:
    layout = Layout()
    doc = _new(layout)
    heading = doc.add_table(rows=1, cols=2)
    heading.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = heading.rows[0].cells
    if parent_name:
        _para(left, parent_name.upper(), center=True)
    _para(left, cell_name.upper(), bold=True, center=True)
    _para(right, PARTY, bold=True, underline=True, center=True)
    _para(doc)
    _para(doc, title, bold=True, center=True, size=layout.heading_size_pt)
    if rows:
        table = doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.paragraphs[0].add_run(text)
    else:
        _para(doc, empty, italic=True)
    return _deterministic(doc, f"{title} — {cell_name}", cell_name, when)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _xlsx(
    title: str, sheet: str, head: Sequence[str], rows: Sequence[Sequence[str]], when: datetime
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\\/*?:\[\]]", " ", sheet)[:31] or "Sheet1"
    ws.append([title])
    ws["A1"].font = Font(bold=True)
    ws.append(list(head))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([int(v) if v.isdigit() else v for v in row])
    for col in range(1, len(head) + 1):
        letter = ws.cell(row=2, column=col).column_letter
        width = max(
            [len(str(ws.cell(row=r, column=col).value or "")) for r in range(2, ws.max_row + 1)]
        )
        ws.column_dimensions[letter].width = min(max(6, width + 2), 40)
    ws.freeze_panes = "A3"
    wb.properties.creator = wb.properties.lastModifiedBy = sheet
    wb.properties.title = title[:255]
    wb.properties.created = when
    raw = io.BytesIO()
    wb.save(raw)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(lambda m: m[1] + stamp + m[2], data)
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def render_book(_: Translator, book: MeetingBook, fmt: str) -> bytes:
    head, rows = book_table(_, book)
    when = datetime.combine(date(book.year, 12, 31), time(0, 0))
    title = book_title(_, book)
    if fmt == "xlsx":
        return _xlsx(f"{title} — {book.cell_name}", book.cell_name, head, rows, when)
    empty = _("No meetings recorded this year.")
    return _docx(book.cell_name, book.parent_name, title, head, rows, when, empty)


def render_members(_: Translator, roll: MemberList, fmt: str) -> bytes:
    head, rows = members_table(_, roll)
    when = datetime.combine(roll.on, time(0, 0))
    title = members_title(_, roll)
    if fmt == "xlsx":
        return _xlsx(f"{title} — {roll.cell_name}", roll.cell_name, head, rows, when)
    empty = _("No members on the roll on that day.")
    return _docx(roll.cell_name, roll.parent_name, title, head, rows, when, empty)


FORMAT_LABELS = {"xlsx": N_("Excel"), "docx": N_("Word")}
