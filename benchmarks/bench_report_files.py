"""The province's XLSX workbook and chart, each next to its target (not a test).

    .venv/bin/python benchmarks/bench_report_files.py [COMMUNES [CELLS_PER_COMMUNE [MEMBERS]]]

Builds the province of `bench_status.py` (default 100 × 50 cells × 20 members), reads the
/report data for 2026 once, then times `report_xlsx.build` and `report_chart.heat_map` (best
of three, and CPU time of the process) and writes `--profile` output when asked. With
`CHIBO_BENCH_REPORT=/path.pickle` the report's data is kept in that file between runs, so
rendering alone can be measured again without building the province.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_status import NOW, build  # noqa: E402

from chibo.bot.config import load_config  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.usecases import report_chart, report_xlsx  # noqa: E402
from chibo.usecases import status as status_uc  # noqa: E402
from chibo.usecases.clock import FixedClock  # noqa: E402
from chibo.usecases.context import AppContext  # noqa: E402
from chibo.usecases.i18n import translator  # noqa: E402


async def report_data(communes: int, cells: int, per_cell: int) -> status_uc.Report:
    cache = os.environ.get("CHIBO_BENCH_REPORT")
    if cache and Path(cache).exists():
        return pickle.loads(Path(cache).read_bytes())  # type: ignore[no-any-return]
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"CHIBO_DB": str(Path(tmp) / "bench.sqlite3")})
        db = await Database.open(config.db_path)
        ctx = AppContext.build(db, FixedClock(NOW), config)
        await build(db, communes, cells, per_cell)
        data = await status_uc.report(ctx, "cli", code="P", period="2026")
        await db.close()
    if cache:
        Path(cache).write_bytes(pickle.dumps(data))
    return data


def best_of(n: int, fn: object) -> tuple[float, float, bytes]:
    wall, cpu, out = [], [], b""
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        out = fn()  # type: ignore[operator]
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu), out


def main(communes: int, cells: int, per_cell: int) -> None:
    data = asyncio.run(report_data(communes, cells, per_cell))
    _ = translator("vi")
    print(f"Report: {len(data.cells)} cells, {len(data.probation)} on probation")
    s, c, xlsx = best_of(3, lambda: report_xlsx.build(data, _))
    print(f"  XLSX for the province ({len(xlsx) // 1024} KiB) {s:.2f} s (CPU {c:.2f} s) vs < 2 s")
    report_chart.heat_map(data, _)  # matplotlib's import and font cache, once per process
    s, c, png = best_of(3, lambda: report_chart.heat_map(data, _))
    print(f"  chart for the province ({len(png) // 1024} KiB) {s:.2f} s (CPU {c:.2f} s) vs < 1 s")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:4]]
    main(*(args + [100, 50, 20][len(args) :]))
