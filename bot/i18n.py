"""Catalog maintenance for developers: extract msgids from the sources, add them, check them.

The translations used at run time (`Translator`, `translator`, `locale_for`) are in
`usecases.i18n`.

Catalogs live in `locales/<lang>/LC_MESSAGES/*.po` (one file per feature domain, merged).
They are compiled **at start**, in memory, from the `.po` files: nothing to build, and a
fresh install or an edited catalog works at once. Message ids are English; every user-facing
string is written as `_("… {name} …", name=value)` in handlers (`_` a Translator; params are
`str.format` placeholders) or `N_("…")` below the handlers, so Babel's extractor finds them all.

`python -m chibo.bot.i18n update DOMAIN [PATH…]` adds the msgids used in the sources (under PATH)
that no catalog has yet to `DOMAIN.po` (an empty translation in vi, the msgid in en), and
`python -m chibo.bot.i18n check` lists every msgid still untranslated in vi or en.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME
from chibo.usecases.i18n import LOCALES

KEYWORDS = {"_": None, "N_": None, "_n": (1, 2)}
SOURCE_PACKAGES = ("bot", "handlers", "usecases", "rules", "storage")


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
        if entry.id == REGULATION_NAME:  # and as {regulation}
            found.setdefault(str(entry.value), ("rules/catalogue.py", 0))
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
    print("usage: python -m chibo.bot.i18n update [DOMAIN [PATH…]] | check")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
