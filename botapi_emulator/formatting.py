"""Text as the Bot API counts it: entities with UTF-16 offsets, trimmed whitespace.

Telegram trims surrounding whitespace and counts entity offsets and lengths in UTF-16 code
units. The bot sends plain text only, so this emulator parses no markup: a message sent with a
``parse_mode`` is refused with a clear 400 (add a parser here the day the bot formats text).
"""

from __future__ import annotations

import re
from typing import Any

from chibo.botapi_emulator.errors import ApiError

__all__ = ["command_entities", "parse_formatted", "utf16_len"]

_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities for every ``/command`` (or ``/command@bot``) in ``text``."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND_RE.finditer(text)
    ]


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram does, moving entities along."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    out: list[dict[str, Any]] = []
    for ent in entities:
        start = max(ent["offset"] - lead, 0)
        end = min(ent["offset"] + ent["length"] - lead, total)
        if end > start:
            out.append({**ent, "offset": start, "length": end - start})
    out.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, out


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Return Telegram's ``(text, entities)`` for a plain-text message.

    Raises :class:`ApiError` (400) for any ``parse_mode``: the bot sends plain text.
    """
    if (parse_mode or "").strip():
        raise ApiError(
            400,
            f"Bad Request: parse_mode {parse_mode!r} is not supported by the emulator"
            " (the bot sends plain text)",
        )
    return _strip(text, list(entities or []))
