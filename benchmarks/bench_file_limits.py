"""Spreadsheet bombs and the largest files the limits let through (not a test).

    .venv/bin/python benchmarks/bench_file_limits.py

Each file is generated, then read by `roster_io.read_table` in a fresh Python process that
reports its peak resident memory (ru_maxrss) and the time taken; the outcome is the number
of rows read or the refusal. Files:
- the issue's bombs: 1,000 MB in one inline string (≈1 MB zipped) and a million rows;
- the worst that passes the unpacked-size limit: one sheet of tiny shared strings, one
  near-limit cell text per row, and a full roster at the row limit.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chibo.usecases import roster_io  # noqa: E402

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SST_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
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
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}


def workbook(sheet: Iterable[str], shared: Iterable[str] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(HEAD.encode())
            for piece in sheet:
                out.write(piece.encode())
            out.write(b"</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SST_NS}">'.encode())
            for piece in shared:
                out.write(piece.encode())
            out.write(b"</sst>")
    return buf.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = f'<row r="1">{inline("A1", "Họ và tên")}{inline("B1", "Ngày sinh")}</row>'


def huge_string(mb: int) -> Iterable[str]:
    yield HEADER
    yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
    chunk = "A" * (1 << 20)
    for _ in range(mb):
        yield chunk
    yield "</t></is></c></row>"


def million_rows() -> Iterable[str]:
    yield HEADER
    for i in range(2, 1_000_002):
        yield f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'


def tiny_shared_strings() -> tuple[list[str], Iterable[str]]:
    """A sheet of two rows and as many one-letter shared strings as the size limit allows."""
    n = (roster_io.MAX_UNPACKED_BYTES - 4096) // len("<si><t>a</t></si>")
    sheet = [HEADER, f'<row r="2"><c r="A2" t="s"><v>{n - 1}</v></c></row>']
    return sheet, (f"<si><t>{i % 10}</t></si>" for i in range(n))


def long_cells() -> Iterable[str]:
    """Rows of one cell each, every text just under the cell limit, up to the size limit."""
    text = "Ă" * (roster_io.MAX_CELL_CHARS - 1)
    per_row = len(inline("A99999", text).encode()) + 30
    yield HEADER
    for i in range(2, min(roster_io.MAX_SHEET_ROWS, roster_io.MAX_UNPACKED_BYTES // per_row)):
        yield f'<row r="{i}">{inline(f"A{i}", text)}</row>'


def full_roster() -> Iterable[str]:
    """A plausible roster at the row limit: name, birth date and eight more columns."""
    yield HEADER.replace("</row>", "".join(inline(f"{c}1", c) for c in "CDEFGHIJ") + "</row>")
    for i in range(2, min(roster_io.MAX_ROWS, roster_io.MAX_SHEET_ROWS) + 1):
        cells = [inline(f"A{i}", f"Nguyễn Văn Thành {i}"), f'<c r="B{i}"><v>{20000 + i}</v></c>']
        cells += [inline(f"{c}{i}", f"79.{i:06d}") for c in "CDEFGHIJ"]
        yield f'<row r="{i}">{"".join(cells)}</row>'


CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from chibo.usecases import roster_io
from chibo.usecases.errors import InvalidInput
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    outcome = f"read {{len(roster_io.read_table(data, 'x.xlsx').rows)}} rows"
except InvalidInput as exc:
    outcome = "refused: " + exc.msg.key.format(**exc.msg.params)[:70]
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{took:6.2f}} s  peak {{peak:6.0f}} MB  {{outcome}}")
"""


def measure(label: str, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        fh.write(data)
        fh.flush()
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT)), fh.name],
            capture_output=True,
            text=True,
            check=True,
        )
    print(f"{label:<44} {len(data) / 1e6:6.2f} MB zipped  {out.stdout.strip()}")


def main() -> None:
    base = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import resource,sys; sys.path.insert(0, {str(ROOT)!r}); import openpyxl;"
            " from usecases import roster_io;"
            " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"(a process that only imports openpyxl and roster_io: {base} MB)")
    started = time.perf_counter()
    measure("bomb: one 1,000 MB inline string", workbook(huge_string(1000)))
    measure("bomb: 1,000,000 rows", workbook(million_rows()))
    measure("bomb: one 29 MB inline string (under size)", workbook(huge_string(29)))
    sheet, shared = tiny_shared_strings()
    measure("limit: tiny shared strings up to the size", workbook(sheet, shared))
    measure("limit: near-limit cells up to the size", workbook(long_cells()))
    measure(f"limit: roster of {roster_io.MAX_ROWS:,} rows x 10 columns", workbook(full_roster()))
    print(f"(generating and measuring took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
