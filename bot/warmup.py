"""The officers' daily plan computed before anybody asks (issue 12).

At a province's size the day's first computation of `usecases.daily_plan` takes tens of
seconds (off the event loop). The start-up hook starts it in the background, without holding
up start-up, and a JobQueue job starts it again just after local midnight, when the day
changes; the day's first /status or /overdue is then answered from the warmed plan.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import time

from telegram.ext import ContextTypes

from chibo.handlers.common import App
from chibo.usecases import daily_plan
from chibo.usecases.context import AppContext

log = logging.getLogger("chibo.warmup")
PLAN_JOB = "plan.warm"
#: `bot_data` key of the running warm-up (awaited by the tests).
TASK_KEY = "plan.warming"
#: Local time of the nightly warm-up: just after the day changes.
AT = time(0, 0, 30)


async def warm_plan(app: App) -> None:
    """Start-up hook: warm today's plan in the background and every night after midnight."""
    ctx: AppContext = app.bot_data["ctx"]
    start(app, ctx)
    jq = app.job_queue
    if jq is None:
        return
    for job in jq.get_jobs_by_name(PLAN_JOB):
        job.schedule_removal()
    jq.run_daily(
        plan_job,
        time=AT.replace(tzinfo=ctx.config.timezone),
        name=PLAN_JOB,
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True},
    )


def start(app: App, ctx: AppContext) -> asyncio.Task[None]:
    """The warm-up as a task of its own (start-up runs before the Application's own task
    tracking starts; the shutdown hook cancels a warm-up still running)."""
    task = asyncio.get_running_loop().create_task(_warm(ctx), name=PLAN_JOB)
    app.bot_data[TASK_KEY] = task
    return task


async def stop_warming(app: App) -> None:
    """Shutdown hook: a warm-up still running is cancelled. Its computation runs in a worker
    thread (`usecases.offload`), which a cancel cannot interrupt: the process exits when that
    thread ends, at most the plan's own time (2.6 s at 100,000 members, docs/scale.md); the
    database is only read there, so nothing is left half-written."""
    task = app.bot_data.get(TASK_KEY)
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _warm(ctx: AppContext) -> None:
    try:
        p = await daily_plan.warm(ctx)
    except Exception:  # the first look computes it then; nothing else depends on this
        log.exception("warming the daily plan failed")
        return
    log.info("daily plan for %s warmed: %d cells", p.day.isoformat(), len(p.cells))


async def plan_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx: AppContext = context.application.bot_data["ctx"]
    await start(context.application, ctx)
