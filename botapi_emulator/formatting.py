"""Text formatting like the Bot API does it: parse modes, entities and UTF-16 offsets.

Telegram converts ``parse_mode`` markup into plain text plus ``entities`` whose offsets and
lengths count UTF-16 code units, trims surrounding whitespace, and rejects malformed markup
with ``400 Bad Request: can't parse entities: ...``. This module reproduces the useful part of
that behaviour so that a bot which forgets to escape user input fails here as it would live.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from chibo.botapi_emulator.errors import ApiError

__all__ = ["command_entities", "parse_formatted", "utf16_len"]

_HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);")
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"""([a-zA-Z_][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MAX_ESCAPABLE = 126


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


def _parse_error(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {reason}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Builder:
    """Accumulates plain text and entities while a markup parser walks its input."""

    parts: list[str] = field(default_factory=list)
    pos: int = 0  # current length of the output in UTF-16 code units
    entities: list[dict[str, Any]] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            length = self.pos - start
            self.entities.append({"type": kind, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        return _strip("".join(self.parts), self.entities)


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
    """Return Telegram's ``(text, entities)`` for a message sent with ``parse_mode``.

    Raises :class:`ApiError` (400) for malformed markup or an unknown parse mode.
    """
    mode = (parse_mode or "").strip().lower()
    if not mode:
        return _strip(text, list(entities or []))
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(raw):
        value = match.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def _decode_html_entity(match: re.Match[str]) -> str | None:
    body = match.group(1)
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1:2] in {"x", "X"} else int(body[1:])
            return chr(code)
        except (ValueError, OverflowError):
            return None
    return _HTML_NAMED_ENTITIES.get(body.lower())


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    # open tags: (name, entity type, start offset, extra entity fields)
    stack: list[tuple[str, str, int, dict[str, Any]]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            match = _ENTITY_RE.match(text, i)
            decoded = _decode_html_entity(match) if match else None
            if match and decoded is not None:
                out.add(decoded)
                i = match.end()
            else:
                out.add(char)
                i += 1
            continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        end = text.find(">", i)
        if end < 0:
            raise _parse_error(
                f"Can't find end of the tag starting at byte offset {_byte_offset(text, i)}"
            )
        inner = text[i + 1 : end]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            open_name, kind, start, closing = stack.pop()
            if name and name != open_name:
                raise _parse_error(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            if kind == "code" and stack and stack[-1][1] == "pre":
                # <pre><code class="language-x"> is one pre entity with a language
                if "language" in closing:
                    stack[-1][3]["language"] = closing["language"]
            else:
                if kind == "code":
                    closing.pop("language", None)
                out.entity(kind, start, **closing)
            i = end + 1
            continue
        name_match = _TAG_NAME_RE.match(inner)
        name = name_match.group().lower() if name_match else ""
        kind = _HTML_TAGS.get(name, "")
        attrs = _parse_attrs(inner[len(name) :]) if name_match else {}
        extra: dict[str, Any] = {}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            kind = ""
        elif name == "a":
            href = attrs.get("href", "")
            if href.startswith("tg://user?id="):
                kind = "text_mention"
                extra["user"] = {
                    "id": int(href.split("=", 1)[1] or 0),
                    "is_bot": False,
                    "first_name": "",
                }
            else:
                extra["url"] = href
        elif name == "code" and attrs.get("class", "").startswith("language-"):
            extra["language"] = attrs["class"].removeprefix("language-")
        elif name == "blockquote" and "expandable" in attrs:
            kind = "expandable_blockquote"
        elif name == "tg-emoji":
            extra["custom_emoji_id"] = attrs.get("emoji-id", "")
        if not kind:
            raise _parse_error(
                f'Unsupported start tag "{name or inner}" at byte offset {_byte_offset(text, i)}'
            )
        stack.append((name, kind, out.pos, extra))
        i = end + 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


_MD2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


def _parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    stack: list[tuple[str, int, int]] = []  # (entity type, output offset, input index)
    quote_start: int | None = None
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            if quote_start is None:
                quote_start = out.pos
            i += 1
            continue
        if char == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            out.entity("blockquote", quote_start)
            quote_start = None
        if char == "\\":
            if i + 1 < n and 0 < ord(text[i + 1]) <= _MAX_ESCAPABLE:
                out.add(text[i + 1])
                i += 2
                continue
            out.add(char)
            i += 1
            continue
        if text.startswith("```", i):
            close = text.find("```", i + 3)
            if close < 0:
                raise _parse_error(
                    f"Can't find end of Pre entity at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + 3 : close]
            language = ""
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            start = out.pos
            out.add(re.sub(r"\\([`\\])", r"\1", body))
            out.entity("pre", start, **({"language": language} if language else {}))
            i = close + 3
            continue
        if char == "`":
            close = i + 1
            while close < n and text[close] != "`":
                close += 2 if text[close] == "\\" else 1
            if close >= n:
                raise _parse_error(
                    f"Can't find end of Code entity at byte offset {_byte_offset(text, i)}"
                )
            start = out.pos
            out.add(re.sub(r"\\([`\\])", r"\1", text[i + 1 : close]))
            out.entity("code", start)
            i = close + 1
            continue
        marker: str | None = None
        if text.startswith("__", i):
            marker, width = "underline", 2
        elif text.startswith("||", i):
            marker, width = "spoiler", 2
        elif char in "*_~":
            marker, width = {"*": "bold", "_": "italic", "~": "strikethrough"}[char], 1
        if marker:
            open_kinds = [kind for kind, _, _ in stack]
            if marker in open_kinds:
                if stack[-1][0] != marker:
                    raise _parse_error(
                        f"Can't find end of {_MD2_NAMES[stack[-1][0]]} entity at byte offset "
                        f"{_byte_offset(text, stack[-1][2])}"
                    )
                kind, start, _ = stack.pop()
                out.entity(kind, start)
            else:
                stack.append((marker, out.pos, i))
            i += width
            continue
        if char == "[":
            stack.append(("text_link", out.pos, i))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "text_link":
            if i + 1 >= n or text[i + 1] != "(":
                raise _parse_error(
                    f"Can't find end of TextUrl entity at byte offset "
                    f"{_byte_offset(text, stack[-1][2])}"
                )
            close = i + 2
            while close < n and text[close] != ")":
                close += 2 if text[close] == "\\" else 1
            if close >= n:
                raise _parse_error(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i + 1)}"
                )
            url = re.sub(r"\\([)\\])", r"\1", text[i + 2 : close])
            _, start, _ = stack.pop()
            out.entity("text_link", start, url=url)
            i = close + 1
            continue
        if char in _MD2_RESERVED:
            raise _parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(char)
        i += 1
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if stack:
        kind, _, index = stack[-1]
        raise _parse_error(
            f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, index)}"
        )
    return out.result()


def _parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy ``Markdown``: ``*bold*``, ``_italic_``, code, pre and ``[text](url)``."""
    out = _Builder()
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if text.startswith("```", i) or char in "*_`[":
            fence = "```" if text.startswith("```", i) else ("]" if char == "[" else char)
            begin = i + (3 if fence == "```" else 1)
            close = text.find(fence, begin)
            if close < 0:
                raise _parse_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            body = text[begin:close]
            start = out.pos
            if fence == "]":
                if not text.startswith("(", close + 1) or text.find(")", close) < 0:
                    raise _parse_error(
                        f"Can't find end of the entity starting at byte offset "
                        f"{_byte_offset(text, i)}"
                    )
                url_end = text.find(")", close)
                out.add(body)
                out.entity("text_link", start, url=text[close + 2 : url_end])
                i = url_end + 1
                continue
            kinds = {"```": "pre", "`": "code", "*": "bold", "_": "italic"}
            out.add(body)
            out.entity(kinds[fence], start)
            i = close + len(fence)
            continue
        out.add(char)
        i += 1
    return out.result()
