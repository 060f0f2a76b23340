"""Translations at run time: the in-memory catalogs, the user's language, and `Translator`
(gettext with `str.format` placeholders, dd/MM/yyyy dates, numbers) for handlers and the CLI.

Catalogs live in `locales/<lang>/LC_MESSAGES/*.po` (one file per feature domain, merged) and are
compiled **at start**, in memory: nothing to build. The developer tools that extract and check
msgids are in `bot.i18n`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from chibo.rules.messages import Msg
from chibo.usecases.resources import resource_path

LOCALES = ("vi", "en")  # the one list of the bot's languages
#: Each language in its own words, for the language buttons.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LOCALE = "vi"
DATE_PATTERN = "dd/MM/yyyy"
#: Message params holding catalogue text (a rule's source citation, the name of the
#: regulation in force): translated, not copied.
TRANSLATED_PARAMS = frozenset({"source", "regulation"})


def _load_catalog(lang: str, locales_dir: Path) -> Translations:
    """Merge every `.po` of a language into one in-memory Translations."""
    merged = Translations()
    for po in sorted((locales_dir / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=po.stem)
        buf = BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        merged.merge(Translations(fp=buf, domain="messages"))
    return merged


@cache
def _translations(lang: str, locales_dir: Path) -> Translations:
    return _load_catalog(lang, locales_dir)


def locale_for(chosen: str | None, telegram_code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """The user's language: their `/lang` choice, else Telegram's, else the default."""
    if chosen in LOCALES:
        return chosen
    if telegram_code:
        base = telegram_code.split("-")[0].lower()
        if base in LOCALES:
            return base
    return default


@dataclass(frozen=True)
class Translator:
    """Everything a handler needs to speak one language: `t("…", x=1)`, dates, numbers."""

    locale: str
    translations: Translations

    def __call__(self, msgid: str, /, **params: Any) -> str:
        text = self.translations.gettext(msgid)
        return text.format(**self._fmt(params)) if params else text

    def _n(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text.format(**self._fmt({"n": n, **params}))

    def msg(self, message: Msg) -> str:
        return self(message.key, **dict(message.params))

    def _fmt(self, params: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in params.items():
            if k in TRANSLATED_PARAMS and isinstance(v, str):
                out[k] = self.translations.gettext(v)
            elif isinstance(v, datetime):
                out[k] = self.instant(v)
            elif isinstance(v, date):
                out[k] = self.date(v)
            elif isinstance(v, Msg):
                out[k] = self.msg(v)
            else:
                out[k] = v
        return out

    def date(self, d: date | None) -> str:
        return "—" if d is None else format_date(d, DATE_PATTERN, locale=self.locale)

    def instant(self, dt: datetime, tz: Any = None) -> str:
        return format_datetime(dt, "dd/MM/yyyy HH:mm", tzinfo=tz, locale=self.locale)

    def clock(self, dt: datetime, tz: Any = None) -> str:
        return format_datetime(dt, "HH:mm", tzinfo=tz, locale=self.locale)

    def number(self, n: float) -> str:
        return format_decimal(n, locale=self.locale)

    def percent(self, ratio: float) -> str:
        return format_percent(ratio, "#,##0.#%", locale=self.locale)

    @property
    def language_name(self) -> str:
        return Locale.parse(self.locale).get_display_name(self.locale) or self.locale


def translator(lang: str, locales_dir: Path | None = None) -> Translator:
    lang = lang if lang in LOCALES else DEFAULT_LOCALE
    directory = locales_dir or resource_path("locales")
    return Translator(lang, _translations(lang, directory))
