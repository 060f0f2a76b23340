"""CPU per everyday update: chibo against a bare PTB echo bot on the same emulator (not a test).

    .venv/bin/python benchmarks/bench_update_cpu.py [UPDATES] [--profile FILE]

Each bot runs under `bot.app.running` against `botapi_emulator` in this process; a bound
secretary sends UPDATES messages in turn (/whoami, /help, /menu for chibo; the same texts to
the echo bot, which replies with a copy), one at a time, each waiting for its reply. The
figure is the process's CPU time per update (emulator included: the same work for both bots),
and the ratio chibo / echo; target ≤ 1.5×.

The comparison is fair: the echo bot is built with the same `AIORateLimiter` (same rate and
retries) and the same HTTP request settings as chibo's `bot.app.build_application`, so the
ratio is chibo's own per-update work (its handlers, access checks, database, translations,
keyboards), not PTB's rate limiter, which both pay.
"""

from __future__ import annotations

import asyncio
import cProfile
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    AIORateLimiter,
    Application,
    ContextTypes,
    MessageHandler,
    filters,
)

from chibo.bot.app import OVERALL_MAX_RATE, build_application, running  # noqa: E402
from chibo.bot.config import load_config  # noqa: E402
from chibo.botapi_emulator import BotApiEmulator, UserDriver  # noqa: E402
from chibo.storage.db import Database  # noqa: E402
from chibo.usecases import invites as invites_uc  # noqa: E402
from chibo.usecases.clock import FixedClock  # noqa: E402
from chibo.usecases.context import AppContext  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from tests.conftest import DEFAULT_NOW  # noqa: E402
from tests.usecases.helpers import demo_tree  # noqa: E402

TEXTS = ("/whoami", "/help", "/menu")


async def drive(user: UserDriver, n: int, profile: cProfile.Profile | None) -> float:
    for text in TEXTS:  # warm-up: imports, caches, first translations
        await user.send(text)
        await user.next_reply()
    if profile:
        profile.enable()
    c = time.process_time()
    for i in range(n):
        await user.send(TEXTS[i % len(TEXTS)])
        await user.next_reply()
    used = time.process_time() - c
    if profile:
        profile.disable()
    return used / n


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def bare(n: int) -> float:
    async with BotApiEmulator(bot_username="echo_bot") as emu:
        app = (
            Application.builder()
            .token(emu.token)
            .base_url(emu.base_url)
            .base_file_url(emu.base_file_url)
            # the same limiter as chibo's (bot.app.build_application): a fair comparison
            .rate_limiter(AIORateLimiter(overall_max_rate=OVERALL_MAX_RATE, max_retries=3))
            .build()
        )
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with running(app, poll_timeout=30):
            return await drive(emu.user(1001, "Lan", language_code="vi"), n, None)


async def chibo(n: int, profile: cProfile.Profile | None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"CHIBO_DB": str(Path(tmp) / "bench.sqlite3")})
        db = await Database.open(config.db_path)
        ctx = AppContext.build(db, FixedClock(DEFAULT_NOW), config)
        await demo_tree(ctx)
        async with BotApiEmulator(bot_username="chibo_bench_bot") as emu:
            app = build_application(
                ctx, token=emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url
            )
            async with running(app, poll_timeout=30):
                user = emu.user(1001, "Lan", language_code="vi")
                code = (
                    await invites_uc.create_invite(
                        ctx, actor="cli", org_code="C1", role="secretary"
                    )
                ).code
                await user.send(f"/start {code}")
                await user.next_reply()
                await emu.wait_idle()
                user.pending_replies()
                per = await drive(user, n, profile)
        await db.close()
        return per


def main() -> None:
    args = sys.argv[1:]
    out = None
    if "--profile" in args:
        out = args[args.index("--profile") + 1]
        args = args[: args.index("--profile")]
    n = int(args[0]) if args else 300
    profile = cProfile.Profile() if out else None
    echo_cpu = asyncio.run(bare(n))
    chibo_cpu = asyncio.run(chibo(n, profile))
    print(f"  bare PTB echo bot, CPU per update      {echo_cpu * 1000:6.2f} ms")
    print(f"  chibo /whoami /help /menu, per update  {chibo_cpu * 1000:6.2f} ms")
    print(f"  ratio {chibo_cpu / echo_cpu:.2f}×   target ≤ 1.5×")
    if profile and out:
        profile.dump_stats(out)


if __name__ == "__main__":
    main()
