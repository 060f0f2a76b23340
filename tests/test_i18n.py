"""The catalogs are complete and consistent, and formatting follows dd/MM/yyyy."""

import re
import string
from datetime import date
from pathlib import Path

import pytest

from chibo.bot.i18n import catalog_entries, extract_messages, missing_translations
from chibo.rules.messages import Msg
from chibo.usecases.i18n import LOCALES, locale_for, translator

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_sources_have_messages():
    assert len(extract_messages(ROOT)) > 50


@pytest.mark.parametrize("lang", LOCALES)
def test_every_message_is_translated(lang):
    missing = missing_translations(ROOT, LOCALES_DIR)[lang]
    assert missing == [], f"{len(missing)} untranslated in {lang}: {missing[:5]}"


@pytest.mark.parametrize("lang", LOCALES)
def test_translations_keep_the_placeholders(lang):
    bad = {
        msgid: text
        for msgid, text in catalog_entries(lang, LOCALES_DIR).items()
        if text and _fields(msgid) != _fields(text)
    }
    assert bad == {}


def test_vietnamese_catalog_is_really_vietnamese():
    entries = catalog_entries("vi", LOCALES_DIR)
    diacritics = re.compile(
        r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE
    )
    long_ones = [t for t in entries.values() if len(t) > 40]
    with_marks = [t for t in long_ones if diacritics.search(t)]
    assert len(with_marks) >= 0.95 * len(long_ones)


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [
        ("en", "vi", "en"),
        (None, "vi", "vi"),
        (None, "en-US", "en"),
        (None, "fr", "vi"),
        (None, None, "vi"),
        ("xx", "en", "en"),
    ],
)
def test_locale_choice(chosen, telegram, expected):
    assert locale_for(chosen, telegram) == expected


@pytest.mark.parametrize("lang", LOCALES)
def test_dates_are_day_month_year(lang):
    t = translator(lang)
    assert t.date(date(2024, 2, 29)) == "29/02/2024"
    assert t("Main menu — {org}.", org="X").endswith("X.")


def test_msg_params_are_formatted():
    t = translator("vi")
    text = t.msg(Msg("Now working in {org}.", {"org": "Chi bộ 1"}))
    assert text == "Đã chuyển sang làm việc với Chi bộ 1."


def test_rule_citations_are_translated_in_messages():
    msg = Msg("{source}", {"source": "Điều lệ Đảng, Điều 5"})
    assert translator("vi").msg(msg) == "Điều lệ Đảng, Điều 5"
    assert translator("en").msg(msg) == "Party Charter Art. 5"
    regulation = Msg("({regulation} §4.2)", {"regulation": "QĐ 294-QĐ/TW"})
    assert translator("vi").msg(regulation) == "(Quy định 294-QĐ/TW §4.2)"
