"""Translations (gettext catalogs via Babel) and locale-aware formatting.

Catalogs live in `locales/<lang>/LC_MESSAGES/*.po` (one file per feature domain, merged).
They are compiled **at start**, in memory, from the `.po` files: nothing to build, and a
fresh install or an edited catalog works at once. Message ids are English; every user-facing
string is written as `_("… {name} …", name=value)` in handlers (`_` a Translator; params are
`str.format` placeholders) or `N_("…")` below the handlers, so Babel's extractor finds them all.

`python -m bot.i18n update DOMAIN [PATH…]` adds the msgids used in the sources (under PATH)
that no catalog has yet to `DOMAIN.po` (an empty translation in vi, the msgid in en), and
`python -m bot.i18n check` lists every msgid still untranslated in vi or en.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from bot.resources import resource_path
from rules.catalogue import DEFAULT_CATALOGUE
from rules.messages import Msg

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
DATE_PATTERN = "dd/MM/yyyy"
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2)}
SOURCE_PACKAGES = ("bot", "handlers", "usecases", "rules", "storage")
#: Message params holding catalogue text (a rule's source citation): translated, not copied.
TRANSLATED_PARAMS = frozenset({"source"})


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


# -- catalog maintenance (developer tools) -------------------------------------------------------


def extract_messages(root: Path) -> dict[str, tuple[str, int]]:
    """Every msgid in the sources → (file, line) of its first use."""
    found: dict[str, tuple[str, int]] = {}
    for package in SOURCE_PACKAGES:
        directory = root / package
        if not directory.is_dir():
            continue
        for filename, lineno, message, _c, _ctx in extract_from_dir(
            str(directory),
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids:
                if msgid:
                    found.setdefault(msgid, (f"{package}/{filename}", lineno))
    for entry in DEFAULT_CATALOGUE.entries():  # citations reach messages as {source}
        found.setdefault(entry.source, ("rules/catalogue.py", 0))
    return found


def _read(path: Path, lang: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=lang)
    return Catalog(locale=lang)


def catalog_entries(lang: str, locales_dir: Path) -> dict[str, str]:
    """msgid → msgstr over every .po of a language."""
    out: dict[str, str] = {}
    for po in sorted((locales_dir / lang / "LC_MESSAGES").glob("*.po")):
        for m in _read(po, lang):
            if m.id and not m.fuzzy:
                ids = m.id if isinstance(m.id, tuple) else (m.id,)
                strs = m.string if isinstance(m.string, tuple) else (m.string,)
                for i, s in zip(ids, strs, strict=False):
                    out[str(i)] = str(s or "")
    return out


def missing_translations(root: Path, locales_dir: Path) -> dict[str, list[str]]:
    """For each language, the msgids used in the sources with no (or empty) translation."""
    used = extract_messages(root)
    result = {}
    for lang in LOCALES:
        have = catalog_entries(lang, locales_dir)
        result[lang] = sorted(m for m in used if not have.get(m))
    return result


def update_catalogs(
    root: Path, locales_dir: Path, domain: str = "chibo", paths: Iterable[str] = ()
) -> dict[str, int]:
    """Add msgids missing from every catalog to `<domain>.po` (en gets msgstr = msgid).

    With `paths` (e.g. `handlers/roster.py`, `usecases/`), only msgids first used in files
    under those paths are added — so each feature keeps its strings in its own domain.
    """
    used = extract_messages(root)
    prefixes = tuple(paths)
    added = {}
    for lang in LOCALES:
        have = catalog_entries(lang, locales_dir)
        path = locales_dir / lang / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = _read(path, lang)
        n = 0
        for msgid, (where, line) in sorted(used.items(), key=lambda kv: kv[1]):
            if msgid in have or (prefixes and not where.startswith(prefixes)):
                continue
            catalog.add(msgid, msgid if lang == "en" else "", locations=[(where, line)])
            n += 1
        if n:
            with path.open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, include_lineno=False)
        added[lang] = n
    return added


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parent.parent
    locales_dir = root / "locales"
    if argv[:1] == ["update"]:
        domain = argv[1] if len(argv) > 1 else "chibo"
        print(update_catalogs(root, locales_dir, domain, argv[2:]))
        return 0
    if argv[:1] == ["check"]:
        missing = missing_translations(root, locales_dir)
        for lang, ids in missing.items():
            for msgid in ids:
                print(f"{lang}: {msgid!r}")
        return 1 if any(missing.values()) else 0
    print("usage: python -m bot.i18n update [DOMAIN [PATH…]] | check")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
