"""Writing stored text into spreadsheets safely, whatever was stored.

Every exported text cell goes through here: characters an XLSX file cannot hold are dropped
(openpyxl would refuse the whole workbook with `IllegalCharacterError`), text that a
spreadsheet would run as a formula is written as text — an XLSX cell typed as a string, a CSV
field with a leading `'` (OWASP's advice for CSV injection) — and the reader takes that `'` off
again, so an exported file imports back unchanged.
"""

from __future__ import annotations

import re
from typing import Any

#: Characters XML 1.0 (and so XLSX) cannot hold, and control characters nobody needs in a cell.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: First characters that make Excel / LibreOffice treat a CSV field as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_text(value: str) -> str:
    """`value` without the characters a spreadsheet cell cannot hold."""
    return _ILLEGAL.sub("", value)


def csv_field(value: str) -> str:
    """A CSV field that no spreadsheet runs as a formula."""
    value = sheet_text(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def unquote(value: str) -> str:
    """The reverse of `csv_field` for a value read back from a file."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def xlsx_cell(ws: Any, value: str) -> Any:
    """A write-only cell holding `value` as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=None)
    set_text(cell, value)
    return cell


def set_text(cell: Any, value: str) -> None:
    """Put `value` into an openpyxl cell as a string (openpyxl makes "=…" a formula)."""
    cell.value = sheet_text(value)
    cell.data_type = "s"
