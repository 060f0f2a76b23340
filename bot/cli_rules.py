"""`chibo rules list`: every rule id the `[rules]` section of the configuration may set, with
the value in force today (the configured one where set) and its source."""

from __future__ import annotations

import argparse
from datetime import date
from fractions import Fraction

from chibo.bot.config import Config
from chibo.rules.catalogue import DEFAULT_CATALOGUE, UnknownRuleError
from chibo.rules.messages import N_
from chibo.usecases.clock import SystemClock, local_today
from chibo.usecases.context import catalogue_for
from chibo.usecases.i18n import Translator


def show_value(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    if isinstance(value, Fraction):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


async def cmd_list(args: argparse.Namespace, config: Config, _: Translator) -> int:
    today: date = local_today(SystemClock(), config.timezone)
    catalogue = catalogue_for(config)
    rows: list[tuple[str, str, str, str]] = []
    for rule_id in catalogue.ids():
        try:
            entry = catalogue.entry(rule_id, today)
            default = DEFAULT_CATALOGUE.entry(rule_id, today).value
        except UnknownRuleError:
            continue  # no version in force today
        mark = _("(configured)") if entry.value != default else ""
        rows.append((rule_id, show_value(entry.value), mark, _(entry.source)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
            + "  "
            + row[3]
        )
    print(
        _(
            'Set a value in the [rules] section of the configuration file, e.g. "{id}" = {value}',
            id=rows[0][0],
            value=rows[0][1],
        )
    )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = sub.add_parser("rules", help=N_("the party rules' numbers and their sources"))
    cmds = rules.add_subparsers(dest="rules_cmd", required=True)
    lst = cmds.add_parser("list", help=N_("rule ids, values in force today and sources"))
    lst.set_defaults(func=cmd_list)
