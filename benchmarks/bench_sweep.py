"""The reminder sweep at province scale (not a test).

    .venv/bin/python benchmarks/bench_sweep.py [COMMUNES [CELLS_PER_COMMUNE [MEMBERS]]]

Builds the province of benchmarks/bench_status.py (100 communes × 50 cells × 20 members), binds
a secretary and a deputy to every cell and an officer to every commune and to the province, and
prints, each beside its target:

- sweep planning for the whole province (`usecases.reminders.plan`): time and peak RSS;
- the morning fan-out: reminders due, (reminder, recipient) pairs, and Telegram messages with
  the digest (one per recipient a day) against one message per pair before it;
- the delivery rate of a sweep through the real Application's bot (`AIORateLimiter`) against
  the Bot API emulator answering in 100 ms with Telegram's 30 msg/s flood limit: deliveries/s,
  429s, and every pair delivered exactly once. The delivery part sweeps `--deliver N`
  cell secretaries and deputies (default 300; officers, who get
  many digests, are paced at 1 message a second per chat by the limiter) of a copy.

Set CHIBO_BENCH_DB to a path to keep the built database between runs (`benchmarks/run.py`
passes its province this way with `--plan-only`: planning alone, in a fresh process).
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_status import NOW, SETUP, build  # noqa: E402

from chibo.bot.config import load_config  # noqa: E402
from chibo.storage import orgs as org_store  # noqa: E402
from chibo.storage import users as user_store  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.usecases import reminders as reminders_uc  # noqa: E402
from chibo.usecases.clock import FixedClock  # noqa: E402
from chibo.usecases.context import AppContext  # noqa: E402

PLAN_SECONDS, PLAN_MB, RATE = 2.0, 200, 27.0


def rss_mb() -> float:
    """Peak resident set size of this process so far (MB): VmHWM, which starts afresh at
    exec (getrusage's ru_maxrss would carry over the peak of a parent that started us)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def bind_users(db: Database) -> int:
    """A secretary and a deputy per cell, an officer per commune and one at the province."""
    async with db.transaction() as tx:
        orgs = await org_store.all_orgs(tx)
        n = 0
        for org in orgs:
            roles = ("secretary", "deputy") if org.kind == "cell" else ("officer",)
            for k, role in enumerate(roles):
                tg_id = 10_000_000 + org.id * 2 + k
                await user_store.upsert_seen(
                    tx, tg_id=tg_id, full_name=f"{role} {org.code}", username=None,
                    tg_language="vi", at=SETUP,
                )  # fmt: skip
                await user_store.grant(
                    tx, user_id=tg_id, org_id=org.id, role=role, invite_id=None, at=SETUP
                )
                n += 1
    return n


def row(label: str, figure: str, target: str, ok: bool) -> None:
    print(f"  {label:<62} {figure:>12}   target {target}{'' if ok else '   MISSED'}", flush=True)


async def prepare(path: Path, communes: int, cells: int, per_cell: int) -> None:
    config = load_config(env={"CHIBO_DB": str(path)})
    db = await Database.open(config.db_path)
    t0 = time.perf_counter()
    n = await build(db, communes, cells, per_cell)
    users = await bind_users(db)
    await db.close()
    print(
        f"Province: {communes} communes × {cells} cells, {n} members, {users} users bound"
        f" (built in {time.perf_counter() - t0:.0f} s)"
    )


async def planning(path: Path) -> reminders_uc.Plan:
    config = load_config(env={"CHIBO_DB": str(path)})
    db = await Database.open(config.db_path)
    ctx = AppContext.build(db, FixedClock(NOW), config)
    before = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    plan = await reminders_uc.plan(ctx, NOW.date())
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = rss_mb()
    row("sweep planning, whole province", f"{seconds:.2f} s", f"< {PLAN_SECONDS:g} s",
        seconds < PLAN_SECONDS)  # fmt: skip
    print(f"    (CPU time {cpu:.2f} s, both threads)")
    del plan  # the next morning in the same process (a running bot: calendar, imports warm)
    t0, c0 = time.perf_counter(), time.process_time()
    plan = await reminders_uc.plan(ctx, NOW.date())
    again, cpu_again = time.perf_counter() - t0, time.process_time() - c0
    await db.close()
    row("  again in the same process", f"{again:.2f} s", f"< {PLAN_SECONDS:g} s",
        again < PLAN_SECONDS)  # fmt: skip
    print(f"    (CPU time {cpu_again:.2f} s)")
    peak = max(peak, rss_mb())
    pairs = sum(len(i.recipients) for i in plan.items)
    people = len({r.user.tg_id for i in plan.items for r in i.recipients})
    messages = len(reminders_uc.group_by_recipient(plan))
    row("  peak RSS (process)", f"{peak:.0f} MB", f"< {PLAN_MB} MB", peak < PLAN_MB)
    print(f"    (RSS before planning {before:.0f} MB)")
    print(f"    reminders due {len(plan.items)} (+{len(plan.unbound)} nobody can receive)")
    row("morning fan-out: one message per pair (before)", f"{pairs} msgs", "-", True)
    row("morning fan-out: digest (after)", f"{messages} msgs", f"{people} people", True)
    print(f"    {pairs / max(messages, 1):.1f}× fewer messages")
    return plan


async def delivery(path: Path, recipients: int) -> None:
    """A real sweep through the Application's bot against a 100 ms emulator."""
    from chibo.bot.app import build_application, running
    from chibo.botapi_emulator import BotApiEmulator
    from chibo.handlers.reminders import TelegramNotifier

    config = load_config(env={"CHIBO_DB": str(path)})
    db = await Database.open(config.db_path)
    async with db.transaction() as tx:  # keep the first `recipients` cells' secretaries…
        await tx.execute("DELETE FROM roles WHERE role = 'officer'")
        await tx.execute(
            "DELETE FROM roles WHERE user_id NOT IN"
            " (SELECT user_id FROM roles ORDER BY user_id LIMIT ?)",
            (recipients,),
        )
        bound = [r[0] for r in await tx.all("SELECT user_id FROM roles")]
    ctx = AppContext.build(db, FixedClock(NOW), config)
    async with BotApiEmulator(latency=0.1, flood_limit=30) as emu:
        for tg_id in bound:
            emu.user(tg_id, f"Bí thư {tg_id}", language_code="vi")
        app = build_application(ctx, token=emu.token, base_url=emu.base_url)
        async with running(app, poll_timeout=1):
            emu.set_latency(0.0)
            planned = await reminders_uc.plan(ctx, NOW.date())
            emu.set_latency(0.1)
            t0 = time.perf_counter()
            report = await reminders_uc.sweep(ctx, TelegramNotifier.for_app(app))
            seconds = time.perf_counter() - t0
        sends = [c for c in emu.calls_to("sendMessage") if c.error is None]
    await db.close()
    pairs = Counter(report.sent)
    wanted = {(i.reminder.key, r.user.tg_id) for i in planned.items for r in i.recipients}
    span = sends[-1].time - sends[0].time if len(sends) > 1 else 0.0
    rate = (len(sends) - 1) / span if span > 0 else 0.0  # the sending phase, planning aside
    row("fan-out rate, Bot API answering in 100 ms", f"{rate:.1f} msg/s", f">= {RATE:g} msg/s",
        rate >= RATE)  # fmt: skip
    row("  429 answers", str(emu.flood_hits), "0", emu.flood_hits == 0)
    once = set(pairs) == wanted and max(pairs.values(), default=1) == 1
    row("  each (reminder, recipient) exactly once", f"{len(pairs)}/{len(wanted)}", "all, once",
        once)  # fmt: skip
    print(
        f"    {len(sends)} messages sent in {span:.1f} s;"
        f" the sweep with its planning {seconds:.1f} s"
    )


async def main(communes: int, cells: int, per_cell: int, recipients: int) -> None:
    keep = os.environ.get("CHIBO_BENCH_DB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(keep) if keep else Path(tmp) / "bench.sqlite3"
        if not path.exists():
            await prepare(path, communes, cells, per_cell)
        await planning(path)
        if recipients <= 0:  # --plan-only
            return
        copy = Path(tmp) / "deliver.sqlite3"
        shutil.copy(path, copy)
        await delivery(copy, recipients)


if __name__ == "__main__":
    argv = sys.argv[1:]
    deliver = 300
    if "--plan-only" in argv:
        argv.remove("--plan-only")
        deliver = 0
    if "--deliver" in argv:
        i = argv.index("--deliver")
        deliver = int(argv[i + 1])
        del argv[i : i + 2]
    args = [int(a) for a in argv[:3]]
    asyncio.run(main(*(args + [100, 50, 20][len(args) :]), deliver))
