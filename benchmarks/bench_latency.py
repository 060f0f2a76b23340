"""Other users' reply times while heavy work runs, through the real Application (not a test).

    .venv/bin/python benchmarks/bench_latency.py [COMMUNES [CELLS_PER_COMMUNE [MEMBERS]]]

Builds the province of `bench_status.py` (default 100 communes × 50 cells × 20 members =
100,000 members; `20 50 20` is a quicker run) in a temporary SQLite file, runs the real chibo
Application (`bot.app.build_application`, every feature) against the local Bot API emulator
and, while
  * an officer of the province sends `/report 2026` (workbook + chart of every cell), and
  * a secretary uploads a 5,000-row roster file and presses "import",
lets `OTHERS` bound secretaries each send `/whoami` every `EVERY` seconds and times each reply
(from the user sending to the reply arriving). Both runs once with PTB's one-update-at-a-time
processing and once with chibo's per-user concurrent processing (`bot.updates`).

The rate limiter is off: the emulator has no flood limits, and the point is the bot's own
delay (with it on, 8 users × 20 messages a second would queue behind Telegram's 30 a second).
The emulator runs in the bot's process and loop, as the other users' side of the chat.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_roster_import import members as roster_rows  # noqa: E402
from bench_status import NOW, build  # noqa: E402

from chibo.bot.app import build_application, running  # noqa: E402
from chibo.bot.config import load_config  # noqa: E402
from chibo.botapi_emulator import BotApiEmulator, UserDriver  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.usecases import invites as invites_uc  # noqa: E402
from chibo.usecases import orgs as orgs_uc  # noqa: E402
from chibo.usecases import roster_io  # noqa: E402
from chibo.usecases.clock import FixedClock  # noqa: E402
from chibo.usecases.context import AppContext  # noqa: E402

OTHERS = 8
EVERY = 0.05
ROSTER_ROWS = 5000
TIMEOUT = 120.0


@dataclass
class Looks:
    samples: list[float] = field(default_factory=list)
    work_s: float = 0.0

    def p95(self) -> float:
        s = self.samples
        return statistics.quantiles(s, n=20)[-1] if len(s) >= 2 else max(s or [0.0])

    def line(self) -> str:
        return (
            f"p95 {self.p95() * 1000:6.0f} ms, max {max(self.samples or [0]) * 1000:6.0f} ms"
            f" ({len(self.samples)} replies; the work took {self.work_s:.1f} s)"
        )


class Run:
    """One Application against one emulator; users bound through /start with invite codes."""

    def __init__(self, ctx: AppContext, emu: BotApiEmulator, base_id: int) -> None:
        self.ctx, self.emu, self.next_id = ctx, emu, base_id

    async def bound(self, org_code: str, role: str) -> UserDriver:
        self.next_id += 1
        user = self.emu.user(self.next_id, f"Người dùng {self.next_id}", language_code="vi")
        invite = await invites_uc.create_invite(self.ctx, actor="cli", org_code=org_code, role=role)
        await user.send(f"/start {invite.code}")
        await user.next_reply(timeout=TIMEOUT)
        await self.emu.wait_idle(timeout=TIMEOUT)
        user.pending_replies()
        return user

    async def looks_while(self, others: list[UserDriver], work: asyncio.Task[None]) -> Looks:
        looks = Looks()
        started = time.perf_counter()

        async def look(user: UserDriver) -> None:
            while not work.done():
                t = time.perf_counter()
                await user.send("/whoami")
                await user.next_reply(timeout=TIMEOUT)
                looks.samples.append(time.perf_counter() - t)
                await asyncio.sleep(EVERY)

        await asyncio.gather(*(look(u) for u in others), work)
        looks.work_s = time.perf_counter() - started
        return looks


def roster_file(run_no: int) -> bytes:
    """A CSV of `ROSTER_ROWS` members whose card numbers no earlier run used."""
    rows = [
        replace(f, card_no=f"{20 + run_no:02d}.{i:06d}", cccd=None)
        for i, f in enumerate(roster_rows(ROSTER_ROWS))
    ]
    return roster_io.write_csv(rows)


async def measure(
    ctx: AppContext, *, concurrent: bool, run_no: int, cells: list[str]
) -> tuple[Looks, Looks]:
    async with BotApiEmulator(bot_username="chibo_bench_bot") as emu:
        app = build_application(
            ctx,
            token=emu.token,
            base_url=emu.base_url,
            base_file_url=emu.base_file_url,
            rate_limit=False,
            concurrent=concurrent,
        )
        untrack = emu.track_application(app)
        try:
            async with running(app, poll_timeout=30):
                run = Run(ctx, emu, 100_000 * (run_no + 1))
                others = [await run.bound(c, "secretary") for c in cells[:OTHERS]]
                officer = await run.bound("P", "officer")
                code = f"BENCH{run_no}"
                await orgs_uc.add_org(
                    ctx, actor="cli", code=code, name=f"Chi bộ đo {run_no}", parent_code="X000"
                )
                secretary = await run.bound(code, "secretary")
                await officer.send("/report 2026")  # first build of the day's plan, off the clock
                await officer.next_document(timeout=TIMEOUT)
                await officer.next_photo(timeout=TIMEOUT)

                async def report() -> None:
                    await officer.send("/report 2026")
                    await officer.next_document(timeout=TIMEOUT)
                    await officer.next_photo(timeout=TIMEOUT)

                during_report = await run.looks_while(others, asyncio.create_task(report()))

                data = await asyncio.to_thread(roster_file, run_no)  # the users' side

                async def import_roster() -> None:
                    await secretary.upload("danh-sach.csv", data)
                    checked = await secretary.next_reply(timeout=TIMEOUT)
                    assert "Thêm mới: 5" in checked.text, checked.text[:300]
                    await secretary.press(checked, "Nhập vào danh sách")
                    done = await secretary.next_edit(timeout=TIMEOUT)
                    assert done.text.startswith("Đã nhập tệp"), done.text[:300]

                during_import = await run.looks_while(others, asyncio.create_task(import_roster()))
                await emu.wait_idle(timeout=TIMEOUT)
        finally:
            untrack()
    return during_report, during_import


async def main(communes: int, cells: int, per_cell: int) -> dict[str, tuple[Looks, Looks]]:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"CHIBO_DB": str(Path(tmp) / "bench.sqlite3")})
        db = await Database.open(config.db_path)
        try:
            ctx = AppContext.build(db, FixedClock(NOW), config)
            t = time.perf_counter()
            n = await build(db, communes, cells, per_cell)
            print(f"Province: {n} members, built in {time.perf_counter() - t:.1f} s", flush=True)
            codes = [f"X{k:03d}C{c:02d}" for c in range(cells) for k in range(communes)]
            out = {}
            for run_no, concurrent in enumerate((False, True)):
                name = "per-user concurrent" if concurrent else "one update at a time"
                report, roster = await measure(ctx, concurrent=concurrent, run_no=run_no,
                                               cells=codes)  # fmt: skip
                out[name] = (report, roster)
                print(f"{name}:", flush=True)
                print(f"  {OTHERS} others' /whoami while the province report builds: "
                      f"{report.line()}   target p95 < 300 ms", flush=True)  # fmt: skip
                print(f"  {OTHERS} others' /whoami while a {ROSTER_ROWS}-row roster is imported: "
                      f"{roster.line()}   target p95 < 300 ms", flush=True)  # fmt: skip
            return out
        finally:
            await db.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:4]]
    asyncio.run(main(*(args + [100, 50, 20][len(args) :])))
