"""Officers' numbers at province scale (not a test).

    .venv/bin/python benchmarks/bench_status.py [COMMUNES [CELLS_PER_COMMUNE [MEMBERS]]]

Builds, in a temporary SQLite file, a province of 100 communes × 50 cells = 5,000 cells with
20 members each = 100,000 members (2 % probationary, with status history), a regular meeting
every month of 2026 in most cells, a thematic meeting a quarter in half of them, one admission
candidate per cell and a confirmed half-year list in a third of the cells; then prints timings
for /status at the province root, /overdue, the /report data, the XLSX workbook and the chart.
The data is written through the storage layer, one transaction per commune.
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
from chibo.rules.text import fold  # noqa: E402
from chibo.storage import candidates as candidate_store  # noqa: E402
from chibo.storage import meetings as meeting_store  # noqa: E402
from chibo.storage import members as member_store  # noqa: E402
from chibo.storage import orgs as org_store  # noqa: E402
from chibo.storage import reconciliation as recon_store  # noqa: E402
from chibo.storage.candidates import Details  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.storage.meetings import MeetingFields  # noqa: E402
from chibo.storage.members import MemberFields  # noqa: E402
from chibo.usecases import report_chart, report_xlsx  # noqa: E402
from chibo.usecases import status as status_uc  # noqa: E402
from chibo.usecases.clock import FixedClock  # noqa: E402
from chibo.usecases.context import AppContext  # noqa: E402
from chibo.usecases.i18n import translator  # noqa: E402

NOW = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)
SETUP = datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hoa", "Lan", "Nam", "Sơn", "Tâm", "Thảo", "Vinh")


def member(i: int) -> MemberFields:
    birth = date(1950, 1, 1) + timedelta(days=(i * 37) % 18000)
    if i % 50 == 0:  # probationary, admitted this year
        ceremony = date(2026, 1 + i % 11, 5)
        return MemberFields(
            f"{FAMILY[i % 10]} Văn {GIVEN[i // 10 % 12]} {i}",
            date(1996, 1 + i % 12, 1 + i % 28),
            card_no=None,
            decision_date=ceremony - timedelta(days=20),
            ceremony_date=ceremony,
            status="probationary",
            status_date=ceremony,
        )
    ceremony = date(birth.year + 25, birth.month, min(birth.day, 28))
    official = official_date(ceremony)
    return MemberFields(
        f"{FAMILY[i % 10]} Thị {GIVEN[i // 10 % 12]} {i}",
        birth,
        card_no=f"{i:08d}",
        decision_date=ceremony - timedelta(days=20),
        ceremony_date=ceremony,
        official_date=official,
        status="official",
        status_date=official,
    )


async def build(db: Database, communes: int, cells: int, per_cell: int) -> int:
    n = 0
    async with db.transaction() as tx:
        root = await org_store.insert(
            tx, code="P", name="Tỉnh ủy", kind="committee", parent_id=None, at=SETUP
        )
    for k in range(communes):
        async with db.transaction() as tx:
            commune = await org_store.insert(
                tx,
                code=f"X{k:03d}",
                name=f"Đảng ủy xã {k}",
                kind="committee",
                parent_id=root.id,
                at=SETUP,
            )
            for c in range(cells):
                cell = await org_store.insert(
                    tx,
                    code=f"X{k:03d}C{c:02d}",
                    name=f"Chi bộ {k}-{c}",
                    kind="cell",
                    parent_id=commune.id,
                    at=SETUP,
                )
                history = []
                for _ in range(per_cell):
                    f = member(n)
                    mid = await member_store.insert(
                        tx, org_id=cell.id, f=f, name_key=fold(f.full_name), at=SETUP
                    )
                    assert f.status_date is not None
                    history.append((mid, f.status, f.status_date, None))
                    n += 1
                await member_store.add_history_many(tx, history, actor="bench", at=SETUP)
                for month in range(1, 12 if c % 10 else 9):
                    await meeting_store.insert(
                        tx,
                        org_id=cell.id,
                        f=MeetingFields(date(2026, month, 5), "regular"),
                        actor="bench",
                        at=SETUP,
                    )
                    if c % 2 == 0 and month % 3 == 0:
                        await meeting_store.insert(
                            tx,
                            org_id=cell.id,
                            f=MeetingFields(date(2026, month, 20), "thematic", "Chuyên đề"),
                            actor="bench",
                            at=SETUP,
                        )
                await candidate_store.insert(
                    tx,
                    org_id=cell.id,
                    d=Details(f"Ứng viên {k}-{c}", date(2000, 1, 1), None, "youth_union"),
                    name_key=f"ung vien {k} {c}",
                    tracked_since=date(2026, 3, 1),
                    at=SETUP,
                )
                if c % 3 == 0:
                    roster = await recon_store.roster_on(tx, cell.id, date(2026, 6, 30))
                    await recon_store.confirm(
                        tx,
                        org_id=cell.id,
                        period_end=date(2026, 6, 30),
                        members=roster,
                        actor="bench",
                        at=SETUP,
                    )
    return n


def timed(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<44} {now - started:7.2f} s")
    return now


async def main(communes: int, cells: int, per_cell: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"CHIBO_DB": str(Path(tmp) / "bench.sqlite3")})
        db = await Database.open(config.db_path)
        ctx = AppContext.build(db, FixedClock(NOW), config)
        t0 = time.perf_counter()
        n = await build(db, communes, cells, per_cell)
        print(
            f"Province: {communes} communes × {cells} cells = {communes * cells} cells, {n} members"
        )
        t = timed("build the database", t0)
        view = await status_uc.status(ctx, "cli", code="P")
        t = timed(f"/status at the province root ({len(view.lines)} lines)", t)
        total = view.total
        print(
            f"    members {total.members}, candidates {total.candidates}, overdue {total.overdue}"
        )
        over = await status_uc.overdue(ctx, "cli", code="P")
        t = timed(f"/overdue at the root ({over.count} items)", t)
        await status_uc.status(ctx, "cli", code="X000")
        t = timed("/status of one commune (50 cells)", t)
        data = await status_uc.report(ctx, "cli", code="P", period="2026")
        t = timed("/report data for 2026", t)
        workbook = report_xlsx.build(data, translator("vi"))
        t = timed(f"XLSX workbook ({len(workbook) // 1024} KiB)", t)
        chart = report_chart.heat_map(data, translator("vi"))
        timed(f"PNG chart ({len(chart) // 1024} KiB)", t)
        await db.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:4]]
    asyncio.run(main(*(args + [100, 50, 20][len(args) :])))
