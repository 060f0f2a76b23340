"""One paginator for every list screen (handlers.paging): one label style, one button style."""

from __future__ import annotations

import pathlib
import re

from chibo.handlers.paging import page_label, page_of, pager_rows, pages_for


def _(msgid: str, **kw: object) -> str:
    return msgid.format(**kw)


def test_page_of_clamps_and_numbers_from_the_first_item_shown():
    items = list(range(20))
    assert page_of(items, 1, 8).items == list(range(8, 16))
    last = page_of(items, 99, 8)
    assert (last.page, last.pages, last.start, last.items) == (2, 3, 16, [16, 17, 18, 19])
    assert page_of(items, -1, 8).page == 0
    empty = page_of([], 0, 8)
    assert (empty.pages, list(empty.items)) == (1, [])
    assert pages_for(0, 8) == 1 and pages_for(16, 8) == 2 and pages_for(17, 8) == 3


def test_label_and_buttons_only_when_there_is_more_than_one_page():
    assert page_label(_, 0, 1) == [] and pager_rows(_, 0, 1, str) == []
    assert page_label(_, 1, 3) == ["Page 2/3"]
    assert pager_rows(_, 0, 3, str) == [[("Next ▶", "1")]]
    assert pager_rows(_, 1, 3, str) == [[("◀ Previous", "0"), ("Next ▶", "2")]]
    assert pager_rows(_, 2, 3, str) == [[("◀ Previous", "1")]]


def test_no_screen_pages_by_hand():
    handlers = pathlib.Path(__file__).parents[1] / "handlers"
    by_hand = re.compile(r"-\(-len\(|Previous\"|Next [›»]|Page \{page\} of")
    found = [
        p.name
        for p in handlers.glob("*.py")
        if p.name != "paging.py" and by_hand.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []
