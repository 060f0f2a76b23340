"""Every feature in one place: its handler module, its CLI commands, its start-up hooks.

A new feature adds its module here; nothing else in `bot/` needs to change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from chibo.bot import (
    backups,
    cli_backup,
    cli_books,
    cli_candidates,
    cli_dues,
    cli_evaluation,
    cli_lifecycle,
    cli_meetings,
    cli_officer,
    cli_paperwork,
    cli_reminders,
    cli_roster,
    cli_rules,
    demo_data,
    scheduler,
    warmup,
)
from chibo.handlers import badges as badge_handlers
from chibo.handlers import basics, channels, groups
from chibo.handlers import candidates as candidate_handlers
from chibo.handlers import dues as dues_handlers
from chibo.handlers import evaluation as evaluation_handlers
from chibo.handlers import lifecycle as lifecycle_handlers
from chibo.handlers import meetings as meeting_handlers
from chibo.handlers import notices as notice_handlers
from chibo.handlers import officer as officer_handlers
from chibo.handlers import paperwork as paperwork_handlers
from chibo.handlers import probation as probation_handlers
from chibo.handlers import reconciliation as reconciliation_handlers
from chibo.handlers import reminders as reminder_handlers
from chibo.handlers import roster as roster_handlers

#: Handler modules, each with `register(app)`, in registration order (groups guard first).
HANDLER_MODULES: list[ModuleType] = [
    groups,
    basics,
    reminder_handlers,
    meeting_handlers,
    roster_handlers,
    probation_handlers,
    lifecycle_handlers,
    candidate_handlers,
    reconciliation_handlers,
    officer_handlers,
    evaluation_handlers,
    paperwork_handlers,
    notice_handlers,
    dues_handlers,
    badge_handlers,
    channels,
]

#: CLI modules, each with `add_commands(subparsers)`.
CLI_MODULES: list[ModuleType] = [
    cli_reminders,
    cli_meetings,
    cli_paperwork,
    cli_roster,
    cli_books,
    cli_officer,
    cli_candidates,
    cli_rules,
    cli_backup,
    cli_lifecycle,
    cli_dues,
    cli_evaluation,
]

#: Start-up hooks, `async fn(app)`, run after the bot has logged in (e.g. scheduling sweeps).
STARTUP_HOOKS: list[Callable[[Any], Awaitable[None]]] = [
    scheduler.schedule_reminders,
    backups.schedule_backups,
    warmup.warm_plan,
]

#: Shutdown hooks, `async fn(app)`, run after the Application has shut down.
SHUTDOWN_HOOKS: list[Callable[[Any], Awaitable[None]]] = [warmup.stop_warming]

#: Demo data, `async fn(ctx)`, run by `chibo demo` after the demo tree and users exist.
DEMO_SEEDERS: list[Callable[[Any], Awaitable[None]]] = [
    demo_data.seed_roster,
    demo_data.seed_meetings,
    demo_data.seed_lifecycle,
    demo_data.seed_evaluation,
    demo_data.seed_dues,
    demo_data.seed_newcomers,
]
