"""The optional daily backup (`[backup] dir`, `at`, `keep`) on the bot's JobQueue."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import ContextTypes

from chibo.handlers.common import App
from chibo.storage import backup as backup_store
from chibo.storage.db import DatabaseFault
from chibo.usecases.context import AppContext

log = logging.getLogger("chibo.backup")
BACKUP_JOB = "backup.daily"


async def schedule_backups(app: App) -> None:
    """Start-up hook: a daily backup when `[backup] dir` is set."""
    ctx: AppContext = app.bot_data["ctx"]
    settings = ctx.config.backup
    jq = app.job_queue
    if settings.dir is None or jq is None:
        return
    for job in jq.get_jobs_by_name(BACKUP_JOB):
        job.schedule_removal()
    jq.run_daily(
        backup_job,
        time=settings.at.replace(tzinfo=ctx.config.timezone),
        name=BACKUP_JOB,
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True},
    )


async def backup_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx: AppContext = context.application.bot_data["ctx"]
    settings = ctx.config.backup
    if settings.dir is None:
        return
    try:
        made = await asyncio.to_thread(
            backup_store.daily, ctx.db.path, settings.dir, ctx.today(), keep=settings.keep
        )
    except (backup_store.BackupError, OSError, DatabaseFault) as exc:
        log.error("daily backup into %s failed: %s", settings.dir, exc)
        return
    log.info("daily backup written and verified: %s", made.path)
