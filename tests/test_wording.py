"""Issue 9 §5: wording a secretary would correct, checked over every Vietnamese text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chibo.bot.i18n import catalog_entries, extract_messages

ROOT = Path(__file__).resolve().parent.parent
VI = catalog_entries("vi", ROOT / "locales")
USED = extract_messages(ROOT)
TEXTS = [VI[m] for m in USED if m in VI]


@pytest.mark.parametrize(
    ("wrong", "why"),
    [
        ("trước hết ngày", "reads as 'first of all': use 'chậm nhất là ngày'"),
        ("CCCD", "the card is 'căn cước' since 1/7/2024"),
        ("căn cước công dân", "the card is 'căn cước' since 1/7/2024"),
        ("Người lao động doanh nghiệp", "'Người lao động trong doanh nghiệp tư nhân'"),
    ],
)
def test_no_vietnamese_text_says(wrong, why):
    found = [t for t in TEXTS if wrong in t]
    assert found == [], f"{why}: {found[:3]}"


def test_deadlines_read_at_the_latest():
    from chibo.usecases.candidates import _CEREMONY_BY, _DECISION_BY

    for msgid in (_DECISION_BY, _CEREMONY_BY):
        assert "chậm nhất là ngày {deadline}" in VI[msgid], VI[msgid]


def test_citations_have_one_style_and_no_nested_brackets():
    from chibo.rules.catalogue import DEFAULT_CATALOGUE

    sources = {e.source for e in DEFAULT_CATALOGUE.entries()}
    for source in sources:
        assert not re.search(r"\([^)]*\(", source), source  # no nested brackets
        assert "mục " not in source and "§" not in source and "QĐ 294" not in source, source


def test_vietnamese_citations_say_quy_dinh_and_diem():
    """One citation style: "Quy định 294-QĐ/TW, điểm 4.2" — not "mục 4.2.2", "QĐ 294-QĐ/TW",
    "§", and no brackets nested in the brackets messages put citations in."""
    from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME
    from chibo.rules.messages import Msg
    from chibo.usecases.i18n import translator

    bad = re.compile(r"mục \d|\bQĐ \d|\bHD \d|§")
    assert [t for t in TEXTS if bad.search(t)] == []
    vi = translator("vi")
    for entry in DEFAULT_CATALOGUE.versions(REGULATION_NAME):
        shown = vi.msg(Msg("({regulation}, {x})", {"regulation": entry.value, "x": 1}))
        assert shown.startswith("(Quy định "), shown
