"""One paginator for every list screen: the slice shown, "Page 2/5" and ◀ Previous / Next ▶.

    shown = page_of(items, page, PAGE)
    for i, item in enumerate(shown.items, start=shown.start + 1): ...
    lines += page_label(_, shown.page, shown.pages)
    rows += pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "list", n))

A list paged by the database (limit/offset) passes ``pages_for(total, size)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from chibo.usecases.i18n import Translator

T = TypeVar("T")
Rows = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int  # 0-based, clamped to the pages there are
    pages: int  # at least 1
    start: int  # index of the first item shown (number items from start + 1)


def pages_for(total: int, size: int) -> int:
    return max(1, -(-total // size))


def page_of(items: Sequence[T], page: int, size: int) -> Page[T]:
    """The items on `page` (clamped to the first or last page)."""
    pages = pages_for(len(items), size)
    page = min(max(page, 0), pages - 1)
    start = page * size
    return Page(items[start : start + size], page, pages, start)


def page_label(_: Translator, page: int, pages: int) -> list[str]:
    """["Page 2/5"] when there is more than one page, else []."""
    return [_("Page {page}/{pages}", page=page + 1, pages=pages)] if pages > 1 else []


def pager_rows(_: Translator, page: int, pages: int, data: Callable[[int], str]) -> Rows:
    """A ◀ Previous / Next ▶ row when there is more than one page (`data(n)` opens page n)."""
    nav = []
    if page > 0:
        nav.append((_("◀ Previous"), data(page - 1)))
    if page < pages - 1:
        nav.append((_("Next ▶"), data(page + 1)))
    return [nav] if nav else []
