"""Loading the configuration (the `Config` values are `usecases.config`): the embedded default
`config.toml`, an optional user file, environment overrides.

Precedence (later wins): embedded default → `--config PATH` or `CHIBO_CONFIG` → environment
(`CHIBO_TELEGRAM_TOKEN`, `CHIBO_TELEGRAM_BASE_URL`, `CHIBO_DB`, `CHIBO_ZALO_TOKEN`,
`CHIBO_ZALO_BASE_URL`, `CHIBO_WEB_PUBLIC_URL`).
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.messages import N_, Msg
from chibo.usecases.config import BackupConfig as BackupConfig
from chibo.usecases.config import Config as Config
from chibo.usecases.config import TelegramConfig as TelegramConfig
from chibo.usecases.config import WebConfig as WebConfig
from chibo.usecases.config import WebhookConfig as WebhookConfig
from chibo.usecases.config import ZaloConfig as ZaloConfig
from chibo.usecases.i18n import LOCALES
from chibo.usecases.resources import resource_path

SUPPORTED_LOCALES = LOCALES


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the file.

    `msg` is translatable (the CLI prints it in `locale`: the file's `[i18n] default_locale`
    when that much could be read, else the default); `str()` is the English text.
    """

    def __init__(self, key: str, /, **params: Any) -> None:
        self.msg = Msg(key, params)
        self.locale: str | None = None
        super().__init__(key.format(**params))


_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")


def parse_duration(text: str) -> timedelta:
    """`7d`, `12h`, `30m` → timedelta. Raises ValueError with what was expected."""
    m = _DURATION.match(text or "")
    if not m:
        raise ValueError(f"expected a duration like 7d, 12h or 30m, got {text!r}")
    n, unit = int(m.group(1)), m.group(2)
    if n <= 0:
        raise ValueError(f"a duration must be positive, got {text!r}")
    return {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}[unit]


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(N_("config file not found: {path}"), path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(N_("{path}: not valid TOML: {error}"), path=path, error=exc) from exc


class _Reader:
    """Typed access to the merged dict, with errors naming `section.key`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, section: str, key: str, kind: type, default: Any = None) -> Any:
        sect = self.data.get(section, {})
        if not isinstance(sect, dict):
            raise ConfigError(N_("[{section}] must be a table"), section=section)
        value = sect.get(key, default)
        if kind is int and isinstance(value, bool):
            raise ConfigError(
                N_("{key}: expected a whole number, got {value}"),
                key=f"{section}.{key}",
                value=repr(value),
            )
        if not isinstance(value, kind):
            raise ConfigError(
                N_("{key}: expected {kind}, got {type} {value}"),
                key=f"{section}.{key}",
                kind=kind.__name__,
                type=type(value).__name__,
                value=repr(value),
            )
        return value


def load_config(
    path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None
) -> Config:
    """Load the configuration; `path` wins over CHIBO_CONFIG. Raises ConfigError."""
    env = dict(os.environ) if env is None else env
    data = _read_toml(resource_path("config.toml"))
    source = "default"
    chosen = path or env.get("CHIBO_CONFIG")
    if chosen:
        data = _deep_merge(data, _read_toml(Path(chosen)))
        source = str(chosen)
    try:
        return _parse(data, env, source)
    except ConfigError as exc:
        exc.locale = _locale_hint(data)
        raise


def _locale_hint(data: dict[str, Any]) -> str | None:
    """The configured language, if the file got that far: for the error message itself."""
    section = data.get("i18n")
    locale = section.get("default_locale") if isinstance(section, dict) else None
    return locale if locale in SUPPORTED_LOCALES else None


def _parse(data: dict[str, Any], env: dict[str, str], source: str) -> Config:
    r = _Reader(data)
    tg = TelegramConfig(
        token=env.get("CHIBO_TELEGRAM_TOKEN") or r.get("telegram", "token", str, ""),
        base_url=env.get("CHIBO_TELEGRAM_BASE_URL") or r.get("telegram", "base_url", str, ""),
        base_file_url=r.get("telegram", "base_file_url", str, ""),
        username=r.get("telegram", "username", str, "").lstrip("@"),
    )
    db_path = Path(env.get("CHIBO_DB") or r.get("storage", "path", str))
    tz_name = r.get("time", "timezone", str)
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            N_("time.timezone: unknown time zone {value}"), value=repr(tz_name)
        ) from exc
    daily = r.get("reminders", "daily_at", str)
    try:
        daily_at = time.fromisoformat(daily)
    except ValueError as exc:
        raise ConfigError(
            N_("reminders.daily_at: expected HH:MM, got {value}"), value=repr(daily)
        ) from exc
    quiet_text = r.get("reminders", "quiet_from", str, "")
    try:
        quiet_from = time.fromisoformat(quiet_text) if quiet_text else None
    except ValueError as exc:
        raise ConfigError(
            N_("reminders.quiet_from: expected HH:MM or nothing, got {value}"),
            value=repr(quiet_text),
        ) from exc
    backup = _backup(r)
    locale = r.get("i18n", "default_locale", str)
    if locale not in SUPPORTED_LOCALES:
        raise ConfigError(
            N_("i18n.default_locale: expected one of {choices}, got {value}"),
            choices=", ".join(SUPPORTED_LOCALES),
            value=repr(locale),
        )
    timeout = r.get("conversation", "timeout_minutes", int, 30)
    if timeout <= 0:
        raise ConfigError(N_("{key}: must be positive"), key="conversation.timeout_minutes")
    try:
        expiry = parse_duration(r.get("invites", "default_expiry", str, "7d"))
    except ValueError as exc:
        raise ConfigError(
            N_("invites.default_expiry: expected a duration like 7d, 12h or 30m, got {value}"),
            value=repr(r.get("invites", "default_expiry", str, "7d")),
        ) from exc
    max_fail = r.get("invites", "max_failures_per_hour", int, 5)
    if max_fail <= 0:
        raise ConfigError(N_("{key}: must be positive"), key="invites.max_failures_per_hour")
    remind_day = r.get("meetings", "remind_day", int, 25)
    if not 1 <= remind_day <= 28:
        raise ConfigError(N_("meetings.remind_day: expected a day from 1 to 28"))
    levels = r.get("meetings", "rating_levels", list)
    if not levels or not all(isinstance(x, str) and x.strip() for x in levels):
        raise ConfigError(N_("meetings.rating_levels: expected a non-empty list of names"))
    calendar = data.get("calendar", {})
    if not isinstance(calendar, dict):
        raise ConfigError(N_("[{section}] must be a table"), section="calendar")
    overrides = data.get("rules", {})
    if not isinstance(overrides, dict):
        raise ConfigError(N_("[{section}] must be a table"), section="rules")
    _check_rules(overrides)
    zalo, telegram_webhook, web = _zalo(r, env), _telegram_webhook(r, env), _web(r, env)
    _check_servers(zalo, telegram_webhook, web)
    return Config(
        telegram=tg,
        db_path=db_path,
        timezone=tz,
        daily_at=daily_at,
        default_locale=locale,
        conversation_timeout=timedelta(minutes=timeout),
        invite_default_expiry=expiry,
        invite_max_failures=max_fail,
        meeting_remind_day=remind_day,
        rating_levels=tuple(s.strip() for s in levels),
        calendar=calendar,
        rule_overrides=overrides,
        source=source,
        quiet_from=quiet_from,
        backup=backup,
        debug_updates=r.get("logging", "debug_updates", bool, False),
        zalo=zalo,
        telegram_webhook=telegram_webhook,
        web=web,
    )


def _mode(r: _Reader, section: str) -> str:
    mode = r.get(section, "mode", str, "polling")
    if mode not in ("polling", "webhook"):
        raise ConfigError(
            N_("{key}: expected polling or webhook, got {value}"),
            key=f"{section}.mode",
            value=repr(mode),
        )
    return str(mode)


#: What both platforms accept as a webhook's secret token (Telegram: A-Z, a-z, 0-9, _ and -).
_SECRET = re.compile(r"^[A-Za-z0-9_-]{8,256}$")


def _webhook_check(section: str, mode: str, url: str, secret: str) -> None:
    if mode != "webhook":
        return
    if not url.startswith("https://"):
        raise ConfigError(N_("{key}: expected an https:// URL"), key=f"{section}.webhook_url")
    if not _SECRET.match(secret):
        raise ConfigError(
            N_("{key}: expected 8 to 256 letters, digits, - or _"),
            key=f"{section}.webhook_secret",
        )


def _port(r: _Reader, section: str, default: int) -> int:
    port = r.get(section, "port", int, default)
    if not 0 < port < 65536:
        raise ConfigError(
            N_("{key}: expected a port number from 1 to 65535"), key=f"{section}.port"
        )
    return int(port)


def _check_servers(zalo: ZaloConfig, telegram: WebhookConfig, web: WebConfig) -> None:
    """No two servers of the process on one address, but the Zalo webhook's and the file
    links', which share one server when they are given the same address."""
    servers = []
    if telegram.mode == "webhook":
        servers.append(("telegram.port", (telegram.listen, telegram.port)))
    if zalo.token and zalo.mode == "webhook":
        servers.append(("zalo.port", (zalo.listen, zalo.port)))
    if web.public_url and (web.listen, web.port) not in [a for k, a in servers if k == "zalo.port"]:
        servers.append(("web.port", (web.listen, web.port)))
    seen: dict[tuple[str, int], str] = {}
    for key, address in servers:
        if address in seen:
            raise ConfigError(
                N_("{key}: the same address as {other}; give each server its own port"),
                key=key,
                other=seen[address],
            )
        seen[address] = key


def _zalo(r: _Reader, env: dict[str, str]) -> ZaloConfig:
    mode = _mode(r, "zalo")
    url = r.get("zalo", "webhook_url", str, "")
    secret = env.get("CHIBO_ZALO_WEBHOOK_SECRET") or r.get("zalo", "webhook_secret", str, "")
    _webhook_check("zalo", mode, url, secret)
    token = env.get("CHIBO_ZALO_TOKEN") or r.get("zalo", "token", str, "")
    if mode == "webhook" and not token:
        raise ConfigError(
            N_("{key}: the bot's token is needed for mode = webhook (or set CHIBO_ZALO_TOKEN)"),
            key="zalo.token",
        )
    base_url = env.get("CHIBO_ZALO_BASE_URL") or r.get("zalo", "base_url", str, "")
    if base_url and not base_url.startswith(("https://", "http://")):
        raise ConfigError(N_("{key}: expected an http:// or https:// URL"), key="zalo.base_url")
    return ZaloConfig(
        token=token,
        base_url=base_url,
        mode=mode,
        webhook_url=url,
        webhook_secret=secret,
        # where the proxy hands the calls on: by default the path of the public URL
        webhook_path=r.get("zalo", "webhook_path", str, urlsplit(url).path or "/zalo"),
        listen=r.get("zalo", "listen", str, "127.0.0.1"),
        port=_port(r, "zalo", 8444),
    )


def _telegram_webhook(r: _Reader, env: dict[str, str]) -> WebhookConfig:
    mode = _mode(r, "telegram")
    url = r.get("telegram", "webhook_url", str, "")
    secret = env.get("CHIBO_TELEGRAM_WEBHOOK_SECRET") or r.get(
        "telegram", "webhook_secret", str, ""
    )
    _webhook_check("telegram", mode, url, secret)
    return WebhookConfig(
        mode=mode,
        webhook_url=url,
        webhook_secret=secret,
        listen=r.get("telegram", "listen", str, "127.0.0.1"),
        port=_port(r, "telegram", 8443),
    )


def _web(r: _Reader, env: dict[str, str]) -> WebConfig:
    url = (env.get("CHIBO_WEB_PUBLIC_URL") or r.get("web", "public_url", str, "")).rstrip("/")
    if url and not url.startswith("https://"):
        raise ConfigError(N_("{key}: expected an https:// URL"), key="web.public_url")
    minutes = r.get("web", "link_minutes", int, 15)
    if not 1 <= minutes <= 24 * 60:
        raise ConfigError(
            N_("{key}: expected a number of minutes from 1 to {most}"),
            key="web.link_minutes",
            most=24 * 60,
        )
    port = _port(r, "web", 8445)
    return WebConfig(
        public_url=url,
        listen=r.get("web", "listen", str, "127.0.0.1"),
        port=port,
        link_minutes=minutes,
    )


def _check_rules(overrides: dict[str, Any]) -> None:
    """Every `[rules]` entry names a known rule and has a value of the rule's type."""
    known = set(DEFAULT_CATALOGUE.ids())
    for rule_id, value in overrides.items():
        if rule_id not in known:
            raise ConfigError(
                N_("rules.{id}: no such rule; `chibo rules list` shows the rule ids"), id=rule_id
            )
        try:
            DEFAULT_CATALOGUE.with_overrides({rule_id: value})
        except ValueError as exc:
            raise ConfigError(
                N_("rules.{id}: the value {value} does not fit the rule (default: {default})"),
                id=rule_id,
                value=repr(value),
                default=_show(DEFAULT_CATALOGUE.versions(rule_id)[-1].value),
            ) from exc


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value) if not isinstance(value, str) else f'"{value}"'


def _backup(r: _Reader) -> BackupConfig:
    folder = r.get("backup", "dir", str, "")
    at_text = r.get("backup", "at", str, "02:30")
    try:
        at = time.fromisoformat(at_text)
    except ValueError as exc:
        raise ConfigError(
            N_("backup.at: expected HH:MM, got {value}"), value=repr(at_text)
        ) from exc
    keep = r.get("backup", "keep", int, 7)
    if keep <= 0:
        raise ConfigError(N_("backup.keep: must be a positive number of copies"))
    return BackupConfig(Path(folder) if folder else None, at, keep)
