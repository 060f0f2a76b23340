"""The roster file (CSV or XLSX): its template, reading it into rows, writing it back.

No database here: `parse_file(data, filename, today)` turns an uploaded file into numbered
rows of typed values plus per-row problems, so the import, the chat upload, the CLI and a
later reconciliation with the national database (CSDL đảng viên) share one parser.

Headers are matched without diacritics, case or punctuation ("Họ và tên", "HO VA TEN",
"full_name"); the header row may sit below a few title rows. Unknown columns are ignored.
Row numbers are the spreadsheet's (header row included), as the secretary sees them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chibo.rules.dates import parse_date
from chibo.rules.messages import N_, Msg
from chibo.rules.text import clean_line, echo, fold, normalize_cccd
from chibo.storage.members import DATE_FIELDS, MemberFields
from chibo.usecases.errors import InvalidInput
from chibo.usecases.file_limits import (
    LONG_CELL,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    check_csv_row,
    check_xlsx,
)
from chibo.usecases.sheet_safety import csv_field, set_text, unquote

#: Template columns in order: field → Vietnamese header.
TEMPLATE: tuple[tuple[str, str], ...] = (
    ("full_name", "Họ và tên"),
    ("birth_date", "Ngày sinh"),
    ("gender", "Giới tính"),
    ("card_no", "Số thẻ đảng viên"),
    ("cccd", "Số căn cước"),
    ("decision_date", "Ngày vào Đảng"),
    ("ceremony_date", "Ngày kết nạp"),
    ("official_date", "Ngày chính thức"),
    ("status", "Trạng thái"),
    ("status_date", "Ngày trạng thái"),
)
REQUIRED_COLUMNS = ("full_name", "birth_date")
_EXTRA_HEADERS = {
    "full_name": ("ho ten", "ho va ten dang vien", "ten dang vien", "name"),
    "birth_date": ("ngay thang nam sinh", "sinh ngay", "date of birth"),
    "gender": ("gioi", "sex"),
    "card_no": ("so the", "so the dang", "the dang vien", "so the dv", "card number"),
    "cccd": (
        "cccd",
        "so cccd",
        "so can cuoc",
        "so can cuoc cong dan",
        "can cuoc cong dan",
        "so dinh danh",
        "so dinh danh ca nhan",
        "cmnd cccd",
        "so cmnd cccd",
    ),
    "decision_date": ("ngay quyet dinh ket nap", "ngay qd ket nap", "ngay vao dang cong san"),
    "ceremony_date": ("ngay ket nap tai chi bo", "ngay le ket nap"),
    "official_date": ("ngay cong nhan chinh thuc", "ngay chuyen chinh thuc"),
    "status": ("tinh trang",),
    "status_date": ("ngay thay doi trang thai",),
}
#: Status written in the file (Vietnamese label, as exported).
STATUS_LABELS = {
    "probationary": "Dự bị",
    "official": "Chính thức",
    "exempt": "Miễn sinh hoạt",
    "transferred_out": "Đã chuyển đi",
    "removed": "Xóa tên",
    "deceased": "Từ trần",
}
_STATUS_ALIASES = {
    "probationary": ("dang vien du bi", "dv du bi"),
    "official": ("dang vien chinh thuc", "dv chinh thuc"),
    "exempt": (
        "mien cong tac va sinh hoat dang",
        "mien cong tac va sinh hoat",
        "mien cong tac sinh hoat dang",
        "mien sinh hoat dang",
        "mien sh",
        "mien",
    ),
    "transferred_out": (
        "chuyen di",
        "da chuyen sinh hoat di",
        "chuyen sinh hoat di",
        "da chuyen sinh hoat",
        "chuyen sinh hoat",
    ),
    "removed": ("khai tru", "xoa ten khai tru", "da xoa ten", "bi khai tru", "da khai tru"),
    "deceased": ("da tu tran", "qua doi", "da qua doi", "da mat"),
}
GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
_GENDER_ALIASES = {
    "nam": "male",
    "male": "male",
    "m": "male",
    "nu": "female",
    "female": "female",
    "f": "female",
}
MAX_NAME = 100
_CARD = re.compile(r"[0-9A-Za-z][0-9A-Za-z./-]{0,23}")
_DIGIT_GROUPS = re.compile(r"\d+")
_HEADER_SCAN_ROWS = 10
_BLANK_ROWS_END = 1000
MAX_ROWS = 20_000
__all__ = ["MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_SHEET_ROWS", "MAX_UNPACKED_BYTES"]


def key(text: str) -> str:
    """Header / label matching key: folded, punctuation and bracketed notes removed."""
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", str(text))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def _index(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for target, names in pairs:
        for name in names:
            out.setdefault(key(name), target)
    return out


HEADER_KEYS = _index((f, (f, header, *_EXTRA_HEADERS.get(f, ()))) for f, header in TEMPLATE)
STATUS_KEYS = _index(
    (s, (s, label, *_STATUS_ALIASES.get(s, ()))) for s, label in STATUS_LABELS.items()
)
FIELD_HEADERS = dict(TEMPLATE)

# -- messages ------------------------------------------------------------------------------------

NOT_A_DATE = N_("{column}: “{value}” is not a date; write it as dd/mm/yyyy, e.g. 05/03/1975.")
BAD_GENDER = N_("{column}: “{value}” is not understood; write Nam or Nữ.")
BAD_STATUS = N_(
    "{column}: “{value}” is not understood; write one of: Dự bị, Chính thức,"
    " Miễn sinh hoạt, Đã chuyển đi, Xóa tên, Từ trần."
)
BAD_CARD = N_(
    "{column}: “{value}” is not a party card number (letters, digits, dots and dashes, at most 24)."
)
BAD_CCCD = N_("{column}: “{value}” is not a citizen ID number: it has 12 digits.")
SHORT_CCCD = N_(
    "{column}: “{value}” has {n} digits, a citizen ID has 12. The spreadsheet may"
    " have dropped leading zeros: format the column as Text and type it again."
)
EMPTY_CELL = N_("{column} is empty.")
LONG_NAME = N_("{column}: the name is longer than {n} characters.")
DUPLICATE_HEADER = N_(
    "The header row (row {row}) names the column {column} twice: “{first}” and “{second}”."
    " Keep one of them and send the file again."
)
NO_ROWS = N_("The file has a header row (row {row}) but no member rows under it: nothing to check.")
UTF16_DAMAGED = N_(
    "The file looks like Excel's “Unicode Text” (UTF-16) but cannot be read: in Excel"
    " choose “Save as” → “CSV UTF-8”."
)


# -- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """One data row: its spreadsheet number and its non-empty template cells, as text."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """The template columns found in a file and its data rows (blank rows skipped)."""

    columns: tuple[str, ...]
    rows: list[RawRow]

    def to_json(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [[r.number, r.cells] for r in self.rows]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(tuple(data["columns"]), [RawRow(int(n), dict(c)) for n, c in data["rows"]])


class _CellError(Exception):
    def __init__(self, text: str, **params: Any) -> None:
        super().__init__(text)
        self.text, self.params = text, params


@dataclass(frozen=True)
class ParsedRow:
    """A row's values (only cells that were filled in) and what was wrong with them."""

    number: int
    values: dict[str, Any]
    errors: list[Msg] = field(default_factory=list)


def _fail(text: str, **params: Any) -> InvalidInput:
    return InvalidInput(Msg(text, params))


def read_table(data: bytes, filename: str) -> Table:
    """The rows of a CSV or XLSX roster file; InvalidInput if the file itself is unusable."""
    return _table(grid(data, filename))


def grid(data: bytes, filename: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) of a CSV or XLSX file, by its name; InvalidInput (possibly
    raised while iterating) if it cannot be read."""
    name = filename.lower().strip()
    if name.endswith((".xlsx", ".xlsm")):
        rows = _xlsx_grid(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_grid(data)
    elif name.endswith(".xls"):
        raise _fail(
            N_(
                "Old Excel files (.xls) cannot be read: in Excel choose “Save as” →"
                " “Excel Workbook (.xlsx)”, then send that file."
            )
        )
    else:
        raise _fail(
            N_("Send the roster as an Excel file (.xlsx) or a CSV file (.csv); got {name}."),
            name=filename,
        )
    return rows


def _table(rows_in: Iterator[tuple[int, list[Any]]]) -> Table:
    header: dict[int, str] | None = None
    header_row = 0
    rows: list[RawRow] = []
    blank = 0
    for number, values in rows_in:
        if header is None:
            header = _header(values)
            if header is None:
                if number >= _HEADER_SCAN_ROWS:
                    break
                continue
            _check_duplicates(values, number)
            header_row = number
            missing = [FIELD_HEADERS[f] for f in REQUIRED_COLUMNS if f not in header.values()]
            if missing:
                raise _fail(
                    N_(
                        "The header row (row {row}) has no column {columns}. Use the"
                        " template headers: {headers}."
                    ),
                    row=number,
                    columns=", ".join(missing),
                    headers=_template_headers(),
                )
            continue
        cells = {
            f: text
            for i, f in header.items()
            if i < len(values) and (text := _cell_text(values[i], f))
        }
        if cells:
            rows.append(RawRow(number, cells))
            blank = 0
            if len(rows) > MAX_ROWS:
                raise _fail(N_("The file has more than {n} members; split it by cell."), n=MAX_ROWS)
        else:
            blank += 1
            if blank >= _BLANK_ROWS_END:  # formatted but empty rows to the sheet's end
                break
    if header is None:
        raise _fail(
            N_("No header row found: the first row should name the columns, e.g. {headers}."),
            headers=_template_headers(),
        )
    if not rows:
        raise _fail(NO_ROWS, row=header_row)
    columns = tuple(f for f, _ in TEMPLATE if f in header.values())
    return Table(columns, rows)


def _check_duplicates(values: Sequence[Any], row: int) -> None:
    """Refuse a header row naming one column twice (which one would be meant?)."""
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        f = HEADER_KEYS.get(key(value)) if value not in (None, "") else None
        if f is None:
            continue
        if f in seen:
            raise _fail(
                DUPLICATE_HEADER,
                row=row,
                column=FIELD_HEADERS[f],
                first=clean_line(str(values[seen[f]])),
                second=clean_line(str(value)),
            )
        seen[f] = i


def _template_headers() -> str:
    return ", ".join(h for _, h in TEMPLATE)


def _header(values: Sequence[Any]) -> dict[int, str] | None:
    found: dict[int, str] = {}
    for i, value in enumerate(values):
        f = HEADER_KEYS.get(key(value)) if value not in (None, "") else None
        if f is not None and f not in found.values():
            found[i] = f
    return found if "full_name" in found.values() and len(found) >= 2 else None


def _cell_text(value: Any, f: str) -> str:
    """A cell as text: dates as ISO, whole numbers without ".0", zeros restored in a CCCD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        # Excel keeps a CCCD typed as a number without its leading zeros.
        return text.zfill(12) if f == "cccd" and len(text) < 12 else text
    return clean_line(unquote(str(value)))


def _csv_grid(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    skip = 0
    if first.lower().startswith("sep=") and len(first.strip()) == 5:  # Excel's "sep=;" line
        delimiter, skip = first.strip()[4], 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            check_csv_row(number, row)
            if number > skip:
                yield number, list(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _fail(LONG_CELL, row=number + 1, limit=MAX_CELL_CHARS) from exc
        raise _fail(N_("The CSV file cannot be read ({error})."), error=str(exc)) from exc


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text": UTF-16 with a byte order mark, tab-separated
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _fail(UTF16_DAMAGED) from exc
    if (bare := _utf16_without_mark(data[:400])) is not None:
        try:
            return data.decode(bare)
        except UnicodeDecodeError as exc:
            raise _fail(UTF16_DAMAGED) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")  # Vietnamese Windows, from older Excel versions
    except UnicodeDecodeError as exc:
        raise _fail(
            N_("The CSV file is not in UTF-8: in Excel choose “Save as” → “CSV UTF-8”.")
        ) from exc


def _utf16_without_mark(head: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when most odd/even bytes are NUL (Latin text and digits in
    UTF-16), else None; no UTF-8 or cp1258 text has NUL bytes."""
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > 2 * even:
        return "utf-16-le"
    if even > 2 * odd:
        return "utf-16-be"
    return None


def _xlsx_grid(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    extent = check_xlsx(io.BytesIO(data))  # limits first: nothing unpacked above them
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _fail(
            N_("The Excel file cannot be opened; save it again as .xlsx and send it again.")
        ) from exc
    try:
        ws = wb.worksheets[0]
        if extent.rows == 0:
            return
        ws.reset_dimensions()  # a file's own <dimension> may claim a million rows
        rows = ws.iter_rows(max_row=extent.rows, max_col=extent.columns, values_only=True)
        for number, row in enumerate(rows, start=1):
            yield number, list(row)
    finally:
        wb.close()


# -- parsing values ------------------------------------------------------------------------------


def parse_row(raw: RawRow, today: date) -> ParsedRow:
    """Typed values of a row: dates, gender, status codes, a normalised card and CCCD."""
    values: dict[str, Any] = {}
    errors: list[Msg] = []
    for f, text in raw.cells.items():
        column = FIELD_HEADERS[f]
        try:
            values[f] = _value(f, text, today)
        except _CellError as exc:
            errors.append(Msg(exc.text, {"column": column, "value": text, **exc.params}))
    for f in REQUIRED_COLUMNS:
        if f not in raw.cells:
            errors.append(Msg(EMPTY_CELL, {"column": FIELD_HEADERS[f]}))
    return ParsedRow(raw.number, values, errors)


def _value(f: str, text: str, today: date) -> Any:
    if f == "full_name":
        if len(text) > MAX_NAME:
            raise _CellError(LONG_NAME, n=MAX_NAME)
        return text
    if f in DATE_FIELDS:
        try:
            return parse_file_date(text, today)
        except ValueError:
            raise _CellError(NOT_A_DATE) from None
    if f == "gender":
        if (g := _GENDER_ALIASES.get(key(text))) is None:
            raise _CellError(BAD_GENDER)
        return g
    if f == "status":
        if (s := STATUS_KEYS.get(key(text))) is None:
            raise _CellError(BAD_STATUS)
        return s
    if f == "card_no":
        card = "".join(text.split())
        if not _CARD.fullmatch(card):
            raise _CellError(BAD_CARD)
        return card
    if f == "cccd":
        cccd = normalize_cccd(text)
        if cccd is None:
            digits = re.sub(r"[\s.\-]", "", text)
            if digits.isdigit() and len(digits) < 12:
                raise _CellError(SHORT_CCCD, n=len(digits))
            raise _CellError(BAD_CCCD)
        return cccd
    raise AssertionError(f)


def read_value(f: str, text: str, today: date, column: object) -> Any:
    """One typed value (a chat answer): InvalidInput naming `column` if it is not valid."""
    try:
        return _value(f, clean_line(text), today)
    except _CellError as exc:
        raise InvalidInput(
            Msg(exc.text, {"column": column, "value": echo(text), **exc.params})
        ) from None


def parse_file_date(text: str, today: date) -> date:
    """A date from a file: ISO or day first, with the year (a 2-digit year is accepted);
    ValueError if it is not one."""
    parsed = parse_date(text, today) if len(_DIGIT_GROUPS.findall(text)) == 3 else None
    if parsed is None:
        raise ValueError(text)
    return parsed


@dataclass(frozen=True)
class ParsedFile:
    table: Table
    rows: list[ParsedRow]


def parse_file(data: bytes, filename: str, today: date) -> ParsedFile:
    """Bytes + file name → numbered rows of typed values (no database involved)."""
    table = read_table(data, filename)
    return ParsedFile(table, [parse_row(r, today) for r in table.rows])


# -- writing -------------------------------------------------------------------------------------


def _text_row(f: MemberFields) -> list[str]:
    out = []
    for name, _ in TEMPLATE:
        value = getattr(f, name)
        if value is None:
            out.append("")
        elif isinstance(value, date):
            out.append(value.strftime("%d/%m/%Y"))
        elif name == "gender":
            out.append(GENDER_LABELS[value])
        elif name == "status":
            out.append(STATUS_LABELS[value])
        else:
            out.append(str(value))
    return out


def write_csv(members: Iterable[MemberFields]) -> bytes:
    """UTF-8 with BOM (so Excel shows the diacritics), comma-separated, dd/mm/yyyy dates."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for _, h in TEMPLATE])
    for m in members:
        writer.writerow([csv_field(text) for text in _text_row(m)])
    return buf.getvalue().encode("utf-8-sig")


def write_xlsx(members: Iterable[MemberFields], title: str = "Đảng viên") -> bytes:
    """One sheet: bold header, real date cells shown dd/mm/yyyy, numbers kept as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    ws.append([h for _, h in TEMPLATE])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for number, m in enumerate(members, start=2):
        for col, ((name, _), text) in enumerate(zip(TEMPLATE, _text_row(m), strict=True), 1):
            value = getattr(m, name)
            if isinstance(value, date):
                ws.cell(row=number, column=col, value=value)
            elif text:
                set_text(ws.cell(row=number, column=col), text)
    for col, (name, header) in enumerate(TEMPLATE, start=1):
        letter = ws.cell(row=1, column=col).column_letter
        ws.column_dimensions[letter].width = max(14, len(header) + 4, 28 * (name == "full_name"))
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "DD/MM/YYYY" if name in DATE_FIELDS else "@"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", title)[:31] or "Sheet1"
