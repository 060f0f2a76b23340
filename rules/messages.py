"""Messages that rules return when they refuse or warn.

Rules never translate. They return a :class:`Msg` whose ``key`` is the English msgid
(marked with :func:`N_` so Babel's extractor finds it) and whose ``params`` fill its
``str.format`` placeholders. Dates are passed as :class:`datetime.date`; the handler
translates the key and formats dates as dd/MM/yyyy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def N_(s: str) -> str:
    """Mark ``s`` for extraction without translating it."""
    return s


@dataclass(frozen=True)
class Msg:
    """A translatable message: an English msgid plus its format parameters."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # A read-only copy, so a Msg cannot change after a rule returned it.
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
