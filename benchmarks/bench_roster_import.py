"""Roster import at province scale: one file of 5,000 members into one cell (not a test).

    .venv/bin/python benchmarks/bench_roster_import.py [N]

Prints wall-clock timings for parsing (CSV and XLSX), the checking pass (dry run), the
first import (all rows created), a re-import (nothing changes) and the XLSX export, on a
fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chibo.bot.config import load_config  # noqa: E402
from chibo.rules.probation import official_date  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.storage.members import MemberFields  # noqa: E402
from chibo.usecases import orgs as orgs_uc  # noqa: E402
from chibo.usecases import roster, roster_io  # noqa: E402
from chibo.usecases.clock import FixedClock  # noqa: E402
from chibo.usecases.context import AppContext  # noqa: E402

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hoa", "Lan", "Nam", "Sơn", "Tâm", "Thảo", "Vinh")
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def name(i: int) -> str:
    """A distinct name for every i, letters only (digits in names are refused)."""
    rest, words = i // 80, []
    while True:
        words.append(GIVEN[rest % 12])
        rest //= 12
        if not rest:
            break
    return f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 8]} {' '.join(words)}"


def members(n: int) -> list[MemberFields]:
    out = []
    for i in range(n):
        birth = date(1945, 1, 1) + timedelta(days=(i * 37) % 20000)
        ceremony = date(birth.year + 25, birth.month, min(birth.day, 28))
        probationary = i % 50 == 0
        if probationary:
            ceremony = date(2026, 1 + i % 10, 5)
            birth = date(1995, 1 + i % 12, 1 + i % 28)
        official = None if probationary else official_date(ceremony)
        out.append(
            MemberFields(
                full_name=name(i),
                birth_date=birth,
                gender="male" if i % 3 else "female",
                card_no=f"{i // 1000 + 10:02d}.{i:06d}",
                cccd=f"{i:012d}" if i % 2 else None,
                decision_date=ceremony - timedelta(days=20),
                ceremony_date=ceremony,
                official_date=official,
                status="probationary" if probationary else "official",
                status_date=ceremony if probationary else official,
            )
        )
    return out


def timed(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<38} {now - started:7.2f} s")
    return now


async def main(n: int) -> None:
    rows = members(n)
    csv_data = roster_io.write_csv(rows)
    xlsx_data = roster_io.write_xlsx(rows)
    print(
        f"{n} members in one cell; CSV {len(csv_data) / 1e6:.1f} MB, "
        f"XLSX {len(xlsx_data) / 1e6:.1f} MB"
    )
    today = NOW.date()
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"CHIBO_DB": str(Path(tmp) / "bench.sqlite3")})
        db = await Database.open(config.db_path)
        try:
            ctx = AppContext.build(db, FixedClock(NOW), config)
            await orgs_uc.add_org(ctx, actor="cli", code="XA", name="Đảng ủy")
            cell = await orgs_uc.add_org(
                ctx, actor="cli", code="CB", name="Chi bộ", parent_code="XA"
            )
            t = time.perf_counter()
            roster_io.parse_file(csv_data, "ds.csv", today)
            t = timed("parse CSV", t)
            parsed = roster_io.parse_file(xlsx_data, "ds.xlsx", today)
            t = timed("parse XLSX", t)
            report = await roster.import_rows(
                ctx, actor="cli", org_id=cell.id, rows=parsed.rows, dry_run=True
            )
            assert not report.errors and report.created == n, report.errors[:3]
            t = timed("check all rows (dry run, empty cell)", t)
            report = await roster.import_file(
                ctx, actor="cli", org_id=cell.id, data=csv_data, filename="ds.csv"
            )
            assert report.written and report.created == n
            t = timed("import CSV (parse + check + write)", t)
            report = await roster.import_file(
                ctx, actor="cli", org_id=cell.id, data=xlsx_data, filename="ds.xlsx"
            )
            assert report.unchanged == n and not report.written
            t = timed("re-import XLSX (nothing changes)", t)
            exported = await roster.export_roster(ctx, actor="cli", org_id=cell.id, fmt="xlsx")
            assert exported.count == n
            timed("export XLSX", t)
        finally:
            await db.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
