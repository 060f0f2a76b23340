"""Text helpers for Vietnamese names and citizen-ID (CCCD) numbers."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_CCCD_SEPARATORS = re.compile(r"[\s.\-]+")
_CCCD = re.compile(r"[0-9]{12}")


def fold(s: str) -> str:
    """Diacritics- and case-insensitive key: "  Nguyễn  Văn Đức " -> "nguyen van duc"."""
    s = s.casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", s)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


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
