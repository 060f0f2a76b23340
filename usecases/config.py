"""The settings the bot runs with, as plain values (loaded by `bot.config.load_config`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    base_url: str = ""
    base_file_url: str = ""
    username: str = ""


@dataclass(frozen=True)
class BackupConfig:
    """`[backup]`: a daily online backup into `dir` at `at` (local), keeping the newest
    `keep` copies; off when `dir` is empty."""

    dir: Path | None = None
    at: time = time(2, 30)
    keep: int = 7


@dataclass(frozen=True)
class Config:
    telegram: TelegramConfig
    db_path: Path
    timezone: ZoneInfo
    daily_at: time
    default_locale: str
    conversation_timeout: timedelta
    invite_default_expiry: timedelta
    invite_max_failures: int
    meeting_remind_day: int
    rating_levels: tuple[str, ...]
    calendar: dict[str, Any] = field(default_factory=dict)
    rule_overrides: dict[str, Any] = field(default_factory=dict)
    source: str = "default"
    #: Local time from which a restarted bot does not catch up the day's reminders (None: never).
    quiet_from: time | None = None
    backup: BackupConfig = field(default_factory=BackupConfig)
    #: Log whole updates (what users typed, names) with errors: for debugging only.
    debug_updates: bool = False
