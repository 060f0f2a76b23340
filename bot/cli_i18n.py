"""The command line in the user's language: `--help` texts, argparse's own words and errors.

Help strings are written `help=N_("…")` where the parser is built; :func:`localise` then
translates every help text, description and group title of the finished parser (and of its
subcommands), so a module adding commands needs nothing else. argparse's own words ("usage:",
"the following arguments are required: …") come from its module-level gettext, which
:func:`speaking` points at the translator while parsing.

The language is the configuration's `[i18n] default_locale`, read before parsing (see
:func:`early_config`); when the configuration itself is broken, its error message says which
language the file asked for, if it got that far, else the default.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence

from chibo.bot.config import Config, ConfigError, load_config
from chibo.rules.messages import N_
from chibo.usecases.i18n import Translator

#: argparse's own messages (Python 3.11), listed so the catalog extractor sees them.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("not allowed with argument %s"),
    N_("%(prog)s: error: %(message)s\n"),
)


def early_config(argv: Sequence[str]) -> tuple[Config | None, ConfigError | None]:
    """The configuration named by `--config` in `argv` (or CHIBO_CONFIG), before parsing."""
    path: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            path = argv[i + 1]
            break
        if arg.startswith("--config="):
            path = arg.split("=", 1)[1]
            break
        if not arg.startswith("-"):
            break  # the command: `--config` comes before it
    try:
        return load_config(path), None
    except ConfigError as exc:
        return None, exc


def localise(parser: argparse.ArgumentParser, _: Translator) -> argparse.ArgumentParser:
    """Translate the help texts, descriptions and group titles of `parser` and below."""
    seen: set[int] = set()

    def walk(p: argparse.ArgumentParser) -> None:
        if id(p) in seen:
            return
        seen.add(id(p))
        if p.description:
            p.description = _(p.description)
        for group in p._action_groups:
            if group.title:
                group.title = _(group.title)
        for action in p._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                action.help = _(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help:
                        choice.help = _(choice.help)
                for sub in action.choices.values():
                    walk(sub)

    walk(parser)
    return parser


@contextlib.contextmanager
def speaking(_: Translator) -> Iterator[None]:
    """argparse's own messages in `_`'s language while the block runs."""
    saved = argparse._  # type: ignore[attr-defined]
    argparse._ = _.translations.gettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = saved  # type: ignore[attr-defined]
