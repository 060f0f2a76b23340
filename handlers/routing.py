"""Declared callback routes: each button action once, with the types of its arguments.

Callback data is `feature:action[:arg…]` (≤ 64 bytes). A feature declares its actions in
`register(app)`:

    registry_of(app).add_routes("roster", {
        "menu": Route(show_list),
        "view": Route(show_card, INT),                 # roster:view:<member id>
        "sts": Route(start_status, INT, choice(*STATUSES)),
        "list": Route(show_page, opt(INT)),           # roster:list[:<page>]
    })

One `CallbackQueryHandler(dispatch)` serves every button: it looks the action up, converts
each argument with its declared type and calls `fn(req, *values)`. Data that is unknown,
malformed, of the wrong arity or type, or too old ends in "this button has expired" — never in
the feature's code. The target is still re-checked for scope by the feature (usecases.access).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from chibo.handlers.common import CallbackData, Req, expired, handler, refuse_stranger
from chibo.handlers.registry import Registry, registry_of

_DIGITS = re.compile(r"^[0-9]{1,12}$")
_DAY = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True)
class Arg:
    """How one argument is read: `parse(text)` returns the value or raises ValueError."""

    name: str
    parse: Callable[[str], Any]
    optional: bool = False


def _int(text: str) -> int:
    if not _DIGITS.match(text):
        raise ValueError(text)
    return int(text)


def _day(text: str) -> date:
    if not _DAY.match(text):
        raise ValueError(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))  # ValueError when impossible


def _token(text: str) -> str:
    return text  # CallbackData.parse already allowed only [A-Za-z0-9_.-]{1,24}


#: A non-negative integer (an id, a page), at most 12 digits.
INT = Arg("int", _int)
#: A calendar date written yyyymmdd (a real date: 20261340 is refused).
DAY = Arg("yyyymmdd", _day)
#: Any short word; the feature still checks what it means (e.g. a step of its open draft).
TOKEN = Arg("token", _token)


def choice(*values: str) -> Arg:
    """One of `values`."""
    allowed = frozenset(values)

    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(text)
        return text

    return Arg("|".join(values), parse)


def int_in(low: int, high: int) -> Arg:
    """An integer from `low` to `high`."""

    def parse(text: str) -> int:
        n = _int(text)
        if not low <= n <= high:
            raise ValueError(text)
        return n

    return Arg(f"{low}..{high}", parse)


def opt(arg: Arg) -> Arg:
    """A trailing argument that may be absent (the function then receives None)."""
    return Arg(arg.name + "?", arg.parse, optional=True)


@dataclass(frozen=True)
class Route:
    """One action: `fn(req, *values)`, its argument types, and whether strangers may press."""

    fn: Callable[..., Awaitable[Any]]
    args: tuple[Arg, ...] = ()
    bound: bool = True

    def __init__(self, fn: Callable[..., Awaitable[Any]], *args: Arg, bound: bool = True) -> None:
        seen_optional = False
        for a in args:
            if seen_optional and not a.optional:
                raise ValueError("optional arguments must come last")
            seen_optional = seen_optional or a.optional
        object.__setattr__(self, "fn", fn)
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "bound", bound)

    def values(self, raw: tuple[str, ...]) -> list[Any] | None:
        """The converted arguments, or None when `raw` does not fit the declaration."""
        required = sum(not a.optional for a in self.args)
        if not required <= len(raw) <= len(self.args):
            return None
        out: list[Any] = []
        for arg, text in zip(self.args, raw, strict=False):
            try:
                out.append(arg.parse(text))
            except (ValueError, OverflowError):
                return None
        out.extend(None for _ in self.args[len(raw) :])
        return out


def resolve(registry: Registry, data: CallbackData | None) -> tuple[Route, list[Any]] | None:
    """The declared route for `data` and its converted arguments, or None."""
    if data is None:
        return None
    route = registry.routes.get((data.feature, data.action))
    if route is None:
        return None
    values = route.values(data.args)
    return None if values is None else (route, values)


@handler(bound=False)
async def dispatch(req: Req) -> None:
    """Every button press: to its declared route, else "this button has expired"."""
    found = resolve(registry_of(req.context.application), req.data)
    if found is None:
        await expired(req)
        return
    route, values = found
    if route.bound and not req.profile.bound:
        await refuse_stranger(req)
        return
    await route.fn(req, *values)
