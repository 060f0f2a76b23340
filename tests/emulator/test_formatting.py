"""Parse modes and entities as the emulated Bot API computes them."""

from __future__ import annotations

import pytest

from chibo.botapi_emulator import ApiError, parse_formatted
from chibo.botapi_emulator.formatting import command_entities, utf16_len


def test_utf16_len_counts_surrogate_pairs() -> None:
    assert utf16_len("Việt") == 4
    assert utf16_len("👍a") == 3


def test_command_entities() -> None:
    assert command_entities("/start@chibo_test_bot abc /help") == [
        {"type": "bot_command", "offset": 0, "length": 21},
        {"type": "bot_command", "offset": 26, "length": 5},
    ]
    assert command_entities("a/b http://x/y") == []
    assert command_entities("🎉 /vote") == [{"type": "bot_command", "offset": 3, "length": 5}]


def test_plain_text_is_trimmed() -> None:
    assert parse_formatted("  xin chào \n", None) == ("xin chào", [])


@pytest.mark.parametrize("mode", ["HTML", "MarkdownV2", "Markdown", "BBCode"])
def test_parse_modes_are_refused_clearly(mode: str) -> None:
    with pytest.raises(ApiError, match="is not supported by the emulator"):
        parse_formatted("<b>x</b>", mode)
