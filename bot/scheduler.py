"""Reminder sweeps on PTB's JobQueue: daily at `[reminders] daily_at`, once after start.

There are no per-reminder jobs: a sweep recomputes everything due from the database
(`usecases.reminders.sweep`), so the schedule survives restarts by construction.

- daily: at `daily_at` in the configured time zone (a sweep missed by up to an hour, e.g. a
  suspended machine, still runs once);
- catch-up: `CATCH_UP_DELAY` after start, when today's sweep time has already passed (the
  process may have been down then), also late in the evening unless `[reminders]
  quiet_from` is set; the rules give one step per chain, so it sends one reminder per chain
  however long the downtime was;
- retry: after a sweep with transient failures or with claims held by another sweep, one more
  sweep once those claims can be taken over, at most `MAX_RETRY_SWEEPS` in a row.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import ContextTypes

from chibo.bot.channels import notifier_for
from chibo.handlers.common import App
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.context import AppContext

log = logging.getLogger("chibo.reminders")

DAILY_JOB = "reminders.daily"
CATCH_UP_JOB = "reminders.catch_up"
RETRY_JOB = "reminders.retry"
CATCH_UP_DELAY = timedelta(seconds=30)
RETRY_DELAY = reminders_uc.STALE_CLAIM + timedelta(minutes=1)
MAX_RETRY_SWEEPS = 3
MISFIRE_GRACE = timedelta(hours=1)


def catch_up_due(ctx: AppContext) -> bool:
    """True when today's sweep time has passed (so a down process may have missed it): a
    restart at 22:00 still sends the day's reminders. With `[reminders] quiet_from` set, a
    bot restarted after that time waits for tomorrow's sweep instead."""
    local = ctx.now().astimezone(ctx.config.timezone).time()
    if local < ctx.config.daily_at.replace(tzinfo=None):
        return False
    quiet = ctx.config.quiet_from
    return quiet is None or local < quiet


async def schedule_reminders(app: App) -> None:
    """Start-up hook: register the daily sweep and, if due, the catch-up sweep."""
    jq = app.job_queue
    if jq is None:
        log.warning("no job queue (install python-telegram-bot[job-queue]): no reminders")
        return
    ctx: AppContext = app.bot_data["ctx"]
    for name in (DAILY_JOB, CATCH_UP_JOB, RETRY_JOB):
        for job in jq.get_jobs_by_name(name):
            job.schedule_removal()
    at = ctx.config.daily_at.replace(tzinfo=ctx.config.timezone)
    jq.run_daily(
        sweep_job,
        time=at,
        name=DAILY_JOB,
        data={"retries": 0},
        job_kwargs={"misfire_grace_time": int(MISFIRE_GRACE.total_seconds()), "coalesce": True},
    )
    if catch_up_due(ctx):
        jq.run_once(sweep_job, when=CATCH_UP_DELAY, name=CATCH_UP_JOB, data={"retries": 0})


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One sweep through each user's reminder channel; schedules a retry sweep when one
    would help."""
    ctx: AppContext = context.application.bot_data["ctx"]
    notifier = notifier_for(context.application)
    report = await reminders_uc.sweep(ctx, notifier)
    data = context.job.data if context.job is not None else None
    retries = int(data.get("retries", 0)) if isinstance(data, dict) else 0
    if report.needs_follow_up and retries < MAX_RETRY_SWEEPS and context.job_queue:
        context.job_queue.run_once(
            sweep_job, when=RETRY_DELAY, name=RETRY_JOB, data={"retries": retries + 1}
        )
        log.info("reminders: a retry sweep in %s", RETRY_DELAY)
