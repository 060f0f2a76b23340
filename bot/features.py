"""Every feature in one place: its handler module, its CLI commands, its start-up hooks.

A new feature adds its module here; nothing else in `bot/` needs to change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from handlers import basics, groups

#: Handler modules, each with `register(app)`, in registration order (groups guard first).
HANDLER_MODULES: list[ModuleType] = [groups, basics]

#: CLI modules, each with `add_commands(subparsers)`.
CLI_MODULES: list[ModuleType] = []

#: Start-up hooks, `async fn(app)`, run after the bot has logged in (e.g. scheduling sweeps).
STARTUP_HOOKS: list[Callable[[Any], Awaitable[None]]] = []

#: Demo data, `async fn(ctx)`, run by `chibo demo` after the demo tree and users exist.
DEMO_SEEDERS: list[Callable[[Any], Awaitable[None]]] = []
