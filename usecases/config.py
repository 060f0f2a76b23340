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
class ZaloConfig:
    """`[zalo]`: the second messenger, on when `token` is set. `base_url` is the API root
    (the platform's by default; tests and proxies point it elsewhere). `mode` is "polling" or
    "webhook"; a webhook listens on `listen`:`port` at `webhook_path`, is registered as
    `webhook_url` and refuses calls without `webhook_secret`."""

    token: str = ""
    base_url: str = ""
    mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_path: str = "/zalo"
    listen: str = "127.0.0.1"
    port: int = 8444


@dataclass(frozen=True)
class WebhookConfig:
    """`[telegram] mode = "webhook"`: Telegram posts updates to `webhook_url` (behind a reverse
    proxy that forwards to `listen`:`port`), each with `webhook_secret` in its header."""

    mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443


@dataclass(frozen=True)
class WebConfig:
    """`[web]`: the bot's own small web endpoint for files on Zalo (short-lived download and
    upload links), on when `public_url` is set. It listens on `listen`:`port` behind a reverse
    proxy that forwards `public_url`'s `/files/` and `/upload/` to it; a link lives
    `link_minutes`."""

    public_url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8445
    link_minutes: int = 15

    @property
    def enabled(self) -> bool:
        return bool(self.public_url)


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
    zalo: ZaloConfig = field(default_factory=ZaloConfig)
    telegram_webhook: WebhookConfig = field(default_factory=WebhookConfig)
    web: WebConfig = field(default_factory=WebConfig)
    #: Log whole updates (what users typed, names) with errors: for debugging only.
    debug_updates: bool = False
