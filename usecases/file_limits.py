"""Limits on an uploaded spreadsheet, checked before it is unpacked or parsed.

An XLSX file is a zip of XML: 1 MB can unpack to 1,000 MB (one huge string) or a million
rows, and openpyxl would build all of it in memory. So before openpyxl sees a file:
1. the zip's directory gives every part's unpacked size (Python's zipfile never unpacks more
   than that size, so a forged directory only gives a damaged file) — their total is capped;
2. each worksheet and the shared strings are streamed through expat in small pieces, counting
   the rows and columns that hold a value and the length of every text.
CSV files get the same row, column and cell limits while they are read.
Each refusal says which limit was passed.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from chibo.rules.messages import N_, Msg
from chibo.usecases.errors import InvalidInput

#: An uploaded roster file (sent in Telegram, or through a Zalo upload link).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_PARTS = 1000
MAX_SHEET_ROWS = 25_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 2_000
#: Filled cells of a sheet, and distinct texts of a workbook (a full roster has 200,000).
MAX_CELLS = 500_000
_CHUNK = 64 * 1024
#: Elements whose text is a value: a cell's value or formula, an inline or shared string.
_CONTAINERS = frozenset({"v", "f", "is", "si"})
_REF = re.compile(r"([A-Za-z]{1,3})?(\d+)?")

TOO_BIG_UNPACKED = N_(
    "The Excel file is too big when unpacked ({mb} MB, at most {limit} MB can be read)."
    " Keep only the roster sheet and send it again."
)
TOO_MANY_PARTS = N_("The Excel file has too many parts ({n}, at most {limit}).")
TOO_MANY_ROWS = N_(
    "The file has data down to row {row}; at most {limit} rows can be read. Split it"
    " by cell, or delete the empty rows below the list."
)
TOO_MANY_COLUMNS = N_(
    "The file has data in column {column}; at most {limit} columns can be read. Delete"
    " the unused columns on the right."
)
LONG_CELL = N_(
    "Row {row} has a cell longer than {limit} characters; a roster cell holds a name, a"
    " date or a number."
)
LONG_STRING = N_(
    "The file holds a text longer than {limit} characters; a roster cell holds a name, a"
    " date or a number."
)
TOO_MANY_CELLS = N_(
    "The file has more than {limit} filled cells or different texts; a roster has far"
    " fewer. Keep only the roster sheet and send it again."
)
DAMAGED = N_("The Excel file cannot be opened; save it again as .xlsx and send it again.")


def refuse(text: str, **params: object) -> InvalidInput:
    return InvalidInput(Msg(text, params))


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetExtent:
    """The last row and column that hold a value (0 when the sheet is empty)."""

    rows: int = 0
    columns: int = 0


def check_xlsx(data: IO[bytes]) -> SheetExtent:
    """Refuse a workbook over a limit (InvalidInput naming it); else the largest extent
    of its worksheets, to bound what openpyxl reads."""
    try:
        zf = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(DAMAGED) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise refuse(TOO_MANY_PARTS, n=len(infos), limit=MAX_PARTS)
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED_BYTES:
            raise refuse(
                TOO_BIG_UNPACKED,
                mb=-(-total // (1 << 20)),
                limit=MAX_UNPACKED_BYTES >> 20,
            )
        extent = SheetExtent()
        for info in infos:
            name = info.filename.lower()
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found = _scan(zf, info, sheet=True)
                extent.rows = max(extent.rows, found.rows)
                extent.columns = max(extent.columns, found.columns)
            elif name == "xl/sharedstrings.xml":
                _scan(zf, info, sheet=False)
        return extent


def _scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, sheet: bool) -> SheetExtent:
    extent = SheetExtent()
    state = {"row": 0, "col": 0, "text": -1, "values": 0}

    def local(name: str) -> str:
        return name.rsplit(":", 1)[-1]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local(name)
        if tag == "row":
            r = attrs.get("r")
            state["row"] = int(r) if r and r.isdigit() else state["row"] + 1
            state["col"] = 0
        elif tag == "c":
            m = _REF.fullmatch(attrs.get("r", ""))
            letters = m.group(1) if m else None
            state["col"] = column_number(letters) if letters else state["col"] + 1
        elif tag in _CONTAINERS:
            state["text"] = 0

    def end(name: str) -> None:
        tag = local(name)
        if tag not in _CONTAINERS:
            return
        state["values"] += 1
        if state["values"] > MAX_CELLS:
            raise refuse(TOO_MANY_CELLS, limit=MAX_CELLS)
        if sheet and state["text"] > 0:
            row, col = state["row"], state["col"]
            if row > MAX_SHEET_ROWS:
                raise refuse(TOO_MANY_ROWS, row=row, limit=MAX_SHEET_ROWS)
            if col > MAX_COLUMNS:
                raise refuse(TOO_MANY_COLUMNS, column=col, limit=MAX_COLUMNS)
            extent.rows, extent.columns = max(extent.rows, row), max(extent.columns, col)
        state["text"] = -1

    def chars(text: str) -> None:
        if state["text"] < 0:
            return
        state["text"] += len(text)
        if state["text"] > MAX_CELL_CHARS:
            if sheet:
                raise refuse(LONG_CELL, row=state["row"], limit=MAX_CELL_CHARS)
            raise refuse(LONG_STRING, limit=MAX_CELL_CHARS)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise refuse(DAMAGED) from exc
    return extent


def check_csv_row(number: int, row: list[str]) -> None:
    """Refuse a CSV row over a limit (InvalidInput naming it)."""
    if number > MAX_SHEET_ROWS:
        raise refuse(TOO_MANY_ROWS, row=number, limit=MAX_SHEET_ROWS)
    if len(row) > MAX_COLUMNS and any(v.strip() for v in row[MAX_COLUMNS:]):
        raise refuse(TOO_MANY_COLUMNS, column=len(row), limit=MAX_COLUMNS)
    if any(len(v) > MAX_CELL_CHARS for v in row):
        raise refuse(LONG_CELL, row=number, limit=MAX_CELL_CHARS)
