"""Other users' reply times while heavy work runs, through the real Application (not a test).

    .venv/bin/python benchmarks/bench_latency.py [COMMUNES [CELLS_PER_COMMUNE [MEMBERS]]]
        [--in-process] [--explain]

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
The emulator and the users run in a process of their own (spawned; the bot reaches the
emulator on 127.0.0.1 by `base_url`), as Telegram's side does in production;
`--in-process` runs them in the bot's process and event loop instead. Each figure says which.
`--explain` prints, for each measured window, where the bot's time went: reads waiting for
their connection, write transactions holding the writer, the event loop's lateness (GIL and
CPU), the worker threads' Python and the longest reads.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_roster_import import members as roster_rows  # noqa: E402
from bench_status import NOW, build  # noqa: E402
from telegram.ext import Application  # noqa: E402

from chibo.bot.app import build_application, running  # noqa: E402
from chibo.bot.config import load_config  # noqa: E402
from chibo.botapi_emulator import BotApiEmulator, UserDriver  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.usecases import invites as invites_uc  # noqa: E402
from chibo.usecases import orgs as orgs_uc  # noqa: E402
from chibo.usecases import roster as roster_uc  # noqa: E402
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
    window: tuple[float, float] = (0.0, 0.0)  # wall clock (time.time), the same in both processes

    def p95(self) -> float:
        s = self.samples
        return statistics.quantiles(s, n=20)[-1] if len(s) >= 2 else max(s or [0.0])

    def line(self) -> str:
        return (
            f"p95 {self.p95() * 1000:6.0f} ms, max {max(self.samples or [0]) * 1000:6.0f} ms"
            f" ({len(self.samples)} replies; the work took {self.work_s:.1f} s)"
        )


def _q(values: list[float], p: int) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100)[p - 1] if len(values) >= 2 else values[0]


class Explain:
    """Where the time goes, on the bot's side (`--explain`): how long each `Database.read()`
    waited for its connection, how long each write transaction held it, how late the event
    loop woke (GIL and CPU: the loop's own work and worker threads'), and when the import's
    pure-Python steps ran in worker threads."""

    def __init__(self) -> None:
        self.reads: list[tuple[float, float]] = []  # (asked at, waited s)
        self.writes: list[tuple[float, float]] = []  # (asked at, held s)
        self.lags: list[tuple[float, float]] = []  # (at, late s)
        self.threads: list[tuple[str, float, float]] = []  # (what, start, s)
        self.held: list[tuple[float, float, str]] = []  # reads: (asked at, held s, by)
        self._ticker: asyncio.Task[None] | None = None

    def install(self) -> None:
        me = self
        read, transaction = Database.read, Database.transaction

        @asynccontextmanager
        async def timed_read(db: Database, *a: Any, **k: Any) -> AsyncIterator[Any]:
            t = time.time()
            async with read(db, *a, **k) as tx:
                got = time.time()
                me.reads.append((t, got - t))
                yield tx
            me.held.append((t, time.time() - got, _caller()))

        @asynccontextmanager
        async def timed_transaction(db: Database) -> AsyncIterator[Any]:
            t = time.time()
            async with transaction(db) as tx:
                held = time.time()
                yield tx
            me.writes.append((t, time.time() - held))

        Database.read = timed_read  # type: ignore[method-assign]
        Database.transaction = timed_transaction  # type: ignore[method-assign]
        for module, name in ((roster_uc, "_plan"), (roster_io, "parse_file")):
            fn = getattr(module, name)

            def timed(*a: Any, _fn: Any = fn, _name: str = name, **k: Any) -> Any:
                t = time.time()
                try:
                    return _fn(*a, **k)
                finally:
                    me.threads.append((_name, t, time.time() - t))

            setattr(module, name, timed)

    async def tick(self) -> None:
        while True:
            t = time.time()
            await asyncio.sleep(0.002)
            self.lags.append((t, max(time.time() - t - 0.002, 0.0)))

    def start(self) -> None:
        self._ticker = asyncio.get_running_loop().create_task(self.tick())

    def lines(self, name: str, looks: Looks) -> list[str]:
        a, b = looks.window

        def within(rows: list[tuple[float, float]]) -> list[float]:
            return [v for t, v in rows if a <= t <= b]

        reads, writes, lags = within(self.reads), within(self.writes), within(self.lags)
        threads = [f"{n} {s * 1000:.0f} ms" for n, t, s in self.threads if a <= t <= b]
        longest = sorted(((s, n) for t, s, n in self.held if a <= t <= b), reverse=True)[:4]
        ms = 1000
        return [
            f"    [{name}] reads waiting for the connection: p95 {_q(reads, 95) * ms:.0f} ms,"
            f" max {max(reads or [0]) * ms:.0f} ms ({len(reads)} reads)",
            f"    [{name}] write transactions holding it: longest {max(writes or [0]) * ms:.0f}"
            f" ms, total {sum(writes) * ms:.0f} ms ({len(writes)})",
            f"    [{name}] event loop late (GIL/CPU): p95 {_q(lags, 95) * ms:.0f} ms,"
            f" max {max(lags or [0]) * ms:.0f} ms, total {sum(lags) * ms:.0f} ms"
            f" of {(b - a) * ms:.0f} ms",
            f"    [{name}] worker-thread Python: {', '.join(threads) or '-'}",
            f"    [{name}] longest reads: "
            + ", ".join(f"{n} {s * 1000:.0f} ms" for s, n in longest),
        ]


EXPLAIN: Explain | None = None


def _caller() -> str:
    """The innermost chibo use-case function on the stack (who read)."""
    frame = sys._getframe(2)
    while frame is not None:
        if "/usecases/" in frame.f_code.co_filename:
            return frame.f_code.co_name
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


class Users:
    """The users' side: one emulator, users bound through /start with invite codes."""

    def __init__(self, emu: BotApiEmulator, base_id: int) -> None:
        self.emu, self.next_id = emu, base_id

    async def bound(self, code: str) -> UserDriver:
        self.next_id += 1
        user = self.emu.user(self.next_id, f"Người dùng {self.next_id}", language_code="vi")
        await user.send(f"/start {code}")
        await user.next_reply(timeout=TIMEOUT)
        # Everything /start sends has arrived once /whoami's answer (with the user's id) has:
        # one user's updates are handled in order (no idle hook across processes).
        await user.send("/whoami")
        while str(user.user_id) not in ((await user.next_reply(timeout=TIMEOUT)).text or ""):
            pass
        await self.emu.wait_idle(timeout=TIMEOUT)
        user.pending_replies()
        return user

    async def looks_while(self, others: list[UserDriver], work: asyncio.Task[None]) -> Looks:
        looks = Looks()
        started, wall = time.perf_counter(), time.time()

        async def look(user: UserDriver) -> None:
            while not work.done():
                t = time.perf_counter()
                await user.send("/whoami")
                await user.next_reply(timeout=TIMEOUT)
                looks.samples.append(time.perf_counter() - t)
                await asyncio.sleep(EVERY)

        await asyncio.gather(*(look(u) for u in others), work)
        looks.work_s = time.perf_counter() - started
        looks.window = (wall, time.time())
        return looks


def roster_file(run_no: int) -> bytes:
    """A CSV of `ROSTER_ROWS` members whose card numbers no earlier run used."""
    rows = [
        replace(f, card_no=f"{20 + run_no:02d}.{i:06d}", cccd=None)
        for i, f in enumerate(roster_rows(ROSTER_ROWS))
    ]
    return roster_io.write_csv(rows)


@dataclass(frozen=True)
class Codes:
    """Invite codes made on the bot's side: the others (secretaries), the officer, the
    secretary who imports."""

    others: list[str]
    officer: str
    secretary: str


async def drive(emu: BotApiEmulator, codes: Codes, run_no: int) -> tuple[Looks, Looks]:
    """Everything the users do, on the emulator's side; the bot runs against `emu`."""
    users = Users(emu, 100_000 * (run_no + 1))
    others = [await users.bound(c) for c in codes.others]
    officer = await users.bound(codes.officer)
    secretary = await users.bound(codes.secretary)
    await officer.send("/report 2026")  # first build of the day's plan, off the clock
    await officer.next_document(timeout=TIMEOUT)
    await officer.next_photo(timeout=TIMEOUT)

    async def report() -> None:
        await officer.send("/report 2026")
        await officer.next_document(timeout=TIMEOUT)
        await officer.next_photo(timeout=TIMEOUT)

    during_report = await users.looks_while(others, asyncio.create_task(report()))

    data = await asyncio.to_thread(roster_file, run_no)  # the users' side

    async def import_roster() -> None:
        await secretary.upload("danh-sach.csv", data)
        checked = await secretary.next_reply(timeout=TIMEOUT)
        assert "Thêm mới: 5" in checked.text, checked.text[:300]
        await secretary.press(checked, "Nhập vào danh sách")
        done = await secretary.next_edit(timeout=TIMEOUT)
        assert done.text.startswith("Đã nhập tệp"), done.text[:300]

    during_import = await users.looks_while(others, asyncio.create_task(import_roster()))
    await emu.wait_idle(timeout=TIMEOUT)
    return during_report, during_import


async def _users_process_main(conn: Connection, codes: Codes, run_no: int) -> None:
    async with BotApiEmulator(bot_username="chibo_bench_bot") as emu:
        conn.send((emu.token, emu.base_url, emu.base_file_url))
        await asyncio.to_thread(conn.recv)  # the bot is polling
        report, roster = await drive(emu, codes, run_no)
        conn.send((report, roster))
        await asyncio.to_thread(conn.recv)  # the bot has stopped polling


def users_process(conn: Connection, codes: Codes, run_no: int) -> None:
    """The emulator and the users in a process of their own (as Telegram is, in production)."""
    sys.setswitchinterval(0.001)  # as the bot's process: the emulator's own threads
    asyncio.run(_users_process_main(conn, codes, run_no))


async def make_codes(ctx: AppContext, run_no: int, cells: list[str]) -> Codes:
    async def code(org_code: str, role: str) -> str:
        invite = await invites_uc.create_invite(ctx, actor="cli", org_code=org_code, role=role)
        return invite.code

    others = [await code(c, "secretary") for c in cells[:OTHERS]]
    officer = await code("P", "officer")
    org = f"BENCH{run_no}"
    await orgs_uc.add_org(
        ctx, actor="cli", code=org, name=f"Chi bộ đo {run_no}", parent_code="X000"
    )
    return Codes(others, officer, await code(org, "secretary"))


#: How the emulator and the users run beside the bot.
MODES = {
    "separate": "emulator and users in another process",
    "in-process": "emulator and users in the bot's process and loop",
}


async def measure(
    ctx: AppContext, *, concurrent: bool, run_no: int, cells: list[str], separate: bool = True
) -> tuple[Looks, Looks]:
    """Times others' replies while the report builds and while a roster is imported.
    `separate` (the default) runs the emulator and the users in a process of their own:
    in production Telegram's side does not share the bot's CPU and GIL."""
    codes = await make_codes(ctx, run_no, cells)

    def app_for(token: str, base_url: str, base_file_url: str) -> Application:  # type: ignore[type-arg]
        return build_application(
            ctx,
            token=token,
            base_url=base_url,
            base_file_url=base_file_url,
            rate_limit=False,
            concurrent=concurrent,
        )

    if not separate:
        async with BotApiEmulator(bot_username="chibo_bench_bot") as emu:
            app = app_for(emu.token, emu.base_url, emu.base_file_url)
            untrack = emu.track_application(app)
            try:
                async with running(app, poll_timeout=30):
                    return await drive(emu, codes, run_no)
            finally:
                untrack()
    mp = multiprocessing.get_context("spawn")
    here, there = mp.Pipe()
    child = mp.Process(target=users_process, args=(there, codes, run_no), daemon=True)
    child.start()
    try:
        token, base_url, base_file_url = await asyncio.to_thread(here.recv)
        async with running(app_for(token, base_url, base_file_url), poll_timeout=30):
            here.send("go")
            while not await asyncio.to_thread(here.poll, 0.5):
                if not child.is_alive():
                    raise RuntimeError(f"the users' process ended: exit code {child.exitcode}")
            report, roster = here.recv()
        here.send("stopped")
        return report, roster
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


async def main(
    communes: int, cells: int, per_cell: int, *, separate: bool = True, explain: bool = False
) -> dict[str, tuple[Looks, Looks]]:
    global EXPLAIN
    if explain:
        EXPLAIN = Explain()
        EXPLAIN.install()
        EXPLAIN.start()
    mode = "separate" if separate else "in-process"
    print(f"Mode: {mode} ({MODES[mode]})", flush=True)
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
                                               cells=codes, separate=separate)  # fmt: skip
                out[name] = (report, roster)
                print(f"{name}:", flush=True)
                print(f"  {OTHERS} others' /whoami while the province report builds: "
                      f"{report.line()}   target p95 < 300 ms [{mode}]", flush=True)  # fmt: skip
                if EXPLAIN:
                    print("\n".join(EXPLAIN.lines("report", report)), flush=True)
                print(f"  {OTHERS} others' /whoami while a {ROSTER_ROWS}-row roster is imported: "
                      f"{roster.line()}   target p95 < 300 ms [{mode}]", flush=True)  # fmt: skip
                if EXPLAIN:
                    print("\n".join(EXPLAIN.lines("import", roster)), flush=True)
            return out
        finally:
            await db.close()


if __name__ == "__main__":
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    args = [int(a) for a in sys.argv[1:] if not a.startswith("--")][:3]
    asyncio.run(
        main(
            *(args + [100, 50, 20][len(args) :]),
            separate="--in-process" not in flags,
            explain="--explain" in flags,
        )
    )
