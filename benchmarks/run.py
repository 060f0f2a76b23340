"""Every province-scale figure of issue 12, each next to its target (not a test).

    .venv/bin/python benchmarks/run.py [COMMUNES [CELLS_PER_COMMUNE [MEMBERS]]]

Builds the province of `bench_status.py` once (default 100 communes × 50 cells × 20 members =
100,000 members) in a temporary SQLite file and prints one row per figure. Sweep planning is
measured on that province (with `bench_sweep.bind_users`' secretaries, deputies and officers),
the morning fan-out on a copy of it (the first 300 secretaries, through the real Application
against an emulator answering in 100 ms and refusing more than 30 msg/s: `bench_sweep.delivery`),
others' reply times through the real Application (`bench_latency`), and the CPU per everyday
update by `bench_update_cpu` (its own small database and emulator).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_latency as latency  # noqa: E402
import bench_sweep  # noqa: E402
import bench_update_cpu  # noqa: E402
from bench_status import NOW, build  # noqa: E402
from bench_sweep import bind_users, delivery  # noqa: E402

from chibo.bot.config import load_config  # noqa: E402
from chibo.handlers.officer import overdue_line  # noqa: E402
from chibo.storage import meetings as meeting_store  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.storage.meetings import MeetingFields  # noqa: E402
from chibo.usecases import reminders as reminders_uc  # noqa: E402
from chibo.usecases import report_chart, report_xlsx  # noqa: E402
from chibo.usecases import status as status_uc  # noqa: E402
from chibo.usecases.clock import FixedClock  # noqa: E402
from chibo.usecases.context import AppContext  # noqa: E402
from chibo.usecases.i18n import translator  # noqa: E402

ROWS: list[tuple[str, str, str]] = []


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


_EARLIER_PEAK = 0.0  # the peak before the last `reset_peak`


def peak_mib(*, since_reset: bool = False) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            now = int(line.split()[1]) / 1024
            return now if since_reset else max(now, _EARLIER_PEAK)
    return 0.0


def reset_peak() -> None:
    """Start VmHWM (peak RSS) afresh from the current RSS (Linux: clear_refs 5); `peak_mib`
    still gives the process's peak."""
    global _EARLIER_PEAK
    _EARLIER_PEAK = peak_mib()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


async def sweep_planning(ctx: AppContext, times: int = 3) -> None:
    """Plan the whole province's sweep `times` times in this process, where the report was
    just built (a busy bot's morning): wall and CPU time of each, the RSS planning adds."""
    walls, cpus = [], []
    reset_peak()
    before = rss_mib()
    for _ in range(times):
        t, c = time.perf_counter(), time.process_time()
        plan = await reminders_uc.plan(ctx, NOW.date())
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        del plan
    row(
        "sweep planning in the bot's process (report built before)",
        f"{min(walls):.2f} s",
        "< 2 s",
    )
    print(
        f"    runs {' / '.join(f'{w:.2f}' for w in walls)} s wall,"
        f" {' / '.join(f'{c:.2f}' for c in cpus)} s CPU"
    )
    peak = peak_mib(since_reset=True)
    # this process also holds the report's libraries and data; `bench_sweep.py` alone peaks
    # at about RSS before + what planning adds
    row("  RSS planning adds (peak while planning − before)", f"{peak - before:.0f} MiB", "-")
    print(f"    (process RSS {before:.0f} MiB before planning, {peak:.0f} MiB peak)")


def backup_to(source: Path, target: Path) -> None:
    """A consistent copy of the province's file (its WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def update_cpu(n: int = 300) -> None:
    """`bench_update_cpu`: chibo's CPU per everyday update against a bare PTB echo bot built
    with the same AIORateLimiter and request settings."""
    echo = asyncio.run(bench_update_cpu.bare(n))
    chibo = asyncio.run(bench_update_cpu.chibo(n, None))
    row(
        "CPU per everyday update vs a bare PTB echo bot (same limiter)",
        f"{chibo / echo:.2f}×",
        "≤ 1.5×",
    )
    print(f"    chibo {chibo * 1000:.2f} ms, echo bot {echo * 1000:.2f} ms per update")


def row(what: str, figure: str, target: str) -> None:
    ROWS.append((what, figure, target))
    print(f"  {what:<62} {figure:>12}   target {target}", flush=True)


async def timed(fn: Callable[[], Awaitable[object]]) -> tuple[float, object]:
    t = time.perf_counter()
    out = await fn()
    return time.perf_counter() - t, out


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else max(samples or [0])


async def main(communes: int, cells: int, per_cell: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"CHIBO_DB": str(Path(tmp) / "bench.sqlite3")})
        db = await Database.open(config.db_path)
        ctx = AppContext.build(db, FixedClock(NOW), config)
        t = time.perf_counter()
        n = await build(db, communes, cells, per_cell)
        size = config.db_path.stat().st_size / 2**20
        print(
            f"Province: {communes} × {cells} cells, {n} members, built in"
            f" {time.perf_counter() - t:.1f} s; SQLite file {size:.0f} MiB;"
            f" bot process RSS {rss_mib():.0f} MiB"
        )
        s, view = await timed(lambda: status_uc.status(ctx, "cli", code="P"))
        row("/status at the root, first look of the day (plan built)", f"{s * 1000:.0f} ms", "-")
        at_rest = rss_mib()  # the day's plan in memory, nothing running
        s, _ = await timed(lambda: status_uc.status(ctx, "cli", code="P"))
        row("/status at the root of the province", f"{s * 1000:.0f} ms", "< 200 ms")
        async with db.transaction() as tx:
            await meeting_store.insert(
                tx, org_id=view.lines[3].org.id + 2, f=MeetingFields(date(2026, 12, 5),
                "regular"), actor="bench", at=NOW,
            )  # fmt: skip
        s, _ = await timed(lambda: status_uc.status(ctx, "cli", code="P"))
        row("/status at the root after a cell recorded a meeting", f"{s * 1000:.0f} ms", "< 200 ms")

        async def first_page() -> int:
            over = await status_uc.overdue(ctx, "cli", code="P")
            _ = translator("vi")
            lines = [overdue_line(_, r) for g in over.groups[:40] for r in g.items][:60]
            return over.count + len(lines)

        s, _ = await timed(first_page)
        row("/overdue at the root, first page", f"{s * 1000:.0f} ms", "< 200 ms")
        s, _ = await timed(lambda: status_uc.status(ctx, "cli", code="X000"))
        row("/status of one commune", f"{s * 1000:.1f} ms", "< 20 ms")

        chart_s: list[float] = []
        xlsx_s: list[float] = []

        async def province_report() -> None:
            data = await status_uc.report(ctx, "cli", code="P", period="2026")
            _ = translator("vi")
            t = time.perf_counter()
            await asyncio.to_thread(report_xlsx.build, data, _)
            xlsx_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            await asyncio.to_thread(report_chart.heat_map, data, _)
            chart_s.append(time.perf_counter() - t)

        await province_report()
        await province_report()  # again: the first chart of a process also imports matplotlib
        row("XLSX for the province", f"{min(xlsx_s):.2f} s", "< 2 s")
        row("chart for the province", f"{chart_s[1]:.2f} s", "< 1 s")
        print(f"    the process's first chart, importing matplotlib: {chart_s[0]:.2f} s")
        await bind_users(db)
        copy = Path(tmp) / "deliver.sqlite3"
        await asyncio.to_thread(backup_to, config.db_path, copy)
        # the morning's planning as a bot's first morning: a fresh process (cold caches, its
        # own peak RSS), then again in that process (`bench_sweep.planning`)
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, str(ROOT / "benchmarks" / "bench_sweep.py"), "--plan-only"],
            env={**os.environ, "CHIBO_BENCH_DB": str(copy)},
            check=True,
        )
        await sweep_planning(ctx, times=1)
        # the bot's own peak: the province report and the morning's planning (what follows,
        # the fan-out on a copy and the latency runs, adds the benchmark's second bot and
        # emulators to this process)
        bot_peak = peak_mib()
        # the morning fan-out on the copy (it keeps the first 300 secretaries bound), through
        # the real Application against an emulator answering in 100 ms with Telegram's 30 msg/s
        bench_sweep.row = lambda what, figure, target, ok: row(what, figure, target)  # one table
        await delivery(copy, 300)
        # last (it adds a cell of 5,000 members): through the real Application and the
        # emulator, as users see it (bench_latency.py)
        codes = [f"X{k:03d}C{c:02d}" for c in range(cells) for k in range(communes)]
        during_report, during_import = await latency.measure(
            ctx, concurrent=True, run_no=0, cells=codes, separate=True
        )
        print(
            f"    others' replies: {latency.OTHERS} bound users send /whoami every"
            f" {latency.EVERY * 1000:.0f} ms through the real Application; the users' side"
            " (emulator) runs in another process"
        )
        row(
            "others' replies while the province report builds (p95)",
            f"{during_report.p95() * 1000:.0f} ms",
            "< 300 ms",
        )
        row(
            "others' replies while a 5,000-row roster is imported (p95)",
            f"{during_import.p95() * 1000:.0f} ms",
            "< 300 ms",
        )
        row("bot process memory at rest / peak", f"{at_rest:.0f} / {bot_peak:.0f} MiB", "-")
        print(
            "    at rest: after the day's plan is built; peak: through the province report and"
            " the sweep planning (this process also built the province)"
        )
        await db.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:4]]
    asyncio.run(main(*(args + [100, 50, 20][len(args) :])))
    update_cpu()
