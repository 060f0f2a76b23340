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


def test_html_entities_and_nesting() -> None:
    text, entities = parse_formatted(
        '<b>Đậm <i>nghiêng</i></b> <a href="https://t.me/x?a=1&amp;b=2">link</a> '
        '&lt;tag&gt; &#128077; <pre><code class="language-python">x = 1</code></pre>',
        "HTML",
    )
    assert text == "Đậm nghiêng link <tag> 👍 x = 1"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 11},
        {"type": "italic", "offset": 4, "length": 7},
        {"type": "text_link", "offset": 12, "length": 4, "url": "https://t.me/x?a=1&b=2"},
        {"type": "pre", "offset": 26, "length": 5, "language": "python"},
    ]


def test_html_spoiler_blockquote_and_mention() -> None:
    text, entities = parse_formatted(
        '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>'
        '<a href="tg://user?id=42">u</a>',
        "html",
    )
    assert text == "squ"
    assert [e["type"] for e in entities] == ["spoiler", "expandable_blockquote", "text_mention"]
    assert entities[2]["user"]["id"] == 42


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("a <br> b", 'Unsupported start tag "br"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<b>x", "Can't find end tag"),
        ("1 < 2", "Can't find end of the tag"),
        ('<span class="x">y</span>', 'Unsupported start tag "span"'),
    ],
)
def test_html_errors(markup: str, reason: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_formatted(markup, "HTML")
    assert caught.value.error_code == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert reason in caught.value.description


def test_markdown_v2() -> None:
    text, entities = parse_formatted(
        r"*đậm* _nghiêng_ __gạch__ ~xoá~ ||ẩn|| `code\`` [link](https://x.org/a\)b) 1\.5\!",
        "MarkdownV2",
    )
    assert text == "đậm nghiêng gạch xoá ẩn code` link 1.5!"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    assert entities[-1]["url"] == "https://x.org/a)b"


def test_markdown_v2_pre_and_quote() -> None:
    text, entities = parse_formatted("```python\nx = 1\n```\n>trích\n>dẫn\nhết", "MarkdownV2")
    assert text == "x = 1\n\ntrích\ndẫn\nhết"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 6, "language": "python"},
        {"type": "blockquote", "offset": 7, "length": 9},
    ]


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("Hạn: 20.11", "Character '.' is reserved"),
        ("a-b", "Character '-' is reserved"),
        ("*đậm", "Can't find end of Bold entity"),
        ("*a _b* c_", "Can't find end of Italic entity"),
    ],
)
def test_markdown_v2_errors(markup: str, reason: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities") as caught:
        parse_formatted(markup, "MarkdownV2")
    assert reason in caught.value.description


def test_legacy_markdown() -> None:
    text, entities = parse_formatted("*b* _i_ `c` [l](https://x.org) 1.5-2", "Markdown")
    assert text == "b i c l 1.5-2"
    assert [e["type"] for e in entities] == ["bold", "italic", "code", "text_link"]
    with pytest.raises(ApiError, match="Can't find end of the entity"):
        parse_formatted("snake_case", "Markdown")


def test_unknown_parse_mode() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        parse_formatted("x", "BBCode")
