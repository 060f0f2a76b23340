"""Logs without secrets or personal data.

- `install(token)`: every handler of the root logger formats through `RedactingFormatter`,
  which removes bot tokens (the configured one, and anything shaped like a Telegram token,
  e.g. in httpx's request URLs `…/bot<token>/getUpdates` or PTB's "token was rejected")
  from messages and tracebacks.
- `Outage`: one log line when Telegram becomes unreachable, one when it is back, instead of a
  traceback for every failed poll.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

#: A Telegram bot token: the bot's numeric id, a colon, 30-odd URL-safe characters.
TOKEN_SHAPE = re.compile(r"\d{4,}:[A-Za-z0-9_-]{20,}")
HIDDEN = "<token>"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return TOKEN_SHAPE.sub(HIDDEN, text)


class RedactingFormatter(logging.Formatter):
    """Formats like its parent, then removes tokens from the whole line (traceback included)."""

    def __init__(self, fmt: str | None = None, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(fmt)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def install(
    *secrets: str,
    logger: logging.Logger | None = None,
    handlers: list[logging.Handler] | None = None,
) -> None:
    """Make every handler of `logger` (default: root), or `handlers`, redact tokens and
    `secrets`."""
    targets = handlers if handlers is not None else (logger or logging.getLogger()).handlers
    for handler in targets:
        fmt = handler.formatter._fmt if handler.formatter is not None else None
        handler.setFormatter(RedactingFormatter(fmt, tuple(s for s in secrets if s)))


def describe(exc: BaseException) -> str:
    """The error and its cause in one line, without a traceback."""
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__
    if cause is not None and str(cause) and str(cause) not in text:
        text += f" ({type(cause).__name__}: {cause})"
    return redact(text)


class Outage:
    """Logs one warning when polling starts failing and one line when it works again.

    A failure more than `forget_after` seconds after the previous one starts a new outage
    (failed polls repeat every 30 s at most while Telegram stays unreachable).
    """

    def __init__(
        self,
        log: logging.Logger,
        *,
        forget_after: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log = log
        self.forget_after = forget_after
        self.clock = clock
        self.since: float | None = None
        self.last: float | None = None
        self.failures = 0

    def failed(self, exc: BaseException) -> None:
        now = self.clock()
        if self.last is not None and now - self.last > self.forget_after:
            self.since = None
        if self.since is None:
            self.since = now
            self.failures = 0
            self.log.warning(
                "cannot reach Telegram (%s); retrying in the background", describe(exc)
            )
        self.failures += 1
        self.last = now

    def recovered(self) -> None:
        if self.since is not None:
            self.log.warning("Telegram reachable again after %d failed attempt(s)", self.failures)
        self.since = self.last = None
        self.failures = 0
