"""Twins kept once (issue 11): the list of the bot's languages."""

from __future__ import annotations

import pathlib
import re

from chibo.bot import config
from chibo.usecases import i18n

ROOT = pathlib.Path(__file__).parents[1]


def test_the_languages_are_listed_once():
    assert config.SUPPORTED_LOCALES is i18n.LOCALES
    assert set(i18n.LANGUAGE_NAMES) == set(i18n.LOCALES)
    literal = re.compile(r"""\(\s*["']vi["'],\s*["']en["']\s*\)|== ["']en["'] or""")
    found = [
        str(p.relative_to(ROOT))
        for folder in ("bot", "handlers", "usecases", "storage", "rules")
        for p in (ROOT / folder).rglob("*.py")
        if literal.search(p.read_text(encoding="utf-8"))
    ]
    assert found == ["usecases/i18n.py"]
