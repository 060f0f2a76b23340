"""Text helpers for Vietnamese names and citizen-ID (CCCD) numbers."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from chibo.rules.messages import N_, Msg

_CCCD_SEPARATORS = re.compile(r"[\s.\-]+")
_CCCD = re.compile(r"[0-9]{12}")


def fold(s: str) -> str:
    """Diacritics- and case-insensitive key: "  Nguyễn  Văn Đức " -> "nguyen van duc"."""
    s = s.casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", s)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


NAME_WORDS = N_(
    "Type the full name, at least two words (family name and given name), e.g. Nguyễn Văn An."
)
NAME_LETTERS = N_(
    "A name is written in letters only: no digits, emoji or symbols (“{char}” in “{text}”)."
)
_NAME_PUNCTUATION = "'’-."


def check_person_name(text: str) -> Msg | None:
    """A person's full name: at least two words of letters (an apostrophe, hyphen or dot
    may join letters: H'Hen, Minh-Khai); None when it is acceptable."""
    words = text.split()
    for ch in "".join(words):
        if not (ch.isalpha() or unicodedata.combining(ch) or ch in _NAME_PUNCTUATION):
            return Msg(NAME_LETTERS, {"char": ch, "text": echo(" ".join(words))})
    if len([w for w in words if any(ch.isalpha() for ch in w)]) < 2:
        return Msg(NAME_WORDS)
    return None


def lacks_diacritics(name: str) -> bool:
    """True when a Vietnamese name was typed without any diacritic (Nguyen Van An): worth a
    warning, never a refusal."""
    return fold(name) == " ".join(name.casefold().split())


NO_DIACRITICS = N_(
    "Note: “{name}” is typed without diacritics (dấu). Party records write the full name with"
    " diacritics, as on the citizen's card (thẻ căn cước); correct it if needed."
)


def no_diacritics(name: str) -> Msg:
    """The warning for a name typed without diacritics."""
    return Msg(NO_DIACRITICS, {"name": name})


def name_matches(query: str, full_name: str) -> bool:
    """True if every query token is a prefix of a distinct token of the name, in any order.

    "nguyen van a", "van a", "a nguy" all find "Nguyễn Văn A". An empty query matches nothing.
    """
    wanted = fold(query).split()
    tokens = fold(full_name).split()
    if not wanted or len(wanted) > len(tokens):
        return False
    return _assign(wanted, tokens, frozenset())


def _assign(wanted: list[str], tokens: list[str], used: frozenset[int]) -> bool:
    """Backtracking match of query tokens to distinct name tokens (names are short)."""
    if not wanted:
        return True
    head, rest = wanted[0], wanted[1:]
    return any(
        i not in used and tok.startswith(head) and _assign(rest, tokens, used | {i})
        for i, tok in enumerate(tokens)
    )


def similar_names(a: str, b: str) -> float:
    """Similarity ratio in [0, 1] of the folded names, for near-duplicate warnings."""
    return SequenceMatcher(None, fold(a), fold(b)).ratio()


def normalize_cccd(s: str) -> str | None:
    """The 12 ASCII digits of a CCCD number after removing spaces, dots and dashes, else None."""
    digits = _CCCD_SEPARATORS.sub("", s)
    return digits if _CCCD.fullmatch(digits) else None


def mask_cccd(s: str) -> str:
    """Hide all but the last 4 characters: "001234567890" -> "********7890"."""
    value = _CCCD_SEPARATORS.sub("", s)
    visible = 4 if len(value) > 4 else 0
    return "*" * (len(value) - visible) + value[len(value) - visible :]


# -- hostile input -------------------------------------------------------------------------------

#: Telegram's limit for one message, in UTF-16 code units (the Bot API's
#: `MessageLimit.MAX_TEXT_LENGTH`; handlers use that constant, this one is for the layers below).
MESSAGE_LIMIT = 4096
#: At most this many characters of a user's input are repeated back in a reply.
ECHO_MAX = 60

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _visible(ch: str) -> bool:
    """False for control (Cc), format (Cf: zero-width, bidi, BOM, soft hyphen), surrogate (Cs)
    and non-characters: nothing a name or a note needs, and some break XLSX files."""
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs"):
        return False
    return not (0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE)


def clean_line(s: str) -> str:
    """One line of text as stored (names, numbers, short answers): NFC, control and format
    characters removed, whitespace runs collapsed to one space, trimmed."""
    s = "".join(ch if _visible(ch) or ch.isspace() else "" for ch in s)
    s = " ".join(s.split())
    return unicodedata.normalize("NFC", s)


def clean_text(s: str) -> str:
    """Free text as stored (meeting contents, notes): like `clean_line` for each line, line
    breaks kept (at most one blank line in a row)."""
    lines = [clean_line(line) for line in _LINE_BREAKS.split(s)]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def shorten(s: str, limit: int) -> str:
    """``s`` cut to at most ``limit`` characters, ending with "…" when cut."""
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def echo(s: str, limit: int = ECHO_MAX) -> str:
    """A user's input to repeat back in a reply: cleaned, and shortened with "…"."""
    return shorten(clean_line(s), limit)


def utf16_len(s: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (characters beyond U+FFFF count 2)."""
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def split_message(s: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`s` in parts of at most `limit` UTF-16 units, split at line breaks (dropped) where
    possible, else between characters; nothing is lost."""
    if utf16_len(s) <= limit:
        return [s]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in s.split("\n"):
        n = utf16_len(line)
        if current and size + 1 + n > limit:
            parts.append("\n".join(current))
            current, size = [], 0
        if n > limit:
            piece: list[str] = []
            used = 0
            for ch in line:
                w = 2 if ord(ch) > 0xFFFF else 1
                if used + w > limit:
                    parts.append("".join(piece))
                    piece, used = [], 0
                piece.append(ch)
                used += w
            line, n = "".join(piece), used
        size = n if not current else size + 1 + n
        current.append(line)
    if current:
        parts.append("\n".join(current))
    return [p for p in parts if p.strip()] or [s[:limit]]
